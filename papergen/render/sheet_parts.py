"""The elements of an answer sheet, each drawn where the layout puts it.

One function per element (title, QR code and caption, text fields,
candidate-number grid, instructions, question blocks, legend).  Positions
come from the :class:`~omr.layout.SheetLayout`; :class:`SheetStyle` only sets
sizes, tints and the offsets of labels from the layout's elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from omr.layout import MarkRow, QuestionBlock, SheetLayout, TextField
from papergen.errors import RenderError
from papergen.render.draw import TextRun
from papergen.render.fonts import CjkParagraph, TextStyle, hanging_paragraph, text_width_pt
from papergen.render.sheet_draw import (
    MARK_EXAMPLES,
    Bubble,
    BubbleInk,
    draw_box,
    draw_bubbles,
    draw_mark_example,
    draw_qr_code,
    draw_solid_square,
    draw_text_middle_mm,
    draw_text_mm,
)
from papergen.render.sheet_style import DIGIT_VALUES, LEGEND_ROWS, SheetStyle
from papergen.render.units import PT_PER_MM, PageSpace, mm_to_pt
from papergen.i18n import _

__all__ = [
    "draw_fiducials",
    "draw_title",
    "draw_qr_with_caption",
    "draw_field",
    "draw_field_value",
    "FittedText",
    "fit_field_value",
    "draw_candidate_grid",
    "draw_write_in_digits",
    "draw_instructions",
    "draw_block",
    "draw_legend",
    "draw_legend_strip",
    "draw_mark_row",
]


def draw_fiducials(canvas: Canvas, space: PageSpace, layout: SheetLayout) -> None:
    """The solid corner squares the reader registers the scan with."""
    for cx, cy in layout.fiducials.centres_mm:
        draw_solid_square(canvas, space, cx, cy, layout.fiducials.size_mm)


def draw_title(canvas: Canvas, space: PageSpace, layout: SheetLayout, title: str, style: SheetStyle) -> None:
    """The sheet title, centred on the page, baseline at the layout's ``title_y_mm``."""
    run = TextRun(style.title_size_pt, align="centre", bold=True)
    draw_text_mm(
        canvas, space, layout.page_width_mm / 2, layout.title_y_mm, title + style.wording.title_suffix, run
    )


def draw_qr_with_caption(
    canvas: Canvas,
    space: PageSpace,
    layout: SheetLayout,
    payload: str,
    caption: Sequence[str],
    style: SheetStyle,
) -> None:
    """The QR code filling the layout's box, and caption lines centred below it."""
    qr = layout.qr
    draw_qr_code(canvas, space, qr.x_mm, qr.y_mm, qr.size_mm, payload, style.qr_level)
    run = TextRun(style.caption_size_pt, align="centre")
    baseline = qr.y_mm + qr.size_mm + style.caption_gap_mm
    for line in caption:
        draw_text_mm(canvas, space, qr.x_mm + qr.size_mm / 2, baseline, line, run)
        baseline += style.caption_leading_mm


def _field_divider_mm(box: TextField, style: SheetStyle) -> float:
    """x of the line between a text field's label and its writing space, mm."""
    return box.x_mm + 2 * style.label_pad_mm + text_width_pt(box.label, style.label_size_pt) / PT_PER_MM


def draw_field(canvas: Canvas, space: PageSpace, box: TextField, style: SheetStyle) -> None:
    """A text field's box with its label at the left, separated by a thin line."""
    draw_box(
        canvas, space, (box.x_mm, box.y_mm, box.width_mm, box.height_mm), line_width_pt=style.box_line_pt
    )
    middle = box.y_mm + box.height_mm / 2
    draw_text_middle_mm(
        canvas, space, box.x_mm + style.label_pad_mm, middle, box.label, TextRun(style.label_size_pt)
    )
    divider_x = _field_divider_mm(box, style)
    canvas.saveState()
    canvas.setLineWidth(style.thin_line_pt)
    canvas.line(*space.point(divider_x, box.y_mm), *space.point(divider_x, box.y_mm + box.height_mm))
    canvas.restoreState()


@dataclass(frozen=True, slots=True)
class FittedText:
    """A prefilled value as it fits its field: the text printed, its size, and whether it was changed."""

    text: str
    size_pt: float
    shrunk: bool
    cut: bool

    def describe(self, original: str) -> str:
        """What fitting did, for a warning (empty when the value fits as it is)."""
        if self.cut:
            return (_(
                "{count} characters do not fit the box: printed at {size:g} pt and cut to {kept} "
                "characters").format(count=len(original), size=self.size_pt, kept=len(self.text) - 1))
        return _("shrunk to {size:.1f} pt to fit the box").format(size=self.size_pt) if self.shrunk else ""


_ELLIPSIS = "…"


def fit_field_value(box: TextField, value: str, style: SheetStyle) -> FittedText:
    """Fit a prefilled value into the writing space of its field.

    The value is printed at ``style.value_size_pt`` when it fits, else shrunk
    down to ``style.value_min_size_pt``, else cut and ended with "…" at that
    size: text never leaves its box, so it can never enter the QR code, a
    corner mark or a bubble.
    """
    room_mm = box.x_mm + box.width_mm - style.label_pad_mm - (_field_divider_mm(box, style) + style.label_pad_mm)
    size = style.value_size_pt
    width_mm = text_width_pt(value, size) / PT_PER_MM
    if width_mm <= room_mm:
        return FittedText(value, size, False, False)
    size = max(style.value_min_size_pt, size * room_mm / width_mm)
    if text_width_pt(value, size) / PT_PER_MM <= room_mm:
        return FittedText(value, size, True, False)
    low, high = 0, len(value)  # the longest prefix that fits with the ellipsis: low fits, high does not
    while high - low > 1:
        middle = (low + high) // 2
        fits = text_width_pt(value[:middle] + _ELLIPSIS, size) / PT_PER_MM <= room_mm
        low, high = (middle, high) if fits else (low, middle)
    return FittedText(value[:low] + _ELLIPSIS, size, size < style.value_size_pt, True)


def draw_field_value(canvas: Canvas, space: PageSpace, box: TextField, value: str, style: SheetStyle) -> None:
    """Prefilled text in a field's writing space, fitted to it (nothing for an empty value)."""
    if value:
        fitted = fit_field_value(box, value, style)
        x = _field_divider_mm(box, style) + style.label_pad_mm
        draw_text_middle_mm(canvas, space, x, box.y_mm + box.height_mm / 2, fitted.text, TextRun(fitted.size_pt))


@dataclass(frozen=True, slots=True)
class _GridFrame:
    """Where the candidate-number grid's write-in boxes and frame go, mm (derived from the layout)."""

    left_mm: float
    width_mm: float
    boxes_top_mm: float
    frame_top_mm: float
    frame_bottom_mm: float


def _grid_frame(layout: SheetLayout, style: SheetStyle) -> _GridFrame:
    grid, bubble = layout.candidate_id, layout.bubble
    boxes_top = grid.y_mm - bubble.height_mm / 2 - style.write_in_gap_mm - grid.write_in_height_mm
    last_row = grid.y_mm + (DIGIT_VALUES - 1) * grid.row_pitch_mm
    return _GridFrame(
        left_mm=grid.x_mm - grid.col_pitch_mm / 2,
        width_mm=grid.digits * grid.col_pitch_mm,
        boxes_top_mm=boxes_top,
        frame_top_mm=boxes_top - style.grid_label_mm,
        frame_bottom_mm=last_row + bubble.height_mm / 2 + style.grid_pad_mm,
    )


def draw_candidate_grid(canvas: Canvas, space: PageSpace, layout: SheetLayout, style: SheetStyle) -> None:
    """The candidate-number frame: label, one write-in box per digit, bubbles 0-9 below each."""
    grid = layout.candidate_id
    f = _grid_frame(layout, style)
    pad = style.grid_pad_mm
    frame = (f.left_mm - pad, f.frame_top_mm, f.width_mm + 2 * pad, f.frame_bottom_mm - f.frame_top_mm)
    draw_box(canvas, space, frame, line_width_pt=style.box_line_pt)
    label_run = TextRun(style.label_size_pt, align="centre", bold=True)
    label_middle = f.frame_top_mm + style.grid_label_mm / 2
    draw_text_middle_mm(canvas, space, f.left_mm + f.width_mm / 2, label_middle, grid.label, label_run)
    for d in range(grid.digits):
        box = (f.left_mm + d * grid.col_pitch_mm, f.boxes_top_mm, grid.col_pitch_mm, grid.write_in_height_mm)
        draw_box(canvas, space, box, line_width_pt=style.thin_line_pt)
    bubbles = [Bubble(x, y, str(value)) for _, value, x, y in layout.digit_bubbles()]
    draw_bubbles(canvas, space, bubbles, layout.bubble, _bubble_ink(style))


def draw_write_in_digits(
    canvas: Canvas, space: PageSpace, layout: SheetLayout, number: str, style: SheetStyle
) -> None:
    """A prefilled candidate number, one digit per write-in box; the bubbles stay empty."""
    grid = layout.candidate_id
    f = _grid_frame(layout, style)
    run = TextRun(style.write_in_size_pt, align="centre")
    middle = f.boxes_top_mm + grid.write_in_height_mm / 2
    for d, digit in enumerate(number):
        draw_text_middle_mm(canvas, space, f.left_mm + (d + 0.5) * grid.col_pitch_mm, middle, digit, run)


def draw_instructions(
    canvas: Canvas, space: PageSpace, layout: SheetLayout, lines: Sequence[str], style: SheetStyle
) -> None:
    """The instructions box: a heading and the numbered lines, shrunk (to a limit) to fit.

    Raises
    ------
    RenderError
        If the lines do not fit even at ``style.instructions_min_size_pt``.
    """
    box = layout.instructions
    draw_box(
        canvas, space, (box.x_mm, box.y_mm, box.width_mm, box.height_mm), line_width_pt=style.box_line_pt
    )
    heading_mm = style.heading_size_pt / PT_PER_MM
    heading_middle = box.y_mm + style.box_pad_mm + heading_mm / 2
    heading = TextRun(style.heading_size_pt, align="centre", bold=True)
    draw_text_middle_mm(
        canvas,
        space,
        box.x_mm + box.width_mm / 2,
        heading_middle,
        style.wording.instructions_heading,
        heading,
    )
    top_mm = heading_middle + heading_mm / 2 + style.box_pad_mm / 2
    width_pt = mm_to_pt(box.width_mm - 2 * style.box_pad_mm)
    height_pt = mm_to_pt(box.y_mm + box.height_mm - style.box_pad_mm - top_mm)
    x_pt, y_pt = space.point(box.x_mm + style.box_pad_mm, top_mm)
    for paragraph, height in _fit_paragraphs(lines, width_pt, height_pt, style, layout):
        y_pt -= height
        paragraph.drawOn(canvas, x_pt, y_pt)


def _fit_paragraphs(
    lines: Sequence[str], width_pt: float, height_pt: float, style: SheetStyle, layout: SheetLayout
) -> list[tuple[CjkParagraph, float]]:
    """Numbered paragraphs at the largest size (in steps) whose total height fits.

    Lines wrap one em short of the width, so punctuation hanging at a line
    end stays inside the box.
    """
    size = style.instructions_size_pt
    while size >= style.instructions_min_size_pt:
        leading = style.instructions_leading_pt * size / style.instructions_size_pt
        text_style = TextStyle(size, leading)
        paragraphs = [hanging_paragraph(f"{i}．", line, text_style) for i, line in enumerate(lines, start=1)]
        heights = [p.wrap(width_pt - size, height_pt)[1] for p in paragraphs]
        if sum(heights) <= height_pt:
            return list(zip(paragraphs, heights, strict=True))
        size -= style.instructions_size_step_pt
    raise RenderError(
        _(
            "layout {layout}: the instructions do not fit the instructions box (got {count} lines for "
            "{width:g} x {height:g} mm at {size:g} pt); shorten them or enlarge the box").format(
                layout=layout.id, count=len(lines), width=layout.instructions.width_mm,
                height=layout.instructions.height_mm, size=style.instructions_min_size_pt)
    )


def _bubble_ink(style: SheetStyle) -> BubbleInk:
    return BubbleInk(style.bubble_outline_grey, style.bubble_text_grey, style.bubble_text_size_pt)


def draw_block(
    canvas: Canvas, space: PageSpace, layout: SheetLayout, block: QuestionBlock, style: SheetStyle
) -> None:
    """A question block: heading, question numbers right-aligned left of the bubbles, the bubbles.

    Multiple-answer blocks get a different heading marker and a light band
    behind each column.
    """
    bubble = layout.bubble
    number_right = -bubble.width_mm / 2 - style.number_gap_mm
    number_left = number_right - text_width_pt(str(block.last), style.number_size_pt) / PT_PER_MM
    if block.multiple:
        _draw_bands(canvas, space, block, bubble.width_mm, number_left, style)
    marker = style.wording.multi_marker if block.multiple else style.wording.single_marker
    heading_baseline = block.y_mm - block.row_pitch_mm / 2 - style.heading_gap_mm
    heading = TextRun(style.heading_size_pt, bold=True)
    draw_text_mm(canvas, space, block.x_mm + number_left, heading_baseline, marker + block.label, heading)
    number_run = TextRun(style.number_size_pt, align="right")
    bubbles = []
    for index in range(block.count):
        x, y = block.row_centre(index)
        draw_text_middle_mm(canvas, space, x + number_right, y, str(block.first + index), number_run)
        bubbles.extend(Bubble(x + k * block.option_pitch_mm, y, text) for k, text in enumerate(block.printed))
    draw_bubbles(canvas, space, bubbles, bubble, _bubble_ink(style))


def _draw_bands(
    canvas: Canvas,
    space: PageSpace,
    block: QuestionBlock,
    bubble_width_mm: float,
    left_mm: float,
    style: SheetStyle,
) -> None:
    """A light band behind each column of a block, from the numbers to the last bubble (offsets in mm)."""
    columns = -(-block.count // block.rows)
    _, last_y = block.row_centre(min(block.rows, block.count) - 1)
    top = block.y_mm - block.row_pitch_mm / 2
    height = last_y + block.row_pitch_mm / 2 - top
    right = (len(block.options) - 1) * block.option_pitch_mm + bubble_width_mm / 2
    width = right - left_mm + 2 * style.band_pad_mm
    for column in range(columns):
        x0 = block.x_mm + column * block.column_pitch_mm + left_mm - style.band_pad_mm
        band = (x0, top, width, height)
        draw_box(canvas, space, band, line_width_pt=0, stroke_grey=None, fill_grey=style.multi_band_grey)


def draw_legend(canvas: Canvas, space: PageSpace, layout: SheetLayout, style: SheetStyle, *, note: str = "") -> None:
    """Title, the correct mark, the incorrect marks in a row, and a note, spread over the legend box.

    ``note`` replaces the style's default note (the format's wording).
    """
    box, words = layout.legend, style.wording
    draw_box(
        canvas, space, (box.x_mm, box.y_mm, box.width_mm, box.height_mm), line_width_pt=style.box_line_pt
    )
    row_mm = (box.height_mm - 2 * style.box_pad_mm) / LEGEND_ROWS
    middles = [box.y_mm + style.box_pad_mm + (i + 0.5) * row_mm for i in range(LEGEND_ROWS)]
    heading = TextRun(style.heading_size_pt, align="centre", bold=True)
    draw_text_middle_mm(canvas, space, box.x_mm + box.width_mm / 2, middles[0], words.legend_heading, heading)
    label_x = box.x_mm + style.box_pad_mm
    label_width = max(
        text_width_pt(t, style.legend_size_pt) for t in (words.legend_correct, words.legend_incorrect)
    )
    first_mark_x = label_x + label_width / PT_PER_MM + style.legend_pitch_mm
    rows = ((words.legend_correct, MARK_EXAMPLES[:1]), (words.legend_incorrect, MARK_EXAMPLES[1:]))
    for middle, (text, kinds) in zip(middles[1:3], rows, strict=True):
        draw_text_middle_mm(canvas, space, label_x, middle, text, TextRun(style.legend_size_pt))
        for k, kind in enumerate(kinds):
            x = first_mark_x + k * style.legend_pitch_mm
            draw_mark_example(canvas, space, x, middle, layout.bubble, kind, stroke_mm=style.mark_stroke_mm)
    note_style = TextStyle(style.legend_size_pt, style.instructions_leading_pt)
    note = hanging_paragraph("", note or words.legend_note, note_style)
    width_pt = mm_to_pt(box.width_mm - 2 * style.box_pad_mm) - style.legend_size_pt
    height_pt = note.wrap(width_pt, mm_to_pt(box.height_mm))[1]
    x_pt, y_pt = space.point(label_x, middles[2] + row_mm / 2)
    note.drawOn(canvas, x_pt, y_pt - height_pt)


def draw_legend_strip(
    canvas: Canvas, space: PageSpace, layout: SheetLayout, style: SheetStyle, *, note: str = ""
) -> None:
    """The legend in a wide, low box: heading, correct mark, incorrect marks on one line, the note below."""
    box, words = layout.legend, style.wording
    draw_box(
        canvas, space, (box.x_mm, box.y_mm, box.width_mm, box.height_mm), line_width_pt=style.box_line_pt
    )
    top = box.y_mm + box.height_mm * 0.33
    x = box.x_mm + style.box_pad_mm
    draw_text_middle_mm(canvas, space, x, top, words.legend_heading, TextRun(style.heading_size_pt, bold=True))
    x += text_width_pt(words.legend_heading, style.heading_size_pt) / PT_PER_MM + style.box_pad_mm
    for text, kinds in ((words.legend_correct, MARK_EXAMPLES[:1]), (words.legend_incorrect, MARK_EXAMPLES[1:])):
        draw_text_middle_mm(canvas, space, x, top, text, TextRun(style.legend_size_pt))
        x += text_width_pt(text, style.legend_size_pt) / PT_PER_MM + style.legend_pitch_mm / 2
        for kind in kinds:
            draw_mark_example(canvas, space, x, top, layout.bubble, kind, stroke_mm=style.mark_stroke_mm)
            x += style.legend_pitch_mm
    draw_text_middle_mm(canvas, space, box.x_mm + style.box_pad_mm, box.y_mm + box.height_mm * 0.74,
                        note or words.legend_note, TextRun(style.legend_size_pt))


def draw_mark_row(canvas: Canvas, space: PageSpace, layout: SheetLayout, row: MarkRow, style: SheetStyle) -> None:
    """A 试卷类型 or 缺考 row: a box holding the label, the bubbles and the note under them."""
    bubble = layout.bubble
    label_mm = text_width_pt(row.label, style.heading_size_pt) / PT_PER_MM
    left = row.x_mm - bubble.width_mm / 2 - style.box_pad_mm - label_mm - style.label_pad_mm
    right = row.centres()[-1][0] + bubble.width_mm / 2 + style.box_pad_mm
    note_mm = text_width_pt(row.note, style.caption_size_pt) / PT_PER_MM if row.note else 0.0
    width = max(right - left, note_mm + 2 * style.box_pad_mm)
    height = layout.legend.height_mm
    top = row.y_mm - (height / 2 if not row.note else height * 0.33)
    draw_box(canvas, space, (left, top, width, height), line_width_pt=style.box_line_pt)
    draw_text_middle_mm(canvas, space, left + style.label_pad_mm, row.y_mm, row.label,
                        TextRun(style.heading_size_pt, bold=True))
    bubbles = [Bubble(x, y, text) for (x, y), text in zip(row.centres(), row.printed, strict=True)]
    draw_bubbles(canvas, space, bubbles, bubble, _bubble_ink(style))
    if row.note:
        draw_text_middle_mm(canvas, space, left + width / 2, top + height * 0.74, row.note,
                            TextRun(style.caption_size_pt, align="centre"))
