"""Typography, tints and wording of the answer sheet; positions come from the layout."""

from __future__ import annotations

from dataclasses import dataclass, field

from papergen.exam.format import Wording
from papergen.i18n import _

__all__ = [
    "SheetStyle",
    "SheetWording",
    "DEFAULT_INSTRUCTIONS",
    "DEFAULT_STYLE",
    "DIGIT_VALUES",
    "LEGEND_ROWS",
]

_WORDING = Wording()
DEFAULT_INSTRUCTIONS = tuple(_WORDING.fill(line) for line in _WORDING.sheet_instructions)
"""The sheet's 注意事项 when a sheet carries none: a format's default wording."""


@dataclass(frozen=True)
class SheetWording:
    """Fixed texts printed on every sheet."""

    title_suffix: str = " 答题卡"
    instructions_heading: str = "注　意　事　项"
    default_instructions: tuple[str, ...] = DEFAULT_INSTRUCTIONS
    legend_heading: str = "填涂示例"
    legend_correct: str = "正确填涂"
    legend_incorrect: str = "错误填涂"
    legend_note: str = _WORDING.fill(_WORDING.legend_note)
    single_marker: str = "■ "
    multi_marker: str = "◆ "
    caption_exam: str = "考试编号 {exam_id}"
    caption_variant: str = "试卷代号 {variant}"
    caption_checksum: str = "校验码 {checksum}"

    def texts(self) -> list[tuple[str, str]]:
        """Every text with its field name, for the glyph check."""
        return [
            (_("sheet wording {name}").format(name=name), "".join(value) if isinstance(value, tuple) else value)
            for name, value in self.__dict__.items()
        ]


@dataclass(frozen=True)
class SheetStyle:
    """Typography and tints of the answer sheet (positions come from the layout).

    Sizes in points, distances in mm, tints as grey levels (0 = black,
    1 = white).  Distances place labels and frames relative to the layout's
    elements (e.g. ``heading_gap_mm`` above a block's first row); nothing here
    moves a bubble, fiducial or QR code.
    """

    title_size_pt: float = 15.0
    caption_size_pt: float = 7.5
    caption_gap_mm: float = 3.2
    caption_leading_mm: float = 3.4
    label_size_pt: float = 8.0
    value_size_pt: float = 11.0
    value_min_size_pt: float = 7.0
    """Smallest size a prefilled name, room or seat is shrunk to before it is cut to fit its box, points."""
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
    mark_stroke_mm: float = 0.35
    qr_level: str = "M"
    wording: SheetWording = field(default_factory=SheetWording)


DEFAULT_STYLE = SheetStyle()

DIGIT_VALUES = 10
"""Bubbles per candidate-number column: the values 0-9."""

LEGEND_ROWS = 4
"""Rows of the legend box: title, correct mark, incorrect marks, note."""
