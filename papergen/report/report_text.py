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
from papergen.i18n import N_, _, language, ngettext, pgettext
from papergen.report.wording import (
    DASH,
    decimal,
    flags_text,
    percent,
    points,
    type_text,
)
from papergen.wording import JUDGE_TEXT, answer_text

__all__ = [
    "TextTable",
    "RowMark",
    "PART_TITLES",
    "part_headings",
    "report_title",
    "running_header",
    "page_footer",
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
    "miskey_note",
    "no_miskey_note",
    "no_correction_note",
    "row_legend",
    "notes_title",
    "definitions",
    "option_counts_text",
    "score_chart_title",
    "cut_marker",
    "p_chart_title",
    "d_chart_title",
    "html_lang",
]

SUMMARY_COLUMNS = 2
"""Label and value pairs side by side in the key figures."""

RowMark = Literal["", "miskey", "weak"]
"""How a table row is highlighted: a miskey suspect, a weak item, or not at all."""

_DEFINITIONS = (
    N_("Difficulty P: the share of candidates answering correctly (the mean share of the points where partial "
       "credit is given); the larger, the easier."),
    N_("Discrimination D: with candidates ranked by total, the difficulty in the upper group (top 27%) minus "
       "that in the lower group (bottom 27%); D ≥ 0.4 excellent, 0.3–0.4 good, 0.2–0.3 fair, <0.2 poor; a "
       "negative value means weaker candidates did better."),
    N_("Point-biserial r: the correlation of an item's points with the total minus that item's points "
       "(corrected)."),
    N_("Reliability: KR-20 for right-or-wrong items of equal points, Cronbach's α where points differ (the whole "
       "paper); the standard deviation uses the population formula (divided by N); standard error of "
       "measurement SEM = SD × √(1 − reliability)."),
    N_("Suspected miskey: negative discrimination, or more of the upper group choosing one distractor than the "
       "key, by over 10% of the upper group; check the key before deciding whether to correct it."),
    N_("Questions are numbered per variant (A12 B87: question 12 of variant A, question 87 of variant B). "
       '"Key" gives the option letters printed on each variant ("A:C B:A": printed C on variant A, A on '
       "variant B; given once when every variant prints the same), the letters of the key page and of key "
       "corrections; \"Bank key\" and the option counts use the bank's letters (the order before shuffling); an "
       "option count is the candidates choosing it, * marks the correct option."),
)
"""The report's notes on its statistics, printed after the results."""

PART_TITLES = {
    "overview": N_("Overview"),
    "sections": N_("Scores by section"),
    "topics": N_("Scores by topic"),
    "quality": N_("Item quality"),
    "miskeys": N_("Items with a suspected miskey"),
    "corrections": N_("Record of key corrections"),
    "excluded": N_("Sheets left out of the statistics"),
    "items": N_("Item by item"),
}
"""The report's parts in print order (the same in the PDF and the HTML page)."""

_NUMERALS = "一二三四五六七八九十"


def html_lang() -> str:
    """The ``lang`` of a report page in the language in use: ``"zh-CN"`` or ``"en"``."""
    return "zh-CN" if language() == "zh" else "en"


def definitions() -> list[str]:
    """The notes on the report's statistics, in the language in use."""
    return [_(text) for text in _DEFINITIONS]


def miskey_note() -> str:
    """Printed under the table of miskey suspects."""
    return _('"Key" and "Upper pick" (the option the upper group chose most) are the letters printed '
             "on each variant: write key corrections with them; \"Bank key\" and the upper and lower groups' "
             "choices use the bank's letters, and * after an option marks a correct option of the key.")


def no_miskey_note() -> str:
    """Printed instead of the table of miskey suspects when there is none."""
    return _("No item with a suspected miskey was found.")


def no_correction_note() -> str:
    """Printed instead of the key corrections when there was none."""
    return _("These scores have had no key correction.")


def row_legend() -> str:
    """What the highlighted rows of the item table mean."""
    return _("Light red: suspected miskey; light yellow: low discrimination, too easy or too hard.")


def notes_title() -> str:
    """The heading of the notes on the statistics (not numbered: not a part of the results)."""
    return _("Notes")


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
    chinese = language() == "zh"
    return {part: _("{number}. {title}").format(number=_NUMERALS[i] if chinese else i + 1, title=_(PART_TITLES[part]))
            for i, part in enumerate(parts)}


def report_title(report: CohortReport) -> str:
    """The report's title line."""
    return _("{title}: score report").format(title=report.title)


def running_header(report: CohortReport) -> str:
    """The exam named at the right of every page's header."""
    return _("Exam id {exam}").format(exam=report.cohort.exam_id)


def page_footer(page: int, pages: int) -> str:
    """A page's footer, ``"第2页 共5页"``."""
    return _("Page {page} of {pages}").format(page=page, pages=pages)


def facts_line(report: CohortReport) -> str:
    """Exam id, variants, bank, format and the data's date on one line."""
    m = report.cohort.manifest
    as_of = report.data_as_of.replace("T", " ").replace("+00:00", " UTC")
    return _("Exam id {exam} · variants {variants} · bank {bank} {version} · format {format} · data as of {as_of}"
             ).format(exam=m.exam_id, variants=_(", ").join(v.variant for v in m.variants), bank=m.bank_id,
                      version=m.bank_version, format=m.format.id, as_of=as_of)


def summary_pairs(report: CohortReport) -> list[tuple[str, str]]:
    """The key figures as (label, value) pairs, in reading order."""
    d = report.distribution
    rel = report.analysis.total_reliability()
    passed = int(report.settled_passes.sum())
    rel_label = _("Reliability ({coefficient})").format(coefficient=_coefficient_text(rel.coefficient)) if rel \
        else _("Reliability")
    return [
        (_("Candidates sitting"), str(report.cohort.size)),
        (_("Full marks"), points(report.full_marks)),
        (_("Mean"), decimal(d.mean, 1)),
        (_("Standard deviation"), decimal(d.sd, 1)),
        (_("Median"), points(d.median)),
        (_("Highest / lowest"), f"{points(d.maximum)} / {points(d.minimum)}"),
        (_("Pass mark"), _cut_text(report)),
        (_("Passed (pass rate)"), _("{passed} ({rate})").format(passed=passed, rate=percent(report.pass_rate))),
        (_("Pass awaiting review"), str(int(report.pending.sum()))),
        (rel_label, decimal(rel.value) if rel else DASH),
        (_("Standard error (SEM)"), decimal(rel.sem, 1) if rel else DASH),
        (_("Sheets needing review"), str(report.review_sheets)),
        (_("Duplicates left out"), str(len(report.cohort.excluded))),
    ]


def _cut_text(report: CohortReport) -> str:
    """The cut score, with the pass marks in proportion when dropped questions lowered a sheet's maximum."""
    _maxima, cuts = _dropped_maxima(report)
    cut = points(report.cut)
    return _("{cut} ({cuts} after dropped questions)").format(cut=cut, cuts=cuts) if cuts else cut


def summary_rows(report: CohortReport) -> list[list[str]]:
    """The key figures two pairs a row (label, value, label, value), read down the left pairs first."""
    return column_major_rows(summary_pairs(report), SUMMARY_COLUMNS)


def section_table(report: CohortReport) -> TextTable:
    """Per format section: items, points, mean, SD, share, reliability."""
    reliabilities = {r.scope: r for r in report.analysis.reliability if r.scope != "total"}
    rows = []
    for group in report.sections:
        rel = reliabilities.get(group.key)
        reliability = _("{value} ({coefficient})").format(value=decimal(rel.value),
                                                          coefficient=_coefficient_text(rel.coefficient))
        rows.append((group.title, str(group.items), points(group.max_points), decimal(group.mean_points, 1),
                     decimal(group.sd_points, 1), percent(group.share), reliability if rel else DASH))
    header = (_("Section"), _("Items"), _("Full marks"), _("Mean"), _("SD"), _("Score rate"), _("Reliability"))
    return TextTable(header, tuple(rows), ("LEFT",) + ("CENTER",) * 6)


def topic_table(report: CohortReport) -> TextTable:
    """Per bank topic: code, name, items, points, mean, share (empty without a bank)."""
    rows = tuple(
        (g.key, g.title, str(g.items), points(g.max_points), decimal(g.mean_points, 1), percent(g.share))
        for g in report.topics
    )
    header = (_("Code"), _("Topic"), _("Items"), _("Points"), _("Mean points"), _("Score rate"))
    return TextTable(header, rows, ("CENTER", "LEFT", "CENTER", "CENTER", "CENTER", "CENTER"))


def topic_note(report: CohortReport) -> str:
    """Why the topic table is empty; ``""`` when it has rows."""
    if report.topics:
        return ""
    return _("The exam's key (key.json) records no topic for its questions; give the exam's bank with --bank "
             "when writing the report to get scores by topic.")


def small_sample_note(report: CohortReport) -> str:
    """A warning when item statistics rest on few candidates; ``""`` otherwise."""
    if not report.small_sample_warning:
        return ""
    return _("Note: as few as {fewest} candidates answered an item (fewer than {small}); difficulty, "
             "discrimination, reliability and the suspected miskeys swing with single candidates and are only "
             "indicative; do not correct the key or retire items on this report alone.").format(
        fewest=report.fewest_candidates, small=report.small_sample)


def pending_note(report: CohortReport) -> str:
    """Candidates whose pass or fail waits for the review; ``""`` if none."""
    pending = int(report.pending.sum())
    if not pending:
        return ""
    return ngettext(
        "{n} candidate has questions awaiting review whose outcome may decide the pass: not judged yet and not "
        "counted as passed; write the report again after the review.",
        "{n} candidates have questions awaiting review whose outcome may decide their pass: not judged yet and "
        "not counted as passed; write the report again after the review.", pending).format(n=pending)


def printed_key_text(item: CohortItem) -> str:
    """The key (with answers also accepted after ``/``) as printed on each variant.

    ``"C"`` when every variant prints the same letters, else ``"A卷C　B卷A"`` (``"A: C · B: A"``).
    """
    return printed_text(item, [item.key, *item.also_accept])


def printed_text(item: CohortItem, answers: Sequence[Sequence[str]]) -> str:
    """Answers given in bank labels, as printed on each variant (see :func:`printed_key_text`)."""
    per_variant = {v: "/".join(answer_text(item.printed(v, a), item.type) for a in answers)
                   for v in sorted(item.numbers)}
    if len(set(per_variant.values())) == 1:
        return next(iter(per_variant.values()))
    return pgettext("between variants", " ").join(
        _("{variant}:{answer}").format(variant=v, answer=text) for v, text in per_variant.items())


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
    header = (_("Questions"), _("Item"), _("Key"), _("Bank key"), "P", "D", "r", _("Upper pick"),
              _("Upper group's choices"), _("Lower group's choices"), _("Why"))
    return TextTable(header, rows, ("LEFT", "LEFT", "LEFT", "CENTER") + ("CENTER",) * 3 + ("LEFT",) * 4)


def item_table(report: CohortReport) -> TextTable:
    """Every item: numbers, id, type, key, P, D, r, blank and multi-mark rates, option counts, flags."""
    rows, marks = [], []
    for a in report.analysis.items:
        rows.append(_item_row(a))
        marks.append(_row_mark(a))
    header = (_("Questions"), _("Item"), _("Type"), _("Key"), _("Bank key"), "P", "D", "r", _("Blank"),
              _("Multi"), _("Option counts"), _("Flags"))
    # numbers per variant ("A1 B108 C24 D56"), ids and printed keys per variant wrap: they are left-aligned
    align = ("LEFT", "LEFT", "CENTER", "LEFT") + ("CENTER",) * 6 + ("LEFT", "LEFT")
    return TextTable(header, tuple(rows), align, tuple(marks))


def _item_row(a: ItemAnalysis) -> tuple[str, ...]:
    item = a.item
    keys = (item.label, item.item_id, type_text(item.type), printed_key_text(item), bank_key_text(item))
    if item.dropped or item.awarded:
        return (*keys, DASH, DASH, DASH, percent(a.blank_rate, 0), _multi_rate(a),
                option_counts_text(a.options, "all"), _("Dropped") if item.dropped else _("Awarded to all"))
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
        _("{at}  {reason}: {sheets} sheets rescored, {changed} totals changed").format(
            at=r.at.replace("T", " ").replace("+00:00", " UTC"), reason=r.reason, sheets=r.sheets,
            changed=len(r.total_changes))
        for r in report.rescores
    ]
    dropped = [it.label for it in report.cohort.items if it.dropped]
    awarded = [it.label for it in report.cohort.items if it.awarded]
    if dropped:
        full, cuts = _dropped_maxima(report)
        lines.append(ngettext(
            "{n} question dropped ({questions}): not scored; each sheet's full marks lose its points ({full} → "
            "{maxima}) and the pass mark falls in proportion ({cut} → {cuts}): the share needed to pass stays the "
            "same.",
            "{n} questions dropped ({questions}): not scored; each sheet's full marks lose their points ({full} → "
            "{maxima}) and the pass mark falls in proportion ({cut} → {cuts}): the share needed to pass stays the "
            "same.", len(dropped)).format(
            n=len(dropped), questions=_(", ").join(dropped), full=points(report.full_marks), maxima=full,
            cut=points(report.cut), cuts=cuts))
    if awarded:
        lines.append(ngettext(
            "{n} question awarded to all ({questions}): every candidate gets its points; the full marks ({full}) "
            "and the pass mark ({cut}) stay as they were.",
            "{n} questions awarded to all ({questions}): every candidate gets their points; the full marks ({full}) "
            "and the pass mark ({cut}) stay as they were.", len(awarded)).format(
            n=len(awarded), questions=_(", ").join(awarded), full=points(report.full_marks), cut=points(report.cut)))
    return lines


def _dropped_maxima(report: CohortReport) -> tuple[str, str]:
    """The sheets' maxima below the full marks and their pass marks in proportion (``"99.5"``, ``"59.7"``)."""
    maxima = sorted({float(m) for m in report.cohort.max_totals if m < report.full_marks})
    return _(", ").join(points(m) for m in maxima), _(", ").join(points(sheet_cut(report, m)) for m in maxima)


def excluded_lines(report: CohortReport) -> list[str]:
    """One line per graded sheet left out of the statistics."""
    return [
        _("{file} page {page} (candidate {candidate}) and {other} page {other_page} are scans of the same sheet; "
          "counted once").format(file=e.sheet.page.source, page=e.sheet.page.page_no, candidate=e.sheet.page.candidate,
                                 other=e.duplicate_of.page.source, other_page=e.duplicate_of.page.page_no)
        for e in report.cohort.excluded
    ]


def score_chart_title(report: CohortReport) -> str:
    """Title of the score histogram."""
    return _("Scores (candidates; dashed line: pass mark {cut})").format(cut=points(report.cut))


def cut_marker(report: CohortReport) -> str:
    """The label of the pass mark's line on the score histogram."""
    return _("pass mark {cut}").format(cut=f"{report.cut:g}")


def p_chart_title() -> str:
    """Title of the difficulty histogram."""
    return _("Difficulty P (items)")


def d_chart_title() -> str:
    """Title of the discrimination bands chart."""
    return _("Discrimination D bands (items)")


def _coefficient_text(coefficient: str) -> str:
    return "KR-20" if coefficient == "KR-20" else "α"
