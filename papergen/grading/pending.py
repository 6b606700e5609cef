"""What is left to settle in a results store: questions under review, identity flags, set-aside pages.

A graded sheet is open while a question is under review (the reader flagged
it and no decision settled it) or it carries an identity flag
(:data:`IDENTITY_FLAGS`) and no candidate decision.  A set-aside
(quarantined) page is open until it is registered or keyed in by hand.
Reports warn while anything is left; the review workstation works through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from papergen.grading.identify import (
    CANDIDATE_MISMATCH,
    CANDIDATE_MISSING,
    CANDIDATE_UNREADABLE,
    NOT_ON_ROSTER,
    ROSTER_VARIANT,
)
from papergen.grading.records import DUPLICATE_CANDIDATE, DUPLICATE_SCAN, StoredStatus
from papergen.grading.store import Store

__all__ = ["IDENTITY_FLAGS", "FlagCounts", "flag_counts"]

IDENTITY_FLAGS = (CANDIDATE_MISMATCH, CANDIDATE_UNREADABLE, CANDIDATE_MISSING, NOT_ON_ROSTER, ROSTER_VARIANT,
                  DUPLICATE_CANDIDATE, DUPLICATE_SCAN)
"""Sheet flags about whose sheet it is; a candidate decision (the number confirmed or corrected) settles them."""


@dataclass(frozen=True)
class FlagCounts:
    """Flags left in a results store.

    Attributes
    ----------
    questions : int
        Questions under review.
    identity : int
        Sheets with an identity flag not settled.
    sheets : int
        Graded sheets with either (-1 when not counted).
    set_aside : int
        Quarantined pages not yet registered or keyed in.
    """

    questions: int
    identity: int
    sheets: int
    set_aside: int

    @property
    def total(self) -> int:
        """Everything a reviewer still has to settle."""
        return self.questions + self.identity + self.set_aside


def flag_counts(store: Store, *, sheets: bool = True) -> FlagCounts:
    """How many flags are left in a store (``sheets=False``: without the sheet count, which is then -1)."""
    counts = store.open_counts(IDENTITY_FLAGS, sheets=sheets)
    set_aside = len(store.pages([StoredStatus.QUARANTINED]))
    return FlagCounts(counts["questions"], counts["identity"], counts["sheets"], set_aside)
