"""Scan files to page images: content-sniffed PDF, TIFF, JPEG, PNG, WEBP and BMP.

:func:`iter_pages` turns files and folders into a stream of :class:`PageImage`,
one decoded page in memory at a time.  The file type comes from the first
bytes, never from the name (scanners write ``.png`` files that are JPEG).  A
page that cannot be decoded is a :class:`PageImage` with an ``error``, so a
batch goes on; an unreadable file yields one such page.

PDF pages that are one full-page scan image (what scanners write: embedded
JPEG, CCITT G4, JBIG2 or 1-bit Flate) are extracted without rendering
(pypdfium2 ``get_bitmap(render=False)``), turned upright from the image's
placement matrix and the page's /Rotate; any other page is rendered.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

__all__ = ["PageImage", "iter_pages", "count_pages", "sniff_kind", "DEFAULT_RENDER_DPI"]

DEFAULT_RENDER_DPI = 200.0
"""Resolution at which PDF pages that are not a single scan image are rendered, dpi."""

_HEAD_BYTES = 1024  # PDF allows junk before "%PDF-" within the first 1024 bytes
_MIN_PAGE_COVER = 0.9  # a scan image covers at least this share of its page (ratio)
_AXIS_TOLERANCE = 1e-3  # |off-axis / on-axis| matrix entries below this count as axis-aligned
_CHUNK_BYTES = 1 << 20
_ADDRESS = re.compile(r"\s*<[^<>]*0x[0-9a-fA-F]+>")
_IMAGE_KINDS = ("jpeg", "png", "webp", "bmp")
_SCAN_COLOURSPACES = {
    pdfium_c.FPDF_COLORSPACE_DEVICEGRAY,
    pdfium_c.FPDF_COLORSPACE_CALGRAY,
    pdfium_c.FPDF_COLORSPACE_DEVICERGB,
    pdfium_c.FPDF_COLORSPACE_CALRGB,
    pdfium_c.FPDF_COLORSPACE_ICCBASED,
    pdfium_c.FPDF_COLORSPACE_INDEXED,
}
_TO_GREY = {1: None, 2: cv2.COLOR_BGR2GRAY, 3: cv2.COLOR_BGRA2GRAY, 4: cv2.COLOR_BGRA2GRAY}  # pdfium bitmap formats


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
        The page in grey, upright as a viewer shows it; None if it could not be decoded.
    dpi : float or None
        Resolution from the PDF placement or the image metadata; None when the file does not say
        (the reader then estimates it from the fiducial spacing).
    sha256 : str
        Hex SHA-256 identifying the page's content, stable across runs: over the encoded image bytes
        (image files, PDF scan images), else over the file's bytes and the page number (TIFF pages,
        rendered PDF pages).  Used to skip pages already read.
    error : str or None
        Why the page could not be decoded, e.g. ``"scan.pdf page 3: cannot decode image (...)"``.
    """

    source: Path
    page: int
    image: np.ndarray | None
    dpi: float | None
    sha256: str
    error: str | None = None


def sniff_kind(head: bytes) -> str | None:
    """File kind from its first bytes: "pdf", "tiff", "jpeg", "png", "webp", "bmp" or None.

    Examples
    --------
    >>> sniff_kind(b"\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF")
    'jpeg'
    >>> sniff_kind(b"RIFF\\x10\\x00\\x00\\x00WEBPVP8 ") is None
    False
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(head) >= 26:
        return "bmp"
    if b"%PDF-" in head[:_HEAD_BYTES]:
        return "pdf"
    return None


def iter_pages(paths: Iterable[str | Path], *, render_dpi: float = DEFAULT_RENDER_DPI) -> Iterator[PageImage]:
    """Yield every page of the given files and folders, one decoded page at a time.

    Parameters
    ----------
    paths : iterable of str or Path
        Files and folders; folders are walked recursively in sorted order, skipping hidden files.
    render_dpi : float, optional
        Resolution for PDF pages that must be rendered, dpi.

    Yields
    ------
    PageImage
        In file order, then page order.  Never raises for a bad file or page: the page carries an error.
    """
    for path in _walk(paths):
        yield from _file_pages(path, render_dpi)


def count_pages(paths: Iterable[str | Path]) -> int:
    """Number of pages :func:`iter_pages` will yield for these paths, without decoding images.

    Reads only file headers (PDF cross-reference, TIFF directories); an unreadable file counts as the
    one error page it yields.
    """
    return sum(_count_file_pages(path) for path in _walk(paths))


# -- walking and dispatch --------------------------------------------------------------------------


def _walk(paths: Iterable[str | Path]) -> Iterator[Path]:
    for item in paths:
        path = Path(item)
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p, path))
        else:
            yield path


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_HEAD_BYTES)


def _file_pages(path: Path, render_dpi: float) -> Iterator[PageImage]:
    try:
        kind = sniff_kind(_read_head(path))
    except OSError as exc:
        yield _error_page(path, 1, f"{path}: cannot read file ({exc.strerror or exc})")
        return
    if kind is None:
        yield _error_page(path, 1, f"{path}: not a PDF or image file (content starts {_head_repr(path)})")
    elif kind == "pdf":
        yield from _pdf_pages(path, render_dpi)
    elif kind == "tiff":
        yield from _tiff_pages(path)
    else:
        yield _image_file_page(path)


def _count_file_pages(path: Path) -> int:
    try:
        kind = sniff_kind(_read_head(path))
        if kind == "pdf":
            document = pdfium.PdfDocument(str(path))
            try:
                return len(document)
            finally:
                document.close()
        if kind == "tiff":
            with Image.open(path) as tiff:
                return int(getattr(tiff, "n_frames", 1))
    except Exception:  # counting is best effort: the page iteration reports the problem
        return 1
    return 1


def _head_repr(path: Path) -> str:
    try:
        return repr(_read_head(path)[:8])
    except OSError:
        return "unreadable"


def _error_page(path: Path, page: int, message: str, file_digest: str | None = None) -> PageImage:
    """A page that could not be decoded; its digest names the file (by content when known) and page."""
    origin = file_digest or str(path)
    digest = hashlib.sha256(f"error|{origin}|page {page}".encode()).hexdigest()
    return PageImage(source=path, page=page, image=None, dpi=None, sha256=digest, error=message)


def _describe(exc: BaseException) -> str:
    """An exception's message without object addresses, so that the same failure reads the same."""
    return _ADDRESS.sub("", str(exc)).strip() or type(exc).__name__


# -- single images ---------------------------------------------------------------------------------


def _image_file_page(path: Path) -> PageImage:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _error_page(path, 1, f"{path}: cannot read file ({exc.strerror or exc})")
    digest = hashlib.sha256(data).hexdigest()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        return PageImage(path, 1, None, None, digest, f"{path}: cannot decode image (corrupt or unsupported data)")
    return PageImage(path, 1, image, _metadata_dpi(data), digest)


def _metadata_dpi(data: bytes) -> float | None:
    """Resolution stored in an image file's header (JFIF/EXIF, pHYs), dpi; None if absent."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return _info_dpi(image.info)
    except Exception:  # metadata is a hint; a file Pillow cannot parse simply has none
        return None


def _info_dpi(info: dict) -> float | None:
    """The dpi in a Pillow ``info`` dict (geometric mean of x and y), None if absent or implausible."""
    dpi = info.get("dpi")
    if not dpi:
        return None
    try:
        values = [float(v) for v in dpi if v and float(v) > 1.0]
    except (TypeError, ValueError):
        return None
    return round(math.sqrt(values[0] * values[-1]), 1) if values else None  # PNG stores px per metre


# -- TIFF ------------------------------------------------------------------------------------------


def _tiff_pages(path: Path) -> Iterator[PageImage]:
    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as tiff:
            count = int(getattr(tiff, "n_frames", 1))
            dpis = _tiff_dpis(tiff, count)
    except Exception as exc:  # any parse failure of the container: one error page for the file
        yield _error_page(path, 1, f"{path}: cannot read TIFF ({_describe(exc)})")
        return
    file_digest = hashlib.sha256(data).hexdigest()
    buffer = np.frombuffer(data, np.uint8)
    for index in range(count):
        digest = hashlib.sha256(f"{file_digest}|page {index + 1}".encode()).hexdigest()
        yield _tiff_page(path, buffer, index, dpis[index], digest)


def _tiff_dpis(tiff: Image.Image, count: int) -> list[float | None]:
    """Each frame's resolution from its tags in one pass over the directories (a seek per page would
    walk them from the start each time); None for a frame without one or that Pillow cannot reach."""
    dpis: list[float | None] = []
    for index in range(count):
        try:
            tiff.seek(index)
        except Exception:  # a damaged directory: this and later frames carry no resolution
            return dpis + [None] * (count - index)
        dpis.append(_info_dpi(tiff.info))
    return dpis


def _tiff_page(path: Path, buffer: np.ndarray, index: int, dpi: float | None, digest: str) -> PageImage:
    try:
        ok, mats = cv2.imdecodemulti(buffer, cv2.IMREAD_GRAYSCALE, range=(index, index + 1))
    except cv2.error as exc:
        ok, mats = False, ()
        detail = str(exc).strip().splitlines()[-1]
    else:
        detail = "corrupt or unsupported data"
    if not ok or not mats or mats[0] is None or mats[0].size == 0:
        message = f"{path} page {index + 1}: cannot decode image ({detail})"
        return PageImage(path, index + 1, None, None, digest, message)
    return PageImage(path, index + 1, _to_grey(mats[0]), dpi, digest)


def _to_grey(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(float(image.max()), 1.0))
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image


# -- PDF -------------------------------------------------------------------------------------------


def _pdf_pages(path: Path, render_dpi: float) -> Iterator[PageImage]:
    try:
        document = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises PdfiumError, ValueError or OSError for broken files
        yield _error_page(path, 1, f"{path}: cannot open PDF ({_describe(exc)})")
        return
    file_digest: list[str] = []
    try:
        for index in range(len(document)):
            yield _pdf_page(document, path, index, render_dpi, file_digest)
    finally:
        document.close()


def _pdf_page(document: pdfium.PdfDocument, path: Path, index: int, render_dpi: float,
              file_digest: list[str]) -> PageImage:
    try:
        page = document[index]
    except Exception as exc:  # a damaged page object
        message = f"{path} page {index + 1}: cannot open page ({_describe(exc)})"
        return _error_page(path, index + 1, message, _file_digest(path, file_digest))
    try:
        scan = _extract_scan_image(page)
        if scan is not None:
            image, dpi, digest = scan
        else:
            image, dpi = _render_page(page, render_dpi), render_dpi
            digest = hashlib.sha256(f"{_file_digest(path, file_digest)}|page {index + 1}".encode()).hexdigest()
    except Exception as exc:  # pdfium reports undecodable streams as PdfiumError
        message = f"{path} page {index + 1}: cannot decode image ({_describe(exc)})"
        return _error_page(path, index + 1, message, _file_digest(path, file_digest))
    finally:
        page.close()
    return PageImage(path, index + 1, image, dpi, digest)


def _file_digest(path: Path, memo: list[str]) -> str:
    if not memo:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK_BYTES), b""):
                digest.update(chunk)
        memo.append(digest.hexdigest())
    return memo[0]


def _render_page(page: pdfium.PdfPage, dpi: float) -> np.ndarray:
    bitmap = page.render(scale=dpi / 72.0, grayscale=True)
    array = bitmap.to_numpy()
    return _to_grey(array).copy() if array.ndim == 3 else array.copy()


def _extract_scan_image(page: pdfium.PdfPage) -> tuple[np.ndarray, float, str] | None:
    """The page's single full-page scan image, upright, with its dpi and digest; None if not such a page."""
    image_object = _full_page_image(page)
    if image_object is None:
        return None
    a, b, c, d, _, _ = (float(v) for v in image_object.get_matrix().get())
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
    digest = hashlib.sha256(memoryview(image_object.get_data(decode_simple=False)).cast("B"))  # no copy to bytes
    digest.update(f"|{a:+.0f}{b:+.0f}{c:+.0f}{d:+.0f}|{page.get_rotation()}".encode())
    return upright, dpi, digest.hexdigest()


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
