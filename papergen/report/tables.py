"""Spreadsheet exports of a cohort report: the item-analysis CSV and the XLSX workbook.

Both are computed from one :class:`~papergen.report.summary.CohortReport`,
so their numbers equal the PDF's.  Column names and meanings are listed in
``docs/exports.md``.  The CSV uses the machine names (the ``key`` of each
column), UTF-8 with a byte order mark like the grading exports; the
workbook uses headings and sheet names in the language in use (Chinese:
成绩, 题目分析, 概况, 答案更正), and holds numbers as numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from papergen.errors import ReportError
from papergen.files import SPREADSHEET_HINT, write_atomically, write_csv
from papergen.i18n import N_, _
from papergen.wording import format_points
from papergen.report.item_analysis import WHOLE_PAPER, ItemAnalysis
from papergen.report.report_text import option_counts_text, pending_note, small_sample_note, summary_pairs
from papergen.report.wording import columns as text_columns
from papergen.report.summary import CohortReport

__all__ = [
    "Column",
    "ITEM_COLUMNS",
    "SCORE_COLUMNS_HEAD",
    "SCORE_COLUMNS_TAIL",
    "CHOICE_OPTIONS",
    "item_analysis_rows",
    "score_rows",
    "write_item_analysis_csv",
    "write_workbook",
    "item_analysis_csv_name",
    "workbook_name",
    "file_part",
    "score_columns",
]

CHOICE_OPTIONS = ("A", "B", "C", "D", "E", "F")
"""Option labels that get their own count column."""


@dataclass(frozen=True)
class Column:
    """One export column: machine name (CSV header) and heading (workbook).

    ``title`` is English, marked for the catalogue and translated when the
    workbook is written (:meth:`heading`).
    """

    key: str
    title: str

    def heading(self) -> str:
        """The heading in the language in use."""
        return _(self.title)


class OptionColumn(Column):
    """The count of one option's choosers: its heading names the option."""

    def heading(self) -> str:
        return _(self.title).format(option=self.key.removeprefix("option_"))


class SectionColumn(Column):
    """A format section's points, headed by the format's own title of the section."""

    def heading(self) -> str:
        return self.title


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("exam_id", N_("Exam id")),
    Column("item_id", N_("Item")),
    Column("section", N_("Section code")),
    Column("type", N_("Type")),
    Column("topic", N_("Topic")),
    Column("questions", N_("Questions")),
    Column("printed_key", N_("Key")),
    Column("key", N_("Bank key")),
    Column("points", N_("Points")),
    Column("dropped", N_("Dropped")),
    Column("candidates", N_("Candidates answering")),
    Column("p_value", N_("Difficulty P")),
    Column("p_upper", N_("Upper group P")),
    Column("p_lower", N_("Lower group P")),
    Column("discrimination", N_("Discrimination D")),
    Column("point_biserial", N_("Point-biserial r")),
    Column("blank_rate", N_("Blank rate")),
    Column("multi_rate", N_("Multiple-mark rate")),
    *(OptionColumn(f"option_{label}", N_("Chose {option}")) for label in CHOICE_OPTIONS),
    Column("option_true", N_("Chose true (对)")),
    Column("option_false", N_("Chose false (错)")),
    Column("upper_choices", N_("Upper group's choices")),
    Column("lower_choices", N_("Lower group's choices")),
    Column("miskey_suspect", N_("Suspected miskey")),
    Column("flags", N_("Flags")),
)
"""Columns of the item analysis, one row per item (see docs/exports.md)."""

SCORE_COLUMNS_HEAD: tuple[Column, ...] = (
    Column("candidate", N_("Candidate number")),
    Column("name", N_("Name")),
    Column("exam_id", N_("Exam id")),
    Column("variant", N_("Variant")),
)
SCORE_COLUMNS_TAIL: tuple[Column, ...] = (
    Column("total", N_("Total")),
    Column("max", N_("Full marks")),
    Column("percent", N_("Score rate")),
    Column("passed", N_("Passed")),
    Column("review", N_("Needs review")),
    Column("file", N_("File")),
    Column("page", N_("Page")),
)
"""Score columns around one column per format section (titled by the section)."""

Cell = str | int | float | None
_PASSED_TEXT = {"pass": N_("Yes"), "fail": N_("No"), "pending": N_("Pending review")}
"""The passed column's values, translated when written."""
_CSV_DECIMALS = 4


def file_part(exam_id: str) -> str:
    """An exam id made safe for a file name: characters other than ``A-Za-z0-9._-`` become ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", exam_id) or "_"


def item_analysis_csv_name(exam_id: str) -> str:
    """File name of an exam's item-analysis CSV."""
    return f"item-analysis-{file_part(exam_id)}.csv"


def workbook_name(exam_id: str) -> str:
    """File name of an exam's XLSX workbook."""
    return f"results-{file_part(exam_id)}.xlsx"


# -- rows -------------------------------------------------------------------------


def item_analysis_rows(report: CohortReport) -> list[list[Cell]]:
    """One row per item in :data:`ITEM_COLUMNS` order; numbers as floats (NaN where undefined)."""
    return [_item_row(report, a) for a in report.analysis.items]


def _item_row(report: CohortReport, a: ItemAnalysis) -> list[Cell]:
    item, counts = a.item, a.options
    answers = (item.key, *item.also_accept)
    chosen = dict(zip(counts.options, counts.all))
    judge = item.type == "judge"
    return [
        report.cohort.exam_id, item.item_id, item.section, item.type, item.topic or "",
        " ".join(f"{v}:{n}" for v, n in sorted(item.numbers.items())),
        " ".join(f"{v}:{_joined(item.printed(v, a) for a in answers)}" for v in sorted(item.numbers)),
        _joined(answers),
        item.points, int(item.dropped), a.candidates,
        a.p_value, a.p_upper, a.p_lower, a.discrimination, a.point_biserial, a.blank_rate,
        a.multi_rate if item.type != "multi" else math.nan,
        *(None if judge else chosen.get(label) for label in CHOICE_OPTIONS),
        chosen.get("T") if judge else None, chosen.get("F") if judge else None,
        option_counts_text(counts, "upper"), option_counts_text(counts, "lower"),
        int(a.miskey_suspect), ";".join(a.flags),
    ]


def _joined(answers) -> str:
    """Answers as letters, further accepted ones after ``/`` (``"B/C"``)."""
    return "/".join("".join(answer) for answer in answers)


def score_columns(report: CohortReport) -> list[Column]:
    """The score columns: identity, one per format section, total and the rest."""
    sections = [SectionColumn(s.key, s.title) for s in report.cohort.format.sections]
    return [*SCORE_COLUMNS_HEAD, *sections, *SCORE_COLUMNS_TAIL]


def score_rows(report: CohortReport) -> list[list[Cell]]:
    """One row per sheet of the cohort in :func:`score_columns` order."""
    cohort = report.cohort
    keys = [s.key for s in cohort.format.sections]
    rows = []
    for sheet, name, verdict in zip(cohort.sheets, cohort.names, report.verdicts):
        by_key = {s.key: s.points for s in sheet.score.sections}
        review = ",".join(str(q.number) for q in sheet.score.review_questions)
        flags = ";".join(dict.fromkeys(f.kind for f in sheet.flags))
        share = sheet.score.total / sheet.score.max_total if sheet.score.max_total else math.nan
        rows.append([
            sheet.page.candidate or "", name, cohort.exam_id, sheet.score.variant,
            *(by_key.get(k) for k in keys),
            sheet.score.total, sheet.score.max_total, share, _(_PASSED_TEXT[verdict]),
            "; ".join(p for p in (flags, review) if p), sheet.page.source, sheet.page.page_no,
        ])
    return rows


# -- CSV --------------------------------------------------------------------------


def write_item_analysis_csv(report: CohortReport, out_dir: str | Path) -> Path:
    """Write ``item-analysis-<exam>.csv`` into ``out_dir``; returns its path.

    Raises
    ------
    ReportError
        If the file cannot be written.
    """
    path = Path(out_dir) / item_analysis_csv_name(report.cohort.exam_id)
    rows = [[_csv_cell(c) for c in row] for row in item_analysis_rows(report)]
    return write_csv(path, [c.key for c in ITEM_COLUMNS], rows, ReportError)


def _csv_cell(value: Cell) -> str:
    """Empty for missing or undefined; numbers with at most four decimals (``0.6667``, ``0.5``, ``1``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else format_points(round(value, _CSV_DECIMALS) + 0.0)  # + 0.0: no "-0"
    return str(value)


# -- XLSX -------------------------------------------------------------------------


_MIN_WIDTH, _MAX_WIDTH = 8, 28  # workbook column widths, characters
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_MISKEY_FILL = PatternFill("solid", fgColor="FFDDDD")
_PERCENT_KEYS = frozenset({"percent", "p_value", "p_upper", "p_lower", "blank_rate", "multi_rate"})
_DECIMAL_KEYS = frozenset({"discrimination", "point_biserial"})


def write_workbook(report: CohortReport, out_dir: str | Path) -> Path:
    """Write ``results-<exam>.xlsx`` (sheets 成绩, 题目分析, 概况, 答案更正 in Chinese) into ``out_dir``.

    Written to a temporary file, then renamed, so a reader never sees half a workbook.

    Raises
    ------
    ReportError
        If the file cannot be written (e.g. it is open in a spreadsheet program).
    """
    path = Path(out_dir) / workbook_name(report.cohort.exam_id)
    book = Workbook()
    scores = book.active
    scores.title = _("Scores")
    _fill_sheet(scores, score_columns(report), score_rows(report))
    analysis = book.create_sheet(_("Item analysis"))
    _fill_sheet(analysis, ITEM_COLUMNS, item_analysis_rows(report),
                highlight=[a.miskey_suspect for a in report.analysis.items])
    _fill_overview(book.create_sheet(_("Summary")), report)
    _fill_corrections(book.create_sheet(_("Key corrections")), report)
    _no_formulas(book)
    return write_atomically(path, book.save, ReportError, hint=SPREADSHEET_HINT)


def _no_formulas(book: Workbook) -> None:
    """Store every text cell as text: a name such as ``=HYPERLINK(...)`` must never become a live formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _fill_sheet(sheet, columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
                highlight: Sequence[bool] = ()) -> None:
    headings = [c.heading() for c in columns]
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for index, row in enumerate(rows):
        sheet.append([_xlsx_cell(v) for v in row])
        if index < len(highlight) and highlight[index]:
            for cell in sheet[index + 2]:
                cell.fill = _MISKEY_FILL
    for position, (column, heading) in enumerate(zip(columns, headings), start=1):
        letter = get_column_letter(position)
        if column.key in _PERCENT_KEYS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = "0.0%"
        elif column.key in _DECIMAL_KEYS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = "0.00"
        sheet.column_dimensions[letter].width = _column_width(heading)
    sheet.freeze_panes = "A2"


def _column_width(title: str) -> int:
    """Column width in characters: room for the heading (a Chinese character is two wide), within limits."""
    return max(_MIN_WIDTH, min(_MAX_WIDTH, text_columns(title) + 2))


def _xlsx_cell(value: Cell) -> Cell:
    """A value openpyxl accepts: NaN as an empty cell, text without the control characters XLSX cannot hold."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _fill_overview(sheet, report: CohortReport) -> None:
    sheet.append([_("Figure"), _("Value")])
    for label, value in summary_pairs(report):
        sheet.append([label, value])
    for line in (pending_note(report), small_sample_note(report)):
        if line:
            sheet.append([_("Note"), line])
    sheet.append([])
    sheet.append([_("Reliability of"), _("Variant"), _("Coefficient"), _("Value"), _("Items"), _("Candidates"),
                  _("SD"), _("SEM")])
    for r in report.analysis.reliability:
        sheet.append([_(WHOLE_PAPER) if r.scope == "total" else r.title, r.form, r.coefficient, _xlsx_cell(r.value), r.items, r.candidates,
                      _xlsx_cell(r.sd), _xlsx_cell(r.sem)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 18


def _fill_corrections(sheet, report: CohortReport) -> None:
    sheet.append([_("When"), _("Reason"), _("Sheets rescored"), _("Scores changed")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in report.rescores:
        sheet.append([r.at, _xlsx_cell(r.reason), r.sheets, len(r.changes)])
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 40
