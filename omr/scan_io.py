"""Scan files to page images: content-sniffed PDF, TIFF, JPEG, PNG, WEBP and BMP.

:func:`iter_pages` turns files and folders into a stream of :class:`PageImage`,
one decoded page in memory at a time.  The file type comes from the first
bytes, never from the name (scanners write ``.png`` files that are JPEG).

One bad file never stops a batch.  Every page's size is read from its header
and checked against a :class:`ScanBudget` before it is decoded; a page that is
over budget or cannot be decoded is a :class:`PageImage` with an ``error``
naming file, page and reason, and the stream goes on with the next page.  A
multi-page file yields every page that decodes and a failed page for each one
that does not.

Files are streamed: image files are read one at a time, TIFF frames are
decoded in order from one open decoder (:mod:`omr.scan_tiff`), PDF pages are
closed as they are done (:mod:`omr.scan_pdf`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from omr.scan_budget import DEFAULT_BUDGET, ScanBudget, read_image_header
from omr.scan_page import PageImage, Skip, describe, error_page, skipped_page

__all__ = ["PageImage", "ScanBudget", "iter_pages", "iter_file_pages", "count_pages", "count_file_pages",
           "sniff_kind", "DEFAULT_BUDGET", "DEFAULT_RENDER_DPI"]

DEFAULT_RENDER_DPI = 200.0
"""Resolution at which PDF pages that are not a single scan image are rendered, dpi."""

_HEAD_BYTES = 1024  # PDF allows junk before "%PDF-" within the first 1024 bytes


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


def iter_pages(paths: Iterable[str | Path], *, render_dpi: float = DEFAULT_RENDER_DPI,
               budget: ScanBudget = DEFAULT_BUDGET, skip: Skip | None = None) -> Iterator[PageImage]:
    """Yield every page of the given files and folders, one decoded page at a time.

    Parameters
    ----------
    paths : iterable of str or Path
        Files and folders; folders are walked recursively in sorted order, skipping hidden files.
    render_dpi : float, optional
        Resolution for PDF pages that must be rendered, dpi.
    budget : ScanBudget, optional
        Size limits checked from the headers before a page is decoded.
    skip : callable, optional
        ``skip(sha256) -> bool``: a page whose digest it accepts (one already read) is yielded
        ``skipped``, without decoding its image.

    Yields
    ------
    PageImage
        In file order, then page order.  Never raises for a bad file or page: the page carries an error
        naming file, page and reason, and the next page follows.
    """
    for path in _walk(paths):
        yield from _guarded(path, _file_pages(path, render_dpi, budget, skip=skip))


def iter_file_pages(path: str | Path, numbers: range, *, file_digest: str | None = None,
                    render_dpi: float = DEFAULT_RENDER_DPI, budget: ScanBudget = DEFAULT_BUDGET,
                    skip: Skip | None = None) -> Iterator[PageImage]:
    """Yield the pages of one file whose 1-based number is in ``numbers``, as :func:`iter_pages` yields them.

    A part of a long PDF or TIFF, for several processes sharing one file: the pages
    before the part are not decoded (a TIFF's directories are passed, a PDF's pages
    opened by index).  ``file_digest`` is the file's SHA-256 if known (a TIFF's page
    digests are made from it; see :func:`omr.scan_page.file_sha256`); ``skip`` as for :func:`iter_pages`.
    """
    path = Path(path)
    yield from _guarded(path, _file_pages(path, render_dpi, budget, numbers, file_digest, skip), numbers.start)


def count_pages(paths: Iterable[str | Path]) -> int:
    """Number of pages :func:`iter_pages` will yield for these paths, without decoding images.

    Reads only file headers (PDF page tree, TIFF directories); an unreadable file counts as the
    one error page it yields.
    """
    return sum(count_file_pages(path) for path in _walk(paths))


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


def _guarded(path: Path, pages: Iterator[PageImage], first: int = 1) -> Iterator[PageImage]:
    """The file's pages from number ``first``; an unforeseen failure inside a reader ends this file with a failed
    page, not the batch."""
    last = first - 1
    try:
        for page in pages:
            last = page.page
            yield page
    except Exception as exc:  # a reader bug or a library failure no check foresaw: name it and go on
        message = (f"{path} page {last + 1}: cannot read this or later pages of the file "
                   f"({type(exc).__name__}: {describe(exc)})")
        yield error_page(path, last + 1, message)


def _file_pages(path: Path, render_dpi: float, budget: ScanBudget, numbers: range | None = None,
                file_digest: str | None = None, skip: Skip | None = None) -> Iterator[PageImage]:
    """Every page of one file, or those numbered in ``numbers`` (1-based)."""
    if numbers is not None and len(numbers) == 0:
        return
    first = numbers.start if numbers is not None else 1
    try:
        kind = sniff_kind(_read_head(path))
    except OSError as exc:
        yield error_page(path, first, f"{path}: cannot read file ({exc.strerror or exc})")
        return
    if kind is None:
        yield error_page(path, first, f"{path}: not a PDF or image file (content starts {_head_repr(path)})")
    elif kind == "pdf":
        from omr.scan_pdf import pdf_pages  # pdfium loads only for a batch with PDFs (0.05 s)

        yield from pdf_pages(path, render_dpi, budget, numbers, skip=skip)
    elif kind == "tiff":
        from omr.scan_tiff import tiff_pages

        yield from tiff_pages(path, budget, numbers, file_digest=file_digest, skip=skip)
    elif first == 1:
        yield _image_file_page(path, kind, budget, skip)


def count_file_pages(path: str | Path) -> int:
    """Number of pages :func:`iter_pages` yields for one file, from its header (1 for a file it cannot read)."""
    path = Path(path)
    try:
        kind = sniff_kind(_read_head(path))
        if kind == "pdf":
            from omr.scan_pdf import count_pdf_pages

            return count_pdf_pages(path)
        if kind == "tiff":
            from omr.scan_tiff import count_tiff_pages

            return count_tiff_pages(path)
    except Exception:  # counting is best effort: the page iteration reports the problem
        return 1
    return 1


def _head_repr(path: Path) -> str:
    try:
        return repr(_read_head(path)[:8])
    except OSError:
        return "unreadable"


# -- single images ---------------------------------------------------------------------------------


def _image_file_page(path: Path, kind: str, budget: ScanBudget, skip: Skip | None = None) -> PageImage:
    """Decode a one-page image file (JPEG, PNG, WEBP, BMP) after checking its header against the budget
    (unless ``skip`` accepts its digest)."""
    try:
        size = path.stat().st_size
        if size > budget.max_bytes:
            return error_page(path, 1, f"{path} page 1: file too large to read ({size:,} bytes; the budget is "
                                       f"{budget.max_bytes:,} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        return error_page(path, 1, f"{path}: cannot read file ({exc.strerror or exc})")
    digest = hashlib.sha256(data).hexdigest()
    if skip is not None and skip(digest):
        return skipped_page(path, 1, digest)
    try:
        header = read_image_header(data, kind)
    except Exception as exc:  # Pillow raises SyntaxError, OSError, ValueError... for a damaged header
        return PageImage(path, 1, None, None, digest, f"{path} page 1: cannot read the image header "
                                                      f"({describe(exc)})")
    refusal = budget.refusal(header.width, header.height, header.bytes_per_pixel)
    if refusal is not None:
        return PageImage(path, 1, None, None, digest, f"{path} page 1: {refusal}")
    import cv2  # loaded with the first image: a run without scans never needs it
    import numpy as np

    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    except cv2.error as exc:
        image, detail = None, describe(exc)
    else:
        detail = "corrupt or unsupported data"
    if image is None:
        return PageImage(path, 1, None, None, digest, f"{path}: cannot decode image ({detail})")
    return PageImage(path, 1, image, header.dpi, digest)
