"""Answer-sheet layouts computed from a paper format, as a designer would lay them out.

A format without a ``layout`` (or with ``"layout": "auto"``) gets its sheet
from :func:`design_layout`: the header (title, name, room, seat and
signature boxes, instructions, candidate-number grid, QR code), a band with
the fill example, the 缺考 mark and, on a generic sheet, the 试卷类型
bubbles; below it every section as a labelled block of columns of
5-question groups.  Sections sit side by side on a shelf when they fit;
the shelves and rows per column are chosen for the least height.  A4
portrait when the sections fit, else A3 portrait.

:func:`readability_problems` checks any layout against the rules the reader
relies on (bubble size and pitch, clearance from corner marks and the QR
code, blocks that do not overlap).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from omr.layout import (
    BubbleShape,
    DigitGrid,
    Fiducials,
    InstructionsBox,
    LegendStrip,
    MarkRow,
    QrBox,
    QuestionBlock,
    SheetLayout,
    TextField,
)
from papergen.errors import FormatError
from papergen.exam.format import PaperFormat, Section
from papergen.files import write_json
from papergen.i18n import N_, _

__all__ = [
    "AUTO_LAYOUT",
    "SheetDesign",
    "DEFAULT_DESIGN",
    "PAGE_SIZES_MM",
    "design_layout",
    "generated_layout_id",
    "is_generated_layout_id",
    "readability_problems",
    "save_layout",
]

AUTO_LAYOUT = "auto"
"""The ``layout`` of a format whose sheet is computed from its sections."""

_AUTO_PREFIX = "auto-"
_GENERIC_SUFFIX = "-generic"

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
"""Portrait page sizes tried in order, (width, height) mm."""

_NUMERALS = "一二三四五六七八九十"
_OPTION_KEYS = "ABCDEF"
_JUDGE_KEYS, _JUDGE_DISPLAY = ("T", "F"), ("对", "错")
_ABSENT_KEY = "X"


@dataclass(frozen=True)
class SheetDesign:
    """Dimensions of a generated sheet, mm.

    Bubbles are 5.0 x 3.0 mm ovals 1.5 mm apart in a row, 1.8 mm between
    rows: inside commercial practice (4-5 mm wide, 2.5-3 mm high), and the
    smallest geometry of ``bench/bench_bubble_size.py`` that reads 2B-pencil
    fills spilling 0.8-1.2 mm past the outline with the fewest pages sent
    to review (1 of 8, against 3-4 of 8 for the a4-180 sheet's 4.0 x 2.8 mm
    ovals 1.0 mm apart; no geometry misread silently).
    """

    margin_mm: float = 20.0
    """Left and right edge of the content; the corner marks lie outside it."""
    fiducial_size_mm: float = 7.0
    fiducial_inset_mm: float = 13.0
    """Distance of a corner mark's centre from both page edges."""
    quiet_zone_mm: float = 3.0
    """Least clearance between a bubble and a corner mark or the QR search window."""
    bottom_mm: float = 20.0
    """Distance of the last bubble row's lower edge above the page's bottom edge, at least."""
    bubble_width_mm: float = 5.0
    bubble_height_mm: float = 3.0
    option_pitch_mm: float = 6.5
    judge_pitch_mm: float = 7.5
    row_pitch_mm: float = 4.8
    group_size: int = 5
    group_gap_mm: float = 1.8
    column_gap_mm: float = 4.5
    digit_width_mm: float = 1.4
    """Width of one digit of a question number at the sheet's number size."""
    number_gap_mm: float = 1.0
    label_char_mm: float = 3.2
    """Width of one character of a section label (with its marker) at the heading size."""
    heading_mm: float = 7.5
    """Height from a block's label top to its first row's centre."""
    shelf_gap_mm: float = 3.0
    qr_size_mm: float = 30.0
    digits: int = 10
    digit_pitch_mm: tuple[float, float] = (6.0, 4.2)
    """Column and row pitch of the candidate-number grid."""
    field_width_mm: float = 64.0
    """Width of the name and signature boxes and the instructions box at the left of the header."""
    min_bubble_mm: tuple[float, float] = (3.5, 2.5)
    """Smallest bubble (width, height) the reader's sampling grid is tuned for."""
    min_clear_gap_mm: float = 0.8
    """Least white space between neighbouring bubbles, sideways and between rows."""


DEFAULT_DESIGN = SheetDesign()


def generated_layout_id(fmt: PaperFormat, variants: Sequence[str] | None = None) -> str:
    """Id of the layout generated for a format: ``auto-<format id>``, ``-generic`` for a generic sheet."""
    return _AUTO_PREFIX + fmt.id + (_GENERIC_SUFFIX if variants else "")


def is_generated_layout_id(layout_id: str) -> bool:
    """True if a layout id names a layout generated from a format."""
    return layout_id.startswith(_AUTO_PREFIX)


@dataclass(frozen=True)
class _Column:
    """One section's column geometry."""

    section: Section
    options: tuple[str, ...]
    display: tuple[str, ...] | None
    pitch_mm: float
    offset_mm: float
    """From the column's left edge to its first bubble's centre."""
    width_mm: float
    """Column width including the gap to the next column."""
    label: str


@dataclass(frozen=True)
class _Placed:
    column: _Column
    first: int
    rows: int
    x_mm: float
    """Left edge of the section's first column."""


@dataclass(frozen=True)
class _Shelf:
    sections: tuple[_Placed, ...]
    rows: int

    def height_mm(self, d: SheetDesign) -> float:
        return d.heading_mm + _rows_height(self.rows, d) + d.shelf_gap_mm


def design_layout(
    fmt: PaperFormat, *, variants: Sequence[str] | None = None, design: SheetDesign = DEFAULT_DESIGN
) -> SheetLayout:
    """The answer-sheet layout of a format, computed from its sections.

    Parameters
    ----------
    fmt : PaperFormat
        Sections in print order (any counts, 2-6 options, true/false, several of a type).
    variants : sequence of str, optional
        Variant names for a generic sheet's 试卷类型 bubbles; None for a per-variant sheet.
    design : SheetDesign, optional
        Dimensions.

    Returns
    -------
    SheetLayout
        On A4 portrait when the sections fit, else A3; id from :func:`generated_layout_id`.

    Raises
    ------
    FormatError
        If the sections do not fit even an A3 sheet, or the result breaks a readability rule.
    """
    columns = [_column(section, index, fmt, design) for index, section in enumerate(fmt.sections)]
    for paper, (width, height) in PAGE_SIZES_MM.items():
        header = _header(width, variants, design)
        area = (header.answer_top_mm, height - design.bottom_mm)
        shelves = _best_shelves(columns, width - 2 * design.margin_mm, area[1] - area[0], design)
        if shelves is not None:
            layout = _assemble(fmt, paper, (width, height), header, shelves, variants, design)
            problems = readability_problems(layout, design)
            if problems:
                raise FormatError(_("format {format}: the generated sheet breaks readability rules: {problems}").format(
                    format=fmt.id, problems=_("; ").join(problems)))
            return layout
    raise FormatError(
        _(
            "format {format}: {count} questions do not fit an A3 answer sheet (sections {sections}); split "
            "the paper or write a layout file").format(
                format=fmt.id, count=fmt.question_count,
                sections=", ".join(f"{s.key} {s.count}×{s.options}" for s in fmt.sections))
    )


# -- sections ------------------------------------------------------------------


def _column(section: Section, index: int, fmt: PaperFormat, d: SheetDesign) -> _Column:
    if section.type == "judge":
        options, display, pitch = _JUDGE_KEYS, _JUDGE_DISPLAY, d.judge_pitch_mm
    else:
        options, display, pitch = tuple(_OPTION_KEYS[: section.options]), None, d.option_pitch_mm
    numeral = _NUMERALS[index] if index < len(_NUMERALS) else str(index + 1)
    label = f"{numeral}、{section.title}"
    offset = len(str(fmt.question_count)) * d.digit_width_mm + d.number_gap_mm + d.bubble_width_mm / 2
    width = offset + (len(options) - 1) * pitch + d.bubble_width_mm / 2 + d.column_gap_mm
    return _Column(section, options, display, pitch, offset, width, label)


def _rows_height(rows: int, d: SheetDesign) -> float:
    """Height of ``rows`` question rows in 5-question groups, centre of the first to lower edge of the last."""
    return (rows - 1) * d.row_pitch_mm + (rows - 1) // d.group_size * d.group_gap_mm + d.row_pitch_mm / 2


def _section_width(column: _Column, rows: int, d: SheetDesign) -> float:
    """Width of a section laid out in columns of ``rows`` questions (its label fits above it)."""
    columns = math.ceil(column.section.count / rows)
    label = (len(column.label) + 1) * d.label_char_mm + d.column_gap_mm
    return max(columns * column.width_mm, label)


def _shelf_rows(group: Sequence[_Column], width_mm: float, d: SheetDesign) -> int | None:
    """Fewest rows per column (a multiple of the group size) that put these sections side by side."""
    most = max(c.section.count for c in group)
    for rows in range(d.group_size, most + d.group_size, d.group_size):
        used = [min(rows, _round_up(c.section.count, d.group_size)) for c in group]
        total = sum(_section_width(c, r, d) for c, r in zip(group, used, strict=True)) - d.column_gap_mm
        if total <= width_mm:
            return rows
    return None


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def _best_shelves(columns: Sequence[_Column], width_mm: float, height_mm: float,
                  d: SheetDesign) -> list[_Shelf] | None:
    """The split of the sections (in order) into shelves of least total height that fits, or None."""
    best: tuple[float, list[_Shelf]] | None = None
    for cuts in itertools.product((False, True), repeat=len(columns) - 1):
        groups, start = [], 0
        for i, cut in enumerate(cuts, start=1):
            if cut:
                groups.append(columns[start:i])
                start = i
        groups.append(columns[start:])
        shelves = _shelves(groups, width_mm, d)
        if shelves is None:
            continue
        height = sum(s.height_mm(d) for s in shelves)
        if height <= height_mm and (best is None or height < best[0] - 1e-9):
            best = (height, shelves)
    return best[1] if best else None


def _shelves(groups: Sequence[Sequence[_Column]], width_mm: float, d: SheetDesign) -> list[_Shelf] | None:
    shelves, first = [], 1
    for group in groups:
        rows = _shelf_rows(group, width_mm, d)
        if rows is None:
            return None
        placed, x = [], 0.0
        for column in group:
            section_rows = min(rows, _round_up(column.section.count, d.group_size))
            placed.append(_Placed(column, first, section_rows, x))
            x += _section_width(column, section_rows, d)
            first += column.section.count
        shelves.append(_Shelf(tuple(placed), max(p.rows for p in placed)))
    return shelves


# -- the header ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    fields: tuple[TextField, ...]
    instructions: InstructionsBox
    grid: DigitGrid
    qr: QrBox
    legend: LegendStrip
    marks: tuple[MarkRow, ...]
    answer_top_mm: float


def _header(width_mm: float, variants: Sequence[str] | None, d: SheetDesign) -> _Header:
    """Boxes, grid, QR code and the marks band above the answers; positions from the page width."""
    left, right = d.margin_mm, width_mm - d.margin_mm
    wide = d.field_width_mm
    half = (wide - 4) / 2
    fields = (
        TextField(key="name", label="姓名", x_mm=left, y_mm=24, width_mm=wide, height_mm=8),
        TextField(key="room", label="考场号", x_mm=left, y_mm=34, width_mm=half, height_mm=8),
        TextField(key="seat", label="座位号", x_mm=left + half + 4, y_mm=34, width_mm=half, height_mm=8),
        TextField(key="signature", label="考生签名", x_mm=left, y_mm=44, width_mm=wide, height_mm=8),
    )
    instructions = InstructionsBox(x_mm=left, y_mm=55, width_mm=wide, height_mm=33)
    qr = QrBox(x_mm=right - d.qr_size_mm, y_mm=24, size_mm=d.qr_size_mm)
    col_pitch, row_pitch = d.digit_pitch_mm
    grid_width = d.digits * col_pitch
    space_right = qr.x_mm - qr.search_margin_mm - d.quiet_zone_mm
    grid_left = left + wide + (space_right - (left + wide) - grid_width) / 2
    grid = DigitGrid(label="准考证号", digits=d.digits, x_mm=round(grid_left + col_pitch / 2, 2), y_mm=40,
                     col_pitch_mm=col_pitch, row_pitch_mm=row_pitch)
    band_top, band_height = 92.0, 12.0
    pitch = d.option_pitch_mm + 1
    absent = MarkRow(key="absent", label="缺考", options=(_ABSENT_KEY,), display=("缺",),
                     note="考生禁填，由监考员填涂", x_mm=right - 21.5, y_mm=76.0, pitch_mm=pitch)
    legend = LegendStrip(x_mm=left, y_mm=band_top, width_mm=98.0, height_mm=band_height)
    marks = [absent]
    if variants:
        marks.insert(0, MarkRow(key="variant", label="试卷类型", options=tuple(variants), note="考生填涂",
                                x_mm=left + 98 + 4 + 17.5, y_mm=band_top + band_height * 0.33, pitch_mm=pitch))
    return _Header(fields, instructions, grid, qr, legend, tuple(marks), band_top + band_height + 4)


# -- assembling -------------------------------------------------------------------------


def _assemble(fmt: PaperFormat, paper: str, size: tuple[float, float], header: _Header,
              shelves: Sequence[_Shelf], variants: Sequence[str] | None, d: SheetDesign) -> SheetLayout:
    width, height = size
    inset = d.fiducial_inset_mm
    blocks, top = [], header.answer_top_mm
    for shelf in shelves:
        first_row = top + d.heading_mm
        for placed in shelf.sections:
            c = placed.column
            blocks.append(QuestionBlock(
                label=c.label, first=placed.first, count=c.section.count, options=c.options, display=c.display,
                multiple=c.section.type == "multi", x_mm=round(d.margin_mm + placed.x_mm + c.offset_mm, 2),
                y_mm=round(first_row, 2), rows=placed.rows, column_pitch_mm=round(c.width_mm, 2),
                row_pitch_mm=d.row_pitch_mm, option_pitch_mm=c.pitch_mm, group_size=d.group_size,
                group_gap_mm=d.group_gap_mm,
            ))
        top += shelf.height_mm(d)
    sections = ", ".join(f"{s.count} {s.type} ({'T/F' if s.type == 'judge' else _OPTION_KEYS[:s.options]})"
                         for s in fmt.sections)
    kind = f"generic sheet for variants {', '.join(variants)}" if variants else "per-variant sheet"
    return SheetLayout(
        id=generated_layout_id(fmt, variants),
        title=f"{paper} answer sheet generated from format {fmt.id}: {sections}; {kind}",
        page_width_mm=width, page_height_mm=height, title_y_mm=17,
        fiducials=Fiducials(size_mm=d.fiducial_size_mm, centres_mm=(
            (inset, inset), (width - inset, inset), (width - inset, height - inset), (inset, height - inset))),
        qr=header.qr, candidate_id=header.grid, fields=header.fields,
        bubble=BubbleShape(width_mm=d.bubble_width_mm, height_mm=d.bubble_height_mm),
        blocks=tuple(blocks), legend=header.legend, instructions=header.instructions, marks=header.marks,
    )


def save_layout(layout: SheetLayout, path: str | Path) -> Path:
    """Write a layout as a JSON file :func:`omr.layout.load_layout` reads back to the same SHA-256.

    Raises
    ------
    FormatError
        If the file cannot be written.
    """
    return write_json(path, layout.model_dump(mode="json", exclude_none=True), FormatError, N_("sheet layout"))


# -- readability ------------------------------------------------------------------------


def readability_problems(layout: SheetLayout, design: SheetDesign = DEFAULT_DESIGN) -> list[str]:
    """Every way a layout breaks the rules the reader relies on; empty if none.

    Checks the bubble size against ``design.min_bubble_mm``, the white space
    between neighbouring bubbles of a row and between rows, the clearance of
    every bubble from the corner marks and the QR search window, and that no
    two blocks' bubble areas overlap.
    """
    d, bubble = design, layout.bubble
    problems = []
    if bubble.width_mm < d.min_bubble_mm[0] or bubble.height_mm < d.min_bubble_mm[1]:
        problems.append(_("bubble {width:g} x {height:g} mm is smaller than {min_width:g} x {min_height:g} mm").format(
            width=bubble.width_mm, height=bubble.height_mm, min_width=d.min_bubble_mm[0], min_height=d.min_bubble_mm[1]))
    for block in layout.blocks:
        if block.option_pitch_mm - bubble.width_mm < d.min_clear_gap_mm:
            problems.append(_(
                "block {label}: option pitch {option_pitch_mm:g} mm leaves less than {min_clear_gap_mm:g} mm "
                "between bubbles").format(
                    label=block.label, option_pitch_mm=block.option_pitch_mm, min_clear_gap_mm=d.min_clear_gap_mm))
        if block.count > 1 and block.row_pitch_mm - bubble.height_mm < d.min_clear_gap_mm:
            problems.append(_(
                "block {label}: row pitch {row_pitch_mm:g} mm leaves less than {min_clear_gap_mm:g} mm between "
                "rows").format(
                    label=block.label, row_pitch_mm=block.row_pitch_mm, min_clear_gap_mm=d.min_clear_gap_mm))
    grid = layout.candidate_id
    if grid.col_pitch_mm - bubble.width_mm < d.min_clear_gap_mm or grid.row_pitch_mm - bubble.height_mm < d.min_clear_gap_mm:
        problems.append(_(
            "准考证号 grid pitch {col_pitch_mm:g} x {row_pitch_mm:g} mm leaves less than {min_clear_gap_mm:g} mm "
            "between its bubbles").format(
                col_pitch_mm=grid.col_pitch_mm, row_pitch_mm=grid.row_pitch_mm, min_clear_gap_mm=d.min_clear_gap_mm))
    problems.extend(_keep_out_problems(layout, d))
    problems.extend(_overlap_problems(layout))
    return problems


def _keep_out_problems(layout: SheetLayout, d: SheetDesign) -> list[str]:
    half_w, half_h = layout.bubble.width_mm / 2, layout.bubble.height_mm / 2
    f, qr = layout.fiducials, layout.qr
    zones = [(_("corner mark at ({x:g}, {y:g}) mm").format(x=x, y=y), x - f.size_mm / 2, y - f.size_mm / 2,
              x + f.size_mm / 2, y + f.size_mm / 2) for x, y in f.centres_mm]
    m = qr.search_margin_mm
    zones.append((_("QR search window"), qr.x_mm - m, qr.y_mm - m, qr.x_mm + qr.size_mm + m, qr.y_mm + qr.size_mm + m))
    points = [(_("question {number} {option}").format(number=s.question, option=s.option), s.x_mm, s.y_mm)
              for s in layout.bubbles()]
    points += [(_("{row} bubble {index}").format(row=row.label, index=k + 1), x, y)
               for row in layout.marks for k, (x, y) in enumerate(row.centres())]
    points += [(_("准考证号 digit {digit} value {value}").format(digit=c + 1, value=v), x, y)
               for c, v, x, y in layout.digit_bubbles()]
    problems = []
    for name, x0, y0, x1, y1 in zones:
        clear = d.quiet_zone_mm
        near = [p for p in points if x0 - clear < p[1] + half_w and p[1] - half_w < x1 + clear
                and y0 - clear < p[2] + half_h and p[2] - half_h < y1 + clear]
        if near:
            problems.append(_("{near} lies within {clear:g} mm of the {name} ({count} bubbles)").format(
                    near=near[0][0], clear=clear, name=name, count=len(near)))
    return problems


def _overlap_problems(layout: SheetLayout) -> list[str]:
    half_w, half_h = layout.bubble.width_mm / 2, layout.bubble.height_mm / 2
    boxes = []
    for block in layout.blocks:
        spots = [s for s in layout.bubbles() if block.first <= s.question <= block.last]
        boxes.append((block.label, min(s.x_mm for s in spots) - half_w, min(s.y_mm for s in spots) - half_h,
                      max(s.x_mm for s in spots) + half_w, max(s.y_mm for s in spots) + half_h))
    problems = []
    for a, b in itertools.combinations(boxes, 2):
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
            problems.append(_("blocks {a} and {b} overlap").format(a=a[0], b=b[0]))
    return problems
