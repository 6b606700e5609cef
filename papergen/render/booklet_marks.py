"""What a printed exam paper carries besides its questions: the A卷 mark, the 密封线 strip, the end mark.

The large variant mark sits at the top right of page 1, so that a proctor
handing out papers sees at a glance which variant is which.  The optional
密封线 (seal line) strip runs down the left edge of every page with the
candidate's name, candidate number and room written beside it; a centre
folds and staples along it before marking by hand.  The end mark 试卷结束
closes the last page so that a candidate knows nothing follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from papergen.render.document import PageDecorator, PageFrame
from papergen.render.draw import TextRun, draw_text
from papergen.render.flowables import BoldLine
from papergen.render.units import mm_to_pt

__all__ = ["PaperMarks", "DEFAULT_MARKS", "with_paper_marks", "end_mark", "SEAL_FIELDS"]

SEAL_FIELDS = ("姓名", "准考证号", "考场号")
"""Fields written beside the seal line, bottom to top."""


@dataclass(frozen=True)
class PaperMarks:
    """Sizes of the paper's marks: mm from the page edges, points for type."""

    variant_size_pt: float = 22.0
    variant_box_mm: tuple[float, float] = (24.0, 12.0)
    """Width and height of the A卷 box."""
    variant_top_mm: float = 19.0
    """Distance of the A卷 box's top below the page's top edge."""
    box_line_pt: float = 1.2
    seal_width_mm: float = 14.0
    """Extra left margin a 密封线 strip takes."""
    seal_line_x_mm: float = 22.0
    """Distance of the dashed seal line from the page's left edge."""
    seal_field_x_mm: float = 14.0
    """Distance of the fields' baseline from the page's left edge."""
    seal_size_pt: float = 9.0
    seal_dash_pt: tuple[float, float] = (4.0, 3.0)
    end_size_pt: float = 11.0
    end_leading_pt: float = 30.0


DEFAULT_MARKS = PaperMarks()

_SEAL_TEXT = "密　封　线　内　不　要　答　题"
_END_TEXT = "——　试　卷　结　束　——"
_FIELD_LINE = "＿＿＿＿＿＿＿＿＿＿"


def with_paper_marks(base: PageDecorator, page: PageFrame, variant: str, *, seal_line: bool,
                     marks: PaperMarks = DEFAULT_MARKS) -> PageDecorator:
    """``base`` plus the A卷 box on page 1 and, with ``seal_line``, the 密封线 strip on every page."""

    def decorate(canvas: Canvas, page_number: int, page_count: int) -> None:
        base(canvas, page_number, page_count)
        if page_number == 1:
            _variant_box(canvas, page, variant, marks)
        if seal_line:
            _seal_strip(canvas, page, marks)

    return decorate


def _variant_box(canvas: Canvas, page: PageFrame, variant: str, marks: PaperMarks) -> None:
    width, height = marks.variant_box_mm
    right = mm_to_pt(page.page_width_mm - page.margin_right_mm)
    top = mm_to_pt(page.page_height_mm - marks.variant_top_mm)
    canvas.saveState()
    canvas.setLineWidth(marks.box_line_pt)
    canvas.rect(right - mm_to_pt(width), top - mm_to_pt(height), mm_to_pt(width), mm_to_pt(height))
    canvas.restoreState()
    baseline = top - mm_to_pt(height) / 2 - marks.variant_size_pt * 0.36
    draw_text(canvas, right - mm_to_pt(width) / 2, baseline, f"{variant}卷",
              TextRun(marks.variant_size_pt, align="centre", bold=True))


def _seal_strip(canvas: Canvas, page: PageFrame, marks: PaperMarks) -> None:
    """The dashed seal line with its warning, and the candidate fields beside it, turned to read upwards."""
    height = mm_to_pt(page.page_height_mm)
    line_x = mm_to_pt(marks.seal_line_x_mm)
    canvas.saveState()
    canvas.setDash(*marks.seal_dash_pt)
    canvas.setLineWidth(0.6)
    canvas.line(line_x, mm_to_pt(page.margin_bottom_mm), line_x, height - mm_to_pt(page.margin_top_mm))
    canvas.restoreState()
    _upright_text(canvas, line_x - mm_to_pt(1.0), height / 2, _SEAL_TEXT, TextRun(marks.seal_size_pt, align="centre"))
    field_x = mm_to_pt(marks.seal_field_x_mm)
    span = height - mm_to_pt(page.margin_top_mm + page.margin_bottom_mm)
    for k, label in enumerate(SEAL_FIELDS):
        y = mm_to_pt(page.margin_bottom_mm) + span * (k + 0.5) / len(SEAL_FIELDS)
        _upright_text(canvas, field_x, y, f"{label}{_FIELD_LINE}", TextRun(marks.seal_size_pt, align="centre"))


def _upright_text(canvas: Canvas, x_pt: float, y_pt: float, text: str, run: TextRun) -> None:
    """Text turned 90° counter-clockwise, reading bottom to top, its baseline on x = ``x_pt``."""
    canvas.saveState()
    canvas.translate(x_pt, y_pt)
    canvas.rotate(90)
    draw_text(canvas, 0, 0, text, run)
    canvas.restoreState()


def end_mark(marks: PaperMarks = DEFAULT_MARKS) -> Flowable:
    """The centred 试卷结束 line closing the last page."""
    return BoldLine(_END_TEXT, TextRun(marks.end_size_pt, align="centre", bold=True), marks.end_leading_pt)
