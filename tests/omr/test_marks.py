"""Mark classification: calibrated per sheet, relative, and never confidently wrong."""

from __future__ import annotations

import numpy as np
import pytest

from omr import synth
from omr.layout import SheetLayout
from omr.marks import (
    FLAG_AMBIGUOUS,
    FLAG_ERASURE,
    FLAG_MULTIPLE,
    _dilate,
    _otsu_split,
    _sorted_median,
)
from omr.read import read_sheet
from omr.result import MarkState, SheetRead

DPI = 150
UNCERTAIN = {1: "light", 5: "partial", 9: "tick", 13: "cross", 41: "faint"}  # first question of each run of 4
ERASED_BESIDE_MARK = (17, 18, 19)
ERASED_BESIDE_FAINT = (45, 46)
ERASED_IN_MULTI = (166, 167, 168)
ERASED_ALONE = 20
DOUBLE = (21, 22, 141)
PENCIL = range(23, 41)
MULTI = {161: "AB", 162: "ACE", 163: "ABDE", 164: "ABCDE", 165: "D"}


def _mixed_marks(layout: SheetLayout) -> synth.SheetMarks:
    answers = synth.random_answers(layout, 21, blank_rate=0.0)
    for first, kind in UNCERTAIN.items():
        for k in range(4):
            answers[first + k] = {"ABCD"[k]: kind}
    for q in ERASED_BESIDE_MARK:
        answers[q] = {"A": "erasure", "C": "pen"}
    answers[ERASED_ALONE] = {"B": "erasure"}
    for q in ERASED_BESIDE_FAINT:
        answers[q] = {"A": "erasure", "C": "faint"}
    for q in ERASED_IN_MULTI:
        answers[q] = {"A": "pen", "B": "erasure", "D": "pen"}
    for q in DOUBLE:
        answers[q] = dict.fromkeys(layout.questions()[q - 1].options, "pen")
    for q in PENCIL:
        answers[q] = {"B": "pencil"}
    for q, options in MULTI.items():
        answers[q] = dict.fromkeys(options, "pen")
    digits = synth.candidate_marks("2025010001")
    del digits[4]
    digits[6][5] = "pen"
    return synth.SheetMarks(answers, digits)


@pytest.fixture(scope="module")
def mixed(layout: SheetLayout) -> tuple[SheetRead, synth.SheetMarks]:
    """A skewed, noisy 150 dpi JPEG scan with every kind of mark, read once."""
    marks = _mixed_marks(layout)
    page = synth.draw_sheet(layout, dpi=DPI, marks=marks, seed=21)
    scan = synth.capture(page, DPI, synth.Scan(skew_deg=4, margin_mm=8, noise_sigma=4, blur_sigma_px=0.6), seed=21)
    scan = synth.decode_image(synth.encode_image(scan, ".jpg", quality=80))
    read = read_sheet(scan, layout, dpi=DPI)
    assert read.status == "read", read.reason
    return read, marks


def _plain_questions(marks: synth.SheetMarks) -> list[int]:
    special = set(ERASED_BESIDE_MARK) | set(ERASED_BESIDE_FAINT) | set(ERASED_IN_MULTI) | {ERASED_ALONE} | set(DOUBLE) | set(MULTI)
    special |= {first + k for first in UNCERTAIN for k in range(4)}
    return [q for q in range(1, 181) if q not in special]


def test_pen_and_pencil_fills_read_as_marked_and_every_other_bubble_blank(mixed) -> None:
    read, marks = mixed
    for number in _plain_questions(marks):
        question = read.question(number)
        truth = set(marks.answers[number])
        assert set(question.marked) == truth, number
        assert question.flags == (), number
        expected = tuple(MarkState.MARKED if o in truth else MarkState.BLANK for o in question.options)
        assert question.states == expected, number


@pytest.mark.parametrize(("first", "kind"), sorted(UNCERTAIN.items()))
def test_light_partial_tick_cross_and_faint_marks_are_ambiguous_never_marked(mixed, first: int, kind: str) -> None:
    read, _ = mixed
    for k in range(4):
        question = read.question(first + k)
        assert question.marked == (), (kind, first + k)
        assert question.states[k] == MarkState.AMBIGUOUS, (kind, first + k, question)
        assert FLAG_AMBIGUOUS in question.flags and question.needs_review
        assert question.confidence == 0.0


def test_erasure_beside_a_clear_mark_reads_the_mark_without_review(mixed) -> None:
    read, _ = mixed
    for number in ERASED_BESIDE_MARK:
        question = read.question(number)
        assert question.marked == ("C",)
        assert question.states[0] == MarkState.BLANK
        assert not question.needs_review, question


def test_erasure_beside_the_marks_of_a_multiple_choice_question_goes_to_review(mixed) -> None:
    questions = [mixed[0].question(n) for n in ERASED_IN_MULTI]  # a faint wash there may be a light extra choice
    assert all(q.marked == ("A", "D") for q in questions)
    assert sum(FLAG_ERASURE in q.flags for q in questions) >= 2, questions  # residue drawn lightest may not show


def test_erasure_beside_a_lighter_mark_goes_to_review(mixed) -> None:
    read, _ = mixed
    for number in ERASED_BESIDE_FAINT:
        question = read.question(number)
        assert question.states[0] != MarkState.MARKED
        assert question.needs_review, question
        assert FLAG_ERASURE in question.flags or FLAG_AMBIGUOUS in question.flags


def test_erased_answer_alone_reads_unanswered_and_is_flagged(mixed) -> None:
    question = mixed[0].question(ERASED_ALONE)
    assert question.marked == () and FLAG_ERASURE in question.flags


def test_two_marks_on_a_single_answer_question_are_flagged_multiple(mixed) -> None:
    read, _ = mixed
    for number in DOUBLE:
        question = read.question(number)
        assert set(question.marked) == set(question.options)
        assert FLAG_MULTIPLE in question.flags


def test_multiple_choice_questions_read_one_to_five_marks_without_flags(mixed) -> None:
    read, _ = mixed
    for number, options in MULTI.items():
        question = read.question(number)
        assert question.marked == tuple(options) and question.flags == ()


def test_candidate_number_reports_missing_and_double_digits(mixed) -> None:
    candidate = mixed[0].candidate
    assert candidate.digits == "2025?1*001"
    assert candidate.flags == ("digit 5: no mark", "digit 7: 2 marks")
    assert not candidate.complete
    assert len(candidate.fills) == 10 and all(len(column) == 10 for column in candidate.fills)


def test_complete_candidate_number_reads_without_flags(layout: SheetLayout, pen_sheet) -> None:
    read = read_sheet(pen_sheet[0], layout, dpi=100)
    assert read.candidate.digits == "2025010001" and read.candidate.complete


def test_blank_bubbles_in_the_tinted_multiple_choice_band_read_as_paper(mixed) -> None:
    read, marks = mixed
    blank_fills = [f for q in range(166, 181) for o, f in zip(read.question(q).options, read.question(q).fills)
                   if o not in marks.answers[q]]
    assert max(blank_fills) < 0.05


def test_fills_are_ratios_and_clear_marks_are_confident(mixed) -> None:
    read, marks = mixed
    fills = np.array([f for q in read.questions for f in q.fills])
    assert fills.min() >= 0.0 and fills.max() <= 1.0
    confident = [read.question(q).confidence for q in _plain_questions(marks)]
    assert min(confident) > 0.3


def test_sheet_filled_in_faint_pencil_is_read_against_its_own_marks(layout: SheetLayout) -> None:
    answers = synth.random_answers(layout, 4, kind="faint")
    marks = synth.SheetMarks(answers, synth.candidate_marks("0123456789", "faint"))
    read = read_sheet(synth.draw_sheet(layout, dpi=100, marks=marks, seed=4), layout, dpi=100)
    assert read.candidate.digits == "0123456789"
    for question in read.questions:
        assert set(question.marked) == set(answers.get(question.number, {})) and not question.flags


def test_unmarked_sheet_reads_blank_without_question_flags(layout: SheetLayout) -> None:
    read = read_sheet(synth.draw_sheet(layout, dpi=100), layout, dpi=100)
    assert read.status == "read" and "no clear marks" in read.reason
    assert all(q.marked == () and q.flags == () for q in read.questions)
    assert read.candidate.digits == "?" * 10


def test_otsu_split_separates_two_clusters() -> None:
    values = np.sort(np.concatenate([np.full(70, 0.02), np.full(30, 0.9)]))
    assert _otsu_split(values) == 70


def test_a_light_fill_in_a_mostly_marked_column_is_not_read_as_paper(layout: SheetLayout) -> None:
    """Most candidates mark C: the column's few blank bubbles, not its marks, make its blank pattern."""
    answers = synth.random_answers(layout, 8, blank_rate=0.0)
    blank_c = (165, 169, 173, 177)
    for q in range(161, 181):
        answers[q] = dict.fromkeys("BD" if q in blank_c else "BCD", "pencil")
    answers[161]["C"] = "light"
    page = synth.draw_sheet(layout, dpi=DPI, marks=synth.SheetMarks(answers), seed=8)
    photocopy = synth.Scan(paper=210, ink=70, noise_sigma=6, blur_sigma_px=0.8)
    read = read_sheet(synth.capture(page, DPI, photocopy, seed=8), layout, dpi=DPI)
    assert read.question(161).states[2] is MarkState.AMBIGUOUS
    for q in range(162, 181):
        assert read.question(q).marked == tuple(sorted(answers[q])), q
        assert read.question(q).states[2] is not MarkState.AMBIGUOUS, q


@pytest.mark.parametrize("radius", [0, 1, 2])
def test_template_dilation_is_the_square_maximum_with_repeated_edges(radius: int) -> None:
    stack = np.random.default_rng(radius).random((3, 5, 7), dtype=np.float32)
    padded = np.pad(stack, ((0, 0), (radius, radius), (radius, radius)), mode="edge")
    size = 2 * radius + 1
    expected = np.array([[[padded[k, y:y + size, x:x + size].max() for x in range(7)] for y in range(5)]
                         for k in range(3)])
    assert np.array_equal(_dilate(stack, radius), expected)


@pytest.mark.parametrize("count", [1, 2, 7, 800])
def test_median_of_sorted_fills_equals_numpys(count: int) -> None:
    values = np.random.default_rng(count).random(count, dtype=np.float32)
    assert _sorted_median(np.sort(values)) == float(np.median(values))
