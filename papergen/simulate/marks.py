"""From intended answers to the marks a candidate leaves on the sheet.

A candidate fills bubbles with a 2B pencil or a dark pen (one tool per
candidate).  Most marks are clean fills; a seeded share are the marks
readers struggle with: a light fill, half a bubble, a tick, a cross.  Some
answers were changed, leaving the residue of an erased pencil mark beside the
new one, and some blank bubbles catch a stray dot.  The kinds and what a
careful reader must make of them are listed in :data:`omr.synth.KIND_TRUTH`.

Named mixes (:data:`MARK_MIXES`): ``careful`` (clean fills only), ``typical``
(a realistic sitting) and ``messy`` (many hard marks, for accuracy benchmarks).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace

from omr.layout import SheetLayout
from omr.synth import SheetMarks
from papergen.errors import SimulationError
from papergen.i18n import _
from papergen.simulate.cohort import SimCandidate

__all__ = ["MarkMix", "MARK_MIXES", "mark_mix", "mark_sheet", "ODD_KINDS", "FILL_KINDS"]

FILL_KINDS = ("pencil", "pen")
"""Clean fills, by tool."""
ODD_KINDS = ("light", "partial", "tick", "cross")
"""Marks that mean a choice but are not a clean fill: a careful reader lists them for review."""


@dataclass(frozen=True)
class MarkMix:
    """How a cohort marks its sheets (all rates are probabilities in [0, 1]).

    Attributes
    ----------
    name : str
        Name of the mix, recorded in the truth files.
    pencil_share : float
        Share of candidates using a 2B pencil; the others use a dark pen.
    odd_rate : float
        Chance that an intended answer mark is drawn as one of :data:`ODD_KINDS`.
    odd_weights : tuple of float
        Relative frequency of light, partial, tick and cross among odd marks.
    erasure_rate : float
        Chance that an answered question carries the residue of an erased
        earlier choice on another of its bubbles.
    blank_erasure_rate : float
        Chance that a question left blank carries an erased mark.
    stray_dot_rate : float
        Chance that an unmarked answer bubble catches a stray pencil dot.
    digit_odd_rate : float
        Chance that a candidate-number bubble is drawn as an odd mark.
    digit_blank_rate : float
        Chance that a candidate leaves the whole candidate-number grid empty.
    """

    name: str = "typical"
    pencil_share: float = 0.75
    odd_rate: float = 0.001
    odd_weights: tuple[float, float, float, float] = (0.4, 0.3, 0.15, 0.15)
    erasure_rate: float = 0.003
    blank_erasure_rate: float = 0.02
    stray_dot_rate: float = 0.0002
    digit_odd_rate: float = 0.0
    digit_blank_rate: float = 0.0

    def __post_init__(self) -> None:
        rates = {k: getattr(self, k) for k in ("pencil_share", "odd_rate", "erasure_rate", "blank_erasure_rate",
                                                 "stray_dot_rate", "digit_odd_rate", "digit_blank_rate")}
        bad = {k: v for k, v in rates.items() if not 0.0 <= v <= 1.0}
        if bad or len(self.odd_weights) != len(ODD_KINDS) or min(self.odd_weights) < 0 or sum(self.odd_weights) <= 0:
            raise SimulationError(_("mark mix {name!r}: rates must lie in [0, 1] and odd_weights be {n} non-negative "
                                    "numbers (got {value})").format(
                name=self.name, n=len(ODD_KINDS), value=bad or list(self.odd_weights)))

    def for_bitonal(self) -> "MarkMix":
        """This mix with no light fills: a bitonal capture turns them white, and no reader could see them."""
        weights = (0.0,) + self.odd_weights[1:]
        if sum(weights) <= 0:
            return replace(self, odd_weights=(0.0, 1.0, 0.0, 0.0), odd_rate=0.0)
        return replace(self, odd_weights=weights)


MARK_MIXES: dict[str, MarkMix] = {
    "careful": MarkMix(name="careful", odd_rate=0.0, erasure_rate=0.0, blank_erasure_rate=0.0, stray_dot_rate=0.0),
    "typical": MarkMix(),
    "messy": MarkMix(name="messy", pencil_share=0.6, odd_rate=0.06, erasure_rate=0.08, blank_erasure_rate=0.2,
                     stray_dot_rate=0.01, digit_odd_rate=0.01),
}
"""Named mixes; ``typical`` is a realistic sitting, ``messy`` a stress test."""


def mark_mix(name: str) -> MarkMix:
    """A named mix from :data:`MARK_MIXES`.

    Raises
    ------
    SimulationError
        If no mix has that name.
    """
    try:
        return MARK_MIXES[name]
    except KeyError:
        raise SimulationError(_("unknown mark mix (got {value!r}); use one of {known}").format(
            value=name, known=", ".join(MARK_MIXES))) from None


def mark_sheet(candidate: SimCandidate, layout: SheetLayout, mix: MarkMix, rng: random.Random) -> SheetMarks:
    """The marks one candidate leaves on the answer sheet.

    Parameters
    ----------
    candidate : SimCandidate
        Intended answers (by question number, printed labels) and number.
    layout : SheetLayout
        The sheet: its questions' option keys and the digit grid.
    mix : MarkMix
        Rates of odd marks, erasures and stray dots.
    rng : random.Random
        Source of every choice.

    Returns
    -------
    SheetMarks
        ``answers[question][option] = kind``, ``digits[column][value] = kind`` and, on a
        generic sheet, the candidate's variant in ``rows["variant"]``; kinds from
        :data:`omr.synth.KIND_TRUTH`.
    """
    tool = "pencil" if rng.random() < mix.pencil_share else "pen"
    answers: dict[int, dict[str, str]] = {}
    for spec in layout.questions():
        chosen = candidate.answers.get(spec.number, ())
        marks = {option: _answer_kind(tool, mix, rng) for option in chosen}
        _add_erasure(marks, spec.options, mix.erasure_rate if chosen else mix.blank_erasure_rate, rng)
        for option in spec.options:
            if option not in marks and rng.random() < mix.stray_dot_rate:
                marks[option] = "dot"
        if marks:
            answers[spec.number] = marks
    rows = {"variant": {candidate.variant: tool}} if layout.mark_row("variant") is not None else {}
    return SheetMarks(answers=answers, digits=_digit_marks(candidate.number, layout, tool, mix, rng), rows=rows)


def _answer_kind(tool: str, mix: MarkMix, rng: random.Random) -> str:
    if rng.random() < mix.odd_rate:
        return rng.choices(ODD_KINDS, weights=mix.odd_weights)[0]
    return tool


def _add_erasure(marks: dict[str, str], options: tuple[str, ...], rate: float, rng: random.Random) -> None:
    free = [option for option in options if option not in marks]
    if free and rng.random() < rate:
        marks[rng.choice(free)] = "erasure"


def _digit_marks(number: str, layout: SheetLayout, tool: str, mix: MarkMix,
                 rng: random.Random) -> Mapping[int, Mapping[int, str]]:
    if rng.random() < mix.digit_blank_rate:
        return {}
    columns = layout.candidate_id.digits
    marks: dict[int, dict[int, str]] = {}
    for column, digit in enumerate(number[:columns]):
        odd = rng.random() < mix.digit_odd_rate
        marks[column] = {int(digit): rng.choices(ODD_KINDS, weights=mix.odd_weights)[0] if odd else tool}
    return marks

