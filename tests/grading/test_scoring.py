"""Scoring a read sheet: every rule, multiple marks, key corrections, review reasons."""

from __future__ import annotations

import pytest

from fake_grading import (
    ANSWERS_A,
    FULL_MARKS,
    make_manifest,
    make_read,
    small_format,
    small_layout,
    with_answers,
)
from omr.result import SheetRead
from papergen.errors import GradeError, ManifestError
from papergen.exam.manifest import KeyQuestion
from papergen.exam.format import Scoring
from papergen.grading import score_sheet


def score(answers: dict[int, str], fmt=None, key=None, **read_options):
    manifest = make_manifest(fmt=fmt)
    read = make_read(answers, qr=None, **read_options)
    return score_sheet(read, key or manifest.variant("A"), manifest.format)


def corrected_key(**changes: dict):
    """Variant A's key with some questions changed: ``corrected_key(q9={"dropped": True})``."""
    key = make_manifest().variant("A")
    questions = [
        KeyQuestion(**{**q.model_dump(), **changes.get(f"q{q.number}", {})}) for q in key.questions
    ]
    return key.model_copy(update={"questions": questions})


def test_score_sheet_gives_full_marks_for_the_key():
    result = score(ANSWERS_A)
    assert result.total == FULL_MARKS == result.max_total
    assert {q.status for q in result.questions} == {"correct"}
    assert not result.needs_review


def test_score_sheet_sums_sections_and_statuses():
    answers = with_answers(ANSWERS_A, q1="B", q2="", q7="F", q9="A")
    result = score(answers)
    sections = {s.key: (s.points, s.max_points) for s in result.sections}
    assert sections == {"single": (2.0, 3.0), "judge": (0.5, 1.0), "multi": (1.0, 2.0)}
    assert result.total == 3.5
    assert [result.question(n).status for n in (1, 2, 7, 9)] == ["wrong", "blank", "wrong", "wrong"]


def test_score_sheet_records_marked_and_answer_labels():
    result = score(with_answers(ANSWERS_A, q10="BD"))
    q = result.question(10)
    assert (q.marked, q.answer, q.points, q.max_points) == (("B", "D"), ("B", "D", "E"), 0.0, 1.0)


def test_judge_questions_compare_t_and_f():
    result = score(with_answers(ANSWERS_A, q7="T", q8="T"))
    assert (result.question(7).status, result.question(8).status) == ("correct", "wrong")


@pytest.mark.parametrize(
    ("rule", "marked", "points", "status"),
    [
        ("exact", "AC", 1.0, "correct"),
        ("exact", "A", 0.0, "wrong"),
        ("exact", "ACD", 0.0, "wrong"),
        ("subset", "AC", 1.0, "correct"),
        ("subset", "C", 0.5, "partial"),
        ("subset", "AD", 0.0, "wrong"),
        ("subset", "ACD", 0.0, "wrong"),
        ("subset", "", 0.0, "blank"),
        ("per_option", "AC", 1.0, "correct"),
        ("per_option", "A", 0.5, "partial"),
        ("per_option", "ACD", 0.5, "partial"),
        ("per_option", "AD", 0.0, "wrong"),
        ("per_option", "BDE", 0.0, "wrong"),
        ("per_option", "ABCDE", 0.0, "wrong"),
    ],
)
def test_multi_choice_rules(rule, marked, points, status):
    fmt = small_format(multi=Scoring(rule=rule, partial_fraction=0.5))
    q9 = score(with_answers(ANSWERS_A, q9=marked), fmt=fmt).question(9)  # key: AC
    assert (q9.points, q9.status) == (points, status)


def test_subset_rule_uses_the_configured_fraction():
    fmt = small_format(multi=Scoring(rule="subset", partial_fraction=0.25))
    assert score(with_answers(ANSWERS_A, q10="BE"), fmt=fmt).question(10).points == 0.25


def test_per_option_rule_earns_a_share_per_correct_mark_on_three_answers():
    fmt = small_format(multi=Scoring(rule="per_option"))
    result = score(with_answers(ANSWERS_A, q10="BD"), fmt=fmt)  # key: BDE
    assert result.question(10).points == pytest.approx(2 / 3, abs=1e-6)
    assert result.question(10).status == "partial"


def test_two_marks_on_a_single_choice_score_zero_without_review():
    result = score(with_answers(ANSWERS_A, q1="AB"), flags={1: ("multiple",)})
    q1 = result.question(1)
    assert (q1.points, q1.status, q1.review) == (0.0, "wrong", ())


def test_two_marks_under_the_review_rule_are_held_for_review():
    fmt = small_format(single=Scoring(multiple_marks="review"), judge=Scoring(multiple_marks="review"))
    result = score(with_answers(ANSWERS_A, q1="AB", q7="TF"), fmt=fmt)
    for number in (1, 7):
        q = result.question(number)
        assert (q.points, q.status, q.review) == (0.0, "review", ("multiple",))
    assert result.needs_review
    assert [q.number for q in result.review_questions] == [1, 7]


def test_several_marks_on_a_multi_choice_question_are_normal():
    fmt = small_format(multi=Scoring(multiple_marks="review"))
    q10 = score(ANSWERS_A, fmt=fmt).question(10)
    assert (q10.status, q10.review) == ("correct", ())


def test_dropped_question_leaves_score_and_maximum():
    key = corrected_key(q9={"dropped": True})
    right = score(ANSWERS_A, key=key)
    wrong = score(with_answers(ANSWERS_A, q9="B"), key=key)
    assert right.max_total == wrong.max_total == FULL_MARKS - 1.0
    assert right.total == wrong.total == FULL_MARKS - 1.0
    q9 = wrong.question(9)
    assert (q9.points, q9.max_points, q9.status) == (0.0, 0.0, "dropped")
    assert {s.key: s.max_points for s in right.sections}["multi"] == 1.0


def test_also_accept_gives_full_points_for_an_accepted_answer():
    key = corrected_key(q3={"also_accept": [["A"]]}, q9={"also_accept": [["A", "C", "D"]]})
    result = score(with_answers(ANSWERS_A, q3="A", q9="ACD"), key=key)
    assert (result.question(3).status, result.question(9).status) == ("correct", "correct")
    assert score(with_answers(ANSWERS_A, q3="B"), key=key).question(3).status == "wrong"


def test_also_accept_takes_the_best_partial_score():
    fmt = small_format(multi=Scoring(rule="subset", partial_fraction=0.5))
    key = corrected_key(q9={"also_accept": [["D"]]})
    result = score(with_answers(ANSWERS_A, q9="D"), fmt=fmt, key=key)
    assert result.question(9).points == 1.0
    assert score(with_answers(ANSWERS_A, q9="A"), fmt=fmt, key=key).question(9).points == 0.5


def test_reader_flags_are_scored_as_read_and_listed_for_review():
    result = score(ANSWERS_A, flags={2: ("erasure",)}, ambiguous={4: "A"})
    q2, q4 = result.question(2), result.question(4)
    assert (q2.status, q2.points, q2.review) == ("correct", 0.5, ("erasure",))
    assert (q4.status, q4.points, q4.review) == ("correct", 0.5, ("ambiguous",))
    assert result.total == FULL_MARKS


def test_ambiguous_blank_question_is_blank_and_listed_for_review():
    q5 = score(with_answers(ANSWERS_A, q5=""), ambiguous={5: "C"}).question(5)
    assert (q5.status, q5.review) == ("blank", ("ambiguous",))


def test_score_sheet_refuses_a_page_that_was_not_read():
    manifest = make_manifest()
    with pytest.raises(GradeError, match="cannot score a page with status 'quarantined'"):
        score_sheet(SheetRead("quarantined", reason="3 of 4 fiducials"), manifest.variant("A"), manifest.format)


def test_score_sheet_reports_a_key_that_does_not_fit_the_sheet():
    manifest = make_manifest()
    read = make_read(ANSWERS_A, qr=None)
    short = SheetRead("read", questions=read.questions[:8])
    with pytest.raises(ManifestError, match="question 9 is not on the sheet read"):
        score_sheet(short, manifest.variant("A"), manifest.format)


def test_small_layout_matches_the_small_format():
    assert small_layout().question_count == small_format().question_count == 10
