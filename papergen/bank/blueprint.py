"""Blueprints (细目表): how many items of each topic and difficulty a section needs.

Quotas are apportioned by the largest-remainder method, ties broken by code
order, so the same bank and format always give the same blueprint.  A
section's topic quotas follow the bank's topic weights, renormalised over the
topics that have items of the section's type; an explicit blueprint file can
override them per section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from papergen.bank.model import Bank, type_name
from papergen.errors import AssemblyError
from papergen.files import read_json
from papergen.exam import PaperFormat, Section
from papergen.i18n import N_, _

__all__ = ["SectionBlueprint", "Blueprint", "apportion", "make_blueprint", "load_blueprint_overrides"]

DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class SectionBlueprint:
    """Quotas for one section: item counts per topic code and per difficulty."""

    section: str
    type: str
    count: int
    topics: dict[str, int]
    difficulties: dict[str, int]


@dataclass(frozen=True)
class Blueprint:
    """Quotas for every section of a format."""

    sections: tuple[SectionBlueprint, ...]

    def section(self, key: str) -> SectionBlueprint:
        """The quotas of one section."""
        for s in self.sections:
            if s.section == key:
                return s
        raise AssemblyError(_("blueprint: no section {key!r}").format(key=key))


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Keys with zero weight get 0.  Ties in the remainder go to the key that
    sorts first, so the result is deterministic.

    Examples
    --------
    >>> apportion(10, {"easy": 6, "medium": 3, "hard": 1})
    {'easy': 6, 'medium': 3, 'hard': 1}
    >>> apportion(20, {"a": 1, "b": 1, "c": 1})
    {'a': 7, 'b': 7, 'c': 6}
    """
    positive = {k: w for k, w in weights.items() if w > 0}
    if total < 0 or not positive:
        raise AssemblyError(_("cannot apportion {total} items over weights {weights}").format(
                total=total, weights=weights))
    weight_sum = sum(positive.values())
    exact = {k: total * w / weight_sum for k, w in positive.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    leftover = total - sum(counts.values())
    by_remainder = sorted(positive, key=lambda k: (-(exact[k] - counts[k]), k))
    for key in by_remainder[:leftover]:
        counts[key] += 1
    return {k: counts.get(k, 0) for k in weights}


def _section_blueprint(bank: Bank, fmt: PaperFormat, section: Section, override: dict[str, int] | None) -> SectionBlueprint:
    present = {item.topic for item in bank.items if item.type == section.type}
    if override is not None:
        unknown = sorted(set(override) - {t.code for t in bank.topics})
        if unknown:
            raise AssemblyError(_("blueprint section {key}: unknown topic codes {unknown}").format(
                    key=section.key, unknown=unknown))
        if sum(override.values()) != section.count:
            raise AssemblyError(
                _("blueprint section {key}: topic counts add up to {total}, the format needs {count}").format(
                        key=section.key, total=sum(override.values()), count=section.count)
            )
        topics = dict(override)
    else:
        weights = {t.code: (t.weight if t.code in present else 0.0) for t in bank.topics}
        if not any(weights.values()):
            raise AssemblyError(_("cannot assemble: section {key}: the bank has no {type} items").format(
                    key=section.key, type=type_name(section.type)))
        topics = apportion(section.count, weights)
    difficulties = apportion(section.count, {d: fmt.difficulty_mix.get(d, 0.0) for d in DIFFICULTIES})
    return SectionBlueprint(section.key, section.type, section.count, topics, difficulties)


def make_blueprint(bank: Bank, fmt: PaperFormat, overrides: dict[str, dict[str, int]] | None = None) -> Blueprint:
    """Quotas per section from the bank's topic weights and the format's difficulty mix.

    Parameters
    ----------
    overrides : dict, optional
        ``{section key: {topic code: count}}`` replacing the weight-derived topic
        quotas of the sections it names.
    """
    overrides = overrides or {}
    unknown = sorted(set(overrides) - {s.key for s in fmt.sections})
    if unknown:
        raise AssemblyError(_("blueprint: format {format} has no sections {unknown}").format(
                format=fmt.id, unknown=unknown))
    return Blueprint(tuple(_section_blueprint(bank, fmt, s, overrides.get(s.key)) for s in fmt.sections))


def load_blueprint_overrides(path: str | Path) -> dict[str, dict[str, int]]:
    """Read an explicit blueprint file: ``{"single": {"01": 12, ...}, ...}``.

    Raises
    ------
    AssemblyError
        If the file cannot be read or does not have that shape.
    """
    data = read_json(path, AssemblyError, N_("blueprint"))
    if not isinstance(data, dict):
        raise AssemblyError(_("{path}: a blueprint is an object of sections (got {type})").format(
                path=path, type=type(data).__name__))
    for key, topics in data.items():
        if not isinstance(topics, dict) or not all(
            isinstance(c, str) and isinstance(n, int) and n >= 0 for c, n in topics.items()
        ):
            raise AssemblyError(_("{path}: {key}: expected {{topic code: non-negative count}} (got {topics!r})").format(
                    path=path, key=key, topics=topics))
    return data
