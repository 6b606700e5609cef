"""import_text and import_sources: ids, merging, conflicts, counts, topics, difficulty, bank building."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papergen.bank.io import load_bank
from papergen.bank.model import Bank, Item, Provenance, Topic
from papergen.bank.validate import validate_bank
from papergen.errors import ImportTextError
from papergen.importers import (
    import_sources,
    import_text,
    load_bank_header,
    load_exclusions,
)
from papergen.importers.classify import (
    DifficultyParams,
    TopicKeywords,
    bundled_topic_keywords,
    classify_topic,
    difficulty_score,
    estimate_difficulty,
    load_topic_keywords,
)
from papergen.importers.items import cites_options, id_prefix_for, is_pinnable, item_id
from papergen.importers.normalise import content_key, display_text
from papergen.importers.result import ImportProblem
from papergen.exam.format import load_format
from papergen.resources import bundled_bank_path, bundled_format_path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"
HEADER = load_bank_header(FIXTURES / "topics.json")
TOPICS = list(HEADER.topics)


def _import(path: Path, **kwargs):
    return import_text(path, bank_id="customer-service", topics=TOPICS, **kwargs)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


SINGLE = "一、单选题\n1. 客户关系管理(CRM)的核心是:A. 产品B. 价格C. 客户D. 渠道答案:C\n"


# ---------------------------------------------------------------- ids


def test_importing_the_same_text_twice_gives_the_same_ids():
    first = [i.id for i in _import(FIXTURES / "answer_after_options.txt").items]
    second = [i.id for i in _import(FIXTURES / "answer_after_options.txt").items]
    assert first == second and len(set(first)) == len(first)


def test_ids_ignore_width_spacing_punctuation_and_option_order():
    a = item_id("cs", "single", "客户关系管理（CRM）的核心是：", ["产品", "价格", "客户", "渠道"])
    b = item_id("cs", "single", "客户关系管理 (ＣＲＭ) 的核心是:", ["渠道", "客户", "价格", "产品"])
    assert a == b
    assert a.startswith("cs-") and len(a) == len("cs-") + 10


def test_ids_differ_by_type_and_prefix():
    assert item_id("cs", "single", "题干内容", ["甲", "乙"]) != item_id("cs", "multi", "题干内容", ["甲", "乙"])
    assert item_id("crm", "single", "题干内容", ["甲", "乙"]).startswith("crm-")


def test_id_prefix_defaults_to_the_bank_id_initials_and_can_be_set(tmp_path):
    assert id_prefix_for("customer-service") == "cs"
    path = _write(tmp_path, "q.txt", SINGLE)
    assert _import(path).items[0].id.startswith("cs-")
    assert _import(path, id_prefix="crm").items[0].id.startswith("crm-")


# ---------------------------------------------------------------- merging and conflicts


def test_repeated_question_in_two_files_becomes_one_item_with_also_in(tmp_path):
    a = _write(tmp_path, "a.txt", SINGLE)
    b = _write(tmp_path, "b.txt", "一、单项选择题\n7．客户关系管理（CRM）的核心是：A．渠道B．客户C．价格D．产品正确答案：B\n")
    bank = import_sources([a, b], HEADER).bank
    assert len(bank.items) == 1
    assert bank.items[0].provenance.document == "a.txt"
    assert bank.items[0].provenance.also_in == ["b.txt#7"]


def test_conflicting_answers_in_two_sources_leave_the_question_out():
    result = import_sources([FIXTURES / "conflict_a.txt", FIXTURES / "conflict_b.txt"], HEADER).result
    stems = [i.stem for i in result.items]
    assert not any(s.startswith("以下哪项不是CRM系统的优势") for s in stems)
    problem = next(p for p in result.problems if "disagree" in p.message)
    assert "conflict_a.txt#2 C" in problem.message and "conflict_b.txt#2 B" in problem.message
    assert problem.severity == "error"


def test_same_answer_printed_with_shuffled_options_is_no_conflict():
    result = import_sources([FIXTURES / "conflict_a.txt", FIXTURES / "conflict_b.txt"], HEADER).result
    item = next(i for i in result.items if i.stem.startswith("客户关系管理（CRM）的核心是"))
    assert item.answer == "C"
    assert item.provenance.also_in == ["conflict_b.txt#1"]


def test_self_checking_answer_key_wins_a_conflict():
    result = import_sources([FIXTURES / "conflict_b.txt", FIXTURES / "conflict_key.txt"], HEADER).result
    item = next(i for i in result.items if i.stem.startswith("以下哪项不是CRM系统的优势"))
    assert item.answer == "C"
    assert item.provenance.document == "conflict_key.txt"
    assert any(p.severity == "warning" and "self-checking key" in p.message for p in result.problems)


def test_near_identical_stems_with_other_options_are_both_kept_as_enemies(tmp_path):
    text = (
        "一、单选题\n1. 客户关系管理(CRM)的核心目标是什么?A. 提高客户满意度B. 增加市场份额C. 提升企业利润D. 降低生产成本答案:A\n"
        "2. 客户关系管理(CRM)的核心目标是:A. 提高客户满意度B. 降低运营成本C. 增加市场份额D. 以上都是答案:D\n"
    )
    result = _import(_write(tmp_path, "q.txt", text))
    assert [i.answer for i in result.items] == ["A", "D"]
    assert result.items[0].enemy_group == result.items[1].enemy_group is not None
    assert result.errors() == []


def test_look_alike_stems_share_an_enemy_group(tmp_path):
    text = (
        "一、单选题\n1.服务流程的细化环节在抓好服务的( )A、质量B、标准C、方向D、细节正确答案:D\n"
        "2.服务流程的细化环节,在抓好服务的( )A、细节B、精确C、精细D、细化正确答案:A\n"
    )
    items = _import(_write(tmp_path, "q.txt", text)).items
    assert len(items) == 2
    assert items[0].enemy_group == items[1].enemy_group == "dup-" + min(i.id for i in items)


# ---------------------------------------------------------------- counts


def test_counts_per_file_by_type_and_reason():
    counts = _import(FIXTURES / "key_at_end.txt").files[0]
    assert counts.parsed == {"single": 3, "multi": 0, "judge": 3}
    assert counts.skipped["essay"] == 2
    assert counts.parsed_total == 6
    assert "parsed 6 (single 3, multi 0, judge 3)" in counts.summary()


def test_fill_in_and_essay_sections_are_skipped_by_reason(tmp_path):
    text = (
        "一、填空题:1、4C是()、()、()、()。\n2、现代市场营销是以()为导向。\n"
        "二、简答题1、简述客户满意与客户忠诚的关系。\n2. 客户的价值体现在哪些方面?\n"
    )
    counts = _import(_write(tmp_path, "q.txt", text)).files[0]
    assert counts.skipped["fill_in"] == 2 and counts.skipped["essay"] == 2
    assert counts.parsed_total == 0


def test_problem_names_file_line_and_item_number():
    problem = ImportProblem("a.txt", 12, "9", "no_answer: no answer is given")
    assert str(problem) == "a.txt:12 item 9: no_answer: no answer is given"


def test_gb18030_source_is_read(tmp_path):
    path = _write(tmp_path, "gbk.txt", SINGLE, encoding="gb18030")
    assert _import(path).items[0].answer == "C"


def test_missing_source_raises_with_the_path(tmp_path):
    with pytest.raises(ImportTextError, match=r"absent\.txt: cannot read source"):
        _import(tmp_path / "absent.txt")


# ---------------------------------------------------------------- items


def test_pinned_and_citing_options():
    assert is_pinnable("以上都对") and is_pinnable("以上均不正确") and is_pinnable("都不是") and is_pinnable("所有选项都是")
    assert not is_pinnable("客户满意度")
    assert cites_options("A和B") and cites_options("AB都对") and not cites_options("B2C模式")


def test_option_citing_others_sets_no_shuffle(tmp_path):
    text = "一、单选题\n1.客户服务的内容包括( )A、售前服务B、售后服务C、A和B都是D、都不是正确答案:C\n"
    item = _import(_write(tmp_path, "q.txt", text)).items[0]
    assert item.no_shuffle
    assert item.options[-1].pinned and not item.options[2].pinned


def test_display_text_uses_full_width_chinese_punctuation_and_one_blank_form():
    assert display_text("市场(  )通过其内容,对企业\n营销活动发生影响?") == "市场（\u3000）通过其内容，对企业营销活动发生影响？"
    assert display_text("CRM (Customer Relationship Management)") == "CRM (Customer Relationship Management)"
    assert content_key("客户（CRM）：") == content_key("客户 (ＣＲＭ):")


# ---------------------------------------------------------------- topics and difficulty


def test_keyword_table_assigns_the_best_matching_topic():
    keywords = bundled_topic_keywords().for_topics(TOPICS)
    assert classify_topic("下列走姿不符合规范要求的是（　）。", [], keywords) == "03"
    assert classify_topic("以下哪项不是CRM系统的优势？", ["提高客户满意度", "提升客户忠诚度"], keywords) == "07"
    assert classify_topic("由于误导了客户而造成错误交易所引发的投诉属于（　）", [], keywords) == "05"


def test_question_matching_no_keyword_gets_the_default_topic():
    keywords = bundled_topic_keywords().for_topics(TOPICS)
    assert classify_topic("这一题与任何主题都无关", ["甲", "乙"], keywords) == keywords.default


def test_topic_ties_go_to_more_keywords_then_to_the_first_topic():
    table = TopicKeywords({"01": {"甲": 2.0}, "02": {"乙": 1.0, "丙": 1.0}, "03": {"丁": 2.0}}, "01")
    assert classify_topic("甲乙丙", [], table) == "02"
    assert classify_topic("甲丁", [], table) == "01"


def test_topics_without_keywords_fall_back_to_their_names():
    table = bundled_topic_keywords().for_topics([Topic(code="x1", name="仓储与物流", weight=1), *TOPICS])
    assert classify_topic("仓储管理的首要原则是（　）", [], table) == "x1"


def test_keyword_file_with_unknown_default_is_rejected(tmp_path):
    path = _write(tmp_path, "k.json", json.dumps({"default": "99", "topics": {"01": {"营销": 1}}}))
    with pytest.raises(ImportTextError, match=r"k\.json: default: must name one of the topics \(got '99'\)"):
        load_topic_keywords(path)


def test_negation_long_text_and_more_answers_raise_the_difficulty_score():
    plain = difficulty_score("single", "客户服务是指（　）。", ["甲", "乙", "丙", "丁"], ("A",))
    negated = difficulty_score("single", "客户服务不包括（　）。", ["甲", "乙", "丙", "丁"], ("A",))
    assert negated > plain
    two = difficulty_score("multi", "以下哪些是客户保留策略？", ["甲", "乙", "丙", "丁"], ("A", "B"))
    four = difficulty_score("multi", "以下哪些是客户保留策略？", ["甲", "乙", "丙", "丁"], ("A", "B", "C", "D"))
    assert four > two


def test_difficulty_cut_points_are_per_type():
    params = DifficultyParams(cut_points={"judge": (0.1, 0.2), "single": (5.0, 6.0), "multi": (5.0, 6.0)})
    assert estimate_difficulty("judge", "客户流失是不可避免的", [], True, params) == "easy"
    assert estimate_difficulty("judge", "客户满意不一定带来客户忠诚，这一点在行业竞争激烈时尤其明显", [], True, params) == "hard"


def test_shipped_bank_difficulty_mix_is_about_six_three_one_per_type():
    bank = load_bank(bundled_bank_path("customer-service"))
    imported = [i for i in bank.items if i.provenance.kind == "source"]
    for item_type in ("single", "multi", "judge"):
        items = [i for i in imported if i.type == item_type]
        shares = {d: sum(i.difficulty == d for i in items) / len(items) for d in ("easy", "medium", "hard")}
        assert 0.5 <= shares["easy"] <= 0.7 and 0.2 <= shares["medium"] <= 0.4 and 0.05 <= shares["hard"] <= 0.15


# ---------------------------------------------------------------- banks


def test_exclusion_list_keeps_items_out_and_lets_the_other_printing_through():
    sources = [FIXTURES / "conflict_a.txt", FIXTURES / "conflict_b.txt"]
    conflict = next(p for p in import_sources(sources, HEADER).result.problems if "disagree" in p.message)
    exclusions = {f"{conflict.item_id}@conflict_b.txt#2": "key B contradicts the other printing"}
    out = import_sources(sources, HEADER, exclusions=exclusions)
    kept = next(i for i in out.bank.items if i.stem.startswith("以下哪项不是CRM系统的优势"))
    assert kept.answer == "C"
    assert [(e.item_id, e.where) for e in out.result.excluded] == [(conflict.item_id, "conflict_b.txt#2")]
    assert "key B contradicts" in out.result.excluded[0].reason
    assert not any("disagree" in p.message for p in out.result.problems)


def test_exclusion_by_id_keeps_every_printing_out(tmp_path):
    first = _import(FIXTURES / "widths.txt").items[0]
    path = _write(tmp_path, "ex.json", json.dumps({"exclusions": [{"id": first.id, "reason": "garbled"}]}))
    out = import_sources([FIXTURES / "widths.txt"], HEADER, exclusions=load_exclusions(path))
    assert first.id not in {i.id for i in out.bank.items}
    assert out.result.excluded[0].reason == "exclusion list: garbled"


def test_stale_exclusion_is_reported():
    out = import_sources([FIXTURES / "widths.txt"], HEADER, exclusions={"cs-0000000000": "gone"})
    assert any("cs-0000000000 matches no imported question" in p.message for p in out.result.problems)


def test_paper_format_keeps_out_items_with_too_many_options():
    fmt = load_format(bundled_format_path("cs-180"))
    out = import_sources([FIXTURES / "answer_after_options.txt"], HEADER, paper_format=fmt)
    assert len(out.bank.items) == 9
    assert [e.reason for e in out.result.excluded] == ["format cs-180: single items print at most 4 options (has 5)"]


def test_merge_into_keeps_existing_items_first_and_unchanged():
    authored = Item(
        id="cs-authored-1", type="judge", stem="客户流失是不可避免的。", answer=True, topic="06", difficulty="easy",
        provenance=Provenance(kind="authored", document="教材.pdf", quote="客户流失是不可避免的"),
    )
    existing = Bank(
        schema_version=1, id="customer-service", title="t", version="1", topics=TOPICS, items=[authored]
    )
    out = import_sources([FIXTURES / "section_key.txt"], HEADER, existing=existing)
    assert out.bank.items[0] == authored
    assert len(out.bank.items) == 5
    assert any("already has this question as cs-authored-1" in p.message for p in out.result.problems)


def test_bank_header_and_exclusion_files_are_validated(tmp_path):
    bad = _write(tmp_path, "topics.json", json.dumps({"topics": [{"code": "01", "name": "营销"}]}))
    with pytest.raises(ImportTextError, match=r"topics\.json: topics.*weight"):
        load_bank_header(bad)
    twice = _write(tmp_path, "ex.json", json.dumps({"exclusions": [{"id": "a", "reason": "x"}, {"id": "a", "reason": "y"}]}))
    with pytest.raises(ImportTextError, match=r"ex\.json: exclusions\[1\]: a is listed twice"):
        load_exclusions(twice)


def test_topics_file_keywords_drive_classification(tmp_path):
    data = {
        "id": "crm", "title": "CRM", "version": "1", "default_topic": "b",
        "topics": [
            {"code": "a", "name": "甲", "weight": 1, "keywords": {"核心": 5}},
            {"code": "b", "name": "乙", "weight": 1, "keywords": {"渠道": 1}},
        ],
    }
    header = load_bank_header(_write(tmp_path, "t.json", json.dumps(data, ensure_ascii=False)))
    bank = import_sources([_write(tmp_path, "q.txt", SINGLE)], header).bank
    assert bank.items[0].topic == "a" and bank.items[0].id.startswith("c-")


def test_shipped_customer_service_bank_validates_against_cs_180():
    bank = load_bank(bundled_bank_path("customer-service"))
    report = validate_bank(bank, source="customer-service.json", paper_format=load_format(bundled_format_path("cs-180")))
    assert [p for p in report.problems if p.severity == "error"] == []
    assert [t.code for t in bank.topics] == [f"{n:02d}" for n in range(1, 12)]
