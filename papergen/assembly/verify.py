"""Independent checks of assembled papers: every rule, recounted from the papers alone.

Nothing here reuses the selection or shuffling code: counts are recounted
from the printed questions, near-duplicate stems are searched afresh with
the bank checker (:func:`papergen.bank.similarity.near_duplicate_pairs`),
keys are rebuilt from the bank's answers through the printed permutation.  A
failed check is a bug upstream; all failures of an exam are reported at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from papergen.assembly.plan import PaperPlan, SectionPlan
from papergen.assembly.rules import AssemblyRules, letter_bounds
from papergen.bank.model import OPTION_LABELS, Bank, Item, type_name
from papergen.bank.similarity import near_duplicate_pairs
from papergen.errors import AssemblyError
from papergen.i18n import _, language
from papergen.wording import JUDGE_TEXT
from papergen.exam import Paper, PaperQuestion

__all__ = ["SectionBalance", "key_balance", "longest_run", "verify_exam", "verify_paper"]


@dataclass(frozen=True)
class SectionBalance:
    """How one section's answer keys fall on one variant."""

    section: str
    type: str
    keys: dict[str, int]
    """Single: uses per letter; judge: uses of T (对) and F (错); multi: items per number of correct options."""
    longest_run: int
    """Longest run of equal keys (multi: of identical answer sets)."""

    def describe(self) -> str:
        """One line, e.g. ``single A 35 B 35 C 35 D 35, longest run 3``.

        Judge keys read 对/错; multi-select sections list ``<correct options>:<items>``.
        """
        if self.type == "multi":
            keys = _("correct options {counts}").format(counts=" ".join(f"{k}:{n}" for k, n in self.keys.items()))
        else:
            names = JUDGE_TEXT if self.type == "judge" else {}
            keys = " ".join(f"{names.get(k, k)} {n}" for k, n in self.keys.items())
        section = type_name(self.type) if language() == "zh" else self.section  # 单选题 in Chinese, the key in English
        return _("{section} {keys}, longest run {run}").format(section=section, keys=keys, run=self.longest_run)


def longest_run(keys: Sequence[object]) -> int:
    """Length of the longest run of equal consecutive values (0 for no values).

    Examples
    --------
    >>> longest_run("AABBBCA")
    3
    """
    longest = run = 0
    for k, key in enumerate(keys):
        run = run + 1 if k and key == keys[k - 1] else 1
        longest = max(longest, run)
    return longest


def key_balance(paper: Paper) -> list[SectionBalance]:
    """Per section, how the answer keys of a paper fall."""
    out = []
    for section in paper.format.sections:
        questions = paper.section_questions(section.key)
        answers = ["".join(q.answer) for q in questions]
        if section.type == "multi":
            keys = dict(sorted(Counter(str(len(q.answer)) for q in questions).items()))
        elif section.type == "judge":
            keys = {k: answers.count(k) for k in ("T", "F")}
        else:
            width = max((len(q.options) for q in questions), default=0)
            keys = {letter: answers.count(letter) for letter in OPTION_LABELS[:width]}
        out.append(SectionBalance(section.key, section.type, keys, longest_run(answers)))
    return out


def _check_structure(paper: Paper, plan: PaperPlan) -> list[str]:
    problems = []
    numbers = [q.number for q in paper.questions]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(_("questions are not numbered 1..{count} in order").format(count=len(numbers)))
    expected = [sp.key for sp in plan.sections for _ in range(sp.count)]
    if [q.section for q in paper.questions] != expected:
        problems.append(_("section counts or order differ from the format (got {counts})").format(
            counts=dict(Counter(q.section for q in paper.questions))))
    repeated = [i for i, n in Counter(q.item_id for q in paper.questions).items() if n > 1]
    if repeated:
        problems.append(_("items appear twice: {repeated}").format(repeated=sorted(repeated)))
    return problems


def _check_question(q: PaperQuestion, item: Item | None, sp: SectionPlan) -> list[str]:
    where = _("question {number} ({item})").format(number=q.number, item=q.item_id)
    if item is None:
        return [_("{where}: not in the bank").format(where=where)]
    problems = []
    if item.type != sp.section.type or q.type != item.type:
        problems.append(_("{where}: type {type} in a {section_type} section").format(
                where=where, type=item.type, section_type=sp.section.type))
    if len(item.options) > sp.section.options:
        problems.append(_("{where}: {count} options, the section prints {options}").format(
                where=where, count=len(item.options), options=sp.section.options))
    if (q.stem, q.topic, q.difficulty, q.points) != (item.stem, item.topic, item.difficulty, sp.section.points):
        problems.append(_("{where}: stem, topic, difficulty or points differ from the bank").format(
                where=where))
    return problems + _check_options(q, item, where)


def _check_options(q: PaperQuestion, item: Item, where: str) -> list[str]:
    if item.type == "judge":
        return [] if q.answer == item.answer_labels and not q.options else [_("{where}: key differs from the bank").format(
                where=where)]
    source = {o.label: o for o in item.options}
    perm = [o.source_label for o in q.options]
    if sorted(perm) != sorted(source) or any(o.text != source[o.source_label].text for o in q.options):
        return [_("{where}: printed options are not a permutation of the item's options").format(where=where)]
    problems = []
    if [o.label for o in q.options] != list(OPTION_LABELS[: len(q.options)]):
        problems.append(_("{where}: printed labels are not A, B, ... in order").format(where=where))
    pinned = [o.label for o in item.options if o.pinned]
    if pinned and perm[-len(pinned):] != pinned:
        problems.append(_("{where}: pinned options {pinned} are not printed last (got {perm})").format(
                where=where, pinned=pinned, perm=perm))
    if item.no_shuffle and perm != list(item.labels):
        problems.append(_("{where}: options of a no_shuffle item were reordered (got {perm})").format(
                where=where, perm=perm))
    correct = set(item.answer_labels)
    expected = tuple(o.label for o in q.options if o.source_label in correct)
    if q.answer != expected:
        problems.append(_("{where}: key {answer} does not match the bank's answer (expected {expected})").format(
                where=where, answer=list(q.answer), expected=list(expected)))
    return problems


def _check_quotas(paper: Paper, plan: PaperPlan) -> list[str]:
    problems = []
    for sp in plan.sections:
        questions = paper.section_questions(sp.key)
        for attr, quotas in (("topic", sp.topics), ("difficulty", sp.difficulties)):
            got = Counter(getattr(q, attr) for q in questions)
            if {k: n for k, n in got.items() if n} != quotas:
                problems.append(_("section {key}: {attr} counts {counts} differ from the quotas {quotas}").format(
                    key=sp.key, attr=attr, counts=dict(sorted(got.items())), quotas=dict(sorted(quotas.items()))))
    return problems


def _check_conflicts(paper: Paper, bank_items: dict[str, Item], rules: AssemblyRules) -> list[str]:
    items = [bank_items[q.item_id] for q in paper.questions if q.item_id in bank_items]
    groups = Counter(i.enemy_group for i in items if i.enemy_group)
    problems = [_("enemy group {group!r} has {count} items on the paper").format(group=g, count=n)
                for g, n in sorted(groups.items()) if n > 1]
    for a, b, _similarity in near_duplicate_pairs([i.stem for i in items], rules.similarity):
        problems.append(_("items {first} and {second} have near-duplicate stems").format(
            first=items[a].id, second=items[b].id))
    return problems


def _check_exposure(paper: Paper, plan: PaperPlan, excluded: frozenset[str], recent: frozenset[str]) -> list[str]:
    ids = {q.item_id for q in paper.questions}
    problems = []
    if ids & excluded:
        problems.append(_("excluded items were drawn: {ids}").format(ids=sorted(ids & excluded)[:10]))
    if plan.max_recent is not None and len(ids & recent) > plan.max_recent:
        problems.append(_("{count} items come from recent sittings, at most {most} may").format(
            count=len(ids & recent), most=plan.max_recent))
    return problems


def _check_keys(paper: Paper, plan: PaperPlan, rules: AssemblyRules) -> list[str]:
    problems = []
    for sp, balance in zip(plan.sections, key_balance(paper)):
        if balance.longest_run > rules.max_key_run:
            problems.append(_("section {key}: {run} equal keys in a row (at most {most})").format(
                key=sp.key, run=balance.longest_run, most=rules.max_key_run))
        if sp.section.type == "single" and balance.keys:
            low, high = letter_bounds(sp.count, len(balance.keys), rules.letter_tolerance)
            if not all(low <= n <= high for n in balance.keys.values()):
                problems.append(_("section {key}: answer letters {keys} outside {low}-{high} each").format(
                        key=sp.key, keys=balance.keys, low=low, high=high))
        if sp.true_range is not None and not sp.true_range[0] <= balance.keys["T"] <= sp.true_range[1]:
            problems.append(_("section {key}: {keys} 对 keys, allowed {low}-{high}").format(
                key=sp.key, keys=balance.keys["T"], low=sp.true_range[0], high=sp.true_range[1]))
        if sp.same_count_cap is not None and max(balance.keys.values(), default=0) > sp.same_count_cap:
            problems.append(_("section {key}: more than {cap} items share a number of correct options {keys}").format(
                key=sp.key, cap=sp.same_count_cap, keys=balance.keys))
    return problems


def _paper_problems(paper: Paper, bank_items: dict[str, Item], plan: PaperPlan, rules: AssemblyRules,
                    excluded: frozenset[str], recent: frozenset[str],
                    conflicts: dict[frozenset[str], list[str]] | None = None) -> list[str]:
    """Every broken rule of one paper; ``conflicts`` caches the conflict checks per item set."""
    problems = _check_structure(paper, plan)
    sections = {sp.key: sp for sp in plan.sections}
    for q in paper.questions:
        if q.section in sections:
            problems += _check_question(q, bank_items.get(q.item_id), sections[q.section])
    conflicts = {} if conflicts is None else conflicts
    ids = frozenset(q.item_id for q in paper.questions)
    if ids not in conflicts:
        conflicts[ids] = _check_conflicts(paper, bank_items, rules)
    problems += _check_quotas(paper, plan) + conflicts[ids]
    problems += _check_exposure(paper, plan, excluded, recent) + _check_keys(paper, plan, rules)
    return [_("variant {variant}: {problem}").format(variant=paper.variant, problem=p) for p in problems]


def verify_paper(paper: Paper, bank: Bank, plan: PaperPlan, *, rules: AssemblyRules = AssemblyRules(),
                 excluded: frozenset[str] = frozenset(), recent: frozenset[str] = frozenset()) -> None:
    """Re-check every rule on one paper.

    Raises
    ------
    AssemblyError
        Listing every broken rule (counts, quotas, enemies, near-duplicates,
        exposure, option permutations and keys, key balance).
    """
    problems = _paper_problems(paper, {i.id: i for i in bank.items}, plan, rules, excluded, recent)
    if problems:
        raise AssemblyError(_("assembled paper fails verification:\n{problems}").format(problems="\n".join(problems)))


def verify_exam(papers: Sequence[Paper], bank: Bank, plan: PaperPlan, *, mode: str,
                rules: AssemblyRules = AssemblyRules(), excluded: frozenset[str] = frozenset(),
                recent: frozenset[str] = frozenset()) -> None:
    """Re-check every paper and the rules between them (parallel: no shared item; shuffle: same items).

    Raises
    ------
    AssemblyError
        Listing every broken rule of every paper.
    """
    bank_items = {i.id: i for i in bank.items}
    conflicts: dict[frozenset[str], list[str]] = {}
    problems = [p for paper in papers
                for p in _paper_problems(paper, bank_items, plan, rules, excluded, recent, conflicts)]
    names = [p.variant for p in papers]
    if len(set(names)) != len(names):
        problems.append(_("variant names repeat (got {names})").format(names=names))
    item_sets = [frozenset(q.item_id for q in p.questions) for p in papers]
    for (a, ids_a), (b, ids_b) in combinations(zip(names, item_sets), 2):
        if mode == "parallel" and ids_a & ids_b:
            problems.append(_("parallel variants {a} and {b} share items {ids}").format(
                a=a, b=b, ids=sorted(ids_a & ids_b)[:10]))
        if mode == "shuffle" and ids_a != ids_b:
            problems.append(_("shuffled variants {a} and {b} hold different items").format(a=a, b=b))
    if problems:
        raise AssemblyError(_("assembled exam fails verification:\n{problems}").format(problems="\n".join(problems)))
