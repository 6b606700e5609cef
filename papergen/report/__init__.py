"""Reports for instructors, computed from the results store.

Modules
-------
cohort
    One exam's graded sheets as arrays (:func:`~papergen.report.cohort.load_cohort`).
stats, item_analysis
    Score statistics; difficulty, discrimination, distractors, reliability.
summary
    The cohort report as values (:func:`~papergen.report.summary.summarise_cohort`).
charts
    Bar-chart geometry shared by the PDF and HTML renderers.
report_charts
    The report's three charts (scores, difficulty, discrimination), laid out once for both.
pdf_report, html_report
    The cohort report as a PDF (reportlab) and as one self-contained HTML page.
slips
    Per-candidate score slips (PDF, one page per candidate, and HTML).
annotate
    Scanned sheets overlaid with what was read and how it was scored.
tables
    The item-analysis CSV and the XLSX workbook of scores and item analysis.
rescore_text
    What a rescore changed, as lines for the command line.
run
    ``papergen report``: every output for every exam of a results folder.

The command line uses :func:`write_reports` and :func:`write_exam_exports`;
reports never write keys or banks (key corrections are grading's,
:mod:`papergen.writeback` writes statistics into a bank).
"""

from papergen.report.annotate import AnnotateSummary, annotate_sheets
from papergen.report.cohort import Cohort, CohortItem, ExcludedSheet, build_cohort, load_cohort
from papergen.report.html_report import render_report_html, report_html
from papergen.report.item_analysis import AnalysisParams, CohortAnalysis, ItemAnalysis, analyse_cohort
from papergen.report.pdf_report import render_report_pdf
from papergen.report.rescore_text import rescore_lines
from papergen.report.run import (
    REPORT_FORMATS,
    ReportRun,
    exam_report,
    parse_formats,
    write_exam_exports,
    write_reports,
)
from papergen.report.slips import ANSWER_DETAILS, render_slips_html, render_slips_pdf
from papergen.report.summary import CohortReport, ReportParams, summarise_cohort
from papergen.report.tables import write_item_analysis_csv, write_workbook

__all__ = [
    "ANSWER_DETAILS",
    "REPORT_FORMATS",
    "AnalysisParams",
    "AnnotateSummary",
    "Cohort",
    "CohortAnalysis",
    "CohortItem",
    "CohortReport",
    "ExcludedSheet",
    "ItemAnalysis",
    "ReportParams",
    "ReportRun",
    "analyse_cohort",
    "annotate_sheets",
    "build_cohort",
    "exam_report",
    "load_cohort",
    "parse_formats",
    "render_report_html",
    "render_report_pdf",
    "render_slips_html",
    "render_slips_pdf",
    "rescore_lines",
    "report_html",
    "summarise_cohort",
    "write_exam_exports",
    "write_item_analysis_csv",
    "write_reports",
    "write_workbook",
]
