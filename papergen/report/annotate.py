"""Scanned answer sheets overlaid with what was read and how it was scored.

Each graded page is decoded again from its scan file (checked against the
stored content hash) and drawn over in colour:

- a thick green ring around a mark that earned its points,
- a thick red ring around a mark that did not,
- a thin green ring with a green dot on each correct option the candidate
  did not mark, wherever the answer was wrong (the key),
- an amber frame around a question held for review or flagged by the reader,
- a grey frame around a question dropped by a key correction,

under a banner naming the candidate, the score and the legend.  Output is a
JPEG per page (the default: a tenth of a PNG's encoding time and size for a
noisy scan), a PNG per page, or a PDF per candidate holding all of that
candidate's pages (each written as soon as the candidate's last page is drawn).
Files are encoded and written on a background thread while the next page is
decoded and drawn; the layout's bubbles are laid out once per run.

Where layout millimetres fall on the scan comes from the reader's
registration: :func:`omr.read.layout_to_image_points` with the homography
the results store kept with the page's :class:`~omr.result.SheetRead`.  A
read without one (a store written before homographies were kept) is
registered again with :func:`omr.read.read_sheet`, a few tens of
milliseconds.  The colours always come from the stored scores, so they show
key corrections applied since grading.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from omr.layout import MM_PER_INCH, SheetLayout
from omr.read import layout_to_image_points, read_sheet
from omr.result import SheetRead
from omr.scan_io import iter_pages
from papergen.errors import ReportError
from papergen.files import write_atomically
from papergen.report.wording import points
from papergen.resources import font_path
from papergen.grading import GradedSheet, QuestionScore, SheetScore

__all__ = [
    "AnnotateAs",
    "AnnotateStyle",
    "BubbleBox",
    "AnnotateProblem",
    "AnnotateSummary",
    "bubble_boxes",
    "draw_annotations",
    "annotate_sheets",
    "LEGEND",
]

LEGEND = "绿圈：得分的选择　红圈：错误的选择　绿点：正确答案　橙框：需复核　灰框：已作废"
"""The legend printed in every banner."""

AnnotateAs = Literal["jpeg", "png", "pdf"]
"""Output of the annotated scans: a JPEG per page, a PNG per page, or a PDF per candidate."""

Rgb = tuple[int, int, int]
PointMap = Callable[[np.ndarray], np.ndarray]
"""Maps layout points (n, 2) in mm to image pixels (n, 2), (x, y) = (col, row)."""


@dataclass(frozen=True)
class AnnotateStyle:
    """Colours (RGB 0..255) and sizes of the overlay, in mm of the sheet unless named otherwise.

    Attributes
    ----------
    ring_grow : float
        Ring size relative to the printed bubble (1 = on its outline).
    ring_width_mm, key_ring_width_mm : float
        Stroke of the mark rings and of the key ring.
    key_dot_mm : float
        Diameter of the dot in a correct option that was not marked.
    frame_pad_mm, frame_width_mm : float
        Space between a question's bubbles and its frame; frame stroke.
    banner_mm : float
        Height of the banner added above the page.
    text_mm : float
        Text height in the banner.
    min_text_px : int
        Smallest banner text, pixels (for low-resolution scans).
    """

    correct: Rgb = (0, 150, 40)
    wrong: Rgb = (220, 20, 20)
    flagged: Rgb = (245, 150, 0)
    dropped: Rgb = (140, 140, 140)
    ring_grow: float = 1.45
    ring_width_mm: float = 0.45
    key_ring_width_mm: float = 0.25
    key_dot_mm: float = 1.2
    frame_pad_mm: float = 1.6
    frame_width_mm: float = 0.35
    banner_mm: float = 20.0
    text_mm: float = 4.2
    min_text_px: int = 8


@dataclass(frozen=True, slots=True)
class BubbleBox:
    """One answer bubble on the image: centre and half axes, pixels."""

    x: float
    y: float
    half_width: float
    half_height: float


@dataclass(frozen=True)
class AnnotateProblem:
    """A graded page that could not be annotated, and why."""

    source: str
    page: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source} page {self.page}: {self.reason}"


@dataclass
class AnnotateSummary:
    """Files written and pages that could not be annotated."""

    written: list[Path] = field(default_factory=list)
    problems: list[AnnotateProblem] = field(default_factory=list)


# -- geometry ------------------------------------------------------------------------


def bubble_boxes(layout: SheetLayout, to_image: PointMap) -> dict[tuple[int, str], BubbleBox]:
    """Every answer bubble of the layout on the image, by (question number, option key).

    The half axes come from mapping the bubble's right and lower edge points,
    so they follow the scan's scale, skew and perspective.
    """
    return _BubbleGeometry.of(layout).boxes(to_image)


@dataclass(frozen=True)
class _BubbleGeometry:
    """A layout's answer bubbles, computed once for all the pages of a run.

    ``points_mm`` holds every bubble's centre, then its right edge point, then
    its lower edge point (layout mm), in the order of ``keys``.
    """

    keys: tuple[tuple[int, str], ...]
    points_mm: np.ndarray

    @classmethod
    def of(cls, layout: SheetLayout) -> _BubbleGeometry:
        spots = layout.bubbles()
        half_w, half_h = layout.bubble.width_mm / 2, layout.bubble.height_mm / 2
        centres = np.array([(s.x_mm, s.y_mm) for s in spots], dtype=np.float64)
        points = np.concatenate([centres, centres + (half_w, 0.0), centres + (0.0, half_h)])
        return cls(tuple((s.question, s.option) for s in spots), points)

    def boxes(self, to_image: PointMap) -> dict[tuple[int, str], BubbleBox]:
        """The bubbles on one image, by (question number, option key)."""
        mapped = to_image(self.points_mm)
        n = len(self.keys)
        c, right, below = mapped[:n], mapped[n:2 * n], mapped[2 * n:]
        rx = np.hypot(*(right - c).T).tolist()
        ry = np.hypot(*(below - c).T).tolist()
        return {key: BubbleBox(x, y, w, h) for key, x, y, w, h in zip(self.keys, *c.T.tolist(), rx, ry)}


# -- drawing ---------------------------------------------------------------------------


def draw_annotations(
    image: np.ndarray,
    boxes: dict[tuple[int, str], BubbleBox],
    score: SheetScore,
    *,
    banner: Sequence[str],
    px_per_mm: float,
    quarter_turns: int = 0,
    style: AnnotateStyle = AnnotateStyle(),
) -> Image.Image:
    """The page in colour with the score drawn over it and a banner above it.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W) or (H, W, 3)
        The scan as read (grey or RGB); not modified.
    boxes : dict
        Bubble positions from :func:`bubble_boxes`.
    score : SheetScore
        The stored score of the page.
    banner : sequence of str
        Lines printed in the banner (the legend is added).
    px_per_mm : float
        Scale of the scan, pixels per mm (strokes and text are sized from it).
    quarter_turns : int
        Counter-clockwise quarter turns that bring the page upright (the read's
        ``rotation_deg // 90``); the result reads upright.
    style : AnnotateStyle
        Colours and sizes.

    Returns
    -------
    PIL.Image.Image
        RGB, ``banner_mm`` taller than the scan.
    """
    scan = np.asarray(image)
    turns = quarter_turns % 4
    offset = round(style.banner_mm * px_per_mm)
    canvas = _upright_canvas(scan, turns, offset)
    by_question: dict[int, list[BubbleBox]] = defaultdict(list)
    for (number, _), box in boxes.items():
        by_question[number].append(box)

    def place(box: BubbleBox) -> BubbleBox:
        return _turned(box, turns, scan.shape[1], scan.shape[0], offset)

    page = Image.fromarray(canvas)
    pen = ImageDraw.Draw(page)
    for question in score.questions:
        _draw_question(pen, question, boxes, by_question.get(question.number, []), place, px_per_mm, style)
    _draw_banner(page, [*banner, LEGEND], px_per_mm, offset, style)
    return page


def _upright_canvas(image: np.ndarray, turns: int, banner_px: int) -> np.ndarray:
    """The scan turned upright, in RGB below a white banner ``banner_px`` high: shape (H + banner_px, W, 3)."""
    page = np.rot90(image, turns) if turns else image
    canvas = np.empty((page.shape[0] + banner_px, page.shape[1], 3), np.uint8)
    canvas[:banner_px] = 255
    if page.ndim == 2:
        cv2.cvtColor(np.ascontiguousarray(page), cv2.COLOR_GRAY2RGB, dst=canvas[banner_px:])
    else:
        canvas[banner_px:] = page[:, :, :3]
    return canvas


def _turned(box: BubbleBox, turns: int, width: int, height: int, down: int) -> BubbleBox:
    """A bubble of a ``width`` x ``height`` scan where it lies once the scan is turned ``turns`` quarter turns
    counter-clockwise (as :func:`numpy.rot90`) and moved ``down`` pixels."""
    x, y, hw, hh = box.x, box.y, box.half_width, box.half_height
    if turns == 1:
        x, y, hw, hh = y, width - 1 - x, hh, hw
    elif turns == 2:
        x, y = width - 1 - x, height - 1 - y
    elif turns == 3:
        x, y, hw, hh = height - 1 - y, x, hh, hw
    return BubbleBox(x, y + down, hw, hh)


def _draw_question(pen: ImageDraw.ImageDraw, q: QuestionScore, boxes: dict[tuple[int, str], BubbleBox],
                   own: Sequence[BubbleBox], place: Callable[[BubbleBox], BubbleBox], px_per_mm: float,
                   style: AnnotateStyle) -> None:
    if not own:
        return
    if q.status == "dropped":
        _frame(pen, [place(b) for b in own], style.dropped, px_per_mm, style)
        return
    if q.review or q.status == "review":
        _frame(pen, [place(b) for b in own], style.flagged, px_per_mm, style)
    answer = set(q.answer)
    for option in q.marked:
        right = q.status == "correct" or (q.status == "partial" and option in answer)
        box = boxes.get((q.number, option))
        if box is not None:
            _ring(pen, place(box), style.correct if right else style.wrong, style.ring_width_mm * px_per_mm,
                  style)
    if q.status != "correct":
        for option in answer - set(q.marked):
            box = boxes.get((q.number, option))
            if box is not None:
                _key(pen, place(box), px_per_mm, style)


def _ring(pen: ImageDraw.ImageDraw, box: BubbleBox, colour: Rgb, width_px: float, style: AnnotateStyle) -> None:
    rx, ry = box.half_width * style.ring_grow, box.half_height * style.ring_grow
    pen.ellipse((box.x - rx, box.y - ry, box.x + rx, box.y + ry), outline=colour, width=max(1, round(width_px)))


def _key(pen: ImageDraw.ImageDraw, box: BubbleBox, px_per_mm: float, style: AnnotateStyle) -> None:
    _ring(pen, box, style.correct, style.key_ring_width_mm * px_per_mm, style)
    r = style.key_dot_mm * px_per_mm / 2
    pen.ellipse((box.x - r, box.y - r, box.x + r, box.y + r), fill=style.correct)


def _frame(pen: ImageDraw.ImageDraw, own: Sequence[BubbleBox], colour: Rgb, px_per_mm: float,
           style: AnnotateStyle) -> None:
    pad = style.frame_pad_mm * px_per_mm
    left = min(b.x - b.half_width for b in own) - pad
    right = max(b.x + b.half_width for b in own) + pad
    top = min(b.y - b.half_height for b in own) - pad
    bottom = max(b.y + b.half_height for b in own) + pad
    pen.rectangle((left, top, right, bottom), outline=colour, width=max(1, round(style.frame_width_mm * px_per_mm)))


def _draw_banner(page: Image.Image, lines: Sequence[str], px_per_mm: float, height: int,
                 style: AnnotateStyle) -> None:
    """The lines evenly spaced in the top ``height`` pixels, a quarter step above the first and below the last."""
    size = max(style.min_text_px, round(style.text_mm * px_per_mm))
    step = height / (len(lines) + 0.5)
    pen = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        top = step * (i + 0.25)
        if line == LEGEND:  # the same on every page: drawn once, then copied
            page.paste(_legend_strip(size, page.width), (0, round(top)))
        else:
            pen.text((size, top), line, fill=(0, 0, 0), font=_font(size))


@lru_cache(maxsize=8)
def _legend_strip(size_px: int, width_px: int) -> Image.Image:
    """The legend as drawn in the banner, on a white strip ``width_px`` wide and as high as its glyphs reach."""
    font = _font(size_px)
    strip = Image.new("RGB", (width_px, max(1, font.getbbox(LEGEND)[3])), (255, 255, 255))
    ImageDraw.Draw(strip).text((size_px, 0), LEGEND, fill=(0, 0, 0), font=font)
    return strip


@lru_cache(maxsize=8)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path()), size_px)


# -- sheets of a store -------------------------------------------------------------------------

Reader = Callable[..., SheetRead]
PageSource = Callable[[Sequence[Path]], Iterable]


def annotate_sheets(
    sheets: Sequence[GradedSheet],
    layout: SheetLayout,
    out_dir: str | Path,
    *,
    names: dict[str, str] | None = None,
    annotate_as: AnnotateAs = "jpeg",
    stored_reads: Callable[[int], SheetRead] | None = None,
    pages: PageSource | None = None,
    reader: Reader | None = None,
    base_dir: str | Path | None = None,
    style: AnnotateStyle = AnnotateStyle(),
    progress: Callable[[int, int], None] | None = None,
) -> AnnotateSummary:
    """Annotate graded sheets: a JPEG or PNG per page, or a PDF per candidate.

    Parameters
    ----------
    sheets : sequence of GradedSheet
        The pages to draw.
    layout : SheetLayout
        The layout the sheets were read with.
    out_dir : path
        Folder for the files (created if needed).
    names : dict, optional
        Candidate number -> name, printed in the banner.
    annotate_as : {'jpeg', 'png', 'pdf'}
        A JPEG per page, a PNG per page, or a PDF per candidate.
    stored_reads : callable, optional
        ``stored_reads(page_id) -> SheetRead`` (e.g. ``Store.sheet_read``); a
        stored read that carries a homography spares registering the page again.
    pages : callable, optional
        Page source, default :func:`omr.scan_io.iter_pages`.
    reader : callable, optional
        Sheet reader used to register a page again, default :func:`omr.read.read_sheet`.
    base_dir : path, optional
        Folder against which relative scan paths are also tried (the grading run's folder).
    style : AnnotateStyle
        Colours and sizes.
    progress : callable, optional
        ``progress(done, total)`` after each sheet, drawn or not (``total`` is ``len(sheets)``).

    Returns
    -------
    AnnotateSummary
        Never raises for one page: a page whose scan is missing, changed since
        grading, or cannot be registered again is listed with the reason.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = _Annotator(layout, names or {}, stored_reads, pages or iter_pages, reader or read_sheet, style)
    summary = AnnotateSummary()
    owner = {id(sheet): _pdf_owner(sheet) for sheet in sheets}
    left = Counter(owner.values())  # pages of each candidate still to draw, so a PDF is written once complete
    drawn: dict[str, list[tuple[GradedSheet, Image.Image, float]]] = defaultdict(list)
    done = 0
    with _Writer(summary.written) as writer:
        for source, group in _by_source(sheets).items():
            path = _locate(source, base_dir)
            for sheet, result in run.draw_file(path, group):
                candidate = owner[id(sheet)]
                left[candidate] -= 1
                if isinstance(result, str):
                    summary.problems.append(AnnotateProblem(sheet.page.source, sheet.page.page_no, result))
                elif annotate_as != "pdf":
                    writer.submit(_save_image, *result, out / _image_name(sheet, annotate_as), annotate_as)
                else:
                    drawn[candidate].append((sheet, *result))
                if left[candidate] == 0 and drawn.get(candidate):
                    writer.submit(_save_pdf, drawn.pop(candidate), out / f"{_safe(candidate)}.pdf")
                done += 1
                if progress is not None:
                    progress(done, len(sheets))
    return summary


class _Writer:
    """Encodes and writes the files on one background thread while the next page is decoded and drawn.

    Pillow's encoders and OpenCV's decoder release the GIL, so on two cores a
    page's encoding (about 9 ms for a 200-dpi JPEG) overlaps the next page's
    work.  At most ``depth`` files wait, so memory stays at a few pages; the
    paths are appended to ``written`` in submission order, and a failed write
    raises from :meth:`submit` or on leaving the ``with`` block.
    """

    def __init__(self, written: list[Path], depth: int = 2) -> None:
        self.written, self.depth = written, depth
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="annotate-writer")
        self.pending: deque[Future[Path]] = deque()

    def submit(self, write: Callable[..., Path], *args: object) -> None:
        self.pending.append(self.pool.submit(write, *args))
        while len(self.pending) > self.depth:
            self.written.append(self.pending.popleft().result())

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            while self.pending and kind is None:
                self.written.append(self.pending.popleft().result())
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _pdf_owner(sheet: GradedSheet) -> str:
    """Whose PDF a page goes into: its candidate, else a PDF of its own."""
    return sheet.page.candidate or f"page{sheet.page.page_id}"


class _Annotator:
    """Draws the pages of one scan file."""

    def __init__(self, layout: SheetLayout, names: dict[str, str], stored_reads: Callable[[int], SheetRead] | None,
                 pages: PageSource, reader: Reader, style: AnnotateStyle) -> None:
        self.layout, self.names, self.stored_reads = layout, names, stored_reads
        self.pages, self.reader, self.style = pages, reader, style
        self.geometry = _BubbleGeometry.of(layout)

    def draw_file(self, path: Path, sheets: list[GradedSheet]):
        """Yield (sheet, (image, dpi)) or (sheet, reason) for each wanted page of one file."""
        wanted = {s.page.page_no: s for s in sheets}
        if not path.is_file():
            for sheet in sheets:
                yield sheet, f"scan file not found ({path})"
            return
        found = set()
        for page in self.pages([path]):
            sheet = wanted.get(page.page)
            if sheet is None:
                continue
            found.add(page.page)
            yield sheet, self._draw_page(sheet, page)
        for number, sheet in wanted.items():
            if number not in found:
                yield sheet, f"the scan file has no page {number} any more"

    def _draw_page(self, sheet: GradedSheet, page) -> tuple[Image.Image, float] | str:
        if page.image is None:
            return f"cannot decode the page again ({page.error})"
        if page.sha256 != sheet.page.sha256:
            return "the scan file changed since grading (content hash differs); not annotated"
        read = self.stored_reads(sheet.page.page_id) if self.stored_reads is not None else None
        if read is None or read.homography is None:
            read = self.reader(page.image, self.layout, dpi=page.dpi)
        if read.homography is None:
            return f"the page could not be registered again ({read.status}: {read.reason})"
        boxes = self.geometry.boxes(lambda mm: layout_to_image_points(read, self.layout, mm))
        px_per_mm = _scale(self.layout, read)
        image = draw_annotations(page.image, boxes, sheet.score, banner=self._banner(sheet), px_per_mm=px_per_mm,
                                 quarter_turns=read.rotation_deg // 90, style=self.style)
        return image, px_per_mm * MM_PER_INCH

    def _banner(self, sheet: GradedSheet) -> list[str]:
        candidate = sheet.page.candidate or "（未识别）"
        name = self.names.get(sheet.page.candidate or "", "")
        score = sheet.score
        wrong = sum(q.status in ("wrong", "blank", "partial") for q in score.questions)
        review = len(score.review_questions)
        return [
            (f"准考证号 {candidate}　{name}　试卷代号 {score.variant}　总分 {points(score.total)} / "
            f"{points(score.max_total)}　未得满分 {wrong} 题　待复核 {review} 题"),
            f"答题卡 {Path(sheet.page.source).name} 第{sheet.page.page_no}页",
        ]


def _scale(layout: SheetLayout, read: SheetRead) -> float:
    """Pixels per mm of the scan near the page centre."""
    cx, cy = layout.page_width_mm / 2, layout.page_height_mm / 2
    a, b = layout_to_image_points(read, layout, np.array([(cx, cy), (cx + 10.0, cy)]))
    return float(np.hypot(*(b - a)) / 10.0)


def _by_source(sheets: Sequence[GradedSheet]) -> dict[str, list[GradedSheet]]:
    groups: dict[str, list[GradedSheet]] = defaultdict(list)
    for sheet in sheets:
        groups[sheet.page.source].append(sheet)
    return dict(groups)


def _locate(source: str, base_dir: str | Path | None) -> Path:
    path = Path(source)
    if path.is_file() or path.is_absolute() or base_dir is None:
        return path
    other = Path(base_dir) / path
    return other if other.is_file() else path


def _image_name(sheet: GradedSheet, kind: str) -> str:
    stem = _safe(Path(sheet.page.source).stem)
    suffix = "jpg" if kind == "jpeg" else kind
    return f"{_safe(sheet.page.candidate or 'unknown')}-{stem}-p{sheet.page.page_no}.{suffix}"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "_"


_PNG_COMPRESS_LEVEL = 1
"""zlib level of the PNGs: scans are noisy, level 6 costs 0.7 s a page for 10 % smaller files."""
_JPEG_QUALITY = 75
"""JPEG quality of the annotated pages (chroma at half resolution): rings and text stay clear at 150-300 dpi,
while a page encodes in about half the time of quality 85 and a quarter of a PNG's size."""


def _save_image(image: Image.Image, dpi: float, path: Path, kind: str) -> Path:
    options = ({"format": "PNG", "compress_level": _PNG_COMPRESS_LEVEL} if kind == "png"
               else {"format": "JPEG", "quality": _JPEG_QUALITY, "subsampling": 2})
    return write_atomically(path, lambda tmp: image.save(tmp, dpi=(dpi, dpi), **options), ReportError,
                            "annotated scan")


def _save_pdf(images: list[tuple[GradedSheet, Image.Image, float]], path: Path) -> Path:
    first, *rest = [image for _, image, _ in images]
    dpi = images[0][2]
    return write_atomically(
        path, lambda tmp: first.save(tmp, format="PDF", resolution=dpi, save_all=True, append_images=rest),
        ReportError, "annotated scans")

