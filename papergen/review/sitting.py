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
        """Summary lines for the command line (Chinese first)."""
        lines = []
        for e in self.exams:
            roster = f"名单 {len(e.roster)} 人，" if e.roster else "无名单，"
            absent = len(e.absent) + len(e.confirmed_absent)
            lines.append(f"考试 {e.exam_id}：{roster}到考 {len(e.present)}，缺考 {absent}"
                         f"（已确认 {len(e.confirmed_absent)}），名单外 {len(e.not_on_roster) if e.roster else 0}，"
                         f"重复考号 {len(e.duplicates)}")
            lines += [f"  缺考待确认：{p.number} {p.name}" for p in e.absent]
            strangers = e.not_on_roster if e.roster else ()
            lines += [f"  名单外：{_page(p)} 考号 {p.candidate or '（无）'}" for p in strangers]
            lines += [f"  重复考号 {n}：{'、'.join(_page(p) for p in pages)}" for n, pages in e.duplicates.items()]
        lines.append(f"已评分 {self.graded} 张，未评分页 {len(self.not_graded)}，"
                     f"待复核：{self.flags.questions} 题、{self.flags.identity} 个考号、"
                     f"{self.flags.set_aside} 张搁置答题卡；已有复核决定 {self.decisions} 条")
        lines += [f"  未评分：{_page(p)}（{p.status}：{p.reason}）" for p in self.not_graded]
        return lines


def next_steps(sitting: Sitting, results_dir: str) -> list[str]:
    """What a proctor does next with this sitting, most urgent first (Chinese first, the command to run)."""
    steps = []
    if sitting.not_graded:
        steps.append(f"检查 {len(sitting.not_graded)} 个未评分页（见上表）：重新扫描后再次运行 papergen grade，"
                     "或在复核界面中登记搁置的答题卡")
    open_items = sitting.flags.total + sum(len(e.absent) for e in sitting.exams)
    if open_items:
        steps.append(f"复核剩余 {open_items} 处：papergen review {results_dir}"
                     f"（或填写 review.csv 的 decision 列后 papergen review {results_dir} --apply review.csv）")
    if sitting.settled:
        steps.append(f"全部复核完毕：papergen report {results_dir} --out reports/ 生成成绩报告")
    else:
        steps.append(f"复核完毕前也可生成报告（待复核的成绩标为“待定”）：papergen report {results_dir} --out reports/")
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
    return f"{page.source} 第 {page.page_no} 页"
