"""Reproducible PDF documents, and page decorations that know the page count.

Every papergen PDF is written in reportlab's invariant mode: no creation
timestamp, and a document id derived from the content, so identical input
gives byte-identical files.  The canvas's initial font is the bundled font,
so no unembedded standard font (Helvetica) is referenced.

A booklet's footer reads 第x页 共y页, and y is known only when the last page is
laid out.  :func:`decorated_canvas_maker` returns a canvas class that keeps
each finished page aside and draws the decorations (header, footer) on all of
them when the document is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from papergen.render.fonts import register_font

__all__ = ["PdfInfo", "INVARIANT", "PageDecorator", "decorated_canvas_maker", "new_canvas"]

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


def decorated_canvas_maker(decorate: PageDecorator, info: PdfInfo) -> type[Canvas]:
    """A Canvas class that draws ``decorate`` on every page once the page count is known.

    Parameters
    ----------
    decorate : callable
        ``decorate(canvas, page_number, page_count)``, page numbers from 1.
    info : PdfInfo
        Metadata written into every document the class makes.
    """

    class DecoratedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["invariant"] = INVARIANT
            kwargs["initialFontName"] = register_font()
            super().__init__(*args, **kwargs)
            self._finished_pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._finished_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            info.apply(self)
            count = len(self._finished_pages)
            for number, state in enumerate(self._finished_pages, start=1):
                self.__dict__.update(state)
                decorate(self, number, count)
                Canvas.showPage(self)
            Canvas.save(self)

    return DecoratedCanvas


def new_canvas(path: str | Path, page_size_pt: tuple[float, float], info: PdfInfo) -> Canvas:
    """A plain reproducible canvas writing to ``path``."""
    canvas = Canvas(str(path), pagesize=page_size_pt, invariant=INVARIANT, initialFontName=register_font())
    info.apply(canvas)
    return canvas
