"""The candidate items of each section, their enemy groups, and a near-duplicate stem index.

Near-duplicate stems are checked against the stems already chosen for a
paper (:class:`StemIndex`) rather than over all pairs of a bank up front, so
a 20,000-item bank costs nothing extra when the stems are distinct.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from papergen.assembly.plan import PaperPlan, fits_section
from papergen.bank.model import Bank, Item
from papergen.bank.similarity import SimilarityParams, bigrams

__all__ = ["Pool", "StemIndex", "build_pool"]


@dataclass(frozen=True)
class Pool:
    """Items a paper may draw, per section, and the enemy groups among them."""

    sections: dict[str, tuple[Item, ...]]
    """Section key -> eligible items, in bank order."""
    excluded: dict[str, int]
    """Section key -> items of the right type left out by the caller or the usage ledger."""
    enemy_groups: dict[str, tuple[str, ...]]
    """Enemy group -> ids of its eligible items (groups with two or more only)."""
    recent: frozenset[str]
    """Ids of items used in the recent sittings that count towards the overlap cap."""

    def items(self) -> list[Item]:
        """Every eligible item once, in section then bank order."""
        return _unique(item for items in self.sections.values() for item in items)


class StemIndex:
    """The stems already on one paper, answering "is this stem a near-duplicate of one of them?".

    Exact Jaccard similarity of bigram sets (:mod:`papergen.bank.similarity`)
    against every indexed stem sharing a bigram, so checking a candidate costs
    a few dictionary look-ups instead of a pass over the whole bank.
    """

    def __init__(self, params: SimilarityParams = SimilarityParams()) -> None:
        self.params = params
        self._grams: list[frozenset[str]] = []
        self._ids: list[str] = []
        self._postings: dict[str, list[int]] = defaultdict(list)

    def near_duplicate_of(self, stem: str) -> str | None:
        """Id of an indexed stem that ``stem`` nearly duplicates, if any."""
        grams = bigrams(stem)
        shared: dict[int, int] = defaultdict(int)
        for gram in grams:
            for k in self._postings.get(gram, ()):
                shared[k] += 1
        for k, common in shared.items():
            union = len(grams) + len(self._grams[k]) - common
            if union and common / union >= self.params.threshold:
                return self._ids[k]
        return None

    def add(self, item_id: str, stem: str) -> None:
        """Index one more stem."""
        grams = bigrams(stem)
        for gram in grams:
            self._postings[gram].append(len(self._grams))
        self._grams.append(grams)
        self._ids.append(item_id)


def build_pool(
    bank: Bank,
    plan: PaperPlan,
    *,
    exclude: frozenset[str] = frozenset(),
    recent: frozenset[str] = frozenset(),
) -> Pool:
    """Eligible items per section and their conflicts.

    An item is eligible for a section when it is not retired, has the
    section's type, no more options than the section prints, and is not in
    ``exclude``.
    """
    sections: dict[str, tuple[Item, ...]] = {}
    excluded: dict[str, int] = {}
    by_type: dict[str, list[Item]] = defaultdict(list)
    for item in bank.items:
        if item.status != "retired":
            by_type[item.type].append(item)
    for sp in plan.sections:
        fitting = [item for item in by_type[sp.section.type] if fits_section(item, sp.section)]
        sections[sp.key] = tuple(item for item in fitting if item.id not in exclude)
        excluded[sp.key] = len(fitting) - len(sections[sp.key])
    eligible = _unique(item for items in sections.values() for item in items)
    return Pool(
        sections=sections,
        excluded=excluded,
        enemy_groups=_enemy_groups(eligible),
        recent=frozenset(recent) & {item.id for item in eligible},
    )


def _unique(items) -> list[Item]:
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return list(seen.values())


def _enemy_groups(items: list[Item]) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.enemy_group:
            groups[item.enemy_group].append(item.id)
    return {g: tuple(ids) for g, ids in groups.items() if len(ids) > 1}
