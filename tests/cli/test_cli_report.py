"""``papergen report``, ``rescore`` and ``writeback`` through the command line."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner
from fake_grading import make_manifest
from sim_cohort import MISKEY_ITEM, bank_items, cohort_store

from papergen.bank.io import load_bank, save_bank
from papergen.cli import main, report_commands
from papergen.exam.manifest import save_manifest
from papergen.grading import STORE_FILENAME, Store

COMMANDS = (report_commands.report, report_commands.rescore, report_commands.writeback)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A results folder of 24 simulated candidates and its key, built once."""
    root = tmp_path_factory.mktemp("graded")
    _, manifest = cohort_store(root / "results", 24)
    save_manifest(manifest, root / "key.json")
    return root


@pytest.fixture
def results(graded, tmp_path):
    """A private copy of the graded folder (commands may change it)."""
    shutil.copytree(graded, tmp_path, dirs_exist_ok=True)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_report_writes_every_output_of_every_exam(results):
    result = run("report", results / "results", "--out", results / "reports", "--cut", "55")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (results / "reports").iterdir())
    assert names == ["item-analysis-CS2026A.csv", "report-CS2026A.html", "report-CS2026A.pdf",
                     "results-CS2026A.xlsx", "slips-CS2026A.html", "slips-CS2026A.pdf"]
    assert "Exams: CS2026A" in result.output
    assert "pass mark 55" in (results / "reports" / "report-CS2026A.html").read_text(encoding="utf-8")


def test_report_format_html_only_writes_no_pdf(results):
    result = run("report", results / "results", "--out", results / "reports", "--outputs", "html")
    assert result.exit_code == 0, result.output
    assert not list((results / "reports").glob("*.pdf"))
    assert (results / "reports" / "slips-CS2026A.html").is_file()


def test_report_rejects_an_unknown_format(results):
    result = run("report", results / "results", "--out", results / "reports", "--outputs", "pdf,docx")
    assert result.exit_code == 1
    assert "Error: report: unknown format docx (got 'pdf,docx'); choose from pdf, html" in result.output


def test_report_rejects_a_cut_above_full_marks(results):
    result = run("report", results / "results", "--out", results / "reports", "--cut", "120")
    assert result.exit_code == 1
    assert "exam CS2026A: cut score must lie in 0..100 (got 120)" in result.output


def test_report_on_a_folder_without_results_says_which_folder(tmp_path):
    result = run("report", tmp_path, "--out", tmp_path / "reports")
    assert result.exit_code == 1
    assert f"Error: {tmp_path}: no results.sqlite here; give the folder 'papergen grade' wrote" in result.output


def test_rescore_writes_the_next_key_and_prints_the_changes(results):
    fixes = results / "fixes.json"
    fixes.write_text(json.dumps({"reason": "第7题答案应为B", "corrections": [
        {"variant": "A", "question": 7, "answer": "B"}]}, ensure_ascii=False), encoding="utf-8")
    result = run("rescore", results / "results", "--key", results / "key.json", "--corrections", fixes)
    assert result.exit_code == 0, result.output
    assert f"New key: {results / 'key.v2.json'}" in result.output
    assert f"variant A question 7 ({MISKEY_ITEM}): A -> B" in result.output
    assert re.search(r"Rescored 24 sheets: (\d+) totals changed, \d+ unchanged", result.output)
    assert "rerun 'papergen report'" in result.output
    changed = int(re.search(r"(\d+) totals changed", result.output)[1])
    totals = re.findall(r"\(candidate \d+\): ([\d.]+) -> ([\d.]+) points", result.output)
    assert len(totals) == changed > 0 and all(old != new for old, new in totals)


def test_rescore_into_a_read_only_key_folder_is_a_clean_error(results, unwritable):
    fixes = results / "fixes.json"
    fixes.write_text(json.dumps({"reason": "第7题答案应为B", "corrections": [
        {"variant": "A", "question": 7, "answer": "B"}]}, ensure_ascii=False), encoding="utf-8")
    unwritable(results)
    before = sorted(p.name for p in results.iterdir())
    result = run("rescore", results / "results", "--key", results / "key.json", "--corrections", fixes)
    assert result.exit_code == 1
    assert f"Error: {results / 'key.v2.json'}: cannot write key manifest (Permission denied)" in result.output
    assert sorted(p.name for p in results.iterdir()) == before


def test_rescore_stored_with_exports_that_cannot_be_written_exits_4(results):
    fixes = results / "fixes.json"
    fixes.write_text(json.dumps({"reason": "第7题答案应为B", "corrections": [
        {"variant": "A", "question": 7, "answer": "B"}]}, ensure_ascii=False), encoding="utf-8")
    (results / "results" / "scores.csv").unlink(missing_ok=True)
    (results / "results" / "scores.csv").mkdir()
    result = run("rescore", results / "results", "--key", results / "key.json", "--corrections", fixes)
    assert result.exit_code == 4, result.output
    assert "Problem: exports not rewritten: " in result.output and "Rescored 24 sheets:" in result.output
    assert (results / "key.v2.json").is_file() and (results / "key.v2.changes.json").is_file()


def test_rescore_reports_a_bad_correction_as_an_error(results):
    fixes = results / "fixes.json"
    fixes.write_text(json.dumps({"reason": "x", "corrections": [{"variant": "A", "question": 7, "answer": "Z"}]}),
                     encoding="utf-8")
    result = run("rescore", results / "results", "--key", results / "key.json", "--corrections", fixes)
    assert result.exit_code == 1
    assert "corrections[0] (variant A question 7): 'Z' is not an option of the question" in result.output
    assert not (results / "key.v2.json").exists()


def test_writeback_fills_the_bank_items_statistics(results, make_bank_data, make_item):
    items = [make_item(i.item_id) for i in bank_items()[:10]]
    data = make_bank_data(items)
    data["id"] = "cs-bank"
    bank_path = results / "bank.json"
    bank_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("writeback", results / "results", "--bank", bank_path)
    assert result.exit_code == 0, result.output
    assert "Exam CS2026A: statistics written to 10 items" in result.output
    stats = {item.id: item.stats for item in load_bank(bank_path).items}
    assert stats[MISKEY_ITEM].exam_id == "CS2026A" and stats[MISKEY_ITEM].candidates == 24


def test_writeback_refuses_a_bank_no_exam_was_built_from(results, make_bank):
    bank_path = results / "bank.json"
    save_bank(make_bank([]), bank_path)
    result = run("writeback", results / "results", "--bank", bank_path)
    assert result.exit_code == 1
    assert "no exam in" in result.output and "was built from bank 'test-bank' (exams use ['cs-bank'])" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_report_command_has_help_ending_in_an_example(command):
    result = CliRunner().invoke(main, [command.name, "-h"])
    assert result.exit_code == 0
    doc = command.help or ""
    first = doc.strip().split()[0]
    assert first[0].isupper() and first.lower() in {"write", "correct"}
    assert f"papergen {command.name} " in doc.split("\b")[-1]



def test_report_writes_every_exam_and_lists_one_without_sheets(results):
    with Store.open(results / "results" / STORE_FILENAME) as store:
        store.save_manifest(make_manifest("EMPTY1"))
    result = run("report", results / "results", "--out", results / "reports", "--outputs", "html")
    assert result.exit_code == 0, result.output
    assert "Exams: CS2026A, EMPTY1" in result.output
    assert "Problem: " in result.output and "exam EMPTY1: no graded sheet yet; grade scans first" in result.output
    assert (results / "reports" / "report-CS2026A.html").is_file()
    assert not (results / "reports" / "report-EMPTY1.html").exists()


def test_the_old_report_format_option_says_what_it_is_now(results):
    result = run("report", results / "results", "--out", results / "reports", "--format", "html")
    assert result.exit_code == 2
    assert "report --format html: this option is now --outputs html" in result.output


def _fixes(results):
    fixes = results / "fixes.json"
    fixes.write_text(json.dumps({"reason": "第7题答案应为B", "corrections": [
        {"variant": "A", "question": 7, "answer": "B"}]}, ensure_ascii=False), encoding="utf-8")
    return fixes


def test_rescore_speaks_chinese_under_lang_zh(results):
    result = CliRunner().invoke(main, ["--lang", "zh", "rescore", str(results / "results"), "--key",
                                       str(results / "key.json"), "--corrections", str(_fixes(results))])
    assert result.exit_code == 0, result.output
    assert f"新答案文件：{results / 'key.v2.json'}" in result.output
    assert f"A 卷第 7 题（{MISKEY_ITEM}）：A → B" in result.output
    assert re.search(r"已重新评分 24 份：\d+ 份总分变化，\d+ 份不变", result.output)
    assert re.search(r"（考号 \d+）：[\d.]+ → [\d.]+ 分", result.output)
    assert "请重新运行 'papergen report'" in result.output
    assert "Rescored" not in result.output and "points" not in result.output


def test_report_shows_its_progress_on_stderr_in_the_language_chosen(results):
    english = run("report", results / "results", "--out", results / "en", "--outputs", "html")
    chinese = run("--lang", "zh", "report", results / "results", "--out", results / "zh", "--outputs", "html")
    assert english.exit_code == chinese.exit_code == 0, english.output + chinese.output
    # not a terminal: the bar's label once, on stderr; stdout keeps only the files written
    assert english.stderr.splitlines() == ["Writing the reports"]
    assert chinese.stderr.splitlines() == ["正在生成报告"]
    assert "Writing the reports" not in english.stdout
    assert "已写入：" in chinese.stdout and "Written:" not in chinese.stdout
