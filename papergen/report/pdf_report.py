"""The cohort report as a PDF in Chinese: figures, charts, section and topic tables, item analysis.

Pages: the overview (key figures, score histogram, sections, topics); test
quality (difficulty and discrimination charts, miskey suspects, key
corrections, sheets left out, the definitions); the item-by-item table.
Charts are reportlab graphics laid out by :mod:`papergen.report.charts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
)

from papergen.render.data_table import TableLook, data_table
from papergen.render.document import PdfInfo, build_document, running_decorator
from papergen.render.fonts import (
    CjkParagraph,
    TextStyle,
    markup,
    paragraph_style,
    register_font,
    require_glyphs,
)
from papergen.report.charts import ChartStyle
from papergen.report.pdf_common import (
    PageStyle,
    chart_drawing,
    heading,
    note,
    pairs_table,
    title_line,
)
from papergen.report.report_charts import ReportCharts, report_charts
from papergen.report.report_text import (
    DEFINITIONS,
    TextTable,
    correction_lines,
    excluded_lines,
    facts_line,
    item_table,
    miskey_table,
    report_title,
    section_table,
    summary_rows,
    topic_table,
)
from papergen.report.summary import CohortReport

__all__ = ["ReportPdfStyle", "render_report_pdf"]


@dataclass(frozen=True)
class ReportPdfStyle:
    """Layout of the report PDF: page, tables, charts, column shares and highlight colours (RGB 0..1)."""

    page: PageStyle = PageStyle()
    table: TableLook = TableLook()
    item_table: TableLook = TableLook(size_pt=7.0, header_size_pt=7.5, padding_pt=1.3)
    chart: ChartStyle = ChartStyle(width_pt=493.0, height_pt=170.0)
    small_chart: ChartStyle = ChartStyle(width_pt=493.0, height_pt=125.0)
    leading_ratio: float = 1.3
    """Line height of wrapped table cells per point of font size."""
    summary_label_share: float = 0.2
    summary_padding_pt: float = 3.0
    """Space above and below the key figures, points."""
    gap_pt: float = 8.0
    item_columns_mm: tuple[float, ...] = (21.0, 22.0, 8.0, 11.0, 8.5, 8.5, 8.5, 8.0, 8.0, 46.0, 25.0)
    miskey_columns_mm: tuple[float, ...] = (20.0, 22.0, 10.0, 9.0, 9.0, 9.0, 34.0, 34.0, 27.0)
    section_columns_mm: tuple[float, ...] = (38.0, 16.0, 16.0, 20.0, 20.0, 20.0, 44.0)
    topic_columns_mm: tuple[float, ...] = (14.0, 80.0, 16.0, 18.0, 22.0, 24.0)
    miskey_rgb: tuple[float, float, float] = (1.0, 0.86, 0.86)
    weak_rgb: tuple[float, float, float] = (1.0, 0.95, 0.8)

    def mark_colour(self, mark: str) -> Color | None:
        """Row colour of a highlighted table row, None for none."""
        rgb = {"miskey": self.miskey_rgb, "weak": self.weak_rgb}.get(mark)
        return Color(*rgb) if rgb else None


DEFAULT_STYLE = ReportPdfStyle()


def render_report_pdf(report: CohortReport, path: str | Path, *, style: ReportPdfStyle = DEFAULT_STYLE) -> int:
    """Write the cohort report as a PDF.

    Parameters
    ----------
    report : CohortReport
        What to print (:func:`papergen.report.summary.summarise_cohort`).
    path : str or Path
        Output file; overwritten.
    style : ReportPdfStyle
        Layout.

    Returns
    -------
    int
        Number of pages written.

    Raises
    ------
    RenderError
        If a text (a title, item id, topic name) uses a character the bundled font lacks.
    """
    register_font()
    require_glyphs(_texts(report), document=f"report {report.cohort.exam_id}")
    charts = report_charts(report, chart=style.chart, small_chart=style.small_chart)
    story = [*_overview(report, charts, style), Spacer(0, style.gap_pt), *_quality(report, charts, style),
             PageBreak(), *_items(report, style)]
    info = PdfInfo(title=report_title(report), subject=f"exam {report.cohort.exam_id} cohort report")
    decorate = running_decorator(report_title(report), f"考试编号 {report.cohort.exam_id}", style.page)
    return build_document(story, path, style.page, decorate=decorate, info=info)


def _texts(report: CohortReport) -> Iterator[tuple[str, str]]:
    yield "title", report_title(report)
    yield "facts", facts_line(report)
    for number, line in enumerate(DEFINITIONS, start=1):
        yield f"note {number}", line
    for table in (section_table(report), topic_table(report), item_table(report)):
        for row in table.rows:
            yield f"table row {row[0]}", "".join(row)


# -- page 1: overview ---------------------------------------------------------------


def _overview(report: CohortReport, charts: ReportCharts, style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    flowables: list[Flowable] = [
        title_line(report_title(report), page),
        note(facts_line(report), page, align="centre"),
        Spacer(0, style.gap_pt),
        heading("一、总体情况", page),
        _summary_grid(report, style),
        Spacer(0, style.gap_pt),
        chart_drawing(charts.scores),
        heading("二、各题型得分", page),
        _table(section_table(report), style.section_columns_mm, style, style.table),
    ]
    topics = topic_table(report)
    if topics.rows:
        flowables += [Spacer(0, style.gap_pt), heading("三、各知识点得分", page),
                      _table(topics, style.topic_columns_mm, style, style.table)]
    return flowables


def _summary_grid(report: CohortReport, style: ReportPdfStyle) -> Table:
    return pairs_table(summary_rows(report), style.table, width_pt=style.page.frame_width_pt,
                       label_share=style.summary_label_share, size_pt=style.page.body_size_pt,
                       padding_pt=style.summary_padding_pt)


# -- page 2: test quality -----------------------------------------------------------


def _quality(report: CohortReport, charts: ReportCharts, style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    flowables: list[Flowable] = [
        KeepTogether([heading("四、试题质量", page), chart_drawing(charts.difficulty)]),
        chart_drawing(charts.discrimination),
        Spacer(0, style.gap_pt),
    ]
    suspects = miskey_table(report)
    title = heading("五、疑似答案有误的试题", page)
    if suspects.rows:
        flowables.append(KeepTogether([title, _table(suspects, style.miskey_columns_mm, style, style.table)]))
        flowables.append(note("选项后的 * 表示答案所列的正确选项。", page))
    else:
        flowables += [title, note("未发现疑似答案有误的试题。", page, size_pt=page.body_size_pt)]
    flowables += _listing("六、答案更正记录", correction_lines(report), "本次成绩未经答案更正。", style)
    excluded = excluded_lines(report)
    if excluded:
        flowables += _listing("七、未计入统计的答题卡", excluded, "", style)
    flowables += [Spacer(0, style.gap_pt), heading("说明", page), *[note(line, page) for line in DEFINITIONS]]
    return flowables


def _listing(title: str, lines: list[str], empty: str, style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    body = [note(line, page, size_pt=page.body_size_pt) for line in lines] or [
        note(empty, page, size_pt=page.body_size_pt)]
    return [Spacer(0, style.gap_pt), KeepTogether([heading(title, page), body[0]]), *body[1:]]


# -- pages 3+: every item ---------------------------------------------------------


def _items(report: CohortReport, style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    legend = "浅红底：疑似答案有误；浅黄底：区分度低、过易或过难。"
    return [
        heading("八、逐题分析", page),
        note(legend, page),
        _table(item_table(report), style.item_columns_mm, style, style.item_table),
    ]


def _table(table: TextTable, columns_mm: tuple[float, ...], style: ReportPdfStyle, look: TableLook) -> Table:
    """The table at the frame's width; left-aligned columns wrap (their cells become paragraphs)."""
    scale = style.page.frame_width_pt / sum(columns_mm)
    widths = [w * scale for w in columns_mm]
    cell = paragraph_style(TextStyle(look.size_pt, look.size_pt * style.leading_ratio))
    wrapped = {i for i, how in enumerate(table.align) if how == "LEFT"}
    rows = [[CjkParagraph(markup(text), cell) if i in wrapped and text else text for i, text in enumerate(row)]
            for row in table.rows]
    backgrounds = [style.mark_colour(m) for m in table.marks] if table.marks else None
    return data_table(table.header, rows, widths, look=look, align=table.align, row_backgrounds=backgrounds)
