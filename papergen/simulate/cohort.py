"""A simulated cohort: candidates' abilities, items' difficulties and the answers they give.

Answers follow a two-parameter logistic (2PL) item-response model: a
candidate of ability ``theta`` answers an item of difficulty ``b`` and
discrimination ``a`` correctly with probability ``1 / (1 + exp(-a (theta - b)))``.
Abilities are drawn from a normal distribution; each item's ``b`` is set so
that its expected share of correct answers over the cohort equals its
target p-value, taken from the bank's item statistics (``stats.p_value``) when
present, else from its difficulty label (易/中/难).  The logistic-normal
approximation ``E[p] = sigmoid(a (mu - b) / sqrt(1 + pi a^2 sigma^2 / 8))``
gives ``b`` in closed form.

A wrong answer picks a distractor by its attractiveness (fixed per bank
option, so an item's distractors behave alike in every variant); a wrong
multiple-choice answer misses a correct option, adds a wrong one, or both.
Candidates occasionally leave a question blank (more often the weaker ones)
and occasionally mark two options of a single-answer question.

Every random choice comes from a stream named by seed, exam, variant and
purpose (:func:`papergen.assembly.rng.derive_random`), so a recorded seed
rebuilds the same cohort on any platform.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from papergen.assembly.rng import derive_random
from papergen.bank.model import Bank
from papergen.errors import SimulationError
from papergen.i18n import _
from papergen.exam import ExamManifest, KeyQuestion

__all__ = [
    "CohortParams",
    "ItemModel",
    "SimCandidate",
    "item_p_values",
    "item_models",
    "simulate_cohort",
    "candidate_numbers",
    "question_labels",
]

JUDGE_LABELS = ("T", "F")
PRINTED_LABELS = "ABCDEFGH"


@dataclass(frozen=True)
class CohortParams:
    """Tunables of the cohort model.

    Attributes
    ----------
    ability_mean, ability_sd : float
        Normal distribution of abilities, logits.
    discrimination_log_sd : float
        Items' discriminations ``a`` are log-normal around 1 with this spread (log units).
    p_easy, p_medium, p_hard : float
        Target share of correct answers for items labelled 易, 中, 难 without statistics.
    p_floor, p_ceiling : float
        Target p-values are clipped into this range so every item keeps a finite ``b``.
    omit_rate : float
        Chance that a candidate of average ability leaves a question blank.
    omit_ability_slope : float
        The omit chance is multiplied by ``exp(-slope * theta)``: weaker candidates omit more.
    omit_cap : float
        Largest omit chance of any candidate.
    double_mark_rate : float
        Chance that a single-answer question (单选, 判断) carries a second mark.
    multi_miss_share : float
        Of wrong multiple-choice answers, the share that only miss a correct option;
        ``multi_add_share`` only add a wrong one; the rest do both.
    multi_add_share : float
        See ``multi_miss_share``.
    distractor_concentration : float
        Gamma shape of distractor attractiveness: small values make one distractor dominate.
    number_prefix : str
        Leading digits of generated candidate numbers (a roster's numbers are used as given).
    """

    ability_mean: float = 0.0
    ability_sd: float = 1.0
    discrimination_log_sd: float = 0.3
    p_easy: float = 0.80
    p_medium: float = 0.62
    p_hard: float = 0.42
    p_floor: float = 0.05
    p_ceiling: float = 0.98
    omit_rate: float = 0.008
    omit_ability_slope: float = 0.8
    omit_cap: float = 0.1
    double_mark_rate: float = 0.003
    multi_miss_share: float = 0.5
    multi_add_share: float = 0.3
    distractor_concentration: float = 1.5
    number_prefix: str = "2026"

    def p_of_label(self, label: str) -> float:
        """Target p-value of a difficulty label (easy, medium, hard)."""
        return {"easy": self.p_easy, "medium": self.p_medium, "hard": self.p_hard}.get(label, self.p_medium)


@dataclass(frozen=True)
class ItemModel:
    """Response model of one bank item.

    Attributes
    ----------
    item_id : str
        Bank item id.
    p_value : float
        Target share of correct answers over the cohort, in (0, 1).
    difficulty : float
        ``b``, logits on the ability scale.
    discrimination : float
        ``a``, > 0.
    attractiveness : dict of str to float
        Relative pull of each bank option label when the answer is wrong.
    """

    item_id: str
    p_value: float
    difficulty: float
    discrimination: float
    attractiveness: Mapping[str, float]

    def p_correct(self, ability: float) -> float:
        """Probability that a candidate of ``ability`` (logits) answers correctly."""
        return 1.0 / (1.0 + math.exp(-self.discrimination * (ability - self.difficulty)))


@dataclass(frozen=True)
class SimCandidate:
    """One simulated candidate and the answers they meant to give.

    Attributes
    ----------
    number : str
        Candidate number (准考证号), digits.
    name : str
        Name from the roster, or empty.
    variant : str
        Variant of the paper the candidate sat.
    ability : float
        ``theta``, logits.
    answers : dict of int to tuple of str
        Per question number, the printed labels the candidate chose
        (judge: ``"T"``/``"F"``); an empty tuple is a blank question.
    """

    number: str
    name: str
    variant: str
    ability: float
    answers: Mapping[int, tuple[str, ...]]


def item_p_values(manifest: ExamManifest, bank: Bank | None = None,
                  params: CohortParams = CohortParams()) -> dict[str, float]:
    """Target p-value of every item the exam uses.

    Parameters
    ----------
    manifest : ExamManifest
        The exam; its questions name the items.
    bank : Bank, optional
        The bank the exam was built from; gives ``stats.p_value`` or the
        difficulty label of each item.  Without it every item is 中 (medium).
    params : CohortParams
        Label-to-p-value table and clipping range.

    Returns
    -------
    dict of str to float
        Item id to p-value, clipped into ``[p_floor, p_ceiling]``.
    """
    items = {item.id: item for item in bank.items} if bank is not None else {}
    values: dict[str, float] = {}
    for variant in manifest.variants:
        for question in variant.questions:
            item = items.get(question.item_id)
            if item is not None and item.stats is not None:
                p = item.stats.p_value
            else:
                p = params.p_of_label(item.difficulty if item is not None else "medium")
            values[question.item_id] = min(max(p, params.p_floor), params.p_ceiling)
    return values


def item_models(manifest: ExamManifest, p_values: Mapping[str, float], *, seed: int,
                params: CohortParams = CohortParams()) -> dict[str, ItemModel]:
    """The response model of every item of the exam (shared by all variants).

    Raises
    ------
    SimulationError
        If an item of the exam has no p-value.
    """
    models: dict[str, ItemModel] = {}
    for question in _unique_items(manifest):
        if question.item_id not in p_values:
            raise SimulationError(_("exam {exam}: item {item} has no p-value; pass the bank the exam was built from")
                                  .format(exam=manifest.exam_id, item=question.item_id))
        rng = derive_random(seed, manifest.exam_id, "", f"item:{question.item_id}")
        models[question.item_id] = _item_model(question, p_values[question.item_id], rng, params)
    return models


def _unique_items(manifest: ExamManifest) -> list[KeyQuestion]:
    seen: dict[str, KeyQuestion] = {}
    for variant in manifest.variants:
        for question in variant.questions:
            seen.setdefault(question.item_id, question)
    return list(seen.values())


def _item_model(question: KeyQuestion, p_value: float, rng: random.Random, params: CohortParams) -> ItemModel:
    a = math.exp(rng.gauss(0.0, params.discrimination_log_sd))
    spread = math.sqrt(1.0 + math.pi * (a * params.ability_sd) ** 2 / 8.0)
    logit = math.log(p_value / (1.0 - p_value))
    b = params.ability_mean - logit * spread / a
    labels = question.permutation or list(JUDGE_LABELS)
    pull = {label: rng.gammavariate(params.distractor_concentration, 1.0) for label in sorted(labels)}
    return ItemModel(question.item_id, p_value, b, a, pull)


def candidate_numbers(count: int, digits: int, *, seed: int, exam_id: str,
                      params: CohortParams = CohortParams()) -> list[str]:
    """``count`` distinct candidate numbers of ``digits`` digits, in ascending order.

    Numbers start with ``params.number_prefix`` followed by a seeded serial.

    Raises
    ------
    SimulationError
        If the numbers do not fit in ``digits`` digits.
    """
    free = digits - len(params.number_prefix)
    if free < 1 or count > 10 ** free:
        raise SimulationError(_("exam {exam}: cannot number {count} candidates with {digits} digits after the "
                                "prefix {prefix!r}").format(exam=exam_id, count=count, digits=digits,
                                                            prefix=params.number_prefix))
    rng = derive_random(seed, exam_id, "", "candidate-numbers")
    serials = sorted(rng.sample(range(10 ** free), count))
    return [f"{params.number_prefix}{serial:0{free}d}" for serial in serials]


def question_labels(question: KeyQuestion) -> tuple[str, ...]:
    """The printed labels a candidate can choose from on one question."""
    if question.type == "judge":
        return JUDGE_LABELS
    return tuple(PRINTED_LABELS[: len(question.permutation)])


def simulate_cohort(manifest: ExamManifest, count: int, *, seed: int, digits: int = 10,
                    p_values: Mapping[str, float] | None = None,
                    params: CohortParams = CohortParams()) -> list[SimCandidate]:
    """Simulate ``count`` candidates sitting the exam.

    Parameters
    ----------
    manifest : ExamManifest
        The exam's key: variants, questions, items and (optionally) roster.
    count : int
        Number of candidates, >= 1.  With a roster, the first ``count``
        roster entries sit the exam with their numbers and variants;
        without one, numbers are generated and variants assigned in turn.
    seed : int
        Seed of every random choice.
    digits : int
        Digits of a candidate number (the sheet's digit grid).
    p_values : mapping, optional
        Item id to target p-value; default :func:`item_p_values` without a bank.
    params : CohortParams
        Model tunables.

    Returns
    -------
    list of SimCandidate

    Raises
    ------
    SimulationError
        If ``count`` is not positive, exceeds the roster, or the numbers do not fit the grid.
    """
    seats = _seats(manifest, count, seed=seed, digits=digits, params=params)
    models = item_models(manifest, p_values or item_p_values(manifest, None, params), seed=seed, params=params)
    cohort = []
    for index, (number, name, variant) in enumerate(seats):
        rng = derive_random(seed, manifest.exam_id, variant, f"candidate:{index}:{number}")
        ability = rng.gauss(params.ability_mean, params.ability_sd)
        key = manifest.variant(variant)
        answers = {q.number: _answer(q, models[q.item_id], ability, rng, params) for q in key.questions}
        cohort.append(SimCandidate(number, name, variant, ability, answers))
    return cohort


def _seats(manifest: ExamManifest, count: int, *, seed: int, digits: int,
           params: CohortParams) -> list[tuple[str, str, str]]:
    if count < 1:
        raise SimulationError(_("exam {exam}: number of candidates must be at least 1 (got {count})").format(
            exam=manifest.exam_id, count=count))
    if manifest.candidates:
        if count > len(manifest.candidates):
            raise SimulationError(_("exam {exam}: {count} candidates asked for, the roster has {roster}; ask for "
                                    "fewer or extend the roster").format(
                exam=manifest.exam_id, count=count, roster=len(manifest.candidates)))
        return [(c.number, c.name, c.variant) for c in manifest.candidates[:count]]
    numbers = candidate_numbers(count, digits, seed=seed, exam_id=manifest.exam_id, params=params)
    variants = [v.variant for v in manifest.variants]
    return [(number, "", variants[i % len(variants)]) for i, number in enumerate(numbers)]


def _answer(question: KeyQuestion, model: ItemModel, ability: float, rng: random.Random,
            params: CohortParams) -> tuple[str, ...]:
    omit = min(params.omit_cap, params.omit_rate * math.exp(-params.omit_ability_slope * ability))
    if rng.random() < omit:
        return ()
    labels = question_labels(question)
    correct = tuple(question.answer)
    if rng.random() < model.p_correct(ability):
        chosen = correct
    elif question.type == "multi":
        chosen = _wrong_multi(correct, labels, rng, params)
    else:
        chosen = (_distractor(question, model, labels, correct, rng),)
    if question.type != "multi" and rng.random() < params.double_mark_rate:
        extra = rng.choice([label for label in labels if label not in chosen])
        chosen = chosen + (extra,)
    return tuple(sorted(chosen, key=labels.index))


def _distractor(question: KeyQuestion, model: ItemModel, labels: Sequence[str], correct: Sequence[str],
                rng: random.Random) -> str:
    choices = [label for label in labels if label not in correct]
    weights = [model.attractiveness[_bank_label(question, label)] for label in choices]
    return rng.choices(choices, weights=weights)[0]


def _bank_label(question: KeyQuestion, printed: str) -> str:
    if question.type == "judge":
        return printed
    return question.permutation[PRINTED_LABELS.index(printed)]


def _wrong_multi(correct: tuple[str, ...], labels: Sequence[str], rng: random.Random,
                 params: CohortParams) -> tuple[str, ...]:
    chosen = set(correct)
    wrong = [label for label in labels if label not in chosen]
    roll = rng.random()
    mode = "miss" if roll < params.multi_miss_share else (
        "add" if roll < params.multi_miss_share + params.multi_add_share else "both")
    if len(chosen) < 2:  # the only correct option cannot be missed
        mode = "add"
    elif not wrong:  # every option is correct: nothing to add
        mode = "miss"
    if mode in ("miss", "both"):
        chosen.discard(rng.choice(sorted(chosen)))
    if mode in ("add", "both"):
        chosen.add(rng.choice(wrong))
    return tuple(sorted(chosen))
