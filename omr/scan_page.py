"""The page value that :func:`omr.scan_io.iter_pages` yields, and helpers shared by the file readers.

A page that cannot be decoded is a :class:`PageImage` with ``image`` None and
an ``error`` naming the file, the page and the reason, never an exception.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["PageImage", "Skip", "error_page", "skipped_page", "describe", "info_dpi", "to_grey", "file_sha256"]

Skip = Callable[[str], bool]
"""``skip(sha256) -> bool``: whether a page with this digest need not be decoded (one already read)."""

_ADDRESS = re.compile(r"\s*<[^<>]*0x[0-9a-fA-F]+>")
_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class PageImage:
    """One page of a scan file.

    Attributes
    ----------
    source : Path
        The file the page came from.
    page : int
        Page number within the file, from 1.
    image : ndarray of uint8, shape (H, W), or None
        The page in grey, upright as a viewer shows it; None if it could not be decoded, or was
        ``skipped``.
    dpi : float or None
        Resolution from the PDF placement or the image metadata; None when the file does not say
        (the reader then estimates it from the fiducial spacing).
    sha256 : str
        Hex SHA-256 identifying the page's content, stable across runs: over the encoded image bytes
        (image files, PDF scan images), else over the file's bytes and the page number (TIFF pages,
        rendered PDF pages).  Used to skip pages already read.
    error : str or None
        Why the page could not be decoded, naming file and page, e.g.
        ``"scan.pdf page 3: cannot decode image (...)"`` or
        ``"big.png page 1: image too large to decode (60000 × 60000 px; ...)"``.
    """

    source: Path
    page: int
    image: np.ndarray | None
    dpi: float | None
    sha256: str
    error: str | None = None
    skipped: bool = False
    """True when the page source was told to skip this digest: the page was not decoded (``image`` None)."""


def skipped_page(path: Path, page: int, digest: str) -> PageImage:
    """A page not decoded because its digest is one to skip (already read)."""
    return PageImage(source=path, page=page, image=None, dpi=None, sha256=digest, skipped=True)


def error_page(path: Path, page: int, message: str, file_digest: str | None = None) -> PageImage:
    """A page that could not be decoded; its digest names the file (by content when known) and page."""
    origin = file_digest or str(path)
    digest = hashlib.sha256(f"error|{origin}|page {page}".encode()).hexdigest()
    return PageImage(source=path, page=page, image=None, dpi=None, sha256=digest, error=message)


def describe(exc: BaseException) -> str:
    """An exception's last message line without object addresses, so that the same failure reads the same."""
    lines = str(exc).strip().splitlines()
    text = _ADDRESS.sub("", lines[-1] if lines else "").strip()
    if not any(ch.isalpha() for ch in text):  # KeyError(24580) says nothing without its type
        return f"{type(exc).__name__} {text}".strip()
    return text


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB chunks (memory does not grow with the file)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def info_dpi(info: dict) -> float | None:
    """The dpi in a Pillow ``info`` dict (geometric mean of x and y), None if absent or implausible."""
    dpi = info.get("dpi")
    if not dpi:
        return None
    try:
        values = [float(v) for v in dpi if v and float(v) > 1.0]
    except (TypeError, ValueError):
        return None
    return round(math.sqrt(values[0] * values[-1]), 1) if values else None  # PNG stores px per metre


def to_grey(image: np.ndarray) -> np.ndarray:
    """A decoded image as uint8 grey, shape (H, W): colour as OpenCV weighs BGR, other depths scaled to 255."""
    import cv2  # loaded with the first image (see omr.scan_io)
    import numpy as np

    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(float(image.max()), 1.0))
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image
