"""Item selection for every form of an exam: count checks, greedy, then HiGHS.

1. :func:`~papergen.assembly.diagnose.check_counts` rejects requests that
   counts alone prove impossible, naming each shortfall.
2. The randomised greedy pass (:mod:`papergen.assembly.greedy`) fills the
   forms one after another, a few streams in turn.
3. Otherwise the 0/1 program (:mod:`papergen.assembly.ilp`) selects all forms
   at once: first from a reduced pool (the highest-priority items of each
   topic x difficulty x key cell, several times what a cell can need), then,
   if that is infeasible, from every eligible item.
4. If even that is infeasible, :func:`~papergen.assembly.diagnose.explain_infeasible`
   names the rule that blocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from papergen.assembly.diagnose import check_counts, explain_infeasible
from papergen.assembly.greedy import Selection, greedy_form
from papergen.assembly.ilp import RELAXABLE, solve_forms
from papergen.assembly.plan import PaperPlan, key_class
from papergen.assembly.pool import Pool
from papergen.assembly.rng import derive_random
from papergen.assembly.rules import AssemblyRules
from papergen.bank.model import Item
from papergen.errors import AssemblyError
from papergen.i18n import _

__all__ = ["SelectionRequest", "SelectionResult", "select_forms"]


@dataclass(frozen=True)
class SelectionRequest:
    """Everything selection depends on."""

    pool: Pool
    plan: PaperPlan
    forms: tuple[str, ...]
    """Names of the forms' random streams: the variants (parallel) or ``("",)`` (one shared form)."""
    seed: int
    exam_id: str
    rules: AssemblyRules

    def rng(self, form: str, purpose: str):
        """A stream of one form."""
        return derive_random(self.seed, self.exam_id, form, purpose)


@dataclass(frozen=True)
class SelectionResult:
    """The chosen items of every form and the path that chose them."""

    selections: tuple[Selection, ...]
    method: str
    """``"greedy"`` or ``"ilp"``."""


def select_forms(request: SelectionRequest) -> SelectionResult:
    """Select the items of every form.

    Raises
    ------
    AssemblyError
        Naming the shortfall or the blocking rule when no selection exists.
    """
    check_counts(request.pool, request.plan, len(request.forms))
    method = request.rules.method
    if method in ("auto", "greedy"):
        selections = _greedy(request)
        if selections is not None:
            return SelectionResult(tuple(selections), "greedy")
        if method == "greedy":
            raise AssemblyError(_(
                "cannot assemble: {passes} greedy passes left a quota unfilled; use the integer program "
                "(method 'auto' or 'ilp')").format(passes=request.rules.greedy_attempts))
    return SelectionResult(tuple(_exact(request)), "ilp")


def _greedy(request: SelectionRequest) -> list[Selection] | None:
    used: set[str] = set()
    selections = []
    for form in request.forms:
        for attempt in range(request.rules.greedy_attempts):
            rng = request.rng(form, f"select:greedy:{attempt}")
            selection = greedy_form(request.pool, request.plan, used, rng, request.rules.similarity)
            if selection is not None:
                break
        else:
            return None
        selections.append(selection)
        used.update(item.id for items in selection.values() for item in items)
    return selections


def _weights(request: SelectionRequest) -> list[dict[str, float]]:
    items = request.pool.items()
    weights = []
    for form in request.forms:
        rng = request.rng(form, "select:weights")
        weights.append({item.id: rng.random() for item in items})
    return weights


def _reduced(request: SelectionRequest) -> dict[str, tuple[Item, ...]]:
    """Per section, the highest-priority items of each cell, several times what the cell can need."""
    rng = request.rng("", "select:pool")
    priority = {item.id: rng.random() for item in request.pool.items()}
    forms, rules = len(request.forms), request.rules
    out = {}
    for sp in request.plan.sections:
        cells: dict[tuple, list[Item]] = defaultdict(list)
        for item in request.pool.sections[sp.key]:
            cells[_cell(item, request.pool)].append(item)
        keep: list[Item] = []
        for (topic, difficulty, *_), items in cells.items():
            need = min(sp.topics.get(topic, 0), sp.difficulties.get(difficulty, 0)) * forms
            items.sort(key=lambda i: -priority[i.id])
            keep.extend(items[: need * rules.pool_factor + rules.pool_slack] if need else [])
        out[sp.key] = tuple(keep)
    return out


def _cell(item: Item, pool: Pool) -> tuple[str, str, str, bool]:
    """Items that are interchangeable for every count: topic, difficulty, key class, recent use."""
    return (item.topic, item.difficulty, key_class(item), item.id in pool.recent)


def _exact(request: SelectionRequest) -> list[Selection]:
    weights = _weights(request)
    full = {sp.key: request.pool.sections[sp.key] for sp in request.plan.sections}
    reduced = _reduced(request)
    attempts = [reduced] if all(len(reduced[k]) == len(full[k]) for k in full) else [reduced, full]
    for candidates in attempts:
        selections = solve_forms(request.pool, request.plan, candidates, weights, request.rules)
        if selections is not None:
            return selections

    def feasible_without(relax: frozenset[str]) -> bool:
        return solve_forms(request.pool, request.plan, full, weights, request.rules, relax=relax) is not None

    raise explain_infeasible(feasible_without, _families(request), len(request.forms))


def _families(request: SelectionRequest) -> list[str]:
    """The relaxable rule families that this request actually has."""
    plan, pool = request.plan, request.pool
    present = {
        "true/false share": any(sp.true_range for sp in plan.sections),
        "answer-count variety": any(sp.same_count_cap for sp in plan.sections),
        "enemy groups": bool(pool.enemy_groups),
        "near-duplicate stems": True,
        "ledger overlap cap": plan.max_recent is not None and bool(pool.recent),
        "no item on two forms": len(request.forms) > 1,
    }
    return [name for name in RELAXABLE if present[name]]
