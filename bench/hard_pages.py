"""Pages that used to vanish or be refused: what the reader makes of them.

Used by ``bench_accuracy.py``.  Each case draws ``--hard-pages`` pages with :mod:`omr.synth` and reads
them: filled sheets scanned dark (paper 214, print 112) or copied washed-out (ink 130-150 of 255),
filled sheets from a black-and-white driver whose adaptive threshold hollows the corner squares into
rings, and pages that are not sheets (a text page at low contrast, a blank back).  A filled sheet must be
read (never blank), a text page must be "not a sheet", a back blank; read sheets count their unflagged
misreads and flagged questions.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from omr import synth
from omr.layout import SheetLayout
from omr.read import read_sheet
from omr.result import MarkState, SheetRead

HARD_CASES = ("dark scan 214/112", "washed-out ink 130-150", "ring corners g4", "text page 214/112", "blank back")
"""Case names, in report order."""
_EXPECTED = {"text page 214/112": "not_a_sheet", "blank back": "blank"}  # every other case: "read"


@dataclass
class HardResult:
    """Statuses of one case's pages, and the questions of its read sheets."""

    statuses: Counter = field(default_factory=Counter)
    questions: int = 0
    flagged: int = 0
    misreads: int = 0

    def merge(self, other: "HardResult") -> None:
        """Add another result's counts."""
        self.statuses.update(other.statuses)
        self.questions += other.questions
        self.flagged += other.flagged
        self.misreads += other.misreads


def read_hard_page(layout: SheetLayout, case: str, seed: int) -> HardResult:
    """Draw, capture and read one page of ``case`` (one of :data:`HARD_CASES`)."""
    image, dpi, answers = draw_hard_page(layout, case, seed)
    read = read_sheet(image, layout, dpi=dpi)
    return _outcome(read, answers if case not in _EXPECTED else None)


def draw_hard_page(layout: SheetLayout, case: str, seed: int) -> tuple[np.ndarray, float, dict[int, dict[str, str]]]:
    """The captured image of one page of ``case``, its dpi and the answers drawn on it (if a sheet)."""
    rng = random.Random(seed)
    dpi = (150, 200)[seed % 2]
    answers = synth.random_answers(layout, seed, kind=rng.choice(("pen", "pencil")))
    marks = synth.SheetMarks(answers, synth.candidate_marks("2026001122"))
    scan = synth.Scan(skew_deg=rng.uniform(-1.5, 1.5), margin_mm=3, noise_sigma=rng.uniform(1, 4),
                      blur_sigma_px=rng.uniform(0.3, 0.8))
    if case == "blank back":
        page = synth.blank_page(dpi, seed=seed)
    elif case.startswith("text page"):
        page = synth.text_page(dpi)
    else:
        page = synth.draw_sheet(layout, dpi=dpi, marks=marks, seed=seed)
    if case.endswith("214/112"):
        scan = synth.Scan(**{**scan.__dict__, "paper": 214, "ink": 112, "background": 214})
    elif case.startswith("washed-out"):
        scan = synth.Scan(**{**scan.__dict__, "paper": rng.randint(240, 252), "ink": rng.randint(130, 150)})
    image = synth.capture(page, dpi, scan, seed=seed)
    if case == "ring corners g4":
        image = synth.binarise_adaptive(image, dpi, window_mm=rng.uniform(2.5, 4.0))
    return image, float(dpi), answers


def _outcome(read: SheetRead, answers: dict[int, dict[str, str]] | None) -> HardResult:
    result = HardResult(Counter({read.status: 1}))
    if answers is None or read.status != "read":
        return result
    for question in read.questions:
        result.questions += 1
        result.flagged += question.needs_review
        drawn = answers.get(question.number, {})
        states = np.array([s is MarkState.MARKED for s in question.states])
        meant = np.array([o in drawn for o in question.options])
        ambiguous = any(s is MarkState.AMBIGUOUS for s in question.states)
        result.misreads += int(not question.needs_review and not ambiguous and (states != meant).any())
    return result


def hard_jobs(pages: int, seed: int) -> list[tuple[str, int]]:
    """(case, seed) for every hard page of the benchmark."""
    return [(case, seed * 104729 + 97 * i + j) for j, case in enumerate(HARD_CASES) for i in range(pages)]


def summarise_hard(results: list[tuple[str, HardResult]]) -> list[str]:
    """One row per case: pages with the expected status, the statuses seen, flagged questions, misreads."""
    table: dict[str, HardResult] = {}
    for case, result in results:
        table.setdefault(case, HardResult()).merge(result)
    out = [f"{'case':<24}{'expected':>12}{'as expected':>14}{'questions flagged':>20}{'misread unflagged':>19}"
           "  statuses"]
    for case in HARD_CASES:
        r = table.get(case, HardResult())
        expected = _EXPECTED.get(case, "read")
        pages = sum(r.statuses.values())
        flagged = f"{100.0 * r.flagged / r.questions:.1f} %" if r.questions else "-"
        seen = ", ".join(f"{status} {count}" for status, count in sorted(r.statuses.items()))
        out.append(f"{case:<24}{expected:>12}{f'{r.statuses[expected]}/{pages}':>14}{flagged:>20}{r.misreads:>19}"
                   f"  {seen}")
    return out


def hard_misreads(results: list[tuple[str, HardResult]]) -> int:
    """Unflagged misread questions over every hard page."""
    return sum(result.misreads for _, result in results)
