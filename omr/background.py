"""A page thumbnail with its paper and ink levels: triage, coarse searches, lighting and contrast.

Phone photos and cheap scanners light a page unevenly; instead of normalising
the full page (several ms), the reader estimates the paper level once on a
thumbnail (a max filter wider than any solid print, then a blur) and looks it
up at the few places it samples.  Washed-out copies and dark scans print
their black anywhere from 10 to 150 grey levels below the paper, so darkness
is measured against the page's own print: its ``contrast`` is the darkness
reached by its darkest ``page_ink_percentile`` share (the corner marks, QR
code and text of a sheet), and a page whose print is fainter than
``min_page_contrast`` carries no print at all (a blank back's show-through).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from omr.layout import MM_PER_INCH
from omr.params import ReadParams

__all__ = ["Thumbnail", "make_thumbnail", "ink_fraction", "has_print"]


@dataclass(frozen=True)
class Thumbnail:
    """A small copy of a page and its paper level.

    Attributes
    ----------
    grey : ndarray of uint8, shape (h, w)
        The page point-subsampled to about ``ReadParams.thumb_dpi`` (no averaging: thin strokes keep
        their darkness, so ink shares stay unbiased).
    paper : ndarray of float32, shape (h, w)
        Estimated grey of clean paper at each thumbnail pixel.
    darkness : ndarray of float32, shape (h, w)
        ``(1 - grey / paper) / contrast`` clipped to [0, 1]: 0 = paper, ~1 = this page's black print.
    contrast : float
        Darkness ``1 - grey / paper`` of the page's print, in [0, 1]: ~0.9 on a good scan, 0.4-0.5 on a
        washed-out copy; at most ``min_page_contrast`` (no normalisation) on a page without print.
    scale : float
        Thumbnail pixels per image pixel (x and y).
    dpi : float
        Resolution of the thumbnail given the page's estimated resolution, dpi.
    """

    grey: np.ndarray
    paper: np.ndarray
    darkness: np.ndarray
    scale: float
    dpi: float
    contrast: float = 1.0

    def paper_at(self, points_xy: np.ndarray) -> np.ndarray:
        """Paper grey at image points (x, y) in image pixels, shape (n, 2) -> (n,), float32 (nearest)."""
        h, w = self.paper.shape
        cols = np.clip(np.rint(points_xy[:, 0] * self.scale).astype(np.int64), 0, w - 1)
        rows = np.clip(np.rint(points_xy[:, 1] * self.scale).astype(np.int64), 0, h - 1)
        return self.paper[rows, cols]

    def darkness_at(self, points_xy: np.ndarray) -> np.ndarray:
        """Darkness at image points (x, y) in image pixels, shape (n, 2) -> (n,), float32 (nearest)."""
        h, w = self.darkness.shape
        cols = np.clip(np.rint(points_xy[:, 0] * self.scale).astype(np.int64), 0, w - 1)
        rows = np.clip(np.rint(points_xy[:, 1] * self.scale).astype(np.int64), 0, h - 1)
        return self.darkness[rows, cols]


def make_thumbnail(image: np.ndarray, dpi: float, params: ReadParams) -> Thumbnail:
    """Subsample a grey page to ``params.thumb_dpi`` and estimate its paper level.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page.
    dpi : float
        The page's (estimated) resolution, dpi.
    params : ReadParams
        ``thumb_dpi`` and ``background_window_mm``.
    """
    factor = max(1.0, dpi / params.thumb_dpi)
    h, w = image.shape
    size = (max(8, int(round(w / factor))), max(8, int(round(h / factor))))
    grey = cv2.resize(image, size, interpolation=cv2.INTER_NEAREST)
    scale = size[0] / w
    thumb_dpi = dpi * scale
    window = max(3, int(round(params.background_window_mm * thumb_dpi / MM_PER_INCH)) | 1)
    smooth = cv2.blur(grey, (3, 3))
    paper = cv2.dilate(smooth, cv2.getStructuringElement(cv2.MORPH_RECT, (window, window)))
    paper = cv2.boxFilter(paper, cv2.CV_32F, (window, window))  # integer sums, one rounding: exact means
    cv2.max(paper, 1.0, dst=paper)  # numpy's maximum with a scalar is 4x slower here
    darkness = grey.astype(np.float32)
    darkness /= paper
    np.subtract(1.0, darkness, out=darkness)  # at most 1; clipped below 0 once, after the contrast
    contrast = _print_contrast(_inner(darkness, thumb_dpi, params), params)
    if contrast > params.min_page_contrast:
        darkness /= np.float32(contrast)  # a value below 0 stays below 0, one in [0, 1] as if clipped first
    np.clip(darkness, 0.0, 1.0, out=darkness)
    return Thumbnail(grey=grey, paper=paper, darkness=darkness, scale=scale, dpi=thumb_dpi, contrast=contrast)


def has_print(thumb: Thumbnail, params: ReadParams) -> bool:
    """Whether the page's darkest share is darker than show-through and specks (``min_page_contrast``)."""
    return thumb.contrast > params.min_page_contrast


def ink_fraction(thumb: Thumbnail, params: ReadParams) -> float:
    """Share of the page (inside ``edge_margin_mm``) whose darkness reaches ``ink_darkness``; 0 without print."""
    inner = _inner(thumb.darkness, thumb.dpi, params)
    if inner.size == 0 or not has_print(thumb, params):
        return 0.0
    return float(np.count_nonzero(inner >= params.ink_darkness)) / inner.size


def _inner(array: np.ndarray, dpi: float, params: ReadParams) -> np.ndarray:
    """The part of a thumbnail array inside ``edge_margin_mm`` (scanner lids and page edges are outside)."""
    margin = int(round(params.edge_margin_mm * dpi / MM_PER_INCH))
    return array[margin:-margin or None, margin:-margin or None]


def _print_contrast(darkness: np.ndarray, params: ReadParams) -> float:
    """Darkness at the ``page_ink_percentile`` of the page (a partition of a copy, not a sort), clipped to
    [0, 1]: the percentile of the clipped darkness, as clipping keeps the order."""
    if darkness.size == 0:
        return 0.0
    flat = darkness.flatten()
    k = min(flat.size - 1, int(flat.size * params.page_ink_percentile / 100.0))
    flat.partition(k)
    return min(max(float(flat[k]), 0.0), 1.0)
