"""What the reader returns for one page: plain values, no images.

A failed read is a value with a reason (``status`` other than ``"read"``),
not an exception, so a batch can record it and go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

__all__ = ["MarkState", "QuestionRead", "CandidateRead", "SheetRead", "PageStatus"]

PageStatus = Literal["read", "blank", "not_a_sheet", "quarantined"]
"""read: a registered answer sheet; blank: an empty page (duplex back);
not_a_sheet: a page with content but no sheet fiducials; quarantined: a
sheet that could not be registered or read reliably (see ``reason``)."""


class MarkState(str, Enum):
    """Classification of one bubble."""

    MARKED = "marked"
    BLANK = "blank"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class QuestionRead:
    """The marks read on one question.

    Attributes
    ----------
    number : int
        Question number on the sheet.
    options : tuple of str
        Option keys, in layout order.
    fills : tuple of float
        Per-option darkness in [0, 1]: 0 = clean paper, 1 = solid ink, measured
        over the bubble's interior after subtracting the printed outline.
    states : tuple of MarkState
        Per-option classification.
    marked : tuple of str
        Options read as marked (state MARKED).
    flags : tuple of str
        Reasons for review, e.g. ``"ambiguous"`` (a bubble between blank and
        marked), ``"multiple"`` (several marks where one is expected),
        ``"erasure"`` (residue beside a mark).
    confidence : float
        In [0, 1]; how far the decision lies from the sheet's threshold.
    """

    number: int
    options: tuple[str, ...]
    fills: tuple[float, ...]
    states: tuple[MarkState, ...]
    marked: tuple[str, ...]
    flags: tuple[str, ...] = ()
    confidence: float = 1.0

    @property
    def needs_review(self) -> bool:
        """True if any bubble is ambiguous or the question is flagged."""
        return bool(self.flags) or MarkState.AMBIGUOUS in self.states


@dataclass(frozen=True, slots=True)
class CandidateRead:
    """The candidate number read from the digit grid.

    ``digits`` has one character per column: the digit, ``"?"`` where no
    bubble is marked or a bubble is ambiguous, ``"*"`` where two are marked.
    """

    digits: str
    flags: tuple[str, ...] = ()
    fills: tuple[tuple[float, ...], ...] = ()

    @property
    def complete(self) -> bool:
        """True if every column holds exactly one clear digit."""
        return self.digits.isdigit() and not self.flags


@dataclass(frozen=True)
class SheetRead:
    """Everything read from one page image.

    Attributes
    ----------
    status : PageStatus
        Outcome; only ``"read"`` pages carry answers.
    reason : str
        Why a page is not ``"read"``, or notes on a read page; empty if none.
    qr_text : str or None
        Decoded QR payload, None if no code was decoded.
    candidate : CandidateRead or None
        Candidate number grid.
    questions : tuple of QuestionRead
        One per question on the layout, by number.
    rotation_deg : int
        Rotation (0, 90, 180, 270) applied to bring the page upright.
    fit_error_px : float
        RMS residual of the registration, in pixels of the working raster.
    dpi : float
        Resolution of the page image as read.
    timings_ms : dict
        Stage timings in milliseconds, for benchmarks.
    homography : tuple of 3 tuples of 3 floats, or None
        Maps layout pixels at ``working_dpi`` (x, y from the layout's top-left) to pixels of the
        image as given to the reader, in homogeneous coordinates; None if the page was not registered.
    working_dpi : float
        Resolution of the layout-pixel frame of ``homography``, dpi (0 if not registered).
    marks : dict of str to QuestionRead
        The layout's mark rows as read, by key: ``"variant"`` (试卷类型), ``"absent"`` (缺考); empty if none.
    """

    status: PageStatus
    reason: str = ""
    qr_text: str | None = None
    candidate: CandidateRead | None = None
    questions: tuple[QuestionRead, ...] = ()
    rotation_deg: int = 0
    fit_error_px: float = 0.0
    dpi: float = 0.0
    timings_ms: dict[str, float] = field(default_factory=dict)
    homography: tuple[tuple[float, ...], ...] | None = None
    working_dpi: float = 0.0
    marks: dict[str, QuestionRead] = field(default_factory=dict)

    def question(self, number: int) -> QuestionRead:
        """The read of one question by number."""
        return self.questions[number - 1]
