"""What is left to settle: flagged questions and identities sheet by sheet, set-aside pages.

What counts as open is grading's (:mod:`papergen.grading.pending`); this
module lays a sheet's open items out for the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from omr.result import MarkState
from papergen.grading import IDENTITY_FLAGS, Flag, PageRow, Store

__all__ = ["QuestionItem", "IdentityItem", "SheetItems", "sheet_items", "open_sheets"]

_STATE_LETTER = {MarkState.MARKED: "m", MarkState.BLANK: "b", MarkState.AMBIGUOUS: "a"}


@dataclass(frozen=True)
class QuestionItem:
    """One question of a sheet as the reviewer sees it.

    ``fills`` are the bubbles' darkness in [0, 1] and ``states`` one letter
    per option (m marked, b blank, a ambiguous) as read; ``read`` the options
    read as marked; ``decided`` the standing decision (option keys) or None.
    """

    number: int
    options: tuple[str, ...]
    fills: tuple[float, ...]
    states: str
    read: str
    reasons: tuple[str, ...]
    answer: str
    decided: str | None


@dataclass(frozen=True)
class IdentityItem:
    """A sheet's candidate number as read, its flags, and the standing decision (or None)."""

    flags: tuple[Flag, ...]
    digits: str
    fills: tuple[tuple[float, ...], ...]
    candidate: str
    decided: str | None


@dataclass(frozen=True)
class SheetItems:
    """Everything to settle on one graded sheet (and what was already decided there)."""

    page: PageRow
    questions: tuple[QuestionItem, ...]
    identity: IdentityItem | None


def open_sheets(store: Store, *, after: tuple[str, int] | None = None, limit: int | None = None) -> list[PageRow]:
    """Graded sheets with something left to settle, by file and page (those after ``after`` = (file, page))."""
    return store.open_sheets(IDENTITY_FLAGS, after=after, limit=limit)


def sheet_items(store: Store, page: PageRow) -> SheetItems:
    """The questions under review or decided, and the identity item, of one graded sheet."""
    read = store.sheet_read(page.page_id)
    score = store.sheet_score(page.page_id)
    answers: dict[int, str | None] = {}
    number: str | None = None
    for d in store.decisions(page.sha256):
        if d.kind == "answer" and d.question is not None:
            answers[d.question] = d.after
        elif d.kind == "candidate":
            number = d.after
    reads = {q.number: q for q in read.questions}
    wanted = {q.number: q for q in score.questions if q.review or q.number in answers} if score else {}
    questions = tuple(
        QuestionItem(n, reads[n].options, reads[n].fills, "".join(_STATE_LETTER[s] for s in reads[n].states),
                     "".join(reads[n].marked), q.review or _reasons_of(reads[n]), "".join(q.answer), answers.get(n))
        for n, q in sorted(wanted.items()) if n in reads
    )
    flags = tuple(f for f in store.page_flags(page.page_id) if f.kind in IDENTITY_FLAGS)
    identity = None
    if flags or number is not None:
        grid = read.candidate
        identity = IdentityItem(flags, grid.digits if grid else "", grid.fills if grid else (),
                                page.candidate or "", number)
    return SheetItems(page, questions, identity)


def _reasons_of(read) -> tuple[str, ...]:
    reasons = tuple(read.flags)
    return reasons + (("ambiguous",) if MarkState.AMBIGUOUS in read.states and "ambiguous" not in reasons else ())
