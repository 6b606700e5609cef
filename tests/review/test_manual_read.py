"""omr.manual: reading a page from four corner marks a person clicked."""

from __future__ import annotations

import numpy as np
import pytest

from omr.layout import MM_PER_INCH, load_layout
from omr.manual import MANUAL_NOTE, read_from_corners, snap_to_square
from omr.read import read_sheet
from omr.synth import SheetMarks, candidate_marks, draw_sheet, random_answers
from papergen.resources import bundled_layout_path

DPI = 150.0
SCALE = DPI / MM_PER_INCH


@pytest.fixture(scope="module")
def layout():
    return load_layout(bundled_layout_path("a4-180"))


@pytest.fixture(scope="module")
def torn(layout):
    """A sheet with its top-left corner square torn off, and what is marked on it."""
    answers = random_answers(layout, 5)
    image = draw_sheet(layout, dpi=DPI, marks=SheetMarks(answers, candidate_marks("2024000123")))
    x, y = layout.fiducials.centres_mm[0]
    half = layout.fiducials.size_mm * SCALE * 0.8
    image[int(y * SCALE - half):int(y * SCALE + half), int(x * SCALE - half):int(x * SCALE + half)] = 250
    return image, {n: "".join(sorted(o)) for n, o in answers.items()}


def clicks(layout, offset=(4.0, -3.0)):
    return [(x * SCALE + offset[0], y * SCALE + offset[1]) for x, y in layout.fiducials.centres_mm]


def test_the_reader_sets_the_torn_sheet_aside(layout, torn):
    assert read_sheet(torn[0], layout, dpi=DPI).status == "quarantined"


def test_four_rough_clicks_read_every_answer_and_the_number(layout, torn):
    image, truth = torn
    read = read_from_corners(image, layout, clicks(layout))
    assert read.status == "read" and read.reason.startswith(MANUAL_NOTE)
    assert "top-left click; placed where the bubbles fit best" in read.reason
    assert {q.number: "".join(q.marked) for q in read.questions} == {n: truth.get(n, "") for n in range(1, 181)}
    assert not any(q.flags for q in read.questions)
    assert read.candidate.digits == "2024000123" and read.qr_text == "PG1|CS2026|A|1a2b3c4d|"
    assert read.rotation_deg == 0 and read.working_dpi == pytest.approx(DPI, rel=0.02)


def test_a_turned_page_is_read_from_clicks_in_printed_order(layout, torn):
    image, truth = torn
    turned = np.rot90(image, 1).copy()  # the page lies a quarter turn counter-clockwise in the image
    width = image.shape[1]
    points = [(y, width - 1 - x) for x, y in clicks(layout)]
    read = read_from_corners(turned, layout, points)
    assert read.rotation_deg == 270
    assert {q.number: "".join(q.marked) for q in read.questions} == {n: truth.get(n, "") for n in range(1, 181)}


def test_clicks_in_the_wrong_order_or_off_the_page_are_refused(layout, torn):
    image, _ = torn
    points = clicks(layout)
    with pytest.raises(ValueError, match="convex quadrilateral in the order top-left"):
        read_from_corners(image, layout, [points[0], points[3], points[2], points[1]])
    with pytest.raises(ValueError, match="point 2 .* lies outside"):
        read_from_corners(image, layout, [points[0], (1e5, 10.0), points[2], points[3]])
    with pytest.raises(ValueError, match="need four"):
        read_from_corners(image, layout, points[:3])


def test_a_click_snaps_to_the_square_beside_it(layout, torn):
    image, _ = torn
    x, y = layout.fiducials.centres_mm[2]
    centre, black = snap_to_square(image, (x * SCALE + 6, y * SCALE + 5), layout.fiducials.size_mm * SCALE)
    assert centre == pytest.approx((x * SCALE, y * SCALE), abs=1.0) and black < 80
    assert snap_to_square(image, (layout.fiducials.centres_mm[0][0] * SCALE,) * 2, 40.0) is None
