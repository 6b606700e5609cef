"""CSV exports of a results store: scores, responses and the review list.

Everything comes from the store (no image is read again), so exports can be
rewritten at any time, e.g. after a rescoring.  Files are UTF-8 with a byte
order mark, so Excel and WPS open the Chinese names and headings correctly,
and are written atomically (temporary file, then rename): a reader never sees
half a file.

scores.csv
    One row per graded sheet: candidate, name (from the exam's roster),
    exam id, variant, one column per format section, total, maximum, flags,
    file and page.
responses.csv
    One row per graded sheet, one column per question: the marked options
    (``"A"``, ``"ACD"``, judge ``"T"``/``"F"``), ``""`` if blank, followed by
    :data:`REVIEW_MARK` when the question is listed for review.
review.csv
    One row per thing a person should look at: pages not graded (refused,
    quarantined, not a sheet, errors), sheet flags, and questions under review.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from papergen.errors import ReportError
from papergen.files import write_csv
from papergen.wording import format_points
from papergen.exam import ExamManifest
from papergen.grading.scoring import QuestionScore
from papergen.grading.records import PROBLEM_STATUSES, GradedSheet, PageRow
from papergen.grading.store import Store

__all__ = [
    "SCORES_CSV",
    "RESPONSES_CSV",
    "REVIEW_CSV",
    "REVIEW_MARK",
    "write_exports",
    "scores_table",
    "responses_table",
    "review_table",
]

SCORES_CSV = "scores.csv"
RESPONSES_CSV = "responses.csv"
REVIEW_CSV = "review.csv"
REVIEW_MARK = "?"
"""Appended to a response cell whose question is listed for review."""


Table = tuple[list[str], Iterable[list[str]]]


def write_exports(store: Store, out_dir: str | Path) -> list[Path]:
    """Write scores.csv, responses.csv and review.csv from the store into ``out_dir``.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ReportError
        If a file cannot be written (e.g. it is open in a spreadsheet program).
    """
    out = Path(out_dir)
    manifests = store.manifests()
    tables = {  # each table is built as it is written: rows stream from the store's cursors
        SCORES_CSV: lambda: scores_table(store.iter_graded_sheets(), manifests),
        RESPONSES_CSV: lambda: responses_table(store.iter_graded_sheets(), manifests,
                                               questions=store.max_question_number()),
        REVIEW_CSV: lambda: review_table(store.pages(PROBLEM_STATUSES), store.iter_graded_sheets(for_review=True)),
    }
    written = []
    for name, table in tables.items():
        header, rows = table()
        written.append(write_csv(out / name, header, rows, ReportError))
    return written


def scores_table(sheets: Iterable[GradedSheet], manifests: Mapping[str, ExamManifest]) -> Table:
    """Header and rows of scores.csv (see the module docstring); rows come as ``sheets`` are consumed."""
    sections = _section_columns(manifests.values())
    names = _roster_names(manifests)
    header = ["candidate", "name", "exam_id", "variant", *(title for _, title in sections),
              "total", "max", "flags", "file", "page"]

    def rows() -> Iterator[list[str]]:
        for sheet in sheets:
            points = {s.key: format_points(s.points) for s in sheet.score.sections}
            yield [
                *_identity_cells(sheet.page, names),
                *(points.get(key, "") for key, _ in sections),
                format_points(sheet.score.total), format_points(sheet.score.max_total), _flags_cell(sheet),
                sheet.page.source, str(sheet.page.page_no),
            ]

    return header, rows()


def responses_table(sheets: Iterable[GradedSheet], manifests: Mapping[str, ExamManifest], *,
                    questions: int | None = None) -> Table:
    """Header and rows of responses.csv (see the module docstring).

    ``questions`` is the highest question number of the sheets, if known (the
    store knows it); else the sheets are read once to find it before the rows.
    """
    count = max((q.number for m in manifests.values() for v in m.variants for q in v.questions), default=0)
    names = _roster_names(manifests)
    if questions is None:
        sheets = list(sheets)
        questions = max((q.number for s in sheets for q in s.score.questions), default=0)
    count = max(count, questions)
    header = ["candidate", "name", "exam_id", "variant", "file", "page", *(str(n) for n in range(1, count + 1))]

    def rows() -> Iterator[list[str]]:
        for sheet in sheets:
            cells = {q.number: _response_cell(q) for q in sheet.score.questions}
            yield [
                *_identity_cells(sheet.page, names), sheet.page.source, str(sheet.page.page_no),
                *(cells.get(n, "") for n in range(1, count + 1)),
            ]

    return header, rows()


def review_table(pages: Iterable[PageRow], sheets: Iterable[GradedSheet]) -> Table:
    """Header and rows of review.csv: ungraded pages, sheet flags, questions under review."""
    header = ["file", "page", "candidate", "exam_id", "variant", "question", "reason"]
    rows = [_review_row(p, "", f"{p.status}: {p.reason}") for p in pages]
    for sheet in sheets:
        rows.extend(_review_row(sheet.page, "", f"{f.kind}: {f.detail}") for f in sheet.flags)
        rows.extend(
            _review_row(sheet.page, str(q.number), _question_reason(q)) for q in sheet.score.review_questions
        )
    rows.sort(key=lambda r: (r[0], int(r[1]), int(r[5]) if r[5] else 0))
    return header, rows


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
    parts = list(dict.fromkeys(f.kind for f in sheet.flags))
    review = [str(q.number) for q in sheet.score.review_questions]
    if review:
        parts.append(f"review: {', '.join(review)}")
    return "; ".join(parts)


def _response_cell(question: QuestionScore) -> str:
    return "".join(question.marked) + (REVIEW_MARK if question.review else "")


def _question_reason(question: QuestionScore) -> str:
    read = "".join(question.marked) or "blank"
    return f"{', '.join(question.review)}; read {read}, key {''.join(question.answer)}"


def _review_row(page: PageRow, question: str, reason: str) -> list[str]:
    return [page.source, str(page.page_no), page.candidate or "", page.exam_id or "", page.variant or "",
            question, reason]
