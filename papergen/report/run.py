"""``papergen report``: every output for every exam of a results folder.

Per exam of the store: the cohort report (PDF and/or HTML), the score slips
(PDF and/or HTML), the item-analysis CSV and the XLSX workbook, and on
request the annotated scans.  One exam's problem (no graded sheet yet, a
bank of another exam, a missing scan file) is recorded and the others are
still written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from omr.layout import SheetLayout
from papergen.bank.model import Bank
from papergen.errors import PapergenError, ReportError
from papergen.exam import resolve_layout
from papergen.report.annotate import AnnotateAs, AnnotateSummary, annotate_sheets
from papergen.report.cohort import load_cohort
from papergen.report.html_report import render_report_html
from papergen.report.pdf_report import render_report_pdf
from papergen.report.slips import AnswerDetail, parse_answer_detail, render_slips_html, render_slips_pdf
from papergen.report.summary import CohortReport, ReportParams, summarise_cohort
from papergen.report.tables import file_part, write_item_analysis_csv, write_workbook
from papergen.files import make_folder
from papergen.grading import Store, flag_counts, open_results
from papergen.i18n import _, ngettext

__all__ = ["REPORT_FORMATS", "ReportRun", "write_reports", "write_exam_exports", "exam_report", "parse_formats",
           "unsettled_warnings"]

REPORT_FORMATS = ("pdf", "html")
"""Formats of the cohort report and the slips."""

Progress = Callable[[int, int], None]
"""A progress callback: ``(done, total)``."""


@dataclass
class ReportRun:
    """What :func:`write_reports` wrote, and what it could not."""

    exams: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    annotated: dict[str, AnnotateSummary] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        """Human-readable lines for the command line."""
        lines = [_("Warning: {warning}").format(warning=w) for w in self.warnings]
        lines += [_("Exams: {exams}").format(exams=", ".join(self.exams) or _("none"))]
        lines += [_("Written: {path}").format(path=p) for p in self.written]
        for exam, summary in self.annotated.items():
            lines.append(_("Annotated {exam}: {files} files, {problems} pages not annotated").format(
                exam=exam, files=len(summary.written), problems=len(summary.problems)))
            lines += [f"  {p}" for p in summary.problems]
        lines += [_("Problem: {problem}").format(problem=p) for p in self.problems]
        return lines


def parse_formats(text: str) -> tuple[str, ...]:
    """``"pdf,html"`` -> ``("pdf", "html")``.

    Raises
    ------
    ReportError
        If a format is not one of :data:`REPORT_FORMATS` or none is given.
    """
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown or not formats:
        raise ReportError(_("report: unknown format {unknown} (got {value!r}); choose from {known}").format(
            unknown=", ".join(unknown) or _("(none)"), value=text, known=", ".join(REPORT_FORMATS)))
    return formats


def exam_report(store: Store, exam_id: str, *, cut: float | None = None, bank: Bank | None = None,
                params: ReportParams = ReportParams()) -> CohortReport:
    """The cohort report of one exam of an open store (topics from ``bank`` if it is the exam's bank).

    Raises
    ------
    ReportError
        If the exam has no graded sheet, or ``bank`` is not the exam's bank.
    """
    manifest = store.manifest(exam_id)
    if bank is not None and manifest is not None and bank.id != manifest.bank_id:
        raise ReportError(_("exam {exam}: the bank given is {bank!r}, the exam was built from {built!r}; pass "
                            "the exam's bank with --bank or leave it out").format(
            exam=exam_id, bank=bank.id, built=manifest.bank_id))
    cohort = load_cohort(store, exam_id, bank=bank)
    return summarise_cohort(cohort, cut=cut, rescores=tuple(store.rescore_history(exam_id)), params=params)


def write_exam_exports(store: Store, exam_id: str, out_dir: str | Path, *, cut: float | None = None,
                       bank: Bank | None = None) -> list[Path]:
    """Write one exam's item-analysis CSV and XLSX workbook into ``out_dir``; returns the paths.

    Raises
    ------
    ReportError
        If the exam has no graded sheet or a file cannot be written.
    """
    report = exam_report(store, exam_id, cut=cut, bank=bank)
    return [write_item_analysis_csv(report, out_dir), write_workbook(report, out_dir)]


def write_reports(
    results_dir: str | Path,
    out_dir: str | Path,
    *,
    cut: float | None = None,
    formats: Sequence[str] = REPORT_FORMATS,
    annotate: bool = False,
    annotate_as: AnnotateAs = "jpeg",
    bank: Bank | None = None,
    layout: SheetLayout | str | Path | None = None,
    answers: AnswerDetail = "none",
    progress: Progress | None = None,
    annotate_progress: Progress | None = None,
) -> ReportRun:
    """Write every report of every exam of a results folder into ``out_dir``.

    Parameters
    ----------
    results_dir : path
        A grading output folder (holds ``results.sqlite``).
    out_dir : path
        Folder for the reports (created if needed).
    cut : float, optional
        Cut score in points of the full marks; default the format's pass mark (else 60 %).
    formats : sequence of str
        Report and slip formats, from :data:`REPORT_FORMATS`.
    annotate : bool
        Also draw the scanned sheets (into ``annotated-<exam>/``).
    annotate_as : {'jpeg', 'png', 'pdf'}
        A JPEG per page, a PNG per page, or a PDF per candidate.
    bank : Bank, optional
        The exams' bank, for the per-topic table.
    layout : SheetLayout or path, optional
        The sheet layout for annotating; default the bundled layout the key names.
    answers : {'none', 'missed', 'all'}
        What the slips list: missed questions without the correct answers
        (keeps a bank meant for reuse unexposed), with them, or every question.
    progress : callable, optional
        Called with ``(done, total)`` files written, over all exams, as each is written.
    annotate_progress : callable, optional
        Called with ``(done, total)`` sheets of an exam as each is annotated (a run per exam).

    Returns
    -------
    ReportRun

    Raises
    ------
    ReportError
        If the folder has no results store, it holds no exam, a format is
        unknown, ``answers`` is unknown, or no exam could be reported on
        (every problem is listed).
    """
    formats = parse_formats(",".join(formats))
    answers = parse_answer_detail(answers)
    results = Path(results_dir)
    with open_results(results) as store:
        out = make_folder(out_dir, ReportError, "the report folder")
        run = ReportRun()
        run.exams = sorted(store.manifests())
        if not run.exams:
            raise ReportError(_("{path}: no exam graded yet; run 'papergen grade' first").format(path=store.path))
        files = _Files(progress, len(run.exams), _files_per_exam(formats))
        for exam_id in run.exams:
            try:
                report = exam_report(store, exam_id, cut=cut, bank=bank)
                run.written += _write_exam(report, out, formats, answers, files)
                if annotate:
                    run.annotated[exam_id] = _annotate(store, report, out, annotate_as, layout, results,
                                                       annotate_progress)
            except PapergenError as exc:
                run.problems.append(str(exc))
            files.exam_done()
        run.warnings = unsettled_warnings(store, results)
    if not run.written:
        raise ReportError(_("report: nothing written: {problems}").format(problems="; ".join(run.problems)))
    return run


def unsettled_warnings(store: Store, results: Path) -> list[str]:
    """What a report must say while flags remain, and that scores include reviewers' decisions."""
    counts = flag_counts(store)
    warnings = []
    if counts.total:
        warnings.append(_("still to review: questions {questions}, candidate numbers {numbers}, set-aside sheets "
                          "{set_aside} ({total} flags in all): scores may still change; settle them with "
                          "'papergen review {results}'").format(
            questions=counts.questions, numbers=counts.identity, set_aside=counts.set_aside, total=counts.total,
            results=results))
    decided = sum(1 for s in store.graded_sheets() if s.decisions)
    if decided:
        warnings.append(ngettext("{n} sheet's score includes reviewers' decisions (scores.csv column 'decisions')",
                                 "{n} sheets' scores include reviewers' decisions (scores.csv column 'decisions')",
                                 decided).format(n=decided))
    return warnings


def _files_per_exam(formats: tuple[str, ...]) -> int:
    """Files written per exam: report and slips per format, the item-analysis CSV and the workbook."""
    return 2 * len(formats) + 2


@dataclass
class _Files:
    """Counts the files written over all exams into ``(done, total)`` calls of a progress callback."""

    progress: Progress | None
    exams: int
    per_exam: int
    exam: int = 0
    in_exam: int = 0

    def __post_init__(self) -> None:
        self._tell()

    def wrote(self, path: Path) -> Path:
        """Count ``path`` written; returns it."""
        self.in_exam += 1
        self._tell()
        return path

    def exam_done(self) -> None:
        """Count an exam's files as done, written or not (one exam's problem does not stall the count)."""
        before = self._done()
        self.exam, self.in_exam = self.exam + 1, 0
        if self._done() != before:
            self._tell()

    def _done(self) -> int:
        return min(self.exam * self.per_exam + self.in_exam, self.exams * self.per_exam)

    def _tell(self) -> None:
        if self.progress is not None:
            self.progress(self._done(), self.exams * self.per_exam)


def _write_exam(report: CohortReport, out: Path, formats: tuple[str, ...], answers: AnswerDetail,
                files: _Files) -> list[Path]:
    stem = file_part(report.cohort.exam_id)
    written = []
    if "pdf" in formats:
        render_report_pdf(report, out / f"report-{stem}.pdf")
        written.append(files.wrote(out / f"report-{stem}.pdf"))
        render_slips_pdf(report, out / f"slips-{stem}.pdf", answers=answers)
        written.append(files.wrote(out / f"slips-{stem}.pdf"))
    if "html" in formats:
        written.append(files.wrote(render_report_html(report, out / f"report-{stem}.html")))
        written.append(files.wrote(render_slips_html(report, out / f"slips-{stem}.html", answers=answers)))
    written.append(files.wrote(write_item_analysis_csv(report, out)))
    written.append(files.wrote(write_workbook(report, out)))
    return written


def _annotate(store: Store, report: CohortReport, out: Path, annotate_as: AnnotateAs,
              layout: SheetLayout | str | Path | None, results: Path, progress: Progress | None) -> AnnotateSummary:
    cohort = report.cohort
    sheet_layout = resolve_layout([cohort.manifest], layout)
    names = {s.page.candidate or "": n for s, n in zip(cohort.sheets, cohort.names) if n}
    folder = out / f"annotated-{file_part(cohort.exam_id)}"
    return annotate_sheets(cohort.sheets, sheet_layout, folder, names=names, annotate_as=annotate_as,
                           stored_reads=store.sheet_read, base_dir=results.parent, progress=progress)
