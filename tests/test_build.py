"""build_exam end to end: files, key manifest, personalised sheets, atomic writes, ledger; rosters."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import pytest
from PIL import Image
from pypdf import PdfReader
from small_banks import item_ids
from pdf_inspect import page_texts, render_gray

from omr.layout import MM_PER_INCH
from papergen import build as build_module
from papergen.assembly import ExposureRule, Ledger
from papergen.assembly.synthetic import SyntheticSpec, synthetic_bank
from papergen.bank.figures import store_figure
from papergen.bank.io import save_bank
from papergen.build import build_exam, load_exam_layout
from papergen.errors import FormatError, RenderError, RosterError
from papergen.exam.manifest import load_manifest
from papergen.exam.format import load_format
from papergen.resources import bundled_format_path
from papergen.exam.roster import read_roster
from papergen.exam.sheet_code import decode_sheet_code

FORMAT = bundled_format_path("cs-180")
ROSTER = "number,name,room,seat\n2026000001,张三,101,1\n2026000002,李四,101,2\n2026000003,王五,102,1\n"


@pytest.fixture(scope="module")
def bank_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bank") / "bank.json"
    save_bank(synthetic_bank(SyntheticSpec(items=1200, topics=20), seed=3, bank_id="cs-synthetic"), path)
    return path


@pytest.fixture(scope="module")
def built(bank_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exam")
    roster = folder / "roster.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + ROSTER.encode("utf-8"))
    ledger = folder / "usage.jsonl"
    result = build_exam(bank_path, FORMAT, out_dir=folder / "out", variants=2, seed=7, roster_path=roster,
                        ledger_path=ledger, date="2026-11-20")
    return result, folder


def test_build_writes_key_booklets_sheets_and_key_pdf(built):
    result, folder = built
    names = sorted(p.name for p in (folder / "out").iterdir())
    assert names == ["booklet-A.pdf", "booklet-B.pdf", "key.json", "key.pdf", "sheet-A.pdf", "sheet-B.pdf",
                     "sheets-A.pdf", "sheets-B.pdf"]
    assert sorted(p.name for p in result.files) == names
    for path in result.files:
        if path.suffix == ".pdf":
            assert path.read_bytes().startswith(b"%PDF")


def test_key_manifest_matches_the_papers(built):
    result, folder = built
    manifest = load_manifest(folder / "out" / "key.json")
    assert manifest.exam_id == "cs-180-7" and manifest.seed == 7 and manifest.layout_id == "a4-180"
    assert manifest.bank_id == "cs-synthetic" and set(manifest.versions) >= {"papergen", "reportlab", "highspy"}
    for paper, variant in zip(result.papers, manifest.variants):
        assert [q.answer for q in variant.questions] == [list(q.answer) for q in paper.questions]


def test_key_manifest_carries_each_questions_topic_and_the_topic_names(built, bank_path):
    result, folder = built
    manifest = load_manifest(folder / "out" / "key.json")
    bank = json.loads(bank_path.read_text(encoding="utf-8"))
    names = {t["code"]: t["name"] for t in bank["topics"]}
    for paper, variant in zip(result.papers, manifest.variants):
        assert [q.topic for q in variant.questions] == [q.topic for q in paper.questions]
    used = {q.topic for v in manifest.variants for q in v.questions}
    assert manifest.topic_names == {code: names[code] for code in used} and len(used) > 1


def test_roster_candidates_get_variants_in_turn_and_one_sheet_each(built):
    result, folder = built
    assert [(c.number, c.variant) for c in result.manifest.candidates] == [
        ("2026000001", "A"), ("2026000002", "B"), ("2026000003", "A")]
    texts = page_texts(folder / "out" / "sheets-A.pdf")
    assert len(texts) == 2 and "张三" in texts[0] and "王五" in texts[1]
    assert len(page_texts(folder / "out" / "sheets-B.pdf")) == 1


def test_personalised_sheet_qr_carries_exam_variant_checksum_and_candidate(built):
    result, folder = built
    layout = load_exam_layout(load_format(FORMAT))
    dpi = 150
    image = render_gray(folder / "out" / "sheets-B.pdf", 0, dpi)
    scale = dpi / MM_PER_INCH
    x0, y0 = int((layout.qr.x_mm - 3) * scale), int((layout.qr.y_mm - 3) * scale)
    size = int((layout.qr.size_mm + 6) * scale)
    payload, _, _ = cv2.QRCodeDetector().detectAndDecode(image[y0:y0 + size, x0:x0 + size])
    code = decode_sheet_code(payload)
    assert (code.exam_id, code.variant, code.candidate) == ("cs-180-7", "B", "2026000002")
    assert code.checksum == result.manifest.variant("B").checksum


def test_the_build_is_recorded_in_the_ledger(built):
    result, folder = built
    entries = Ledger(folder / "usage.jsonl").entries()
    assert [(e.exam_id, e.date) for e in entries] == [("cs-180-7", "2026-11-20")]
    assert entries[0].variants["A"] == [q.item_id for q in result.papers[0].questions]


def test_the_same_inputs_rebuild_identical_files(bank_path, tmp_path):
    first = build_exam(bank_path, FORMAT, out_dir=tmp_path / "a", variants=1, seed=3)
    second = build_exam(bank_path, FORMAT, out_dir=tmp_path / "b", variants=1, seed=3, workers=2)
    for a, b in zip(first.files, second.files):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_failed_build_leaves_no_file_and_no_ledger_line(bank_path, tmp_path, monkeypatch):
    def broken(manifest, path):
        Path(path).write_bytes(b"%PDF-half")
        raise RenderError(f"{path}: glyph missing")

    monkeypatch.setattr(build_module, "render_key", broken)
    ledger = tmp_path / "usage.jsonl"
    with pytest.raises(RenderError, match="glyph missing"):
        build_exam(bank_path, FORMAT, out_dir=tmp_path / "out", variants=1, seed=1, ledger_path=ledger)
    assert list((tmp_path / "out").iterdir()) == []
    assert not ledger.exists()


def test_a_second_sitting_excludes_the_first_through_the_ledger(bank_path, tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "_write_outputs", lambda out_dir, papers, *args: [])
    ledger = tmp_path / "usage.jsonl"
    first = build_exam(bank_path, FORMAT, out_dir=tmp_path, variants=1, seed=1, ledger_path=ledger)
    second = build_exam(bank_path, FORMAT, out_dir=tmp_path, variants=1, seed=2, ledger_path=ledger,
                        exposure=ExposureRule(exclude_last=1))
    assert not item_ids(first.papers[0]) & item_ids(second.papers[0])
    assert len(Ledger(ledger).entries()) == 2


def test_a_layout_that_does_not_fit_the_format_is_refused(make_format):
    with pytest.raises(FormatError, match=r"format test-format and layout a4-180 do not fit: the sheet has 180 questions"):
        load_exam_layout(make_format())


def test_an_unknown_layout_id_is_refused(make_format):
    fmt = make_format().model_copy(update={"layout": "a5-nothing"})
    with pytest.raises(FormatError, match=r"layout 'a5-nothing' is not bundled"):
        load_exam_layout(fmt)


# -- rosters -----------------------------------------------------------------


def test_roster_accepts_chinese_headers_bom_and_quoted_cells(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeff准考证号,姓名,试卷,考场号\n0001,\"欧阳,娜娜\",b,3\n\n0002,李四,,\n".encode("utf-8"))
    entries = read_roster(path)
    assert [(e.line, e.number, e.name, e.variant, e.room) for e in entries] == [
        (2, "0001", "欧阳,娜娜", "B", "3"), (4, "0002", "李四", "", "")]


def test_roster_problems_are_all_reported_with_lines(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("number,name\n12a,张三\n0002,\n0003,王五\n0003,赵六\n", encoding="utf-8")
    with pytest.raises(RosterError, match=(
        r"line 2: candidate number must be digits only \(got '12a'\)\n.*line 3: candidate name is empty"
        r"(.|\n)*candidate number 0003 appears more than once"
    )):
        read_roster(path)


def test_roster_numbers_longer_than_the_sheet_grid_are_refused(bank_path, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("number,name\n12345678901,张三\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"line 2: candidate number has more than 10 digits"):
        build_exam(bank_path, FORMAT, out_dir=tmp_path / "out", variants=1, seed=1, roster_path=roster)


def test_roster_variant_must_exist(bank_path, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("number,name,variant\n1,张三,C\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"line 2: variant 'C' is not one of \['A', 'B'\]"):
        build_exam(bank_path, FORMAT, out_dir=tmp_path / "out", variants=2, seed=1, roster_path=roster)


def test_roster_header_must_name_number_and_name(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("number,nmae\n1,张三\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"line 1: header must name .*unknown \['nmae'\], missing \['name'\]"):
        read_roster(path)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig", "utf-8"])
def test_a_roster_saved_by_excel_or_wps_on_chinese_windows_is_read_in_its_encoding(tmp_path, encoding):
    path = tmp_path / "r.csv"
    path.write_bytes("准考证号,姓名,考场\n2026000001,张三丰,第一考场\n2026000002,李四,第二考场\n".encode(encoding))
    assert [(e.number, e.name, e.room) for e in read_roster(path)] == [
        ("2026000001", "张三丰", "第一考场"), ("2026000002", "李四", "第二考场")]


def test_a_big5_roster_is_read_when_its_encoding_is_named(tmp_path):
    """Big5 bytes are also valid GB18030, so detection cannot tell them apart: --roster-encoding big5 can."""
    path = tmp_path / "r.csv"
    path.write_bytes("number,name\n2026000001,張三豐\n".encode("big5"))
    assert read_roster(path, encoding="big5")[0].name == "張三豐"


def test_a_roster_in_no_known_encoding_names_the_line_and_byte(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("准考证号,姓名\n2026000001,张三\n".encode("utf-8") + b"2026000002,\xff\xfe\xff\n")
    with pytest.raises(RosterError, match=r"r\.csv:3: byte 0xFF at offset \d+ is not valid utf-8 .*--encoding"):
        read_roster(path)


def test_a_forced_roster_encoding_wins_over_detection(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("number,name\n1,张三\n".encode("gb18030"))
    with pytest.raises(RosterError, match=r"not valid utf-8"):
        read_roster(path, encoding="utf-8")
    assert read_roster(path, encoding="gb18030")[0].name == "张三"


def test_manifest_json_is_plain_utf8(built):
    _, folder = built
    data = json.loads((folder / "out" / "key.json").read_text(encoding="utf-8"))
    assert data["mode"] == "shuffle" and len(data["variants"]) == 2


def test_an_output_folder_that_is_a_file_is_reported(bank_path, tmp_path):
    target = tmp_path / "exam"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(RenderError, match=r"exam: cannot write the exam files there \("):
        build_exam(bank_path, FORMAT, out_dir=target, variants=1, seed=1)


@pytest.mark.parametrize("date", ["not-a-date", "2026-13-01", "20261206", "2026-02-30"])
def test_a_bad_sitting_date_is_refused_before_anything_is_written(bank_path, tmp_path, date):
    ledger = tmp_path / "usage.jsonl"
    with pytest.raises(FormatError, match=rf"--date: not a calendar date written YYYY-MM-DD \(got '{date}'\)"):
        build_exam(bank_path, FORMAT, out_dir=tmp_path / "out", variants=1, seed=1, ledger_path=ledger, date=date)
    assert not (tmp_path / "out").exists() and not ledger.exists()


def test_roster_text_too_long_for_its_box_is_reported_as_a_warning(bank_path, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("number,name\n2026000001,张三\n2026000002," + "欧阳" * 100 + "\n", encoding="utf-8")
    result = build_exam(bank_path, FORMAT, out_dir=tmp_path / "out", variants=1, seed=1, roster_path=roster)
    assert len(result.warnings) == 1 and "candidate 2026000002" in result.warnings[0]


def test_figures_of_drawn_items_are_printed_from_beside_the_bank(tmp_path):
    bank_path = tmp_path / "bank" / "bank.json"
    bank_path.parent.mkdir()

    def figure(shade: int):
        picture = io.BytesIO()
        Image.new("RGB", (200, 100), (shade % 256, shade // 256, 160)).save(picture, format="PNG")
        return store_figure(picture.getvalue(), bank_path)

    bank = synthetic_bank(SyntheticSpec(items=1200, topics=20), seed=3, bank_id="cs-synthetic")
    items = [i.model_copy(update={"figures": [figure(k)]}) if i.type == "judge" else i
             for k, i in enumerate(bank.items)]
    save_bank(bank.model_copy(update={"items": items}), bank_path)
    result = build_exam(bank_path, FORMAT, out_dir=tmp_path / "out", variants=1, seed=1)
    booklet = next(p for p in result.files if p.name.startswith("booklet-"))
    assert sum(len(page.images) for page in PdfReader(booklet).pages) == 20  # one per true/false question
