"""read_sheet end to end: exact truth over every bubble of degraded synthetic scans."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omr import synth
from omr.layout import MM_PER_INCH, SheetLayout
from omr.read import layout_to_image_points, read_sheet
from omr.result import MarkState, SheetRead

SPECIAL_KINDS = ("light", "partial", "tick", "cross", "erasure")

SCANS = {
    "jpeg-150dpi-turned-skewed": (150, synth.Scan(quarter_turns=1, skew_deg=-6, margin_mm=15, noise_sigma=4,
                                                  blur_sigma_px=0.6), 70),
    "phone-120dpi-perspective-uneven-light": (120, synth.Scan(perspective_mm=6, margin_mm=12, background=110,
                                                              lighting=0.45, paper=230, ink=40, noise_sigma=5), 85),
    "dark-pencil-200dpi-upside-down": (200, synth.Scan(quarter_turns=2, skew_deg=2, paper=200, ink=55,
                                                       noise_sigma=3), 75),
}


def _truth_marks(layout: SheetLayout, seed: int, kind: str) -> synth.SheetMarks:
    """Random answers in ``kind`` plus a sprinkle of uncertain marks and erasures."""
    answers = synth.random_answers(layout, seed, kind=kind)
    rng = np.random.default_rng(seed)
    for i, number in enumerate(rng.choice(140, 25, replace=False) + 1):
        special = SPECIAL_KINDS[i % len(SPECIAL_KINDS)]
        answers[int(number)] = {"A": "erasure", "D": kind} if special == "erasure" else {"ABCD"[i % 4]: special}
    return synth.SheetMarks(answers, synth.candidate_marks("2026031415", kind))


def _expected_state(kind: str | None) -> MarkState:
    if kind in synth.MARKED_KINDS:
        return MarkState.MARKED
    return MarkState.BLANK if kind in (None, "erasure") else MarkState.AMBIGUOUS


def _unflagged_misreads(read: SheetRead, marks: synth.SheetMarks) -> tuple[list, int]:
    """Bubbles whose state differs from the truth on a question that is not up for review; bubbles compared."""
    misreads, compared = [], 0
    for question in read.questions:
        truth = marks.answers.get(question.number, {})
        for option, state in zip(question.options, question.states, strict=True):
            compared += 1
            if state != _expected_state(truth.get(option)) and not question.needs_review:
                misreads.append((question.number, option, truth.get(option), state.value))
        if "erasure" in truth.values() and question.marked != ("D",):  # the answer changed from A to D
            misreads.append((question.number, "erasure beside a mark not read as the mark alone", question.marked))
    return misreads, compared


@pytest.mark.parametrize("name", sorted(SCANS))
def test_read_sheet_makes_no_unflagged_misread_on_degraded_scans(layout: SheetLayout, name: str) -> None:
    dpi, scan, quality = SCANS[name]
    seed = sorted(SCANS).index(name) + 31
    marks = _truth_marks(layout, seed, "pencil" if "pencil" in name else "pen")
    page = synth.draw_sheet(layout, dpi=dpi, marks=marks, seed=seed, qr_text=f"PG1|E|A|0000000{seed % 10}|")
    image = synth.decode_image(synth.encode_image(synth.capture(page, dpi, scan, seed=seed), ".jpg", quality=quality))
    read = read_sheet(image, layout, dpi=None)
    assert read.status == "read", read.reason
    misreads, compared = _unflagged_misreads(read, marks)
    assert compared == 700 and misreads == []
    assert read.candidate.digits == "2026031415" and read.candidate.complete
    assert read.qr_text == f"PG1|E|A|0000000{seed % 10}|"
    flagged = sum(q.needs_review for q in read.questions)
    assert 15 <= flagged <= 25  # the 20 planted uncertain marks, give or take a question; erasures beside a
    # clear mark are answers changed, read without review


def test_read_sheet_reports_stage_timings_and_geometry(layout: SheetLayout, pen_sheet) -> None:
    read = read_sheet(pen_sheet[0], layout, dpi=100)
    assert {"triage", "fiducials", "orientation", "fit", "marks", "qr", "total"} <= set(read.timings_ms)
    assert read.timings_ms["total"] >= read.timings_ms["marks"] > 0
    assert read.working_dpi == pytest.approx(100, rel=0.01) and read.dpi == read.working_dpi
    assert read.fit_error_px < 0.5 and len(read.questions) == 180


def test_layout_points_land_on_the_fiducials_of_a_turned_scan(layout: SheetLayout, pen_sheet) -> None:
    scan = np.ascontiguousarray(np.rot90(pen_sheet[0], 1))
    read = read_sheet(scan, layout, dpi=100)
    points = layout_to_image_points(read, layout, np.array(layout.fiducials.centres_mm))
    for x, y in points:
        window = scan[int(y) - 3:int(y) + 4, int(x) - 3:int(x) + 4]
        assert window.max() < 60, (x, y)  # inside a solid square
    assert points[0][1] > scan.shape[0] / 2  # the page's top-left corner is at the image's bottom-left


def test_layout_to_image_points_refuses_an_unregistered_read(layout: SheetLayout) -> None:
    read = read_sheet(synth.blank_page(100), layout, dpi=100)
    assert read.status == "blank" and read.homography is None
    with pytest.raises(ValueError, match=r"layout a4-180: page was not registered \(status blank"):
        layout_to_image_points(read, layout, np.zeros((1, 2)))


def test_read_sheet_reads_a_colour_photo(layout: SheetLayout, pen_sheet) -> None:
    grey, marks = pen_sheet
    read = read_sheet(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), layout, dpi=100)
    assert read.status == "read"
    assert all(set(q.marked) == set(marks.answers.get(q.number, {})) for q in read.questions)


def test_read_sheet_rejects_an_array_that_is_not_an_image(layout: SheetLayout) -> None:
    expected = r"read_sheet: expected a grey \(H, W\) or BGR \(H, W, 3\) image \(got shape \(4,\)\)"
    with pytest.raises(ValueError, match=expected):
        read_sheet(np.zeros(4, np.uint8), layout)


def test_creased_page_whose_anchors_still_fit_is_quarantined_by_its_outlines(layout: SheetLayout, pen_sheet) -> None:
    read = read_sheet(synth.crease(pen_sheet[0], 100, (95, 155), 35, 1.0), layout, dpi=100)
    assert read.status == "quarantined"
    assert read.reason.startswith("bubble outlines not where the registration puts them")
    assert read.questions == ()


def test_small_crease_flags_its_questions_misaligned_or_ambiguous_never_misread(layout: SheetLayout, pen_sheet) -> None:
    page, marks = pen_sheet
    read = read_sheet(synth.crease(page, 100, (60, 150), 12, 1.0), layout, dpi=100)
    assert read.status == "read"
    flagged = [q for q in read.questions if q.flags]
    assert any("misaligned" in q.flags for q in flagged)
    assert all(set(q.marked) == set(marks.answers.get(q.number, {})) for q in read.questions if not q.flags)


def test_read_sheet_of_a_text_page_says_why_it_is_not_a_sheet(layout: SheetLayout) -> None:
    read = read_sheet(synth.text_page(100), layout, dpi=100)
    assert read.status == "not_a_sheet" and "fiducials" in read.reason and read.questions == ()


def test_homography_maps_layout_pixels_at_the_working_dpi(layout: SheetLayout, pen_sheet) -> None:
    read = read_sheet(pen_sheet[0], layout, dpi=100)
    h = np.array(read.homography)
    centre_px = np.array([105.0, 148.5]) * read.working_dpi / MM_PER_INCH
    mapped = h @ np.array([*centre_px, 1.0])
    assert mapped[:2] / mapped[2] == pytest.approx(np.array([105.0, 148.5]) * 100 / MM_PER_INCH, abs=0.6)
