"""The bubble answer sheet (答题卡): one A4 page per candidate or per variant.

Every position comes from the :class:`~omr.layout.SheetLayout` the reader
uses: corner squares, QR box, text fields, candidate-number grid, question
blocks, legend and instructions box.  The renderer only decides typography
(sizes, tints) and how labels sit relative to the layout's elements, so a
scan of the printed page matches the layout the reader expects.

Everything pages share is drawn once into a PDF form and placed on every
page; each page adds its QR code and candidate data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from omr.layout import SheetLayout
from papergen.errors import RenderError
from papergen.files import write_atomically
from papergen.render import sheet_parts as parts
from papergen.render.document import PdfInfo, new_canvas
from papergen.render.fonts import glyph_problems, register_font
from papergen.render.sheet_style import DEFAULT_STYLE, SheetStyle, SheetWording
from papergen.render.units import PageSpace
from papergen.i18n import _

__all__ = ["SheetPrint", "SheetStyle", "SheetWording", "render_sheets", "sheet_fit_warnings"]

_STRIP_ASPECT = 2.5
"""A legend box wider than this many times its height is drawn as one strip (generated layouts)."""


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
        Text of the QR code (see :mod:`papergen.exam.sheet_code`).
    candidate_number, candidate_name, room, seat : str
        Prefilled candidate data; empty for a blank sheet.  A prefilled
        number is printed in the write-in boxes; its bubbles stay empty.
    instructions : tuple of str
        Lines of the instructions box; empty for the default wording.
    legend_note : str
        Note under the fill example; empty for the default wording.
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
    legend_note: str = ""


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
        raise RenderError(_("{path}: no answer sheets to render (got 0); pass at least one SheetPrint").format(
                path=path))
    register_font()
    _check_sheets(layout, sheets, style, path)
    space = PageSpace(layout.page_width_mm, layout.page_height_mm)
    first = sheets[0]
    title = first.title + style.wording.title_suffix
    info = PdfInfo(title=title, subject=f"exam {first.exam_id} answer sheets, layout {layout.id}")

    def write(tmp: Path) -> None:
        canvas = new_canvas(tmp, space.size_pt, info)
        forms: dict[tuple[str, tuple[str, ...], str], str] = {}
        for sheet in sheets:
            canvas.doForm(_static_form(canvas, space, layout, sheet, style, forms))
            _draw_personal(canvas, space, layout, sheet, style)
            canvas.showPage()
        canvas.save()

    write_atomically(path, write, RenderError, "PDF")


# -- checks ------------------------------------------------------------------


def sheet_fit_warnings(
    layout: SheetLayout, sheets: Sequence[SheetPrint], *, style: SheetStyle = DEFAULT_STYLE
) -> list[str]:
    """One warning per prefilled name, room or seat that had to be shrunk or cut to fit its box.

    The renderer fits such text the same way (see
    :func:`papergen.render.sheet_parts.fit_field_value`); this says where it
    did, so that a centre can correct a roster before printing.
    """
    warnings = []
    for index, sheet in enumerate(sheets):
        values = _field_values(sheet)
        for box in layout.fields:
            value = values.get(box.key, "")
            note = parts.fit_field_value(box, value, style).describe(value) if value else ""
            if note:
                warnings.append(_("{sheet} {field} {value!r}: {note}").format(
                    sheet=_sheet_name(index, sheet), field=box.key, value=value[:20], note=note))
    return warnings


def _field_values(sheet: SheetPrint) -> dict[str, str]:
    """The prefilled text of each layout field key."""
    return {"name": sheet.candidate_name, "room": sheet.room, "seat": sheet.seat}

def _sheet_name(index: int, sheet: SheetPrint) -> str:
    if sheet.candidate_number:
        who = _("candidate {number}").format(number=sheet.candidate_number)
    else:
        who = _("variant {variant}").format(variant=sheet.variant)
    return _("sheet {index} ({who})").format(index=index + 1, who=who)


def _instructions(sheet: SheetPrint, style: SheetStyle) -> tuple[str, ...]:
    return sheet.instructions or style.wording.default_instructions


def _legend_note(sheet: SheetPrint, style: SheetStyle) -> str:
    return sheet.legend_note or style.wording.legend_note


def _sheet_texts(sheet: SheetPrint, style: SheetStyle, name: str) -> Iterator[tuple[str, str]]:
    yield f"{name} title", sheet.title
    for key in ("exam_id", "variant", "checksum", "candidate_number", "candidate_name", "room", "seat"):
        yield f"{name} {key}", getattr(sheet, key)
    for i, line in enumerate(_instructions(sheet, style)):
        yield f"{name} instructions[{i}]", line
    yield f"{name} legend_note", _legend_note(sheet, style)


def _layout_texts(layout: SheetLayout) -> Iterator[tuple[str, str]]:
    for block in layout.blocks:
        yield _("layout {layout} block {label}").format(layout=layout.id, label=block.label), block.label + "".join(block.printed)
    for text_field in layout.fields:
        yield _("layout {layout} field {key}").format(layout=layout.id, key=text_field.key), text_field.label
    yield _("layout {layout} candidate_id label").format(layout=layout.id), layout.candidate_id.label


def _check_sheets(
    layout: SheetLayout, sheets: Sequence[SheetPrint], style: SheetStyle, path: str | Path
) -> None:
    """Collect every problem of every sheet (candidate numbers, missing glyphs) into one RenderError."""
    texts = list(_layout_texts(layout)) + style.wording.texts()
    problems = []
    for index, sheet in enumerate(sheets):
        name = _sheet_name(index, sheet)
        texts.extend(_sheet_texts(sheet, style, name))
        number = sheet.candidate_number
        if number and (not number.isdigit() or len(number) > layout.candidate_id.digits):
            problems.append(
                _("{name}: candidate number must be at most {digits} digits (got {number!r})").format(
                        name=name, digits=layout.candidate_id.digits, number=number)
            )
    problems.extend(p.describe() for p in glyph_problems(texts))
    if problems:
        raise RenderError(_("{path}: {count} problem(s): {problems}").format(
            path=path, count=len(problems), problems=_("; ").join(problems)))


# -- pages ---------------------------------------------------------------------


def _static_form(
    canvas: Canvas,
    space: PageSpace,
    layout: SheetLayout,
    sheet: SheetPrint,
    style: SheetStyle,
    forms: dict[tuple[str, tuple[str, ...], str], str],
) -> str:
    """Name of the form holding what pages share, drawn once per (title, instructions, legend note).

    A roster of a thousand sheets stores the bubbles, boxes and labels once;
    each page adds only its QR code and candidate data.
    """
    key = (sheet.title, _instructions(sheet, style), _legend_note(sheet, style))
    if key not in forms:
        forms[key] = f"SheetStatic{len(forms)}"
        canvas.beginForm(forms[key])
        parts.draw_fiducials(canvas, space, layout)
        parts.draw_title(canvas, space, layout, sheet.title, style)
        for text_field in layout.fields:
            parts.draw_field(canvas, space, text_field, style)
        parts.draw_candidate_grid(canvas, space, layout, style)
        parts.draw_instructions(canvas, space, layout, key[1], style)
        for block in layout.blocks:
            parts.draw_block(canvas, space, layout, block, style)
        for row in layout.marks:
            parts.draw_mark_row(canvas, space, layout, row, style)
        if layout.legend.width_mm > _STRIP_ASPECT * layout.legend.height_mm:
            parts.draw_legend_strip(canvas, space, layout, style, note=key[2])
        else:
            parts.draw_legend(canvas, space, layout, style, note=key[2])
        canvas.endForm()
    return forms[key]


def _draw_personal(
    canvas: Canvas, space: PageSpace, layout: SheetLayout, sheet: SheetPrint, style: SheetStyle
) -> None:
    """What differs between pages: the QR code and its caption, the prefilled candidate data."""
    words = style.wording
    caption = (
        words.caption_exam.format(exam_id=sheet.exam_id),
        words.caption_variant.format(variant=sheet.variant),
        words.caption_checksum.format(checksum=sheet.checksum),
    )
    if not sheet.variant:  # a generic sheet: the candidate marks the variant in 试卷类型
        caption = caption[:1] + caption[2:]
    parts.draw_qr_with_caption(canvas, space, layout, sheet.qr_payload, caption, style)
    values = _field_values(sheet)
    for text_field in layout.fields:
        parts.draw_field_value(canvas, space, text_field, values.get(text_field.key, ""), style)
    parts.draw_write_in_digits(canvas, space, layout, sheet.candidate_number, style)
