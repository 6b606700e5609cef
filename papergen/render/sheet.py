"""The bubble answer sheet (答题卡): one A4 page per candidate or per variant.

Every position comes from the :class:`~omr.layout.SheetLayout` the reader
uses: corner squares, QR box, text fields, candidate-number grid, question
blocks, legend and instructions box.  The renderer only decides typography
(sizes, tints) and how labels sit relative to the layout's elements, so a
scan of the printed page matches the layout the reader expects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from omr.layout import QuestionBlock, SheetLayout, TextField
from papergen.errors import RenderError
from papergen.render.document import PdfInfo, new_canvas
from papergen.render.draw import TextRun
from papergen.render.fonts import (
    CjkParagraph,
    TextStyle,
    hanging_paragraph,
    register_font,
    require_glyphs,
    text_width_pt,
)
from papergen.render.sheet_draw import (
    MARK_EXAMPLES,
    Bubble,
    BubbleInk,
    draw_box,
    draw_bubbles,
    draw_mark_example,
    draw_qr_code,
    draw_solid_square,
    draw_text_mm,
    draw_text_middle_mm,
)
from papergen.render.units import PT_PER_MM, PageSpace, mm_to_pt

__all__ = ["SheetPrint", "SheetStyle", "render_sheets"]


@dataclass(frozen=True)
class SheetPrint:
    """What one printed answer sheet says.

    Attributes
    ----------
    title : str
        Printed at the layout's ``title_y_mm``.
    exam_id, variant, checksum : str
        Printed as text beside the QR code.
    qr_payload : str
        Text of the QR code (see :mod:`papergen.sheet_code`).
    candidate_number, candidate_name, room, seat : str
        Prefilled candidate data; empty for a blank sheet.  A prefilled
        number is printed in the write-in boxes; its bubbles stay empty.
    instructions : tuple of str
        Lines of the instructions box; empty for the default wording.
    """

    title: str
    exam_id: str
    variant: str
    checksum: str
    qr_payload: str
    candidate_number: str = ""
    candidate_name: str = ""
    room: str = ""
    seat: str = ""
    instructions: tuple[str, ...] = ()


DEFAULT_INSTRUCTIONS = (
    "答题前，考生须将姓名、考场号、座位号填写清楚，并在准考证号栏内填写号码、填涂对应数字。",
    "选择题须用2B铅笔将所选选项涂满、涂黑，修改时用橡皮擦干净，不留痕迹。",
    "单选题、判断题每题只涂一个选项；多选题涂所有正确选项。",
    "保持答题卡清洁，不要折叠、污损，不要在定位方块和二维码上书写。",
)


@dataclass(frozen=True)
class SheetStyle:
    """Typography and tints of the answer sheet (positions come from the layout).

    Sizes in points, distances in mm, tints as grey levels (0 = black, 1 = white).
    """

    title_size_pt: float = 15.0
    caption_size_pt: float = 7.5
    caption_gap_mm: float = 3.2
    caption_leading_mm: float = 3.4
    label_size_pt: float = 8.0
    value_size_pt: float = 11.0
    label_pad_mm: float = 1.5
    box_line_pt: float = 0.6
    thin_line_pt: float = 0.35
    bubble_outline_grey: float = 0.0
    bubble_text_grey: float = 0.55
    bubble_text_size_pt: float = 5.5
    number_size_pt: float = 7.0
    number_gap_mm: float = 1.0
    heading_size_pt: float = 8.5
    heading_gap_mm: float = 2.2
    multi_band_grey: float = 0.92
    single_marker: str = "■ "
    multi_marker: str = "◆ "
    band_pad_mm: float = 1.2
    grid_pad_mm: float = 1.6
    grid_label_mm: float = 5.0
    write_in_gap_mm: float = 0.8
    write_in_size_pt: float = 11.0
    instructions_size_pt: float = 7.5
    instructions_leading_pt: float = 10.5
    instructions_min_size_pt: float = 5.5
    instructions_size_step_pt: float = 0.5
    box_pad_mm: float = 2.0
    legend_size_pt: float = 7.5
    legend_pitch_mm: float = 6.5
    legend_note: str = "请用2B铅笔把选项涂满、涂黑，不要打勾、打叉、只涂一半或点涂。"
    mark_stroke_mm: float = 0.35
    qr_level: str = "M"
    default_instructions: tuple[str, ...] = field(default=DEFAULT_INSTRUCTIONS)


DEFAULT_STYLE = SheetStyle()

DIGIT_VALUES = 10
"""Bubbles per candidate-number column: the values 0-9."""

LEGEND_ROWS = 4
"""Rows of the legend box: title, correct mark, incorrect marks, note."""


def render_sheets(
    layout: SheetLayout, sheets: Sequence[SheetPrint], path: str | Path, *, style: SheetStyle = DEFAULT_STYLE
) -> None:
    """Write answer sheets as one PDF, one page per :class:`SheetPrint`.

    Parameters
    ----------
    layout : SheetLayout
        Geometry of the sheet (mm, top-left origin), shared with the reader.
    sheets : sequence of SheetPrint
        One page each, in order (a roster gives one personalised page per candidate).
    path : str or Path
        Output PDF file; overwritten.
    style : SheetStyle, optional
        Typography and tints.

    Raises
    ------
    RenderError
        If there are no sheets, a text uses a character the bundled font
        lacks, or a candidate number does not fit the digit grid; every
        problem of every sheet is listed.
    """
    if not sheets:
        raise RenderError(f"{path}: no answer sheets to render (got 0); pass at least one SheetPrint")
    register_font()
    _check_sheets(layout, sheets, style, path)
    space = PageSpace(layout.page_width_mm, layout.page_height_mm)
    first = sheets[0]
    info = PdfInfo(title=f"{first.title} 答题卡", subject=f"exam {first.exam_id} answer sheets, layout {layout.id}")
    canvas = new_canvas(path, space.size_pt, info)
    forms: dict[tuple[str, tuple[str, ...]], str] = {}
    for sheet in sheets:
        canvas.doForm(_static_form(canvas, space, layout, sheet, style, forms))
        _draw_personal(canvas, space, layout, sheet, style)
        canvas.showPage()
    canvas.save()


# -- checks ------------------------------------------------------------------


def _sheet_name(index: int, sheet: SheetPrint) -> str:
    who = f"candidate {sheet.candidate_number}" if sheet.candidate_number else f"variant {sheet.variant}"
    return f"sheet {index + 1} ({who})"


def _sheet_texts(sheet: SheetPrint, style: SheetStyle, name: str) -> Iterator[tuple[str, str]]:
    yield f"{name} title", sheet.title
    for key in ("exam_id", "variant", "checksum", "candidate_number", "candidate_name", "room", "seat"):
        yield f"{name} {key}", getattr(sheet, key)
    for i, line in enumerate(sheet.instructions or style.default_instructions):
        yield f"{name} instructions[{i}]", line


def _check_sheets(layout: SheetLayout, sheets: Sequence[SheetPrint], style: SheetStyle, path) -> None:
    texts: list[tuple[str, str]] = []
    for block in layout.blocks:
        texts.append((f"layout {layout.id} block {block.label}", block.label + "".join(block.printed)))
    texts.extend((f"layout {layout.id} field {f.key}", f.label) for f in layout.fields)
    texts.append((f"layout {layout.id} candidate_id label", layout.candidate_id.label))
    problems = []
    for index, sheet in enumerate(sheets):
        name = _sheet_name(index, sheet)
        texts.extend(_sheet_texts(sheet, style, name))
        number = sheet.candidate_number
        if number and (not number.isdigit() or len(number) > layout.candidate_id.digits):
            problems.append(
                f"{name}: candidate number must be at most {layout.candidate_id.digits} digits (got {number!r})"
            )
    if problems:
        raise RenderError(f"{path}: {'; '.join(problems)}")
    require_glyphs(texts, document=str(path))


# -- one page ----------------------------------------------------------------


def _static_form(
    canvas: Canvas,
    space: PageSpace,
    layout: SheetLayout,
    sheet: SheetPrint,
    style: SheetStyle,
    forms: dict[tuple[str, tuple[str, ...]], str],
) -> str:
    """Name of the form holding everything a page shares with the others (drawn once per title and instructions).

    A roster of a thousand sheets stores the 1,000 bubbles, boxes and
    labels once; each page adds only its QR code and candidate data.
    """
    instructions = sheet.instructions or style.default_instructions
    key = (sheet.title, instructions)
    if key not in forms:
        forms[key] = f"SheetStatic{len(forms)}"
        canvas.beginForm(forms[key])
        for cx, cy in layout.fiducials.centres_mm:
            draw_solid_square(canvas, space, cx, cy, layout.fiducials.size_mm)
        _draw_title(canvas, space, layout, sheet, style)
        for text_field in layout.fields:
            _draw_field(canvas, space, text_field, style)
        _draw_candidate_grid(canvas, space, layout, style)
        _draw_instructions(canvas, space, layout, instructions, style)
        for block in layout.blocks:
            _draw_block(canvas, space, layout, block, style)
        _draw_legend(canvas, space, layout, style)
        canvas.endForm()
    return forms[key]


def _draw_personal(canvas: Canvas, space: PageSpace, layout: SheetLayout, sheet: SheetPrint, style: SheetStyle) -> None:
    """What differs between pages: the QR code and its caption, the prefilled candidate data."""
    _draw_qr(canvas, space, layout, sheet, style)
    values = {"name": sheet.candidate_name, "room": sheet.room, "seat": sheet.seat}
    for text_field in layout.fields:
        _draw_field_value(canvas, space, text_field, values.get(text_field.key, ""), style)
    _draw_write_in_digits(canvas, space, layout, sheet.candidate_number, style)


def _draw_title(canvas: Canvas, space: PageSpace, layout: SheetLayout, sheet: SheetPrint, style: SheetStyle) -> None:
    run = TextRun(style.title_size_pt, align="centre", bold=True)
    draw_text_mm(canvas, space, layout.page_width_mm / 2, layout.title_y_mm, f"{sheet.title} 答题卡", run)


def _draw_qr(canvas: Canvas, space: PageSpace, layout: SheetLayout, sheet: SheetPrint, style: SheetStyle) -> None:
    qr = layout.qr
    draw_qr_code(canvas, space, qr.x_mm, qr.y_mm, qr.size_mm, sheet.qr_payload, style.qr_level)
    lines = [f"考试编号 {sheet.exam_id}", f"试卷代号 {sheet.variant}", f"校验码 {sheet.checksum}"]
    run = TextRun(style.caption_size_pt, align="centre")
    centre = qr.x_mm + qr.size_mm / 2
    baseline = qr.y_mm + qr.size_mm + style.caption_gap_mm
    for line in lines:
        draw_text_mm(canvas, space, centre, baseline, line, run)
        baseline += style.caption_leading_mm


def _field_divider_mm(box: TextField, style: SheetStyle) -> float:
    """x of the line between a text field's label and its writing space, mm."""
    return box.x_mm + 2 * style.label_pad_mm + text_width_pt(box.label, style.label_size_pt) / PT_PER_MM


def _draw_field(canvas: Canvas, space: PageSpace, box: TextField, style: SheetStyle) -> None:
    draw_box(canvas, space, (box.x_mm, box.y_mm, box.width_mm, box.height_mm), line_width_pt=style.box_line_pt)
    middle = box.y_mm + box.height_mm / 2
    draw_text_middle_mm(canvas, space, box.x_mm + style.label_pad_mm, middle, box.label, TextRun(style.label_size_pt))
    divider_x = _field_divider_mm(box, style)
    canvas.saveState()
    canvas.setLineWidth(style.thin_line_pt)
    canvas.line(*space.point(divider_x, box.y_mm), *space.point(divider_x, box.y_mm + box.height_mm))
    canvas.restoreState()


def _draw_field_value(canvas: Canvas, space: PageSpace, box: TextField, value: str, style: SheetStyle) -> None:
    if value:
        x = _field_divider_mm(box, style) + style.label_pad_mm
        draw_text_middle_mm(canvas, space, x, box.y_mm + box.height_mm / 2, value, TextRun(style.value_size_pt))


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


def _draw_candidate_grid(canvas: Canvas, space: PageSpace, layout: SheetLayout, style: SheetStyle) -> None:
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


def _draw_write_in_digits(canvas: Canvas, space: PageSpace, layout: SheetLayout, number: str, style: SheetStyle) -> None:
    """A prefilled candidate number, one digit per write-in box; the bubbles stay empty."""
    grid = layout.candidate_id
    f = _grid_frame(layout, style)
    run = TextRun(style.write_in_size_pt, align="centre")
    middle = f.boxes_top_mm + grid.write_in_height_mm / 2
    for d, digit in enumerate(number):
        draw_text_middle_mm(canvas, space, f.left_mm + (d + 0.5) * grid.col_pitch_mm, middle, digit, run)


def _draw_instructions(
    canvas: Canvas, space: PageSpace, layout: SheetLayout, lines: Sequence[str], style: SheetStyle
) -> None:
    box = layout.instructions
    draw_box(canvas, space, (box.x_mm, box.y_mm, box.width_mm, box.height_mm), line_width_pt=style.box_line_pt)
    heading_middle = box.y_mm + style.box_pad_mm + style.heading_size_pt / PT_PER_MM / 2
    heading = TextRun(style.heading_size_pt, align="centre", bold=True)
    draw_text_middle_mm(canvas, space, box.x_mm + box.width_mm / 2, heading_middle, "注　意　事　项", heading)
    top_mm = heading_middle + style.heading_size_pt / PT_PER_MM / 2 + style.box_pad_mm / 2
    width_pt = mm_to_pt(box.width_mm - 2 * style.box_pad_mm)
    height_pt = mm_to_pt(box.y_mm + box.height_mm - style.box_pad_mm - top_mm)
    x_pt, y_pt = space.point(box.x_mm + style.box_pad_mm, top_mm)
    for paragraph, height in _fit_paragraphs(lines, width_pt, height_pt, style, layout):
        y_pt -= height
        paragraph.drawOn(canvas, x_pt, y_pt)


def _fit_paragraphs(
    lines: Sequence[str], width_pt: float, height_pt: float, style: SheetStyle, layout: SheetLayout
) -> list[tuple[CjkParagraph, float]]:
    """Numbered paragraphs at the largest size (in 0.5 pt steps) whose total height fits."""
    size = style.instructions_size_pt
    while size >= style.instructions_min_size_pt:
        leading = style.instructions_leading_pt * size / style.instructions_size_pt
        text_style = TextStyle(size, leading)
        paragraphs = [hanging_paragraph(f"{i}．", line, text_style) for i, line in enumerate(lines, start=1)]
        heights = [p.wrap(width_pt, height_pt)[1] for p in paragraphs]
        if sum(heights) <= height_pt:
            return list(zip(paragraphs, heights))
        size -= style.instructions_size_step_pt
    raise RenderError(
        f"layout {layout.id}: the instructions do not fit the instructions box "
        f"(got {len(lines)} lines for {layout.instructions.width_mm:g} x {layout.instructions.height_mm:g} mm "
        f"at {style.instructions_min_size_pt:g} pt); shorten them or enlarge the box"
    )


def _bubble_ink(style: SheetStyle) -> BubbleInk:
    return BubbleInk(style.bubble_outline_grey, style.bubble_text_grey, style.bubble_text_size_pt)


def _draw_block(canvas: Canvas, space: PageSpace, layout: SheetLayout, block: QuestionBlock, style: SheetStyle) -> None:
    bubble = layout.bubble
    number_right = -bubble.width_mm / 2 - style.number_gap_mm
    number_width = text_width_pt(str(block.last), style.number_size_pt) / PT_PER_MM
    if block.multiple:
        _draw_bands(canvas, space, block, bubble.width_mm, number_right - number_width, style)
    heading = block.label
    marker = style.multi_marker if block.multiple else style.single_marker
    heading_baseline = block.y_mm - block.row_pitch_mm / 2 - style.heading_gap_mm
    draw_text_mm(canvas, space, block.x_mm + number_right - number_width, heading_baseline, marker + heading,
                 TextRun(style.heading_size_pt, bold=True))
    number_run = TextRun(style.number_size_pt, align="right")
    bubbles = []
    for index in range(block.count):
        x, y = block.row_centre(index)
        draw_text_middle_mm(canvas, space, x + number_right, y, str(block.first + index), number_run)
        bubbles.extend(Bubble(x + k * block.option_pitch_mm, y, text) for k, text in enumerate(block.printed))
    draw_bubbles(canvas, space, bubbles, bubble, _bubble_ink(style))


def _draw_bands(canvas, space, block: QuestionBlock, bubble_width_mm: float, left_offset_mm: float, style) -> None:
    columns = -(-block.count // block.rows)
    rows = min(block.rows, block.count)
    _, last_y = block.row_centre(rows - 1)
    top = block.y_mm - block.row_pitch_mm / 2
    right_offset = (len(block.options) - 1) * block.option_pitch_mm + bubble_width_mm / 2
    for column in range(columns):
        x0 = block.x_mm + column * block.column_pitch_mm + left_offset_mm - style.band_pad_mm
        width = right_offset - left_offset_mm + 2 * style.band_pad_mm
        height = last_y + block.row_pitch_mm / 2 - top
        draw_box(canvas, space, (x0, top, width, height), line_width_pt=0, stroke_grey=None, fill_grey=style.multi_band_grey)


def _draw_legend(canvas: Canvas, space: PageSpace, layout: SheetLayout, style: SheetStyle) -> None:
    """Title, the correct mark, the incorrect marks in a row, and a note, spread over the legend box."""
    box = layout.legend
    draw_box(canvas, space, (box.x_mm, box.y_mm, box.width_mm, box.height_mm), line_width_pt=style.box_line_pt)
    row_mm = (box.height_mm - 2 * style.box_pad_mm) / LEGEND_ROWS
    middles = [box.y_mm + style.box_pad_mm + (i + 0.5) * row_mm for i in range(LEGEND_ROWS)]
    heading = TextRun(style.heading_size_pt, align="centre", bold=True)
    draw_text_middle_mm(canvas, space, box.x_mm + box.width_mm / 2, middles[0], "填涂示例", heading)
    label = TextRun(style.legend_size_pt)
    label_x = box.x_mm + style.box_pad_mm
    first_mark_x = label_x + text_width_pt("错误填涂", style.legend_size_pt) / PT_PER_MM + style.legend_pitch_mm
    rows = (("正确填涂", MARK_EXAMPLES[:1]), ("错误填涂", MARK_EXAMPLES[1:]))
    for middle, (text, kinds) in zip(middles[1:], rows):
        draw_text_middle_mm(canvas, space, label_x, middle, text, label)
        for k, kind in enumerate(kinds):
            x = first_mark_x + k * style.legend_pitch_mm
            draw_mark_example(canvas, space, x, middle, layout.bubble, kind, stroke_mm=style.mark_stroke_mm)
    note_top = middles[2] + row_mm / 2
    note = hanging_paragraph("", style.legend_note, TextStyle(style.legend_size_pt, style.instructions_leading_pt))
    width_pt = mm_to_pt(box.width_mm - 2 * style.box_pad_mm)
    height_pt = note.wrap(width_pt, mm_to_pt(box.height_mm))[1]
    x_pt, y_pt = space.point(label_x, note_top)
    note.drawOn(canvas, x_pt, y_pt - height_pt)
