"""Chinese typesetting rules: line breaking and print punctuation."""

from hypothesis import given, settings
from hypothesis import strategies as st

from papergen.render.linebreak import NO_LINE_END, NO_LINE_START, split_cjk_line
from papergen.render.typography import BLANK, print_text

_ALPHABET = "客户服务管理满意度忠诚" + "，。；：？！）”" + "（“" + "\u3000" + "CRM12"


def _split(text: str, width_pt: float = 50.0):
    return split_cjk_line(text, [10.0] * len(text), width_pt)


def test_blank_is_never_split_across_lines():
    stem = "赞助活动是社会组织无偿提供资金的活动。" + BLANK
    for width in range(40, 200, 10):
        lines = [t for _, t in _split(stem, width)]
        assert "".join(lines) == stem
        assert not any(line.endswith("（") or line.startswith("）") for line in lines), (width, lines)


def test_latin_words_stay_whole():
    lines = [t for _, t in _split("客户关系管理CRM系统", 80)]
    assert not any(line.endswith("CR") or line.startswith("M") for line in lines), lines


def test_unused_width_is_reported_per_line():
    lines = _split("客户服务管理", 30)
    assert [t for _, t in lines] == ["客户服", "务管理"]
    assert [extra for extra, _ in lines] == [0.0, 0.0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=60), st.integers(min_value=30, max_value=120))
def test_lines_keep_the_text_and_obey_the_rules_where_possible(text, width):
    lines = [t for _, t in _split(text, width)]
    assert "".join(lines) == text.strip(" ")
    for previous, line in zip(lines, lines[1:]):
        forced = len(previous) == width // 10  # a full line: the rule could not be kept
        if not forced:
            assert line[0] not in NO_LINE_START and previous[-1] not in NO_LINE_END, (previous, line)


def test_print_text_makes_blanks_and_punctuation_full_width():
    assert print_text("客户可分为要求型客户和( )。") == "客户可分为要求型客户和" + BLANK + "。"
    assert print_text("按照表现类型,客户可分为:A类") == "按照表现类型，客户可分为：A类"
    assert print_text("服务(无形)的特点") == "服务（无形）的特点"


def test_print_text_leaves_latin_and_numbers_alone():
    assert print_text("CRM (Customer Relationship Management), 3.5") == "CRM (Customer Relationship Management), 3.5"
