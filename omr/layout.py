"""Answer-sheet geometry: the one contract between the sheet renderer and the reader.

Every coordinate is in millimetres with the origin at the page's top-left
corner and y growing downwards, so that (x_mm, y_mm) maps to image
(col, row) by one scale factor: ``px = mm * dpi / 25.4``.  The conversion to
pixels lives here (:meth:`SheetLayout.pixel_geometry`); the conversion to PDF
points and the bottom-left origin flip live in the renderer only.

A layout file is JSON whose shape is :class:`SheetLayout`; unknown keys are
errors.  Question blocks are described parametrically (first bubble, pitches,
rows per column) and expanded into bubble centres by :meth:`SheetLayout.bubbles`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "LayoutError",
    "SheetLayout",
    "QuestionBlock",
    "DigitGrid",
    "BubbleSpot",
    "QuestionSpec",
    "MarkRow",
    "PixelGeometry",
    "load_layout",
    "MM_PER_INCH",
]

MM_PER_INCH = 25.4

PositiveMm = Annotated[float, Field(gt=0)]
Mm = Annotated[float, Field(ge=0)]


class LayoutError(ValueError):
    """A layout file is missing, malformed or geometrically inconsistent."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fiducials(_Model):
    """Solid black corner squares used to register a scan to the layout."""

    size_mm: PositiveMm = Field(description="Side of each solid square, mm.")
    centres_mm: tuple[
        tuple[Mm, Mm], tuple[Mm, Mm], tuple[Mm, Mm], tuple[Mm, Mm]
    ] = Field(description="Square centres (x, y) in mm, order: top-left, top-right, bottom-right, bottom-left.")


class QrBox(_Model):
    """Where the sheet's QR code is printed (and searched for)."""

    x_mm: Mm = Field(description="Left edge of the code including its quiet zone, mm.")
    y_mm: Mm = Field(description="Top edge of the code including its quiet zone, mm.")
    size_mm: PositiveMm = Field(description="Side of the square code including quiet zone, mm.")
    search_margin_mm: Mm = Field(6.0, description="Extra margin around the box searched by the reader, mm.")


class BubbleShape(_Model):
    """The printed bubble: an ellipse of this size, centred on each bubble centre."""

    width_mm: PositiveMm = Field(description="Horizontal diameter, mm.")
    height_mm: PositiveMm = Field(description="Vertical diameter, mm.")
    line_width_mm: PositiveMm = Field(0.25, description="Outline stroke width, mm.")


class TextField(_Model):
    """A box for handwriting (name, exam room...) or printed candidate data."""

    key: str = Field(description="Machine name, e.g. 'name' or 'room'.")
    label: str = Field(description="Printed label, e.g. '姓名'.")
    x_mm: Mm
    y_mm: Mm
    width_mm: PositiveMm
    height_mm: PositiveMm


class DigitGrid(_Model):
    """A grid of digit bubbles: one column per digit, rows 0-9 top to bottom."""

    label: str = Field(description="Printed label, e.g. '准考证号'.")
    digits: int = Field(ge=1, le=20, description="Number of digit columns.")
    x_mm: Mm = Field(description="Centre x of the bubble for digit column 0, mm.")
    y_mm: Mm = Field(description="Centre y of the bubble for value 0, mm.")
    col_pitch_mm: PositiveMm = Field(description="Distance between digit columns, mm.")
    row_pitch_mm: PositiveMm = Field(description="Distance between values 0..9, mm.")
    write_in_height_mm: Mm = Field(6.0, description="Height of the write-in boxes above the grid, mm.")


class QuestionBlock(_Model):
    """A run of consecutively numbered questions laid out in columns."""

    label: str = Field(description="Heading printed above the block, e.g. '一、单项选择题'.")
    first: int = Field(ge=1, description="Number of the block's first question.")
    count: int = Field(ge=1, description="Number of questions in the block.")
    options: tuple[str, ...] = Field(min_length=2, description="Option keys read by the reader, in print order.")
    display: tuple[str, ...] | None = Field(None, description="Text printed inside the bubbles; defaults to the option keys.")
    multiple: bool = Field(False, description="True if several options may be marked on one question.")
    x_mm: Mm = Field(description="Centre x of the first option bubble of the first question, mm.")
    y_mm: Mm = Field(description="Centre y of the first question's row, mm.")
    rows: int = Field(ge=1, description="Questions per column before wrapping to the next column.")
    column_pitch_mm: PositiveMm = Field(description="Distance between question columns, mm.")
    row_pitch_mm: PositiveMm = Field(description="Distance between question rows, mm.")
    option_pitch_mm: PositiveMm = Field(description="Distance between option bubbles of one question, mm.")
    group_size: int = Field(5, ge=1, description="Rows per visual group.")
    group_gap_mm: Mm = Field(1.8, description="Extra vertical space between groups, mm.")

    @model_validator(mode="after")
    def _display_matches_options(self) -> "QuestionBlock":
        if self.display is not None and len(self.display) != len(self.options):
            raise ValueError(
                f"display has {len(self.display)} entries but options has {len(self.options)}"
            )
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"options repeat a key (got {list(self.options)})")
        return self

    @property
    def last(self) -> int:
        """Number of the block's last question."""
        return self.first + self.count - 1

    def row_centre(self, index: int) -> tuple[float, float]:
        """Centre (x_mm, y_mm) of the first option bubble of the block's index-th question."""
        column, row = divmod(index, self.rows)
        x = self.x_mm + column * self.column_pitch_mm
        y = self.y_mm + row * self.row_pitch_mm + (row // self.group_size) * self.group_gap_mm
        return x, y

    @property
    def printed(self) -> tuple[str, ...]:
        """Text printed inside each bubble."""
        return self.display if self.display is not None else self.options


class LegendStrip(_Model):
    """Area showing correct and incorrect ways to mark a bubble."""

    x_mm: Mm
    y_mm: Mm
    width_mm: PositiveMm
    height_mm: PositiveMm


class InstructionsBox(_Model):
    """Area for the printed candidate instructions."""

    x_mm: Mm
    y_mm: Mm
    width_mm: PositiveMm
    height_mm: PositiveMm


class MarkRow(_Model):
    """A row of bubbles outside the questions: 试卷类型 (the variant) or 缺考 (absent, marked by the proctor).

    The reader reads it like a question with these options (see
    :meth:`SheetLayout.reading_layout`); one mark is expected, none or two
    go to review.
    """

    key: str = Field(description="Machine name: 'variant' or 'absent'.")
    label: str = Field(description="Printed label, e.g. '试卷类型'.")
    options: tuple[str, ...] = Field(min_length=1, description="Option keys read by the reader, in print order.")
    display: tuple[str, ...] | None = Field(None, description="Text printed inside the bubbles; defaults to the keys.")
    note: str = Field("", description="Small print after the bubbles, e.g. '（由监考员填涂）'.")
    x_mm: Mm = Field(description="Centre x of the first bubble, mm.")
    y_mm: Mm = Field(description="Centre y of the bubbles, mm.")
    pitch_mm: PositiveMm = Field(description="Distance between bubbles, mm.")

    @property
    def printed(self) -> tuple[str, ...]:
        """Text printed inside each bubble."""
        return self.display if self.display is not None else self.options

    def centres(self) -> list[tuple[float, float]]:
        """Bubble centres (x_mm, y_mm) in print order."""
        return [(self.x_mm + k * self.pitch_mm, self.y_mm) for k in range(len(self.options))]


@dataclass(frozen=True, slots=True)
class BubbleSpot:
    """One answer bubble: question number, option key and centre in mm."""

    question: int
    option: str
    option_index: int
    x_mm: float
    y_mm: float


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What the reader needs to know of one question."""

    number: int
    options: tuple[str, ...]
    multiple: bool


@dataclass(frozen=True)
class PixelGeometry:
    """The layout scaled to a raster of a given resolution.

    All coordinates are (x, y) = (col, row) in pixels from the image's
    top-left corner, as float64.

    Attributes
    ----------
    dpi : float
        Raster resolution, dots per inch.
    bubble_xy : ndarray, shape (n_bubbles, 2)
        Answer bubble centres, in :meth:`SheetLayout.bubbles` order.
    bubble_question : ndarray, shape (n_bubbles,), int32
        Question number of each bubble.
    bubble_option : ndarray, shape (n_bubbles,), int32
        Index of each bubble's option within its question.
    digit_xy : ndarray, shape (digits * 10, 2)
        Candidate-number bubbles, digit-major: index = digit * 10 + value.
    fiducial_xy : ndarray, shape (4, 2)
        Fiducial centres: top-left, top-right, bottom-right, bottom-left.
    bubble_size : tuple of float
        Bubble (width, height) in pixels.
    fiducial_size : float
        Fiducial side in pixels.
    qr_box : tuple of int
        QR search window (x0, y0, x1, y1) in pixels, margin included.
    page_size : tuple of int
        Page (width, height) in pixels.
    """

    dpi: float
    bubble_xy: np.ndarray
    bubble_question: np.ndarray
    bubble_option: np.ndarray
    digit_xy: np.ndarray
    fiducial_xy: np.ndarray
    bubble_size: tuple[float, float]
    fiducial_size: float
    qr_box: tuple[int, int, int, int]
    page_size: tuple[int, int]


class SheetLayout(_Model):
    """Geometry of a one-page bubble answer sheet, in mm, origin top-left, y down."""

    schema_version: int = Field(1, description="Version of the layout file format.")
    id: str = Field(min_length=1, description="Stable layout identifier, e.g. 'a4-180'.")
    title: str = Field(description="Human description of the layout.")
    page_width_mm: PositiveMm
    page_height_mm: PositiveMm
    fiducials: Fiducials
    qr: QrBox
    candidate_id: DigitGrid
    fields: tuple[TextField, ...] = ()
    bubble: BubbleShape
    blocks: tuple[QuestionBlock, ...] = Field(min_length=1)
    legend: LegendStrip
    instructions: InstructionsBox
    title_y_mm: Mm = Field(16.0, description="Baseline of the sheet title, mm from the top.")
    marks: tuple[MarkRow, ...] = Field((), description="试卷类型 and 缺考 bubble rows; none on older layouts.")

    @model_validator(mode="after")
    def _check_geometry(self) -> "SheetLayout":
        numbers: list[int] = []
        for block in self.blocks:
            numbers.extend(range(block.first, block.last + 1))
        expected = list(range(1, len(numbers) + 1))
        if sorted(numbers) != expected:
            raise ValueError("question blocks must number questions 1..N without gaps or repeats")
        half_w = self.bubble.width_mm / 2
        half_h = self.bubble.height_mm / 2
        for spot in self.bubbles():
            if not (half_w <= spot.x_mm <= self.page_width_mm - half_w
                    and half_h <= spot.y_mm <= self.page_height_mm - half_h):
                raise ValueError(
                    f"question {spot.question} option {spot.option} at "
                    f"({spot.x_mm:.1f}, {spot.y_mm:.1f}) mm lies off the page"
                )
        keys = [row.key for row in self.marks]
        if len(set(keys)) != len(keys):
            raise ValueError(f"mark rows repeat a key (got {keys})")
        for row in self.marks:
            for x, y in row.centres():
                if not (half_w <= x <= self.page_width_mm - half_w and half_h <= y <= self.page_height_mm - half_h):
                    raise ValueError(f"mark row {row.key} bubble at ({x:.1f}, {y:.1f}) mm lies off the page")
        return self

    # -- expansion ---------------------------------------------------------

    @property
    def question_count(self) -> int:
        """Number of questions on the sheet."""
        return sum(block.count for block in self.blocks)

    def bubbles(self) -> list[BubbleSpot]:
        """Every answer bubble, ordered by question number then option."""
        spots: list[BubbleSpot] = []
        for block in sorted(self.blocks, key=lambda b: b.first):
            for index in range(block.count):
                x0, y = block.row_centre(index)
                for k, option in enumerate(block.options):
                    spots.append(BubbleSpot(block.first + index, option, k, x0 + k * block.option_pitch_mm, y))
        return spots

    def questions(self) -> list[QuestionSpec]:
        """Every question with its option keys, ordered by number."""
        specs = []
        for block in sorted(self.blocks, key=lambda b: b.first):
            specs.extend(QuestionSpec(block.first + i, block.options, block.multiple) for i in range(block.count))
        return specs

    def block_of(self, question: int) -> QuestionBlock:
        """The block holding a question number."""
        for block in self.blocks:
            if block.first <= question <= block.last:
                return block
        raise LayoutError(f"layout {self.id}: no question {question} (sheet has 1..{self.question_count})")

    def digit_bubbles(self) -> list[tuple[int, int, float, float]]:
        """Candidate-number bubbles as (digit column, value, x_mm, y_mm), digit-major."""
        grid = self.candidate_id
        return [
            (d, v, grid.x_mm + d * grid.col_pitch_mm, grid.y_mm + v * grid.row_pitch_mm)
            for d in range(grid.digits)
            for v in range(10)
        ]

    # -- pixels ------------------------------------------------------------

    def pixel_geometry(self, dpi: float) -> PixelGeometry:
        """The layout scaled to a raster of ``dpi`` dots per inch (see :class:`PixelGeometry`)."""
        if dpi <= 0:
            raise LayoutError(f"layout {self.id}: dpi must be positive (got {dpi})")
        return _pixel_geometry(self, float(dpi))

    def mark_row(self, key: str) -> MarkRow | None:
        """The mark row with this key ('variant', 'absent'), or None if the sheet has none."""
        return next((row for row in self.marks if row.key == key), None)

    def reading_layout(self) -> "SheetLayout":
        """This layout with each mark row appended as a question block numbered after the last question.

        The reader reads mark rows with the same measures and per-sheet
        calibration as the answers; :func:`split_mark_reads` takes them back
        out.  The layout itself when it has no mark rows.
        """
        return _reading_layout(self)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the layout's canonical JSON, recorded in key manifests.

        A layout without mark rows hashes as before they existed, so keys
        built with older layouts keep matching.
        """
        dumped = self.model_dump(mode="json", exclude={"marks"} if not self.marks else None)
        canonical = json.dumps(dumped, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@lru_cache(maxsize=16)
def _reading_layout(layout: SheetLayout) -> SheetLayout:
    if not layout.marks:
        return layout
    extra, first = [], layout.question_count + 1
    for index, row in enumerate(layout.marks):
        # built without validation: a one-bubble row (缺考) is a block of one option
        extra.append(QuestionBlock.model_construct(
            label=row.label, first=first + index, count=1, options=row.options, display=row.display,
            multiple=False, x_mm=row.x_mm, y_mm=row.y_mm, rows=1, column_pitch_mm=row.pitch_mm,
            row_pitch_mm=row.pitch_mm, option_pitch_mm=row.pitch_mm, group_size=1, group_gap_mm=0.0,
        ))
    return layout.model_copy(update={"blocks": layout.blocks + tuple(extra), "marks": ()})


def _pixel_geometry(layout: SheetLayout, dpi: float) -> PixelGeometry:
    import numpy as np  # loaded with the first page read: a run without scans never needs it

    scale = dpi / MM_PER_INCH
    spots = layout.bubbles()
    bubble_xy = np.array([(s.x_mm, s.y_mm) for s in spots], dtype=np.float64) * scale
    digit_xy = np.array([(x, y) for _, _, x, y in layout.digit_bubbles()], dtype=np.float64) * scale
    qr = layout.qr
    m = qr.search_margin_mm
    x0, y0 = max(0.0, qr.x_mm - m), max(0.0, qr.y_mm - m)
    x1 = min(layout.page_width_mm, qr.x_mm + qr.size_mm + m)
    y1 = min(layout.page_height_mm, qr.y_mm + qr.size_mm + m)
    return PixelGeometry(
        dpi=dpi,
        bubble_xy=bubble_xy,
        bubble_question=np.array([s.question for s in spots], dtype=np.int32),
        bubble_option=np.array([s.option_index for s in spots], dtype=np.int32),
        digit_xy=digit_xy,
        fiducial_xy=np.array(layout.fiducials.centres_mm, dtype=np.float64) * scale,
        bubble_size=(layout.bubble.width_mm * scale, layout.bubble.height_mm * scale),
        fiducial_size=layout.fiducials.size_mm * scale,
        qr_box=(int(x0 * scale), int(y0 * scale), int(round(x1 * scale)), int(round(y1 * scale))),
        page_size=(int(round(layout.page_width_mm * scale)), int(round(layout.page_height_mm * scale))),
    )


def load_layout(path: str | Path) -> SheetLayout:
    """Read and validate a layout JSON file.

    Raises
    ------
    LayoutError
        If the file cannot be read or parsed, or fails validation; the message
        names the file and the JSON path of each problem.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read layout ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise LayoutError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    try:
        return SheetLayout.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
        )
        raise LayoutError(f"{path}: {problems}") from exc
