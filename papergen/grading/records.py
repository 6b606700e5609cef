"""The records of a grading run: page statuses, sheet flags, stored pages and rescoring runs.

These values pass between the batch runner, the store, rescoring, the exports
and the reports; none of them knows how it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from omr.result import SheetRead
from papergen.grading.scoring import SheetScore

__all__ = [
    "StoredStatus",
    "PROBLEM_STATUSES",
    "ATTENTION_STATUSES",
    "DUPLICATE_CANDIDATE",
    "DUPLICATE_SCAN",
    "Flag",
    "PageRecord",
    "PageRow",
    "GradedSheet",
    "StoredMarks",
    "ScoreChange",
    "RescoreResult",
]


class StoredStatus(StrEnum):
    """The outcome of one page, as stored (the values are the stored strings).

    graded: read, identified and scored; refused: read but not identified (no
    QR, other exam, unknown variant, checksum mismatch), never scored; blank,
    not_a_sheet, quarantined: as the reader said; error: the page could not be
    decoded or the reader failed (such a page is tried again on the next run).
    """

    GRADED = "graded"
    REFUSED = "refused"
    BLANK = "blank"
    NOT_A_SHEET = "not_a_sheet"
    QUARANTINED = "quarantined"
    ERROR = "error"


PROBLEM_STATUSES = (StoredStatus.REFUSED, StoredStatus.BLANK, StoredStatus.NOT_A_SHEET, StoredStatus.QUARANTINED,
                    StoredStatus.ERROR)
"""Statuses of pages that were not graded and are listed with their reasons (blank pages too: no page vanishes)."""

ATTENTION_STATUSES = (StoredStatus.REFUSED, StoredStatus.QUARANTINED, StoredStatus.ERROR)
"""Not-graded statuses a person must look at; blank and not-a-sheet pages were classified deliberately."""

DUPLICATE_CANDIDATE = "duplicate_candidate"
"""Flag kind: another graded sheet of the exam carries the same candidate number."""
DUPLICATE_SCAN = "duplicate_scan"
"""Flag kind: another graded sheet has the same candidate, variant and (nearly) the same marks: one sheet scanned twice."""


@dataclass(frozen=True, slots=True)
class Flag:
    """A sheet-level reason for review, e.g. ``Flag("duplicate_scan", "same marks as a.pdf page 2")``."""

    kind: str
    detail: str


@dataclass(frozen=True)
class PageRecord:
    """Everything known about one page image, as handed to :meth:`Store.save_page`.

    Attributes
    ----------
    source : str
        The scan file the page came from.
    page_no : int
        1-based page number within the file.
    sha256 : str
        Content hash of the page image; a page is stored once.
    status : StoredStatus
        Outcome of the page.
    reason : str
        Why the page is not graded (or notes); empty if none.  Written in the
        language of the grading run (a flag's ``detail`` too); the status and
        flag kinds are codes, shown in words when exported
        (:mod:`papergen.grading.labels`).
    read : SheetRead or None
        The reader's output; None if the page was never read.
    exam_id, variant, candidate : str or None
        Identity of the sheet, as far as known.
    elapsed_ms : float or None
        Wall time spent on the page, milliseconds.
    """

    source: str
    page_no: int
    sha256: str
    status: StoredStatus
    reason: str = ""
    read: SheetRead | None = None
    exam_id: str | None = None
    variant: str | None = None
    candidate: str | None = None
    elapsed_ms: float | None = None


@dataclass(frozen=True)
class PageRow:
    """One stored page, without its marks."""

    page_id: int
    batch_id: int
    source: str
    page_no: int
    sha256: str
    status: StoredStatus
    reason: str
    exam_id: str | None
    variant: str | None
    candidate: str | None
    qr_text: str | None
    fit_error_px: float | None
    read_at: str


@dataclass(frozen=True)
class GradedSheet:
    """A graded page with its score and sheet-level flags."""

    page: PageRow
    score: SheetScore
    flags: tuple[Flag, ...] = ()
    decisions: int = 0
    """How many reviewers' decisions the score follows."""

    @property
    def needs_review(self) -> bool:
        """True if the sheet carries a flag or a question under review."""
        return bool(self.flags) or self.score.needs_review


@dataclass(frozen=True)
class StoredMarks:
    """A graded page's marked options per key question (for duplicate checks)."""

    page: PageRow
    marked: dict[int, tuple[str, ...]]


@dataclass(frozen=True)
class ScoreChange:
    """How one sheet's score changed in a rescoring run.

    ``questions`` holds ``(number, old points, new points)`` for every question
    whose points or status changed.  ``old_max`` and ``new_max`` are the
    sheet's maximum before and after, points (None for runs read back from a
    store, which keeps totals only; equality ignores them).
    """

    page_id: int
    source: str
    page_no: int
    candidate: str | None
    variant: str
    old_total: float
    new_total: float
    questions: tuple[tuple[int, float, float], ...]
    old_max: float | None = field(default=None, compare=False)
    new_max: float | None = field(default=None, compare=False)

    @property
    def total_changed(self) -> bool:
        """True if the sheet's total changed (not only its maximum or a question's status)."""
        return self.old_total != self.new_total


@dataclass(frozen=True)
class RescoreResult:
    """One rescoring run of one exam's stored sheets."""

    exam_id: str
    at: str
    reason: str
    sheets: int
    changes: tuple[ScoreChange, ...] = field(default_factory=tuple)

    @property
    def total_changes(self) -> tuple[ScoreChange, ...]:
        """The changes of sheets whose total changed."""
        return tuple(c for c in self.changes if c.total_changed)
