"""Question order and option permutation of one variant, with answer-key balance.

- Single choice: questions are shuffled, then a balanced letter sequence is
  solved (:mod:`papergen.assembly.keys`) over the letters each question can
  take — any free position for a shuffled item, the last positions for a
  pinned correct option (以上都对 stays last), the source position for a
  ``no_shuffle`` item — and every item's options are permuted to put its
  answer on its letter.
- True/false: the keys come with the items, so a 对/错 pattern with the
  selection's 对 count and no long runs is solved first and the items are
  dealt onto it.
- Multiple choice: questions and free options are shuffled; an order that
  repeats one answer set too many times in a row is drawn again.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from papergen.assembly.keys import solve_key_sequence
from papergen.assembly.plan import PaperPlan, SectionPlan
from papergen.assembly.rng import derive_random
from papergen.assembly.rules import AssemblyRules, letter_bounds
from papergen.assembly.verify import longest_run
from papergen.bank.model import OPTION_LABELS, Bank, Item
from papergen.errors import AssemblyError
from papergen.i18n import _
from papergen.exam import Paper, PaperFigure, PaperFormat, PaperOption, PaperQuestion

__all__ = ["VariantContext", "answer_positions", "arrange_paper"]

Arranged = list[tuple[Item, tuple[int, ...]]]
"""Items in print order, each with its option permutation (source indices in printed order)."""


@dataclass(frozen=True)
class VariantContext:
    """What names a variant's random streams and goes on its paper."""

    exam_id: str
    variant: str
    seed: int
    bank: Bank
    bank_sha256: str
    fmt: PaperFormat
    rules: AssemblyRules

    def rng(self, purpose: str) -> random.Random:
        """The variant's stream for one purpose."""
        return derive_random(self.seed, self.exam_id, self.variant, purpose)


def arrange_paper(selection: dict[str, Sequence[Item]], plan: PaperPlan, ctx: VariantContext) -> Paper:
    """The paper of one variant: selected items ordered, options permuted, keys balanced.

    Raises
    ------
    AssemblyError
        If a section's keys cannot be balanced (too many fixed-order items on one letter...).
    """
    questions: list[PaperQuestion] = []
    for sp in plan.sections:
        arranged = _ARRANGERS[sp.section.type](list(selection[sp.key]), sp, ctx)
        for item, permutation in arranged:
            questions.append(_question(len(questions) + 1, sp, item, permutation))
    return Paper(
        exam_id=ctx.exam_id,
        variant=ctx.variant,
        format=ctx.fmt,
        questions=tuple(questions),
        seed=ctx.seed,
        bank_id=ctx.bank.id,
        bank_version=ctx.bank.version,
        bank_sha256=ctx.bank_sha256,
    )


def answer_positions(item: Item) -> tuple[int, ...]:
    """Printed positions (0 = A) a single-choice item's answer can be moved to."""
    answer = item.labels.index(item.answer_labels[0])
    free, pinned = _split(item)
    if item.no_shuffle:
        return (answer,)
    if answer in pinned:
        return (len(free) + pinned.index(answer),)
    return tuple(range(len(free)))


def _split(item: Item) -> tuple[list[int], list[int]]:
    """Source indices of the free and the pinned options."""
    free = [k for k, option in enumerate(item.options) if not option.pinned]
    pinned = [k for k, option in enumerate(item.options) if option.pinned]
    return free, pinned


def _permute(item: Item, rng: random.Random, answer_at: int | None = None) -> tuple[int, ...]:
    """A permutation keeping pinned options last (and everything in place for ``no_shuffle``).

    ``answer_at`` puts a single-choice item's free correct option at that printed position.
    """
    if item.no_shuffle:
        return tuple(range(len(item.options)))
    free, pinned = _split(item)
    answer = item.labels.index(item.answer_labels[0]) if answer_at is not None else None
    others = [k for k in free if k != answer]
    rng.shuffle(others)
    if answer is not None and answer in free:
        others.insert(answer_at, answer)
    return tuple(others + pinned)


def _arrange_single(items: list[Item], sp: SectionPlan, ctx: VariantContext) -> Arranged:
    ctx.rng(f"order:{sp.key}").shuffle(items)
    letters = OPTION_LABELS[: max(len(item.options) for item in items)]
    allowed = [tuple(letters[p] for p in answer_positions(item)) for item in items]
    keys = _balanced_letters(allowed, letters, sp, ctx)
    rng = ctx.rng(f"options:{sp.key}")
    return [(item, _permute(item, rng, letters.index(key))) for item, key in zip(items, keys)]


def _balanced_letters(allowed: list[tuple[str, ...]], letters: Sequence[str], sp: SectionPlan, ctx: VariantContext) -> list[str]:
    rng = ctx.rng(f"keys:{sp.key}")
    where = _("section {section}, variant {variant}").format(section=sp.key, variant=ctx.variant)
    for tolerance in (0.0, ctx.rules.letter_tolerance):
        low, high = letter_bounds(len(allowed), len(letters), tolerance)
        keys = solve_key_sequence(
            allowed, {letter: (low, high) for letter in letters},
            max_run=ctx.rules.max_key_run, rng=rng, params=ctx.rules.solver, where=where,
        )
        if keys is not None:
            return keys
    fixed = Counter(options[0] for options in allowed if len(options) == 1)
    raise AssemblyError(_(
        "cannot assemble: {where}: answer letters cannot be balanced to {low}-{high} per letter with at most {run} "
        "equal keys in a row (got {fixed} of {count} items with a fixed answer position: {positions}); mark fewer "
        "items no_shuffle or add shuffleable items").format(
            where=where, low=low, high=high, run=ctx.rules.max_key_run, fixed=sum(fixed.values()), count=len(allowed),
            positions=dict(sorted(fixed.items()))))


def _arrange_judge(items: list[Item], sp: SectionPlan, ctx: VariantContext) -> Arranged:
    rng = ctx.rng(f"order:{sp.key}")
    by_key = {key: [item for item in items if item.answer_labels[0] == key] for key in ("T", "F")}
    for group in by_key.values():
        rng.shuffle(group)
    counts = {key: (len(group), len(group)) for key, group in by_key.items()}
    pattern = solve_key_sequence(
        [("T", "F")] * len(items), counts, max_run=ctx.rules.max_key_run, rng=rng,
        params=ctx.rules.solver, where=_("section {section}, variant {variant}").format(
            section=sp.key, variant=ctx.variant),
    )
    if pattern is None:
        raise AssemblyError(_(
            "cannot assemble: section {section}, variant {variant}: {true} 对 and {false} 错 keys cannot be ordered "
            "with at most {run} equal keys in a row").format(
                section=sp.key, variant=ctx.variant, true=counts["T"][0], false=counts["F"][0],
                run=ctx.rules.max_key_run))
    return [(by_key[key].pop(), ()) for key in pattern]


def _arrange_multi(items: list[Item], sp: SectionPlan, ctx: VariantContext) -> Arranged:
    for attempt in range(ctx.rules.order_attempts):
        order = list(items)
        ctx.rng(f"order:{sp.key}:{attempt}").shuffle(order)
        rng = ctx.rng(f"options:{sp.key}:{attempt}")
        arranged = [(item, _permute(item, rng)) for item in order]
        answers = [_printed_answer(item, perm) for item, perm in arranged]
        if longest_run(answers) <= ctx.rules.max_key_run:
            return arranged
    raise AssemblyError(_(
        "cannot assemble: section {section}, variant {variant}: no order in {tries} tries keeps identical answer "
        "sets to {run} in a row; add items with other answers").format(
            section=sp.key, variant=ctx.variant, tries=ctx.rules.order_attempts, run=ctx.rules.max_key_run))


def _printed_answer(item: Item, permutation: tuple[int, ...]) -> tuple[str, ...]:
    correct = set(item.answer_labels)
    return tuple(OPTION_LABELS[p] for p, k in enumerate(permutation) if item.options[k].label in correct)


def _question(number: int, sp: SectionPlan, item: Item, permutation: tuple[int, ...]) -> PaperQuestion:
    if item.type == "judge":
        options: tuple[PaperOption, ...] = ()
        answer = item.answer_labels
    else:
        options = tuple(
            PaperOption(OPTION_LABELS[p], item.options[k].text, item.options[k].label)
            for p, k in enumerate(permutation)
        )
        answer = _printed_answer(item, permutation)
    return PaperQuestion(
        number=number, section=sp.key, item_id=item.id, type=item.type, stem=item.stem, options=options,
        answer=answer, points=sp.section.points, topic=item.topic, difficulty=item.difficulty,
        figures=tuple(PaperFigure(f.path, f.sha256, f.width_mm, f.caption) for f in item.figures),
    )


_ARRANGERS = {"single": _arrange_single, "judge": _arrange_judge, "multi": _arrange_multi}
