"""How many non-overlapping papers a bank can yield for a format.

For one section and a paper count ``k`` the question is whether ``k`` papers'
worth of distinct items can meet ``k`` x the topic quotas and ``k`` x the
difficulty quotas at once.  That is a transportation problem on the
topic x difficulty cells of the bank::

    source --k*topic quota--> topic --items in cell--> difficulty --k*difficulty quota--> sink

and it is feasible exactly when the maximum flow saturates every source
edge.  Transportation polytopes have the integer decomposition property, so a
feasible ``k``-fold selection always splits into ``k`` papers that each meet
the quotas: the count is exact for banks without enemy groups.

Two further rules of assembly are folded in as necessary conditions, so with
them the count is an upper bound:

- an enemy group gives at most ``k`` items to ``k`` papers (one per paper);
  it is applied per topic x difficulty cell;
- a judge section needs ``k`` x the fewest allowed 对 keys among its true
  items and ``k`` x the fewest allowed 错 keys among its false items.

Sections of the same type draw from one pool of items; each section is
counted on its own, so a format with two sections of one type gets an upper
bound.  The minimum cut of the first infeasible ``k`` names the limiting
constraint in words.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from papergen.bank.flow import FlowNetwork
from papergen.bank.model import Bank, Item, difficulty_name, type_name
from papergen.bank.blueprint import DIFFICULTIES, Blueprint, SectionBlueprint, make_blueprint
from papergen.exam import PaperFormat, Section
from papergen.i18n import N_, _, language, ngettext

__all__ = [
    "CapacityReport",
    "SectionCapacity",
    "capacity",
    "section_fits",
    "format_capacity_table",
    "display_width",
]

_SHARE_EPS = 1e-9
"""Tolerance when turning a share range of 对 keys into whole counts."""

_DIFFICULTY_LABELS = {"easy": N_("易 easy"), "medium": N_("中 medium"), "hard": N_("难 hard")}
"""Column headings of the difficulties: Chinese and English in English, Chinese alone in Chinese."""
_WIDE = ("W", "F")

Cell = tuple[str, str]
"""A (topic code, difficulty) pair."""


@dataclass(frozen=True)
class SectionCapacity:
    """Items available to one section and the papers they can fill.

    Attributes
    ----------
    key, type, title : str
        The format section.
    quota : SectionBlueprint
        Items per paper by topic and by difficulty (from :func:`make_blueprint`).
    available : dict
        ``(topic code, difficulty) -> number of items`` that can be printed in
        this section (right type, no more options than the section prints).
    excluded : int
        Items of the section's type left out because they have more options
        than the section prints.
    papers : int
        Largest number of non-overlapping papers this section can fill.
    limit : str
        Why ``papers + 1`` papers cannot be filled, in words.
    """

    key: str
    type: str
    title: str
    quota: SectionBlueprint
    available: dict[tuple[str, str], int]
    excluded: int
    papers: int
    limit: str


@dataclass(frozen=True)
class CapacityReport:
    """Capacity of a bank for a paper format, section by section."""

    bank_id: str
    format_id: str
    topic_names: dict[str, str]
    sections: tuple[SectionCapacity, ...]

    @property
    def papers(self) -> int:
        """Non-overlapping papers the whole format can be filled with (fewest over sections)."""
        return min(s.papers for s in self.sections)

    @property
    def limit(self) -> str:
        """The limiting constraint of the section that yields fewest papers."""
        return min(self.sections, key=lambda s: s.papers).limit


@dataclass(frozen=True)
class _Pool:
    """The items one section can draw, reduced to what the capacity check needs."""

    loose: dict[Cell, int]
    """Items without an enemy group, per (topic, difficulty) cell."""
    grouped: dict[Cell, tuple[int, ...]]
    """Per cell, the number of members of each enemy group in that cell."""
    true_keys: int
    false_keys: int

    def cell(self, topic: str, difficulty: str, papers: int | None) -> int:
        """Items of a cell usable by ``papers`` papers (an enemy group gives one per paper); None: all items."""
        groups = self.grouped.get((topic, difficulty), ())
        held = sum(groups) if papers is None else sum(min(n, papers) for n in groups)
        return self.loose.get((topic, difficulty), 0) + held

    def usable(self, cells: list[Cell], papers: int | None) -> int:
        """:meth:`cell` summed over ``(topic, difficulty)`` cells."""
        return sum(self.cell(t, d, papers) for t, d in cells)


def section_fits(item: Item, section: Section) -> bool:
    """Whether an item can be printed in a section: same type, no more options than it prints."""
    if item.type != section.type:
        return False
    return item.type == "judge" or len(item.options) <= section.options


def capacity(bank: Bank, paper_format: PaperFormat, blueprint: Blueprint | None = None) -> CapacityReport:
    """Count the non-overlapping papers a bank can fill, per section and overall.

    Parameters
    ----------
    bank : Bank
        A bank that passed :func:`papergen.bank.validate.validate_bank`.
    paper_format : PaperFormat
        The paper format; its sections set the item types and counts.
    blueprint : Blueprint, optional
        Quotas per section; by default ``make_blueprint(bank, paper_format)``.

    Raises
    ------
    AssemblyError
        From :func:`make_blueprint`, when a section's type has no items at all.
    """
    blueprint = blueprint or make_blueprint(bank, paper_format)
    sections = tuple(_section_capacity(bank, s, blueprint.section(s.key)) for s in paper_format.sections)
    return CapacityReport(bank.id, paper_format.id, bank.topic_names(), sections)


def _section_capacity(bank: Bank, section: Section, quota: SectionBlueprint) -> SectionCapacity:
    live = [item for item in bank.items if item.status != "retired"]
    fitting = [item for item in live if section_fits(item, section)]
    excluded = sum(1 for item in live if item.type == section.type) - len(fitting)
    pool = _pool(fitting)
    papers, limit = _max_papers(section, quota, pool)
    available = dict(Counter((item.topic, item.difficulty) for item in fitting))
    return SectionCapacity(section.key, section.type, section.title, quota, available, excluded, papers, limit)


def _pool(items: list[Item]) -> _Pool:
    loose: Counter[tuple[str, str]] = Counter()
    members: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in items:
        cell = (item.topic, item.difficulty)
        if item.enemy_group is None:
            loose[cell] += 1
        else:
            members[cell][item.enemy_group] += 1
    grouped = {cell: tuple(counts.values()) for cell, counts in members.items()}
    true_keys = sum(1 for item in items if item.answer is True)
    false_keys = sum(1 for item in items if item.answer is False)
    return _Pool(dict(loose), grouped, true_keys, false_keys)


def _max_papers(section: Section, quota: SectionBlueprint, pool: _Pool) -> tuple[int, str]:
    """The largest feasible paper count (searching upwards) and why one more fails.

    The search ends: once ``k * count`` exceeds the pool, no flow can saturate.
    """
    papers = 0
    while (shortfall := _shortfall(section, quota, pool, papers + 1)) is None:
        papers += 1
    return papers, shortfall


def _shortfall(section: Section, quota: SectionBlueprint, pool: _Pool, papers: int) -> str | None:
    """None when ``papers`` papers can be filled, else the limiting constraint in words."""
    message = _flow_shortfall(_section_name(section), quota, pool, papers)
    if message is None and section.type == "judge":
        message = _key_shortfall(section, pool, papers)
    return message


def _section_name(section: Section) -> str:
    """How a shortfall names a section: its printed title in Chinese, its key (``single``) in English."""
    return section.title if language() == "zh" else section.key


def _flow_shortfall(key: str, quota: SectionBlueprint, pool: _Pool, papers: int) -> str | None:
    topics = list(quota.topics)
    source, sink = 0, 1
    topic_node = {t: 2 + i for i, t in enumerate(topics)}
    level_node = {d: 2 + len(topics) + i for i, d in enumerate(DIFFICULTIES)}
    net = FlowNetwork(2 + len(topics) + len(DIFFICULTIES))
    for t in topics:
        net.add_edge(source, topic_node[t], papers * quota.topics[t])
        for d in DIFFICULTIES:
            net.add_edge(topic_node[t], level_node[d], pool.cell(t, d, papers))
    for d in DIFFICULTIES:
        net.add_edge(level_node[d], sink, papers * quota.difficulties.get(d, 0))
    result = net.max_flow(source, sink)
    if result.value == papers * quota.count:
        return None
    marginal = _marginal_shortfall(key, quota, pool, papers)
    if marginal is not None:
        return marginal
    cut_topics = [t for t in topics if topic_node[t] in result.source_side]
    short_levels = [d for d in DIFFICULTIES if level_node[d] not in result.source_side and quota.difficulties.get(d, 0)]
    return _describe_cut(key, quota, pool, papers, cut_topics, short_levels)


def _marginal_shortfall(key: str, quota: SectionBlueprint, pool: _Pool, papers: int) -> str | None:
    """The whole section, or the first single topic or difficulty, short on its own: the plainest reason."""
    topics = [t for t, n in quota.topics.items() if n > 0]
    checks = [(_("all items"), quota.count, [(t, d) for t in topics for d in DIFFICULTIES])]
    checks += [(ngettext("topic {topics}", "topics {topics}", 1).format(topics=t), quota.topics[t],
                [(t, d) for d in DIFFICULTIES]) for t in topics]
    checks += [(_("difficulty {levels}").format(levels=difficulty_name(d)), quota.difficulties.get(d, 0), [(t, d) for t in topics])
               for d in DIFFICULTIES]
    for where, per_paper, cells in checks:
        if papers * per_paper > pool.usable(cells, papers):
            return _shortage(_("section {section}, {where}").format(section=key, where=where), papers,
                             papers * per_paper, pool, cells)
    return None


def _describe_cut(
    key: str, quota: SectionBlueprint, pool: _Pool, papers: int, topics: list[str], levels: list[str]
) -> str:
    """Word a minimum cut: the topics ``topics`` need more items of difficulties ``levels`` than exist.

    With ``A`` the cut's topics and ``B`` the other difficulties, a deficient
    cut means ``k * (quota(A) - quota(B)) > items(A x not B)``: whatever the
    difficulties ``B`` can absorb, the rest must come from the short cells.
    """
    absorbed = sum(quota.difficulties.get(d, 0) for d in DIFFICULTIES if d not in levels)
    need = papers * (sum(quota.topics[t] for t in topics) - absorbed)
    all_topics = set(topics) == {t for t, n in quota.topics.items() if n > 0}
    where = [] if all_topics else [ngettext("topic {topics}", "topics {topics}", len(topics)).format(
        topics=", ".join(topics))]
    if set(levels) != {d for d, n in quota.difficulties.items() if n > 0}:
        where.append(_("difficulty {levels}").format(levels="+".join(map(difficulty_name, levels))))
    cells = [(t, d) for t in topics for d in levels]
    return _shortage(_("section {section}, {where}").format(section=key, where=" ".join(where) or _("all items")),
                     papers, need, pool, cells)


def _shortage(where: str, papers: int, need: int, pool: _Pool, cells: list[Cell]) -> str:
    """``"<where>: 3 papers need 12, bank has 10"``, noting items held back by enemy groups."""
    have, items = pool.usable(cells, papers), pool.usable(cells, None)
    held_back = _(" ({count} items, but an enemy group gives one per paper)").format(count=items) if items != have else ""
    return _("{where}: {need}, bank has {have}{held_back}").format(
        where=where, need=_need(papers, need), have=have, held_back=held_back)


def _need(papers: int, items: int) -> str:
    """``"1 paper needs 4"`` / ``"3 papers need 12"``."""
    return ngettext("{n} paper needs {items}", "{n} papers need {items}", papers).format(n=papers, items=items)


def _key_shortfall(section: Section, pool: _Pool, papers: int) -> str | None:
    """A judge section's 对/错 balance: each paper needs a minimum of true and of false keys."""
    low, high = section.judge_true_share
    min_true = math.ceil(low * section.count - _SHARE_EPS)
    min_false = section.count - math.floor(high * section.count + _SHARE_EPS)
    for word, need, have in ((N_("true (对)"), min_true, pool.true_keys), (N_("false (错)"), min_false, pool.false_keys)):
        if papers * need > have:
            return _("section {section}, {word} keys: {need}, bank has {have}").format(
                section=_section_name(section), word=_(word), need=_need(papers, papers * need), have=have)
    return None


def display_width(text: str) -> int:
    """Terminal columns a text takes: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in _WIDE else 1 for ch in text)


def format_capacity_table(report: CapacityReport) -> str:
    """A plain-text table per section: topics as rows, available items per difficulty as columns.

    The last column and the last row give the quota per paper; columns are
    aligned for Chinese topic names.
    """
    lines = [
        _("bank {bank}, format {format}: enough items for {papers}").format(
            bank=report.bank_id, format=report.format_id,
            papers=ngettext("{n} non-overlapping paper", "{n} non-overlapping papers", report.papers).format(
                n=report.papers)),
        "  " + _("one more paper fails at {limit}").format(limit=report.limit),
    ]
    for section in report.sections:
        lines += ["", *_section_lines(section, report.topic_names)]
    return "\n".join(lines)


def _section_lines(section: SectionCapacity, names: dict[str, str]) -> list[str]:
    header = _("{title} ({key}): {count} per paper, enough for {papers}").format(
        title=section.title, key=section.key, count=section.quota.count,
        papers=ngettext("{n} paper", "{n} papers", section.papers).format(n=section.papers))
    lines = [header, *_align(_table_rows(section, names))]
    if section.excluded:
        lines.append("  " + ngettext(
            "not counted: {n} {type} item with more options than the section prints",
            "not counted: {n} {type} items with more options than the section prints",
            section.excluded).format(n=section.excluded, type=type_name(section.type)))
    lines.append("  " + _("one more paper fails at {limit}").format(limit=section.limit))
    return lines


def _table_rows(section: SectionCapacity, names: dict[str, str]) -> list[list[str]]:
    """Header, one row per topic with items or a quota, the column totals, the quota per paper."""
    quota, available = section.quota, section.available
    topics = [t for t in names if quota.topics.get(t, 0) or any(available.get((t, d)) for d in DIFFICULTIES)]
    rows = [[_("topic"), *(_(_DIFFICULTY_LABELS[d]) for d in DIFFICULTIES), _("total"), _("per paper")]]
    for topic in topics:
        counts = [available.get((topic, d), 0) for d in DIFFICULTIES]
        rows.append([f"{topic} {names[topic]}", *map(str, counts), str(sum(counts)), str(quota.topics.get(topic, 0))])
    column_sums = [sum(available.get((t, d), 0) for t in topics) for d in DIFFICULTIES]
    rows.append([_("all topics"), *map(str, column_sums), str(sum(column_sums)), str(quota.count)])
    rows.append([_("per paper"), *(str(quota.difficulties.get(d, 0)) for d in DIFFICULTIES), str(quota.count), ""])
    return rows


def _align(rows: list[list[str]]) -> list[str]:
    """Rows as text: first column left-aligned, the others right-aligned, two spaces apart."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [_pad(cell, width, right=i > 0) for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap
