"""Cross-field bank checks: each rule with a failing and a passing case."""

from __future__ import annotations

import pytest

from papergen.bank.cues import CueParams
from papergen.bank.similarity import SimilarityParams
from papergen.bank.validate import ValidationParams, validate_bank, validate_bank_file
from papergen.exam.format import load_format
from papergen.resources import bundled_bank_path, bundled_format_path


@pytest.fixture
def check(make_bank):
    """``check(items, fmt=None, topics=None)`` -> list of (severity, path, item id, message)."""

    def run(items, fmt=None, topics=None):
        report = validate_bank(make_bank(items, topics), source="bank.json", paper_format=fmt)
        return [(p.severity, p.path, p.item_id, p.message) for p in report.problems]

    return run


def _options(*texts, pinned=()):
    return [{"label": "ABCDEF"[i], "text": t, **({"pinned": True} if i in pinned else {})} for i, t in enumerate(texts)]


# ------------------------------------------------------------------ answers


def test_clean_items_of_every_type_have_no_problems(check, make_item):
    assert check([make_item("s1"), make_item("m1", "multi"), make_item("j1", "judge", answer=False)]) == []


def test_single_answer_written_as_a_list_is_an_error(check, make_item):
    [(severity, path, item_id, message)] = check([make_item("s1", answer=["B"])])
    assert (severity, path, item_id) == ("error", "items[0].answer", "s1")
    assert message == 'a single-choice answer is one label such as "B" (got ["B"])'


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("A", 'a multiple-choice answer is a list of labels such as ["A", "C"] (got "A")'),
        (["B"], 'a multiple-choice answer names at least 2 labels (got ["B"])'),
        (["B", "B"], 'the answer repeats a label (got ["B", "B"])'),
    ],
)
def test_multi_answer_needs_a_list_of_two_distinct_labels(check, make_item, answer, expected):
    [(_, path, _, message)] = check([make_item("m1", "multi", answer=answer)])
    assert path == "items[0].answer"
    assert message.startswith(expected)


def test_judge_answer_must_be_a_boolean(check, make_item):
    [(_, path, _, message)] = check([make_item("j1", "judge", answer="A")])
    assert (path, message) == ("items[0].answer", 'a true/false answer is true (对) or false (错) (got "A")')


def test_answer_label_missing_from_the_options_is_an_error(check, make_item):
    problems = check([make_item("s1", answer="E"), make_item("m1", "multi", answer=["A", "E", "F"])])
    assert [(p[1], p[3]) for p in problems] == [
        ("items[0].answer", '"E" not among the options (A, B, C, D)'),
        ("items[1].answer", '"E", "F" not among the options (A, B, C, D)'),
    ]


# ------------------------------------------------------------------ options


def test_judge_item_with_options_is_an_error(check, make_item):
    [(_, path, _, message)] = check([make_item("j1", "judge", options=_options("对", "错"))])
    assert (path, message) == ("items[0].options", "true/false items carry no options (got 2); remove them")


def test_too_few_options_is_an_error_per_type(check, make_item):
    problems = check([make_item("s1", options=_options("甲")), make_item("m1", "multi", options=_options("甲", "乙"), answer=["A", "B"])])
    assert [(p[1], p[3]) for p in problems] == [
        ("items[0].options", "a single item needs at least 2 options (got 1)"),
        ("items[1].options", "a multi item needs at least 3 options (got 2)"),
    ]


def test_option_labels_must_run_from_a_without_gaps_or_repeats(check, make_item):
    gap = make_item("s1")
    gap["options"][1]["label"] = "E"
    repeat = make_item("s2")
    repeat["options"][3]["label"] = "C"
    problems = check([gap, repeat])
    assert [(p[1], p[3]) for p in problems] == [
        ("items[0].options", "option labels must run A, B, C, D in order without repeats (got A, E, C, D)"),
        ("items[1].options", "option labels must run A, B, C, D in order without repeats (got A, B, C, C)"),
    ]


@pytest.mark.parametrize("pinned", [(3,), (2, 3)])
def test_pinned_options_at_the_end_are_accepted(check, make_item, pinned):
    item = make_item("s1", options=_options("甲方", "乙方", "丙方", "以上都不对", pinned=pinned))
    assert check([item]) == []


@pytest.mark.parametrize("pinned", [(1,), (1, 3)])
def test_pinned_option_before_an_unpinned_one_is_an_error(check, make_item, pinned):
    item = make_item("s1", options=_options("甲方", "以上都对", "乙方", "丙方", pinned=pinned))
    [(_, path, _, message)] = [p for p in check([item]) if p[0] == "error"]
    assert path == "items[0].options[1].pinned"
    assert message.startswith("pinned option B is followed by an unpinned option")


def test_two_options_with_the_same_text_are_an_error(check, make_item):
    [(_, path, _, message)] = check([make_item("s1", options=_options("客户", "供应商", "客户。", "员工"))])
    assert (path, message) == ("items[0].options[2].text", "option C repeats the text of option A")


# ------------------------------------------------------------------ across items


def test_duplicate_ids_are_errors_on_every_later_occurrence(check, make_item):
    first, second = make_item("dup"), make_item("dup", stem="完全不同的另一道题目（　）。")
    [(_, path, item_id, message)] = check([first, second])
    assert (path, item_id, message) == ("items[1].id", "dup", 'id "dup" is already used by items[0]')


def test_unknown_topic_code_is_an_error_listing_the_known_ones(check, make_item):
    [(_, path, _, message)] = check([make_item("s1", topic="09")])
    assert (path, message) == ("items[0].topic", 'unknown topic code "09" (bank topics: 01, 02)')


def test_repeated_topic_code_is_an_error(check, make_item):
    topics = [{"code": "01", "name": "甲", "weight": 1}, {"code": "01", "name": "乙", "weight": 1}]
    [(_, path, item_id, message)] = check([make_item("s1")], topics=topics)
    assert (path, item_id, message) == ("topics[1].code", None, 'topic code "01" repeats topics[0]')


def test_same_question_twice_is_an_error_even_with_options_reordered(check, make_item):
    original = make_item("s1", answer="B")
    reordered = make_item("s2", stem=original["stem"], answer="A")
    texts = [o["text"] for o in original["options"]]
    reordered["options"] = _options(texts[1], texts[0], texts[2], texts[3])
    [(_, path, item_id, message)] = check([original, reordered])
    assert (path, item_id) == ("items[1].stem", "s2")
    assert message == "the same question as item s1 (items[0]); remove one"


def test_same_question_with_a_different_answer_is_an_error_naming_both(check, make_item):
    true, false = make_item("j1", "judge", answer=True), make_item("j2", "judge", answer=False)
    false["stem"] = true["stem"].replace("（　）", "( )")
    [(_, path, _, message)] = check([true, false])
    assert path == "items[1].stem"
    assert "the same question as item j1 (items[0]) with a different answer (j1: 对, this: 错)" in message


def test_same_stem_with_different_options_is_not_a_duplicate(check, make_item):
    generic = "下列说法中，正确的是（　）。"
    assert check([make_item("s1", stem=generic), make_item("s2", stem=generic)]) == []


def test_unprintable_characters_are_errors_naming_item_and_characters(check, make_item):
    item = make_item("s1", stem="客户满意😀度𠀀（　）。")
    item["options"][2]["text"] = "微笑😀"
    problems = check([item])
    assert [(p[1], p[2], p[3]) for p in problems] == [
        ("items[0].stem", "s1", "the bundled font cannot print 😀 (U+1F600), 𠀀 (U+20000); replace them"),
        ("items[0].options[2].text", "s1", "the bundled font cannot print 😀 (U+1F600); replace them"),
    ]


def test_authored_item_needs_a_quote_of_its_source_passage(check, make_item):
    authored = {"kind": "authored", "document": "资料.txt"}
    problems = check([make_item("s1", provenance=authored), make_item("s2", provenance={**authored, "quote": "原文。"})])
    assert [(p[1], p[2]) for p in problems] == [("items[0].provenance.quote", "s1")]


# ------------------------------------------------------------------ with a format


def test_item_with_more_options_than_its_section_prints_is_an_error(check, make_item, make_format):
    five = make_item("s5", options=_options("甲", "乙", "丙", "丁", "戊"))
    problems = check([make_item("s4"), five, make_item("j1", "judge"), make_item("m1", "multi")], fmt=make_format(options=4))
    assert [(p[1], p[2], p[3]) for p in problems] == [
        (
            "items[1].options", "s5",
            "5 options, but section single prints 4; drop 1 or use a format that prints more (a source question: "
            "note the dropped options in provenance.changes, or list the question in the bank's exclusions with the reason)",
        )
    ]
    assert check([make_item("s4"), five, make_item("j1", "judge"), make_item("m1", "multi")], fmt=make_format(options=5)) == []


def test_format_section_whose_type_the_bank_lacks_is_an_error(check, make_item, make_format):
    [(_, path, item_id, message)] = check([make_item("s1"), make_item("m1", "multi")], fmt=make_format())
    assert (path, item_id) == ("items", None)
    assert message == "format test-format section judge needs judge items; the bank has none"


# ------------------------------------------------------------------ warnings


def test_near_duplicate_outside_an_enemy_group_is_a_warning(check, make_item):
    original = make_item("s1")
    variant = make_item("s2", stem="某" + original["stem"], options=original["options"])
    [(severity, path, item_id, message)] = check([original, variant])
    assert (severity, path, item_id) == ("warning", "items[1].stem", "s2")
    assert message.startswith("nearly the same question as item s1 (items[0], 9")
    grouped = [dict(original, enemy_group="g1"), dict(variant, enemy_group="g1")]
    assert check(grouped) == []


def test_near_duplicate_threshold_comes_from_params(make_bank, make_item):
    original = make_item("s1")
    variant = make_item("s2", stem="某" + original["stem"], options=original["options"])
    strict = ValidationParams(similarity=SimilarityParams(threshold=0.99), cues=CueParams(statement_threshold=0.99))
    report = validate_bank(make_bank([original, variant]), source="b", params=strict)
    assert report.problems == []


@pytest.mark.parametrize("text", ["A和B", "A、C都对", "AB都正确", "选项A与选项B"])
def test_option_citing_other_options_needs_no_shuffle(check, make_item, text):
    options = _options("甲方", "乙方", "丙方", text)
    [(severity, path, _, message)] = check([make_item("s1", options=options)])
    assert (severity, path) == ("warning", "items[0].options[3].text")
    assert message.endswith('set "no_shuffle": true on the item')
    assert check([make_item("s1", options=options, no_shuffle=True)]) == []


@pytest.mark.parametrize(
    "texts", [("ABC分类法", "CRM系统", "B2B模式", "A类客户"), ("A、B类客户", "五年以上", "50%以上的客户", "以上的客户")]
)
def test_abbreviations_and_amounts_are_not_citations(check, make_item, texts):
    assert check([make_item("s1", options=_options(*texts))]) == []


@pytest.mark.parametrize("text", ["以上都对", "以上答案均不正确", "上述三项", "都不是"])
def test_option_referring_to_the_options_above_must_be_pinned(check, make_item, text):
    [(severity, path, _, message)] = check([make_item("s1", options=_options("甲方", "乙方", "丙方", text))])
    assert (severity, path) == ("warning", "items[0].options[3].text")
    assert message.endswith('set "pinned": true on it')
    assert check([make_item("s1", options=_options("甲方", "乙方", "丙方", text, pinned=(3,)))]) == []


def test_enemy_group_with_one_member_is_a_warning(check, make_item):
    [(severity, path, _, message)] = check([make_item("s1", enemy_group="g1"), make_item("s2")])
    assert (severity, path) == ("warning", "items[0].enemy_group")
    assert message.startswith('enemy group "g1" has no other member')
    assert check([make_item("s1", enemy_group="g1"), make_item("s2", enemy_group="g1")]) == []


def test_single_item_with_true_false_options_should_be_a_judge_item(check, make_item):
    [(severity, path, _, message)] = check([make_item("s1", options=_options("正确", "错误"))])
    assert (severity, path) == ("warning", "items[0].options")
    assert message == "the options are 正确/错误: a true/false question; make it a judge item"


def test_single_item_with_two_ordinary_options_is_a_warning(check, make_item):
    [(severity, _, _, message)] = check([make_item("s1", options=_options("甲方", "乙方"))])
    assert severity == "warning"
    assert message.startswith("only 2 options")
    assert check([make_item("s1", options=_options("甲方", "乙方", "丙方"))]) == []


# ------------------------------------------------------------------ the report


def test_every_problem_is_reported_in_item_order(make_bank, make_item):
    bad = make_item("s2", answer="E", topic="09", options=_options("甲方", "乙方", "以上都对", "丁方", pinned=(2,)))
    report = validate_bank(make_bank([make_item("s1", enemy_group="lonely"), bad]), source="bank.json")
    assert [p.path for p in report.problems] == [
        "items[0].enemy_group",
        "items[1].answer",
        "items[1].options[2].pinned",
        "items[1].topic",
    ]
    assert len(report.errors) == 3 and len(report.warnings) == 1 and not report.ok
    assert report.summary() == "bank.json: 3 errors, 1 warning in 2 items"
    assert str(report.problems[1]) == 'items[1].answer [s2]: "E" not among the options (A, B, C, D)'


def test_report_with_only_warnings_is_ok(make_bank, make_item):
    report = validate_bank(make_bank([make_item("s1", enemy_group="g")]), source="b")
    assert report.ok and report.warnings and not report.errors


def test_summary_uses_singular_for_one(make_bank, make_item):
    report = validate_bank(make_bank([make_item("s1", answer="E")]), source="b.json")
    assert report.summary() == "b.json: 1 error, 0 warnings in 1 item"


def test_shipped_bank_has_no_errors_or_warnings_against_cs_180():
    report = validate_bank_file(bundled_bank_path("customer-service"), load_format(bundled_format_path("cs-180")))
    assert [str(p) for p in report.problems] == []
