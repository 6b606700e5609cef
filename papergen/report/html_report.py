"""The cohort report as one self-contained HTML page: the same figures and tables as the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from papergen.report.charts import ChartStyle
from papergen.report.html_common import esc, html_page, html_pairs_table, html_table, svg_chart, write_html
from papergen.report.report_charts import ReportCharts, report_charts
from papergen.report.report_text import (
    TextTable,
    correction_lines,
    d_chart_title,
    definitions,
    excluded_lines,
    facts_line,
    html_lang,
    item_table,
    miskey_note,
    miskey_table,
    no_correction_note,
    no_miskey_note,
    notes_title,
    p_chart_title,
    part_headings,
    pending_note,
    report_title,
    row_legend,
    score_chart_title,
    section_table,
    small_sample_note,
    summary_rows,
    topic_note,
    topic_table,
)
from papergen.report.summary import CohortReport

__all__ = ["ReportHtmlStyle", "report_html", "render_report_html"]


@dataclass(frozen=True)
class ReportHtmlStyle:
    """Chart geometry of the HTML report (CSS pixels)."""

    chart: ChartStyle = ChartStyle(width_pt=720.0, height_pt=220.0, title_size_pt=13.0, tick_size_pt=10.0,
                                   count_size_pt=10.0, margin_left_pt=36.0, margin_bottom_pt=34.0,
                                   margin_top_pt=28.0)
    small_chart: ChartStyle = ChartStyle(width_pt=720.0, height_pt=170.0, title_size_pt=13.0, tick_size_pt=10.0,
                                         count_size_pt=10.0, margin_left_pt=36.0, margin_bottom_pt=34.0,
                                         margin_top_pt=28.0)


def report_html(report: CohortReport, *, style: ReportHtmlStyle = ReportHtmlStyle()) -> str:
    """The cohort report as a complete HTML document (a string), in the language in use."""
    charts = report_charts(report, chart=style.chart, small_chart=style.small_chart)
    headings = part_headings(report)
    sections = [
        f"<h1>{esc(report_title(report))}</h1>\n<p class=\"facts\">{esc(facts_line(report))}</p>",
        _overview(report, charts, headings),
        _quality(report, charts, headings),
        f"<h2>{esc(headings['items'])}</h2>\n{_warnings([small_sample_note(report)])}"
        f"<p class=\"note\">{esc(row_legend())}</p>\n" + _table(item_table(report)),
    ]
    return html_page(report_title(report), "\n".join(sections), lang=html_lang())


def render_report_html(report: CohortReport, path: str | Path, *,
                       style: ReportHtmlStyle = ReportHtmlStyle()) -> Path:
    """Write the cohort report as a self-contained HTML file (UTF-8); returns the path.

    Raises
    ------
    ReportError
        If the file cannot be written.
    """
    return write_html(path, report_html(report, style=style), "the HTML report")


def _overview(report: CohortReport, charts: ReportCharts, headings: dict[str, str]) -> str:
    topics = topic_table(report)
    parts = [
        f"<h2>{esc(headings['overview'])}</h2>",
        html_pairs_table(summary_rows(report)),
        _warnings([pending_note(report)]),
        svg_chart(charts.scores, label=score_chart_title(report)),
        f"<h2>{esc(headings['sections'])}</h2>",
        _table(section_table(report)),
        f"<h2>{esc(headings['topics'])}</h2>",
        _table(topics) if topics.rows else f"<p>{esc(topic_note(report))}</p>",
    ]
    return "\n".join(part for part in parts if part)


def _warnings(lines: list[str]) -> str:
    """Warnings as paragraphs, the empty ones left out."""
    return "".join(f"<p class=\"warn\">{esc(line)}</p>\n" for line in lines if line)


def _quality(report: CohortReport, charts: ReportCharts, headings: dict[str, str]) -> str:
    parts = [f"<h2>{esc(headings['quality'])}</h2>", _warnings([small_sample_note(report)]),
             svg_chart(charts.difficulty, label=p_chart_title()),
             svg_chart(charts.discrimination, label=d_chart_title()), f"<h2>{esc(headings['miskeys'])}</h2>"]
    suspects = miskey_table(report)
    if suspects.rows:
        parts += [_table(suspects), f"<p class=\"note\">{esc(miskey_note())}</p>"]
    else:
        parts.append(f"<p>{esc(no_miskey_note())}</p>")
    parts.append(f"<h2>{esc(headings['corrections'])}</h2>")
    parts += [f"<p>{esc(line)}</p>" for line in correction_lines(report)] or [f"<p>{esc(no_correction_note())}</p>"]
    if "excluded" in headings:
        parts.append(f"<h2>{esc(headings['excluded'])}</h2>")
        parts += [f"<p>{esc(line)}</p>" for line in excluded_lines(report)]
    parts.append(f"<h2>{esc(notes_title())}</h2>")  # not numbered: the definitions, not a part of the results
    parts += [f"<p class=\"note\">{esc(line)}</p>" for line in definitions()]
    return "\n".join(parts)


def _table(table: TextTable) -> str:
    return html_table(table.header, table.rows, align=table.align, row_classes=table.marks)
