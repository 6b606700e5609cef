"""A centre's own 100-point format with no layout: built with one generic sheet, simulated, graded."""

from __future__ import annotations

import csv
import json

import pytest

from omr.result import MarkState, QuestionRead, SheetRead
from papergen.build import build_exam, check_out_dir
from papergen.errors import RenderError
from papergen.exam import exam_checksum
from papergen.grading import grade_batch
from papergen.grading.identify import Identity, Refusal, identify_sheet
from papergen.render import GENERIC, exam_sheet_print
from papergen.resources import bundled_bank_path
from papergen.simulate import SimExtras, simulate_scans
from papergen.simulate.truth import load_truth_dir

FORMAT_100 = {
    "schema_version": 1, "id": "c100", "title": "客户服务管理师 理论知识试卷", "duration_min": 60, "total_points": 100,
    "sections": [
        {"key": "single", "type": "single", "title": "单项选择题", "count": 70, "points": 1, "options": 4},
        {"key": "judge", "type": "judge", "title": "判断题", "count": 10, "points": 1, "options": 2},
        {"key": "multi", "type": "multi", "title": "多项选择题", "count": 10, "points": 2, "options": 5},
    ],
}


@pytest.fixture(scope="module")
def generic_exam(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generic")
    fmt = folder / "c100.json"
    fmt.write_text(json.dumps(FORMAT_100, ensure_ascii=False), encoding="utf-8")
    result = build_exam(bundled_bank_path("customer-service"), fmt, out_dir=folder / "exam", variants=4, seed=7,
                        sheet="generic")
    return folder, result


def test_a_generic_build_prints_one_sheet_and_its_generated_layout(generic_exam):
    _, result = generic_exam
    names = sorted(p.name for p in result.files)
    assert [n for n in names if n.startswith("sheet")] == ["sheet.pdf"]
    assert "layout.json" in names and result.manifest.layout_id == "auto-c100-generic"


def test_every_variant_of_a_generic_sheet_grades_right(generic_exam):
    folder, result = generic_exam
    sim = folder / "sim"
    simulate_scans(folder / "exam", sim, candidates=12, seed=3, profile="feeder-200", mix="careful")
    summary = grade_batch([sim / "scans"], [result.manifest], folder / "results")
    truth = {p.candidate: p.variant for t in load_truth_dir(sim / "truth").values() for p in t.pages if p.candidate}
    with open(folder / "results" / "scores.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 12 and summary.refused == []
    assert {r["candidate"]: r["variant"] for r in rows} == truth
    assert len(set(truth.values())) > 1


def _read(qr: str, variant: tuple[str, ...], absent: tuple[str, ...] = ()) -> SheetRead:
    def row(options, marked):
        states = tuple(MarkState.MARKED if o in marked else MarkState.BLANK for o in options)
        return QuestionRead(0, options, tuple(float(o in marked) for o in options), states, marked)
    return SheetRead(status="read", qr_text=qr, marks={"variant": row(("A", "B", "C", "D"), variant),
                                                      "absent": row(("X",), absent)})


@pytest.mark.parametrize("marked", [(), ("A", "C")])
def test_a_generic_sheet_without_one_clear_variant_mark_is_refused_not_guessed(generic_exam, marked):
    manifest = generic_exam[1].manifest
    qr = exam_sheet_print(manifest, GENERIC).qr_payload
    found = identify_sheet(_read(qr, marked), {manifest.exam_id: manifest})
    assert isinstance(found, Refusal) and "试卷类型 needs exactly one clear mark" in found.reason


def test_a_generic_sheet_takes_its_variant_from_the_bubbles(generic_exam):
    manifest = generic_exam[1].manifest
    qr = exam_sheet_print(manifest, GENERIC).qr_payload
    found = identify_sheet(_read(qr, ("C",)), {manifest.exam_id: manifest})
    assert isinstance(found, Identity) and found.key.variant == "C"
    stale = qr.replace(exam_checksum([v.checksum for v in manifest.variants]), "00000000")
    assert "another build" in identify_sheet(_read(stale, ("C",)), {manifest.exam_id: manifest}).reason


def test_a_sheet_marked_absent_is_not_scored(generic_exam):
    manifest = generic_exam[1].manifest
    found = identify_sheet(_read(exam_sheet_print(manifest, "B").qr_payload, (), ("X",)), {manifest.exam_id: manifest})
    assert isinstance(found, Refusal) and "缺考" in found.reason


def test_build_refuses_a_folder_of_another_exam_unless_forced(generic_exam, tmp_path):
    exam_dir = generic_exam[0] / "exam"
    with pytest.raises(RenderError, match=r"holds the files of exam c100-7, not other-1; .*--force"):
        check_out_dir(exam_dir, "other-1")
    check_out_dir(exam_dir, "c100-7")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "key.json").write_bytes((exam_dir / "key.json").read_bytes())
    (copy / "sheet-D.pdf").write_bytes(b"%PDF")
    check_out_dir(copy, "other-1", force=True)
    assert list(copy.iterdir()) == []


def test_sheets_marked_absent_by_the_proctor_are_not_scored_as_zero(generic_exam):
    folder, result = generic_exam
    sim = folder / "sim-absent"
    simulate_scans(folder / "exam", sim, candidates=4, seed=5, profile="feeder-200", mix="careful",
                   extras=SimExtras(absent_sheets=2))
    summary = grade_batch([sim / "scans"], [result.manifest], folder / "results-absent")
    absent = {p.candidate for t in load_truth_dir(sim / "truth").values() for p in t.pages if p.kind == "absent"}
    assert len(absent) == 2
    assert len(summary.refused) == 2 and all("缺考" in problem.reason for problem in summary.refused)
    with open(folder / "results-absent" / "scores.csv", encoding="utf-8-sig") as handle:
        graded = {row["candidate"] for row in csv.DictReader(handle)}
    assert len(graded) == 4 and not graded & absent
