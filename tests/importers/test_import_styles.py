"""Every question layout found in the seed documents, read from small copies of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papergen.bank.model import Item, Topic
from papergen.importers import import_text
from papergen.importers.normalise import BLANK

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"
TOPICS = [Topic.model_validate(t) for t in json.loads((FIXTURES / "topics.json").read_text("utf-8"))["topics"]]


def _import(name: str):
    return import_text(FIXTURES / name, bank_id="customer-service", topics=TOPICS)


def _by_stem(items: list[Item], start: str) -> Item:
    matches = [i for i in items if i.stem.startswith(start)]
    assert len(matches) == 1, [i.stem for i in items]
    return matches[0]


def test_answer_after_run_together_options_is_read_for_each_question():
    result = _import("answer_after_options.txt")
    item = _by_stem(result.items, "在职务说明书制定时")
    assert item.type == "single"
    assert [o.text for o in item.options] == [
        "职务说明书需要长期固定不变",
        "职务说明书要与业绩衡量标准相对应",
        "职务说明书完成后，需要经常向员工提及，使其了解自己的岗位职责",
        "制定的职务说明书中的各项任务可按关键程度排序",
    ]
    assert item.answer == "A"
    assert result.files[0].parsed["single"] == 10


def test_section_heading_with_remarks_decides_single_choice_and_names_the_section():
    item = _by_stem(_import("answer_after_options.txt").items, "下列走姿不符合规范要求的是")
    assert item.provenance.section == "一、单选题"
    assert item.provenance.number == "1"
    assert item.provenance.document == "answer_after_options.txt"


def test_question_cut_off_at_the_end_of_a_document_is_reported_with_its_line():
    result = _import("answer_after_options.txt")
    assert result.files[0].skipped["knowledge"] >= 1
    assert all(i.provenance.number != "11" for i in result.items)


def test_answer_in_stem_brackets_is_read_and_replaced_by_a_blank():
    result = _import("answer_in_stem.txt")
    item = _by_stem(result.items, "下列选项中不属于职业道德基本素养的有")
    assert item.stem == f"下列选项中不属于职业道德基本素养的有{BLANK}。"
    assert item.answer == "A"
    assert [o.label for o in item.options] == ["A", "B", "C", "D"]
    assert _by_stem(result.items, "在拜访别人办公室的时候").answer == "B"


def test_answer_in_stem_question_without_options_is_malformed_not_guessed():
    result = _import("answer_in_stem.txt")
    assert result.files[0].skipped["malformed"] == 1
    problem = next(p for p in result.problems if p.number == "9")
    assert problem.line == 12
    assert "options are missing" in problem.message


def test_kangxi_radicals_from_pdf_extraction_become_ordinary_ideographs():
    item = _by_stem(_import("answer_in_stem.txt").items, "客户服务是指")
    assert item.options[2].text == "与有形产品对比，额外提供的内容"


def test_pinned_last_option_in_stem_bracket_style():
    item = _by_stem(_import("answer_in_stem.txt").items, "在拜访别人办公室的时候")
    assert item.options[-1].text == "以上都不对"
    assert item.options[-1].pinned


def test_questionnaire_marks_give_answers_and_type():
    items = _import("questionnaire.txt").items
    multi = _by_stem(items, "业主来电、来函、来访泛指")
    assert multi.type == "multi"
    assert multi.answer == ["A", "C", "D"]
    single = _by_stem(items, "客服助理在电话铃响")
    assert single.type == "single"
    assert single.answer == "C"
    assert [o.text for o in single.options] == ["一声", "两声", "三声", "四声"]


def test_questionnaire_last_option_running_into_next_stem_is_cut_and_flagged():
    result = _import("questionnaire.txt")
    item = _by_stem(result.items, "宝石花物业收取的物业管理费")
    assert [o.text for o in item.options] == ["3%", "6%", "9%", "13%"]
    warned = [p for p in result.problems if p.item_id == item.id]
    assert warned and warned[0].severity == "warning" and "estimated" in warned[0].message
    assert _by_stem(result.items, "做好业主来访的登记工作").options[-1].text == "特殊要求"


def test_questionnaire_trailing_stem_without_options_is_malformed():
    result = _import("questionnaire.txt")
    assert any("without options" in p.message for p in result.problems)


def test_one_option_per_line_lists_without_answers_are_counted_not_imported():
    result = _import("line_lists.txt")
    assert result.items == []
    assert result.files[0].skipped["no_answer"] == 4


def test_single_multi_and_unanswered_judge_sections():
    result = _import("single_multi_judge.txt")
    counts = result.files[0]
    assert counts.parsed == {"single": 10, "multi": 5, "judge": 0}
    multi = _by_stem(result.items, "CRM中的数据清洗包括以下哪些步骤")
    assert multi.answer == ["A", "B", "D"]
    assert multi.provenance.section == "二、多项选择题"
    assert counts.skipped["no_answer"] == 1


def test_all_of_the_above_option_is_pinned_when_last():
    item = _by_stem(_import("single_multi_judge.txt").items, "CRM系统中的数据分析主要用来做什么")
    assert item.options[-1].text == "所有上述选项"
    assert item.options[-1].pinned
    assert not any(o.pinned for o in item.options[:-1])


def test_judge_marks_after_statements_become_booleans():
    items = _import("judge_marks.txt").items
    assert _by_stem(items, "客服助手应该始终保持耐心").answer is True
    assert _by_stem(items, "客服助手在处理客户问题时").answer is False
    assert _by_stem(items, "CRM系统只能用于销售和市场营销部门").answer is False
    assert _by_stem(items, "客户细分是CRM中一个重要的策略").answer is True


def test_judge_answer_line_with_explanation_keeps_the_explanation():
    item = _by_stem(_import("judge_marks.txt").items, "在客户关系管理里，客户的满意度是由客户的抱怨")
    assert item.answer is False
    assert item.explanation == "客户的满意度是期望和感知决定的。"
    assert item.stem.endswith("两个因素决定的。")


def test_answer_key_after_the_questions_is_matched_by_section_and_number():
    result = _import("key_at_end.txt")
    item = _by_stem(result.items, "以下哪项不是CRM系统的主要功能")
    assert item.answer == "C"
    assert _by_stem(result.items, "客户关系管理可以完全自动化").answer is False
    assert result.files[0].parsed == {"single": 3, "multi": 0, "judge": 3}


def test_judge_placeholder_is_not_an_answer():
    item = _by_stem(_import("key_at_end.txt").items, "客户满意度与客户忠诚度没有直接关系")
    assert item.stem == "客户满意度与客户忠诚度没有直接关系。"


def test_compact_key_letters_decide_single_or_multi_in_a_mixed_section():
    result = _import("key_compact.txt")
    assert _by_stem(result.items, "网络营销适用的产品").answer == ["A", "C", "D"]
    assert _by_stem(result.items, "在客户关系管理里，客户的满意度是由以下哪两个因素").type == "single"
    assert _by_stem(result.items, "客户忠诚的前提是客户满意").answer is False
    assert _by_stem(result.items, "顾客满意与否").answer is True
    assert result.files[0].parsed == {"single": 4, "multi": 6, "judge": 10}


def test_answer_key_closing_a_section_applies_to_that_section_only():
    result = _import("section_key.txt")
    assert _by_stem(result.items, "市场营销组合4P理论是").answer == "B"
    assert _by_stem(result.items, "客户忠诚给企业带来的效应包括").answer == ["A", "B", "D"]
    assert _by_stem(result.items, "客户流失是不可避免的").answer is True
    assert _by_stem(result.items, "客户就是上帝").answer is False


def test_full_width_letters_digits_and_punctuation_are_read():
    items = _import("widths.txt").items
    item = _by_stem(items, "客户关系管理（CRM）的核心是")
    assert [o.text for o in item.options] == ["产品", "价格", "客户", "渠道"]
    assert item.answer == "C"
    assert _by_stem(items, "在CRM中，以下哪项不是客户细分的依据").answer == "D"


def test_traditional_character_headings_and_marks_are_recognised_and_text_kept():
    result = _import("traditional_questions.txt")
    assert result.files[0].parsed == {"single": 2, "multi": 0, "judge": 2}
    item = _by_stem(result.items, "客戶對產品的功能需求")
    assert item.answer == "B"
    assert _by_stem(result.items, "客戶就是上帝").answer is False
    warned = [p for p in result.problems if p.item_id == item.id]
    assert warned and "traditional" in warned[0].message


def test_traditional_character_notes_are_knowledge():
    result = _import("traditional_notes.txt")
    assert result.items == []
    assert result.files[0].skipped["knowledge"] > 0
    assert result.files[0].skipped["no_answer"] == 0


def test_notes_under_a_choice_heading_are_knowledge_text():
    result = _import("knowledge.txt")
    assert result.items == []
    # the title line before the first heading, and 4 + 3 numbered notes
    assert result.files[0].skipped == {"knowledge": 8, "essay": 0, "fill_in": 0, "no_answer": 0, "malformed": 0}


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1", "answer E is not among the options (A, B, C, D)"),
        ("2", "no answer is given"),
        ("3", "conflicting answers (B vs C)"),
        ("4", "2 answers in a single-choice section"),
        ("5", "the options are missing"),
    ],
)
def test_malformed_and_unanswered_questions_are_reported_and_left_out(number, message):
    result = _import("malformed.txt")
    assert result.items == []
    problem = next(p for p in result.problems if p.number == number)
    assert message in problem.message
    assert problem.document == "malformed.txt" and problem.line is not None


def test_numbering_gap_leaves_the_question_before_it_out():
    result = _import("gap.txt")
    assert not any(i.stem.startswith("在职务说明书制定时") for i in result.items)
    problem = next(p for p in result.problems if p.number == "3")
    assert "jumps from 3 to 5" in problem.message
    assert _by_stem(result.items, "网络服务中").answer == "B"
