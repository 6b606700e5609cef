"""Size limits a scan page must meet before it is decoded, checked from file headers.

A header can declare any size: a 69-byte PNG may claim 60000 × 60000 pixels
and a 1 KB PDF a page of 200 × 200 inches.  Decoding such a page would take
gigabytes, so its size is read from the header first (PNG IHDR, JPEG SOF,
WEBP and BMP headers, each TIFF directory, PDF page boxes and image
dictionaries) and a page over the budget is refused with the reason, without
decoding it.  The defaults fit an A3 sheet scanned at 600 dpi (7016 × 9921 px,
69.6 Mpx) with room to spare; A4 at 200 dpi, the usual answer-sheet scan, is
3.7 Mpx.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from omr.reasons import reason
from omr.scan_page import info_dpi

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["ScanBudget", "DEFAULT_BUDGET", "ImageHeader", "read_image_header", "frame_header"]



@cache
def _header_readers() -> dict[str, type]:
    """Pillow's format classes themselves (Image.open would refuse sizes by Pillow's own limit, not this
    budget); imported on first use, so a run without image files never loads Pillow's plugins."""
    from PIL import BmpImagePlugin, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

    return {
        "jpeg": JpegImagePlugin.JpegImageFile,
        "png": PngImagePlugin.PngImageFile,
        "webp": WebPImagePlugin.WebPImageFile,
        "bmp": BmpImagePlugin.BmpImageFile,
    }


@dataclass(frozen=True)
class ScanBudget:
    """How large one page may be before it is decoded.

    Attributes
    ----------
    max_pixels : int
        Most pixels (width × height) of one page image, or of a PDF page rendered at the render dpi, or of
        any image embedded in a PDF page.  Default 100 Mpx: A3 at 600 dpi is 69.6 Mpx.
    max_bytes : int
        Most memory one page may take while decoded, bytes, estimated from the header as
        width × height × (bands × bytes per sample + 1): the decoded image at its stored depth plus the grey
        page handed on.  Also the largest single-image file (JPEG, PNG, WEBP, BMP) read into memory.
        Default 800 MB: A3 at 600 dpi in 16-bit RGB is estimated at 487 MB, in 8-bit grey at 139 MB.
    pdf_pages_per_open : int
        Pages read from a PDF before it is closed and opened again. pdfium keeps 30-47 KB per page visited while a
        document is open; reopening bounds that whatever the document's length: over 1,250 pages of 200 dpi G4
        scans, memory grew by 53 MB and on with one open document, and levelled off near 22 MB reopening every 200
        pages. Opening a 1,500-page document again costs 20-40 ms, about 0.2 ms per page at this setting.
    """

    max_pixels: int = 100_000_000
    max_bytes: int = 800_000_000
    pdf_pages_per_open: int = 200

    def __post_init__(self) -> None:
        for name in ("max_pixels", "max_bytes", "pdf_pages_per_open"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"ScanBudget.{name}: must be a positive whole number (got {value!r})")

    def refusal(self, width: int, height: int, bytes_per_pixel: int) -> str | None:
        """Why a page of this size may not be decoded, or None if it fits.

        Parameters
        ----------
        width, height : int
            Size declared by the header, px.
        bytes_per_pixel : int
            Bytes per pixel of the decoded image at its stored depth (bands × bytes per sample).

        Examples
        --------
        >>> ScanBudget().refusal(4961, 7016, 1) is None
        True
        >>> ScanBudget().refusal(60000, 60000, 1)
        'image too large to decode (60000 × 60000 px = 3,600,000,000 px; the budget is 100,000,000 px)'
        """
        pixels = int(width) * int(height)
        if pixels > self.max_pixels:
            return reason("too_many_pixels", width=width, height=height, pixels=f"{pixels:,}",
                          budget=f"{self.max_pixels:,}")
        needed = pixels * (int(bytes_per_pixel) + 1)
        if needed > self.max_bytes:
            return reason("too_many_bytes", width=width, height=height, depth=bytes_per_pixel,
                          needed=f"{needed:,}", budget=f"{self.max_bytes:,}")
        return None


DEFAULT_BUDGET = ScanBudget()
"""The budget :func:`omr.scan_io.iter_pages` uses unless given another."""


@dataclass(frozen=True)
class ImageHeader:
    """What an image file's header declares, read without decoding its pixels.

    Attributes
    ----------
    width, height : int
        Image size, px.
    bytes_per_pixel : int
        Bands × bytes per sample of the stored image (1 for grey or bilevel, 3 for RGB, 2 for 16-bit grey).
    dpi : float or None
        Resolution from the header (JFIF, EXIF, pHYs, TIFF tags), dpi; None if absent.
    """

    width: int
    height: int
    bytes_per_pixel: int
    dpi: float | None


def read_image_header(data: bytes, kind: str) -> ImageHeader:
    """The header of an encoded single image ("jpeg", "png", "webp" or "bmp"), pixels left undecoded.

    Raises
    ------
    Exception
        Whatever Pillow raises for a header it cannot parse (``SyntaxError``, ``OSError``, ``ValueError``...).
    """
    with _header_readers()[kind](io.BytesIO(data)) as image:
        return frame_header(image)


def frame_header(image: Image.Image) -> ImageHeader:
    """The header of an opened, not yet loaded Pillow image or TIFF frame."""
    width, height = image.size
    return ImageHeader(int(width), int(height), _bytes_per_pixel(image.mode), info_dpi(image.info))


def _bytes_per_pixel(mode: str) -> int:
    import numpy as np
    from PIL import ImageMode

    try:
        described = ImageMode.getmode(mode)
    except KeyError:  # a raw mode Pillow does not describe: assume the widest common one (RGBA, 8 bits)
        return 4
    return len(described.bands) * np.dtype(described.typestr).itemsize
