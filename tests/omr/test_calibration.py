"""Per-sheet calibration: each bubble judged against this sheet's own paper, blank bubbles and marks.

Photocopy grain and JPEG noise must not pass for erasure residue, while real residue on an answer
rubbed out is still flagged; a clear pencil candidate number reads without a flag; light but complete fills read as
marks when they stand clearly apart from the sheet's blank bubbles.
"""

from __future__ import annotations

import numpy as np
import pytest

from omr import synth
from omr.layout import SheetLayout
from omr.marks import (
    FLAG_ERASURE,
    _neighbourhood_median,
    _neighbours,
    _order_in_groups,
    bubble_table,
)
from omr.read import read_sheet
from omr.result import MarkState, SheetRead

NUMBER = "2026181818"
PHOTOCOPY = synth.Scan(paper=205, ink=60, noise_sigma=9, blur_sigma_px=0.9, lighting=0.25, skew_deg=1.2,
                       margin_mm=3, background=205)


def _scan(layout: SheetLayout, marks: synth.SheetMarks, seed: int, scan: synth.Scan = PHOTOCOPY,
          quality: int = 60) -> SheetRead:
    page = synth.draw_sheet(layout, dpi=200, marks=marks, seed=seed)
    image = synth.decode_image(synth.encode_image(synth.capture(page, 200, scan, seed=seed), ".jpg", quality=quality))
    return read_sheet(image, layout, dpi=200)


def _unflagged_misreads(read: SheetRead, marks: synth.SheetMarks) -> list[tuple[int, str]]:
    wrong = []
    for question in read.questions:
        drawn = marks.answers.get(question.number, {})
        for option, state in zip(question.options, question.states, strict=True):
            meant = synth.KIND_TRUTH[drawn[option]].intended if option in drawn else False
            if not question.needs_review and (state is MarkState.MARKED) != meant:
                wrong.append((question.number, option))
    return wrong


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_photocopy_grain_beside_clean_pencil_marks_is_not_flagged_as_erasure(layout: SheetLayout, seed: int) -> None:
    marks = synth.SheetMarks(synth.random_answers(layout, seed, kind="pencil"), synth.candidate_marks(NUMBER, "pencil"))
    read = _scan(layout, marks, seed)
    assert read.status == "read", read.reason
    assert _unflagged_misreads(read, marks) == []
    assert [q.number for q in read.questions if FLAG_ERASURE in q.flags] == []
    assert sum(q.needs_review for q in read.questions) <= 1
    assert read.candidate.digits == NUMBER and read.candidate.complete


def test_erasure_residue_on_a_photocopy_is_still_told_from_grain(layout: SheetLayout) -> None:
    answers = synth.random_answers(layout, 4, kind="pencil", blank_rate=0.0)
    rng = np.random.default_rng(4)
    chosen = [int(n) for n in rng.choice(np.arange(1, 141), 60, replace=False)]
    erased_alone, changed = sorted(chosen[:30]), sorted(chosen[30:])
    for number in erased_alone:  # an answer rubbed out and none given
        answers[number] = {next(iter(answers[number])): "erasure"}
    for number in changed:  # an answer rubbed out and another marked
        free = [o for o in "ABCD" if o not in answers[number]]
        answers[number] = {**answers[number], free[int(rng.integers(len(free)))]: "erasure"}
    marks = synth.SheetMarks(answers, synth.candidate_marks(NUMBER, "pencil"))
    read = _scan(layout, marks, 4)
    assert read.status == "read", read.reason
    assert _unflagged_misreads(read, marks) == []
    flagged = [n for n in erased_alone if FLAG_ERASURE in read.question(n).flags]
    assert len(flagged) >= 27  # residue a person would see: at least 90 % of it
    assert all(len(read.question(n).marked) == 1 for n in changed)


def test_light_complete_fills_among_pencil_marks_read_as_marks(layout: SheetLayout) -> None:
    answers = synth.random_answers(layout, 7, kind="pencil", blank_rate=0.0)
    light = list(range(30, 50))
    odd = {60: "tick", 61: "cross", 62: "partial", 63: "light", 64: "tick", 65: "cross", 66: "partial", 67: "light"}
    for number in light:
        answers[number] = {option: "faint" for option in answers[number]}
    for number, kind in odd.items():
        answers[number] = {option: kind for option in answers[number]}
    marks = synth.SheetMarks(answers, synth.candidate_marks(NUMBER, "pencil"))
    scan = synth.Scan(noise_sigma=3, blur_sigma_px=0.6, skew_deg=1.0, margin_mm=3)
    read = _scan(layout, marks, 7, scan=scan, quality=80)
    assert read.status == "read", read.reason
    assert _unflagged_misreads(read, marks) == []
    read_clean = [n for n in light if set(read.question(n).marked) == set(answers[n]) and not read.question(n).flags]
    assert len(read_clean) >= 17  # >= 85 % of light but complete fills stand as marks
    assert [n for n in odd if not read.question(n).needs_review] == []  # ticks, crosses, halves, washes: review


@pytest.mark.parametrize(("answers_kind", "number_kind"), [("pen", "faint"), ("pen", "pencil"), ("faint", "pencil"),
                                                          ("pencil", "faint")])
def test_candidate_number_is_read_against_its_own_grid(layout: SheetLayout, answers_kind: str,
                                                       number_kind: str) -> None:
    marks = synth.SheetMarks(synth.random_answers(layout, 8, kind=answers_kind),
                             synth.candidate_marks(NUMBER, number_kind))
    read = _scan(layout, marks, 8)
    assert read.status == "read", read.reason
    assert read.candidate.digits == NUMBER and read.candidate.complete, read.candidate.flags


def test_erased_digit_on_a_light_grid_is_never_read_as_a_digit(layout: SheetLayout) -> None:
    digits = synth.candidate_marks(NUMBER, "faint")
    digits[3] = {4: "erasure"}  # the fourth digit rubbed out and not written again
    digits[6] = {2: "erasure", 7: "faint"}  # the seventh changed from 2 to 7
    marks = synth.SheetMarks(synth.random_answers(layout, 9, kind="pen"), digits)
    read = _scan(layout, marks, 9)
    assert read.status == "read", read.reason
    assert read.candidate.digits[3] == "?" and not read.candidate.complete
    assert read.candidate.digits[6] in "7?"
    others = [i for i in range(len(NUMBER)) if i not in (3, 6)]
    assert [read.candidate.digits[i] for i in others] == [NUMBER[i] for i in others]


@pytest.mark.parametrize("seed", [11, 12])
def test_lighter_but_complete_digit_in_a_pencil_number_reads_without_a_flag(layout: SheetLayout, seed: int) -> None:
    digits = synth.candidate_marks(NUMBER, "pencil")
    digits[4] = {8: "faint"}  # a clear 8, pressed more lightly than the other nine (fill ~0.4)
    marks = synth.SheetMarks(synth.random_answers(layout, seed, kind="pencil"), digits)
    read = _scan(layout, marks, seed)
    assert read.status == "read", read.reason
    assert read.candidate.digits == NUMBER[:4] + "8" + NUMBER[5:] and read.candidate.complete, read.candidate.flags
    assert 0.3 <= read.candidate.fills[4][8] <= 0.5


def test_paper_level_is_the_median_over_neighbours_of_one_printed_region(layout: SheetLayout) -> None:
    table = bubble_table(layout)
    neighbours = _neighbours(table, 10.0)
    values = np.random.default_rng(0).normal(200, 5, len(table.centres_mm)).astype(np.float32)
    pooled = _neighbourhood_median(values, neighbours)
    for i in (0, 350, len(values) - 1):
        near = np.flatnonzero((np.hypot(*(table.centres_mm - table.centres_mm[i]).T) <= 10.0)
                              & (table.region == table.region[i]))
        assert pooled[i] == np.sort(values[near])[(len(near) - 1) // 2]
        assert 4 <= len(near) <= 30


@pytest.mark.parametrize("kind", ["uniform", "ties", "tiny", "signed zeros", "negative"])
def test_bubbles_are_ordered_by_group_then_darkness_as_lexsort_orders_them(layout: SheetLayout, kind: str) -> None:
    table = bubble_table(layout)
    rng = np.random.default_rng(len(kind))
    n = len(table.group)
    raw = {"uniform": rng.random(n), "ties": np.round(rng.random(n) * 7) / 7, "tiny": rng.random(n) * 1e-40,
           "signed zeros": np.where(rng.random(n) < 0.5, -0.0, 0.0), "negative": rng.normal(0, 1, n)}[kind]
    raw = raw.astype(np.float32)
    assert np.array_equal(_order_in_groups(raw, table), np.lexsort((raw, table.group)))
