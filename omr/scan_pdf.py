"""PDF files, page by page, with pypdfium2.

Pages that are one full-page scan image (what scanners write: embedded JPEG,
CCITT G4, JBIG2 or 1-bit Flate) are extracted without rendering (pypdfium2
``get_bitmap(render=False)``), turned upright from the image's placement
matrix and the page's /Rotate; any other page is rendered.

Before anything is decoded, the page's size at the render dpi and the pixel
size of every image on it are checked against the
:class:`~omr.scan_budget.ScanBudget`.  Each page is closed as soon as it is
done, and the document is closed and opened again every
``budget.pdf_pages_per_open`` pages, so memory does not grow with the page
count (pdfium keeps about 47 KB per page visited while a document is open).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from omr.scan_budget import ScanBudget
from omr.scan_page import PageImage, Skip, describe, error_page, file_sha256, skipped_page, to_grey

__all__ = ["pdf_pages", "count_pdf_pages"]

_MIN_PAGE_COVER = 0.9  # a scan image covers at least this share of its page (ratio)
_AXIS_TOLERANCE = 1e-3  # |off-axis / on-axis| matrix entries below this count as axis-aligned
_UNKNOWN_BYTES_PER_PIXEL = 4  # an image whose depth pdfium cannot tell is budgeted as BGRA
_SCAN_COLOURSPACES = {
    pdfium_c.FPDF_COLORSPACE_DEVICEGRAY,
    pdfium_c.FPDF_COLORSPACE_CALGRAY,
    pdfium_c.FPDF_COLORSPACE_DEVICERGB,
    pdfium_c.FPDF_COLORSPACE_CALRGB,
    pdfium_c.FPDF_COLORSPACE_ICCBASED,
    pdfium_c.FPDF_COLORSPACE_INDEXED,
}
_TO_GREY = {1: None, 2: cv2.COLOR_BGR2GRAY, 3: cv2.COLOR_BGRA2GRAY, 4: cv2.COLOR_BGRA2GRAY}  # pdfium bitmap formats


class _OverBudget(Exception):
    """A page or an image on it is larger than the budget allows; the message says by how much."""


class _FileDigest:
    """The file's SHA-256, computed once and only when a page needs it."""

    def __init__(self, path: Path) -> None:
        self.path, self._value = path, None

    def __call__(self) -> str:
        if self._value is None:
            self._value = file_sha256(self.path)
        return self._value


def pdf_pages(path: Path, render_dpi: float, budget: ScanBudget, numbers: range | None = None, *,
              skip: Skip | None = None) -> Iterator[PageImage]:
    """Yield the pages of a PDF in order, opening the document anew every ``budget.pdf_pages_per_open`` pages.

    ``numbers`` (1-based page numbers) limits them to a part of the file; default every page.  A page
    whose digest ``skip`` accepts is yielded skipped, not decoded or rendered.
    """
    first = numbers.start if numbers is not None else 1
    try:
        document, count = _open(path)
    except Exception as exc:  # pdfium raises PdfiumError, ValueError or OSError for broken files
        yield error_page(path, first, f"{path}: cannot open PDF ({describe(exc)})")
        return
    file_digest = _FileDigest(path)
    wanted = range(first - 1, count if numbers is None else min(count, numbers.stop - 1))
    for start in range(wanted.start, wanted.stop, budget.pdf_pages_per_open):
        indices = range(start, min(start + budget.pdf_pages_per_open, wanted.stop))
        if document is None:
            try:
                document, _ = _open(path)
            except Exception as exc:  # the file changed or vanished since it was first opened
                for index in indices:
                    message = f"{path} page {index + 1}: cannot open PDF ({describe(exc)})"
                    yield error_page(path, index + 1, message, file_digest())
                continue
        try:
            for index in indices:
                yield _pdf_page(document, path, index, render_dpi, budget, file_digest, skip)
        finally:
            document.close()
            document = None
    if document is not None:  # no page wanted
        document.close()


def _open(path: Path) -> tuple[pdfium.PdfDocument, int]:
    """The open document and its page count; closed again if counting fails."""
    document = pdfium.PdfDocument(str(path))
    try:
        return document, len(document)
    except Exception:
        document.close()
        raise


def count_pdf_pages(path: Path) -> int:
    """Number of pages in a PDF, from its page tree.

    Raises
    ------
    Exception
        Whatever pdfium raises for a file it cannot open (``PdfiumError``, ``OSError``...).
    """
    document, count = _open(path)
    document.close()
    return count


def _pdf_page(document: pdfium.PdfDocument, path: Path, index: int, render_dpi: float, budget: ScanBudget,
              file_digest: _FileDigest, skip: Skip | None) -> PageImage:
    try:
        page = document[index]
    except Exception as exc:  # a damaged page object
        message = f"{path} page {index + 1}: cannot open page ({describe(exc)})"
        return error_page(path, index + 1, message, file_digest())
    try:
        scan = _extract_scan_image(page, budget, skip)
        if scan is not None:
            image, dpi, digest = scan
        else:
            digest = hashlib.sha256(f"{file_digest()}|page {index + 1}".encode()).hexdigest()
            image, dpi = (None, None) if skip is not None and skip(digest) else \
                (_render_page(page, render_dpi, budget), render_dpi)
    except _OverBudget as exc:
        return error_page(path, index + 1, f"{path} page {index + 1}: {exc}", file_digest())
    except Exception as exc:  # pdfium reports undecodable streams as PdfiumError
        message = f"{path} page {index + 1}: cannot decode image ({describe(exc)})"
        return error_page(path, index + 1, message, file_digest())
    finally:
        page.close()
    if image is None:
        return skipped_page(path, index + 1, digest)
    return PageImage(path, index + 1, image, dpi, digest)


def _render_page(page: pdfium.PdfPage, dpi: float, budget: ScanBudget) -> np.ndarray:
    width_pt, height_pt = (float(v) for v in page.get_size())
    width, height = math.ceil(width_pt * dpi / 72.0), math.ceil(height_pt * dpi / 72.0)
    refusal = budget.refusal(width, height, 1)
    if refusal is not None:
        raise _OverBudget(f"page of {width_pt / 72.0:.1f} × {height_pt / 72.0:.1f} in rendered at {dpi:g} dpi: "
                          f"{refusal}")
    for image_object in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        _check_image(image_object, budget)
    bitmap = page.render(scale=dpi / 72.0, grayscale=True)
    array = bitmap.to_numpy()
    return to_grey(array).copy() if array.ndim == 3 else array.copy()


def _check_image(image_object: pdfium.PdfImage, budget: ScanBudget) -> None:
    """Raise :class:`_OverBudget` if an embedded image's declared size is over the budget."""
    width, height = image_object.get_px_size()
    bits = image_object.get_metadata().bits_per_pixel
    bytes_per_pixel = math.ceil(bits / 8) if bits > 0 else _UNKNOWN_BYTES_PER_PIXEL
    refusal = budget.refusal(width, height, bytes_per_pixel)
    if refusal is not None:
        raise _OverBudget(f"embedded {refusal}")


def _extract_scan_image(page: pdfium.PdfPage, budget: ScanBudget, skip: Skip | None = None
                        ) -> tuple[np.ndarray | None, float | None, str] | None:
    """The page's single full-page scan image, upright, with its dpi and digest; None if not such a page.

    The digest hashes the encoded image and its placement; if ``skip`` accepts it, the image is not
    decoded (``(None, None, digest)``).
    """
    image_object = _full_page_image(page)
    if image_object is None:
        return None
    a, b, c, d, _, _ = (float(v) for v in image_object.get_matrix().get())
    hasher = hashlib.sha256(memoryview(image_object.get_data(decode_simple=False)).cast("B"))  # no copy to bytes
    hasher.update(f"|{a:+.0f}{b:+.0f}{c:+.0f}{d:+.0f}|{page.get_rotation()}".encode())
    digest = hasher.hexdigest()
    if skip is not None and skip(digest):
        return None, None, digest
    _check_image(image_object, budget)
    bitmap = image_object.get_bitmap(render=False)
    conversion = _TO_GREY.get(bitmap.format, -1)
    if conversion == -1:
        return None
    pixels = bitmap.to_numpy()  # a view of pdfium's buffer, freed with the bitmap
    grey = pixels if conversion is None else cv2.cvtColor(pixels, conversion)
    height, width = grey.shape
    dpi = math.sqrt(width / (math.hypot(a, b) / 72.0) * height / (math.hypot(c, d) / 72.0))
    upright = _upright(grey, (a, b, c, d), page.get_rotation())
    if np.may_share_memory(upright, pixels):  # turning or packing the rows copied it already, else copy once
        upright = upright.copy()
    return upright, dpi, digest


def _full_page_image(page: pdfium.PdfPage):
    """The one top-level image object covering the page, if the page is a plain scan; else None.

    An image whose stream pdfium cannot parse (bits per pixel 0) is returned too, so that
    :meth:`get_bitmap` reports it: rendering would silently draw a white page.
    """
    images = []
    for obj in page.get_objects(max_depth=0):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(obj)
        elif obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:  # invisible OCR text is fine, drawings are not
            return None
    if len(images) != 1:
        return None
    image = images[0]
    metadata = image.get_metadata()
    if metadata.bits_per_pixel > 0 and metadata.colorspace not in _SCAN_COLOURSPACES:
        return None  # a stencil mask, CMYK or Lab image: let pdfium render it
    if not _axis_aligned(image.get_matrix().get()) or _page_cover(page, image.get_bounds()) < _MIN_PAGE_COVER:
        return None
    return image


def _axis_aligned(matrix: tuple[float, ...]) -> bool:
    a, b, c, d = (abs(float(v)) for v in matrix[:4])
    scale = max(a, b, c, d, 1e-9)
    return (b < _AXIS_TOLERANCE * scale and c < _AXIS_TOLERANCE * scale) or (
        a < _AXIS_TOLERANCE * scale and d < _AXIS_TOLERANCE * scale)


def _page_cover(page: pdfium.PdfPage, bounds: tuple[float, float, float, float]) -> float:
    left, bottom, right, top = (float(v) for v in page.get_cropbox())
    x0, y0, x1, y1 = (float(v) for v in bounds)
    overlap = max(0.0, min(x1, right) - max(x0, left)) * max(0.0, min(y1, top) - max(y0, bottom))
    return overlap / max((right - left) * (top - bottom), 1e-9)


def _upright(image: np.ndarray, matrix: tuple[float, float, float, float], rotate_deg: int) -> np.ndarray:
    """The image as the page displays it, from its placement matrix (a, b, c, d) and the page's /Rotate.

    Image columns advance along (a, b) in PDF user space (y up), rows along -(c, d); flipping y gives
    device space (y down), where each /Rotate quarter turn maps (x, y) to (-y, x).
    """
    a, b, c, d = matrix
    col_dir, row_dir = np.array([a, -b]), np.array([-c, d])
    for _ in range((rotate_deg // 90) % 4):
        col_dir, row_dir = np.array([-col_dir[1], col_dir[0]]), np.array([-row_dir[1], row_dir[0]])
    if abs(col_dir[0]) >= abs(col_dir[1]):
        view = image[:: _sign(row_dir[1]), :: _sign(col_dir[0])]
    else:
        view = image.T[:: _sign(col_dir[1]), :: _sign(row_dir[0])]
    return np.ascontiguousarray(view)


def _sign(value: float) -> int:
    return 1 if value >= 0 else -1
