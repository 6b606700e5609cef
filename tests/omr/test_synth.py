"""The synthetic-scan drawer shared by the tests, the benchmarks and the simulator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from omr import synth
from omr.layout import SheetLayout
from omr.read import read_sheet
from omr.result import MarkState
from omr.scan_io import iter_pages


def test_every_mark_kind_has_a_truth_and_a_drawing() -> None:
    assert set(synth.KIND_TRUTH) == set(synth.MARK_KINDS)
    assert {k for k, t in synth.KIND_TRUTH.items() if t.intended and not t.review} == {"pen", "pencil", "faint"}


def test_marks_drawn_on_a_page_repeat_with_the_seed(layout: SheetLayout) -> None:
    marks = synth.SheetMarks(synth.random_answers(layout, 3), synth.candidate_marks("0123456789"))
    page = synth.draw_sheet(layout, dpi=100)
    first, second = page.copy(), page.copy()
    synth.draw_marks(first, 100, layout, marks, np.random.default_rng(7))
    synth.draw_marks(second, 100, layout, marks, np.random.default_rng(7))
    assert np.array_equal(first, second) and not np.array_equal(first, page)
    assert np.array_equal(first, synth.draw_sheet(layout, dpi=100, marks=marks, seed=7))


def test_scan_image_records_its_resolution(tmp_path: Path) -> None:
    page = np.full((120, 80), 250, np.uint8)
    for kind in ("jpeg", "png"):
        (tmp_path / f"page.{kind}").write_bytes(synth.encode_scan_image(page, kind, dpi=240, quality=70))
    assert [p.dpi for p in iter_pages(sorted(tmp_path.iterdir()))] == [pytest.approx(240), pytest.approx(240)]
    with pytest.raises(ValueError, match=r"encode_scan_image: kind must be 'jpeg' or 'png' \(got 'gif'\)"):
        synth.encode_scan_image(page, "gif")


def test_binarise_keeps_only_black_and_white() -> None:
    image = np.arange(256, dtype=np.uint8).reshape(16, 16)
    assert set(np.unique(synth.binarise(image, 128.0))) == {0, 255}
    assert synth.binarise(image, 128.0)[8, 0] == 255 and synth.binarise(image, 128.0)[7, 15] == 0


def test_dog_eared_corner_hides_a_fiducial_and_the_reader_quarantines(layout: SheetLayout, pen_sheet) -> None:
    scan = synth.capture(pen_sheet[0], 100, synth.Scan(dog_ear_mm=28), seed=4)
    read = read_sheet(scan, layout, dpi=100)
    assert read.status == "quarantined" and "3 of 4 fiducials found" in read.reason


def test_stray_dot_in_a_bubble_is_flagged_not_read(layout: SheetLayout) -> None:
    answers = synth.random_answers(layout, 8)
    answers[7] = {"A": "pen", "C": "dot"}
    page = synth.draw_sheet(layout, dpi=150, marks=synth.SheetMarks(answers), seed=8)
    question = read_sheet(page, layout, dpi=150).question(7)
    assert question.marked == ("A",)
    assert question.states[2] != MarkState.MARKED and question.needs_review
