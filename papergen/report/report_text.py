"""The cohort report's words and tables as plain strings, laid out by the PDF and HTML renderers.

Both outputs print exactly these rows, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from papergen.render.columns import column_major_rows
from papergen.report.cohort import CohortItem
from papergen.report.item_analysis import ItemAnalysis, OptionCounts
from papergen.report.summary import CohortReport, sheet_cut
from papergen.report.wording import (
    DASH,
    TYPE_TEXT,
    decimal,
    flags_text,
    percent,
    points,
)
from papergen.wording import JUDGE_TEXT, answer_text

__all__ = [
    "TextTable",
    "RowMark",
    "PART_TITLES",
    "part_headings",
    "report_title",
    "facts_line",
    "summary_pairs",
    "summary_rows",
    "section_table",
    "topic_table",
    "miskey_table",
    "item_table",
    "correction_lines",
    "excluded_lines",
    "printed_key_text",
    "printed_text",
    "upper_choice_text",
    "bank_key_text",
    "topic_note",
    "small_sample_note",
    "pending_note",
    "MISKEY_NOTE",
    "DEFINITIONS",
    "option_counts_text",
    "score_chart_title",
    "p_chart_title",
    "d_chart_title",
]

SUMMARY_COLUMNS = 2
"""Label and value pairs side by side in the key figures."""

RowMark = Literal["", "miskey", "weak"]
"""How a table row is highlighted: a miskey suspect, a weak item, or not at all."""

DEFINITIONS = (
    "难度P：答对率（有部分得分时为平均得分率），越大越容易。",
    ("区分度D：按总分排序，高分组（前27%）与低分组（后27%）的难度之差；D≥0.4 优，0.3–0.4 良，0.2–0.3 尚可，"
     "<0.2 差，负值表示低分考生反而答得更好。"),
    "点二列相关r：该题得分与“总分减去该题得分”的相关系数（已校正）。",
    ("信度：同分值的对错题用KR-20，分值不同（全卷）用Cronbach α；标准差按总体公式（除以N）计算；"
     "测量标准误SEM = 标准差 × √(1 − 信度)。"),
    ("疑似答案有误：区分度为负，或高分组中选择某个干扰项的人数比选择正确答案的人数多出高分组人数的10%以上；"
     "请核对答案后再决定是否更正。"),
    ("题号按试卷代号列出（如 A12 B87 表示A卷第12题、B卷第87题）。“答案”按各卷印在试卷上的选项字母列出"
     "（如“A卷C　B卷A”表示A卷印为C、B卷印为A；各卷相同时只列一次），与答案页和答案更正所用的字母一致；"
     "“题库答案”和选项分布按题库中的选项字母（打乱选项前的顺序）列出，选项分布为选择该项的人数，* 为正确选项。"),
)

MISKEY_NOTE = ("“答案”和“高分组首选”（高分组选得最多的选项）为各卷印在试卷上的字母，更正答案时按它们填写；"
               "“题库答案”和高分组、低分组选择按题库字母列出，"
               "选项后的 * 表示答案所列的正确选项。")
"""Printed under the table of miskey suspects."""

PART_TITLES = {
    "overview": "总体情况",
    "sections": "各题型得分",
    "topics": "各知识点得分",
    "quality": "试题质量",
    "miskeys": "疑似答案有误的试题",
    "corrections": "答案更正记录",
    "excluded": "未计入统计的答题卡",
    "items": "逐题分析",
}
"""The report's parts in print order (the same in the PDF and the HTML page)."""

_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class TextTable:
    """A table of strings: header, rows, per-column alignment and per-row highlight."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...]
    marks: tuple[RowMark, ...] = field(default=())


def part_headings(report: CohortReport) -> dict[str, str]:
    """Numbered headings of the parts the report prints, numbered without gaps (``"三、各知识点得分"``).

    Every part is printed, with a line saying why when it has nothing to
    show, except the sheets left out, printed only when there are some.
    """
    parts = [part for part in PART_TITLES if part != "excluded" or report.cohort.excluded]
    return {part: f"{_NUMERALS[i]}、{PART_TITLES[part]}" for i, part in enumerate(parts)}


def report_title(report: CohortReport) -> str:
    """The report's title line."""
    return f"{report.title}　成绩分析报告"


def facts_line(report: CohortReport) -> str:
    """Exam id, variants, bank, format and the data's date on one line."""
    m = report.cohort.manifest
    variants = "、".join(v.variant for v in m.variants)
    as_of = report.data_as_of.replace("T", " ").replace("+00:00", " UTC")
    return (f"考试编号 {m.exam_id}　试卷代号 {variants}　题库 {m.bank_id} {m.bank_version}　"
            f"试卷格式 {m.format.id}　数据截至 {as_of}")


def summary_pairs(report: CohortReport) -> list[tuple[str, str]]:
    """The key figures as (label, value) pairs, in reading order."""
    d = report.distribution
    rel = report.analysis.total_reliability()
    passed = int(report.settled_passes.sum())
    rel_label = f"信度（{_coefficient_text(rel.coefficient)}）" if rel else "信度"
    return [
        ("参考人数", str(report.cohort.size)),
        ("满分", points(report.full_marks)),
        ("平均分", decimal(d.mean, 1)),
        ("标准差", decimal(d.sd, 1)),
        ("中位数", points(d.median)),
        ("最高分 / 最低分", f"{points(d.maximum)} / {points(d.minimum)}"),
        ("及格线", _cut_text(report)),
        ("及格人数（及格率）", f"{passed}（{percent(report.pass_rate)}）"),
        ("及格与否待复核", str(int(report.pending.sum()))),
        (rel_label, decimal(rel.value) if rel else DASH),
        ("测量标准误", decimal(rel.sem, 1) if rel else DASH),
        ("待复核答题卡", str(report.review_sheets)),
        ("重复扫描（未计入）", str(len(report.cohort.excluded))),
    ]


def _cut_text(report: CohortReport) -> str:
    """The cut score, with the pass marks in proportion when dropped questions lowered a sheet's maximum."""
    _, cuts = _dropped_maxima(report)
    return f"{points(report.cut)}（作废题目后 {cuts}）" if cuts else points(report.cut)


def summary_rows(report: CohortReport) -> list[list[str]]:
    """The key figures two pairs a row (label, value, label, value), read down the left pairs first."""
    return column_major_rows(summary_pairs(report), SUMMARY_COLUMNS)


def section_table(report: CohortReport) -> TextTable:
    """Per format section: items, points, mean, SD, share, reliability."""
    reliabilities = {r.scope: r for r in report.analysis.reliability if r.scope != "total"}
    rows = []
    for group in report.sections:
        rel = reliabilities.get(group.key)
        rows.append((group.title, str(group.items), points(group.max_points), decimal(group.mean_points, 1),
                     decimal(group.sd_points, 1), percent(group.share),
                     f"{decimal(rel.value)}（{_coefficient_text(rel.coefficient)}）" if rel else DASH))
    header = ("题型", "题数", "满分", "平均分", "标准差", "得分率", "信度")
    return TextTable(header, tuple(rows), ("LEFT",) + ("CENTER",) * 6)


def topic_table(report: CohortReport) -> TextTable:
    """Per bank topic: code, name, items, points, mean, share (empty without a bank)."""
    rows = tuple(
        (g.key, g.title, str(g.items), points(g.max_points), decimal(g.mean_points, 1), percent(g.share))
        for g in report.topics
    )
    return TextTable(("代码", "知识点", "题数", "分值", "平均得分", "得分率"), rows,
                     ("CENTER", "LEFT", "CENTER", "CENTER", "CENTER", "CENTER"))


def topic_note(report: CohortReport) -> str:
    """Why the topic table is empty; ``""`` when it has rows."""
    if report.topics:
        return ""
    return ("本考试的答案文件（key.json）未记录各题的知识点；生成报告时用 --bank 指定本考试的题库，"
            "即可按知识点统计。")


def small_sample_note(report: CohortReport) -> str:
    """A warning when item statistics rest on few candidates; ``""`` otherwise."""
    if not report.small_sample_warning:
        return ""
    return (f"注意：每题作答人数最少只有 {report.fewest_candidates} 人（少于 {report.small_sample} 人），"
            "难度、区分度、信度和“疑似答案有误”的判断受个别考生影响大，仅供参考；"
            "不要仅凭本报告更正答案或淘汰试题。")


def pending_note(report: CohortReport) -> str:
    """Candidates whose pass or fail waits for the review; ``""`` if none."""
    pending = int(report.pending.sum())
    if not pending:
        return ""
    return (f"{pending} 名考生有题目待人工复核，复核结果可能决定其是否及格，现暂不判定，未计入及格人数；"
            "复核后重新生成报告。")


def printed_key_text(item: CohortItem) -> str:
    """The key (with answers also accepted after ``/``) as printed on each variant.

    ``"C"`` when every variant prints the same letters, else ``"A卷C　B卷A"``.
    """
    return printed_text(item, [item.key, *item.also_accept])


def printed_text(item: CohortItem, answers: Sequence[Sequence[str]]) -> str:
    """Answers given in bank labels, as printed on each variant (see :func:`printed_key_text`)."""
    per_variant = {v: "/".join(answer_text(item.printed(v, a), item.type) for a in answers)
                   for v in sorted(item.numbers)}
    if len(set(per_variant.values())) == 1:
        return next(iter(per_variant.values()))
    return "　".join(f"{v}卷{text}" for v, text in per_variant.items())


def upper_choice_text(a: ItemAnalysis) -> str:
    """The option the upper group chose most, as printed on each variant; :data:`DASH` if it chose none."""
    counts = a.options.upper
    if not any(counts):
        return DASH
    return printed_text(a.item, [[a.options.options[counts.index(max(counts))]]])


def bank_key_text(item: CohortItem) -> str:
    """The key (with answers also accepted after ``/``) in the bank's option labels."""
    return "/".join(answer_text(answer, item.type) for answer in (item.key, *item.also_accept))


def miskey_table(report: CohortReport) -> TextTable:
    """Miskey suspects: numbers, item, printed and bank key, P, D, r, upper / lower group choices, flags."""
    rows = tuple(
        (a.item.label, a.item.item_id, printed_key_text(a.item), bank_key_text(a.item), decimal(a.p_value),
         decimal(a.discrimination), decimal(a.point_biserial), upper_choice_text(a),
         option_counts_text(a.options, "upper"), option_counts_text(a.options, "lower"), flags_text(a.flags))
        for a in report.analysis.miskey_suspects
    )
    header = ("题号", "题目编号", "答案", "题库答案", "P", "D", "r", "高分组首选", "高分组选择", "低分组选择", "原因")
    return TextTable(header, rows, ("LEFT", "LEFT", "LEFT", "CENTER") + ("CENTER",) * 3 + ("LEFT",) * 4)


def item_table(report: CohortReport) -> TextTable:
    """Every item: numbers, id, type, key, P, D, r, blank and multi-mark rates, option counts, flags."""
    rows, marks = [], []
    for a in report.analysis.items:
        rows.append(_item_row(a))
        marks.append(_row_mark(a))
    header = ("题号", "题目编号", "题型", "答案", "题库答案", "P", "D", "r", "未答", "多涂", "选项分布", "标记")
    # numbers per variant ("A1 B108 C24 D56"), ids and printed keys per variant wrap: they are left-aligned
    align = ("LEFT", "LEFT", "CENTER", "LEFT") + ("CENTER",) * 6 + ("LEFT", "LEFT")
    return TextTable(header, tuple(rows), align, tuple(marks))


def _item_row(a: ItemAnalysis) -> tuple[str, ...]:
    item = a.item
    keys = (item.label, item.item_id, TYPE_TEXT.get(item.type, item.type), printed_key_text(item),
            bank_key_text(item))
    if item.dropped or item.awarded:
        return (*keys, DASH, DASH, DASH, percent(a.blank_rate, 0), _multi_rate(a),
                option_counts_text(a.options, "all"), "已作废" if item.dropped else "已送分")
    return (*keys, decimal(a.p_value), decimal(a.discrimination), decimal(a.point_biserial),
            percent(a.blank_rate, 0), _multi_rate(a), option_counts_text(a.options, "all"), flags_text(a.flags))


def _multi_rate(a: ItemAnalysis) -> str:
    return DASH if a.item.type == "multi" else percent(a.multi_rate, 0)


def _row_mark(a: ItemAnalysis) -> RowMark:
    if a.miskey_suspect:
        return "miskey"
    if a.flags:
        return "weak"
    return ""


def option_counts_text(counts: OptionCounts, group: Literal["all", "upper", "lower"]) -> str:
    """``"A 45　B 3*　C 2　D 0"`` with ``*`` after each correct option (judge options as 对/错)."""
    values = getattr(counts, group)
    judge = counts.options == ("T", "F")
    parts = []
    for option, value in zip(counts.options, values):
        name = JUDGE_TEXT[option] if judge else option
        parts.append(f"{name} {value}{'*' if option in counts.key else ''}")
    return "　".join(parts)


def correction_lines(report: CohortReport) -> list[str]:
    """One line per key correction applied to the store, then what dropped and awarded questions do to the marks."""
    lines = [
        f"{r.at.replace('T', ' ').replace('+00:00', ' UTC')}　{r.reason}：重新评分 {r.sheets} 份，"
        f"{len(r.total_changes)} 份总分变化"
        for r in report.rescores
    ]
    dropped = [it.label for it in report.cohort.items if it.dropped]
    awarded = [it.label for it in report.cohort.items if it.awarded]
    if dropped:
        full, cuts = _dropped_maxima(report)
        lines.append(f"作废 {len(dropped)} 题（{'、'.join(dropped)}）：不计分，每份答卷的满分减去其分值"
                     f"（{points(report.full_marks)} → {full}），及格线按比例降低（{points(report.cut)} → {cuts}），"
                     "及格所需的得分率不变。")
    if awarded:
        lines.append(f"送分 {len(awarded)} 题（{'、'.join(awarded)}）：所有考生得该题分数，"
                     f"满分（{points(report.full_marks)}）和及格线（{points(report.cut)}）不变。")
    return lines


def _dropped_maxima(report: CohortReport) -> tuple[str, str]:
    """The sheets' maxima below the full marks and their pass marks in proportion (``"99.5"``, ``"59.7"``)."""
    maxima = sorted({float(m) for m in report.cohort.max_totals if m < report.full_marks})
    return "、".join(points(m) for m in maxima), "、".join(points(sheet_cut(report, m)) for m in maxima)


def excluded_lines(report: CohortReport) -> list[str]:
    """One line per graded sheet left out of the statistics."""
    return [
        f"{e.sheet.page.source} 第{e.sheet.page.page_no}页（准考证号 {e.sheet.page.candidate}）与 "
        f"{e.duplicate_of.page.source} 第{e.duplicate_of.page.page_no}页为同一答题卡的重复扫描，只计一次"
        for e in report.cohort.excluded
    ]


def score_chart_title(report: CohortReport) -> str:
    """Title of the score histogram."""
    return f"成绩分布（人数；虚线为及格线 {points(report.cut)} 分）"


def p_chart_title() -> str:
    """Title of the difficulty histogram."""
    return "难度P分布（题数）"


def d_chart_title() -> str:
    """Title of the discrimination bands chart."""
    return "区分度D分级（题数）"


def _coefficient_text(coefficient: str) -> str:
    return "KR-20" if coefficient == "KR-20" else "α"
