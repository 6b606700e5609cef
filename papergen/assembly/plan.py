"""What one paper must contain: per-section quotas and the limits that go with them.

A :class:`PaperPlan` turns the blueprint (topic and difficulty quotas), the
format (true/false share) and the rules (multi-select answer-count variety,
ledger overlap cap) into integer bounds that both selection paths and the
verifier read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from papergen.assembly.rules import AssemblyRules, same_count_cap, true_count_range
from papergen.bank.model import Item
from papergen.bank.blueprint import Blueprint
from papergen.errors import AssemblyError
from papergen.i18n import _
from papergen.exam import PaperFormat, Section

__all__ = ["PaperPlan", "SectionPlan", "fits_section", "key_class", "make_plan"]


@dataclass(frozen=True)
class SectionPlan:
    """The integer requirements of one section of one paper."""

    section: Section
    topics: dict[str, int]
    """Items per topic code (zero-quota topics omitted)."""
    difficulties: dict[str, int]
    """Items per difficulty (zero quotas omitted)."""
    true_range: tuple[int, int] | None = None
    """Judge sections: least and most 对 keys."""
    same_count_cap: int | None = None
    """Multi-select sections: most items with one number of correct options."""

    @property
    def key(self) -> str:
        """The section key."""
        return self.section.key

    @property
    def count(self) -> int:
        """Number of questions."""
        return self.section.count


@dataclass(frozen=True)
class PaperPlan:
    """Requirements of every section, plus paper-wide limits."""

    sections: tuple[SectionPlan, ...]
    max_recent: int | None = None
    """Most items a paper may share with the recent sittings of the usage ledger."""

    @property
    def question_count(self) -> int:
        """Questions per paper."""
        return sum(s.count for s in self.sections)


def make_plan(
    blueprint: Blueprint, fmt: PaperFormat, rules: AssemblyRules, *, max_recent_share: float | None = None
) -> PaperPlan:
    """Integer requirements of one paper.

    Parameters
    ----------
    max_recent_share : float, optional
        Largest share, in [0, 1], of a paper's items that may come from the
        recent sittings; ``None`` for no cap.
    """
    sections = []
    for section in fmt.sections:
        quotas = blueprint.section(section.key)
        sections.append(
            SectionPlan(
                section=section,
                topics={t: n for t, n in quotas.topics.items() if n > 0},
                difficulties={d: n for d, n in quotas.difficulties.items() if n > 0},
                true_range=_true_range(section, rules),
                same_count_cap=(
                    same_count_cap(section.count, rules.multi_same_count_share) if section.type == "multi" else None
                ),
            )
        )
    max_recent = None
    if max_recent_share is not None:
        max_recent = math.floor(max_recent_share * fmt.question_count + 1e-9)
    return PaperPlan(tuple(sections), max_recent)


def _true_range(section: Section, rules: AssemblyRules) -> tuple[int, int] | None:
    if section.type != "judge":
        return None
    low, high = true_count_range(section.count, section.judge_true_share, rules.max_key_run)
    if low > high:
        raise AssemblyError(_(
            "cannot assemble: section {section}: no number of 对 keys within judge_true_share {share} can be ordered "
            "with at most {run} equal keys in a row (got {count} questions); widen judge_true_share").format(
                section=section.key, share=list(section.judge_true_share), run=rules.max_key_run, count=section.count))
    return low, high


def key_class(item: Item) -> str:
    """What of an item's key selection must control: 对/错 (``"T"``/``"F"``), a multi-select's
    number of correct options (``"2"``...), or nothing (``""``)."""
    if item.type == "judge":
        return item.answer_labels[0]
    if item.type == "multi":
        return str(len(item.answer_labels))
    return ""


def fits_section(item: Item, section: Section) -> bool:
    """Whether an item can be printed in a section: same type, no more options than it prints."""
    if item.type != section.type:
        return False
    return item.type == "judge" or len(item.options) <= section.options
