"""The sheet's QR code, decoded inside its layout box after registration."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omr import qr as qr_module
from omr import synth
from omr.layout import MM_PER_INCH, SheetLayout
from omr.params import ReadParams
from omr.qr import decode_qr
from omr.read import read_sheet
from omr.register import register_page

PAYLOAD = "PG1|CS2026-0517|B|9f3c2a1d|2025010001"


def _registered(layout: SheetLayout, image: np.ndarray, dpi: float) -> np.ndarray:
    reg = register_page(image, layout, dpi=dpi)
    assert reg.status == "read", reg.reason
    return reg.homography


def test_qr_code_is_decoded_in_its_box(layout: SheetLayout) -> None:
    page = synth.draw_sheet(layout, dpi=150, qr_text=PAYLOAD)
    assert decode_qr(page, _registered(layout, page, 150), layout) == PAYLOAD


def test_qr_code_is_decoded_on_a_turned_skewed_noisy_scan(layout: SheetLayout) -> None:
    page = synth.draw_sheet(layout, dpi=150, qr_text=PAYLOAD)
    scan = synth.capture(page, 150, synth.Scan(quarter_turns=3, skew_deg=-7, margin_mm=20, noise_sigma=5,
                                               blur_sigma_px=0.7), seed=5)
    assert read_sheet(scan, layout, dpi=150).qr_text == PAYLOAD


def test_qr_code_is_decoded_without_opencvs_detector_on_a_clean_box(layout: SheetLayout, monkeypatch) -> None:
    page = synth.draw_sheet(layout, dpi=150, qr_text=PAYLOAD)
    h = _registered(layout, page, 150)

    def no_detector() -> None:
        raise AssertionError("the fast path should have decoded the code")

    monkeypatch.setattr(qr_module.cv2, "QRCodeDetector", no_detector)
    assert decode_qr(page, h, layout) == PAYLOAD


def test_qr_code_falls_back_to_opencv_at_the_code_corners_when_the_fast_decoder_misses(
        layout: SheetLayout, monkeypatch) -> None:
    page = synth.draw_sheet(layout, dpi=200, qr_text=PAYLOAD)
    h = _registered(layout, page, 200)
    monkeypatch.setattr(qr_module, "_zxing_decode", lambda box: None)
    warps = []
    warp = qr_module._warp_box
    monkeypatch.setattr(qr_module, "_warp_box", lambda *args: warps.append(args[-1]) or warp(*args))
    assert decode_qr(page, h, layout) == PAYLOAD
    # Whether OpenCV decodes from the given corners or needs its full detector on the upscaled box varies
    # with the OpenCV release at the same corners; the payload must come back either way.
    assert 1 <= len(warps) <= 2


@pytest.mark.parametrize("dpi", [100, 150, 200, 300])
def test_code_corners_are_the_printed_codes_outer_corners(layout: SheetLayout, dpi: int) -> None:
    """The corners handed to OpenCV's decoder lie on the code's printed outline, within one box pixel."""
    page = synth.draw_sheet(layout, dpi=dpi, qr_text=PAYLOAD)
    h = _registered(layout, page, dpi)
    params = ReadParams()
    slack_mm, box = 2.0, layout.qr
    fast = qr_module._warp_box(page, h, box.x_mm - slack_mm, box.y_mm - slack_mm, box.size_mm + 2 * slack_mm,
                               params.qr_px_per_mm)
    corners = qr_module._code_corners(fast, int(round(slack_mm * params.qr_px_per_mm)))
    modules = synth._strip_quiet_zone(cv2.QRCodeEncoder.create().encode(PAYLOAD)).shape[0]
    quiet_mm = box.size_mm * synth.QR_QUIET_MODULES / (modules + 2 * synth.QR_QUIET_MODULES)
    near, far = slack_mm + quiet_mm, slack_mm + box.size_mm - quiet_mm
    expected = np.array([[near, near], [far, near], [far, far], [near, far]]) * params.qr_px_per_mm
    assert np.abs(corners.reshape(4, 2) - expected).max() <= 1.5


def test_qr_code_falls_back_to_the_full_detector_when_its_corners_are_unclear(layout: SheetLayout, monkeypatch) -> None:
    page = synth.draw_sheet(layout, dpi=100, qr_text=PAYLOAD)
    h = _registered(layout, page, 100)
    monkeypatch.setattr(qr_module, "_zxing_decode", lambda box: None)
    monkeypatch.setattr(qr_module, "_code_corners", lambda box, slack: None)
    assert decode_qr(page, h, layout) == PAYLOAD


def test_text_printed_beside_the_qr_box_does_not_hide_the_code(layout: SheetLayout) -> None:
    page = synth.draw_sheet(layout, dpi=150, qr_text=PAYLOAD)
    scale = 150 / MM_PER_INCH
    box = layout.qr
    cv2.putText(page, "EXAM CS2026 VARIANT B", (int(box.x_mm * scale), int((box.y_mm + box.size_mm + 3.0) * scale)),
                cv2.FONT_HERSHEY_SIMPLEX, 0.5, 0, 1)
    h = _registered(layout, page, 150)
    band = qr_module._warp_box(page, h, box.x_mm - 2, box.y_mm - 2, box.size_mm + 4, 5.0)
    corners = qr_module._code_corners(band, 10)
    assert corners is not None
    assert decode_qr(page, h, layout) == PAYLOAD


@pytest.mark.parametrize("dpi", [100, 300])
def test_sheet_without_a_qr_code_reads_with_none(layout: SheetLayout, dpi: int) -> None:
    page = synth.draw_sheet(layout, dpi=dpi, qr_text=None, marks=synth.SheetMarks(synth.random_answers(layout, 2)))
    read = read_sheet(page, layout, dpi=dpi)
    assert read.status == "read" and read.qr_text is None
