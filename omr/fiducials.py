"""The four corner squares: coarse search on the thumbnail, refinement at full resolution.

Candidates are solid, square ink blobs of plausible size on the thumbnail,
their small holes filled first: a bitonal driver with adaptive thresholding
hollows a solid square into a ring, which counts by its outline.  Each
quadrant of the image keeps the few nearest its corner.  Candidates are
re-measured, nearest first, in a small full-resolution window (Otsu
threshold, the outer outline's minimum-area rectangle and centroid).  The chosen four must form the
layout's rectangle (aspect ratio and spacing-to-size ratio), upright or
turned by 90 degrees.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from omr.background import Thumbnail
from omr.layout import SheetLayout
from omr.params import ReadParams
from omr.reasons import reason, word

__all__ = ["QUADRANTS", "Fiducial", "FiducialSet", "choose_fiducials", "find_candidates", "locate_fiducials"]

_COARSE_MIN_FILL = 0.6  # ink share of a thumbnail blob's box: a square turned by 10 degrees fills 0.74
_COARSE_MAX_ASPECT = 1.25  # box aspect of a thumbnail blob: squares ~1.0, answer bubbles ~1.4

QUADRANTS = ("top-left", "top-right", "bottom-right", "bottom-left")
"""Image quadrants in the order the layout lists its fiducials."""


@dataclass(frozen=True)
class Fiducial:
    """One solid square measured in the image.

    Attributes
    ----------
    centre : tuple of float
        Centroid (x, y), image pixels.
    side_px : float
        Square root of the area inside the square's outer outline, image pixels.
    aspect : float
        Long / short side of the minimum-area rectangle (>= 1).
    solidity : float
        Area inside the outer outline / minimum-area rectangle area, in [0, 1].
    ink_grey : float
        Median grey of the square's pixels: the scan's black level.
    corner_distance : float
        Distance from the centre to the image corner of its quadrant, pixels.
    """

    centre: tuple[float, float]
    side_px: float
    aspect: float
    solidity: float
    ink_grey: float
    corner_distance: float


@dataclass(frozen=True)
class FiducialSet:
    """Four fiducials in image-quadrant order (top-left, top-right, bottom-right, bottom-left).

    ``landscape`` is True when the image's horizontal side pairs with the layout's vertical one.
    """

    fiducials: tuple[Fiducial, Fiducial, Fiducial, Fiducial]
    landscape: bool

    @property
    def centres(self) -> np.ndarray:
        """Centres, shape (4, 2), image pixels."""
        return np.array([f.centre for f in self.fiducials], dtype=np.float64)

    @property
    def ink_grey(self) -> float:
        """Median black level of the four squares, grey."""
        return statistics.median(f.ink_grey for f in self.fiducials)  # numpy's median costs 40x more for four


def find_candidates(image: np.ndarray, thumb: Thumbnail, expected_side_px: float, params: ReadParams, *,
                    size_range: tuple[float, float] | None = None) -> list[list[Fiducial]]:
    """Solid squares near each image corner, nearest first, at most ``params.corner_candidates`` each.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page.
    thumb : Thumbnail
        Its thumbnail.
    expected_side_px : float
        Expected fiducial side in image pixels (from the known or guessed dpi).
    size_range : tuple of float, optional
        Accepted side relative to ``expected_side_px``; defaults to ``params.fiducial_size_range``.

    Returns
    -------
    list of 4 lists of Fiducial
        Per quadrant, in :data:`QUADRANTS` order: the refined squares among the
        ``corner_candidates`` blobs nearest that corner.
    """
    return [list(squares) for squares in _corner_squares(image, thumb, expected_side_px, params, size_range)]


def locate_fiducials(image: np.ndarray, thumb: Thumbnail, expected_side_px: float, layout: SheetLayout,
                     params: ReadParams, *,
                     size_range: tuple[float, float] | None = None) -> tuple[FiducialSet | str, int]:
    """The fiducial rectangle, as ``choose_fiducials(find_candidates(...))`` finds it, refining fewer blobs.

    Each corner's blobs are refined nearest first.  When the nearest square of every corner is found
    and the four form the rectangle, no set can lie nearer the corners, so the farther blobs (marks,
    QR finder patterns) are never measured; otherwise they are, and every combination is tried.

    Returns
    -------
    tuple
        The chosen set (or the reason none fits) and the number of corners where a square was found.
    """
    corners = _corner_squares(image, thumb, expected_side_px, params, size_range)
    nearest = [next(squares, None) for squares in corners]
    if all(nearest):
        chosen = choose_fiducials([[square] for square in nearest], layout, params)
        if not isinstance(chosen, str):
            return chosen, len(nearest)
    candidates = [([first] if first else []) + list(rest) for first, rest in zip(nearest, corners, strict=True)]
    return choose_fiducials(candidates, layout, params), sum(1 for squares in candidates if squares)


def _corner_squares(image: np.ndarray, thumb: Thumbnail, expected_side_px: float, params: ReadParams,
                    size_range: tuple[float, float] | None) -> list[Iterator[Fiducial]]:
    """Per quadrant, the refined squares among the ``corner_candidates`` blobs nearest its corner, lazily."""
    h, w = image.shape
    low, high = size_range or params.fiducial_size_range
    centres, sides = _coarse_squares(thumb, expected_side_px * thumb.scale, (low, high), params)
    quadrant = _quadrants(centres, w, h)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)[quadrant]
    distance = np.hypot(centres[:, 0] - corners[:, 0], centres[:, 1] - corners[:, 1])
    accepted = (low * expected_side_px, high * expected_side_px)
    squares = []
    for q in range(len(QUADRANTS)):
        members = np.flatnonzero(quadrant == q)
        nearest = members[np.argsort(distance[members], kind="stable")][: params.corner_candidates]
        blobs = [(float(distance[i]), centres[i], float(sides[i])) for i in nearest]
        squares.append(_refined(image, blobs, accepted, params))
    return squares


def _refined(image: np.ndarray, blobs: list[tuple[float, np.ndarray, float]], accepted: tuple[float, float],
             params: ReadParams) -> Iterator[Fiducial]:
    """The blobs that measure as squares of an accepted side (px) at full resolution, in order."""
    for distance, centre, side in blobs:
        refined = _refine(image, centre, side, distance, params)
        if refined is not None and accepted[0] <= refined.side_px <= accepted[1]:
            yield refined


def _coarse_squares(thumb: Thumbnail, side_thumb: float, size_range: tuple[float, float],
                    params: ReadParams) -> tuple[np.ndarray, np.ndarray]:
    """Solid, square-ish ink blobs of plausible size on the thumbnail: centres (m, 2) and sides (m,), image px.

    Holes are filled first: a bitonal scanner with adaptive thresholding hollows a solid square into a
    ring, which must count by its outline as a printed square counts by its fill.
    """
    low, high = size_range
    ink = _filled_holes((thumb.darkness >= params.ink_darkness).astype(np.uint8), (high * side_thumb) ** 2)
    _, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8, ltype=_label_type(ink.shape))
    stats, centroids = stats[1:].astype(np.float64), centroids[1:]
    bw, bh, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    side = np.sqrt(area)
    keep = ((side >= low * side_thumb) & (side <= high * side_thumb) & (area >= _COARSE_MIN_FILL * bw * bh)
            & (np.maximum(bw, bh) <= _COARSE_MAX_ASPECT * np.minimum(bw, bh)))
    return centroids[keep] / thumb.scale, side[keep] / thumb.scale


def _filled_holes(mask: np.ndarray, max_hole_px: float) -> np.ndarray:
    """A 0/1 mask with every paper region smaller than ``max_hole_px`` pixels set to 1 (a ring becomes a disc).

    A 3 x 3 closing first joins a ring that point subsampling broke by one pixel.  Large paper regions,
    such as the whole page inside the dark surround of a photo, stay paper.  Regions are labelled without
    OpenCV's statistics (which cost three times the labelling): only their areas are needed.
    """
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _CLOSING)
    paper = 1 - closed
    count, labels = cv2.connectedComponents(paper, connectivity=4, ltype=_label_type(paper.shape, connectivity=4))
    if count <= _BYTE_LABELS:  # a sheet's thumbnail has about a hundred regions: byte tables are fastest
        labels = labels.astype(np.uint8)
    small = (_label_areas(labels, count) <= max_hole_px).astype(np.uint8)
    small[0] = 0  # label 0: the ink itself
    if labels.dtype == np.uint8:
        return cv2.LUT(labels, np.pad(small, (0, _BYTE_LABELS - count))) | mask
    return np.take(small, labels) | mask


_CLOSING = np.ones((3, 3), np.uint8)
_BYTE_LABELS = 256


def _label_areas(labels: np.ndarray, count: int) -> np.ndarray:
    """Pixels per label of a label image, shape (count,): a histogram for 8- and 16-bit labels (faster than a
    bincount; float32 counts are exact below 2 ** 24 pixels), a bincount otherwise."""
    if labels.dtype in (np.uint8, np.uint16) and labels.size < 2 ** 24:
        return cv2.calcHist([labels], [0], None, [count], [0, count]).ravel()
    return np.bincount(labels.ravel(), minlength=count)


def _label_type(shape: tuple[int, int], *, connectivity: int = 8) -> int:
    """16-bit labels when they cannot overflow (twice as fast as 32-bit ones), else 32-bit.

    8-connected blobs need a blank pixel between them in both directions, so an (h, w) image holds at
    most ceil(h / 2) * ceil(w / 2) of them; 4-connected ones at most ceil(h * w / 2) (a checkerboard).
    The label image also counts the background.
    """
    if connectivity == 4:
        most = -(-shape[0] * shape[1] // 2)
    else:
        most = -(-shape[0] // 2) * -(-shape[1] // 2)
    return cv2.CV_16U if most < np.iinfo(np.uint16).max else cv2.CV_32S


def _quadrants(centres: np.ndarray, width: int, height: int) -> np.ndarray:
    """Index into :data:`QUADRANTS` of the image quadrant holding each point (x, y)."""
    right, bottom = centres[:, 0] >= width / 2, centres[:, 1] >= height / 2
    return np.where(bottom, np.where(right, 2, 3), np.where(right, 1, 0))


def _refine(image: np.ndarray, centre: np.ndarray, side: float, corner_distance: float,
            params: ReadParams) -> Fiducial | None:
    """Measure a candidate square in a full-resolution window around ``centre``; None if not a square."""
    h, w = image.shape
    half = max(4, int(np.ceil(side)))
    x0, y0 = max(0, int(centre[0]) - half), max(0, int(centre[1]) - half)
    x1, y1 = min(w, int(centre[0]) + half + 1), min(h, int(centre[1]) + half + 1)
    window = image[y0:y1, x0:x1]
    if window.size == 0:
        return None
    _, mask = cv2.threshold(window, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    bx, by, bw, bh = cv2.boundingRect(contour)
    if bx == 0 or by == 0 or bx + bw >= window.shape[1] or by + bh >= window.shape[0]:
        return None  # the blob runs out of the window: bigger than a fiducial or cut by the image edge
    moments = cv2.moments(contour)
    (_, _), (rw, rh), _ = cv2.minAreaRect(contour)
    if moments["m00"] <= 0 or min(rw, rh) <= 0:
        return None
    area = moments["m00"]
    aspect, solidity = max(rw, rh) / min(rw, rh), area / (rw * rh)
    if aspect > params.fiducial_max_aspect or solidity < params.fiducial_min_solidity:
        return None
    cx, cy = moments["m10"] / area, moments["m01"] / area
    ink = float(cv2.mean(window, mask=mask)[0])
    return Fiducial((x0 + cx, y0 + cy), float(np.sqrt(area)), float(aspect), float(min(solidity, 1.0)), ink,
                    corner_distance)


def choose_fiducials(candidates: list[list[Fiducial]], layout: SheetLayout,
                     params: ReadParams) -> FiducialSet | str:
    """The candidate combination that forms the layout's fiducial rectangle, nearest the corners.

    Returns
    -------
    FiducialSet or str
        The chosen set, or the reason none fits (for the page's status).
    """
    missing = [QUADRANTS[i] for i, q in enumerate(candidates) if not q]
    if missing:
        return reason("fiducials_found", found=4 - len(missing), missing=", ".join(map(word, missing)))
    aspect, spacing = _layout_shape(layout)
    best: tuple[float, FiducialSet] | None = None
    for combo in itertools.product(*candidates):
        landscape = _fits_rectangle(combo, aspect, spacing, params)
        if landscape is None:
            continue
        score = sum(f.corner_distance for f in combo)
        if best is None or score < best[0]:
            best = (score, FiducialSet(tuple(combo), landscape))  # type: ignore[arg-type]
    if best is None:
        return reason("fiducials_no_rectangle")
    return best[1]


@lru_cache(maxsize=16)
def _layout_shape(layout: SheetLayout) -> tuple[float, float]:
    """Horizontal/vertical spacing ratio and mean spacing / square side of the layout's fiducials."""
    horizontal, vertical = _sides(np.array(layout.fiducials.centres_mm, dtype=np.float64))
    return horizontal / vertical, (horizontal + vertical) / 2 / layout.fiducials.size_mm


def _sides(points: np.ndarray) -> tuple[float, float]:
    tl, tr, br, bl = points
    horizontal = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    vertical = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    return float(horizontal), float(vertical)


def _fits_rectangle(combo: tuple[Fiducial, ...], aspect: float, spacing: float, params: ReadParams) -> bool | None:
    """None if the four do not form the layout's rectangle; else whether they form it turned (landscape)."""
    sides = [f.side_px for f in combo]
    if max(sides) / min(sides) > params.fiducial_size_spread:
        return None
    horizontal, vertical = _sides(np.array([f.centre for f in combo]))
    tol = params.rectangle_tolerance
    if abs((horizontal + vertical) / 2 / (sum(sides) / len(sides)) / spacing - 1) > tol:
        return None
    if abs(horizontal / vertical / aspect - 1) <= tol:
        return False
    if abs(vertical / horizontal / aspect - 1) <= tol:
        return True
    return None
