"""``papergen grade`` through the command line (scanner and reader replaced by fakes)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from fake_grading import ANSWERS_A, FakeScans, make_manifest, make_read, sheet_qr, small_layout
from papergen import grading
from omr.result import SheetRead
from papergen.grading import EXIT_ATTENTION, EXIT_EXPORTS_FAILED, EXIT_OK, STORE_FILENAME, Store, assess, batch
from papergen.cli import grade_command, main
from papergen.exam.manifest import save_manifest

EXAM = make_manifest()


@pytest.fixture
def scans(monkeypatch):
    """Fake scans wired into the grading defaults, as omr.scan_io and omr.read would be."""
    fake = FakeScans()
    monkeypatch.setattr(batch, "default_page_source", lambda skip=None: fake.iter_pages)
    monkeypatch.setattr(assess, "default_reader", lambda: fake.read_sheet)
    monkeypatch.setattr(grading, "count_input_pages", lambda inputs, out_dir=None: len(fake.pages))
    return fake


@pytest.fixture
def files(tmp_path):
    """A scans folder, a key file and a layout file on disk."""
    (tmp_path / "scans").mkdir()
    save_manifest(EXAM, tmp_path / "key.json")
    (tmp_path / "layout.json").write_text(small_layout().model_dump_json(), encoding="utf-8")
    return tmp_path


def grade(files, out="results"):
    args = ["grade", str(files / "scans"), "--key", str(files / "key.json"), "--out", str(files / out),
            "--layout", str(files / "layout.json")]
    return CliRunner().invoke(main, args)


def test_grade_reads_scans_and_prints_a_summary(files, scans):
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A")))
    scans.add(make_read(ANSWERS_A, qr=None), source="scans/b.pdf")
    result = grade(files)
    assert result.exit_code == EXIT_ATTENTION, result.output
    assert "Sheets graded: 1, 0 flagged for review" in result.output
    assert "Refused: 1\n  scans/b.pdf page 1: no QR code decoded" in result.output
    assert (files / "results" / "scores.csv").is_file()
    with Store.open(files / "results" / STORE_FILENAME) as store:
        assert [p.status for p in store.pages()] == ["graded", "refused"]


def test_grade_speaks_chinese_and_writes_gb18030_when_asked(files, scans):
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A")))
    scans.add(make_read(ANSWERS_A, qr=None), source="scans/b.pdf")
    args = ["--lang", "zh", "grade", str(files / "scans"), "--key", str(files / "key.json"), "--out",
            str(files / "results"), "--layout", str(files / "layout.json"), "--csv-encoding", "gb18030"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_ATTENTION, result.output
    assert "评分中" in result.output and "已评分答题卡：1 张，其中 0 张待复核" in result.output
    assert "已拒收：1\n  scans/b.pdf 第 1 页：" in result.output and "已写出：" in result.output
    review = (files / "results" / "review.csv").read_bytes().decode("gb18030")
    assert review.startswith("文件,页码,考号,考试,卷别,题号,原因,复核决定") and "\nscans/b.pdf,1,,,,,已拒收：" in review


def test_grade_rerun_reports_pages_already_read(files, scans):
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A")))
    grade(files)
    result = grade(files)
    assert result.exit_code == 0, result.output
    assert "Pages seen: 1 (1 already read, skipped)" in result.output


def test_grade_exits_with_an_error_for_a_bad_key_file(files, scans):
    (files / "key.json").write_text('{"exam_id": 3}', encoding="utf-8")
    result = grade(files)
    assert result.exit_code == 1
    assert "key.json: not a valid key manifest" in result.output


def test_grade_exits_with_an_error_for_an_unusable_output_folder(files, scans):
    (files / "results").write_text("a file, not a folder", encoding="utf-8")
    result = grade(files, out="results/2024")
    assert result.exit_code == 1
    assert "cannot create the output folder" in result.output


def test_grade_requires_a_key(files, scans):
    result = CliRunner().invoke(main, ["grade", str(files / "scans"), "--out", str(files / "results")])
    assert result.exit_code == 2
    assert "Missing option '--key'" in result.output


def test_grade_help_starts_with_a_verb_and_ends_with_an_example():
    doc = grade_command.grade.help.strip()
    assert doc.startswith("Read ")
    assert doc.endswith("papergen grade scans/ --key exam/key.json --out results/")
    assert "\b\n    Example:" in doc
    result = CliRunner().invoke(main, ["grade", "-h"])
    assert result.exit_code == 0
    assert "  Example:\n    papergen grade scans/ --key exam/key.json --out results/" in result.output


def test_grade_exits_0_when_every_page_is_graded_or_classified(files, scans):
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A")))
    scans.add(SheetRead("blank", reason="duplex back"), source="scans/b.pdf")
    scans.add(SheetRead("not_a_sheet", reason="no fiducials, text found"), source="scans/b.pdf")
    result = grade(files)
    assert result.exit_code == EXIT_OK, result.output
    assert "Blank pages: 1\n  scans/b.pdf page 1: duplex back" in result.output


@pytest.mark.parametrize("outcome", [
    SheetRead("quarantined", reason="3 of 4 fiducials found"),
    RuntimeError("reader crashed"),
    None,
], ids=["quarantined", "error", "undecodable"])
def test_grade_exits_3_when_pages_need_attention_also_on_a_rerun(files, scans, outcome):
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A")))
    scans.add(outcome, source="scans/b.pdf", error="truncated" if outcome is None else None)
    assert grade(files).exit_code == EXIT_ATTENTION
    rerun = grade(files)
    assert rerun.exit_code == EXIT_ATTENTION, rerun.output


def test_grade_exits_4_when_the_exports_cannot_be_written(files, scans):
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A")))
    (files / "results" / "scores.csv").mkdir(parents=True)
    result = grade(files)
    assert result.exit_code == EXIT_EXPORTS_FAILED, result.output
    assert "Problem: exports not written: " in result.output
    with Store.open(files / "results" / STORE_FILENAME) as store:
        assert [p.status for p in store.pages()] == ["graded"]


def test_grade_help_documents_the_exit_statuses():
    result = CliRunner().invoke(main, ["grade", "-h"])
    for status in (EXIT_OK, EXIT_ATTENTION, EXIT_EXPORTS_FAILED, 1, 2):
        assert re.search(rf"^ +{status}  \w", result.output, re.MULTILINE), status
