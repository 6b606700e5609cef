"""Page triage: a page is blank only when it carries no sheet structure.

Darkness is measured against the page's own print, so a washed-out copy or a dark scan of a filled sheet
is read like a good scan; corner marks are found by outline as well as by fill, so a bitonal scanner that
hollows them into rings does not lose the page; a printed page without corner marks is "not a sheet".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from omr import synth
from omr.layout import SheetLayout
from omr.read import read_sheet
from omr.result import MarkState, SheetRead
from omr.scan_io import iter_pages

NUMBER = "2026070809"


def _filled_sheet(layout: SheetLayout, dpi: int, seed: int, kind: str = "pencil") -> tuple[np.ndarray, synth.SheetMarks]:
    marks = synth.SheetMarks(synth.random_answers(layout, seed, kind=kind), synth.candidate_marks(NUMBER, kind))
    return synth.draw_sheet(layout, dpi=dpi, marks=marks, seed=seed), marks


def _unflagged_misreads(read: SheetRead, marks: synth.SheetMarks) -> list[tuple[int, str]]:
    wrong = []
    for question in read.questions:
        drawn = marks.answers.get(question.number, {})
        for option, state in zip(question.options, question.states, strict=True):
            if not question.needs_review and (state is MarkState.MARKED) != (option in drawn):
                wrong.append((question.number, option))
    return wrong


@pytest.mark.parametrize(("paper", "ink"), [(214, 112), (250, 130), (245, 150)])
def test_low_contrast_scan_of_a_filled_sheet_is_read_not_blank(layout: SheetLayout, paper: int, ink: int) -> None:
    page, marks = _filled_sheet(layout, 200, paper + ink)
    scan = synth.capture(page, 200, synth.Scan(paper=paper, ink=ink, noise_sigma=2, blur_sigma_px=0.5, skew_deg=1,
                                               margin_mm=4, background=paper), seed=3)
    read = read_sheet(scan, layout, dpi=200)
    assert read.status == "read", read.reason
    assert _unflagged_misreads(read, marks) == []
    assert read.candidate.digits == NUMBER and read.candidate.complete
    assert sum(q.needs_review for q in read.questions) <= 2


def test_corner_marks_hollowed_into_rings_by_a_bitonal_scanner_are_found(layout: SheetLayout, tmp_path: Path) -> None:
    page, marks = _filled_sheet(layout, 200, 5, kind="pen")
    grey = synth.capture(page, 200, synth.Scan(noise_sigma=3, blur_sigma_px=0.6, skew_deg=0.8, margin_mm=3), seed=5)
    rings = synth.binarise_adaptive(grey, 200, window_mm=3.0)
    tiff = synth.write_tiff(tmp_path / "rings.tif", [rings, rings[::-1, ::-1]], dpi=200)
    for image in (p.image for p in iter_pages([tiff])):
        square = image[40:90, 40:90]  # the top-left corner mark (7 mm at 200 dpi, 10 mm from the edges)
        assert square.min() == 0 and square[25, 25] == 255  # a ring: black outline, white centre
        read = read_sheet(image, layout, dpi=200)
        assert read.status == "read", read.reason
        assert _unflagged_misreads(read, marks) == []
        assert read.qr_text is not None


def test_ring_corners_with_solid_marks_read_without_flags(layout: SheetLayout) -> None:
    page, marks = _filled_sheet(layout, 200, 6, kind="pen")
    grey = synth.capture(page, 200, synth.Scan(noise_sigma=2, blur_sigma_px=0.5), seed=6)
    read = read_sheet(synth.binarise_adaptive(grey, 200, window_mm=5.0), layout, dpi=200)
    assert read.status == "read", read.reason
    assert _unflagged_misreads(read, marks) == []
    assert read.candidate.digits == NUMBER and read.candidate.complete


@pytest.mark.parametrize(("paper", "ink"), [(250, 20), (214, 112)])
def test_text_page_without_corner_marks_is_not_a_sheet_never_blank(layout: SheetLayout, paper: int, ink: int) -> None:
    page = synth.capture(synth.text_page(150), 150, synth.Scan(paper=paper, ink=ink, noise_sigma=2))
    read = read_sheet(page, layout, dpi=150)
    assert read.status == "not_a_sheet", read.reason


@pytest.mark.parametrize("noise", [0.0, 3.0])
def test_blank_back_with_show_through_and_specks_is_blank(layout: SheetLayout, noise: float) -> None:
    back = synth.capture(synth.blank_page(150, seed=2), 150, synth.Scan(paper=240, ink=20, noise_sigma=noise))
    read = read_sheet(back, layout, dpi=150)
    assert read.status == "blank", read.reason


def test_sheet_whose_corner_marks_are_covered_is_quarantined_by_its_qr_code(layout: SheetLayout) -> None:
    page, _ = _filled_sheet(layout, 150, 7)
    scale = 150 / 25.4
    half = layout.fiducials.size_mm * 0.8
    for x, y in layout.fiducials.centres_mm:  # white labels stuck over every corner mark
        page[int((y - half) * scale):int((y + half) * scale), int((x - half) * scale):int((x + half) * scale)] = 255
    read = read_sheet(page, layout, dpi=150)
    assert read.status == "quarantined" and "QR code" in read.reason, read.reason
