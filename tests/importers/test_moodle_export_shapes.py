"""Moodle XML as exported by real sites: a preamble before <quiz>, partial credit, Word HTML, images."""

from __future__ import annotations

from papergen.importers import import_moodle
from papergen.importers.moodle import html_text, is_moodle_xml

from import_files import FIXTURES


def _import(topics):
    return import_moodle(FIXTURES / "moodle_office.xml", bank_id="customer-service", topics=topics)


def test_processing_instructions_and_comments_before_quiz_are_accepted():
    assert is_moodle_xml(FIXTURES / "moodle_office.xml")


def test_partial_credit_multiple_answer_questions_keep_every_positive_answer(topics):
    items = _import(topics).items
    assert [(i.type, i.answer) for i in items[:2]] == [("multi", ["A", "B"]), ("multi", ["A", "B", "C"])]
    assert all(i.topic == "05" for i in items)


def test_partial_credit_on_a_single_choice_question_is_noted_and_only_the_full_answer_kept(topics):
    result = _import(topics)
    assert result.items[2].answer == "A"
    warning = next(p for p in result.problems if p.number == "3")
    assert warning.line == 26 and "partial credit (B 50%) is not kept" in warning.message


def test_word_css_and_conditional_comments_are_dropped(topics):
    assert _import(topics).items[0].stem == "客户投诉的常见渠道有（ ）。"
    assert html_text("<!--[if gte mso 9]><xml>x</xml><![endif]--><style>p{a:b}</style><p>甲</p><p>乙</p>") == "甲乙"


def test_an_image_the_bank_cannot_hold_is_warned_about(topics):
    assert _import(topics).items[3].answer == "A"
    warning = next(p for p in _import(topics).problems if p.number == "4")
    assert warning.severity == "warning" and "chart.png" in warning.message


def test_one_right_answer_in_a_multiple_answer_question_imports_as_single_with_a_note(topics):
    result = _import(topics)
    assert (result.items[4].type, result.items[4].answer) == ("single", "A")
    assert any(p.number == "5" and "imported as single choice" in p.message for p in result.problems)


def test_skipped_moodle_questions_carry_their_line(tmp_path, topics):
    result = import_moodle(FIXTURES / "quiz.xml", bank_id="customer-service", topics=topics)
    assert sorted((e.reason, e.line) for e in result.files[0].left_out) == [("essay", 34), ("no_answer", 38)]
