"""Small canvas drawing helpers shared by the renderers (points, PDF origin).

The bundled font has a single (regular) weight.  Headings are set in a
synthetic bold: the glyphs are filled and stroked with a thin outline of the
text colour, which is how Chinese print shops embolden a one-weight font.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from papergen.render.fonts import register_font, text_width_pt

__all__ = ["TextRun", "draw_text", "grey", "BOLD_STROKE_PER_PT"]

BOLD_STROKE_PER_PT = 0.03
"""Outline width of synthetic bold text per point of font size."""

_FILL = 0
_FILL_AND_STROKE = 2


def grey(level: float) -> Color:
    """A grey colour: level 0 = black, 1 = white."""
    return Color(level, level, level)


@dataclass(frozen=True, slots=True)
class TextRun:
    """How one line of canvas text is set.

    Attributes
    ----------
    size_pt : float
        Font size, points.
    align : {'left', 'centre', 'right'}
        Which point of the line sits at the given x.
    bold : bool
        Synthetic bold (fill and stroke).
    grey : float
        Grey level of the text, 0 = black, 1 = white.
    """

    size_pt: float
    align: Literal["left", "centre", "right"] = "left"
    bold: bool = False
    grey: float = 0.0


def draw_text(canvas: Canvas, x_pt: float, y_pt: float, text: str, run: TextRun) -> float:
    """Draw one line of text with its baseline at ``y_pt``; return its width, points."""
    font = register_font()
    width = text_width_pt(text, run.size_pt)
    offset = {"left": 0.0, "centre": width / 2, "right": width}[run.align]
    canvas.saveState()
    canvas.setFillGray(run.grey)
    text_object = canvas.beginText(x_pt - offset, y_pt)
    text_object.setFont(font, run.size_pt)
    if run.bold:
        canvas.setStrokeGray(run.grey)
        canvas.setLineWidth(run.size_pt * BOLD_STROKE_PER_PT)
        text_object.setTextRenderMode(_FILL_AND_STROKE)
    text_object.textOut(text)
    if run.bold:
        text_object.setTextRenderMode(_FILL)
    canvas.drawText(text_object)
    canvas.restoreState()
    return width
