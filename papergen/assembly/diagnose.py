"""Why a request cannot be met, in words: shortfalls from counts, and the rule that blocks.

Before solving, :func:`check_counts` tests necessary conditions on counts
alone: each section, topic and difficulty has enough usable items (an enemy
group counts once per form), the topic and difficulty quotas can be met
jointly (a transportation problem; with three difficulties the min-cut test
enumerates the 8 subsets of difficulties exactly), and the 对/错 share, the
answer-count variety and the ledger overlap cap leave enough items.  Every
failure is reported, with its shortfall.

After an infeasible solve, :func:`explain_infeasible` leaves out one rule
family at a time and names the families whose removal makes it feasible.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations

from papergen.assembly.plan import PaperPlan, SectionPlan, key_class
from papergen.assembly.pool import Pool
from papergen.bank.model import Item
from papergen.errors import AssemblyError
from papergen.i18n import _
from papergen.wording import JUDGE_TEXT

__all__ = ["check_counts", "explain_infeasible"]


def usable(items: Iterable[Item], forms: int) -> int:
    """Items usable over ``forms`` forms: an enemy group gives at most one per form."""
    loose = 0
    per_group: Counter[str] = Counter()
    for item in items:
        if item.enemy_group:
            per_group[item.enemy_group] += 1
        else:
            loose += 1
    return loose + sum(min(n, forms) for n in per_group.values())


def _need(quota: int, forms: int) -> str:
    if forms == 1:
        return f"{quota}"
    return _("{quota} x {forms} forms = {total}").format(quota=quota, forms=forms, total=quota * forms)


def _section_problems(pool: Pool, sp: SectionPlan, forms: int) -> list[str]:
    items = [i for i in pool.sections[sp.key] if i.topic in sp.topics and i.difficulty in sp.difficulties]
    where = _("cannot assemble: section {section}").format(section=sp.key)
    excluded = pool.excluded.get(sp.key, 0)
    note = _(" ({count} more excluded by the caller or the usage ledger)").format(count=excluded) if excluded else ""
    have = usable(items, forms)
    if have < sp.count * forms:
        return [_("{where}: need {need}, bank has {have} usable items{note}").format(
            where=where, need=_need(sp.count, forms), have=have, note=note)]
    problems = []
    for label, quotas, groups in (
        (_("{where}, topic {value}: need {need}, bank has {have}{note}"), sp.topics, _group(items, lambda i: i.topic)),
        (_("{where}, {value}: need {need}, bank has {have}{note}"), sp.difficulties,
         _group(items, lambda i: i.difficulty)),
    ):
        for value, quota in quotas.items():
            have = usable(groups.get(value, ()), forms)
            if have < quota * forms:
                problems.append(label.format(where=where, value=value, need=_need(quota, forms), have=have, note=note))
    if not problems:
        problems += _joint_problems(items, sp, forms, where)
    return problems + _key_problems(items, sp, forms, where)


def _group(items: Iterable[Item], key: Callable[[Item], str]) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def _joint_problems(items: list[Item], sp: SectionPlan, forms: int, where: str) -> list[str]:
    """The worst violated cut of the topic x difficulty transportation problem, if any."""
    cells = _group(items, lambda i: (i.topic, i.difficulty))
    avail = {cell: usable(group, forms) for cell, group in cells.items()}
    worst: tuple[int, str] | None = None
    levels = list(sp.difficulties)
    for size in range(1, len(levels)):
        for capped in combinations(levels, size):
            others = [d for d in levels if d not in capped]
            excess = {t: q * forms - sum(avail.get((t, d), 0) for d in others) for t, q in sp.topics.items()}
            topics = sorted(t for t, e in excess.items() if e > 0)
            cap = sum(sp.difficulties[d] for d in capped) * forms
            short = sum(excess[t] for t in topics) - cap
            if topics and short > 0 and (worst is None or short > worst[0]):
                need = sum(sp.topics[t] for t in topics) * forms
                outside = need - sum(excess[t] for t in topics)
                worst = (short, _(
                    "{where}, topic {topics}: need {need}, but the bank has only {outside} {others} items there and "
                    "the {capped} quota allows {cap} (short by {short})").format(
                        where=where, topics=", ".join(topics), need=need, outside=outside, others="/".join(others),
                        capped="/".join(capped), cap=cap, short=short))
    return [worst[1]] if worst else []


def _key_problems(items: list[Item], sp: SectionPlan, forms: int, where: str) -> list[str]:
    by_class = _group(items, key_class)
    problems = []
    if sp.true_range is not None:
        low, high = sp.true_range
        for cls, least, name in (("T", low, JUDGE_TEXT["T"]), ("F", sp.count - high, JUDGE_TEXT["F"])):
            have = usable(by_class[cls], forms)
            if have < least * forms:
                problems.append(_("{where}: need at least {need} {name} items, bank has {have}").format(
                    where=where, need=_need(least, forms), name=name, have=have))
    if sp.same_count_cap is not None:
        reach = sum(min(usable(group, forms), sp.same_count_cap * forms) for group in by_class.values())
        if reach < sp.count * forms:
            counts = ", ".join(_("{count} correct: {items}").format(count=k, items=len(g))
                               for k, g in sorted(by_class.items()))
            problems.append(_(
                "{where}: at most {cap} of {count} items may have the same number of correct options, so {need} "
                "items need more variety, bank has {counts}").format(
                    where=where, cap=sp.same_count_cap, count=sp.count, need=_need(sp.count, forms), counts=counts))
    return problems


def _recent_problems(pool: Pool, plan: PaperPlan, forms: int) -> list[str]:
    if plan.max_recent is None:
        return []
    fresh = usable((i for i in pool.items() if i.id not in pool.recent), forms)
    need = plan.question_count - plan.max_recent
    if fresh < need * forms:
        return [_(
            "cannot assemble: at most {most} of {count} items may come from the recent sittings, so {need} must be "
            "new, bank has {fresh} unused items").format(
                most=plan.max_recent, count=plan.question_count, need=_need(need, forms), fresh=fresh)]
    return []


def check_counts(pool: Pool, plan: PaperPlan, forms: int) -> None:
    """Raise one :class:`AssemblyError` listing every count shortfall, if any.

    Passing is necessary, not sufficient: conflicts between items can still
    make a request infeasible (see :func:`explain_infeasible`).
    """
    problems = [p for sp in plan.sections for p in _section_problems(pool, sp, forms)]
    problems += _recent_problems(pool, plan, forms)
    if problems:
        raise AssemblyError("\n".join(problems))


def explain_infeasible(
    feasible_without: Callable[[frozenset[str]], bool], families: Iterable[str], forms: int
) -> AssemblyError:
    """The error for a request whose counts suffice but whose solve is infeasible.

    Parameters
    ----------
    feasible_without : callable
        Re-solves with the named families left out; True when that is feasible.
    families : iterable of str
        Rule families present in the request.
    """
    families = list(families)
    blockers = [f for f in families if feasible_without(frozenset({f}))]
    scope = _("one paper") if forms == 1 else _("{forms} forms").format(forms=forms)
    if blockers:
        return AssemblyError(_(
            "cannot assemble: the quotas of {scope} can be met only by breaking the rule on {rules}; add items or "
            "relax the blueprint").format(scope=scope, rules=_(" or ").join(_(b) for b in blockers)))
    if families and feasible_without(frozenset(families)):
        return AssemblyError(_(
            "cannot assemble: the quotas of {scope} conflict with the rules on {rules} taken together; add items or "
            "relax the blueprint").format(scope=scope, rules=", ".join(_(f) for f in families)))
    return AssemblyError(_(
        "cannot assemble: the topic and difficulty quotas of {scope} cannot be met jointly with this bank; add items "
        "or relax the blueprint").format(scope=scope))
