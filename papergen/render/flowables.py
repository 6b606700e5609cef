"""Platypus flowables for exam documents: unbreakable groups, option rows, bold lines.

All sizes here are in points; the flowables know nothing of exams.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from papergen.render.draw import TextRun, draw_text
from papergen.render.fonts import baseline_in_line_pt, register_font

__all__ = ["Unsplittable", "TextRow", "BoldLine"]


class Unsplittable(Flowable):
    """Child flowables stacked top to bottom that always stay on one page.

    ``split`` refuses to split, so platypus moves the whole group to the next
    page when it does not fit (a question never loses its options).

    Parameters
    ----------
    children : sequence of Flowable
        Drawn in order, each offered the full width of the group and placed by
        its ``hAlign`` (``"LEFT"``, ``"CENTER"`` or ``"RIGHT"``) when narrower.
    space_after_pt : float
        Space below the group, points.
    """

    def __init__(self, children: Sequence[Flowable], space_after_pt: float = 0.0):
        super().__init__()
        self._children = tuple(children)
        self._heights: list[float] = []
        self._offsets: list[float] = []
        self._wrapped_width: float | None = None
        self.spaceAfter = space_after_pt

    def wrap(self, available_width, available_height):
        if available_width != self._wrapped_width:
            sizes = [child.wrap(available_width, available_height) for child in self._children]
            self._heights = [height for _, height in sizes]
            self._offsets = [_aligned_x(child, width, available_width) for child, (width, _) in zip(self._children, sizes)]
            self._wrapped_width = available_width
        self.width, self.height = available_width, sum(self._heights)
        return self.width, self.height

    def split(self, available_width, available_height):
        return []

    def draw(self):
        y = self.height
        for child, height, x in zip(self._children, self._heights, self._offsets, strict=True):
            y -= height
            child.drawOn(self.canv, x, y)


def _aligned_x(child: Flowable, width: float, available: float) -> float:
    """Left edge of a child of the given width placed by its ``hAlign`` in the available width, points."""
    align = getattr(child, "hAlign", "LEFT")
    if align in ("CENTER", "CENTRE"):
        return (available - width) / 2
    return available - width if align == "RIGHT" else 0.0


class TextRow(Flowable):
    """One line of texts placed at fixed x offsets (e.g. options A-D side by side).

    Parameters
    ----------
    texts : sequence of str
        Texts to draw, plain (no markup).
    x_offsets_pt : sequence of float
        Left edge of each text from the row's left edge, points.
    size_pt, leading_pt : float
        Font size and line height, points.
    font : str, optional
        Registered font name; the bundled sans by default.
    """

    def __init__(
        self, texts: Sequence[str], x_offsets_pt: Sequence[float], size_pt: float, leading_pt: float,
        font: str = "",
    ):
        super().__init__()
        self._font = font
        self._texts = tuple(texts)
        self._x = tuple(x_offsets_pt)
        self._size = size_pt
        self._leading = leading_pt

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, self._leading
        return self.width, self.height

    def draw(self):
        baseline = baseline_in_line_pt(self._size, self._leading)
        text = self.canv.beginText()
        text.setFont(self._font or register_font(), self._size)
        for x, line in zip(self._x, self._texts, strict=True):
            text.setTextOrigin(x, baseline)
            text.textOut(line)
        self.canv.drawText(text)


class BoldLine(Flowable):
    """One line of (synthetic) bold text, left-aligned or centred.

    Parameters
    ----------
    text : str
        Plain text.
    run : TextRun
        Size, alignment and colour.
    leading_pt : float
        Line height, points.
    """

    def __init__(self, text: str, run: TextRun, leading_pt: float):
        super().__init__()
        self._text = text
        self._run = run
        self._leading = leading_pt

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, self._leading
        return self.width, self.height

    def draw(self):
        x = {"left": 0.0, "centre": self.width / 2, "right": self.width}[self._run.align]
        baseline = baseline_in_line_pt(self._run.size_pt, self._leading)
        draw_text(self.canv, x, baseline, self._text, self._run)
