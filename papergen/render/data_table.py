"""Ruled data tables: a shaded header row repeated on every page, grey bands, a box.

The answer key, the cohort report and the score slips print their tables in
this one look; :class:`TableLook` sets its sizes and greys.  Long lists of
short entries (answers, missed questions) are set in side-by-side groups of
columns (:func:`papergen.render.columns.column_major_rows`), the groups parted by a
rule (:func:`group_dividers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Table, TableStyle

from papergen.render.draw import grey
from papergen.render.fonts import register_font

__all__ = ["TableLook", "data_table", "group_dividers"]


@dataclass(frozen=True)
class TableLook:
    """Typography (pt) and greys (0 = black, 1 = white) of a ruled data table.

    Attributes
    ----------
    padding_pt : float
        Space between a cell's edges and its content, on all four sides, points.
    band_rows : int
        Body rows per grey band: bands shade every other run of this many
        rows, starting with the second.
    grid_width_pt, grid_grey : float
        The rule under the header row.
    box_width_pt : float
        The black box around the table, and the rules between column groups.
    """

    size_pt: float = 8.0
    header_size_pt: float = 8.0
    padding_pt: float = 2.0
    header_grey: float = 0.86
    band_grey: float = 0.955
    band_rows: int = 5
    grid_grey: float = 0.6
    grid_width_pt: float = 0.3
    box_width_pt: float = 0.6


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    widths_pt: Sequence[float],
    *,
    look: TableLook = TableLook(),
    align: Sequence[str] | None = None,
    row_backgrounds: Sequence[Color | None] | None = None,
    row_height_pt: float | None = None,
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
        grey bands.
    row_height_pt : float, optional
        Height of every row, points; default each row's content height.
    """
    font = register_font()
    table = Table(
        [list(header)] + [list(r) for r in rows],
        colWidths=list(widths_pt),
        rowHeights=row_height_pt,
        repeatRows=1,
    )
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
    """BACKGROUND commands for the body rows, one per run of rows of the same colour."""
    colours = [_row_colour(row, backgrounds, look) for row in range(count)]
    commands = []
    start = 0
    for row in range(1, count + 1):
        if row == count or colours[row] != colours[start]:
            if colours[start] is not None:
                commands.append(("BACKGROUND", (0, start + 1), (-1, row), colours[start]))
            start = row
    return commands


def _row_colour(row: int, backgrounds: Sequence[Color | None] | None, look: TableLook) -> Color | None:
    colour = backgrounds[row] if backgrounds is not None else None
    if colour is None and (row // look.band_rows) % 2 == 1:
        colour = grey(look.band_grey)
    return colour


def group_dividers(groups: int, columns_per_group: int, width_pt: float) -> list[tuple]:
    """Black rules between side-by-side column groups, as table style commands."""
    return [
        ("LINEBEFORE", (columns_per_group * g, 0), (columns_per_group * g, -1), width_pt, grey(0.0))
        for g in range(1, groups)
    ]
