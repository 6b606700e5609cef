"""Reading a page whose four corner marks a person located: for sheets the registration set aside.

:func:`read_from_corners` takes the fiducial centres a reviewer clicked
(image pixels, in the layout's order: top-left, top-right, bottom-right,
bottom-left of the sheet as printed, whatever way up the scan is), snaps
each to the solid square nearest the click, maps the layout through the
four centres and reads marks, candidate number and QR code as
:func:`omr.read.read_sheet` does.  With four points the homography is exact,
so no fit residual can be judged: the read says it was registered by hand.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import cv2
import numpy as np

from omr.layout import MM_PER_INCH, SheetLayout
from omr.marks import bubble_table, calibrate, measure_bubbles, read_candidate, read_questions
from omr.params import ReadParams
from omr.qr import decode_qr
from omr.reasons import join, reason, word
from omr.result import SheetRead

__all__ = ["read_from_corners", "snap_to_square", "MANUAL_NOTE"]

MANUAL_NOTE = reason("manual")
_SEARCH_SIDES = 1.5  # half-width of the window searched around a click, in fiducial sides
_AREA_RANGE = (0.35, 2.5)  # accepted blob area, in units of the expected square's area
_SEARCH_STEPS_MM = (0.8, 0.27, 0.09)  # a missing square's centre: 5 x 5 grids of these steps, coarse to fine


def read_from_corners(image: np.ndarray, layout: SheetLayout, corners_px: Sequence[Sequence[float]], *,
                      params: ReadParams = ReadParams()) -> SheetRead:
    """Read a page from the four fiducial centres a person located.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page in grey, as the scan gives it.
    layout : SheetLayout
        The sheet's geometry.
    corners_px : sequence of 4 (x, y)
        Approximate fiducial centres in image pixels, in the layout's fiducial order
        (top-left, top-right, bottom-right, bottom-left of the printed sheet).
    params : ReadParams, optional
        Thresholds.

    Returns
    -------
    SheetRead
        ``status="read"`` with questions, candidate grid and QR text, ``reason`` saying it was
        registered by hand (and which clicks found no square); ``homography`` maps layout pixels at
        ``working_dpi`` to image pixels.

    Raises
    ------
    ValueError
        If there are not four points, a point lies outside the image, or the points do not form a
        convex quadrilateral in the given order.
    """
    started = time.perf_counter()
    grey = np.ascontiguousarray(image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    clicked = _checked_corners(corners_px, grey.shape)
    layout_mm = np.array(layout.fiducials.centres_mm, dtype=np.float64)
    px_per_mm = float(np.mean(np.hypot(*(np.roll(clicked, -1, 0) - clicked).T)
                              / np.hypot(*(np.roll(layout_mm, -1, 0) - layout_mm).T)))
    side_px = layout.fiducials.size_mm * px_per_mm
    snapped = [snap_to_square(grey, point, side_px) for point in clicked]
    centres = np.array([s[0] if s is not None else p for s, p in zip(snapped, clicked)], dtype=np.float64)
    missed = [i for i, s in enumerate(snapped) if s is None]
    blacks = [s[1] for s in snapped if s is not None]
    black_grey = float(np.median(blacks)) if blacks else float(np.percentile(grey, 1))
    table = bubble_table(layout)
    for corner in missed:
        centres[corner] = _best_corner(grey, layout, table, centres, corner, px_per_mm, black_grey, params)
    h_mm = _homography(layout_mm, centres)
    measures = measure_bubbles(grey, h_mm, table, layout, black_grey=black_grey, params=params)
    calibration = calibrate(measures, table, params)
    working_dpi = round(px_per_mm * MM_PER_INCH, 2)
    corners = ("top-left", "top-right", "bottom-right", "bottom-left")
    notes = [MANUAL_NOTE] + [reason("manual_corner", corner=word(corners[i])) for i in missed]
    layout_px_to_mm = np.diag([MM_PER_INCH / working_dpi, MM_PER_INCH / working_dpi, 1.0])
    return SheetRead(
        status="read", reason=join(notes), qr_text=decode_qr(grey, h_mm, layout, params),
        candidate=read_candidate(table, calibration, params), questions=read_questions(table, calibration, params),
        rotation_deg=_rotation(centres), fit_error_px=0.0, dpi=working_dpi,
        timings_ms={"total": (time.perf_counter() - started) * 1e3},
        homography=tuple(tuple(float(v) for v in row) for row in h_mm @ layout_px_to_mm), working_dpi=working_dpi,
    )


def snap_to_square(grey: np.ndarray, point: Sequence[float],
                   side_px: float) -> tuple[tuple[float, float], float] | None:
    """The centre of the solid square nearest a point, and its median grey; None if there is none nearby.

    Parameters
    ----------
    grey : ndarray of uint8, shape (H, W)
        The page.
    point : (x, y)
        Where the person clicked, image pixels.
    side_px : float
        Expected side of the square, pixels.
    """
    reach = max(4, round(side_px * _SEARCH_SIDES))
    x, y = round(point[0]), round(point[1])
    x0, y0 = max(0, x - reach), max(0, y - reach)
    window = grey[y0:min(grey.shape[0], y + reach + 1), x0:min(grey.shape[1], x + reach + 1)]
    if window.size == 0:
        return None
    _, ink = cv2.threshold(window, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    expected = side_px * side_px
    best = None
    for label in range(1, count):
        area = stats[label, cv2.CC_STAT_AREA]
        if not _AREA_RANGE[0] * expected <= area <= _AREA_RANGE[1] * expected:
            continue
        cx, cy = centroids[label]
        distance = math.hypot(cx + x0 - point[0], cy + y0 - point[1])
        if distance <= reach and (best is None or distance < best[0]):
            best = (distance, label, (float(cx + x0), float(cy + y0)))
    if best is None:
        return None
    return best[2], float(np.median(window[labels == best[1]]))


def _homography(layout_mm: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return cv2.getPerspectiveTransform(layout_mm.astype(np.float32), centres.astype(np.float32))


def _best_corner(grey: np.ndarray, layout: SheetLayout, table, centres: np.ndarray, corner: int, px_per_mm: float,
                 black_grey: float, params: ReadParams) -> np.ndarray:
    """Where a corner without a square (torn, folded, blotted) fits best: the most bubble outlines found.

    Searches grids around the click, coarse to fine; returns image pixels (x, y).
    """
    layout_mm = np.array(layout.fiducials.centres_mm, dtype=np.float64)
    best = centres[corner].copy()
    best_share = -1.0
    for step_mm in _SEARCH_STEPS_MM:
        origin = best.copy()
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                trial = centres.copy()
                trial[corner] = origin + np.array([dx, dy]) * step_mm * px_per_mm
                measures = measure_bubbles(grey, _homography(layout_mm, trial), table, layout,
                                           black_grey=black_grey, params=params)
                share = float(np.mean(measures.outline))
                if share > best_share:
                    best, best_share = trial[corner].copy(), share
    return best


def _checked_corners(corners_px: Sequence[Sequence[float]], shape: tuple[int, ...]) -> np.ndarray:
    points = np.asarray(corners_px, dtype=np.float64)
    if points.shape != (4, 2):
        raise ValueError(f"read_from_corners: need four (x, y) points (got shape {points.shape})")
    height, width = shape[:2]
    outside = [i for i, (px, py) in enumerate(points) if not (0 <= px < width and 0 <= py < height)]
    if outside:
        raise ValueError(f"read_from_corners: point {outside[0] + 1} {tuple(points[outside[0]])} lies outside "
                         f"the {width}x{height} image")
    edges = np.roll(points, -1, 0) - points
    turns = edges[:, 0] * np.roll(edges, -1, 0)[:, 1] - edges[:, 1] * np.roll(edges, -1, 0)[:, 0]
    if not np.all(turns > 0):  # clockwise on screen (y down); the other way round is a mirrored page
        raise ValueError("read_from_corners: the four points do not form a convex quadrilateral in the order "
                         "top-left, top-right, bottom-right, bottom-left")
    return points


def _rotation(centres: np.ndarray) -> int:
    """Counter-clockwise quarter turns (degrees) that bring the page upright, from its top edge's direction."""
    dx, dy = centres[1] - centres[0]
    return int(round(math.degrees(math.atan2(dy, dx)) / 90.0)) % 4 * 90
