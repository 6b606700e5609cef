"""Registration: fiducials, orientation, scale, the checked homography, and the pages it refuses."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omr import fiducials, synth
from omr.fiducials import _label_areas, _label_type
from omr.layout import MM_PER_INCH, SheetLayout
from omr.params import ReadParams
from omr.register import register_page
from omr.sampling import apply_homography

DPI = 100


def _fiducial_error_mm(reg, layout: SheetLayout, upright: np.ndarray, turns: int) -> float:
    """Distance between where the homography puts the fiducials and where they are in a turned page, mm."""
    scale = DPI / MM_PER_INCH
    h, w = upright.shape
    truth = np.array(layout.fiducials.centres_mm) * scale
    for _ in range(turns % 4):  # np.rot90 by one quarter: pixel (x, y) -> (y, w - 1 - x), then the width is h
        truth = np.stack([truth[:, 1], w - 1 - truth[:, 0]], axis=1)
        h, w = w, h
    return float(np.abs(apply_homography(reg.homography, np.array(layout.fiducials.centres_mm)) - truth).max() / scale)


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_register_finds_the_page_at_any_quarter_turn(layout: SheetLayout, pen_sheet, turns: int) -> None:
    page, _ = pen_sheet
    scan = np.ascontiguousarray(np.rot90(page, turns))
    reg = register_page(scan, layout, dpi=DPI)
    assert reg.status == "read", reg.reason
    assert reg.rotation_deg == 90 * ((4 - turns) % 4)
    assert np.array_equal(np.rot90(scan, reg.rotation_deg // 90), page)
    assert _fiducial_error_mm(reg, layout, page, turns) < 0.15


@pytest.mark.parametrize("skew_deg", [-10.0, 10.0])
def test_register_handles_ten_degrees_of_skew(layout: SheetLayout, pen_sheet, skew_deg: float) -> None:
    scan = synth.capture(pen_sheet[0], DPI, synth.Scan(skew_deg=skew_deg, margin_mm=25, noise_sigma=3), seed=1)
    reg = register_page(scan, layout, dpi=DPI)
    assert reg.status == "read", reg.reason
    assert reg.rotation_deg == 0 and reg.fit_error_mm < 0.15


def test_register_handles_a_phone_photo_with_perspective_and_a_grey_surround(layout: SheetLayout, pen_sheet) -> None:
    scan = synth.capture(pen_sheet[0], DPI, synth.Scan(perspective_mm=8, margin_mm=15, background=90, lighting=0.3,
                                                       noise_sigma=4, blur_sigma_px=0.6), seed=2)
    reg = register_page(scan, layout, dpi=None)
    assert reg.status == "read", reg.reason
    assert reg.fit_error_mm < 0.15


@pytest.mark.parametrize("dpi", [150, 300])
def test_register_estimates_the_resolution_from_fiducial_spacing(layout: SheetLayout, dpi: int) -> None:
    page = synth.draw_sheet(layout, dpi=dpi, marks=synth.SheetMarks(synth.random_answers(layout, 3)))
    reg = register_page(page, layout, dpi=None)
    assert reg.status == "read", reg.reason
    assert reg.dpi == pytest.approx(dpi, rel=0.01)


def test_register_notes_and_ignores_a_wrong_metadata_dpi(layout: SheetLayout, pen_sheet) -> None:
    reg = register_page(pen_sheet[0], layout, dpi=300)
    assert reg.status == "read", reg.reason
    assert reg.dpi == pytest.approx(DPI, rel=0.01)
    assert any("metadata dpi 300 ignored" in note for note in reg.notes)


def test_register_normalises_uneven_lighting(layout: SheetLayout, pen_sheet) -> None:
    scan = synth.capture(pen_sheet[0], DPI, synth.Scan(lighting=0.55, paper=235, ink=45, noise_sigma=4), seed=3)
    reg = register_page(scan, layout, dpi=DPI)
    assert reg.status == "read", reg.reason


def test_curled_page_is_quarantined_with_its_fit_error(layout: SheetLayout, pen_sheet) -> None:
    reg = register_page(synth.bend(pen_sheet[0], DPI, 2.0), layout, dpi=DPI)
    assert reg.status == "quarantined"
    assert "registration fit too poor" in reg.reason and "RMS error" in reg.reason
    assert reg.fit_error_mm > ReadParams().max_fit_error_mm


def test_square_that_disagrees_with_the_printed_grid_quarantines_the_page(layout: SheetLayout, pen_sheet) -> None:
    scan = pen_sheet[0].copy()
    scale = DPI / MM_PER_INCH
    cv2.rectangle(scan, (0, 0), (int(25 * scale), int(25 * scale)), 255, -1)
    cv2.rectangle(scan, (int(12 * scale), int(12 * scale)), (int(19 * scale), int(19 * scale)), 0, -1)
    reg = register_page(scan, layout, dpi=DPI)
    assert reg.status == "quarantined"
    assert "fit too poor" in reg.reason


def test_blank_duplex_back_with_specks_and_show_through_is_blank(layout: SheetLayout) -> None:
    reg = register_page(synth.blank_page(DPI), layout, dpi=DPI)
    assert reg.status == "blank" and reg.reason


def test_printed_page_without_fiducials_is_not_a_sheet(layout: SheetLayout) -> None:
    reg = register_page(synth.text_page(DPI), layout, dpi=DPI)
    assert reg.status == "not_a_sheet"
    assert reg.reason.startswith("no answer-sheet fiducials")


def test_sheet_with_a_covered_fiducial_is_quarantined_naming_the_corner(layout: SheetLayout, pen_sheet) -> None:
    scan = pen_sheet[0].copy()
    scale = DPI / MM_PER_INCH
    cv2.rectangle(scan, (0, int(270 * scale)), (int(30 * scale), scan.shape[0]), 255, -1)
    reg = register_page(scan, layout, dpi=DPI)
    assert reg.status == "quarantined"
    assert reg.reason == "3 of 4 fiducials found (bottom-left missing)"


def test_orientation_comes_from_the_bubbles_when_there_is_no_qr_code(layout: SheetLayout) -> None:
    page = synth.draw_sheet(layout, dpi=DPI, qr_text=None, marks=synth.SheetMarks(synth.random_answers(layout, 5)))
    reg = register_page(np.ascontiguousarray(np.rot90(page, 2)), layout, dpi=DPI)
    assert reg.status == "read", reg.reason
    assert reg.rotation_deg == 180


@pytest.mark.parametrize(
    "image",
    [np.zeros((5, 5), np.uint8), np.zeros((400, 300), np.uint8), np.full((400, 300), 255, np.uint8),
     np.random.default_rng(0).integers(0, 256, (400, 300)).astype(np.uint8)],
    ids=["tiny", "black", "white", "noise"],
)
def test_registration_of_a_degenerate_image_is_a_value_not_an_exception(layout: SheetLayout, image) -> None:
    reg = register_page(image, layout)
    assert reg.status in ("blank", "not_a_sheet", "quarantined")
    assert reg.reason and reg.homography is None


def test_thumbnail_blobs_are_labelled_with_32_bits_where_16_could_overflow() -> None:
    assert _label_type((300, 210)) == cv2.CV_16U  # an A4 thumbnail: at most 15,750 blobs
    assert _label_type((600, 440)) == cv2.CV_32S  # 66,000 possible blobs
    dots = np.zeros((600, 440), np.uint8)
    dots[::2, ::2] = 1
    count, _, _, _ = cv2.connectedComponentsWithStats(dots, connectivity=8, ltype=_label_type(dots.shape))
    assert count == 66_001


def test_thumbnail_paper_regions_are_labelled_with_32_bits_where_16_could_overflow() -> None:
    assert _label_type((300, 210), connectivity=4) == cv2.CV_16U  # an A4 thumbnail: at most 31,500 regions
    assert _label_type((300, 440), connectivity=4) == cv2.CV_32S  # 66,000 possible regions
    board = (np.indices((300, 440)).sum(axis=0) % 2).astype(np.uint8)  # every paper pixel a region of its own
    count, labels = cv2.connectedComponents(1 - board, connectivity=4, ltype=_label_type(board.shape, connectivity=4))
    assert count == 66_001
    assert np.array_equal(_label_areas(labels, count)[1:], np.ones(66_000))


@pytest.mark.parametrize("seed", range(8))
def test_holes_filled_from_labels_alone_are_those_component_statistics_find(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (298, 213) if seed % 2 else (420, 330)  # 16-bit and 32-bit labels
    if seed < 4:  # thousands of regions
        mask = (rng.random(shape) < rng.uniform(0.2, 0.6)).astype(np.uint8)
    else:  # rings, frames and strokes on paper: a few dozen regions, as on a sheet's thumbnail
        mask = np.zeros(shape, np.uint8)
        for x, y, r in zip(rng.integers(0, shape[1], 40), rng.integers(0, shape[0], 40), rng.integers(2, 12, 40)):
            cv2.circle(mask, (int(x), int(y)), int(r), 1, int(rng.integers(1, 3)))
        for x, y in zip(rng.integers(0, shape[1], 10), rng.integers(0, shape[0], 10)):
            cv2.rectangle(mask, (int(x), int(y)), (int(x) + 30, int(y) + 20), 1, 1)
    for max_hole_px in (1, 6, 52, 400):
        closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        _, labels, stats, _ = cv2.connectedComponentsWithStats(1 - closed, connectivity=4, ltype=cv2.CV_32S)
        small = stats[:, cv2.CC_STAT_AREA] <= max_hole_px
        small[0] = False
        expected = np.where(small[labels], 1, mask).astype(np.uint8)
        filled = fiducials._filled_holes(mask, max_hole_px)
        assert filled.dtype == np.uint8 and np.array_equal(filled, expected), max_hole_px


def test_a_ring_is_filled_and_a_large_paper_region_is_not() -> None:
    mask = np.zeros((60, 60), np.uint8)
    cv2.circle(mask, (15, 15), 5, 1, 1)  # a ring: its inside is a small hole
    cv2.rectangle(mask, (30, 30), (55, 55), 1, 1)  # a frame: its inside is larger than the limit
    filled = fiducials._filled_holes(mask, 60)
    assert filled[15, 15] == 1 and filled[42, 42] == 0 and filled[2, 2] == 0


def _counting_refines(monkeypatch) -> list:
    calls: list = []
    refine = fiducials._refine
    monkeypatch.setattr(fiducials, "_refine", lambda *args: calls.append(args) or refine(*args))
    return calls


def test_fiducials_nearest_the_corners_are_taken_without_measuring_farther_blobs(
        layout: SheetLayout, pen_sheet, monkeypatch) -> None:
    page, _ = pen_sheet
    calls = _counting_refines(monkeypatch)
    reg = register_page(page, layout, dpi=None)  # unknown dpi: marks are within the accepted square sizes
    assert reg.status == "read", reg.reason
    assert len(calls) == 4


def test_a_square_nearer_a_corner_than_its_fiducial_does_not_hide_it(layout: SheetLayout, pen_sheet,
                                                                     monkeypatch) -> None:
    scan = pen_sheet[0].copy()
    scale = DPI / MM_PER_INCH
    cv2.rectangle(scan, (int(1.5 * scale), int(1.5 * scale)), (int(5 * scale), int(5 * scale)), 0, -1)
    calls = _counting_refines(monkeypatch)
    reg = register_page(scan, layout, dpi=None)
    assert reg.status == "read", reg.reason
    assert len(calls) > 4  # the decoy was measured first, then the corners' other blobs
    assert _fiducial_error_mm(reg, layout, pen_sheet[0], 0) < 0.15
