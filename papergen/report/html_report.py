"""The cohort report as one self-contained HTML page: the same figures and tables as the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from papergen.report.charts import ChartStyle
from papergen.report.html_common import esc, html_page, html_pairs_table, html_table, svg_chart, write_html
from papergen.report.report_charts import ReportCharts, report_charts
from papergen.report.report_text import (
    DEFINITIONS,
    TextTable,
    correction_lines,
    d_chart_title,
    excluded_lines,
    facts_line,
    item_table,
    miskey_table,
    p_chart_title,
    report_title,
    score_chart_title,
    section_table,
    summary_rows,
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
    """The cohort report as a complete HTML document (a string)."""
    charts = report_charts(report, chart=style.chart, small_chart=style.small_chart)
    sections = [
        f"<h1>{esc(report_title(report))}</h1>\n<p class=\"facts\">{esc(facts_line(report))}</p>",
        _overview(report, charts),
        _quality(report, charts),
        "<h2>八、逐题分析</h2>\n<p class=\"note\">浅红底：疑似答案有误；浅黄底：区分度低、过易或过难。</p>\n"
        + _table(item_table(report)),
    ]
    return html_page(report_title(report), "\n".join(sections))


def render_report_html(report: CohortReport, path: str | Path, *,
                       style: ReportHtmlStyle = ReportHtmlStyle()) -> Path:
    """Write the cohort report as a self-contained HTML file (UTF-8); returns the path.

    Raises
    ------
    ReportError
        If the file cannot be written.
    """
    return write_html(path, report_html(report, style=style), "the HTML report")


def _overview(report: CohortReport, charts: ReportCharts) -> str:
    parts = [
        "<h2>一、总体情况</h2>",
        html_pairs_table(summary_rows(report)),
        svg_chart(charts.scores, label=score_chart_title(report)),
        "<h2>二、各题型得分</h2>",
        _table(section_table(report)),
    ]
    topics = topic_table(report)
    if topics.rows:
        parts += ["<h2>三、各知识点得分</h2>", _table(topics)]
    return "\n".join(parts)


def _quality(report: CohortReport, charts: ReportCharts) -> str:
    parts = ["<h2>四、试题质量</h2>", svg_chart(charts.difficulty, label=p_chart_title()),
             svg_chart(charts.discrimination, label=d_chart_title()), "<h2>五、疑似答案有误的试题</h2>"]
    suspects = miskey_table(report)
    if suspects.rows:
        parts += [_table(suspects), "<p class=\"note\">选项后的 * 表示答案所列的正确选项。</p>"]
    else:
        parts.append("<p>未发现疑似答案有误的试题。</p>")
    parts.append("<h2>六、答案更正记录</h2>")
    parts += [f"<p>{esc(line)}</p>" for line in correction_lines(report)] or ["<p>本次成绩未经答案更正。</p>"]
    excluded = excluded_lines(report)
    if excluded:
        parts.append("<h2>七、未计入统计的答题卡</h2>")
        parts += [f"<p>{esc(line)}</p>" for line in excluded]
    parts.append("<h2>说明</h2>")
    parts += [f"<p class=\"note\">{esc(line)}</p>" for line in DEFINITIONS]
    return "\n".join(parts)


def _table(table: TextTable) -> str:
    return html_table(table.header, table.rows, align=table.align, row_classes=table.marks)
