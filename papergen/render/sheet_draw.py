"""Drawing primitives of the answer sheet: squares, QR code, bubbles, boxes, mark examples.

Every function takes millimetre geometry with the origin at the page's
top-left (the layout's convention) and a :class:`PageSpace` that turns it
into PDF points; none of them decides where anything goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.pdfgen.canvas import Canvas

from omr.layout import BubbleShape
from papergen.render.draw import TextRun, draw_text
from papergen.render.fonts import baseline_below_middle_mm, baseline_in_line_pt, register_font, text_width_pt
from papergen.render.units import PageSpace, mm_to_pt

__all__ = [
    "Bubble",
    "BubbleInk",
    "draw_solid_square",
    "draw_qr_code",
    "draw_bubbles",
    "draw_box",
    "draw_text_mm",
    "draw_text_middle_mm",
    "draw_mark_example",
    "MARK_EXAMPLES",
    "MARK_STROKES",
]

MARK_EXAMPLES = ("filled", "tick", "cross", "partial", "dot")
"""Mark examples of the legend: the correct one first."""

QR_QUIET_MODULES = 4
"""Quiet zone around the QR code, in modules (the standard's minimum)."""

BEZIER_KAPPA = 4 * (2**0.5 - 1) / 3
"""Control-point distance, as a share of the radius, of four cubic Béziers approximating an ellipse."""


@dataclass(frozen=True, slots=True)
class Bubble:
    """One bubble to print: centre (mm, top-left origin) and the text inside it."""

    x_mm: float
    y_mm: float
    text: str


@dataclass(frozen=True, slots=True)
class BubbleInk:
    """How bubbles are inked.

    Attributes
    ----------
    outline_grey : float
        Grey level of the ellipse outline (0 = black).
    text_grey : float
        Grey level of the option text inside (light, so marks dominate).
    text_size_pt : float
        Size of the option text, points.
    """

    outline_grey: float
    text_grey: float
    text_size_pt: float


def draw_solid_square(canvas: Canvas, space: PageSpace, cx_mm: float, cy_mm: float, size_mm: float) -> None:
    """A solid black square of side ``size_mm`` centred on (cx_mm, cy_mm)."""
    r = space.centred_rect(cx_mm, cy_mm, size_mm, size_mm)
    canvas.saveState()
    canvas.setFillGray(0)
    canvas.rect(r.x_pt, r.y_pt, r.width_pt, r.height_pt, stroke=0, fill=1)
    canvas.restoreState()


def draw_qr_code(
    canvas: Canvas, space: PageSpace, x_mm: float, y_mm: float, size_mm: float, payload: str, level: str
) -> None:
    """A QR code filling the square box at (x_mm, y_mm), quiet zone included.

    The dark modules are drawn as one path, so adjacent modules never show
    hairline seams when rasterised.
    """
    widget = QrCodeWidget(payload, barLevel=level, barBorder=QR_QUIET_MODULES)
    widget.qr.make()
    modules = widget.qr.modules
    count = len(modules)
    module_mm = size_mm / (count + 2 * QR_QUIET_MODULES)
    path = canvas.beginPath()
    for row, cells in enumerate(modules):
        for col, dark in enumerate(cells):
            if dark:
                r = space.rect(
                    x_mm + (col + QR_QUIET_MODULES) * module_mm,
                    y_mm + (row + QR_QUIET_MODULES) * module_mm,
                    module_mm,
                    module_mm,
                )
                path.rect(r.x_pt, r.y_pt, r.width_pt, r.height_pt)
    canvas.saveState()
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def draw_bubbles(
    canvas: Canvas, space: PageSpace, bubbles: Sequence[Bubble], shape: BubbleShape, ink: BubbleInk
) -> None:
    """Ellipses of the layout's bubble size, white inside, with light text centred in each."""
    path = canvas.beginPath()
    rx, ry = mm_to_pt(shape.width_mm) / 2, mm_to_pt(shape.height_mm) / 2
    for b in bubbles:
        _add_ellipse(path, *space.point(b.x_mm, b.y_mm), rx, ry)
    canvas.saveState()
    canvas.setFillGray(1)
    canvas.setStrokeGray(ink.outline_grey)
    canvas.setLineWidth(mm_to_pt(shape.line_width_mm))
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFillGray(ink.text_grey)
    text = canvas.beginText()
    text.setFont(register_font(), ink.text_size_pt)
    height_pt = mm_to_pt(shape.height_mm)
    for b in bubbles:
        if b.text:
            r = space.centred_rect(b.x_mm, b.y_mm, shape.width_mm, shape.height_mm)
            x = r.x_pt + (r.width_pt - text_width_pt(b.text, ink.text_size_pt)) / 2
            text.setTextOrigin(x, r.y_pt + baseline_in_line_pt(ink.text_size_pt, height_pt))
            text.textOut(b.text)
    canvas.drawText(text)
    canvas.restoreState()


def _add_ellipse(path, cx_pt: float, cy_pt: float, rx_pt: float, ry_pt: float) -> None:
    """Append a closed ellipse centred on (cx_pt, cy_pt) to a path (four Bézier quarters)."""
    kx, ky = BEZIER_KAPPA * rx_pt, BEZIER_KAPPA * ry_pt
    path.moveTo(cx_pt + rx_pt, cy_pt)
    path.curveTo(cx_pt + rx_pt, cy_pt + ky, cx_pt + kx, cy_pt + ry_pt, cx_pt, cy_pt + ry_pt)
    path.curveTo(cx_pt - kx, cy_pt + ry_pt, cx_pt - rx_pt, cy_pt + ky, cx_pt - rx_pt, cy_pt)
    path.curveTo(cx_pt - rx_pt, cy_pt - ky, cx_pt - kx, cy_pt - ry_pt, cx_pt, cy_pt - ry_pt)
    path.curveTo(cx_pt + kx, cy_pt - ry_pt, cx_pt + rx_pt, cy_pt - ky, cx_pt + rx_pt, cy_pt)
    path.close()


def draw_box(
    canvas: Canvas,
    space: PageSpace,
    rect_mm: tuple[float, float, float, float],
    *,
    line_width_pt: float,
    stroke_grey: float | None = 0.0,
    fill_grey: float | None = None,
) -> None:
    """A rectangle given as (x_mm, y_mm, width_mm, height_mm), outlined and/or filled."""
    r = space.rect(*rect_mm)
    canvas.saveState()
    canvas.setLineWidth(line_width_pt)
    if stroke_grey is not None:
        canvas.setStrokeGray(stroke_grey)
    if fill_grey is not None:
        canvas.setFillGray(fill_grey)
    canvas.rect(
        r.x_pt,
        r.y_pt,
        r.width_pt,
        r.height_pt,
        stroke=int(stroke_grey is not None),
        fill=int(fill_grey is not None),
    )
    canvas.restoreState()


def draw_text_mm(
    canvas: Canvas, space: PageSpace, x_mm: float, baseline_mm: float, text: str, run: TextRun
) -> float:
    """One line of text with its baseline at ``baseline_mm`` from the top; returns its width, mm."""
    x_pt, y_pt = space.point(x_mm, baseline_mm)
    return draw_text(canvas, x_pt, y_pt, text, run) / mm_to_pt(1.0)


def draw_text_middle_mm(
    canvas: Canvas, space: PageSpace, x_mm: float, middle_mm: float, text: str, run: TextRun
) -> float:
    """One line of text whose visual middle sits at ``middle_mm`` from the top; returns its width, mm."""
    return draw_text_mm(canvas, space, x_mm, middle_mm + baseline_below_middle_mm(run.size_pt), text, run)


MARK_STROKES: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {
    "tick": (((0.15, 0.5), (0.4, 0.1), (0.95, 1.05)),),
    "cross": (((0.1, 0.0), (0.9, 1.0)), ((0.1, 1.0), (0.9, 0.0))),
}
"""Pen strokes of the stroked mark examples: polylines in units of the bubble's box, origin bottom-left."""

DOT_RADIUS_SHARE = 0.18
"""Radius of the 'dot' mark example as a share of the bubble height."""


def draw_mark_example(
    canvas: Canvas,
    space: PageSpace,
    cx_mm: float,
    cy_mm: float,
    shape: BubbleShape,
    kind: str,
    *,
    stroke_mm: float,
) -> None:
    """A bubble outline with one way of marking it (see :data:`MARK_EXAMPLES`).

    ``filled`` is the correct mark (solid ellipse); ``tick``, ``cross``,
    ``partial`` (left half filled) and ``dot`` are the incorrect ones.
    """
    r = space.centred_rect(cx_mm, cy_mm, shape.width_mm, shape.height_mm)
    canvas.saveState()
    canvas.setLineWidth(mm_to_pt(shape.line_width_mm))
    canvas.setStrokeGray(0)
    canvas.setFillGray(0)
    canvas.ellipse(
        r.x_pt, r.y_pt, r.x_pt + r.width_pt, r.y_pt + r.height_pt, stroke=1, fill=int(kind == "filled")
    )
    canvas.setLineWidth(mm_to_pt(stroke_mm))
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    for polyline in MARK_STROKES.get(kind, ()):
        path = canvas.beginPath()
        points = [(r.x_pt + u * r.width_pt, r.y_pt + v * r.height_pt) for u, v in polyline]
        path.moveTo(*points[0])
        for point in points[1:]:
            path.lineTo(*point)
        canvas.drawPath(path, stroke=1, fill=0)
    if kind == "partial":
        half = canvas.beginPath()
        half.moveTo(r.x_pt + r.width_pt / 2, r.y_pt + r.height_pt)
        half.arcTo(r.x_pt, r.y_pt, r.x_pt + r.width_pt, r.y_pt + r.height_pt, startAng=90, extent=180)
        half.close()
        canvas.drawPath(half, stroke=0, fill=1)
    if kind == "dot":
        canvas.circle(
            r.x_pt + r.width_pt / 2,
            r.y_pt + r.height_pt / 2,
            DOT_RADIUS_SHARE * r.height_pt,
            stroke=0,
            fill=1,
        )
    canvas.restoreState()
