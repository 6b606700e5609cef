"""Roster reconciliation: who sat, who is absent (缺考), and what does not add up.

For every exam of a results store, the graded sheets' candidate numbers
(after reviewers' decisions) are held against the exam's roster (the one in
its key, or one given as a CSV): candidates present, absent (and whether a
reviewer confirmed the absence), sheets whose number is not on the roster,
numbers on more than one sheet; for the whole store, the pages not graded
and the flags left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from papergen.grading import ABSENT, FlagCounts, PageRow, Store, flag_counts
from papergen.grading.exports import review_headings
from papergen.grading.labels import page_reason
from papergen.i18n import _, ngettext, pgettext

__all__ = ["RosterPerson", "ExamRoll", "Sitting", "reconcile", "next_steps", "NOT_GRADED"]

NOT_GRADED = ("refused", "quarantined", "not_a_sheet", "error")
"""Page statuses counted as pages not graded (blank backs are not)."""


class RosterPerson(Protocol):
    """A roster row: :class:`papergen.manifest.Candidate` or :class:`papergen.roster.RosterEntry`."""

    number: str
    name: str
    variant: str


@dataclass(frozen=True)
class ExamRoll:
    """One exam's roster held against its graded sheets.

    Attributes
    ----------
    exam_id : str
        The exam.
    roster : tuple of RosterPerson
        The roster used (empty if the exam has none).
    present : tuple of (RosterPerson, tuple of PageRow)
        Roster candidates with at least one graded sheet.
    absent : tuple of RosterPerson
        Roster candidates without a graded sheet whose absence no reviewer confirmed.
    confirmed_absent : tuple of RosterPerson
        Roster candidates confirmed absent (缺考).
    not_on_roster : tuple of PageRow
        Graded sheets whose candidate number is not on the roster (all of them lack one if there is no roster).
    duplicates : dict of str to tuple of PageRow
        Candidate numbers carried by more than one graded sheet.
    """

    exam_id: str
    roster: tuple[RosterPerson, ...]
    present: tuple[tuple[RosterPerson, tuple[PageRow, ...]], ...]
    absent: tuple[RosterPerson, ...]
    confirmed_absent: tuple[RosterPerson, ...]
    not_on_roster: tuple[PageRow, ...]
    duplicates: dict[str, tuple[PageRow, ...]]


@dataclass(frozen=True)
class Sitting:
    """A results store reconciled: every exam's roll, pages not graded, flags left, decisions made."""

    exams: tuple[ExamRoll, ...]
    not_graded: tuple[PageRow, ...]
    flags: FlagCounts
    decisions: int
    graded: int = 0
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def settled(self) -> bool:
        """True when no flag is left and every roster candidate is present or confirmed absent."""
        return self.flags.total == 0 and not any(e.absent for e in self.exams)

    def describe(self) -> list[str]:
        """Summary lines for the command line, in the language in use."""
        lines = []
        for e in self.exams:
            counts = {"exam": e.exam_id, "roster": len(e.roster), "present": len(e.present),
                      "absent": len(e.absent) + len(e.confirmed_absent), "confirmed": len(e.confirmed_absent),
                      "strangers": len(e.not_on_roster) if e.roster else 0, "duplicates": len(e.duplicates)}
            if e.roster:
                lines.append(_("Exam {exam}: roster of {roster}, present {present}, absent {absent} ({confirmed} "
                               "confirmed), not on the roster {strangers}, duplicate numbers {duplicates}")
                             .format(**counts))
            else:
                lines.append(_("Exam {exam}: no roster, present {present}, absent {absent} ({confirmed} confirmed), "
                               "not on the roster {strangers}, duplicate numbers {duplicates}").format(**counts))
            lines += ["  " + _("absent, to confirm: {number} {name}").format(number=p.number, name=p.name)
                      for p in e.absent]
            strangers = e.not_on_roster if e.roster else ()
            lines += ["  " + _("not on the roster: {page} candidate number {number}").format(
                page=_page(p), number=p.candidate or _("(none)")) for p in strangers]
            lines += ["  " + _("duplicate number {number}: {pages}").format(
                number=n, pages=pgettext("list separator", ", ").join(_page(p) for p in pages))
                      for n, pages in e.duplicates.items()]
        lines.append(_("Graded {graded} sheets, pages not graded {not_graded}, to review: {questions} questions, "
                       "{identity} candidate numbers, {set_aside} set-aside sheets; decisions made {decisions}").format(
            graded=self.graded, not_graded=len(self.not_graded), questions=self.flags.questions,
            identity=self.flags.identity, set_aside=self.flags.set_aside, decisions=self.decisions))
        lines += ["  " + _("not graded: {page} ({reason})").format(page=_page(p), reason=page_reason(p.status, p.reason))
                  for p in self.not_graded]
        return lines


def next_steps(sitting: Sitting, results_dir: str) -> list[str]:
    """What a proctor does next with this sitting, most urgent first, with the command to run."""
    steps = []
    if sitting.not_graded:
        steps.append(ngettext("check the page not graded (listed above): rescan it and run papergen grade again, "
                              "or register the set-aside sheet in the review workstation",
                              "check the {count} pages not graded (listed above): rescan them and run papergen "
                              "grade again, or register the set-aside sheets in the review workstation",
                              len(sitting.not_graded)).format(count=len(sitting.not_graded)))
    open_items = sitting.flags.total + sum(len(e.absent) for e in sitting.exams)
    if open_items:
        steps.append(ngettext("review the {count} item left: papergen review {results} (or fill in the {decision} "
                              "column of review.csv, then papergen review {results} --apply review.csv)",
                              "review the {count} items left: papergen review {results} (or fill in the {decision} "
                              "column of review.csv, then papergen review {results} --apply review.csv)",
                              open_items).format(count=open_items, results=results_dir,
                                                 decision=review_headings()["decision"]))
    if sitting.settled:
        steps.append(_("everything is settled: papergen report {results} --out reports/ writes the reports").format(
            results=results_dir))
    else:
        steps.append(_("reports can be written before the review is finished (scores awaiting review show as "
                       "pending): papergen report {results} --out reports/").format(results=results_dir))
    return steps


def reconcile(store: Store, roster: Sequence[RosterPerson] | None = None) -> Sitting:
    """Reconcile a results store with its rosters.

    Parameters
    ----------
    store : Store
        An open results store.
    roster : sequence of RosterPerson, optional
        A roster to use for every exam instead of the one in its key.

    Returns
    -------
    Sitting
    """
    graded = store.pages(["graded"])
    by_exam: dict[str, list[PageRow]] = defaultdict(list)
    for page in graded:
        by_exam[page.exam_id or ""].append(page)
    absent = _confirmed_absent(store)
    exams = tuple(
        _roll(exam_id, tuple(roster) if roster is not None else tuple(manifest.candidates), by_exam.get(exam_id, []),
              absent.get(exam_id, set()))
        for exam_id, manifest in sorted(store.manifests().items())
    )
    standing = sum(1 for d in store.latest_decisions().values())
    return Sitting(exams, tuple(store.pages(NOT_GRADED)), flag_counts(store), standing, len(graded))


def _roll(exam_id: str, roster: tuple[RosterPerson, ...], sheets: list[PageRow], absent: set[str]) -> ExamRoll:
    by_number: dict[str, list[PageRow]] = defaultdict(list)
    for page in sheets:
        by_number[page.candidate or ""].append(page)
    numbers = {p.number for p in roster}
    present = tuple((p, tuple(by_number[p.number])) for p in roster if p.number in by_number)
    missing = [p for p in roster if p.number not in by_number]
    return ExamRoll(
        exam_id, roster, present,
        tuple(p for p in missing if p.number not in absent), tuple(p for p in missing if p.number in absent),
        tuple(p for p in sheets if (p.candidate or "") not in numbers),
        {n: tuple(pages) for n, pages in sorted(by_number.items()) if n and len(pages) > 1},
    )


def _confirmed_absent(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for d in store.latest_decisions().values():
        if d.kind == "absent" and d.after == ABSENT and d.exam_id and d.candidate:
            out[d.exam_id].add(d.candidate)
    return out


def _page(page: PageRow) -> str:
    return _("{source} page {page}").format(source=page.source, page=page.page_no)
