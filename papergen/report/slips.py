"""Per-candidate score slips: one PDF page (or more) per candidate, and the same slips as one HTML page.

A slip shows the candidate's name, number, variant, total and result against
the cut score, section scores, and a list of questions chosen by
``answers``:

- ``"none"`` (the default): the questions not fully credited with the
  candidate's own answer, no correct answer, so a bank meant for reuse is
  not exposed;
- ``"missed"``: the same questions with the correct answer;
- ``"all"``: every question with the answer read, the correct answer and
  the points.

Answers are in the printed labels of the candidate's own paper (true/false
as 对/错).  Dropped questions are left out; questions held for review are
marked so, and a result they could still change is printed as pending.  A
slip names no file or folder of the results, and every page's footer
counts the candidate's own pages.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from papergen.render.columns import column_major_rows
from papergen.exam import ExamManifest
from papergen.errors import ReportError
from papergen.i18n import _
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
from papergen.report.summary import CohortReport, Verdict, sheet_cut
from papergen.report.wording import VERDICT_TEXT, points
from papergen.wording import answer_text
from papergen.grading import GradedSheet, QuestionScore

__all__ = [
    "ANSWER_DETAILS",
    "AnswerDetail",
    "Slip",
    "SlipQuestion",
    "SlipStyle",
    "parse_answer_detail",
    "slips_of",
    "render_slips_pdf",
    "render_slips_html",
    "slips_html",
]

AnswerDetail = Literal["none", "missed", "all"]
ANSWER_DETAILS: tuple[AnswerDetail, ...] = ("none", "missed", "all")
"""What a slip lists: missed questions without answers, missed questions with answers, every question."""

_NOT_CREDITED = ("wrong", "blank", "partial", "review")
_SECTION_HEADINGS = ("题型", "得分", "满分")
_QUESTION_HEADINGS: dict[AnswerDetail, tuple[str, ...]] = {
    "none": ("题号", "作答"),
    "missed": ("题号", "作答", "答案"),
    "all": ("题号", "作答", "答案", "得分"),
}
_LIST_TITLES: dict[AnswerDetail, str] = {"none": "未得满分的题目", "missed": "未得满分的题目", "all": "全部题目"}


@dataclass(frozen=True)
class SlipQuestion:
    """A listed question: number, answer read, correct answer (printed labels), points, status."""

    number: int
    marked: str
    answer: str
    points: float
    status: str

    def cells(self, answers: AnswerDetail) -> list[str]:
        """The question's cells under :data:`_QUESTION_HEADINGS` of ``answers``."""
        cells = [str(self.number), self.marked, self.answer, points(self.points)]
        return cells[: len(_QUESTION_HEADINGS[answers])]


@dataclass(frozen=True)
class Slip:
    """Everything one slip prints.

    ``roster`` tells whether the exam has a roster at all, so a missing
    name reads "not on the roster" only when there is one.
    """

    candidate: str
    name: str
    roster: bool
    exam_id: str
    title: str
    variant: str
    total: float
    max_total: float
    verdict: Verdict
    cut: float
    """The sheet's pass mark, points: the cut scaled to the sheet's maximum when questions were dropped."""
    sections: tuple[tuple[str, float, float], ...]
    answers: AnswerDetail
    questions: tuple[SlipQuestion, ...]
    missed: int
    review: int
    decisions: int = 0
    """Reviewers' decisions the score includes."""


@dataclass(frozen=True)
class SlipStyle:
    """Layout of the slip PDF."""

    page: PageStyle = PageStyle()
    table: TableLook = TableLook(size_pt=9.0, header_size_pt=9.0, padding_pt=2.5)
    question_table: TableLook = TableLook(size_pt=8.0, header_size_pt=7.5, padding_pt=1.2)
    question_groups: tuple[int, int, int] = (8, 6, 5)
    """Questions side by side in the question table for ``answers`` none, missed and all."""
    info_label_share: float = 0.16
    info_size_pt: float = 10.0
    info_padding_pt: float = 3.5
    gap_pt: float = 8.0

    def groups(self, answers: AnswerDetail) -> int:
        """Questions side by side for ``answers``."""
        return self.question_groups[ANSWER_DETAILS.index(answers)]


_COLUMN_SHARES: dict[AnswerDetail, tuple[float, ...]] = {
    "none": (0.4, 0.6),
    "missed": (0.22, 0.46, 0.32),
    "all": (0.2, 0.3, 0.3, 0.2),
}
"""Widths of the columns of one question as shares of its width."""


def parse_answer_detail(text: str) -> AnswerDetail:
    """``"missed"`` -> ``"missed"``, checked against :data:`ANSWER_DETAILS`.

    Raises
    ------
    ReportError
        If ``text`` is not one of them.
    """
    value = text.strip().lower()
    if value not in ANSWER_DETAILS:
        raise ReportError(_("slips: unknown answer detail (got {text!r}); choose from {choices}").format(
            text=text, choices=", ".join(ANSWER_DETAILS)))
    return value  # type: ignore[return-value]


def slips_of(report: CohortReport, *, answers: AnswerDetail = "none") -> list[Slip]:
    """One slip per sheet of the cohort, in cohort order (by candidate number)."""
    answers = parse_answer_detail(answers)
    cohort = report.cohort
    manifest = cohort.manifest
    return [_slip(sheet, name, manifest, report, verdict, answers)
            for sheet, name, verdict in zip(cohort.sheets, cohort.names, report.verdicts)]


def _slip(sheet: GradedSheet, name: str, manifest: ExamManifest, report: CohortReport, verdict: Verdict,
          answers: AnswerDetail) -> Slip:
    types = {q.number: q.type for q in manifest.variant(sheet.score.variant).questions}
    scored = [q for q in sheet.score.questions if q.status != "dropped"]
    missed = [q for q in scored if q.status in _NOT_CREDITED]
    listed = scored if answers == "all" else missed
    return Slip(
        candidate=sheet.page.candidate or "", name=name, roster=bool(manifest.candidates),
        exam_id=manifest.exam_id, title=manifest.title, variant=sheet.score.variant, total=sheet.score.total,
        max_total=sheet.score.max_total, verdict=verdict, cut=sheet_cut(report, sheet.score.max_total),
        sections=tuple((s.title, s.points, s.max_points) for s in sheet.score.sections), answers=answers,
        questions=tuple(_listed(q, types.get(q.number, "single")) for q in listed), missed=len(missed),
        review=len(sheet.score.review_questions), decisions=sheet.decisions,
    )


def _listed(q: QuestionScore, item_type: str) -> SlipQuestion:
    marked = answer_text(q.marked, item_type)
    if q.status == "partial":
        marked += "（部分得分）"
    elif q.status == "review":
        marked += "（待复核）"
    return SlipQuestion(q.number, marked, answer_text(q.answer, item_type), q.points, q.status)


def _name_text(slip: Slip) -> str:
    if slip.name:
        return slip.name
    return "（名单中无此考生）" if slip.roster else "（未提供考生名单）"


def _info_rows(slip: Slip) -> list[tuple[str, str, str, str]]:
    result = f"{VERDICT_TEXT[slip.verdict]}（及格线 {points(slip.cut)}）"
    return [
        ("姓名", _name_text(slip), "准考证号", slip.candidate or "（未识别）"),
        ("考试编号", slip.exam_id, "试卷代号", slip.variant),
        ("总分", f"{points(slip.total)} / {points(slip.max_total)}", "结果", result),
    ]


def _list_heading(slip: Slip) -> str:
    return f"{_LIST_TITLES[slip.answers]}（共 {len(slip.questions)} 题）"


def _empty_list_text(slip: Slip) -> str:
    return "全部答对。" if slip.answers != "all" else "没有计分的题目。"


def _footnotes(slip: Slip) -> list[str]:
    lines = []
    if slip.verdict == "pending":
        lines.append(f"本答题卡有 {slip.review} 题待人工复核，复核结果可能决定是否及格，复核后才能确定。")
    elif slip.review:
        lines.append(f"本答题卡有 {slip.review} 题待人工复核，复核后成绩可能变动。")
    if slip.decisions:
        lines.append(f"本成绩含 {slip.decisions} 项人工复核决定（题目答案或准考证号）。")
    if slip.answers == "none":
        lines.append(f"共 {slip.missed} 题未得满分；为保护题库，成绩单不列出正确答案。")
    else:
        lines.append("答案按你所用试卷上的选项字母列出；判断题以“对/错”表示。")
    lines.append("作废的题目不计分，也不列出。")
    return lines


def _footer(slip: Slip, page: int, pages: int) -> str:
    return f"准考证号 {slip.candidate or '（未识别）'}　成绩单第{page}页 共{pages}页"


# -- PDF ---------------------------------------------------------------------------


def render_slips_pdf(report: CohortReport, path: str | Path, *, answers: AnswerDetail = "none",
                     style: SlipStyle = SlipStyle()) -> int:
    """Write every candidate's slip into one PDF, each starting on a new page; returns the page count.

    Each page's footer names the candidate and counts the candidate's own
    pages (成绩单第1页 共2页), never the document's, so a slip's pages are
    written as soon as the next slip starts (memory does not grow with the cohort).

    Raises
    ------
    RenderError
        If a name or title uses a character the bundled font lacks (naming the candidate).
    ReportError
        If ``answers`` is not one of :data:`ANSWER_DETAILS`.
    """
    slips = slips_of(report, answers=answers)
    register_font()
    require_glyphs(_slip_texts(slips), document=f"score slips {report.cohort.exam_id}")
    starts: list[int] = []
    parts = ([*([PageBreak()] if index else []), _PageMark(starts), *_slip_flowables(slip, style)]
             for index, slip in enumerate(slips))
    story = streamed_story(parts)
    info = PdfInfo(title=f"{report.title} 成绩单", subject=f"exam {report.cohort.exam_id} score slips")
    decorate = running_decorator(f"{report.title}　成绩单", f"考试编号 {report.cohort.exam_id}", style.page,
                                 footer_text=lambda page, pages: _slip_footer(slips, starts, page, pages))
    return build_document(story, path, style.page, decorate=decorate, info=info,
                          settled=lambda: starts[-1] if starts else 1)


class _PageMark(Flowable):
    """A mark of no size that records the page it lands on (where a slip starts)."""

    def __init__(self, pages: list[int]):
        super().__init__()
        self._pages = pages

    def wrap(self, available_width, available_height):  # noqa: ARG002 - reportlab's signature
        return 0, 0

    def draw(self):
        self._pages.append(self.canv.getPageNumber())


def _slip_footer(slips: Sequence[Slip], starts: Sequence[int], page: int, pages: int) -> str:
    """The footer of document page ``page``: the candidate of the slip on it and the slip's own page count."""
    index = bisect_right(starts, page) - 1
    end = starts[index + 1] - 1 if index + 1 < len(starts) else pages
    return _footer(slips[index], page - starts[index] + 1, end - starts[index] + 1)


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
        heading(_list_heading(slip), page),
    ]
    if slip.questions:
        flowables.append(_question_table(slip, style))
    else:
        flowables.append(note(_empty_list_text(slip), page, size_pt=page.body_size_pt))
    flowables.append(Spacer(0, style.gap_pt))
    flowables.extend(note(line, page) for line in _footnotes(slip))
    return flowables


def _info_table(slip: Slip, style: SlipStyle) -> Table:
    return pairs_table(_info_rows(slip), style.table, width_pt=style.page.frame_width_pt,
                       label_share=style.info_label_share, size_pt=style.info_size_pt,
                       padding_pt=style.info_padding_pt)


def _question_table(slip: Slip, style: SlipStyle) -> Table:
    headings = _QUESTION_HEADINGS[slip.answers]
    groups = style.groups(slip.answers)
    body = column_major_rows([q.cells(slip.answers) for q in slip.questions], groups)
    width = style.page.frame_width_pt / groups
    widths = [width * share for share in _COLUMN_SHARES[slip.answers]] * groups
    table = data_table(headings * groups, body, widths, look=style.question_table)
    table.setStyle(TableStyle(group_dividers(groups, len(headings), style.question_table.box_width_pt)))
    return table


# -- HTML --------------------------------------------------------------------------

_SLIP_CSS = """
section.slip { page-break-after: always; break-after: page; margin-bottom: 48px; }
section.slip:last-child { page-break-after: auto; break-after: auto; }
table.questions td, table.questions th { min-width: 2.5em; }
""" + "".join(f"table.q{n} td:nth-child({n}n+1), table.q{n} th:nth-child({n}n+1) {{ border-left: 2px solid #000; }}\n"
              for n in sorted({len(h) for h in _QUESTION_HEADINGS.values()}))


def slips_html(report: CohortReport, *, answers: AnswerDetail = "none", style: SlipStyle = SlipStyle()) -> str:
    """Every slip in one HTML document; each slip prints on its own page (questions side by side as in the PDF)."""
    parts = []
    for slip in slips_of(report, answers=answers):
        sections = html_table(_SECTION_HEADINGS, [(t, points(p), points(m)) for t, p, m in slip.sections])
        listed = _question_table_html(slip, style) if slip.questions else f"<p>{esc(_empty_list_text(slip))}</p>"
        notes = "\n".join(f"<p class=\"note\">{esc(line)}</p>" for line in _footnotes(slip))
        parts.append(
            f"<section class=\"slip\" id=\"c{esc(slip.candidate)}\">\n<h1>{esc(slip.title)}　成绩单</h1>\n"
            f"{html_pairs_table(_info_rows(slip))}\n<h2>各题型得分</h2>\n{sections}\n"
            f"<h2>{esc(_list_heading(slip))}</h2>\n{listed}\n{notes}\n</section>"
        )
    return html_page(f"{report.title} 成绩单", "\n".join(parts), css=BASE_CSS + _SLIP_CSS)


def _question_table_html(slip: Slip, style: SlipStyle) -> str:
    groups = style.groups(slip.answers)
    body = column_major_rows([q.cells(slip.answers) for q in slip.questions], groups)
    return html_table(_QUESTION_HEADINGS[slip.answers] * groups, body, css_class=f"questions q{len(_QUESTION_HEADINGS[slip.answers])}")


def render_slips_html(report: CohortReport, path: str | Path, *, answers: AnswerDetail = "none") -> Path:
    """Write every slip into one HTML file (UTF-8); returns the path.

    Raises
    ------
    ReportError
        If the file cannot be written, or ``answers`` is not one of :data:`ANSWER_DETAILS`.
    """
    return write_html(path, slips_html(report, answers=answers), "the slips")
