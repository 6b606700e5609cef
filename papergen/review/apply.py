"""Settling flags by file: a filled-in review.csv applied to the results store.

``papergen review RESULTS --apply review.csv`` reads the ``decision`` column
(see :mod:`papergen.grading.exports`; headings in Chinese or English, as any
papergen wrote them, in any encoding :func:`papergen.files.decode_text`
detects): option letters, 对/错 or 空 on question rows,
the candidate number on sheet-flag rows, 缺考 on absentee rows.  Rows with
an empty decision, or the decision already standing, are left alone.  Every
row is checked first and every problem is reported with its CSV line; only
a file without problems is applied, in one transaction, with the same
audit trail as the browser.  The exports are then rewritten.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from papergen.errors import ReviewError
from papergen.files import decode_text
from papergen.grading import (
    ABSENT,
    ABSENT_WORD,
    Decision,
    NewDecision,
    PageRow,
    Store,
    parse_answer,
    open_results,
    parse_candidate,
    write_exports,
)
from papergen.grading.exports import review_headings
from papergen.grading.labels import status_label
from papergen.i18n import _, LANGUAGES, os_error_reason, using_language
from papergen.review.sitting import RosterPerson, Sitting, reconcile

__all__ = ["ApplyResult", "apply_review_csv"]

_COLUMNS = ("file", "page", "candidate", "exam_id", "question")
"""Columns a review.csv must have; ``decision`` may be missing (a file written before decisions existed:
nothing to apply, and the exports are rewritten with the column)."""


@dataclass(frozen=True)
class ApplyResult:
    """What applying a review.csv did: decisions recorded, rows already standing, the sitting after."""

    applied: tuple[Decision, ...]
    unchanged: int
    sitting: Sitting

    def describe(self) -> list[str]:
        """Lines for the command line."""
        return [_("Decisions recorded: {applied}; {unchanged} rows as already decided").format(
            applied=len(self.applied), unchanged=self.unchanged), *self.sitting.describe()]


def apply_review_csv(results_dir: str | Path, csv_path: str | Path, *, who: str,
                     roster: Sequence[RosterPerson] | None = None) -> ApplyResult:
    """Apply the filled-in decisions of a review.csv to a results folder and rewrite its exports.

    Parameters
    ----------
    results_dir : path
        The grading output folder.
    csv_path : path
        A review.csv (as exported, decision column filled in).
    who : str
        The reviewer, recorded with every decision.
    roster : sequence of RosterPerson, optional
        Roster for the reconciliation summary and review.csv's absentee rows, instead of the exams' own.

    Raises
    ------
    ReviewError
        Listing every bad row (``<file>: line <n>: <problem>``); nothing is applied then.
    """
    rows = _read_rows(Path(csv_path))
    with open_results(results_dir) as store:
        requests, unchanged = _requests(store, Path(csv_path), rows)
        applied = store.record_decisions(requests, who=who) if requests else []
        write_exports(store, results_dir, roster=roster)
        return ApplyResult(tuple(applied), unchanged, reconcile(store, roster))


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReviewError(_("{path}: cannot read ({error})").format(path=path, error=os_error_reason(exc))) from exc
    text = decode_text(raw, path, ReviewError)  # Excel and WPS may save it back as GBK or UTF-16
    reader = csv.reader(io.StringIO(text, newline=""))
    names = _column_names()
    header = [names.get(h.strip(), h.strip()) for h in next(reader, [])]
    missing = [c for c in _COLUMNS if c not in header]
    if missing:
        wanted = review_headings()
        raise ReviewError(_("{path}: line 1: not a review.csv header (missing {missing}; got {header})").format(
            path=path, missing=", ".join(wanted[c] for c in missing), header=header))
    rows, line = [], reader.line_num + 1
    for cells in reader:
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        rows.append((line, {"decision": "", **row}))
        line = reader.line_num + 1
    return rows


def _column_names() -> dict[str, str]:
    """review.csv's headings in every language papergen speaks -> the column's name."""
    names = {}
    for lang in LANGUAGES:
        with using_language(lang):
            names.update({heading: name for name, heading in review_headings().items()})
    return names


def _requests(store: Store, path: Path, rows: list[tuple[int, dict[str, str]]]) -> tuple[list[NewDecision], int]:
    pages: dict[tuple[str, str], list[PageRow]] = {}
    for page in store.pages():
        pages.setdefault((page.source, str(page.page_no)), []).append(page)
    standing = {d.target: d.after for d in store.latest_decisions().values()}
    chosen: dict[tuple, tuple[int, NewDecision]] = {}
    problems: list[str] = []
    unchanged = 0
    for line, row in rows:
        if not row["decision"]:
            continue
        try:
            request, target, value = _request(store, pages, row)
        except ReviewError as exc:
            problems.append(_("{path}: line {line}: {problem}").format(path=path, line=line, problem=exc))
            continue
        earlier = chosen.get(target)
        if earlier is not None and earlier[1].after != request.after:
            problems.append(_("{path}: line {line}: decides {after}, line {earlier} decided {before} for the same "
                              "{kind}; keep one").format(path=path, line=line, after=repr(request.after),
                                                         earlier=earlier[0], before=repr(earlier[1].after),
                                                         kind=request.kind))
        elif earlier is None and standing.get(target) == value:
            unchanged += 1
        elif earlier is None:
            chosen[target] = (line, request)
    if problems:
        raise ReviewError(_("{problems}\nnothing was applied; correct these rows and apply the file again").format(
            problems="\n".join(problems)))
    return [request for _, request in chosen.values()], unchanged


def _request(store: Store, pages: dict[tuple[str, str], list[PageRow]], row: dict[str, str]
             ) -> tuple[NewDecision, tuple, str]:
    """The decision a row asks for, its target (see :attr:`Decision.target`) and the value to compare."""
    text = row["decision"]
    if not row["file"] and not row["page"]:
        if text not in (ABSENT_WORD, ABSENT):
            raise ReviewError(_("an absentee row takes {absent} (got {text})").format(absent=ABSENT_WORD,
                                                                                     text=repr(text)))
        request = NewDecision("absent", ABSENT, exam_id=row["exam_id"], candidate=row["candidate"])
        return request, ("absent", None, None, row["exam_id"], row["candidate"]), ABSENT
    page = _graded_page(pages, row)
    if not row["question"]:
        number = parse_candidate(text)
        target = ("candidate", page.sha256, None, None, None)
        return NewDecision("candidate", number, sha256=page.sha256), target, number
    if not row["question"].isdigit():
        raise ReviewError(_("question must be a number (got {question})").format(question=repr(row["question"])))
    question = int(row["question"])
    reads = {q.number: q for q in store.sheet_read(page.page_id).questions}
    if question not in reads:
        raise ReviewError(_("{source} page {page} has no question {question}").format(
            source=page.source, page=page.page_no, question=question))
    keys = parse_answer(text, reads[question].options)
    request = NewDecision("answer", keys, sha256=page.sha256, question=question)
    return request, ("answer", page.sha256, question, None, None), keys


def _graded_page(pages: dict[tuple[str, str], list[PageRow]], row: dict[str, str]) -> PageRow:
    found = pages.get((row["file"], row["page"]), [])
    graded = [p for p in found if p.status == "graded"]
    if not found:
        raise ReviewError(_("no stored page {source} page {page}; was the file renamed?").format(
            source=row["file"], page=row["page"]))
    if not graded:
        raise ReviewError(_("{source} page {page} is not graded (status {status}); register it or key it in with "
                            "the browser review first").format(source=row["file"], page=row["page"],
                                                               status=status_label(found[0].status)))
    if len(graded) > 1:
        raise ReviewError(_("{source} page {page} names {count} graded pages (the file changed between runs); "
                            "settle these in the browser review").format(source=row["file"], page=row["page"],
                                                                         count=len(graded)))
    return graded[0]
