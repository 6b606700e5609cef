"""The question booklet (试卷): one PDF per variant, A4, embedded Chinese font.

Page 1 opens with the title, exam id, variant code (试卷代号), duration and the
candidate instructions (注意事项); then come the sections in format order,
each with its heading (一、单项选择题（共140题，每题0.5分）) and instruction line,
and the numbered questions.  Options share a line when their measured widths
allow (4 per line, else 2, else 1).  A question never breaks across pages.
Every page carries a header with the exam title and variant and a
第x页 共y页 footer; page 1 a large A卷 mark, the last page the end mark
试卷结束, and with the format's ``seal_line`` every page a 密封线 strip
(:mod:`papergen.render.booklet_marks`).  Stems and options are set in the
bundled serif face when it holds their characters (:func:`body_face`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from papergen.errors import RenderError
from papergen.exam import Paper, PaperQuestion, Section
from papergen.render.booklet_marks import DEFAULT_MARKS, end_mark, with_paper_marks
from papergen.render.document import PageFrame, PdfInfo, build_document, running_decorator
from papergen.render.draw import TextRun, grey
from papergen.render.figures import figure_flowables
from papergen.render.flowables import BoldLine, TextRow, Unsplittable
from papergen.render.fonts import (
    CjkParagraph,
    TextStyle,
    hanging_paragraph,
    markup,
    paragraph_style,
    register_font,
    register_serif_font,
    require_glyphs,
    text_width_pt,
)
from papergen.render.text import (
    JUDGE_BLANK,
    chinese_numeral,
    option_text,
    question_label,
    section_heading,
)
from papergen.render.glyphs import serif_covers
from papergen.render.typography import print_text
from papergen.wording import format_points
from papergen.i18n import _

__all__ = ["BookletStyle", "body_face", "render_booklet", "options_per_line"]


@dataclass(frozen=True)
class BookletStyle(PageFrame):
    """Page geometry (mm) and typography (pt) of the booklet."""

    margin_left_mm: float = 20.0
    margin_right_mm: float = 20.0
    margin_top_mm: float = 22.0
    margin_bottom_mm: float = 20.0
    header_baseline_mm: float = 13.0
    header_rule_mm: float = 15.0
    footer_baseline_mm: float = 11.0
    footer_size_pt: float = 9.0
    title_size_pt: float = 18.0
    title_leading_pt: float = 28.0
    info_size_pt: float = 10.5
    info_leading_pt: float = 18.0
    notice_size_pt: float = 9.5
    notice_leading_pt: float = 14.0
    notice_padding_pt: float = 6.0
    notice_heading_size_pt: float = 10.5
    table_size_pt: float = 9.5
    table_row_pt: float = 15.0
    table_header_grey: float = 0.92
    block_gap_pt: float = 10.0
    heading_size_pt: float = 12.0
    heading_leading_pt: float = 20.0
    heading_space_before_pt: float = 8.0
    section_note_size_pt: float = 10.0
    section_note_leading_pt: float = 16.0
    text_size_pt: float = 10.5
    text_leading_pt: float = 15.5
    question_gap_pt: float = 5.0
    option_gutter_pt: float = 8.0
    option_choices: tuple[int, ...] = (5, 4, 2, 1)
    serif_body: bool = True
    """Set stems and options in the serif (宋体-style) face when it holds all their characters."""


DEFAULT_STYLE = BookletStyle()

NOTICE_HEADING = "注　意　事　项"
"""Heading of the candidate instructions box."""


def render_booklet(
    paper: Paper, path: str | Path, *, style: BookletStyle = DEFAULT_STYLE, figure_root: str | Path | None = None
) -> int:
    """Write the question booklet of one variant as a PDF.

    Parameters
    ----------
    paper : Paper
        The assembled variant.
    path : str or Path
        Output PDF file; overwritten.
    style : BookletStyle, optional
        Page geometry and typography.
    figure_root : path, optional
        Folder of the bank file, against which the questions' figure paths are read.

    Returns
    -------
    int
        Number of pages written.

    Raises
    ------
    RenderError
        If a text uses a character the bundled font lacks (naming every item
        id and character), a question is taller than a page, or a figure file
        is missing or differs from the one the bank recorded.
    """
    register_font()
    require_glyphs(_booklet_texts(paper), document=f"booklet {paper.exam_id} variant {paper.variant}")
    if paper.format.seal_line:
        style = replace(style, margin_left_mm=style.margin_left_mm + DEFAULT_MARKS.seal_width_mm)
    story = _title_block(paper, style) + list(_section_flowables(paper, style, figure_root)) + [end_mark()]
    variant_text = f"考试编号 {paper.exam_id}　试卷代号 {paper.variant}"
    decorate = with_paper_marks(running_decorator(paper.format.title, variant_text, style), style, paper.variant,
                                seal_line=paper.format.seal_line)
    return build_document(story, path, style, decorate=decorate, info=_info(paper))


# -- texts and checks --------------------------------------------------------


def _booklet_texts(paper: Paper) -> Iterator[tuple[str, str]]:
    fmt = paper.format
    yield _("format title"), fmt.title
    yield _("exam id"), paper.exam_id
    yield "variant", paper.variant
    for i, line in enumerate(fmt.booklet_instructions()):
        yield _("format instructions[{index}]").format(index=i), line
    for section in fmt.sections:
        yield _("section {key} title").format(key=section.key), section.title
        yield _("section {key} instructions").format(key=section.key), section.instructions
    for q in paper.questions:
        yield _("item {item} (question {number}) stem").format(item=q.item_id, number=q.number), q.stem
        for option in q.options:
            yield _("item {item} (question {number}) option {label}").format(
                item=q.item_id, number=q.number, label=option.label), option.text
        for k, figure in enumerate(q.figures):
            if figure.caption:
                yield _("item {item} (question {number}) figure {figure} caption").format(
                    item=q.item_id, number=q.number, figure=k + 1), figure.caption


def _check_height(flowable: Unsplittable, question: PaperQuestion, style: BookletStyle, where: str) -> None:
    height = flowable.wrap(style.frame_width_pt, style.frame_height_pt)[1]
    if height > style.frame_height_pt:
        raise RenderError(
            _(
                "{where}: item {item} (question {number}) is taller than a page (got {height:.0f} pt, page "
                "holds {page:.0f} pt); shorten the stem or options").format(
                    where=where, item=question.item_id, number=question.number, height=height,
                    page=style.frame_height_pt)
        )


# -- document metadata ---------------------------------------------------------


def _info(paper: Paper) -> PdfInfo:
    return PdfInfo(
        title=f"{paper.format.title} 试卷代号 {paper.variant}",
        subject=f"exam {paper.exam_id} variant {paper.variant} booklet",
    )


# -- title block ---------------------------------------------------------------


def _title_block(paper: Paper, style: BookletStyle) -> list[Flowable]:
    fmt = paper.format
    info = TextStyle(style.info_size_pt, style.info_leading_pt, align="centre")
    facts = (
        f"考试编号：{paper.exam_id}　　试卷代号：{paper.variant}　　"
        f"考试时间：{fmt.duration_min}分钟　　满分：{format_points(fmt.computed_total)}分"
    )
    return [
        BoldLine(fmt.title, TextRun(style.title_size_pt, align="centre", bold=True), style.title_leading_pt),
        CjkParagraph(markup(facts), paragraph_style(info)),
        Spacer(0, style.block_gap_pt / 2),
        _score_table(paper, style),
        Spacer(0, style.block_gap_pt),
        _notice_box(paper, style),
        Spacer(0, style.block_gap_pt / 2),
    ]


def _score_table(paper: Paper, style: BookletStyle) -> Table:
    sections = paper.format.sections
    header = ["题　号"] + [chinese_numeral(i + 1) for i in range(len(sections))] + ["总　分"]
    counts = (
        ["题　量"]
        + [f"{len(paper.section_questions(s.key))}题" for s in sections]
        + [f"{len(paper.questions)}题"]
    )
    points = ["分　值"] + [f"{format_points(_section_total(paper, s))}分" for s in sections]
    points.append(f"{format_points(sum(q.points for q in paper.questions))}分")
    column = style.frame_width_pt / len(header)
    table = Table([header, counts, points], colWidths=[column] * len(header), rowHeights=style.table_row_pt)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), register_font(), style.table_size_pt),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), style.rule_width_pt, grey(0)),
                ("BACKGROUND", (0, 0), (-1, 0), grey(style.table_header_grey)),
            ]
        )
    )
    return table


def _notice_box(paper: Paper, style: BookletStyle) -> Table:
    body = TextStyle(style.notice_size_pt, style.notice_leading_pt)
    rows: list[Flowable] = [
        BoldLine(
            NOTICE_HEADING,
            TextRun(style.notice_heading_size_pt, align="centre", bold=True),
            style.notice_leading_pt,
        )
    ]
    for i, line in enumerate(paper.format.booklet_instructions(), start=1):
        rows.append(hanging_paragraph(f"{i}．", line, body))
    table = Table([[rows]], colWidths=[style.frame_width_pt])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), register_font(), style.notice_size_pt),
                ("BOX", (0, 0), (-1, -1), style.rule_width_pt, grey(0)),
                ("LEFTPADDING", (0, 0), (-1, -1), style.notice_padding_pt),
                ("RIGHTPADDING", (0, 0), (-1, -1), style.notice_padding_pt),
                ("TOPPADDING", (0, 0), (-1, -1), style.notice_padding_pt / 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), style.notice_padding_pt),
            ]
        )
    )
    return table


# -- sections and questions ----------------------------------------------------


def body_face(paper: Paper, style: BookletStyle = DEFAULT_STYLE) -> str:
    """The face of stems and options: the serif when it holds every character they print, else the sans.

    The serif holds GB2312 only; a paper printing a rarer character is set in
    the sans throughout, never in two faces.
    """
    texts = [print_text(q.stem) for q in paper.questions] + [
        option_text(o.label, print_text(o.text)) for q in paper.questions for o in q.options
    ]
    if style.serif_body and serif_covers(texts):
        return register_serif_font()
    return register_font()


def _section_flowables(paper: Paper, style: BookletStyle, figure_root: str | Path | None) -> Iterator[Flowable]:
    where = f"booklet {paper.exam_id} variant {paper.variant}"
    face = body_face(paper, style)
    for index, section in enumerate(paper.format.sections):
        questions = paper.section_questions(section.key)
        if questions:
            yield _section_heading(index, section, len(questions), style)
            for question in questions:
                yield _question_flowable(question, style, where, face, figure_root)


def _section_heading(index: int, section: Section, count: int, style: BookletStyle) -> Unsplittable:
    """Heading and instruction line, kept on the page of the section's first question."""
    heading = section_heading(index, section, count)
    parts: list[Flowable] = [
        BoldLine(heading, TextRun(style.heading_size_pt, bold=True), style.heading_leading_pt)
    ]
    if section.instructions:
        note = TextStyle(
            style.section_note_size_pt, style.section_note_leading_pt, grey=style.decoration_grey
        )
        parts.append(CjkParagraph(markup(section.instructions), paragraph_style(note)))
    group = Unsplittable(parts, space_after_pt=style.question_gap_pt / 2)
    group.spaceBefore = style.heading_space_before_pt
    group.keepWithNext = True
    return group


def _question_flowable(
    question: PaperQuestion, style: BookletStyle, where: str, face: str, figure_root: str | Path | None = None
) -> Unsplittable:
    """Stem, figures and options of one question, never split across pages.

    Raises
    ------
    RenderError
        If the question alone is taller than a page.
    """
    body = TextStyle(style.text_size_pt, style.text_leading_pt, font=face)
    stem = print_text(question.stem)
    if question.type == "judge" and not stem.rstrip().endswith(JUDGE_BLANK):
        stem = stem.rstrip() + JUDGE_BLANK
    parts: list[Flowable] = [hanging_paragraph(question_label(question.number), stem, body)]
    if question.figures:
        indent = text_width_pt(question_label(question.number), style.text_size_pt)
        caption = TextStyle(style.text_size_pt - 1, style.text_leading_pt - 2, align="centre")
        parts += figure_flowables(question.figures, figure_root, width_pt=style.frame_width_pt - 2 * indent,
                                  caption=caption, where=_("{where}: item {item} (question {number})").format(
                                      where=where, item=question.item_id, number=question.number))
    parts.extend(_option_flowables(question, style, face))
    flowable = Unsplittable(parts, space_after_pt=style.question_gap_pt)
    _check_height(flowable, question, style, where)
    return flowable


def _option_flowables(question: PaperQuestion, style: BookletStyle, face: str) -> list[Flowable]:
    if not question.options:
        return []
    printed = [print_text(o.text) for o in question.options]
    texts = [option_text(o.label, t) for o, t in zip(question.options, printed)]
    indent = text_width_pt(question_label(question.number), style.text_size_pt, face)
    available = style.frame_width_pt - indent
    widths = [text_width_pt(t, style.text_size_pt, face) for t in texts]
    per_line = options_per_line(widths, available, style.option_gutter_pt, style.option_choices)
    if per_line == 1:
        body = TextStyle(style.text_size_pt, style.text_leading_pt, left_indent_pt=indent, font=face)
        return [hanging_paragraph(option_text(o.label, ""), t, body) for o, t in zip(question.options, printed)]
    column = available / per_line
    rows = []
    for start in range(0, len(texts), per_line):
        chunk = texts[start : start + per_line]
        offsets = [indent + i * column for i in range(len(chunk))]
        rows.append(TextRow(chunk, offsets, style.text_size_pt, style.text_leading_pt, face))
    return rows


def options_per_line(
    widths_pt: Sequence[float], available_pt: float, gutter_pt: float, choices: Sequence[int]
) -> int:
    """How many options share a line: the largest choice whose columns hold every option.

    A choice that would leave one option alone under a fuller line (4 + 1)
    is skipped; 2 + 2 + 1 is fine.  Three options may share the columns of
    a four-per-line grid.

    Parameters
    ----------
    widths_pt : sequence of float
        Measured width of each option's printed text (label included), points.
    available_pt : float
        Width of the option area, points.
    gutter_pt : float
        Minimum space between the end of one option and the next column, points.
    choices : sequence of int
        Candidate options-per-line counts, tried largest first; 1 always fits
        (a single option wraps over several lines).

    Examples
    --------
    >>> options_per_line([40, 50, 45, 60], 400, 8, (4, 2, 1))
    4
    >>> options_per_line([40, 150, 45, 60], 400, 8, (4, 2, 1))
    2
    >>> options_per_line([40, 250, 45, 60], 400, 8, (4, 2, 1))
    1
    >>> options_per_line([40, 50, 45, 60, 90], 400, 8, (5, 4, 2, 1))
    2
    >>> options_per_line([40, 50, 45], 400, 8, (5, 4, 2, 1))
    4
    """
    count = len(widths_pt)
    for per_line in _line_choices(count, choices):
        if max(widths_pt) + gutter_pt <= available_pt / per_line:
            return per_line
    return 1


def _line_choices(count: int, choices: Sequence[int]) -> list[int]:
    """Choices worth trying for ``count`` options, largest first.

    Choices up to ``count``, except those leaving one option alone under a
    line of three or more; and, when ``count`` is not itself a choice, the
    smallest choice above it, so three short options sit in the columns of
    the usual four-per-line grid.
    """
    usable = [c for c in set(choices) if 1 < c <= count and not (c > 2 and count % c == 1)]
    above = [c for c in choices if c > count]
    if above and count not in choices:
        usable.append(min(above))
    return sorted(usable, reverse=True)


def _section_total(paper: Paper, section: Section) -> float:
    return sum(q.points for q in paper.section_questions(section.key))
