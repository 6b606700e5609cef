"""Sheet layouts generated from formats: fit, readability, reading back what was marked."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from omr.layout import load_layout
from omr.read import read_sheet
from omr.synth import SheetMarks, draw_marks
from papergen.build import _layout_problems, load_exam_layout
from papergen.errors import FormatError
from papergen.exam import design_layout, readability_problems, save_layout
from papergen.exam.format import PaperFormat
from papergen.render import GENERIC, exam_sheet_print, render_sheets
from papergen.render.sheet import SheetPrint
from papergen.resources import bundled_layout_path

_TYPES = ("single", "multi", "judge")


def _format(sections: list[tuple[str, int, int]], fmt_id: str = "t") -> PaperFormat:
    return PaperFormat.model_validate({
        "id": fmt_id, "title": "测试试卷", "duration_min": 60,
        "sections": [
            {"key": f"s{i}", "type": kind, "title": {"single": "单项选择题", "multi": "多项选择题", "judge": "判断题"}[kind],
             "count": count, "points": 1, "options": 2 if kind == "judge" else options}
            for i, (kind, count, options) in enumerate(sections)
        ],
    })


sections_strategy = st.lists(
    st.tuples(st.sampled_from(_TYPES), st.integers(1, 60), st.integers(2, 6)), min_size=1, max_size=4
)


def test_the_bundled_a4_180_layout_hashes_as_before_mark_rows_existed():
    layout = load_layout(bundled_layout_path("a4-180"))
    data = json.loads(bundled_layout_path("a4-180").read_text(encoding="utf-8"))
    old_canonical = json.dumps(layout.model_dump(mode="json", exclude={"marks"}), sort_keys=True, ensure_ascii=False)
    assert layout.sha256 == hashlib.sha256(old_canonical.encode("utf-8")).hexdigest()
    assert layout.marks == () and "marks" not in data


@settings(max_examples=40, deadline=None)
@given(sections_strategy)
def test_a_generated_layout_fits_its_format_and_passes_the_readability_rules(sections):
    assume(sum(count for _, count, _ in sections) <= 180)  # the size of the largest paper in use; A3 holds it
    fmt = _format(sections)
    layout = design_layout(fmt)
    assert layout.question_count == fmt.question_count
    assert _layout_problems(fmt, layout) == []
    assert readability_problems(layout) == []
    assert layout.page_width_mm in (210.0, 297.0)
    assert [b.group_size for b in layout.blocks] == [5] * len(fmt.sections)


def test_a_generated_layout_survives_its_file(tmp_path):
    layout = design_layout(_format([("single", 70, 4), ("judge", 10, 2), ("multi", 10, 5)]), variants=list("ABCD"))
    assert load_layout(save_layout(layout, tmp_path / "layout.json")).sha256 == layout.sha256


def test_a_small_format_is_a4_and_a_large_one_a3():
    assert design_layout(_format([("single", 70, 4), ("judge", 10, 2), ("multi", 10, 5)])).page_width_mm == 210
    assert design_layout(_format([("single", 200, 4), ("multi", 40, 6)])).page_width_mm == 297


def test_the_largest_papers_fit_a3_with_six_options():
    assert design_layout(_format([("multi", 60, 6)] * 3)).page_width_mm == 297


def test_a_format_too_large_for_a3_is_refused_with_its_sections():
    with pytest.raises(FormatError, match=r"format big: 1500 questions do not fit an A3 answer sheet.*s0 1500"):
        design_layout(_format([("single", 1500, 4)], fmt_id="big"))


def test_readability_names_a_bubble_in_the_qr_search_window():
    layout = design_layout(_format([("single", 20, 4)]))
    block = layout.blocks[0].model_copy(update={"x_mm": layout.qr.x_mm + 5, "y_mm": layout.qr.y_mm + 5})
    moved = layout.model_copy(update={"blocks": (block,)})
    problems = readability_problems(moved)
    assert any("question 1 A lies within 3 mm of the QR search window" in p for p in problems)


def test_a_format_without_layout_uses_the_generated_one_and_a_generic_sheet_needs_variant_bubbles():
    fmt = _format([("single", 30, 4)])
    assert load_exam_layout(fmt).id == "auto-t"
    assert load_exam_layout(fmt, variants=["A", "B"]).mark_row("variant").options == ("A", "B")
    cs = PaperFormat.model_validate({**fmt.model_dump(), "layout": "a4-180", "sections": [
        {"key": "single", "type": "single", "title": "单项选择题", "count": 140, "points": 0.5},
        {"key": "judge", "type": "judge", "title": "判断题", "count": 20, "points": 0.5, "options": 2},
        {"key": "multi", "type": "multi", "title": "多项选择题", "count": 20, "points": 1, "options": 5}]})
    with pytest.raises(FormatError, match="a generic sheet needs 试卷类型 bubbles for variants A, B"):
        load_exam_layout(cs, variants=["A", "B"])


# -- rendered, marked and read back ------------------------------------------------------

_DPI = 150


def _page(layout, sheet: SheetPrint, tmp_path) -> np.ndarray:
    path = tmp_path / "sheet.pdf"
    render_sheets(layout, [sheet], path)
    pdf = pdfium.PdfDocument(str(path))
    try:
        return np.array(pdf[0].render(scale=_DPI / 72, grayscale=True).to_pil().convert("L"))
    finally:
        pdf.close()


def _answers(layout, rng: np.random.Generator) -> dict[int, dict[str, str]]:
    answers = {}
    for spec in layout.questions():
        count = int(rng.integers(1, min(3, len(spec.options)) + 1)) if spec.multiple else 1
        chosen = rng.choice(len(spec.options), size=count, replace=False)
        answers[spec.number] = {spec.options[int(i)]: "pen" for i in chosen}
    return answers


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sections_strategy, st.integers(0, 2**31))
def test_every_mark_on_a_generated_sheet_is_read_back(tmp_path, sections, seed):
    assume(sum(count for _, count, _ in sections) <= 180)
    layout = design_layout(_format(sections), variants=["A", "B", "C"])
    sheet = SheetPrint(title="测试试卷", exam_id="t-1", variant=GENERIC, checksum="1a2b3c4d",
                       qr_payload="PG1|t-1||1a2b3c4d|")
    page = _page(layout, sheet, tmp_path)
    rng = np.random.default_rng(seed)
    answers = _answers(layout, rng)
    marks = SheetMarks(answers=answers, rows={"variant": {"B": "pencil"}})
    draw_marks(page, _DPI, layout, marks, rng)
    read = read_sheet(page, layout, dpi=_DPI)
    assert read.status == "read", read.reason
    # every question is read as marked, or listed for review: never a silent misread
    wrong = {q.number: (q.marked, q.flags) for q in read.questions
             if set(q.marked) != set(answers[q.number]) and not q.needs_review}
    assert wrong == {}
    assert sum(q.needs_review for q in read.questions) <= max(2, len(read.questions) // 50)
    assert read.marks["variant"].marked == ("B",)
    assert read.marks["absent"].marked == ()
    assert read.qr_text == "PG1|t-1||1a2b3c4d|"


def test_a_filled_absent_mark_is_read(tmp_path):
    layout = design_layout(_format([("single", 40, 4), ("multi", 20, 5)]))
    page = _page(layout, SheetPrint("测试试卷", "t-1", "A", "1a2b3c4d", "PG1|t-1|A|1a2b3c4d|"), tmp_path)
    draw_marks(page, _DPI, layout, SheetMarks(answers={1: {"A": "pen"}}, rows={"absent": {"X": "pen"}}),
               np.random.default_rng(1))
    read = read_sheet(page, layout, dpi=_DPI)
    assert read.marks["absent"].marked == ("X",)
    assert [q.marked for q in read.questions[:2]] == [("A",), ()]


def test_exam_sheet_print_names_the_exam_but_no_variant_on_a_generic_sheet(bundled_manifest=None):
    from papergen.exam import decode_sheet_code, exam_checksum
    from tests.helpers.bundled_exam import build_bundled_exam
    import tempfile
    from pathlib import Path

    manifest = build_bundled_exam(Path(tempfile.mkdtemp()), variants=2).manifest
    code = decode_sheet_code(exam_sheet_print(manifest, GENERIC).qr_payload)
    assert (code.exam_id, code.variant, code.generic) == (manifest.exam_id, "", True)
    assert code.checksum == exam_checksum([v.checksum for v in manifest.variants])


def test_the_layout_command_writes_the_generated_layout_for_hand_tuning(tmp_path):
    from click.testing import CliRunner

    from papergen.cli import main

    fmt = tmp_path / "f.json"
    fmt.write_text(_format([("single", 70, 4), ("judge", 10, 2), ("multi", 10, 5)], fmt_id="c100").model_dump_json(),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["layout", str(fmt), "--out", str(tmp_path / "l.json"), "--generic-variants", "4"])
    assert result.exit_code == 0, result.output
    assert "layout auto-c100-generic, A4, 90 questions" in result.output
    written = load_layout(tmp_path / "l.json")
    assert written.mark_row("variant").options == ("A", "B", "C", "D")
    assert written.sha256 == design_layout(PaperFormat.model_validate_json(fmt.read_text()), variants=list("ABCD")).sha256
