"""Keys come only from markers that state the right answer; exam-page noise is removed."""

from __future__ import annotations

import pytest

from papergen.importers.markers import find_answer_markers, is_page_header, stem_kind, strip_stem_noise


def _by_number(result, number: str):
    matches = [i for i in result.items if i.provenance.number == number]
    assert len(matches) == 1, [(i.provenance.number, i.stem) for i in result.items]
    return matches[0]


def test_the_right_answer_is_the_key_not_the_candidates_own(import_fixture):
    result = import_fixture("exam_page.txt")
    assert _by_number(result, "1").answer == "C"  # 我的答案: B正确答案: C
    assert _by_number(result, "2").answer == "B"  # 我的答案: B 正确答案: B
    assert _by_number(result, "3").answer == "D"  # 你的答案：A 参考答案：D
    assert _by_number(result, "5").answer == ["A", "B", "D"]  # 我的答案: AB正确答案: ABD


def test_the_candidates_marker_is_not_glued_onto_the_last_option(import_fixture):
    item = _by_number(import_fixture("exam_page.txt"), "1")
    assert [o.text for o in item.options] == ["产品", "价格", "客户", "渠道"]


def test_a_question_with_only_the_candidates_answer_is_left_out_with_the_reason(import_fixture):
    result = import_fixture("exam_page.txt")
    assert all(i.provenance.number != "4" for i in result.items)
    problem = next(p for p in result.problems if p.number == "4")
    assert problem.line == 28 and "only the candidate's own answer" in problem.message


def test_conflicting_key_markers_are_reported_not_resolved(import_fixture):
    result = import_fixture("exam_page.txt")
    assert all(i.provenance.number != "6" for i in result.items)
    problem = next(p for p in result.problems if p.number == "6")
    assert "conflicting answers (A, B vs A, B, D)" in problem.message


def test_type_and_points_remarks_headers_and_tails_leave_stems_and_options(import_fixture):
    result = import_fixture("exam_page.txt")
    texts = [i.stem for i in result.items] + [o.text for i in result.items for o in i.options]
    for noise in ("单选题", "多选题", "判断题", "分）", "分)", "题量", "满分", "考试时间", "知识点", "我的", "0.0"):
        assert not any(noise in t for t in texts), noise
    assert _by_number(result, "2").stem == "处理客户投诉时，第一步应当（\u3000）。"


def test_the_explanation_stops_before_the_knowledge_point_tail(import_fixture):
    assert _by_number(import_fixture("exam_page.txt"), "1").explanation == "以客户为中心是客户关系管理的出发点。"


@pytest.mark.parametrize(("number", "answer"), [("7", False), ("8", True), ("9", True)])
def test_true_false_items_printed_with_options_or_marks_read_the_right_answer(import_fixture, number, answer):
    item = _by_number(import_fixture("exam_page.txt"), number)
    assert item.type == "judge" and item.answer is answer and item.options == []


def test_the_stems_type_remark_decides_the_type_without_section_headings(import_fixture):
    result = import_fixture("exam_page_untyped.txt")
    assert [(i.type, i.answer) for i in result.items] == [("single", "C"), ("multi", ["A", "B", "C"]), ("judge", False)]


def test_markers_tell_a_candidates_answer_from_a_key():
    text = "我的答案: B正确答案: C 考生答案：A 标准答案：D"
    markers = find_answer_markers(text, 0, len(text))
    assert [(m.own, text[m.text_start : m.text_end].strip()) for m in markers] == [
        (True, "B"), (False, "C"), (True, "A"), (False, "D"),
    ]


def test_noise_helpers():
    assert strip_stem_noise("【多选题】下列属于（ ）(2.0分)") == "下列属于（ ）"
    assert stem_kind("(多选题, 2.0 分) 下列") == "multi" and stem_kind("（1分）下列") is None
    assert is_page_header("题量: 20 满分: 100.0") and not is_page_header("1. 题量是指")
