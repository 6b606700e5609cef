"""Nothing is lost silently: any number, blank lines, letters in text, ✔/❌, and a listing of what is left out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from papergen.bank.io import load_bank
from papergen.cli import main
from papergen.errors import ImportTextError
from papergen.importers import import_sources, load_bank_header
from papergen.importers.report import LEFT_OUT_COLUMNS, left_out_lines, write_left_out_csv
from papergen.importers.source import read_source

from import_files import FIXTURES


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_question_numbers_past_1000_are_read(import_fixture):
    result = import_fixture("numbers_past_1000.txt")
    assert [i.provenance.number for i in result.items] == [str(n) for n in range(995, 1006)]
    assert [i.answer for i in result.items] == ["ABCD"[n % 4] for n in range(995, 1006)]
    assert all(i.options[0].text == f"要素{i.provenance.number}甲" for i in result.items)


def test_blank_lines_after_answers_and_before_headings_lose_nothing(import_fixture):
    result = import_fixture("blank_lines.txt")
    assert [(i.provenance.number, i.type, i.answer) for i in result.items] == [
        ("1", "single", "C"), ("2", "single", "A"), ("3", "single", "A"), ("4", "judge", False), ("5", "judge", True),
    ]
    assert result.problems == []


def test_capital_letters_inside_text_are_not_labels(import_fixture):
    items = {i.provenance.number: i for i in import_fixture("letters_in_text.txt").items}
    assert [items[n].answer for n in "1234"] == ["A", "A", "C", "A"]
    assert [o.text for o in items["1"].options] == ["A类", "B类", "C类", "D类"]
    assert items["2"].stem.startswith("已知A、B两个设备") and items["2"].options[0].text == "0.02%"
    assert items["4"].stem.startswith("某客户先后购买了A、B、C三种产品")
    assert [o.text for o in items["4"].options] == ["A产品最受该客户认可", "B产品质量差", "C产品价格高", "无法判断"]


def test_shadow_letters_in_label_order_are_still_dropped_when_the_texts_stay_distinct(tmp_path, import_fixture):
    path = tmp_path / "shadow.txt"
    path.write_text("一、单选题\n1. 品牌不同的竞争者是（ ）。A、A愿望竞争者B、B普通竞争者C、C品牌竞争者D、D产品形式竞争者正确答案:C\n", "utf-8")
    item = import_fixture(path).items[0]
    assert [o.text for o in item.options] == ["愿望竞争者", "普通竞争者", "品牌竞争者", "产品形式竞争者"]


@pytest.mark.parametrize(("number", "answer"), [("5", True), ("6", False), ("7", True), ("8", False)])
def test_check_and_cross_marks_are_true_false_answers(import_fixture, number, answer):
    item = next(i for i in import_fixture("letters_in_text.txt").items if i.provenance.number == number)
    assert item.type == "judge" and item.answer is answer


def test_every_skipped_block_is_listed_with_its_line_and_the_counts_add_up(import_fixture):
    result = import_fixture("key_compact.txt")
    counts = result.files[0]
    assert len(counts.left_out) == counts.skipped_total > 0
    assert all(entry.line and entry.reason in counts.skipped for entry in counts.left_out)
    assert counts.blocks_seen == counts.parsed_total + counts.skipped_total
    for reason in ("essay", "knowledge"):
        lines = [e.line for e in counts.left_out if e.reason == reason]
        assert len(lines) == counts.skipped[reason] > 0
        assert f"left out {reason} {len(lines)}: key_compact.txt:{', '.join(map(str, lines))}" in left_out_lines(result)


def test_parsed_questions_add_up_to_items_repeats_and_held_out(topics):
    header = load_bank_header(FIXTURES / "topics.json")
    paths = [FIXTURES / "conflict_a.txt", FIXTURES / "conflict_b.txt", FIXTURES / "answer_after_options.txt"]
    result = import_sources(paths, header).result
    parsed = sum(f.parsed_total for f in result.files)
    repeated = sum(f.duplicates for f in result.files)
    assert any(e.reason == "conflict" for e in result.held_out)
    assert parsed == result.added + repeated + len(result.held_out)
    assert f"{parsed} questions = {result.added} items + {repeated} repeated" in result.accounting()


def test_left_out_csv_lists_every_block_with_file_line_and_reason(tmp_path, import_fixture):
    result = import_fixture("single_multi_judge.txt")
    path = write_left_out_csv(result, tmp_path / "skipped.csv")
    rows = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == LEFT_OUT_COLUMNS
    assert len(rows) - 1 == len(result.left_out())
    assert all(row[0] == "single_multi_judge.txt" and row[1].isdigit() and row[3] for row in rows[1:])


def test_cli_writes_the_skipped_csv_and_fails_when_a_source_gives_no_question(tmp_path):
    out, skipped = tmp_path / "bank.json", tmp_path / "skipped.csv"
    result = _run(
        "import", str(FIXTURES / "blank_lines.txt"), str(FIXTURES / "knowledge.txt"),
        "--topics", str(FIXTURES / "topics.json"), "--skipped", str(skipped), "--out", str(out),
    )
    assert result.exit_code == 1
    assert "no question with its answer found in knowledge.txt; supported formats:" in result.output
    assert len(load_bank(out).items) == 5  # what the other source gave is written
    assert "knowledge.txt" in skipped.read_text("utf-8-sig")


def test_cli_writes_the_skipped_csv_in_gb18030_on_request(tmp_path):
    out, skipped = tmp_path / "bank.json", tmp_path / "skipped.csv"
    result = _run(
        "--lang", "zh", "import", str(FIXTURES / "single_multi_judge.txt"), "--topics", str(FIXTURES / "topics.json"),
        "--skipped", str(skipped), "--out", str(out), "--csv-encoding", "gb18030",
    )
    assert result.exit_code in (0, 3), result.output
    raw = skipped.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("gb18030")
    assert "single_multi_judge.txt" in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_cli_writes_nothing_when_no_source_gives_a_question(tmp_path):
    out, junk = tmp_path / "bank.json", tmp_path / "photo.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = _run("import", str(junk), "--topics", str(FIXTURES / "topics.json"), "--out", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "photo.png: not a text file" in result.output and "supported formats: plain text" in result.output


@pytest.mark.parametrize(("magic", "advice"), [(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "save it as .docx or .xlsx"), (b"%PDF-1.7\n", "a PDF")])
def test_old_office_files_and_pdfs_are_named_with_what_to_do(tmp_path, magic, advice):
    path = tmp_path / "bank.bin"
    path.write_bytes(magic + bytes(64))
    result = _run("import", str(path), "--topics", str(FIXTURES / "topics.json"), "--out", str(tmp_path / "b.json"))
    assert result.exit_code == 1 and advice in result.output and "supported formats:" in result.output


TEXT = "一、单选题\n1. 客户关系管理的核心是（ ）。A. 产品 B. 价格 C. 客户 D. 渠道 答案：C\n二、判断题\n2. 服务承诺应当兑现。答案：✔\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(tmp_path, import_fixture, encoding):
    text = TEXT.replace("✔", "对") if encoding in ("gbk",) else TEXT
    path = tmp_path / "bank.txt"
    path.write_bytes(text.encode(encoding))
    result = import_fixture(path)
    assert [(i.answer, i.stem) for i in result.items] == [("C", "客户关系管理的核心是（\u3000）。"), (True, "服务承诺应当兑现。")]


def test_a_damaged_byte_is_reported_with_its_line_and_value(tmp_path):
    raw = TEXT.encode("utf-8")
    cut = raw.index("服务承诺".encode())
    path = tmp_path / "bank.txt"
    path.write_bytes(raw[:cut] + b"\xff" + raw[cut:])
    with pytest.raises(ImportTextError, match=r"bank\.txt:4: byte 0xFF at offset \d+ is not valid utf-8"):
        read_source(path)


def test_a_forced_encoding_is_used_and_its_errors_are_located(tmp_path):
    path = tmp_path / "bank.txt"
    path.write_bytes(TEXT.encode("gb18030"))
    assert "客户关系管理" in read_source(path, "gb18030").text
    with pytest.raises(ImportTextError, match=r"bank\.txt:1: byte 0x.. at offset \d+ is not valid utf-8"):
        read_source(path, "utf-8")
    with pytest.raises(ImportTextError, match="unknown encoding"):
        read_source(path, "no-such-codec")


def test_cli_encoding_option(tmp_path):
    path, out = tmp_path / "bank.txt", tmp_path / "bank.json"
    path.write_bytes(TEXT.encode("gb18030"))
    result = _run("import", str(path), "--topics", str(FIXTURES / "topics.json"), "--encoding", "gb18030", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(load_bank(out).items) == 2


def test_page_header_lines_do_not_reach_items(import_fixture):
    result = import_fixture("exam_page.txt")
    assert all("题量" not in i.stem and "满分" not in i.stem for i in result.items)
    assert Path(FIXTURES / "exam_page.txt").read_text("utf-8").count("题量") == 1


def test_questions_the_bank_already_has_are_listed_with_their_line_and_counted(tmp_path):
    header = load_bank_header(FIXTURES / "topics.json")
    existing = import_sources([FIXTURES / "section_key.txt"], header).bank
    result = import_sources([FIXTURES / "quiz.xml"], header, existing=existing).result
    assert [(e.reason, e.document, e.line) for e in result.held_out] == [("in_bank", "quiz.xml", 28)]
    parsed = sum(f.parsed_total for f in result.files)
    assert parsed == result.added + len(result.held_out) == 3
