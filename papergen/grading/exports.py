"""CSV exports of a results store: scores, responses and the review list.

Everything comes from the store (no image is read again), so exports can be
rewritten at any time, e.g. after a rescoring.  Files are UTF-8 with a byte
order mark, so Excel and WPS open the Chinese names and headings correctly
(or GB18030 when asked: :func:`papergen.files.set_csv_encoding`), and are
written atomically (temporary file, then rename): a reader never sees half a
file.  Headings, reasons and true/false answers are in the language in use
(:mod:`papergen.i18n`); the English column names below are the headings in
English.  The reasons and flag details stored at grading time (a refusal, a
duplicate) stay in the language of the grading run; their status and kind
are shown in the language of the export.

scores.csv
    One row per graded sheet: candidate, name (from the exam's roster),
    exam id, variant, one column per format section, total, maximum, flags,
    file, page, and ``decisions``: how many reviewers' decisions the score
    includes (0: the score is the reader's alone).
responses.csv
    One row per graded sheet, one column per question: the marked options
    (``"A"``, ``"ACD"``, judge ``"T"``/``"F"``, 对/错 in Chinese), ``""`` if blank, followed by
    :data:`REVIEW_MARK` when the question is listed for review.
review.csv
    One row per thing a person should look at: every page not graded (blank,
    refused, quarantined, not a sheet, errors: no page goes unlisted), sheet
    flags, questions under review or decided, and roster candidates without a
    graded sheet.  The ``decision`` column holds what a reviewer decided (answer
    letters, 对/错, 空 for blank; the candidate number on sheet-flag rows; 缺考 on
    absentee rows) and may be filled in and applied with
    ``papergen review RESULTS --apply review.csv``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from papergen.errors import ReportError
from papergen.files import write_csv_files
from papergen.wording import format_points
from papergen.exam import ExamManifest
from papergen.grading.decisions import ABSENT_WORD, Decision, format_answer
from papergen.grading.labels import flag_label, flag_reason, marks_text, page_reason, question_reason
from papergen.grading.scoring import QuestionScore
from papergen.grading.records import PROBLEM_STATUSES, GradedSheet, PageRow
from papergen.grading.store import Store
from papergen.i18n import N_, _, pgettext

__all__ = [
    "SCORES_CSV",
    "RESPONSES_CSV",
    "REVIEW_CSV",
    "REVIEW_MARK",
    "write_exports",
    "review_headings",
]

SCORES_CSV = "scores.csv"
RESPONSES_CSV = "responses.csv"
REVIEW_CSV = "review.csv"
REVIEW_MARK = "?"
"""Appended to a response cell whose question is listed for review."""


def write_exports(store: Store, out_dir: str | Path, *, roster: Sequence[Any] | None = None,
                  encoding: str | None = None) -> list[Path]:
    """Write scores.csv, responses.csv and review.csv from the store into ``out_dir``.

    The three files are written in one pass over the store's graded sheets
    (each decoded once, rows streamed from its cursor: memory stays flat);
    review.csv's rows, one per thing to look at, are sorted before writing.
    ``roster`` (rows with ``number``, ``name``, ``variant``), if given, lists
    its candidates without a graded sheet in review.csv instead of the rosters
    in the exams' keys.  ``encoding`` (``"utf-8"`` or ``"gb18030"``) overrides
    the one chosen with :func:`papergen.files.set_csv_encoding`.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ReportError
        If a file cannot be written (e.g. it is open in a spreadsheet program); no file is replaced then.
    """
    out = Path(out_dir)
    manifests = store.manifests()
    scores = _ScoreRows(manifests)
    responses = _ResponseRows(manifests, store.max_question_number())
    review = _ReviewRows(store.pages(PROBLEM_STATUSES), store.decisions(), manifests, roster)

    def fill(add: Sequence[Callable[[Sequence[str]], None]]) -> None:
        for sheet in store.iter_graded_sheets():
            add[0](scores.row(sheet))
            add[1](responses.row(sheet))
            review.add(sheet)
        for row in review.rows():
            add[2](row)

    files = [(out / SCORES_CSV, scores.header), (out / RESPONSES_CSV, responses.header),
             (out / REVIEW_CSV, _review_header())]
    return write_csv_files(files, fill, ReportError, encoding=encoding)


class _ScoreRows:
    """scores.csv: its header, and the row of one graded sheet."""

    def __init__(self, manifests: Mapping[str, ExamManifest]) -> None:
        self.sections = _section_columns(manifests.values())
        self.names = _roster_names(manifests)
        self.header = [*_identity_headings(), *(title for _key, title in self.sections),
                       pgettext("CSV heading", "total"), pgettext("CSV heading", "max"),
                       pgettext("CSV heading", "flags"), pgettext("CSV heading", "file"),
                       pgettext("CSV heading", "page"), pgettext("CSV heading", "decisions")]

    def row(self, sheet: GradedSheet) -> list[str]:
        points = {s.key: format_points(s.points) for s in sheet.score.sections}
        return [
            *_identity_cells(sheet.page, self.names),
            *(points.get(key, "") for key, _title in self.sections),
            format_points(sheet.score.total), format_points(sheet.score.max_total), _flags_cell(sheet),
            sheet.page.source, str(sheet.page.page_no), str(sheet.decisions),
        ]


class _ResponseRows:
    """responses.csv: its header (one column per question up to the highest of keys and ``questions``),
    and the row of one graded sheet."""

    def __init__(self, manifests: Mapping[str, ExamManifest], questions: int) -> None:
        count = max((q.number for m in manifests.values() for v in m.variants for q in v.questions), default=0)
        self.count = max(count, questions)
        self.names = _roster_names(manifests)
        self.header = [*_identity_headings(), pgettext("CSV heading", "file"), pgettext("CSV heading", "page"),
                       *(str(n) for n in range(1, self.count + 1))]

    def row(self, sheet: GradedSheet) -> list[str]:
        cells = {q.number: _response_cell(q) for q in sheet.score.questions}
        return [
            *_identity_cells(sheet.page, self.names), sheet.page.source, str(sheet.page.page_no),
            *(cells.get(n, "") for n in range(1, self.count + 1)),
        ]


class _ReviewRows:
    """review.csv's rows, gathered sheet by sheet: ungraded pages first, then each sheet's flags,
    questions under review and decided answers; :meth:`rows` sorts them and adds the absentees."""

    def __init__(self, pages: Iterable[PageRow], decisions: Sequence[Decision],
                 manifests: Mapping[str, ExamManifest], roster: Sequence[Any] | None) -> None:
        self.answers, self.numbers, self.absent = _standing_decisions(decisions)
        self.manifests, self.roster = manifests, roster
        self.found = [_review_row(p, "", page_reason(p.status, p.reason)) + [""] for p in pages]
        self.present: set[tuple[str | None, str | None]] = set()

    def add(self, sheet: GradedSheet) -> None:
        self.present.add((sheet.page.exam_id, sheet.page.candidate))
        number = self.numbers.get(sheet.page.sha256, "")
        self.found.extend(_review_row(sheet.page, "", flag_reason(f.kind, f.detail)) + [number] for f in sheet.flags)
        self.found.extend(
            _review_row(sheet.page, str(q.number), _question_reason(q)) + [""] for q in sheet.score.review_questions
        )
        self.found.extend(_decided_rows(sheet, self.answers))

    def rows(self) -> list[list[str]]:
        rows = sorted(self.found, key=lambda r: (r[0], int(r[1]), int(r[5]) if r[5] else 0))
        return rows + _absentee_rows(self.present, self.manifests, self.absent, self.roster)


def _review_header() -> list[str]:
    """review.csv's headings in the language in use, in column order."""
    return list(review_headings().values())


def review_headings() -> dict[str, str]:
    """review.csv's columns: name (the English heading, as read back) -> heading in the language in use."""
    return {"file": pgettext("CSV heading", "file"), "page": pgettext("CSV heading", "page"),
            "candidate": pgettext("CSV heading", "candidate"), "exam_id": pgettext("CSV heading", "exam_id"),
            "variant": pgettext("CSV heading", "variant"), "question": pgettext("CSV heading", "question"),
            "reason": pgettext("CSV heading", "reason"), "decision": pgettext("CSV heading", "decision")}


def _identity_headings() -> list[str]:
    """The first headings of scores.csv and responses.csv, in the language in use."""
    return [pgettext("CSV heading", "candidate"), pgettext("CSV heading", "name"),
            pgettext("CSV heading", "exam_id"), pgettext("CSV heading", "variant")]


def _section_columns(manifests: Iterable[ExamManifest]) -> list[tuple[str, str]]:
    """(section key, column title) over all exams, in print order; titles made unique."""
    titles: dict[str, str] = {}
    for manifest in manifests:
        for section in manifest.format.sections:
            titles.setdefault(section.key, section.title)
    repeated = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    return [(key, f"{title} ({key})" if title in repeated else title) for key, title in titles.items()]


def _roster_names(manifests: Mapping[str, ExamManifest]) -> dict[tuple[str, str], str]:
    """Candidate names by (exam id, candidate number), from the manifests' rosters."""
    return {(m.exam_id, c.number): c.name for m in manifests.values() for c in m.candidates}


def _identity_cells(page: PageRow, names: Mapping[tuple[str, str], str]) -> list[str]:
    exam_id, candidate = page.exam_id or "", page.candidate or ""
    return [candidate, names.get((exam_id, candidate), ""), exam_id, page.variant or ""]


def _flags_cell(sheet: GradedSheet) -> str:
    parts = [flag_label(kind) for kind in dict.fromkeys(f.kind for f in sheet.flags)]
    review = [str(q.number) for q in sheet.score.review_questions]
    if review:
        parts.append(_("review: {questions}").format(questions=pgettext("list separator", ", ").join(review)))
    return pgettext("list separator", "; ").join(parts)


def _response_cell(question: QuestionScore) -> str:
    marked = "".join(question.marked)
    shown = marks_text(marked) if marked and set(question.answer) <= {"T", "F"} else marked
    return shown + (REVIEW_MARK if question.review else "")


def _question_reason(question: QuestionScore) -> str:
    return question_reason(question.review, "".join(question.marked), "".join(question.answer))


def _review_row(page: PageRow, question: str, reason: str) -> list[str]:
    return [page.source, str(page.page_no), page.candidate or "", page.exam_id or "", page.variant or "",
            question, reason]


# -- reviewers' decisions in review.csv --------------------------------------------

ABSENT_REASON = N_("absent: on the roster, no sheet graded")
"""The reason of a review.csv row naming a roster candidate without a graded sheet."""


def _standing_decisions(decisions: Sequence[Decision]
                        ) -> tuple[dict[tuple[str, int], tuple[str, Decision]], dict[str, str], set[tuple[str, str]]]:
    """From the audit trail: standing answers ((page hash, question) -> (reader's marks, latest decision)),
    candidate numbers by page hash, and (exam, candidate) confirmed absent."""
    read: dict[tuple[str, int], str] = {}
    answers: dict[tuple[str, int], Decision] = {}
    numbers: dict[str, str | None] = {}
    absent: dict[tuple[str, str], str | None] = {}
    for d in decisions:
        if d.kind == "answer" and d.sha256 is not None and d.question is not None:
            read.setdefault((d.sha256, d.question), d.before or "")
            answers[(d.sha256, d.question)] = d
        elif d.kind == "candidate" and d.sha256 is not None:
            numbers[d.sha256] = d.after
        elif d.kind == "absent" and d.exam_id and d.candidate:
            absent[(d.exam_id, d.candidate)] = d.after
    return ({k: (read[k], d) for k, d in answers.items() if d.after is not None},
            {k: v for k, v in numbers.items() if v is not None},
            {k for k, v in absent.items() if v is not None})


def _decided_rows(sheet: GradedSheet, answers: Mapping[tuple[str, int], tuple[str, Decision]]) -> list[list[str]]:
    rows = []
    for q in sheet.score.questions:
        standing = answers.get((sheet.page.sha256, q.number))
        if standing is None:
            continue
        marks, decision = standing
        flagged = decision.flag.split(", ") if decision.flag else ["decided"]
        reason = question_reason(flagged, marks, "".join(q.answer))
        rows.append(_review_row(sheet.page, str(q.number), reason) + [format_answer(decision.after or "")])
    return rows


def _absentee_rows(present: set[tuple[str | None, str | None]], manifests: Mapping[str, ExamManifest],
                   absent: set[tuple[str, str]], roster: Sequence[Any] | None) -> list[list[str]]:
    return [
        ["", "", c.number, exam_id, c.variant, "", _(ABSENT_REASON), ABSENT_WORD if (exam_id, c.number) in absent else ""]
        for exam_id, manifest in sorted(manifests.items())
        for c in (roster if roster is not None else manifest.candidates)
        if (exam_id, c.number) not in present
    ]
