"""Read one answer-sheet image: registration, marks, candidate number, QR code.

:func:`read_sheet` chains :mod:`omr.register`, :mod:`omr.marks` and
:mod:`omr.qr` and returns a :class:`~omr.result.SheetRead`; a page that is
blank, not a sheet, or cannot be registered reliably comes back with that
status and a reason, never with guessed answers.
:func:`layout_to_image_points` maps layout millimetres onto the scan as given,
for drawing an annotated copy of it.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from omr.layout import MM_PER_INCH, SheetLayout
from omr.marks import (
    MARKED_CODE,
    BubbleMeasures,
    SheetCalibration,
    bubble_table,
    calibrate,
    measure_bubbles,
    read_candidate,
    read_questions,
)
from omr.params import ReadParams
from omr.qr import decode_qr
from omr.reasons import join, reason
from omr.register import Registration, register_page
from omr.result import QuestionRead, SheetRead
from omr.sampling import apply_homography

__all__ = ["read_sheet", "layout_to_image_points", "split_mark_reads"]

_TO_GREY = {3: cv2.COLOR_BGR2GRAY, 4: cv2.COLOR_BGRA2GRAY}


def read_sheet(image: np.ndarray, layout: SheetLayout, *, dpi: float | None = None,
               params: ReadParams = ReadParams()) -> SheetRead:
    """Read the marks, candidate number and QR code of one page image.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W) or (H, W, 3|4)
        The page in any orientation (grey, BGR or BGRA); not modified.
    layout : SheetLayout
        The sheet's geometry.
    dpi : float, optional
        Resolution from the file; a hint, checked against the fiducial spacing.
    params : ReadParams, optional
        Thresholds.

    Returns
    -------
    SheetRead
        ``status="read"`` with one :class:`~omr.result.QuestionRead` per question, or ``"blank"``,
        ``"not_a_sheet"``, ``"quarantined"`` with a reason.  ``homography`` maps layout pixels at
        ``working_dpi`` to pixels of ``image``; ``timings_ms`` holds stage timings.

    Raises
    ------
    ValueError
        If ``image`` is not a 2-D grey or 3-D BGR(A) array.
    """
    started = time.perf_counter()
    grey = _as_grey(image)
    registration = register_page(grey, layout, dpi=dpi, params=params)
    timings = dict(registration.timings_ms)
    if registration.status == "read":
        read = _read_registered(grey, registration, layout, dpi, params, timings)
    else:
        read = SheetRead(status=registration.status, reason=registration.reason,
                         **_geometry(registration, dpi), timings_ms=timings)
    timings["total"] = _ms(started)  # the read holds this dict
    return read


def _read_registered(grey: np.ndarray, registration: Registration, layout: SheetLayout, dpi: float | None,
                     params: ReadParams, timings: dict[str, float]) -> SheetRead:
    """Marks, candidate number and QR code of a registered page (quarantined if its bubbles misalign)."""
    clock = time.perf_counter()
    table = bubble_table(layout.reading_layout())  # answers, then the mark rows (试卷类型, 缺考)
    h = registration.homography
    measures = measure_bubbles(grey, h, table, layout, black_grey=registration.black_grey, params=params)
    calibration = calibrate(measures, table, params)
    misaligned = _misaligned(measures, calibration, params)
    if misaligned:
        timings["marks"] = _ms(clock)
        return SheetRead(status="quarantined", reason=misaligned, **_geometry(registration, dpi), timings_ms=timings)
    questions, marks = split_mark_reads(read_questions(table, calibration, params), layout)
    candidate = read_candidate(table, calibration, params)
    timings["marks"] = _ms(clock)
    clock = time.perf_counter()
    qr_text = decode_qr(grey, h, layout, params)
    timings["qr"] = _ms(clock)
    notes = registration.notes + (() if calibration.confident_marks else (reason("no_clear_marks"),))
    return SheetRead(status="read", reason=join(notes), qr_text=qr_text, candidate=candidate,
                     questions=questions, marks=marks, **_geometry(registration, dpi), timings_ms=timings)


def split_mark_reads(reads: tuple[QuestionRead, ...], layout: SheetLayout
                     ) -> tuple[tuple[QuestionRead, ...], dict[str, QuestionRead]]:
    """Answers and mark rows of a read made with :meth:`SheetLayout.reading_layout`.

    Returns
    -------
    questions : tuple of QuestionRead
        The layout's questions 1..N.
    marks : dict of str to QuestionRead
        Each mark row's read by its key ('variant', 'absent'), numbered after the questions.
    """
    n = layout.question_count
    return reads[:n], {row.key: read for row, read in zip(layout.marks, reads[n:], strict=True)}


def layout_to_image_points(read: SheetRead, layout: SheetLayout, points_mm: np.ndarray) -> np.ndarray:
    """Map layout points (x_mm, y_mm) to pixels (x, y) of the image that was read.

    Parameters
    ----------
    read : SheetRead
        A read with a homography (any registered page).
    layout : SheetLayout
        The layout it was read with (its mm frame).
    points_mm : array_like, shape (n, 2)
        Points in layout mm, origin top-left, y down.

    Returns
    -------
    ndarray, shape (n, 2), float64
        Pixel positions (x = column, y = row) in the image as given to :func:`read_sheet`.

    Raises
    ------
    ValueError
        If the read has no homography (the page was not registered).
    """
    if read.homography is None or not read.working_dpi:
        raise ValueError(f"layout {layout.id}: page was not registered (status {read.status}: {read.reason}); "
                         "no mapping to image pixels")
    px = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2) * (read.working_dpi / MM_PER_INCH)
    return apply_homography(np.array(read.homography, dtype=np.float64), px)


def _misaligned(measures: BubbleMeasures, calibration: SheetCalibration, params: ReadParams) -> str:
    """Why the bubbles cannot be trusted to lie where they are sampled; empty if they can."""
    unmarked = calibration.states != MARKED_CODE
    if not unmarked.any():
        return ""
    found = measures.outline[unmarked] >= params.outline_found_angles
    share = float(found.mean())
    if share >= params.min_outline_share:
        return ""
    return reason("outlines_misplaced", share=f"{share:.0%}", need=f"{params.min_outline_share:.0%}")


def _as_grey(image: np.ndarray) -> np.ndarray:
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] in _TO_GREY:
        array = cv2.cvtColor(np.ascontiguousarray(array), _TO_GREY[array.shape[2]])
    elif array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"read_sheet: expected a grey (H, W) or BGR (H, W, 3) image (got shape {array.shape})")
    if array.dtype != np.uint8:
        array = cv2.convertScaleAbs(array.astype(np.float64), alpha=255.0 / max(float(array.max()), 1.0))
    return np.ascontiguousarray(array)


def _geometry(registration: Registration, stated_dpi: float | None) -> dict:
    """The SheetRead fields describing where the layout lies in the image (the stated dpi if unknown)."""
    h = registration.homography
    if h is None:
        return dict(rotation_deg=0, fit_error_px=0.0, dpi=float(stated_dpi or 0.0), homography=None, working_dpi=0.0)
    working_dpi = round(registration.dpi, 2)
    layout_px_to_mm = np.diag([MM_PER_INCH / working_dpi, MM_PER_INCH / working_dpi, 1.0])
    return dict(rotation_deg=registration.rotation_deg,
                fit_error_px=round(registration.fit_error_mm * working_dpi / MM_PER_INCH, 3),
                dpi=working_dpi, homography=tuple(tuple(float(v) for v in row) for row in h @ layout_px_to_mm),
                working_dpi=working_dpi)


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1e3
