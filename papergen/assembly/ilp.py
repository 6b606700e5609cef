"""The exact path: selection of every form at once as a 0/1 program for HiGHS.

One binary per (form, section, candidate item), maximising seeded random
weights so that different seeds give different papers.  Rows, per form:

- topic quotas and difficulty quotas of each section (equalities, met jointly);
- 对 count within the section's range; items per number of correct options
  at most the variety cap;
- at most one item of each enemy group; at most ``max_recent`` items from
  the recent sittings;

and across forms, each item at most once.  Near-duplicate stems are added
lazily: each solution is checked exactly and the pairs it put together are
forbidden before solving again, so no pairwise pass over the bank is needed.

Every row family except the quotas can be left out (``relax``) to find which
rule makes a request infeasible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from papergen.assembly.greedy import Selection
from papergen.assembly.plan import PaperPlan, key_class
from papergen.assembly.pool import Pool, StemIndex
from papergen.assembly.rules import AssemblyRules
from papergen.assembly.solver import BinaryProgram
from papergen.bank.model import Item
from papergen.errors import AssemblyError
from papergen.i18n import N_, _

__all__ = ["RELAXABLE", "solve_forms"]

RELAXABLE = (N_("true/false share"), N_("answer-count variety"), N_("enemy groups"), N_("near-duplicate stems"),
             N_("ledger overlap cap"), N_("no item on two forms"))
"""Row families that diagnosis may leave out, as named in error messages."""


class _Model:
    """Columns and rows of one selection program."""

    def __init__(
        self,
        pool: Pool,
        plan: PaperPlan,
        candidates: Mapping[str, Sequence[Item]],
        weights: Sequence[Mapping[str, float]],
        relax: frozenset[str],
    ) -> None:
        self.plan = plan
        self.pool = pool
        self.relax = relax
        self.columns: list[tuple[int, str, Item]] = []
        for form in range(len(weights)):
            for sp in plan.sections:
                self.columns.extend(
                    (form, sp.key, item) for item in candidates[sp.key]
                    if item.topic in sp.topics and item.difficulty in sp.difficulties
                )
        self.program = BinaryProgram([weights[f][item.id] for f, _, item in self.columns])
        self.forbidden_pairs: set[tuple[str, str]] = set()
        self._add_rows(len(weights))

    def _add_rows(self, forms: int) -> None:
        groups: dict[tuple, list[int]] = defaultdict(list)
        for col, (form, key, item) in enumerate(self.columns):
            groups[("topic", form, key, item.topic)].append(col)
            groups[("difficulty", form, key, item.difficulty)].append(col)
            groups[("key", form, key, key_class(item))].append(col)
            groups[("item", form, item.id)].append(col)
            groups[("everywhere", item.id)].append(col)
            if item.enemy_group in self.pool.enemy_groups:
                groups[("enemy", form, item.enemy_group)].append(col)
            if item.id in self.pool.recent:
                groups[("recent", form)].append(col)
        for name, cols in groups.items():
            bounds = self._bounds(name, forms)
            if bounds is not None and not _redundant(cols, bounds):
                self.program.add_row(cols, *bounds)

    def _bounds(self, name: tuple, forms: int) -> tuple[float, float] | None:
        """Bounds of one row, or ``None`` when the row is absent or relaxed."""
        kind = name[0]
        if kind in ("topic", "difficulty"):
            sp = next(s for s in self.plan.sections if s.key == name[2])
            quota = (sp.topics if kind == "topic" else sp.difficulties)[name[3]]
            return quota, quota
        if kind == "key":
            return self._key_bounds(name[2], name[3])
        if kind == "item":
            return 0, 1
        if kind == "everywhere":
            return None if forms == 1 or "no item on two forms" in self.relax else (0, 1)
        if kind == "enemy":
            return None if "enemy groups" in self.relax else (0, 1)
        if kind == "recent":
            cap = self.plan.max_recent
            return None if cap is None or "ledger overlap cap" in self.relax else (0, cap)
        raise ValueError(f"unknown row family {kind!r}")

    def _key_bounds(self, key: str, cls: str) -> tuple[float, float] | None:
        sp = next(s for s in self.plan.sections if s.key == key)
        if sp.true_range is not None and "true/false share" not in self.relax:
            low, high = sp.true_range
            return (low, high) if cls == "T" else (sp.count - high, sp.count - low)
        if sp.same_count_cap is not None and "answer-count variety" not in self.relax:
            return 0, sp.same_count_cap
        return None

    def forbid(self, a: Item, b: Item) -> None:
        """Add rows keeping two near-duplicate items off the same form."""
        pair = tuple(sorted((a.id, b.id)))
        if pair in self.forbidden_pairs:
            return
        self.forbidden_pairs.add(pair)
        by_form: dict[int, list[int]] = defaultdict(list)
        for col, (form, _, item) in enumerate(self.columns):
            if item.id in pair:
                by_form[form].append(col)
        for cols in by_form.values():
            self.program.add_row(cols, 0, 1)

    def solve(self, forms: int, rules: AssemblyRules, where: str) -> list[Selection] | None:
        """The selections of the optimal solution, or ``None`` if infeasible."""
        chosen = self.program.maximise(rules.solver, where=where)
        if chosen is None:
            return None
        picked: list[dict[str, list[Item]]] = [{sp.key: [] for sp in self.plan.sections} for _ in range(forms)]
        for col in chosen:
            form, key, item = self.columns[col]
            picked[form][key].append(item)
        return [{key: tuple(items) for key, items in form.items()} for form in picked]


def _redundant(cols: Sequence[int], bounds: tuple[float, float]) -> bool:
    """A one-column row allowing both 0 and 1 says nothing a binary does not."""
    return len(cols) == 1 and bounds[0] <= 0 and bounds[1] >= 1


def _near_duplicate_pairs(selection: Selection, rules: AssemblyRules) -> list[tuple[Item, Item]]:
    index = StemIndex(rules.similarity)
    by_id: dict[str, Item] = {}
    pairs = []
    for items in selection.values():
        for item in items:
            other = index.near_duplicate_of(item.stem)
            if other is not None:
                pairs.append((by_id[other], item))
            index.add(item.id, item.stem)
            by_id[item.id] = item
    return pairs


def solve_forms(
    pool: Pool,
    plan: PaperPlan,
    candidates: Mapping[str, Sequence[Item]],
    weights: Sequence[Mapping[str, float]],
    rules: AssemblyRules,
    *,
    relax: frozenset[str] = frozenset(),
    where: str = N_("selection"),
) -> list[Selection] | None:
    """Selections of ``len(weights)`` forms, or ``None`` if none exists among ``candidates``.

    Parameters
    ----------
    candidates : mapping
        Section key -> items the program may choose from.
    weights : sequence of mappings
        Per form, item id -> random preference in [0, 1).
    relax : frozenset of str
        Names from :data:`RELAXABLE` to leave out.

    Raises
    ------
    AssemblyError
        If HiGHS stops without an answer, or near-duplicates keep appearing
        after ``rules.near_duplicate_rounds`` rounds.
    """
    model = _Model(pool, plan, candidates, weights, relax)
    for _round in range(rules.near_duplicate_rounds):
        forms = model.solve(len(weights), rules, where)
        if forms is None:
            return None
        pairs = [] if "near-duplicate stems" in relax else [p for f in forms for p in _near_duplicate_pairs(f, rules)]
        if not pairs:
            return forms
        for a, b in pairs:
            model.forbid(a, b)
    raise AssemblyError(_(
        "cannot assemble: {where}: near-duplicate stems kept appearing after {rounds} rounds ({pairs} pairs "
        "forbidden); run the bank's duplicate check and merge them").format(
            where=_(where), rounds=rules.near_duplicate_rounds, pairs=len(model.forbidden_pairs)))
