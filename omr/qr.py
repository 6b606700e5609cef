"""The sheet's QR code, decoded in the layout's QR box after registration.

Fast path: warp just the QR box upright at ``qr_px_per_mm`` and decode it
with zxing-cpp (~0.1 ms).  If that fails, the code's extent is taken from the
dark pixels' projections (the quiet zone is clean) and those corners are
handed to :meth:`cv2.QRCodeDetector.decode` (~1.5 ms); if that fails too, the
box with its search margin is warped at ``qr_retry_px_per_mm`` and given to
OpenCV's full detector (~10 ms).
"""

from __future__ import annotations

import cv2
import numpy as np
import zxingcpp

from omr.layout import SheetLayout
from omr.params import ReadParams

__all__ = ["decode_qr"]

_BOX_SLACK_MM = 2.0  # margin around the printed box on the fast path: registration error, print shift
_MIN_DARK_SHARE = 0.04  # a row/column of the box belongs to the code if at least this share of it is dark
_MAX_SKEW_SHARE = 0.08  # the code's width and height may differ by this share of its side


def decode_qr(image: np.ndarray, homography: np.ndarray, layout: SheetLayout,
              params: ReadParams = ReadParams()) -> str | None:
    """Decode the QR code in the layout's QR box.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page.
    homography : ndarray, shape (3, 3)
        Layout mm -> image px.
    layout : SheetLayout
        Gives the QR box (mm).
    params : ReadParams, optional
        Warp resolutions.

    Returns
    -------
    str or None
        The payload, or None if no code could be decoded.
    """
    box = layout.qr
    fast = _warp_box(image, homography, box.x_mm - _BOX_SLACK_MM, box.y_mm - _BOX_SLACK_MM,
                     box.size_mm + 2 * _BOX_SLACK_MM, params.qr_px_per_mm)
    text = _zxing_decode(fast)
    if text:
        return text
    detector = cv2.QRCodeDetector()
    corners = _code_corners(fast, int(round(_BOX_SLACK_MM * params.qr_px_per_mm)))
    if corners is not None:
        text, _ = detector.decode(fast, corners)
        if text:
            return text
    margin = box.search_margin_mm
    slow = _warp_box(image, homography, box.x_mm - margin, box.y_mm - margin, box.size_mm + 2 * margin,
                     params.qr_retry_px_per_mm)
    text, _, _ = detector.detectAndDecode(slow)
    return text or None


def _zxing_decode(box: np.ndarray) -> str | None:
    """The payload of the QR code zxing-cpp finds in an upright box, None if it finds none."""
    found = zxingcpp.read_barcode(box, formats=zxingcpp.BarcodeFormat.QRCode)
    return found.text if found is not None and found.valid else None


def _warp_box(image: np.ndarray, homography: np.ndarray, x_mm: float, y_mm: float, size_mm: float,
              px_per_mm: float) -> np.ndarray:
    """The square (x_mm, y_mm, size_mm) of the layout, upright, at ``px_per_mm``."""
    side = int(round(size_mm * px_per_mm))
    to_layout = np.array([[1 / px_per_mm, 0, x_mm], [0, 1 / px_per_mm, y_mm], [0, 0, 1]], dtype=np.float64)
    return cv2.warpPerspective(image, homography @ to_layout, (side, side),
                               flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)


def _code_corners(box: np.ndarray, slack: int) -> np.ndarray | None:
    """Outer corners of the code in an upright box, shape (4, 1, 2) float32; None if no square code shows.

    The code's extent is taken from dark-pixel projections inside the printed box only (``slack``
    pixels in from the warp's edges), so text printed next to the box does not widen it.
    """
    _, dark = cv2.threshold(box, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    inner = dark[slack:dark.shape[0] - slack, slack:dark.shape[1] - slack]
    side = inner.shape[0]
    cols = np.flatnonzero(inner.sum(axis=0) >= _MIN_DARK_SHARE * side)
    rows = np.flatnonzero(inner.sum(axis=1) >= _MIN_DARK_SHARE * side)
    if len(cols) < 2 or len(rows) < 2:
        return None
    x0, x1 = float(cols[0] + slack), float(cols[-1] + 1 + slack)
    y0, y1 = float(rows[0] + slack), float(rows[-1] + 1 + slack)
    if abs((x1 - x0) - (y1 - y0)) > _MAX_SKEW_SHARE * max(x1 - x0, y1 - y0):
        return None  # not square: a mark or a smudge joined the code
    return np.array([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]], dtype=np.float32)
