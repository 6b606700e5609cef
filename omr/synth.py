"""Synthetic answer-sheet scans with exact truth, for tests, benchmarks and demonstrations.

A sheet is drawn with OpenCV straight from :class:`omr.layout.SheetLayout`
(fiducials, QR code, digit grid, bubble outlines with their letters in light
grey, the grey band behind multiple-choice blocks, a legend, text lines), or
taken from a rendered sheet; candidate marks of given kinds are drawn on it
(:func:`draw_marks`) and it is degraded like a scanner or a phone would
(:func:`capture`).  Every random choice comes from an explicit seed.

Mark kinds and what a careful reader must make of them (:data:`KIND_TRUTH`):

========== ============================================ ==========================
kind       drawn as                                      expected state
========== ============================================ ==========================
pen        solid dark ellipse, slightly irregular        marked
pencil     grainy graphite fill                          marked
faint      lightly pressed pencil (half the darkness)    marked on a sheet filled so, else ambiguous
light      very faint uniform fill                       ambiguous
partial    dark fill of one half                         ambiguous
erasure    faint grainy smear (rubbed-out pencil)        not marked; "erasure" flag
tick       a dark check-mark stroke                      ambiguous
cross      two dark crossing strokes                     ambiguous
dot        a small pencil dot                            ambiguous (stray ink)
========== ============================================ ==========================

The module also writes scanner-style files: JPEG/PNG/WEBP bytes, multi-page
G4 TIFF (Pillow) and PDFs whose pages each hold one full-page image
(embedded JPEG, CCITT G4 or 1-bit Flate), written by hand so every byte is
known.  It never reads marks: the reader is :mod:`omr.read`.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import cv2
import numpy as np
from PIL import Image

from omr.layout import MM_PER_INCH, QuestionBlock, SheetLayout

__all__ = [
    "MARK_KINDS",
    "MARKED_KINDS",
    "SHEET_RELATIVE_KINDS",
    "UNCERTAIN_KINDS",
    "KIND_TRUTH",
    "KindTruth",
    "SheetMarks",
    "candidate_marks",
    "random_answers",
    "draw_sheet",
    "draw_marks",
    "draw_mark",
    "Scan",
    "capture",
    "binarise",
    "binarise_adaptive",
    "bend",
    "crease",
    "blank_page",
    "text_page",
    "encode_image",
    "encode_scan_image",
    "decode_image",
    "write_tiff",
    "PdfPage",
    "write_pdf",
    "g4_strip",
]

MARKED_KINDS = ("pen", "pencil")
SHEET_RELATIVE_KINDS = ("faint",)
UNCERTAIN_KINDS = ("light", "partial", "tick", "cross")
MARK_KINDS = MARKED_KINDS + SHEET_RELATIVE_KINDS + UNCERTAIN_KINDS + ("erasure", "dot")

OUTLINE_GREY = 0
TEXT_GREY = 140
BAND_GREY = 235
QR_QUIET_MODULES = 4
FONT = cv2.FONT_HERSHEY_SIMPLEX
HERSHEY_CAP_PX = 22.0  # cap height of FONT at scale 1, px
NUMBER_GAP_MM = 1.0  # question number right edge to bubble A, mm (the sheet renderer's gap)


@dataclass(frozen=True)
class KindTruth:
    """What a mark kind means.

    Attributes
    ----------
    intended : bool
        The candidate meant the bubble as an answer.
    review : bool
        A careful reader must flag the question for review rather than decide it.
    """

    intended: bool
    review: bool


KIND_TRUTH: Mapping[str, KindTruth] = MappingProxyType({
    "pen": KindTruth(True, False),
    "pencil": KindTruth(True, False),
    "faint": KindTruth(True, False),  # a reader may still flag it among darker marks
    "light": KindTruth(True, True),
    "partial": KindTruth(True, True),
    "tick": KindTruth(True, True),
    "cross": KindTruth(True, True),
    "erasure": KindTruth(False, True),
    "dot": KindTruth(False, True),
})
"""Per mark kind of :data:`MARK_KINDS`: whether it is an answer and whether it needs review."""


@dataclass(frozen=True)
class SheetMarks:
    """What a candidate marked: kind of mark per answer bubble, per digit bubble and per mark-row bubble.

    ``answers[question][option] = kind``; ``digits[column][value] = kind``;
    ``rows[row key][option] = kind`` (试卷类型 'variant', 缺考 'absent').
    """

    answers: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    digits: Mapping[int, Mapping[int, str]] = field(default_factory=dict)
    rows: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


# -- truth helpers -------------------------------------------------------------


def candidate_marks(number: str, kind: str = "pen") -> dict[int, dict[int, str]]:
    """Digit marks spelling ``number`` (a space leaves a column empty)."""
    return {col: {int(ch): kind} for col, ch in enumerate(number) if ch != " "}


def random_answers(layout: SheetLayout, seed: int, *, kind: str = "pen",
                   blank_rate: float = 0.05) -> dict[int, dict[str, str]]:
    """One clear mark per single question, 1-4 per multiple question, some questions left blank."""
    rng = np.random.default_rng(seed)
    answers: dict[int, dict[str, str]] = {}
    for spec in layout.questions():
        if rng.random() < blank_rate:
            continue
        count = int(rng.integers(1, 5)) if spec.multiple else 1
        chosen = rng.choice(len(spec.options), size=min(count, len(spec.options)), replace=False)
        answers[spec.number] = {spec.options[int(i)]: kind for i in chosen}
    return answers


# -- drawing the sheet ---------------------------------------------------------


class _Canvas:
    """A grey page at a resolution, drawing in millimetres."""

    def __init__(self, layout: SheetLayout, dpi: float) -> None:
        self.scale = dpi / MM_PER_INCH
        width = int(round(layout.page_width_mm * self.scale))
        height = int(round(layout.page_height_mm * self.scale))
        self.image = np.full((height, width), 255, np.uint8)

    def px(self, mm: float) -> float:
        return mm * self.scale

    def pt(self, x_mm: float, y_mm: float, shift: int = 4) -> tuple[int, int]:
        f = self.scale * (1 << shift)
        return int(round(x_mm * f)), int(round(y_mm * f))

    def stroke(self, mm: float) -> int:
        return max(1, int(round(mm * self.scale)))

    def rect(self, x_mm: float, y_mm: float, w_mm: float, h_mm: float, grey: int, thickness_mm: float | None) -> None:
        thickness = -1 if thickness_mm is None else self.stroke(thickness_mm)
        corner = self.pt(x_mm + w_mm, y_mm + h_mm)
        cv2.rectangle(self.image, self.pt(x_mm, y_mm), corner, grey, thickness, cv2.LINE_AA, 4)

    def text(self, x_mm: float, y_mm: float, text: str, height_mm: float, grey: int, *,
             align: str = "left") -> None:
        """Text whose baseline starts at (x_mm, y_mm) (``align="left"``), ends there (``"right"``), or is
        centred on it both ways (``"centre"``).  Right and centred text is placed by its measured width, so
        a font whose glyphs are wider in one OpenCV release than in another never runs into a bubble."""
        scale = self.px(height_mm) / HERSHEY_CAP_PX
        thickness = max(1, int(round(scale * 1.6)))
        (w, h), _ = cv2.getTextSize(text, FONT, scale, thickness)
        x, y = self.px(x_mm), self.px(y_mm)
        if align == "centre":
            x, y = x - w / 2, y + h / 2
        elif align == "right":
            x -= w
        cv2.putText(self.image, text, (int(round(x)), int(round(y))), FONT, scale, grey, thickness, cv2.LINE_AA)

    def bubble(self, layout: SheetLayout, x_mm: float, y_mm: float, label: str) -> None:
        shape = layout.bubble
        axes = self.pt(shape.width_mm / 2, shape.height_mm / 2)
        cv2.ellipse(self.image, self.pt(x_mm, y_mm), axes, 0, 0, 360, OUTLINE_GREY,
                    self.stroke(shape.line_width_mm), cv2.LINE_AA, 4)
        self.text(x_mm, y_mm, label, shape.height_mm * 0.5, TEXT_GREY, align="centre")


def draw_sheet(layout: SheetLayout, *, dpi: float = 150.0, qr_text: str | None = "PG1|CS2026|A|1a2b3c4d|",
               marks: SheetMarks | None = None, seed: int = 0) -> np.ndarray:
    """Draw an upright, clean answer sheet with candidate marks.

    Returns
    -------
    ndarray, shape (H, W), uint8
        The page at ``dpi``; 255 = paper.
    """
    canvas = _Canvas(layout, dpi)
    _draw_furniture(canvas, layout)
    if qr_text is not None:
        _draw_qr(canvas, layout, qr_text)
    _draw_digit_grid(canvas, layout)
    for block in layout.blocks:
        _draw_block(canvas, layout, block)
    if marks is not None:
        draw_marks(canvas.image, dpi, layout, marks, np.random.default_rng(seed))
    return canvas.image


def _draw_furniture(canvas: _Canvas, layout: SheetLayout) -> None:
    size = layout.fiducials.size_mm
    for cx, cy in layout.fiducials.centres_mm:
        canvas.rect(cx - size / 2, cy - size / 2, size, size, 0, None)
    canvas.text(60, layout.title_y_mm, "ANSWER SHEET  CS-180", 5.0, 0)
    for box in layout.fields:
        canvas.rect(box.x_mm, box.y_mm, box.width_mm, box.height_mm, 0, 0.2)
        canvas.text(box.x_mm + 1.5, box.y_mm + box.height_mm * 0.7, box.key.upper(), 2.2, 0)
    ins = layout.instructions
    canvas.rect(ins.x_mm, ins.y_mm, ins.width_mm, ins.height_mm, 0, 0.2)
    sentence = "Fill the bubble completely with a 2B pencil."
    for line in range(6):
        canvas.text(ins.x_mm + 3, ins.y_mm + 6 + line * 4.5, sentence[: 30 + line], 1.8, 0)
    leg = layout.legend
    canvas.rect(leg.x_mm, leg.y_mm, leg.width_mm, leg.height_mm, 0, 0.2)
    canvas.text(leg.x_mm + 4, leg.y_mm + 8, "EXAMPLES", 2.2, 0)
    cx, cy = leg.x_mm + 22, leg.y_mm + 20
    axes = canvas.pt(layout.bubble.width_mm / 2, layout.bubble.height_mm / 2)
    cv2.ellipse(canvas.image, canvas.pt(cx, cy), axes, 0, 0, 360, 0, -1, cv2.LINE_AA, 4)
    for k in range(3):
        x = leg.x_mm + 10 + 9 * k
        canvas.bubble(layout, x, leg.y_mm + 32, "")
        cv2.line(canvas.image, canvas.pt(x - 1.5, leg.y_mm + 31 + k * 0.3), canvas.pt(x + 1.5, leg.y_mm + 33),
                 0, canvas.stroke(0.35), cv2.LINE_AA, 4)


def _draw_qr(canvas: _Canvas, layout: SheetLayout, text: str) -> None:
    code = cv2.QRCodeEncoder.create().encode(text)
    code = _strip_quiet_zone(code)
    code = np.pad(code, QR_QUIET_MODULES, constant_values=255)
    box = layout.qr
    x0, y0 = int(round(canvas.px(box.x_mm))), int(round(canvas.px(box.y_mm)))
    side = int(round(canvas.px(box.size_mm)))
    canvas.image[y0:y0 + side, x0:x0 + side] = cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST)


def _strip_quiet_zone(code: np.ndarray) -> np.ndarray:
    dark = np.argwhere(code < 128)
    (r0, c0), (r1, c1) = dark.min(axis=0), dark.max(axis=0)
    return code[r0:r1 + 1, c0:c1 + 1]


def _draw_digit_grid(canvas: _Canvas, layout: SheetLayout) -> None:
    grid = layout.candidate_id
    left = grid.x_mm - grid.col_pitch_mm / 2
    width = grid.digits * grid.col_pitch_mm
    top = grid.y_mm - grid.row_pitch_mm / 2 - grid.write_in_height_mm
    canvas.rect(left - 1.5, top - 6, width + 3, grid.write_in_height_mm + 10 * grid.row_pitch_mm + 7.5, 0, 0.25)
    canvas.text(left + 4, top - 2, "CANDIDATE NUMBER", 2.0, 0)
    for d in range(grid.digits):
        canvas.rect(left + d * grid.col_pitch_mm, top, grid.col_pitch_mm, grid.write_in_height_mm, 0, 0.15)
    for d, v, x, y in layout.digit_bubbles():
        canvas.bubble(layout, x, y, str(v))


def _draw_block(canvas: _Canvas, layout: SheetLayout, block: QuestionBlock) -> None:
    if block.multiple:
        _draw_band(canvas, layout, block)
    canvas.text(block.x_mm - 6, block.y_mm - 5, f"PART {block.first}-{block.last}", 2.4, 0)
    labels = [p if p.isascii() else k for p, k in zip(block.printed, block.options, strict=True)]
    for index in range(block.count):
        x, y = block.row_centre(index)
        canvas.text(x - layout.bubble.width_mm / 2 - NUMBER_GAP_MM, y + 1.0, str(block.first + index), 2.0, 0,
                    align="right")
        for k, label in enumerate(labels):
            canvas.bubble(layout, x + k * block.option_pitch_mm, y, label)


def _draw_band(canvas: _Canvas, layout: SheetLayout, block: QuestionBlock) -> None:
    columns = -(-block.count // block.rows)
    _, last_y = block.row_centre(min(block.rows, block.count) - 1)
    width = (len(block.options) - 1) * block.option_pitch_mm + layout.bubble.width_mm + 8
    for column in range(columns):
        x0 = block.x_mm + column * block.column_pitch_mm - layout.bubble.width_mm / 2 - 6
        canvas.rect(x0, block.y_mm - 2.5, width, last_y - block.y_mm + 5, BAND_GREY, None)


# -- candidate marks -----------------------------------------------------------


def draw_marks(image: np.ndarray, dpi: float, layout: SheetLayout, marks: SheetMarks,
               rng: np.random.Generator) -> None:
    """Draw candidate marks on an upright page raster at ``dpi``, in place.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page (drawn by :func:`draw_sheet` or a rendered sheet), 255 = paper; modified.
    dpi : float
        Its resolution.
    layout : SheetLayout
        Where the bubbles are.
    marks : SheetMarks
        Kinds per answer and digit bubble (see :data:`KIND_TRUTH`).
    rng : numpy.random.Generator
        Source of every irregularity of the marks.
    """
    scale = dpi / MM_PER_INCH
    centres = {(s.question, s.option): (s.x_mm, s.y_mm) for s in layout.bubbles()}
    for question, options in sorted(marks.answers.items()):
        for option, kind in sorted(options.items()):
            draw_mark(image, scale, centres[(question, option)], layout, kind, rng)
    digit_centres = {(d, v): (x, y) for d, v, x, y in layout.digit_bubbles()}
    for column, values in sorted(marks.digits.items()):
        for value, kind in sorted(values.items()):
            draw_mark(image, scale, digit_centres[(column, value)], layout, kind, rng)
    for key, options in sorted(marks.rows.items()):
        row = layout.mark_row(key)
        if row is None:
            raise ValueError(f"layout {layout.id}: no mark row {key!r} to mark")
        centres_of_row = dict(zip(row.options, row.centres(), strict=True))
        for option, kind in sorted(options.items()):
            draw_mark(image, scale, centres_of_row[option], layout, kind, rng)


def draw_mark(image: np.ndarray, scale: float, centre_mm: tuple[float, float], layout: SheetLayout, kind: str,
              rng: np.random.Generator) -> None:
    """Draw one candidate mark of ``kind`` into ``image`` (px per mm = ``scale``), in place."""
    half_w, half_h = layout.bubble.width_mm / 2, layout.bubble.height_mm / 2
    pad = int(np.ceil((half_w + 1.5) * scale))
    cx, cy = centre_mm[0] * scale, centre_mm[1] * scale
    x0, y0 = int(cx) - pad, int(cy) - pad
    patch = image[y0:y0 + 2 * pad, x0:x0 + 2 * pad]
    alpha = np.zeros(patch.shape, np.float32)
    local = (cx - x0, cy - y0)
    ink = _MARKERS[kind](alpha, local, scale, half_w, half_h, rng)
    grain = rng.normal(0.0, ink[1], patch.shape) if ink[1] > 0 else 0.0
    level = np.clip(ink[0] + grain, 0, 255)
    blended = patch * (1 - alpha) + np.minimum(patch, level) * alpha
    patch[...] = np.clip(blended, 0, 255).astype(np.uint8)


def _ellipse(alpha, centre, scale, half_w, half_h, rng, *, grow=1.0, jitter_mm=0.15, angles=(0, 360)):
    shift = 4
    f = 1 << shift
    dx, dy = rng.normal(0, jitter_mm, 2) * scale
    c = (int((centre[0] + dx) * f), int((centre[1] + dy) * f))
    axes = (int(half_w * grow * scale * f), int(half_h * grow * scale * f))
    cv2.ellipse(alpha, c, axes, float(rng.normal(0, 4)), angles[0], angles[1], 1.0, -1, cv2.LINE_AA, shift)


def _pen(alpha, centre, scale, half_w, half_h, rng):
    _ellipse(alpha, centre, scale, half_w, half_h, rng, grow=float(rng.uniform(0.92, 1.08)))
    return float(rng.uniform(15, 45)), 6.0


def _pencil(alpha, centre, scale, half_w, half_h, rng):
    _ellipse(alpha, centre, scale, half_w, half_h, rng, grow=float(rng.uniform(0.9, 1.05)))
    return float(rng.uniform(70, 100)), 22.0


def _faint(alpha, centre, scale, half_w, half_h, rng):
    _ellipse(alpha, centre, scale, half_w, half_h, rng, grow=float(rng.uniform(0.92, 1.05)))
    return float(rng.uniform(140, 160)), 14.0


def _light(alpha, centre, scale, half_w, half_h, rng):
    _ellipse(alpha, centre, scale, half_w, half_h, rng, grow=0.95)
    return float(rng.uniform(175, 195)), 10.0


def _partial(alpha, centre, scale, half_w, half_h, rng):
    start = float(rng.choice([0, 90, 180, 270]))
    _ellipse(alpha, centre, scale, half_w, half_h, rng, grow=0.95, jitter_mm=0.05, angles=(start, start + 180))
    return float(rng.uniform(20, 60)), 6.0


def _erasure(alpha, centre, scale, half_w, half_h, rng):
    _ellipse(alpha, centre, scale, half_w, half_h, rng, grow=float(rng.uniform(0.95, 1.15)))
    alpha *= 0.8
    return float(rng.uniform(205, 220)), 14.0


def _stroke(alpha, points_mm, centre, scale, width_mm):
    f = 16
    pts = np.array([[(centre[0] + x * scale) * f, (centre[1] + y * scale) * f] for x, y in points_mm], np.int32)
    cv2.polylines(alpha, [pts], False, 1.0, max(1, int(round(width_mm * scale))), cv2.LINE_AA, 4)


def _tick(alpha, centre, scale, half_w, half_h, rng):
    j = rng.normal(0, 0.15, 6)
    _stroke(alpha, [(-1.4 + j[0], -0.1 + j[1]), (-0.4 + j[2], 1.1 + j[3]), (1.9 + j[4], -1.9 + j[5])], centre, scale,
            float(rng.uniform(0.35, 0.5)))
    return float(rng.uniform(20, 50)), 6.0


def _cross(alpha, centre, scale, half_w, half_h, rng):
    j = rng.normal(0, 0.15, 8)
    width = float(rng.uniform(0.35, 0.5))
    _stroke(alpha, [(-1.6 + j[0], -1.2 + j[1]), (1.6 + j[2], 1.2 + j[3])], centre, scale, width)
    _stroke(alpha, [(-1.6 + j[4], 1.2 + j[5]), (1.6 + j[6], -1.2 + j[7])], centre, scale, width)
    return float(rng.uniform(20, 50)), 6.0


def _dot(alpha, centre, scale, half_w, half_h, rng):
    radius = float(rng.uniform(0.3, 0.5)) * scale
    dx, dy = rng.uniform(-0.5, 0.5, 2) * (half_w, half_h)
    f = 16
    cv2.circle(alpha, (int((centre[0] + dx * scale) * f), int((centre[1] + dy * scale) * f)), int(radius * f), 1.0, -1,
               cv2.LINE_AA, 4)
    return float(rng.uniform(60, 100)), 12.0


_MARKERS = {"pen": _pen, "pencil": _pencil, "faint": _faint, "light": _light, "partial": _partial, "erasure": _erasure,
            "tick": _tick, "cross": _cross, "dot": _dot}


# -- degradations --------------------------------------------------------------


@dataclass(frozen=True)
class Scan:
    """How a sheet was captured.

    Attributes
    ----------
    quarter_turns : int
        Counter-clockwise quarter turns of the page in the image (np.rot90).
    skew_deg : float
        Small rotation of the page on the scanner bed, degrees (counter-clockwise).
    perspective_mm : float
        Random displacement of the page corners, mm (a phone photo of a flat sheet).
    margin_mm : float
        Extra scan area around the page, mm (the page may be skewed into it).
    background : int
        Grey of the area around the page.
    lighting : float
        Depth of an uneven-lighting gradient in [0, 1): 0.4 darkens one side to 60 %.
    paper, ink : int
        Grey of clean paper and of solid black after the capture (a dark scan has paper 200).
    blur_sigma_px, noise_sigma : float
        Gaussian blur and additive noise, px and grey levels.
    bend_mm : float
        Bulge of a curled or once-folded sheet at its middle, mm (its edges stay put).
    dog_ear_mm : float
        Legs of a corner folded over (a random corner), mm: the fold hides what it covers.
    """

    quarter_turns: int = 0
    skew_deg: float = 0.0
    perspective_mm: float = 0.0
    margin_mm: float = 0.0
    background: int = 255
    lighting: float = 0.0
    paper: int = 250
    ink: int = 20
    blur_sigma_px: float = 0.0
    noise_sigma: float = 0.0
    bend_mm: float = 0.0
    dog_ear_mm: float = 0.0


def capture(page: np.ndarray, dpi: float, scan: Scan, *, seed: int = 0) -> np.ndarray:
    """A page as a scanner or phone captured it (see :class:`Scan`); returns uint8 grey."""
    rng = np.random.default_rng(seed)
    image = page.astype(np.float32)
    image = scan.ink + (scan.paper - scan.ink) * image / 255.0
    if scan.bend_mm:
        image = bend(image, dpi, scan.bend_mm, background=scan.paper)
    if scan.dog_ear_mm:
        _fold_corner(image, dpi, scan.dog_ear_mm, scan.paper, rng)
    image = _place(image, dpi, scan, rng)
    if scan.lighting:
        image = image * _light_field(image.shape, scan.lighting, rng)
    if scan.blur_sigma_px:
        image = cv2.GaussianBlur(image, (0, 0), scan.blur_sigma_px)
    if scan.noise_sigma:
        image = image + rng.normal(0, scan.noise_sigma, image.shape).astype(np.float32)
    image = np.clip(image, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.rot90(image, scan.quarter_turns))


def _place(image: np.ndarray, dpi: float, scan: Scan, rng: np.random.Generator) -> np.ndarray:
    if not (scan.skew_deg or scan.perspective_mm or scan.margin_mm):
        return image
    scale = dpi / MM_PER_INCH
    h, w = image.shape
    margin = scan.margin_mm * scale
    out_w, out_h = int(round(w + 2 * margin)), int(round(h + 2 * margin))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    angle = np.deg2rad(scan.skew_deg)
    rot = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    dst = (src - [w / 2, h / 2]) @ rot.T + [out_w / 2, out_h / 2]
    dst = dst + rng.uniform(-1, 1, (4, 2)) * scan.perspective_mm * scale
    matrix = cv2.getPerspectiveTransform(src, np.float32(dst))
    return cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=float(scan.background))


def _fold_corner(image: np.ndarray, dpi: float, legs_mm: float, paper: int, rng: np.random.Generator) -> None:
    """Fold one corner over, in place: the flap's blank back hides the corner; a shadow marks the fold."""
    h, w = image.shape
    legs = legs_mm * dpi / MM_PER_INCH
    corner = int(rng.integers(0, 4))
    x0, y0 = (0.0 if corner in (0, 3) else w - 1.0), (0.0 if corner in (0, 1) else h - 1.0)
    sx, sy = (1 if x0 == 0 else -1), (1 if y0 == 0 else -1)
    triangle = np.array([[x0, y0], [x0 + sx * legs, y0], [x0, y0 + sy * legs]], np.int32)
    cv2.fillConvexPoly(image, triangle, float(paper) - 12.0, cv2.LINE_AA)
    cv2.line(image, tuple(int(v) for v in triangle[1]), tuple(int(v) for v in triangle[2]), float(paper) - 70.0,
             max(1, int(round(dpi / 100))), cv2.LINE_AA)


def binarise(image: np.ndarray, threshold: float) -> np.ndarray:
    """A black-and-white capture: 255 where ``image >= threshold``, else 0 (uint8)."""
    return np.where(image >= threshold, np.uint8(255), np.uint8(0))


def binarise_adaptive(image: np.ndarray, dpi: float, *, window_mm: float = 3.0, offset: int = 10) -> np.ndarray:
    """A black-and-white capture by a driver with adaptive thresholding (uint8, 0 or 255).

    A pixel turns black when it is darker than the mean of its ``window_mm`` neighbourhood by more than
    ``offset`` grey levels; inside a solid area wider than the window nothing is darker than its
    surroundings, so solid corner squares come out as rings and large marks hollow.
    """
    window = max(3, int(round(window_mm * dpi / MM_PER_INCH)) | 1)
    return cv2.adaptiveThreshold(image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, window, offset)


def _light_field(shape: tuple[int, int], depth: float, rng: np.random.Generator) -> np.ndarray:
    h, w = shape
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (xs / w - 0.5) * np.cos(angle) + (ys / h - 0.5) * np.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    return (1.0 - depth * ramp).astype(np.float32)


def bend(image: np.ndarray, dpi: float, amplitude_mm: float, *, background: int = 255) -> np.ndarray:
    """A page bulging by ``amplitude_mm`` in its middle (corners and edges stay put): a curled sheet."""
    h, w = image.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    bump = np.sin(np.pi * xs / w) * np.sin(np.pi * ys / h) * np.float32(amplitude_mm * dpi / MM_PER_INCH)
    return cv2.remap(image, xs + bump, ys + 0.6 * bump, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=background)


def crease(image: np.ndarray, dpi: float, centre_mm: tuple[float, float], radius_mm: float, shift_mm: float, *,
           background: int = 255) -> np.ndarray:
    """A local ripple: content within ~``radius_mm`` of ``centre_mm`` shifted by up to ``shift_mm`` (down-right)."""
    h, w = image.shape
    scale = dpi / MM_PER_INCH
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = ((xs - centre_mm[0] * scale) ** 2 + (ys - centre_mm[1] * scale) ** 2) / (radius_mm * scale) ** 2
    shift = np.float32(shift_mm * scale) * np.exp(-d2).astype(np.float32)
    return cv2.remap(image, xs - shift, ys - shift, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=background)


def blank_page(dpi: float, *, seed: int = 0, specks: int = 12, bleed: bool = True) -> np.ndarray:
    """A duplex back: paper, a few dust specks and faint show-through of the other side."""
    rng = np.random.default_rng(seed)
    h, w = int(297 * dpi / MM_PER_INCH), int(210 * dpi / MM_PER_INCH)
    page = np.full((h, w), 248, np.uint8)
    if bleed:
        for row in range(20):
            y = int((30 + row * 12) * dpi / MM_PER_INCH)
            cv2.line(page, (int(w * 0.15), y), (int(w * 0.8), y), 228, max(1, int(dpi / 60)))
    for _ in range(specks):
        cv2.circle(page, (int(rng.integers(0, w)), int(rng.integers(0, h))), 1, 60, -1)
    return page


def text_page(dpi: float) -> np.ndarray:
    """A printed page without fiducials (a booklet page scanned by mistake)."""
    h, w = int(297 * dpi / MM_PER_INCH), int(210 * dpi / MM_PER_INCH)
    page = np.full((h, w), 250, np.uint8)
    scale = dpi / MM_PER_INCH
    for row in range(45):
        org = (int(20 * scale), int((20 + row * 6) * scale))
        cv2.putText(page, "1. Which of the following best describes customer service?", org, FONT, 0.11 * scale, 20,
                    max(1, int(scale / 6)), cv2.LINE_AA)
    return page


# -- files ---------------------------------------------------------------------


def encode_image(image: np.ndarray, ext: str, *, quality: int = 85) -> bytes:
    """Encode with OpenCV: ``ext`` is ".jpg", ".png", ".webp", ".bmp" or ".tif"."""
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if ext == ".jpg" else []
    ok, data = cv2.imencode(ext, image, params)
    assert ok, ext
    return data.tobytes()


def encode_scan_image(image: np.ndarray, kind: str, *, dpi: float | None = None, quality: int = 85) -> bytes:
    """Encode a grey page as a scanner saves it, with its resolution in the header.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page.
    kind : str
        "jpeg" or "png" (Pillow writes the JFIF density or the pHYs chunk).
    dpi : float, optional
        Resolution to record.
    quality : int, optional
        JPEG quality.
    """
    if kind not in ("jpeg", "png"):
        raise ValueError(f"encode_scan_image: kind must be 'jpeg' or 'png' (got {kind!r})")
    buffer = io.BytesIO()
    extra: dict = {"dpi": (dpi, dpi)} if dpi else {}
    if kind == "jpeg":
        extra["quality"] = quality
    Image.fromarray(image).save(buffer, "JPEG" if kind == "jpeg" else "PNG", **extra)
    return buffer.getvalue()


def decode_image(data: bytes) -> np.ndarray:
    """Decode encoded image bytes to grey (the round trip a JPEG scan goes through)."""
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)


def write_tiff(path: Path, pages: Sequence[np.ndarray], *, dpi: float | None = None,
               compression: str = "group4") -> Path:
    """Write a multi-page TIFF with Pillow; group4 pages are binarised at grey 128."""
    images = [_bitonal(p) if compression == "group4" else Image.fromarray(p) for p in pages]
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    images[0].save(path, compression=compression, save_all=True, append_images=images[1:], **extra)
    return path


@dataclass(frozen=True)
class PdfPage:
    """One scanner-style PDF page: a full-page image and how it is placed.

    ``encoding`` is "jpeg", "g4", "flate1" (1-bit Flate) or "corrupt-jpeg";
    ``rotate`` is the page's /Rotate; ``quarter_turns`` places the image
    turned on the page through its matrix (counter-clockwise turns);
    ``quality`` is the JPEG quality.
    """

    image: np.ndarray
    dpi: float
    encoding: str = "jpeg"
    rotate: int = 0
    quarter_turns: int = 0
    quality: int = 85


def write_pdf(path: Path, pages: Sequence[PdfPage]) -> Path:
    """Write a PDF whose every page is one image XObject filling the page."""
    objects: list[bytes] = []
    page_parts = []
    for page in pages:
        objects.append(_image_xobject(page))
        image_id = len(objects)
        content, width_pt, height_pt = _placement(page)
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_parts.append((image_id, len(objects), width_pt, height_pt, page.rotate))
    pages_id = len(objects) + len(page_parts) + 1
    kids = []
    for image_id, content_id, width_pt, height_pt, rotate in page_parts:
        objects.append((f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {width_pt:.3f} {height_pt:.3f}] "
                        f"/Rotate {rotate} /Resources << /XObject << /Im0 {image_id} 0 R >> >> "
                        f"/Contents {content_id} 0 R >>").encode())
        kids.append(len(objects))
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
    objects.append(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    Path(path).write_bytes(_pdf_bytes(objects))
    return Path(path)


def _image_xobject(page: PdfPage) -> bytes:
    h, w = page.image.shape
    head = f"/Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray "
    if page.encoding in ("jpeg", "corrupt-jpeg"):
        data = encode_image(page.image, ".jpg", quality=page.quality)
        if page.encoding == "corrupt-jpeg":
            data = data[:200] + bytes(range(256)) * 8
        head += "/BitsPerComponent 8 /Filter /DCTDecode"
    elif page.encoding == "g4":
        data = g4_strip(page.image)  # Pillow codes black pixels as 1 bits (TIFF BlackIsZero): BlackIs1 true
        head += (f"/BitsPerComponent 1 /Filter /CCITTFaxDecode "
                 f"/DecodeParms << /K -1 /Columns {w} /Rows {h} /BlackIs1 true >>")
    elif page.encoding == "flate1":
        data = zlib.compress(np.packbits(page.image >= 128, axis=1).tobytes())
        head += "/BitsPerComponent 1 /Filter /FlateDecode"
    else:
        raise ValueError(f"unknown PDF image encoding {page.encoding!r}")
    return f"<< {head} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _placement(page: PdfPage) -> tuple[bytes, float, float]:
    h, w = page.image.shape
    w_pt, h_pt = w * 72.0 / page.dpi, h * 72.0 / page.dpi
    turns = page.quarter_turns % 4
    matrices = {
        0: (w_pt, 0, 0, h_pt, 0, 0),
        1: (0, w_pt, -h_pt, 0, h_pt, 0),
        2: (-w_pt, 0, 0, -h_pt, w_pt, h_pt),
        3: (0, -w_pt, h_pt, 0, 0, w_pt),
    }
    a, b, c, d, e, f = matrices[turns]
    content = f"q {a:.4f} {b:.4f} {c:.4f} {d:.4f} {e:.4f} {f:.4f} cm /Im0 Do Q".encode()
    page_w, page_h = (w_pt, h_pt) if turns % 2 == 0 else (h_pt, w_pt)
    return content, page_w, page_h


def _bitonal(image: np.ndarray) -> Image.Image:
    """A 1-bit image thresholded at grey 128, as a scanner's black-and-white mode makes it (no dither)."""
    return Image.fromarray(image).convert("1", dither=Image.Dither.NONE)


def g4_strip(image: np.ndarray) -> bytes:
    """CCITT Group 4 data of a grey page binarised at 128 (one strip, via Pillow's TIFF writer)."""
    buffer = io.BytesIO()
    _bitonal(image).save(buffer, "TIFF", compression="group4", tiffinfo={278: image.shape[0]})
    tiff = Image.open(io.BytesIO(buffer.getvalue()))
    (offset,), (count,) = tiff.tag_v2[273], tiff.tag_v2[279]
    return buffer.getvalue()[offset:offset + count]


def _pdf_bytes(objects: Sequence[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    trailer = b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out.write(trailer % (len(objects) + 1, len(objects), xref))
    return out.getvalue()
