"""Per-candidate score slips: one PDF page per candidate, and the same slips as one HTML page.

A slip shows the candidate's name, number, variant, total against the cut
score, section scores, and every question not fully credited with the
answer read and the correct answer, in the printed labels of the
candidate's own paper (true/false as 对/错).  Dropped questions are left
out; questions held for review are marked so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from papergen.render.columns import column_major_rows
from papergen.exam import ExamManifest
from papergen.render.data_table import TableLook, data_table, group_dividers
from papergen.render.document import PdfInfo, build_document, running_decorator, streamed_story
from papergen.render.fonts import register_font, require_glyphs
from papergen.report.html_common import BASE_CSS, esc, html_page, html_pairs_table, html_table, write_html
from papergen.report.pdf_common import (
    PageStyle,
    heading,
    note,
    pairs_table,
    title_line,
)
from papergen.report.summary import CohortReport
from papergen.report.wording import points
from papergen.wording import answer_text
from papergen.grading import GradedSheet, QuestionScore

__all__ = ["Slip", "SlipQuestion", "SlipStyle", "slips_of", "render_slips_pdf", "render_slips_html", "slips_html"]

_NOT_CREDITED = ("wrong", "blank", "partial", "review")
_MISSED_HEADINGS = ("题号", "作答", "答案")
_SECTION_HEADINGS = ("题型", "得分", "满分")


@dataclass(frozen=True)
class SlipQuestion:
    """A question not fully credited: number, answer read, correct answer (printed labels), status."""

    number: int
    marked: str
    answer: str
    status: str


@dataclass(frozen=True)
class Slip:
    """Everything one slip prints."""

    candidate: str
    name: str
    exam_id: str
    title: str
    variant: str
    total: float
    max_total: float
    passed: bool
    cut: float
    sections: tuple[tuple[str, float, float], ...]
    missed: tuple[SlipQuestion, ...]
    review: int
    source: str
    page_no: int


@dataclass(frozen=True)
class SlipStyle:
    """Layout of the slip PDF."""

    page: PageStyle = PageStyle()
    table: TableLook = TableLook(size_pt=9.0, header_size_pt=9.0, padding_pt=2.5)
    missed_table: TableLook = TableLook(size_pt=8.0, header_size_pt=7.5, padding_pt=1.2)
    missed_groups: int = 6
    """Question / read / key triples side by side in the table of missed questions."""
    missed_column_shares: tuple[float, float, float] = (0.22, 0.46, 0.32)
    """Widths of the question, read and key columns as shares of one triple's width."""
    info_label_share: float = 0.16
    info_size_pt: float = 10.0
    info_padding_pt: float = 3.5
    gap_pt: float = 8.0


def slips_of(report: CohortReport) -> list[Slip]:
    """One slip per sheet of the cohort, in cohort order (by candidate number)."""
    cohort = report.cohort
    manifest = cohort.manifest
    return [_slip(sheet, name, manifest, report, bool(passed))
            for sheet, name, passed in zip(cohort.sheets, cohort.names, report.passed)]


def _slip(sheet: GradedSheet, name: str, manifest: ExamManifest, report: CohortReport, passed: bool) -> Slip:
    types = {q.number: q.type for q in manifest.variant(sheet.score.variant).questions}
    missed = tuple(_missed(q, types.get(q.number, "single")) for q in sheet.score.questions
                   if q.status in _NOT_CREDITED)
    return Slip(
        candidate=sheet.page.candidate or "", name=name, exam_id=manifest.exam_id, title=manifest.title,
        variant=sheet.score.variant, total=sheet.score.total, max_total=sheet.score.max_total, passed=passed,
        cut=report.cut, sections=tuple((s.title, s.points, s.max_points) for s in sheet.score.sections),
        missed=missed, review=len(sheet.score.review_questions), source=sheet.page.source,
        page_no=sheet.page.page_no,
    )


def _missed(q: QuestionScore, item_type: str) -> SlipQuestion:
    marked = answer_text(q.marked, item_type)
    if q.status == "partial":
        marked += "（部分得分）"
    elif q.status == "review":
        marked += "（待复核）"
    return SlipQuestion(q.number, marked, answer_text(q.answer, item_type), q.status)


def _info_rows(slip: Slip) -> list[tuple[str, str, str, str]]:
    result = "及格" if slip.passed else "不及格"
    return [
        ("姓名", slip.name or "（名单中无此考生）", "准考证号", slip.candidate or "（未识别）"),
        ("考试编号", slip.exam_id, "试卷代号", slip.variant),
        ("总分", f"{points(slip.total)} / {points(slip.max_total)}", "结果", f"{result}（及格线 {points(slip.cut)}）"),
    ]


def _footnotes(slip: Slip) -> list[str]:
    lines = []
    if slip.review:
        lines.append(f"本答题卡有 {slip.review} 题待人工复核，复核后成绩可能变动。")
    lines.append("答案按你所用试卷上的选项字母列出；判断题以“对/错”表示。作废的题目不计分，也不列出。")
    lines.append(f"答题卡：{slip.source} 第{slip.page_no}页。")
    return lines


# -- PDF ---------------------------------------------------------------------------


def render_slips_pdf(report: CohortReport, path: str | Path, *, style: SlipStyle = SlipStyle()) -> int:
    """Write every candidate's slip into one PDF, one page per candidate; returns the page count.

    Raises
    ------
    RenderError
        If a name or title uses a character the bundled font lacks (naming the candidate).
    """
    slips = slips_of(report)
    register_font()
    require_glyphs(_slip_texts(slips), document=f"score slips {report.cohort.exam_id}")
    parts = ([*([PageBreak()] if index else []), *_slip_flowables(slip, style)] for index, slip in enumerate(slips))
    story = streamed_story(parts)
    info = PdfInfo(title=f"{report.title} 成绩单", subject=f"exam {report.cohort.exam_id} score slips")
    decorate = running_decorator(f"{report.title}　成绩单", f"考试编号 {report.cohort.exam_id}", style.page)
    return build_document(story, path, style.page, decorate=decorate, info=info)


def _slip_texts(slips: Sequence[Slip]) -> Iterator[tuple[str, str]]:
    for slip in slips:
        yield f"candidate {slip.candidate} name", slip.name
        yield f"candidate {slip.candidate} title", slip.title
        for title, _, _ in slip.sections:
            yield f"section title {title}", title


def _slip_flowables(slip: Slip, style: SlipStyle) -> list[Flowable]:
    page = style.page
    flowables: list[Flowable] = [
        title_line(f"{slip.title}　成绩单", page),
        Spacer(0, style.gap_pt),
        _info_table(slip, style),
        Spacer(0, style.gap_pt),
        heading("各题型得分", page),
        data_table(_SECTION_HEADINGS, [(t, points(p), points(m)) for t, p, m in slip.sections],
                   [page.frame_width_pt / 3] * 3, look=style.table),
        Spacer(0, style.gap_pt),
        heading(f"未得满分的题目（共 {len(slip.missed)} 题）", page),
    ]
    if slip.missed:
        flowables.append(_missed_table(slip.missed, style))
    else:
        flowables.append(note("全部答对。", page, size_pt=page.body_size_pt))
    flowables.append(Spacer(0, style.gap_pt))
    flowables.extend(note(line, page) for line in _footnotes(slip))
    return flowables


def _info_table(slip: Slip, style: SlipStyle) -> Table:
    return pairs_table(_info_rows(slip), style.table, width_pt=style.page.frame_width_pt,
                       label_share=style.info_label_share, size_pt=style.info_size_pt,
                       padding_pt=style.info_padding_pt)


def _missed_table(missed: Sequence[SlipQuestion], style: SlipStyle) -> Table:
    groups = style.missed_groups
    body = column_major_rows([[str(q.number), q.marked, q.answer] for q in missed], groups)
    width = style.page.frame_width_pt / groups
    widths = [width * share for share in style.missed_column_shares] * groups
    table = data_table(_MISSED_HEADINGS * groups, body, widths, look=style.missed_table)
    table.setStyle(TableStyle(group_dividers(groups, len(_MISSED_HEADINGS), style.missed_table.box_width_pt)))
    return table


# -- HTML --------------------------------------------------------------------------

_SLIP_CSS = """
section.slip { page-break-after: always; break-after: page; margin-bottom: 48px; }
section.slip:last-child { page-break-after: auto; break-after: auto; }
"""


def slips_html(report: CohortReport) -> str:
    """Every slip in one HTML document; each slip prints on its own page."""
    parts = []
    for slip in slips_of(report):
        sections = html_table(_SECTION_HEADINGS, [(t, points(p), points(m)) for t, p, m in slip.sections])
        missed = (html_table(_MISSED_HEADINGS, [(str(q.number), q.marked, q.answer) for q in slip.missed])
                  if slip.missed else "<p>全部答对。</p>")
        notes = "\n".join(f"<p class=\"note\">{esc(line)}</p>" for line in _footnotes(slip))
        parts.append(
            f"<section class=\"slip\" id=\"c{esc(slip.candidate)}\">\n<h1>{esc(slip.title)}　成绩单</h1>\n"
            f"{html_pairs_table(_info_rows(slip))}\n<h2>各题型得分</h2>\n{sections}\n"
            f"<h2>未得满分的题目（共 {len(slip.missed)} 题）</h2>\n{missed}\n{notes}\n</section>"
        )
    return html_page(f"{report.title} 成绩单", "\n".join(parts), css=BASE_CSS + _SLIP_CSS)


def render_slips_html(report: CohortReport, path: str | Path) -> Path:
    """Write every slip into one HTML file (UTF-8); returns the path.

    Raises
    ------
    ReportError
        If the file cannot be written.
    """
    return write_html(path, slips_html(report), "the slips")
