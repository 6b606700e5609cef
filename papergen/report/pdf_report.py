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
    TextStyle,
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
    paragraph,
    pairs_table,
    title_line,
)
from papergen.report.report_charts import ReportCharts, report_charts
from papergen.report.report_text import (
    TextTable,
    correction_lines,
    definitions,
    excluded_lines,
    facts_line,
    item_table,
    miskey_note,
    miskey_table,
    no_correction_note,
    no_miskey_note,
    notes_title,
    page_footer,
    part_headings,
    pending_note,
    report_title,
    row_legend,
    running_header,
    section_table,
    small_sample_note,
    summary_rows,
    topic_note,
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
    item_columns_mm: tuple[float, ...] = (20.0, 20.0, 7.5, 15.0, 11.0, 8.0, 8.0, 8.0, 7.5, 7.5, 42.0, 22.0)
    miskey_table: TableLook = TableLook(size_pt=7.5, header_size_pt=7.5, padding_pt=1.5)
    miskey_columns_mm: tuple[float, ...] = (16.0, 16.0, 18.0, 10.0, 7.0, 7.5, 7.5, 18.0, 31.0, 31.0, 18.0)
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
    headings = part_headings(report)
    story = [*_overview(report, charts, headings, style), Spacer(0, style.gap_pt),
             *_quality(report, charts, headings, style), PageBreak(), *_items(report, headings, style)]
    info = PdfInfo(title=report_title(report), subject=f"exam {report.cohort.exam_id} cohort report")
    decorate = running_decorator(report_title(report), running_header(report), style.page, footer_text=page_footer)
    return build_document(story, path, style.page, decorate=decorate, info=info)


def _texts(report: CohortReport) -> Iterator[tuple[str, str]]:
    yield "title", report_title(report)
    yield "facts", facts_line(report)
    for number, line in enumerate(definitions(), start=1):
        yield f"note {number}", line
    yield "notes", topic_note(report) + small_sample_note(report) + pending_note(report) + miskey_note()
    for table in (section_table(report), topic_table(report), miskey_table(report), item_table(report)):
        for row in table.rows:
            yield f"table row {row[0]}", "".join(row)


# -- page 1: overview ---------------------------------------------------------------


def _overview(report: CohortReport, charts: ReportCharts, headings: dict[str, str],
              style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    flowables: list[Flowable] = [
        title_line(report_title(report), page),
        note(facts_line(report), page, align="centre"),
        Spacer(0, style.gap_pt),
        heading(headings["overview"], page),
        _summary_grid(report, style),
        *_notes([pending_note(report)], page),
        Spacer(0, style.gap_pt),
        chart_drawing(charts.scores),
        heading(headings["sections"], page),
        _table(section_table(report), style.section_columns_mm, style, style.table),
        Spacer(0, style.gap_pt),
        heading(headings["topics"], page),
    ]
    topics = topic_table(report)
    if topics.rows:
        flowables.append(_table(topics, style.topic_columns_mm, style, style.table))
    else:
        flowables.append(note(topic_note(report), page, size_pt=page.body_size_pt))
    return flowables


def _notes(lines: list[str], page: PageStyle) -> list[Flowable]:
    """Warnings in the body size, the empty ones left out."""
    return [note(line, page, size_pt=page.body_size_pt) for line in lines if line]


def _summary_grid(report: CohortReport, style: ReportPdfStyle) -> Table:
    return pairs_table(summary_rows(report), style.table, width_pt=style.page.frame_width_pt,
                       label_share=style.summary_label_share, size_pt=style.page.body_size_pt,
                       padding_pt=style.summary_padding_pt)


# -- page 2: test quality -----------------------------------------------------------


def _quality(report: CohortReport, charts: ReportCharts, headings: dict[str, str],
             style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    flowables: list[Flowable] = [
        KeepTogether([heading(headings["quality"], page), *_notes([small_sample_note(report)], page),
                      chart_drawing(charts.difficulty)]),
        chart_drawing(charts.discrimination),
        Spacer(0, style.gap_pt),
    ]
    suspects = miskey_table(report)
    title = heading(headings["miskeys"], page)
    if suspects.rows:
        flowables.append(KeepTogether([title, _table(suspects, style.miskey_columns_mm, style, style.miskey_table)]))
        flowables.append(note(miskey_note(), page))
    else:
        flowables += [title, note(no_miskey_note(), page, size_pt=page.body_size_pt)]
    flowables += _listing(headings["corrections"], correction_lines(report), no_correction_note(), style)
    if "excluded" in headings:
        flowables += _listing(headings["excluded"], excluded_lines(report), "", style)
    flowables += [Spacer(0, style.gap_pt), heading(notes_title(), page), *[note(line, page) for line in definitions()]]
    return flowables


def _listing(title: str, lines: list[str], empty: str, style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    body = [note(line, page, size_pt=page.body_size_pt) for line in lines] or [
        note(empty, page, size_pt=page.body_size_pt)]
    return [Spacer(0, style.gap_pt), KeepTogether([heading(title, page), body[0]]), *body[1:]]


# -- pages 3+: every item ---------------------------------------------------------


def _items(report: CohortReport, headings: dict[str, str], style: ReportPdfStyle) -> list[Flowable]:
    page = style.page
    return [
        heading(headings["items"], page),
        *_notes([small_sample_note(report)], page),
        note(row_legend(), page),
        _table(item_table(report), style.item_columns_mm, style, style.item_table),
    ]


def _table(table: TextTable, columns_mm: tuple[float, ...], style: ReportPdfStyle, look: TableLook) -> Table:
    """The table at the frame's width; left-aligned columns wrap (their cells become paragraphs)."""
    scale = style.page.frame_width_pt / sum(columns_mm)
    widths = [w * scale for w in columns_mm]
    cell = paragraph_style(TextStyle(look.size_pt, look.size_pt * style.leading_ratio))
    wrapped = {i for i, how in enumerate(table.align) if how == "LEFT"}
    rows = [[paragraph(text, cell) if i in wrapped and text else text for i, text in enumerate(row)]
            for row in table.rows]
    backgrounds = [style.mark_colour(m) for m in table.marks] if table.marks else None
    return data_table(table.header, rows, widths, look=look, align=table.align, row_backgrounds=backgrounds)
