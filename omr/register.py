"""Registration: from a page image to a checked homography layout-mm -> image-px.

Steps, each cheap and each able to stop the read with a reason:

1. triage on a thumbnail, its darkness measured against the page's own
   print (a washed-out copy reads like a good scan): no print -> ``blank``;
2. the four corner fiducials (:mod:`omr.fiducials`), solid or hollowed into
   rings by a bitonal scanner: fewer than ``min_fiducials_for_sheet`` ->
   ``blank`` if the page also carries almost no ink, else ``not_a_sheet``
   (a text page) unless a QR code is found on it; otherwise an unusable set
   -> ``quarantined``.  A page with corner marks or a QR code is never blank;
3. orientation (0/90/180/270): the fiducial rectangle says portrait or
   landscape, the QR box (dark) versus its point-symmetric place (bubbles)
   says which way up; when that contrast is weak (a faint or missing code,
   many marks opposite it) the anchor bubbles below decide: under the wrong
   orientation they are not found;
4. fit check: anchor bubbles (the corners of every block column and of the
   digit grid) are located by matching the printed outline ring; the
   homography is refitted over fiducials and anchors, and a large residual
   (curled or folded paper, wrong layout, a misplaced square) quarantines the
   page instead of reading it.

A failed registration is a :class:`Registration` value with a status and a
reason, never an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import cv2
import numpy as np

from omr.background import Thumbnail, has_print, ink_fraction, make_thumbnail
from omr.fiducials import FiducialSet, locate_fiducials
from omr.layout import MM_PER_INCH, SheetLayout
from omr.params import ReadParams
from omr.reasons import reason
from omr.result import PageStatus
from omr.sampling import (
    apply_homography,
    jacobian_scale,
    local_affine,
    local_scale,
    patch_offsets,
    sample_patches,
)

__all__ = ["Registration", "register_page", "anchor_points_mm"]

_DPI_PLAUSIBLE = (0.4, 1.1)  # page extent at the stated dpi / image extent: outside this the dpi is wrong
_QR_CORE = 0.7  # share of the QR box (which includes the quiet zone) sampled for the orientation cue
_QR_CUE_SAMPLES = 9  # samples per side of the QR box for the orientation cue


@dataclass(frozen=True)
class Registration:
    """Where the layout lies in a page image, or why that is unknown.

    Attributes
    ----------
    status : PageStatus
        ``"read"`` when registered; else ``"blank"``, ``"not_a_sheet"`` or ``"quarantined"``.
    reason : str
        Why the page is not registered; empty when it is.
    homography : ndarray, shape (3, 3), or None
        Maps layout millimetres (x_mm, y_mm) to image pixels (x, y) of the image as given.
    rotation_deg : int
        Counter-clockwise rotation that brings the page upright: ``np.rot90(image, rotation_deg // 90)``.
    fit_error_mm : float
        RMS residual of the refined homography over fiducials and anchors, mm (0 if not fitted).
    dpi : float
        Resolution of the page in the image, estimated from the fiducial spacing, dpi.
    thumb : Thumbnail or None
        The page thumbnail with its paper level.
    black_grey : float
        Grey of solid black on this page (the fiducials' median).
    notes : tuple of str
        Remarks on a registered page (e.g. a dpi in the metadata that the fiducials contradict).
    timings_ms : dict
        Stage timings, ms.
    """

    status: PageStatus
    reason: str = ""
    homography: np.ndarray | None = None
    rotation_deg: int = 0
    fit_error_mm: float = 0.0
    dpi: float = 0.0
    thumb: Thumbnail | None = None
    black_grey: float = 0.0
    notes: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _AnchorFit:
    homography: np.ndarray
    error_mm: float
    found: int
    inliers: int
    total: int


def register_page(image: np.ndarray, layout: SheetLayout, *, dpi: float | None = None,
                  params: ReadParams = ReadParams()) -> Registration:
    """Locate the layout in a grey page image.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page as scanned, any orientation.
    layout : SheetLayout
        The sheet's geometry.
    dpi : float, optional
        Resolution from the file's metadata; a hint only, checked against the fiducial spacing.
    params : ReadParams, optional
        Thresholds.

    Returns
    -------
    Registration
        ``status == "read"`` with a homography, or another status with a reason.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    guess, stated, notes = _dpi_guess(image.shape, layout, dpi, params)
    thumb = make_thumbnail(image, guess, params)
    if not has_print(thumb, params):
        _tick(timings, "triage", clock)
        return Registration("blank", reason("no_print", contrast=f"{thumb.contrast:.2f}"), thumb=thumb,
                            timings_ms=timings)
    little_ink = ink_fraction(thumb, params) < params.blank_max_ink_fraction
    clock = _tick(timings, "triage", clock)
    chosen = _find_fiducials(image, thumb, layout, guess, stated, params)
    clock = _tick(timings, "fiducials", clock)
    if isinstance(chosen, Registration) and chosen.status == "not_a_sheet":
        return _without_corner_marks(image, chosen.reason, little_ink, guess, thumb, params, timings)
    if isinstance(chosen, Registration):
        return Registration(chosen.status, chosen.reason, thumb=thumb, timings_ms=timings)
    options = _orientations(chosen, layout, thumb)
    clock = _tick(timings, "orientation", clock)
    picked = _fit_orientation(image, chosen, options, layout, thumb, params)
    _tick(timings, "fit", clock)
    if isinstance(picked, str):
        return Registration("quarantined", picked, thumb=thumb, timings_ms=timings)
    turns, fit = picked
    return _judge_fit(fit, turns, chosen, dpi, notes, thumb, params, timings)


def _find_fiducials(image: np.ndarray, thumb: Thumbnail, layout: SheetLayout, guess_dpi: float, stated: bool,
                    params: ReadParams) -> FiducialSet | Registration:
    """The four fiducials, or an unregistered page (``not_a_sheet`` or ``quarantined``) saying why."""
    expected_side = layout.fiducials.size_mm * guess_dpi / MM_PER_INCH
    size_range = params.fiducial_size_range_known if stated else params.fiducial_size_range
    chosen, corners_found = locate_fiducials(image, thumb, expected_side, layout, params, size_range=size_range)
    if not isinstance(chosen, str):
        return chosen
    if corners_found >= params.min_fiducials_for_sheet:
        return Registration("quarantined", chosen)
    return Registration("not_a_sheet", reason("no_fiducials", reason=chosen))


def _without_corner_marks(image: np.ndarray, why: str, little_ink: bool, dpi: float, thumb: Thumbnail,
                          params: ReadParams, timings: dict[str, float]) -> Registration:
    """A page without corner marks: blank with almost no ink, quarantined with a QR code, else not a sheet."""
    if little_ink:
        return Registration("blank", reason("no_ink"), thumb=thumb, timings_ms=timings)
    clock = time.perf_counter()
    found = _has_qr_code(image, dpi, params)
    _tick(timings, "qr_search", clock)
    if found:
        return Registration("quarantined", reason("qr_without_corners", reason=why), thumb=thumb,
                            timings_ms=timings)
    return Registration("not_a_sheet", why, thumb=thumb, timings_ms=timings)


def _has_qr_code(image: np.ndarray, dpi: float, params: ReadParams) -> bool:
    """Whether a QR code is found anywhere on the page (searched at ``qr_search_dpi``: only pages without
    corner marks come here, so the whole-page search costs nothing on a batch of sheets)."""
    factor = min(1.0, params.qr_search_dpi / max(dpi, 1.0))
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else image
    found, _ = cv2.QRCodeDetector().detect(small)
    return bool(found)


def _fit_orientation(image: np.ndarray, chosen: FiducialSet, options: list[tuple[int, np.ndarray, float]],
                     layout: SheetLayout, thumb: Thumbnail, params: ReadParams) -> tuple[int, _AnchorFit] | str:
    """Fit the anchors under the QR cue's orientation, and under the other one when in doubt."""
    def fit(option: tuple[int, np.ndarray, float]) -> tuple[int, _AnchorFit]:
        turns, rough, _ = option
        return turns, _fit_anchors(image, rough, chosen, turns, layout, thumb, params)

    fits = [fit(options[0])]
    clear = options[0][2] - options[1][2] >= params.orientation_min_contrast
    if not clear or fits[0][1].found < params.anchor_min_found * fits[0][1].total:
        fits.append(fit(options[1]))
    return _pick_orientation(fits, options, params)


def _pick_orientation(fits: list[tuple[int, _AnchorFit]], options: list[tuple[int, np.ndarray, float]],
                      params: ReadParams) -> tuple[int, _AnchorFit] | str:
    """The QR cue's orientation if its anchors were found; else the only one whose anchors were found."""
    if len(fits) == 1:
        return fits[0]
    shares = [fit.found / max(fit.total, 1) for _, fit in fits]
    best = int(np.argmax(shares))
    if shares[best] >= params.anchor_min_found and shares[1 - best] < params.anchor_min_found:
        return fits[best]
    return reason("orientation_unclear", dark=f"{options[0][2]:.2f}", other=f"{options[1][2]:.2f}",
                  found=f"{shares[0]:.0%}", found_other=f"{shares[1]:.0%}")


def _judge_fit(fit: _AnchorFit, turns: int, chosen: FiducialSet, dpi: float | None, notes: tuple[str, ...],
               thumb: Thumbnail, params: ReadParams, timings: dict[str, float]) -> Registration:
    common = dict(homography=fit.homography, rotation_deg=90 * turns, fit_error_mm=fit.error_mm,
                  dpi=_homography_dpi(fit.homography), thumb=thumb, black_grey=chosen.ink_grey, timings_ms=timings)
    summary = reason("anchors_summary", found=fit.found, total=fit.total, inliers=fit.inliers,
                     error=f"{fit.error_mm:.2f}")
    if fit.total and fit.found < params.anchor_min_found * fit.total:
        return Registration("quarantined", reason("anchors_missing", summary=summary), **common)
    if fit.found and fit.inliers < params.min_inlier_share * fit.found:
        return Registration("quarantined", reason("page_distorted", summary=summary), **common)
    if fit.error_mm > params.max_fit_error_mm:
        return Registration("quarantined", reason("fit_too_poor", summary=summary,
                                                  limit=f"{params.max_fit_error_mm:.2f}"), **common)
    measured = common["dpi"]
    if dpi and not notes and abs(dpi / measured - 1) > params.dpi_mismatch_note:  # not already ignored
        notes = notes + (reason("dpi_mismatch", stated=f"{dpi:.0f}", measured=f"{measured:.0f}"),)
    return Registration("read", "", notes=notes, **common)


def _tick(timings: dict[str, float], name: str, start: float) -> float:
    now = time.perf_counter()
    timings[name] = (now - start) * 1e3
    return now


# -- resolution ------------------------------------------------------------------------------------


def _dpi_guess(shape: tuple[int, ...], layout: SheetLayout, dpi: float | None,
               params: ReadParams) -> tuple[float, bool, tuple[str, ...]]:
    """The resolution to search fiducials at, whether it is the stated one, and a note if that was ignored.

    The stated dpi is used when the page would plausibly fit the image at it; otherwise the page is
    assumed to fill ``dpi_guess_fill`` of the image's long side.
    """
    long_px = float(max(shape[:2]))
    long_in = max(layout.page_width_mm, layout.page_height_mm) / MM_PER_INCH
    fill_guess = params.dpi_guess_fill * long_px / long_in
    if dpi is None or dpi <= 0:
        return fill_guess, False, ()
    extent = dpi * long_in / long_px
    if _DPI_PLAUSIBLE[0] <= extent <= _DPI_PLAUSIBLE[1]:
        return float(dpi), True, ()
    return fill_guess, False, (reason("dpi_ignored", dpi=f"{dpi:.0f}", extent=f"{extent:.0%}"),)


def _homography_dpi(h: np.ndarray) -> float:
    """Resolution implied by a layout-mm -> image-px homography near the page centre, dpi."""
    return float(local_scale(h, np.array([[100.0, 150.0]]))[0] * MM_PER_INCH)


# -- orientation -----------------------------------------------------------------------------------


def _orientations(chosen: FiducialSet, layout: SheetLayout, thumb: Thumbnail) -> list[tuple[int, np.ndarray, float]]:
    """The two orientations the fiducial rectangle allows, darkest QR box first.

    Each is (clockwise quarter turns of the page in the image, the 4-point homography layout mm ->
    image px, mean darkness of the QR box under it).
    """
    layout_pts = np.array(layout.fiducials.centres_mm, dtype=np.float32)
    centres = chosen.centres.astype(np.float32)
    cue = _qr_cue_points(layout)
    turns = (1, 3) if chosen.landscape else (0, 2)
    homographies = [cv2.getPerspectiveTransform(layout_pts, centres[[(j + t) % 4 for j in range(4)]]) for t in turns]
    mapped = np.concatenate([apply_homography(h, cue) for h in homographies])
    darkness = thumb.darkness_at(mapped).reshape(len(turns), -1).mean(axis=1).tolist()
    return sorted(zip(turns, homographies, darkness, strict=True), key=lambda o: o[2], reverse=True)


@lru_cache(maxsize=16)
def _qr_cue_points(layout: SheetLayout) -> np.ndarray:
    qr = layout.qr
    inset = qr.size_mm * (1 - _QR_CORE) / 2
    ticks = np.linspace(inset, qr.size_mm - inset, _QR_CUE_SAMPLES)
    xs, ys = np.meshgrid(qr.x_mm + ticks, qr.y_mm + ticks)
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


# -- anchors and the refined fit -------------------------------------------------------------------


def anchor_points_mm(layout: SheetLayout) -> np.ndarray:
    """Bubbles used to check the fit: two opposite corner bubbles of every block column (first option of
    its first row, last option of its last row) and the four corners of the digit grid.

    Returns an array of shape (n, 2), layout mm.
    """
    return _anchor_points(layout).copy()


@lru_cache(maxsize=16)
def _anchor_points(layout: SheetLayout) -> np.ndarray:
    points: list[tuple[float, float]] = []
    for block in layout.blocks:
        last_option = (len(block.options) - 1) * block.option_pitch_mm
        for start in range(0, block.count, block.rows):
            points.append(block.row_centre(start))
            x, y = block.row_centre(min(block.count, start + block.rows) - 1)
            points.append((x + last_option, y))
    grid = layout.candidate_id
    for d in (0, grid.digits - 1):
        for v in (0, 9):
            points.append((grid.x_mm + d * grid.col_pitch_mm, grid.y_mm + v * grid.row_pitch_mm))
    return np.unique(np.array(points, dtype=np.float64), axis=0)


@lru_cache(maxsize=16)
def _ring_template(width_mm: float, height_mm: float, px_per_mm: float, ring_mm: float) -> np.ndarray:
    """Zero-sum kernel: +mean over the printed outline band, -mean over the paper band just outside."""
    half_w, half_h = width_mm / 2 + ring_mm, height_mm / 2 + ring_mm
    size = (2 * int(np.ceil(half_w * px_per_mm)) + 1, 2 * int(np.ceil(half_h * px_per_mm)) + 1)
    centre = (size[0] // 2, size[1] // 2)
    band = max(1, int(round(ring_mm * px_per_mm)))

    def ring(a_mm: float, b_mm: float) -> np.ndarray:
        canvas = np.zeros((size[1], size[0]), np.uint8)
        axes = (int(round(a_mm * px_per_mm)), int(round(b_mm * px_per_mm)))
        cv2.ellipse(canvas, centre, axes, 0, 0, 360, 1, band)
        return canvas.astype(np.float32)

    outline = ring(width_mm / 2, height_mm / 2)
    outside = np.clip(ring(width_mm / 2 + ring_mm, height_mm / 2 + ring_mm) - outline, 0, 1)
    return outline / outline.sum() - outside / outside.sum()


def _fit_anchors(image: np.ndarray, rough: np.ndarray, chosen: FiducialSet, turns: int, layout: SheetLayout,
                 thumb: Thumbnail, params: ReadParams) -> _AnchorFit:
    """Locate the anchor bubbles and fit the final homography; residuals include the fiducials.

    With enough anchors spread over enough of the page the fit uses anchors only (they are measured
    more precisely and sit where the marks are), so a fiducial that does not match the printed grid
    shows as a large residual.  With few anchors, or anchors crowded into part of the page (a short
    generated sheet), the fiducials join the fit: anchors alone would be extrapolated to the corners.
    A fit that cannot be computed (degenerate anchors) keeps the 4-point homography with an infinite
    error.
    """
    anchors = _anchor_points(layout)
    measured, found = _locate_anchors(image, rough, anchors, layout, thumb, params)
    fiducials_mm = np.array(layout.fiducials.centres_mm, dtype=np.float64)
    fiducials_px = chosen.centres[[(j + turns) % 4 for j in range(4)]]
    src, dst = anchors[found], apply_homography(rough, measured[found])
    count = int(found.sum())
    anchors_alone = count >= params.min_anchor_fit and _spans(src, fiducials_mm, params.anchor_min_span)
    if not anchors_alone:
        src, dst = np.concatenate([fiducials_mm, src]), np.concatenate([fiducials_px, dst])
    h = _least_squares_fit(src, dst)
    if h is None:
        return _AnchorFit(rough, float("inf"), count, 0, len(anchors))
    if not anchors_alone:
        return _AnchorFit(h, _rms(_residual_mm(h, src, dst)), count, count, len(anchors))
    residuals = _residual_mm(h, src, dst)
    inliers = residuals <= params.anchor_inlier_mm
    if not inliers.all() and inliers.sum() >= params.min_anchor_fit:
        refit = _least_squares_fit(src[inliers], dst[inliers])
        if refit is not None:
            h, residuals = refit, _residual_mm(refit, src, dst)
    errors = np.concatenate([_residual_mm(h, fiducials_mm, fiducials_px), residuals[inliers]])
    return _AnchorFit(h, _rms(errors), count, int(inliers.sum()), len(anchors))


def _spans(points_mm: np.ndarray, fiducials_mm: np.ndarray, share: float) -> bool:
    """True if the points' extent covers at least ``share`` of the fiducial rectangle's width and height."""
    if not len(points_mm):
        return False
    extent = points_mm.max(axis=0) - points_mm.min(axis=0)
    frame = fiducials_mm.max(axis=0) - fiducials_mm.min(axis=0)
    return bool(np.all(extent >= share * frame))


def _rms(values: np.ndarray) -> float:
    return float(np.sqrt(np.mean(values ** 2))) if len(values) else 0.0


def _residual_mm(h: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Distance between ``h(src)`` and ``dst`` at each pair, mm (through the local scale of ``h``)."""
    mapped, jacobian = local_affine(h, src)
    gap = mapped - dst
    return np.hypot(gap[:, 0], gap[:, 1]) / jacobian_scale(jacobian)


def _least_squares_fit(src: np.ndarray, dst: np.ndarray) -> np.ndarray | None:
    """Homography fitted to all pairs by least squares; None if the points are degenerate."""
    if len(src) < 4:
        return None
    h, _ = cv2.findHomography(src.astype(np.float64), dst.astype(np.float64), 0)
    return h if h is not None and np.all(np.isfinite(h)) else None


def _locate_anchors(image: np.ndarray, rough: np.ndarray, anchors: np.ndarray, layout: SheetLayout,
                    thumb: Thumbnail, params: ReadParams) -> tuple[np.ndarray, np.ndarray]:
    """Measured anchor centres in layout mm (through ``rough``) and which anchors were found."""
    search = _anchor_search(layout.bubble.width_mm, layout.bubble.height_mm, params)
    kernel, nx, ny = search.kernel, search.nx, search.ny
    patches = sample_patches(image, rough, anchors, search.offsets)
    paper = thumb.paper_at(apply_homography(rough, anchors))
    darkness = np.clip((1.0 - patches / paper[:, None, None]) / _print_scale(thumb, params), 0.0, 1.0)
    ty, tx = kernel.shape
    ry, rx = ny - ty + 1, nx - tx + 1
    stacked = cv2.matchTemplate(darkness.reshape(-1, nx), kernel, cv2.TM_CCORR)
    rows = np.arange(len(anchors))[:, None] * ny + np.arange(ry)[None, :]
    response = stacked[rows]  # (n, ry, rx): drop positions straddling two patches
    flat = response.reshape(len(anchors), -1).argmax(axis=1)
    row, col = np.divmod(flat, rx)
    n = np.arange(len(anchors))
    found = response[n, row, col] >= params.anchor_min_score
    sub_row, sub_col = _subpixel(response, row, col)
    dx = col + sub_col + (tx - 1) / 2 - (nx - 1) / 2
    dy = row + sub_row + (ty - 1) / 2 - (ny - 1) / 2
    measured = anchors + np.stack([dx * search.step_x, dy * search.step_y], axis=1)
    return measured, found


class _AnchorSearch(NamedTuple):
    """The window sampled around each anchor: ``offsets`` (ny, nx, 2) mm from its centre, ``step_x`` and
    ``step_y`` mm between samples, and the outline ``kernel`` matched in it."""

    kernel: np.ndarray
    offsets: np.ndarray
    nx: int
    ny: int
    step_x: float
    step_y: float


@lru_cache(maxsize=16)
def _anchor_search(width_mm: float, height_mm: float, params: ReadParams) -> _AnchorSearch:
    """The anchor search window of a bubble shape (mm) at ``anchor_px_per_mm`` (made once per shape)."""
    p = params.anchor_px_per_mm
    kernel = _ring_template(width_mm, height_mm, p, params.anchor_ring_mm)
    half_w = width_mm / 2 + params.anchor_ring_mm + params.anchor_search_mm
    half_h = height_mm / 2 + params.anchor_ring_mm + params.anchor_search_mm
    nx, ny = int(round(2 * half_w * p)) | 1, int(round(2 * half_h * p)) | 1
    offsets = patch_offsets(half_w, half_h, nx, ny)
    offsets.setflags(write=False)
    return _AnchorSearch(kernel, offsets, nx, ny, 2 * half_w / nx, 2 * half_h / ny)


def _print_scale(thumb: Thumbnail, params: ReadParams) -> float:
    """Darkness of the page's print (its contrast), by which darkness is divided: 1 on a page without print."""
    return thumb.contrast if has_print(thumb, params) else 1.0


def _subpixel(response: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Vertex offsets (rows, then columns; shape (2, n)) of parabolas through each patch's peak and its
    two neighbours along that axis; 0 at a patch edge or where the three do not curve down."""
    n = np.arange(len(response))
    index = np.stack([row, col])
    last = np.array(response.shape[1:])[:, None] - 1
    before, after = np.maximum(index - 1, 0), np.minimum(index + 1, last)
    left = np.stack([response[n, before[0], col], response[n, row, before[1]]])
    right = np.stack([response[n, after[0], col], response[n, row, after[1]]])
    denominator = left - 2 * response[n, row, col] + right
    safe = (index > 0) & (index < last) & (denominator < 0)
    offset = np.zeros(index.shape)
    offset[safe] = 0.5 * (left[safe] - right[safe]) / denominator[safe]
    return offset
