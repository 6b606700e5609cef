"""reportlab pieces shared by the cohort report and the score slips.

Documents are A4 portrait platypus documents in reportlab's invariant mode
with the bundled CJK font embedded, laid out and decorated by
:mod:`papergen.render.document`; charts laid out by
:mod:`papergen.report.charts` become reportlab drawings here, with every
string in the bundled font so no unembedded standard font is referenced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Table, TableStyle

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
from papergen.report.charts import Chart

__all__ = [
    "PageStyle",
    "TableLook",
    "chart_drawing",
    "data_table",
    "heading",
    "title_line",
    "note",
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


@dataclass(frozen=True)
class TableLook:
    """Typography (pt) and greys of data tables."""

    size_pt: float = 8.0
    header_size_pt: float = 8.0
    padding_pt: float = 2.0
    header_grey: float = 0.86
    band_grey: float = 0.955
    grid_grey: float = 0.6
    grid_width_pt: float = 0.3
    box_width_pt: float = 0.6


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


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    widths_pt: Sequence[float],
    *,
    look: TableLook = TableLook(),
    align: Sequence[str] | None = None,
    row_backgrounds: Sequence[Color | None] | None = None,
) -> Table:
    """A table with a shaded header row repeated on every page.

    Parameters
    ----------
    header : sequence of str
        Column headings.
    rows : sequence of sequence
        Cells: plain strings or flowables (paragraphs).
    widths_pt : sequence of float
        Column widths, points.
    look : TableLook
        Typography.
    align : sequence of str, optional
        Per column ``"LEFT"``, ``"CENTER"`` or ``"RIGHT"``; default centred.
    row_backgrounds : sequence of Color or None, optional
        Per body row a colour to fill it with; rows without one get the
        alternating grey bands of 5 rows.
    """
    font = register_font()
    table = Table([list(header)] + [list(r) for r in rows], colWidths=list(widths_pt), repeatRows=1)
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), font, look.size_pt),
        ("FONT", (0, 0), (-1, 0), font, look.header_size_pt),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, 0), grey(look.header_grey)),
        ("LINEBELOW", (0, 0), (-1, 0), look.grid_width_pt, grey(look.grid_grey)),
        ("BOX", (0, 0), (-1, -1), look.box_width_pt, grey(0.0)),
        ("TOPPADDING", (0, 0), (-1, -1), look.padding_pt),
        ("BOTTOMPADDING", (0, 0), (-1, -1), look.padding_pt),
        ("LEFTPADDING", (0, 0), (-1, -1), look.padding_pt),
        ("RIGHTPADDING", (0, 0), (-1, -1), look.padding_pt),
    ]
    for column, how in enumerate(align or ()):
        commands.append(("ALIGN", (column, 1), (column, -1), how))
    commands.extend(_backgrounds(len(rows), row_backgrounds, look))
    table.setStyle(TableStyle(commands))
    return table


def _backgrounds(count: int, backgrounds: Sequence[Color | None] | None, look: TableLook) -> list[tuple]:
    commands = []
    for row in range(count):
        colour = backgrounds[row] if backgrounds is not None else None
        if colour is None and (row // 5) % 2 == 1:
            colour = grey(look.band_grey)
        if colour is not None:
            commands.append(("BACKGROUND", (0, row + 1), (-1, row + 1), colour))
    return commands


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
    return CjkParagraph(markup(text), paragraph_style(TextStyle(size, leading, align=align, grey=grey_level)))
