"""``papergen import`` and ``papergen export-moodle`` driven through click's CliRunner."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from papergen.bank.io import load_bank
from papergen.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_import_writes_a_bank_and_prints_counts_and_problems(tmp_path):
    out = tmp_path / "bank.json"
    result = _run(
        "import", str(FIXTURES / "answer_after_options.txt"), str(FIXTURES / "malformed.txt"),
        "--topics", str(FIXTURES / "topics.json"), "--out", str(out),
    )
    assert result.exit_code == 1, result.output  # malformed.txt gives no question
    assert "answer_after_options.txt: 11 blocks: parsed 10 (single 10, multi 0, judge 0)" in result.output
    assert "malformed.txt: 5 blocks: parsed 0" in result.output
    assert "error: malformed.txt:3 item 1: malformed: answer E is not among the options (A, B, C, D)" in result.output
    assert "wrote 10 items (single 10, multi 0, judge 0)" in result.output
    assert "Error: no question with its answer found in malformed.txt; supported formats: plain text" in result.output
    bank = load_bank(out)
    assert bank.id == "customer-service" and len(bank.items) == 10


def test_import_into_a_read_only_folder_is_a_clean_error(tmp_path, unwritable):
    out = tmp_path / "banks" / "bank.json"
    out.parent.mkdir()
    unwritable(out.parent)
    result = CliRunner().invoke(main, ["import", str(FIXTURES / "answer_after_options.txt"),
                                       "--topics", str(FIXTURES / "topics.json"), "--out", str(out)])
    assert result.exit_code == 1
    assert f"Error: {out}: cannot write the bank (Permission denied)" in result.output
    assert list(out.parent.iterdir()) == []


def test_import_applies_format_limits_and_exclusions(tmp_path):
    out = tmp_path / "bank.json"
    exclusions = tmp_path / "ex.json"
    first = _run("import", str(FIXTURES / "widths.txt"), "--topics", str(FIXTURES / "topics.json"), "--out", str(out))
    assert first.exit_code == 0
    excluded_id = load_bank(out).items[0].id
    exclusions.write_text(json.dumps({"exclusions": [{"id": excluded_id, "reason": "reviewed: garbled"}]}), "utf-8")
    result = _run(
        "import", str(FIXTURES / "widths.txt"), str(FIXTURES / "answer_after_options.txt"),
        "--topics", str(FIXTURES / "topics.json"), "--format", "formats/cs-180.json",
        "--exclude", str(exclusions), "--out", str(out),
    )
    assert result.exit_code == 0, result.output
    assert f"excluded {excluded_id}" in result.output and "reviewed: garbled" in result.output
    assert "single items print at most 4 options (has 5)" in result.output
    assert excluded_id not in {i.id for i in load_bank(out).items}


def test_import_merges_into_an_existing_bank_and_reads_moodle_by_content(tmp_path):
    out = tmp_path / "bank.json"
    assert _run("import", str(FIXTURES / "section_key.txt"), "--topics", str(FIXTURES / "topics.json"), "--out", str(out)).exit_code == 0
    before = load_bank(out).items
    moodle = tmp_path / "export.dat"
    moodle.write_bytes((FIXTURES / "quiz.xml").read_bytes())
    result = _run("import", str(moodle), "--merge-into", str(out), "--out", str(out))
    assert result.exit_code == 0, result.output
    after = load_bank(out).items
    assert after[: len(before)] == before
    assert len(after) == len(before) + 2  # the true/false question was already in the bank
    assert "export.dat: 5 blocks: parsed 3 (single 1, multi 1, judge 1)" in result.output
    assert "the bank already has this question" in result.output


def test_import_without_topics_or_bank_says_where_the_topics_came_from(tmp_path):
    result = _run("import", str(FIXTURES / "widths.txt"), "--out", str(tmp_path / "b.json"))
    assert result.exit_code == 0, result.output
    assert "no --topics: " in result.output and "give --topics" in result.output


def test_bank_id_title_and_id_prefix_options(tmp_path):
    out = tmp_path / "bank.json"
    result = _run(
        "import", str(FIXTURES / "widths.txt"), "--topics", str(FIXTURES / "topics.json"),
        "--bank-id", "crm-basics", "--title", "CRM 基础", "--id-prefix", "crm", "--out", str(out),
    )
    assert result.exit_code == 0, result.output
    bank = load_bank(out)
    assert (bank.id, bank.title) == ("crm-basics", "CRM 基础")
    assert all(i.id.startswith("crm-") for i in bank.items)


def test_export_moodle_writes_one_category_per_topic(tmp_path):
    out = tmp_path / "cs.xml"
    result = _run("export-moodle", "banks/customer-service.json", "--out", str(out))
    assert result.exit_code == 0, result.output
    bank = load_bank("banks/customer-service.json")
    root = ET.parse(out).getroot()
    questions = [q for q in root.iter("question") if q.get("type") != "category"]
    assert len(questions) == len(bank.items)
    assert f"wrote {len(bank.items)} questions in {len({i.topic for i in bank.items})} categories" in result.output


def test_export_moodle_reports_an_invalid_bank(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = _run("export-moodle", str(bad), "--out", str(tmp_path / "x.xml"))
    assert result.exit_code == 1
    assert "bad.json: not valid JSON" in result.output


def test_commands_have_help_ending_with_an_example():
    for command in ("import", "export-moodle"):
        result = _run(command, "-h")
        assert result.exit_code == 0
        assert "Example:" in result.output and f"papergen {command}" in result.output


def test_import_report_speaks_chinese_under_lang_zh_and_english_by_default(tmp_path):
    sources = [str(FIXTURES / "answer_after_options.txt"), str(FIXTURES / "malformed.txt")]
    args = ["import", *sources, "--topics", str(FIXTURES / "topics.json")]
    english = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "en.json")])  # first: --lang zh stays set
    chinese = CliRunner().invoke(main, ["--lang", "zh", *args, "--out", str(tmp_path / "zh.json")])
    assert "answer_after_options.txt：11 个文本块：读出试题 10 道（单选题 10，多选题 0，判断题 0）" in chinese.output
    assert "错误：malformed.txt:3 第 1 题：格式不全：答案 E 不在选项中（A, B, C, D）" in chinese.output
    assert "已将 10 道试题（单选题 10，多选题 0，判断题 0）写入" in chinese.output
    assert "错误：在 malformed.txt 中没有找到带答案的试题；支持的格式：纯文本" in chinese.output
    assert "parsed" not in chinese.output and "blocks" not in chinese.output
    assert "answer_after_options.txt: 11 blocks: parsed 10 (single 10, multi 0, judge 0)" in english.output
    assert "error: malformed.txt:3 item 1: malformed: answer E is not among the options (A, B, C, D)" in english.output
