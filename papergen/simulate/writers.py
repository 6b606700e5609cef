"""Scan files as scanners write them, and the pages scanners add.

A multi-page PDF holds one full-page image per page (JPEG or CCITT G4, as
document scanners write them); a TIFF holds G4 pages; JPEG and PNG files hold
one page each and record their resolution.  The byte-level writing lives in
:mod:`omr.synth`, shared with the reader's tests; this module chooses the
encoding per file format and makes the pages a batch of real scans contains
besides answer sheets: the blank back of a sheet in a duplex feeder (paper
with the front showing faintly through).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from omr.synth import PdfPage, encode_scan_image, write_pdf, write_tiff
from papergen.errors import SimulationError
from papergen.i18n import _
from papergen.files import write_atomically
from papergen.simulate.capture import PageCapture

__all__ = ["write_scan_file", "scan_file_name", "blank_back", "FILE_EXTENSIONS", "BLEED_THROUGH"]

FILE_EXTENSIONS = {"pdf-jpeg": "pdf", "pdf-g4": "pdf", "tiff-g4": "tif", "jpeg": "jpg", "png": "png"}
"""File name extension of each file format."""

BLEED_THROUGH = 0.06
"""Contrast of the front's print seen through the paper on a blank back (ratio of the front's darkness)."""


def scan_file_name(prefix: str, index: int, file_format: str) -> str:
    """Name of the ``index``-th scan file, e.g. ``feeder-200-0003.pdf``."""
    return f"{prefix}-{index:04d}.{FILE_EXTENSIONS[file_format]}"


def blank_back(front: np.ndarray, *, bleed: float = BLEED_THROUGH) -> np.ndarray:
    """The back of a printed page: paper with the front mirrored and faint.

    Parameters
    ----------
    front : ndarray, shape (H, W), uint8
        The upright front page, 255 = paper.
    bleed : float
        Contrast of the show-through, ratio in [0, 1].

    Returns
    -------
    ndarray, shape (H, W), uint8
        The back, upright as the scanner sees it (mirrored left to right).
    """
    darkness = 255.0 - front[:, ::-1].astype(np.float32)
    return np.clip(255.0 - bleed * darkness, 0, 255).astype(np.uint8)


def write_scan_file(path: Path, images: Sequence[np.ndarray], captures: Sequence[PageCapture],
                    file_format: str) -> Path:
    """Write delivered page images into one scan file of ``file_format``.

    Parameters
    ----------
    path : Path
        Output file; overwritten.
    images : sequence of ndarray, shape (H, W), uint8
        The delivered images (bitonal ones hold only 0 and 255).
    captures : sequence of PageCapture
        One per image: resolution and JPEG quality.
    file_format : str
        One of :data:`FILE_EXTENSIONS`.

    Raises
    ------
    SimulationError
        For an unknown format, no pages, or several pages in a single-image format.
    """
    if file_format not in FILE_EXTENSIONS or not images or len(images) != len(captures):
        raise SimulationError(_("{path}: cannot write {pages} pages as {format!r}").format(
            path=path, pages=len(images), format=file_format))
    if len(images) != 1 and file_format not in ("pdf-jpeg", "pdf-g4", "tiff-g4"):
        raise SimulationError(_("{path}: a {format} file holds one page (got {pages})").format(
            path=path, format=file_format, pages=len(images)))
    return write_atomically(path, lambda tmp: _write_pages(tmp, images, captures, file_format), SimulationError,
                            "scan file")


def _write_pages(path: Path, images: Sequence[np.ndarray], captures: Sequence[PageCapture], file_format: str) -> None:
    if file_format in ("pdf-jpeg", "pdf-g4"):
        encoding = "jpeg" if file_format == "pdf-jpeg" else "g4"
        pages = [PdfPage(image, c.dpi, encoding, quality=c.jpeg_quality)
                 for image, c in zip(images, captures, strict=True)]
        write_pdf(path, pages)
    elif file_format == "tiff-g4":
        write_tiff(path, list(images), dpi=captures[0].dpi)
    else:
        kind = "jpeg" if file_format == "jpeg" else "png"
        path.write_bytes(encode_scan_image(images[0], kind, dpi=captures[0].dpi, quality=captures[0].jpeg_quality))
