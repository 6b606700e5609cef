"""The instructors' answer key (参考答案): every variant of an exam in one PDF.

Per variant: the variant code and key checksum, then per section a compact
table of question number, answer (对/错 for true/false) and item id, the
section subtotal and answer distribution, and the paper total.  Questions
dropped by a key correction print as 作废; further accepted answers follow
the answer after a slash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from papergen.render.columns import column_major_rows
from papergen.exam import ExamManifest, KeyQuestion, Section, VariantKey
from papergen.render.data_table import TableLook, data_table, group_dividers
from papergen.render.document import PageFrame, PdfInfo, build_document, running_decorator
from papergen.render.draw import TextRun, grey
from papergen.render.flowables import BoldLine
from papergen.render.fonts import (
    CjkParagraph,
    TextStyle,
    markup,
    paragraph_style,
    register_font,
    require_glyphs,
    text_width_pt,
)
from papergen.render.text import chinese_numeral
from papergen.wording import JUDGE_TEXT, answer_text, format_points
from papergen.render.units import mm_to_pt
from papergen.i18n import _

__all__ = ["KeyStyle", "render_key"]

DROPPED = "作废"
"""Printed instead of the answer of a question dropped from scoring."""

_COLUMN_HEADINGS = ("题号", "答案", "题目编号")
"""The columns of one group of the answer table."""


@dataclass(frozen=True)
class KeyStyle(PageFrame):
    """Page geometry (mm) and typography (pt) of the answer key; the page is :class:`PageFrame`'s."""

    title_size_pt: float = 15.0
    title_leading_pt: float = 24.0
    info_size_pt: float = 8.5
    info_leading_pt: float = 13.0
    heading_size_pt: float = 10.5
    heading_leading_pt: float = 18.0
    answer_size_pt: float = 10.0
    id_size_pt: float = 6.5
    id_grey: float = 0.35
    row_pt: float = 11.5
    number_col_mm: float = 8.0
    answer_col_min_mm: float = 10.0
    cell_pad_mm: float = 1.5
    max_groups: int = 6
    table: TableLook = TableLook(
        size_pt=9.0,
        header_size_pt=9.0,
        padding_pt=0.0,
        header_grey=0.85,
        band_grey=0.94,
        grid_grey=0.6,
        grid_width_pt=0.3,
        box_width_pt=0.5,
    )
    note_size_pt: float = 8.5
    note_leading_pt: float = 14.0
    section_gap_pt: float = 4.0


DEFAULT_STYLE = KeyStyle()


def render_key(manifest: ExamManifest, path: str | Path, *, style: KeyStyle = DEFAULT_STYLE) -> int:
    """Write the instructors' answer key of every variant as a PDF.

    Parameters
    ----------
    manifest : ExamManifest
        The exam's key manifest (all variants).
    path : str or Path
        Output PDF file; overwritten.
    style : KeyStyle, optional
        Page geometry and typography.

    Returns
    -------
    int
        Number of pages written.

    Raises
    ------
    RenderError
        If a text uses a character the bundled font lacks (naming the variant
        and question).
    """
    register_font()
    require_glyphs(_key_texts(manifest), document=f"answer key {manifest.exam_id}")
    story: list[Flowable] = []
    for index, variant in enumerate(manifest.variants):
        if index:
            story.append(PageBreak())
        story.extend(_variant_flowables(manifest, variant, style))
    info = PdfInfo(title=f"{manifest.title} 参考答案", subject=f"exam {manifest.exam_id} answer key")
    header = f"{manifest.title} 参考答案（教师用，请妥善保管）"
    decorate = running_decorator(header, f"考试编号 {manifest.exam_id}", style)
    return build_document(story, path, style, decorate=decorate, info=info)


def _key_texts(manifest: ExamManifest) -> Iterator[tuple[str, str]]:
    yield "title", manifest.title
    yield _("exam id"), manifest.exam_id
    for section in manifest.format.sections:
        yield _("section {key} title").format(key=section.key), section.title
    for variant in manifest.variants:
        yield _("variant {variant} name").format(variant=variant.variant), variant.variant
        for q in variant.questions:
            yield _("variant {variant} question {number} item id").format(
                    variant=variant.variant, number=q.number), q.item_id
            yield _("variant {variant} question {number} answer").format(
                    variant=variant.variant, number=q.number), _answer_text(q)


# -- one variant ---------------------------------------------------------------


def _variant_flowables(manifest: ExamManifest, variant: VariantKey, style: KeyStyle) -> list[Flowable]:
    info = TextStyle(style.info_size_pt, style.info_leading_pt, grey=style.decoration_grey)
    facts = (
        f"考试编号 {manifest.exam_id}　试卷代号 {variant.variant}　校验码 {variant.checksum}　"
        f"题库 {manifest.bank_id} {manifest.bank_version}　"
        f"随机种子 {manifest.seed}　答题卡 {manifest.layout_id}"
    )
    title = f"{manifest.title}　试卷代号 {variant.variant}　参考答案"
    flowables: list[Flowable] = [
        BoldLine(title, TextRun(style.title_size_pt, align="centre", bold=True), style.title_leading_pt),
        CjkParagraph(
            markup(facts),
            paragraph_style(TextStyle(info.size_pt, info.leading_pt, align="centre", grey=info.grey)),
        ),
    ]
    total_points, total_count = 0.0, 0
    for index, section in enumerate(manifest.format.sections):
        questions = [q for q in variant.questions if q.section == section.key]
        if not questions:
            continue
        flowables.extend(_section_flowables(index, section, questions, style))
        total_points += _scored_points(questions)
        total_count += len(questions)
    total = f"合计：{total_count}题，{format_points(total_points)}分"
    flowables.append(
        BoldLine(total, TextRun(style.heading_size_pt, align="right", bold=True), style.heading_leading_pt)
    )
    return flowables


def _section_flowables(
    index: int, section: Section, questions: Sequence[KeyQuestion], style: KeyStyle
) -> list[Flowable]:
    subtotal = _scored_points(questions)
    heading = (
        f"{chinese_numeral(index + 1)}、{section.title}"
        f"（共{len(questions)}题，每题{format_points(section.points)}分，小计{format_points(subtotal)}分）"
    )
    note = TextStyle(style.note_size_pt, style.note_leading_pt, grey=style.decoration_grey)
    return [
        Spacer(0, style.section_gap_pt),
        BoldLine(heading, TextRun(style.heading_size_pt, bold=True), style.heading_leading_pt),
        _answer_table(questions, style),
        CjkParagraph(markup(_distribution(questions, section)), paragraph_style(note)),
    ]


def _answer_text(question: KeyQuestion) -> str:
    if question.dropped:
        return DROPPED
    answers = [question.answer] + list(question.also_accept)
    return "/".join(answer_text(a, question.type, blank="") for a in answers)


def _scored_points(questions: Sequence[KeyQuestion]) -> float:
    return sum(q.points for q in questions if not q.dropped)


def _distribution(questions: Sequence[KeyQuestion], section: Section) -> str:
    """'答案分布：A 35　B 35 …' over the (undropped) keys, plus the dropped count."""
    counts = Counter(label for q in questions if not q.dropped for label in q.answer)
    if section.type == "judge":
        parts = [f"{JUDGE_TEXT[k]} {counts.get(k, 0)}" for k in JUDGE_TEXT]
    else:
        parts = [f"{label} {counts[label]}" for label in sorted(counts)]
    dropped = sum(q.dropped for q in questions)
    tail = f"；作废 {dropped} 题" if dropped else ""
    return "答案分布：" + "　".join(parts) + tail


# -- the table -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Columns:
    groups: int
    widths_pt: tuple[float, ...]


def _columns(questions: Sequence[KeyQuestion], style: KeyStyle) -> _Columns:
    pad = 2 * mm_to_pt(style.cell_pad_mm)
    answer = max(
        mm_to_pt(style.answer_col_min_mm),
        max(text_width_pt(_answer_text(q), style.answer_size_pt) for q in questions) + pad,
    )
    item = max(text_width_pt(q.item_id, style.id_size_pt) for q in questions) + pad
    number = mm_to_pt(style.number_col_mm)
    natural = number + answer + item
    groups = max(1, min(style.max_groups, int(style.frame_width_pt // natural), len(questions)))
    scale = style.frame_width_pt / (groups * natural)
    return _Columns(groups, tuple(w * scale for w in (number, answer, item)) * groups)


def _answer_table(questions: Sequence[KeyQuestion], style: KeyStyle) -> Table:
    columns = _columns(questions, style)
    entries = [[str(q.number), _answer_text(q), q.item_id] for q in questions]
    header = list(_COLUMN_HEADINGS) * columns.groups
    body = column_major_rows(entries, columns.groups)
    table = data_table(header, body, columns.widths_pt, look=style.table, row_height_pt=style.row_pt)
    table.setStyle(TableStyle(_column_commands(columns.groups, style)))
    return table


def _column_commands(groups: int, style: KeyStyle) -> list[tuple]:
    """Answers larger, item ids smaller and grey, a rule between column groups."""
    font = register_font()
    commands: list[tuple] = []
    for g in range(groups):
        answer_col, id_col = len(_COLUMN_HEADINGS) * g + 1, len(_COLUMN_HEADINGS) * g + 2
        commands.append(("FONT", (answer_col, 1), (answer_col, -1), font, style.answer_size_pt))
        commands.append(("FONT", (id_col, 1), (id_col, -1), font, style.id_size_pt))
        commands.append(("TEXTCOLOR", (id_col, 1), (id_col, -1), grey(style.id_grey)))
    return commands + group_dividers(groups, len(_COLUMN_HEADINGS), style.table.box_width_pt)
