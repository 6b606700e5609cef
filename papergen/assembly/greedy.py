"""The fast path: randomised greedy selection, one form at a time.

Items are visited in a random order, weighted towards scarce cells, and
taken whenever every count still has room and nothing on the paper
conflicts with them.  It takes a few
milliseconds and succeeds whenever the bank is comfortably larger than the
quotas; when a pass ends with a quota unfilled, the caller tries another
stream and then the integer program.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from papergen.assembly.plan import PaperPlan, SectionPlan, key_class
from papergen.assembly.pool import Pool, StemIndex
from papergen.bank.model import Item
from papergen.bank.similarity import SimilarityParams

__all__ = ["Selection", "greedy_form"]

Selection = dict[str, tuple[Item, ...]]
"""Section key -> the items chosen for one form, in selection order."""


class _FormState:
    """Counts left and conflicts taken while one form is filled."""

    def __init__(self, plan: PaperPlan, used: set[str], similarity: SimilarityParams) -> None:
        self.left: dict[tuple[str, str, str], int] = {}
        for sp in plan.sections:
            self.left.update({(sp.key, "topic", t): n for t, n in sp.topics.items()})
            self.left.update({(sp.key, "difficulty", d): n for d, n in sp.difficulties.items()})
            self.left.update(_key_budgets(sp))
        self.recent_left = plan.max_recent
        self.used = used
        self.groups: set[str] = set()
        self.stems = StemIndex(similarity)
        self.chosen: dict[str, list[Item]] = {sp.key: [] for sp in plan.sections}

    def _slots(self, sp: SectionPlan, item: Item) -> list[tuple[str, str, str]]:
        slots = [(sp.key, "topic", item.topic), (sp.key, "difficulty", item.difficulty)]
        if sp.true_range is not None or sp.same_count_cap is not None:
            slots.append((sp.key, "key", key_class(item)))
        return slots

    def fits(self, sp: SectionPlan, item: Item, recent: bool) -> bool:
        """Whether the item can join the form without breaking a count or a conflict."""
        if item.id in self.used or (recent and self.recent_left == 0):
            return False
        if any(self.left.get(slot, 0) <= 0 for slot in self._slots(sp, item)):
            return False
        if item.enemy_group and item.enemy_group in self.groups:
            return False
        return self.stems.near_duplicate_of(item.stem) is None

    def take(self, sp: SectionPlan, item: Item, recent: bool) -> None:
        """Put the item on the form."""
        for slot in self._slots(sp, item):
            self.left[slot] -= 1
        if recent and self.recent_left is not None:
            self.recent_left -= 1
        if item.enemy_group:
            self.groups.add(item.enemy_group)
        self.used.add(item.id)
        self.stems.add(item.id, item.stem)
        self.chosen[sp.key].append(item)


def _key_budgets(sp: SectionPlan) -> dict[tuple[str, str, str], int]:
    """Most items per key class: 对 up to the range's top, 错 up to count minus its bottom,
    each number of correct options up to the variety cap."""
    if sp.true_range is not None:
        low, high = sp.true_range
        return {(sp.key, "key", "T"): high, (sp.key, "key", "F"): sp.count - low}
    if sp.same_count_cap is not None:
        return {(sp.key, "key", str(k)): sp.same_count_cap for k in range(1, sp.section.options + 1)}
    return {}


def _scarcity(sp: SectionPlan, items: Sequence[Item]) -> dict[tuple[str, str], float]:
    """Weight of each (topic, difficulty): the product of quota / items available for both."""
    topics = Counter(item.topic for item in items)
    levels = Counter(item.difficulty for item in items)
    return {
        (t, d): (qt / topics[t]) * (qd / levels[d])
        for t, qt in sp.topics.items() if topics[t]
        for d, qd in sp.difficulties.items() if levels[d]
    }


def _scarce_first(sp: SectionPlan, items: Sequence[Item], rng: random.Random) -> list[Item]:
    """The items in a weighted random order, scarce cells first.

    Weighted sampling without replacement (Efraimidis-Spirakis keys u^(1/w)):
    items whose difficulty and topic quotas are large against what the bank
    holds tend to come early, so the abundant cells are left to fill the last
    slots, where a random order would dead-end on a topic that has run out of
    the one difficulty still needed.
    """
    weights = _scarcity(sp, items)
    keyed = []
    for item in items:
        weight = weights.get((item.topic, item.difficulty))
        if weight:
            keyed.append((rng.random() ** (1.0 / weight), item))
    keyed.sort(key=lambda pair: -pair[0])
    return [item for _, item in keyed]


def greedy_form(
    pool: Pool, plan: PaperPlan, used: Iterable[str], rng: random.Random, similarity: SimilarityParams
) -> Selection | None:
    """One form filled greedily in a random order, or ``None`` if a quota stays unfilled.

    Parameters
    ----------
    used : iterable of str
        Ids already taken by other forms (parallel mode); never chosen again.
    """
    state = _FormState(plan, set(used), similarity)
    for sp in plan.sections:
        for item in _scarce_first(sp, pool.sections[sp.key], rng):
            if len(state.chosen[sp.key]) == sp.count:
                break
            recent = item.id in pool.recent
            if state.fits(sp, item, recent):
                state.take(sp, item, recent)
        if len(state.chosen[sp.key]) < sp.count:
            return None
    return {key: tuple(items) for key, items in state.chosen.items()}
