"""Reproducible PDF documents, and page decorations that know the page count.

Every papergen PDF is written in reportlab's invariant mode: no creation
timestamp, and a document id derived from the content, so identical input
gives byte-identical files.  The canvas's initial font is the bundled font,
so no unembedded standard font (Helvetica) is referenced.

A booklet's footer reads 第x页 共y页, and y is known only when the last page is
laid out.  :func:`decorated_canvas_maker` returns a canvas class that keeps
each finished page aside and draws the decorations (header, footer) on all of
them when the document is saved; a document whose footers need less (the
score slips count each candidate's pages) says which pages are settled, and
those are written as soon as they are, so memory does not grow with the document.

The booklet, the answer key, the cohort report and the score slips are all
the same kind of document: one full-width text frame per page
(:class:`PageFrame`), a running header of two texts over a rule and a
第x页 共y页 footer (:func:`running_decorator`), written by
:func:`build_document`.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import PDFBase85Encode, PDFPage, PDFStream, PDFZCompress
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from papergen.errors import RenderError
from papergen.files import write_atomically
from papergen.render.draw import TextRun, draw_text
from papergen.render.fonts import register_font
from papergen.render.units import mm_to_pt

__all__ = [
    "PdfInfo",
    "INVARIANT",
    "PageDecorator",
    "PageFrame",
    "build_document",
    "decorated_canvas_maker",
    "new_canvas",
    "running_decorator",
    "streamed_story",
]

INVARIANT = 1
"""reportlab invariant mode: fixed timestamps and a content-derived document id."""

PageDecorator = Callable[[Canvas, int, int], None]
"""Draws the fixed parts of a page: ``decorate(canvas, page_number, page_count)``."""


@dataclass(frozen=True, slots=True)
class PdfInfo:
    """Document metadata written into the PDF's info dictionary."""

    title: str
    subject: str
    author: str = "papergen"
    creator: str = "papergen"

    def apply(self, canvas: Canvas) -> None:
        """Write the metadata into a canvas's document."""
        canvas.setTitle(self.title)
        canvas.setSubject(self.subject)
        canvas.setAuthor(self.author)
        canvas.setCreator(self.creator)
        canvas.setProducer(self.creator)


@dataclass(frozen=True)
class PageFrame:
    """Page size, text frame and running header and footer of a flowing document.

    Lengths in mm from the page's edges, sizes in points.  The document
    styles (booklet, key, report pages) extend it with their typography and
    set their own margins.

    Attributes
    ----------
    header_baseline_mm, header_rule_mm : float
        Baseline of the header texts and the rule under them, below the
        page's top edge, mm.
    footer_baseline_mm : float
        Baseline of the page number, above the page's bottom edge, mm.
    decoration_grey : float
        Grey level of header, rule and footer, 0 = black, 1 = white.
    """

    page_width_mm: float = 210.0
    page_height_mm: float = 297.0
    margin_left_mm: float = 18.0
    margin_right_mm: float = 18.0
    margin_top_mm: float = 20.0
    margin_bottom_mm: float = 16.0
    header_baseline_mm: float = 12.0
    header_rule_mm: float = 14.0
    footer_baseline_mm: float = 9.0
    header_size_pt: float = 8.5
    footer_size_pt: float = 8.5
    rule_width_pt: float = 0.5
    decoration_grey: float = 0.25

    @property
    def page_size_pt(self) -> tuple[float, float]:
        """Width and height of the page, points."""
        return mm_to_pt(self.page_width_mm), mm_to_pt(self.page_height_mm)

    @property
    def frame_width_pt(self) -> float:
        """Width of the text frame, points."""
        return mm_to_pt(self.page_width_mm - self.margin_left_mm - self.margin_right_mm)

    @property
    def frame_height_pt(self) -> float:
        """Height of the text frame, points."""
        return mm_to_pt(self.page_height_mm - self.margin_top_mm - self.margin_bottom_mm)


class _StreamedStory(list):
    """A story list that pulls its flowables from an iterator of parts as the layout consumes them.

    reportlab's document builder takes flowables from the front of a list (and
    puts split remainders back there); keeping only ``ahead`` flowables loaded
    lets a 10,000-page document be laid out without building every page first.
    """

    def __init__(self, parts: Iterator[Sequence[Flowable]], ahead: int) -> None:
        super().__init__()
        self._parts, self._ahead = parts, ahead
        self._fill()

    def _fill(self) -> None:
        while list.__len__(self) < self._ahead:
            part = next(self._parts, None)
            if part is None:
                return
            self.extend(part)

    def __len__(self) -> int:
        self._fill()
        return list.__len__(self)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        self._fill()
        return list.__getitem__(self, index)


def streamed_story(parts: Iterable[Sequence[Flowable]], *, ahead: int = 64) -> list[Flowable]:
    """A story for :func:`build_document` made part by part while it is laid out (memory stays flat).

    Parameters
    ----------
    parts : iterable of sequences of Flowable
        The story in pieces (e.g. one per score slip), made when needed.
    ahead : int
        Flowables kept loaded ahead of the layout (keep-with-next looks ahead
        within them).
    """
    return _StreamedStory(iter(parts), ahead)


def build_document(
    story: list[Flowable], path: str | Path, page: PageFrame, *, decorate: PageDecorator, info: PdfInfo,
    settled: Callable[[], int] | None = None,
) -> int:
    """Lay out ``story`` in one full-width frame per page and write the PDF.

    Parameters
    ----------
    story : list of Flowable
        The document's content, in order.
    path : str or Path
        Output PDF file; overwritten.
    page : PageFrame
        Page size and margins (the frame fills the space between them).
    decorate : callable
        Draws the fixed parts of every page once the page count is known.
    info : PdfInfo
        Document metadata.
    settled : callable, optional
        See :func:`decorated_canvas_maker`.

    Returns
    -------
    int
        Number of pages written.

    Raises
    ------
    RenderError
        If the file cannot be written (written atomically: no half file is left).
    """
    frame = Frame(
        mm_to_pt(page.margin_left_mm),
        mm_to_pt(page.margin_bottom_mm),
        page.frame_width_pt,
        page.frame_height_pt,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    pages: list[int] = []

    def write(tmp: Path) -> None:
        doc = BaseDocTemplate(str(tmp), pagesize=page.page_size_pt, invariant=INVARIANT)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(story, canvasmaker=decorated_canvas_maker(decorate, info, settled))
        pages.append(doc.page)

    write_atomically(path, write, RenderError, "PDF")
    return pages[0]


def running_decorator(left_text: str, right_text: str, page: PageFrame, *,
                      footer_text: Callable[[int, int], str] | None = None) -> PageDecorator:
    """Header (left and right text over a rule) and a centred 第x页 共y页 footer on every page.

    Parameters
    ----------
    left_text, right_text : str
        Header texts, flush with the left and the right margin.
    page : PageFrame
        Margins, baselines, sizes and grey of the decorations.
    footer_text : callable, optional
        ``footer_text(page_number, page_count)`` -> the footer, for documents
        whose pages are numbered otherwise (one slip per candidate); default 第x页 共y页.
    """
    left = mm_to_pt(page.margin_left_mm)
    right = mm_to_pt(page.page_width_mm - page.margin_right_mm)
    top = mm_to_pt(page.page_height_mm)
    header = TextRun(page.header_size_pt, grey=page.decoration_grey)
    header_right = TextRun(page.header_size_pt, align="right", grey=page.decoration_grey)
    footer = TextRun(page.footer_size_pt, align="centre", grey=page.decoration_grey)

    def decorate(canvas: Canvas, page_number: int, page_count: int) -> None:
        baseline = top - mm_to_pt(page.header_baseline_mm)
        draw_text(canvas, left, baseline, left_text, header)
        draw_text(canvas, right, baseline, right_text, header_right)
        canvas.saveState()
        canvas.setStrokeGray(page.decoration_grey)
        canvas.setLineWidth(page.rule_width_pt)
        rule_y = top - mm_to_pt(page.header_rule_mm)
        canvas.line(left, rule_y, right, rule_y)
        canvas.restoreState()
        text = footer_text(page_number, page_count) if footer_text else f"第{page_number}页 共{page_count}页"
        draw_text(canvas, (left + right) / 2, mm_to_pt(page.footer_baseline_mm), text, footer)

    return decorate


def decorated_canvas_maker(decorate: PageDecorator, info: PdfInfo,
                           settled: Callable[[], int] | None = None) -> type[Canvas]:
    """A Canvas class that draws ``decorate`` on every page once the page count is known.

    Parameters
    ----------
    decorate : callable
        ``decorate(canvas, page_number, page_count)``, page numbers from 1.
    info : PdfInfo
        Metadata written into every document the class makes.
    settled : callable, optional
        ``settled()`` -> the first page whose decoration may still depend on
        the page count; pages before it are decorated and written as each page
        ends (``decorate`` then gets the count of pages finished so far).
        Default: every page waits for the page count.
    """

    class DecoratedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["invariant"] = INVARIANT
            kwargs["initialFontName"] = register_font()
            super().__init__(*args, **kwargs)
            self._finished_pages: deque[dict] = deque()
            self._written = 0  # pages already decorated and written

        def showPage(self):  # noqa: N802 - reportlab's name
            # the page's drawing is kept compressed until its decoration is known
            state = {k: v for k, v in self.__dict__.items() if k not in ("_finished_pages", "_written")}
            state["_code"] = zlib.compress("\n".join(self._code).encode("utf-8"), 1)
            self._finished_pages.append(state)
            if settled is not None:
                self._write_pages(settled() - 1, self._written + len(self._finished_pages))
                self.__dict__.update(state, _code=[])
            self._startPage()

        def save(self):
            info.apply(self)
            count = self._written + len(self._finished_pages)
            self._write_pages(count, count)
            Canvas.save(self)

        def _write_pages(self, last: int, count: int) -> None:
            """Decorate and write the held pages up to page ``last``."""
            while self._finished_pages and self._written < last:
                state = self._finished_pages.popleft()
                self.__dict__.update(state, _code=[zlib.decompress(state["_code"]).decode("utf-8")])
                self._written += 1
                decorate(self, self._written, count)
                Canvas.showPage(self)
                _compress_now(self._doc.Pages.pages[-1])

    return DecoratedCanvas


@dataclass(frozen=True)
class _Applied:
    """A stream filter whose encoding was applied before the document is saved: named, changes nothing."""

    pdfname: str

    @staticmethod
    def encode(data: bytes) -> bytes:
        return data


def _compress_now(page: PDFPage) -> None:
    """Encode a written page's content now, with the filters reportlab applies when saving (the same bytes).

    reportlab keeps every page's content as text until the document is
    saved: the slips of 10,000 candidates added 276 MB to the peak that way.
    """
    if not (page.compression and isinstance(page.stream, str) and not page.Contents):
        return
    filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
    content: str | bytes = page.stream
    for applied in reversed(filters):  # as PDFStream.format applies them
        content = applied.encode(content)
    page.Contents = PDFStream(content=content, filters=[_Applied(f.pdfname) for f in filters])
    page.Contents.__Comment__ = "page stream"
    page.stream = None


def new_canvas(path: str | Path, page_size_pt: tuple[float, float], info: PdfInfo) -> Canvas:
    """A plain reproducible canvas writing to ``path``."""
    canvas = Canvas(str(path), pagesize=page_size_pt, invariant=INVARIANT, initialFontName=register_font())
    info.apply(canvas)
    return canvas
