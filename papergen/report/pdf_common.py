"""reportlab pieces shared by the cohort report and the score slips.

Documents are A4 portrait platypus documents in reportlab's invariant mode
with the bundled CJK font embedded, laid out and decorated by
:mod:`papergen.render.document`; charts laid out by
:mod:`papergen.report.charts` become reportlab drawings here, with every
string in the bundled font so no unembedded standard font is referenced.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table, TableStyle

from papergen.render.data_table import TableLook
from papergen.render.document import PageFrame
from papergen.render.draw import TextRun, grey
from papergen.render.flowables import BoldLine
from papergen.render.fonts import (
    CjkParagraph,
    TextStyle,
    markup,
    paragraph_style,
    register_font,
)
from papergen.i18n import language
from papergen.report.charts import Chart

__all__ = [
    "PageStyle",
    "chart_drawing",
    "pairs_table",
    "heading",
    "title_line",
    "note",
    "paragraph",
]


@dataclass(frozen=True)
class PageStyle(PageFrame):
    """Page geometry (mm) and typography (pt) of report documents; the page is :class:`PageFrame`'s."""

    header_size_pt: float = 8.0
    footer_size_pt: float = 8.0
    decoration_grey: float = 0.3
    title_size_pt: float = 16.0
    title_leading_pt: float = 26.0
    heading_size_pt: float = 11.0
    heading_leading_pt: float = 20.0
    body_size_pt: float = 9.0
    body_leading_pt: float = 13.5
    note_size_pt: float = 7.5
    note_leading_pt: float = 11.0
    note_grey: float = 0.3


def chart_drawing(chart: Chart) -> Drawing:
    """The chart as a reportlab drawing (a flowable), every string in the bundled font."""
    font = register_font()
    style = chart.style
    drawing = Drawing(chart.width, chart.height)
    drawing.initialFontName = font  # else the renderer selects Helvetica, an unembedded font, first

    def flip(y: float) -> float:
        return chart.height - y

    for line in chart.grid:
        drawing.add(_line(line, flip))
    for bar in chart.bars:
        fill = style.highlight_grey if bar.highlight else style.bar_grey
        drawing.add(Rect(bar.x, flip(bar.y + bar.height), bar.width, bar.height,
                         fillColor=grey(fill), strokeColor=None))
    for line in chart.lines:
        drawing.add(_line(line, flip))
    for text in chart.texts:
        drawing.add(String(text.x, flip(text.y), text.text, fontName=font, fontSize=text.size,
                           textAnchor=text.anchor, fillColor=grey(0.0)))
    return drawing


def _line(line, flip) -> Line:
    shape = Line(line.x1, flip(line.y1), line.x2, flip(line.y2), strokeColor=grey(line.grey),
                 strokeWidth=line.width)
    if line.dash:
        shape.strokeDashArray = [line.dash, line.dash]
    return shape


def pairs_table(
    rows: Sequence[Sequence[str]],
    look: TableLook,
    *,
    width_pt: float,
    label_share: float,
    size_pt: float,
    padding_pt: float,
) -> Table:
    """Label and value pairs, two pairs a row: shaded label cells in a grey grid inside a black box.

    Parameters
    ----------
    rows : sequence of sequence of str
        Rows of four cells: label, value, label, value.
    look : TableLook
        Greys and rule widths.
    width_pt : float
        Width of the table, points.
    label_share : float
        Width of each label column as a share of the table's width (< 0.5).
    size_pt : float
        Font size, points.
    padding_pt : float
        Space above and below the text of every cell, points.
    """
    label, value = width_pt * label_share, width_pt * (0.5 - label_share)
    table = Table([list(r) for r in rows], colWidths=[label, value, label, value])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), register_font(), size_pt),
        ("BACKGROUND", (0, 0), (0, -1), grey(look.header_grey)),
        ("BACKGROUND", (2, 0), (2, -1), grey(look.header_grey)),
        ("GRID", (0, 0), (-1, -1), look.grid_width_pt, grey(look.grid_grey)),
        ("BOX", (0, 0), (-1, -1), look.box_width_pt, grey(0.0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), padding_pt),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding_pt),
    ]))
    return table


def heading(text: str, style: PageStyle) -> Flowable:
    """A section heading in synthetic bold."""
    return BoldLine(text, TextRun(style.heading_size_pt, bold=True), style.heading_leading_pt)


def title_line(text: str, style: PageStyle) -> Flowable:
    """The document title, centred, synthetic bold."""
    return BoldLine(text, TextRun(style.title_size_pt, align="centre", bold=True), style.title_leading_pt)


def note(text: str, style: PageStyle, *, size_pt: float | None = None, align: str = "left") -> Flowable:
    """A wrapped paragraph of plain text in the note size (or ``size_pt``)."""
    size = size_pt or style.note_size_pt
    leading = style.note_leading_pt * size / style.note_size_pt
    grey_level = style.note_grey if size_pt is None else 0.0
    return paragraph(text, paragraph_style(TextStyle(size, leading, align=align, grey=grey_level)))


def paragraph(text: str, style: ParagraphStyle) -> Flowable:
    """``text`` (plain) as a paragraph: Chinese wraps between any two characters, English between words.

    English wrapping applies only while papergen speaks English, so Chinese documents keep their layout.
    """
    english = language() == "en" and _mostly_latin(text)
    return CjkParagraph(markup(text), _between_words(style) if english else style)


def _mostly_latin(text: str) -> bool:
    """True if fewer than a quarter of the letters of ``text`` are wide (CJK) characters."""
    letters = [c for c in text if not c.isspace()]
    wide = sum(1 for c in letters if unicodedata.east_asian_width(c) in "WF")
    return bool(letters) and 4 * wide < len(letters)


@cache
def _between_words(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` wrapping lines at spaces (reportlab's CJK wrapping would break English words anywhere)."""
    return ParagraphStyle(f"{style.name}-words", parent=style, wordWrap=None)
