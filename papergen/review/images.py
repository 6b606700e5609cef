"""Pictures for the reviewer: a question's row, the candidate-number grid, a whole page.

Crops come from the original scan, mapped through the homography the
results store kept with each page (layout pixels at the read's working dpi
to scan pixels), so they are upright and at a fixed scale whatever the
scan's rotation, skew or resolution.  A scan file is decoded once per pass
(:func:`omr.scan_io.iter_pages`), checked against the stored content hash,
and every picture of every page the reviewer may want from that file is
made in the same pass and kept in a bounded cache of PNG/JPEG bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from omr.layout import MM_PER_INCH, SheetLayout
from papergen.errors import ReviewError
from papergen.i18n import _

__all__ = ["CropParams", "PagePicture", "ScanPictures", "question_box_mm", "grid_box_mm", "crop_mm"]


@dataclass(frozen=True)
class CropParams:
    """Sizes of the pictures.

    Attributes
    ----------
    px_per_mm : float
        Scale of question and grid crops, pixels per mm of the sheet.
    pad_mm : float
        Margin around a question's bubbles (left margin holds the printed number), mm.
    number_mm : float
        Room left of the first bubble for the printed question number, mm.
    preview_height_px : int
        Height of a whole-page preview, pixels.
    cache_items : int
        Pictures kept in memory.
    jpeg_quality : int
        JPEG quality of page previews, 0-100.
    """

    px_per_mm: float = 10.0
    pad_mm: float = 3.0
    number_mm: float = 9.0
    preview_height_px: int = 1100
    cache_items: int = 4000
    jpeg_quality: int = 80


@dataclass(frozen=True)
class PagePicture:
    """A page preview (JPEG bytes) and the scale from preview to scan pixels."""

    jpeg: bytes
    scale: float
    width_px: int
    height_px: int


def question_box_mm(layout: SheetLayout, number: int,
                    params: CropParams = CropParams()) -> tuple[float, float, float, float]:
    """The rectangle (x0, y0, x1, y1) in layout mm around one question's row: number and bubbles."""
    block = layout.block_of(number)
    x, y = block.row_centre(number - block.first)
    half_w, half_h = layout.bubble.width_mm / 2, layout.bubble.height_mm / 2
    last = x + (len(block.options) - 1) * block.option_pitch_mm
    return (x - half_w - params.number_mm, y - half_h - params.pad_mm, last + half_w + params.pad_mm,
            y + half_h + params.pad_mm)


def grid_box_mm(layout: SheetLayout, params: CropParams = CropParams()) -> tuple[float, float, float, float]:
    """The rectangle (x0, y0, x1, y1) in layout mm around the candidate-number grid and its write-in boxes."""
    grid = layout.candidate_id
    half_w, half_h = layout.bubble.width_mm / 2, layout.bubble.height_mm / 2
    return (grid.x_mm - half_w - params.pad_mm, grid.y_mm - half_h - grid.write_in_height_mm - params.pad_mm,
            grid.x_mm + (grid.digits - 1) * grid.col_pitch_mm + half_w + params.pad_mm,
            grid.y_mm + 9 * grid.row_pitch_mm + half_h + params.pad_mm)


def crop_mm(image: np.ndarray, homography: np.ndarray, working_dpi: float, box_mm: tuple[float, float, float, float],
            *, px_per_mm: float) -> np.ndarray:
    """An upright crop of a layout rectangle from a scan.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The scan page as read.
    homography : ndarray, shape (3, 3)
        Layout pixels at ``working_dpi`` -> scan pixels (as the store keeps it).
    working_dpi : float
        Resolution of the layout-pixel frame, dpi.
    box_mm : tuple of float
        (x0, y0, x1, y1) in layout mm.
    px_per_mm : float
        Scale of the crop, pixels per mm.

    Returns
    -------
    ndarray of uint8, shape (round((y1 - y0) * px_per_mm), round((x1 - x0) * px_per_mm))
    """
    x0, y0, x1, y1 = box_mm
    to_layout_px = working_dpi / MM_PER_INCH
    crop_to_mm = np.array([[1 / px_per_mm, 0, x0], [0, 1 / px_per_mm, y0], [0, 0, 1]], dtype=np.float64)
    crop_to_scan = np.asarray(homography, dtype=np.float64) @ np.diag([to_layout_px, to_layout_px, 1.0]) @ crop_to_mm
    size = (max(1, round((x1 - x0) * px_per_mm)), max(1, round((y1 - y0) * px_per_mm)))
    return cv2.warpPerspective(image, crop_to_scan, size, flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


@dataclass(frozen=True)
class _Wanted:
    """A page of a file whose pictures are made when the file is decoded."""

    page_no: int
    sha256: str
    homography: tuple[tuple[float, ...], ...] | None
    working_dpi: float
    questions: tuple[int, ...]


PageSource = Callable[[list[Path]], Iterable]


class ScanPictures:
    """Crops and previews of stored pages, made from their scan files on demand and cached.

    Parameters
    ----------
    layout : SheetLayout
        The sheet layout the pages were read with.
    base_dir : Path
        Folder against which relative scan paths are also tried.
    pages : callable, optional
        ``pages([path])`` yielding page images; default :func:`omr.scan_io.iter_pages`.
    params : CropParams
        Sizes.
    """

    def __init__(self, layout: SheetLayout, base_dir: Path, pages: PageSource | None = None,
                 params: CropParams = CropParams()) -> None:
        self.layout, self.base_dir, self.params = layout, base_dir, params
        self._pages = pages
        self._cache: OrderedDict[tuple, bytes | PagePicture] = OrderedDict()
        self._lock = threading.Lock()
        self._file_locks: dict[str, threading.Lock] = {}

    def get(self, key: tuple, source: str, wanted: Callable[[], list[_Wanted]]) -> bytes | PagePicture:
        """The picture ``key``, decoding ``source`` if it is not cached.

        ``key`` is ``("question", sha256, number)``, ``("grid", sha256)`` or
        ``("page", sha256)``; ``wanted()`` lists the pages of the file whose
        pictures to make in the same pass (called only on a miss).

        Raises
        ------
        ReviewError
            If the file is missing, changed since grading, or the page cannot be drawn.
        """
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            file_lock = self._file_locks.setdefault(source, threading.Lock())
        with file_lock:  # one pass per file at a time; a second request waits and finds the cache filled
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
            self._decode(source, wanted())
        with self._lock:
            if key not in self._cache:
                raise ReviewError(_("{source}: no picture {kind} of page {page} (the page was not found in the "
                                    "file)").format(source=source, kind=key[0], page=key[1]))
            return self._cache[key]

    def image(self, source: str, page_no: int, sha256: str) -> np.ndarray:
        """The full page image as it was read (decoded again, not cached).

        Raises
        ------
        ReviewError
            If the file is missing, has no such page, or changed since grading.
        """
        path = self._locate(source)
        if not path.is_file():
            raise ReviewError(_missing_scan(source))
        pages = self._pages if self._pages is not None else _iter_pages
        for page in pages([path]):
            if page.page != page_no:
                continue
            if page.image is None or page.sha256 != sha256:
                raise ReviewError(_("{source} page {page}: cannot decode the page as graded ({error})").format(
                    source=source, page=page_no, error=page.error or _("the content hash differs; the file changed")))
            return page.image
        raise ReviewError(_("{source}: the scan file has no page {page} any more").format(source=source, page=page_no))

    @staticmethod
    def wanted(page_no: int, sha256: str, homography: tuple[tuple[float, ...], ...] | None, working_dpi: float, *,
               questions: Iterable[int]) -> _Wanted:
        """Describe a page whose pictures to make (questions: numbers whose row to crop)."""
        return _Wanted(page_no, sha256, homography, working_dpi, tuple(questions))

    def _decode(self, source: str, wanted: list[_Wanted]) -> None:
        path = self._locate(source)
        if not path.is_file():
            raise ReviewError(_missing_scan(source))
        by_page = {w.page_no: w for w in wanted}
        pages = self._pages if self._pages is not None else _iter_pages
        for page in pages([path]):
            want = by_page.get(page.page)
            if want is None or page.image is None:
                continue
            if page.sha256 != want.sha256:
                raise ReviewError(_("{source} page {page}: the scan file changed since grading (content hash "
                                    "differs); grade it again").format(source=source, page=page.page))
            self._store_pictures(want, page.image)

    def _store_pictures(self, want: _Wanted, image: np.ndarray) -> None:
        made: dict[tuple, bytes | PagePicture] = {("page", want.sha256): self._preview(image)}
        if want.homography is not None and want.working_dpi:
            h = np.array(want.homography, dtype=np.float64)
            scale = self.params.px_per_mm
            grid = grid_box_mm(self.layout, self.params)
            made[("grid", want.sha256)] = _png(crop_mm(image, h, want.working_dpi, grid, px_per_mm=scale))
            for number in want.questions:
                box = question_box_mm(self.layout, number, self.params)
                crop = crop_mm(image, h, want.working_dpi, box, px_per_mm=scale)
                made[("question", want.sha256, number)] = _png(crop)
        with self._lock:
            for key, value in made.items():
                self._cache[key] = value
                self._cache.move_to_end(key)
            while len(self._cache) > self.params.cache_items:
                self._cache.popitem(last=False)

    def _preview(self, image: np.ndarray) -> PagePicture:
        height, width = image.shape[:2]
        scale = min(1.0, self.params.preview_height_px / height)
        small = cv2.resize(image, (max(1, round(width * scale)), max(1, round(height * scale))),
                           interpolation=cv2.INTER_AREA) if scale < 1.0 else image
        ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, self.params.jpeg_quality])
        if not ok:
            raise ReviewError(_("page preview: JPEG encoding failed"))
        return PagePicture(data.tobytes(), scale, width, height)

    def _locate(self, source: str) -> Path:
        path = Path(source)
        if path.is_file() or path.is_absolute():
            return path
        other = self.base_dir / path
        return other if other.is_file() else path


def _iter_pages(paths: list[Path]) -> Iterable:
    from omr.scan_io import iter_pages

    return iter_pages(paths)


def _png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise ReviewError(_("crop: PNG encoding failed"))
    return data.tobytes()


def _missing_scan(source: str) -> str:
    return _("{source}: scan file not found; the pictures need the scans where they were graded").format(source=source)
