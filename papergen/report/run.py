"""``papergen report``: every output for every exam of a results folder.

Per exam of the store: the cohort report (PDF and/or HTML), the score slips
(PDF and/or HTML), the item-analysis CSV and the XLSX workbook, and on
request the annotated scans.  One exam's problem (no graded sheet yet, a
bank of another exam, a missing scan file) is recorded and the others are
still written.
"""

from __future__ import annotations

from collections.abc import Sequence
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

__all__ = ["REPORT_FORMATS", "ReportRun", "write_reports", "write_exam_exports", "exam_report", "parse_formats",
           "unsettled_warnings"]

REPORT_FORMATS = ("pdf", "html")
"""Formats of the cohort report and the slips."""



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
        lines = [f"Warning: {w}" for w in self.warnings]
        lines += [f"Exams: {', '.join(self.exams) or 'none'}"]
        lines += [f"Written: {p}" for p in self.written]
        for exam, summary in self.annotated.items():
            lines.append(f"Annotated {exam}: {len(summary.written)} files, {len(summary.problems)} pages not annotated")
            lines += [f"  {p}" for p in summary.problems]
        lines += [f"Problem: {p}" for p in self.problems]
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
        raise ReportError(f"report: unknown format {', '.join(unknown) or '(none)'} (got {text!r}); "
                          f"choose from {', '.join(REPORT_FORMATS)}")
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
        raise ReportError(f"exam {exam_id}: the bank given is {bank.id!r}, the exam was built from "
                          f"{manifest.bank_id!r}; pass the exam's bank with --bank or leave it out")
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
            raise ReportError(f"{store.path}: no exam graded yet; run 'papergen grade' first")
        for exam_id in run.exams:
            try:
                report = exam_report(store, exam_id, cut=cut, bank=bank)
                run.written += _write_exam(report, out, formats, answers)
                if annotate:
                    run.annotated[exam_id] = _annotate(store, report, out, annotate_as, layout, results)
            except PapergenError as exc:
                run.problems.append(str(exc))
        run.warnings = unsettled_warnings(store, results)
    if not run.written:
        raise ReportError("report: nothing written: " + "; ".join(run.problems))
    return run


def unsettled_warnings(store: Store, results: Path) -> list[str]:
    """What a report must say while flags remain, and that scores include reviewers' decisions."""
    counts = flag_counts(store)
    warnings = []
    if counts.total:
        warnings.append(f"待复核 {counts.questions} 题、{counts.identity} 个考号、{counts.set_aside} 张搁置答题卡 "
                        f"({counts.total} flags not settled): scores may still change; settle them with "
                        f"'papergen review {results}'")
    decided = sum(1 for s in store.graded_sheets() if s.decisions)
    if decided:
        warnings.append(f"{decided} sheets' scores include reviewers' decisions (scores.csv column 'decisions')")
    return warnings


def _write_exam(report: CohortReport, out: Path, formats: tuple[str, ...], answers: AnswerDetail) -> list[Path]:
    stem = file_part(report.cohort.exam_id)
    written = []
    if "pdf" in formats:
        render_report_pdf(report, out / f"report-{stem}.pdf")
        render_slips_pdf(report, out / f"slips-{stem}.pdf", answers=answers)
        written += [out / f"report-{stem}.pdf", out / f"slips-{stem}.pdf"]
    if "html" in formats:
        written.append(render_report_html(report, out / f"report-{stem}.html"))
        written.append(render_slips_html(report, out / f"slips-{stem}.html", answers=answers))
    written.append(write_item_analysis_csv(report, out))
    written.append(write_workbook(report, out))
    return written


def _annotate(store: Store, report: CohortReport, out: Path, annotate_as: AnnotateAs,
              layout: SheetLayout | str | Path | None, results: Path) -> AnnotateSummary:
    cohort = report.cohort
    sheet_layout = resolve_layout([cohort.manifest], layout)
    names = {s.page.candidate or "": n for s, n in zip(cohort.sheets, cohort.names) if n}
    folder = out / f"annotated-{file_part(cohort.exam_id)}"
    return annotate_sheets(cohort.sheets, sheet_layout, folder, names=names, annotate_as=annotate_as,
                           stored_reads=store.sheet_read, base_dir=results.parent)
