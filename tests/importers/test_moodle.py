"""Moodle XML: import of multichoice/truefalse questions, export, and the round trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from papergen.bank.io import load_bank
from papergen.bank.model import Bank, Item, Option, Provenance
from papergen.errors import ImportTextError
from papergen.importers import (
    export_moodle,
    import_moodle,
    import_sources,
    load_bank_header,
)
from papergen.importers.moodle import is_moodle_xml
from papergen.resources import bundled_bank_path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"
HEADER = load_bank_header(FIXTURES / "topics.json")
TOPICS = list(HEADER.topics)


def _import(path: Path):
    return import_moodle(path, bank_id="customer-service", topics=TOPICS)


def _item(items: list[Item], start: str) -> Item:
    return next(i for i in items if i.stem.startswith(start))


def test_multichoice_single_and_multiple_and_truefalse_are_imported():
    result = _import(FIXTURES / "quiz.xml")
    single = _item(result.items, "客户关系管理（CRM）的核心是")
    assert single.type == "single" and single.answer == "C"
    assert [o.text for o in single.options] == ["产品", "价格", "客户", "渠道"]
    multi = _item(result.items, "CRM中的数据清洗")
    assert multi.type == "multi" and multi.answer == ["A", "B", "D"]
    judge = _item(result.items, "客户流失是不可避免的")
    assert judge.type == "judge" and judge.answer is True


def test_html_tags_are_removed_and_feedback_becomes_the_explanation():
    item = _item(_import(FIXTURES / "quiz.xml").items, "客户关系管理（CRM）的核心是")
    assert item.stem == "客户关系管理（CRM）的核心是："
    assert item.explanation == "以客户为中心。"


def test_category_naming_a_topic_code_gives_the_topic_and_others_are_classified():
    items = _import(FIXTURES / "quiz.xml").items
    assert _item(items, "CRM中的数据清洗").topic == "07"
    assert _item(items, "客户流失是不可避免的").topic == "06"
    assert _item(items, "客户流失是不可避免的").provenance.section == "$course$/top/其他"


def test_other_question_types_and_unanswered_questions_are_counted():
    result = _import(FIXTURES / "quiz.xml")
    counts = result.files[0]
    assert counts.parsed == {"single": 1, "multi": 1, "judge": 1}
    assert counts.skipped["essay"] == 1 and counts.skipped["no_answer"] == 1
    assert any(p.number == "5" and "no answer" in p.message for p in result.problems)


def test_moodle_is_recognised_by_content_not_name(tmp_path):
    renamed = tmp_path / "questions.txt"
    renamed.write_bytes((FIXTURES / "quiz.xml").read_bytes())
    assert is_moodle_xml(renamed)
    assert not is_moodle_xml(FIXTURES / "widths.txt")
    bank = import_sources([renamed], HEADER).bank
    assert len(bank.items) == 3


def test_non_quiz_xml_is_rejected(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<?xml version='1.0'?><questions/>", encoding="utf-8")
    with pytest.raises(ImportTextError, match=r"other\.xml: root element is <questions>, not <quiz>"):
        _import(path)


def _round_trip(bank: Bank, tmp_path: Path) -> dict[str, Item]:
    path = tmp_path / "bank.xml"
    export_moodle(bank, path)
    result = import_moodle(path, bank_id=bank.id, topics=list(bank.topics))
    return {i.id: i for i in result.items}


def test_round_trip_of_the_shipped_bank_preserves_stems_options_answers_types_topics(tmp_path):
    bank = load_bank(bundled_bank_path("customer-service"))
    back = _round_trip(bank, tmp_path)
    assert set(back) == {i.id for i in bank.items}
    for item in bank.items:
        again = back[item.id]
        assert (again.type, again.stem, again.answer, again.topic) == (item.type, item.stem, item.answer, item.topic)
        assert [(o.label, o.text, o.pinned) for o in again.options] == [(o.label, o.text, o.pinned) for o in item.options]
        assert again.explanation == item.explanation


def test_markup_characters_survive_export_and_import(tmp_path):
    item = Item(
        id="cs-markup", type="multi", stem="若 a<b 且 b>c，R&D 部门应（　）", topic="07", difficulty="easy",
        options=[Option(label="A", text="<p> 标签"), Option(label="B", text="A&B"), Option(label="C", text="“引号”")],
        answer=["A", "B"], no_shuffle=True, provenance=Provenance(kind="source", document="x.txt"),
    )
    bank = Bank(schema_version=1, id="customer-service", title="t", version="1", topics=TOPICS, items=[item])
    back = next(iter(_round_trip(bank, tmp_path).values()))
    assert back.stem == item.stem
    assert [o.text for o in back.options] == ["<p> 标签", "A&B", "“引号”"]
    assert back.answer == ["A", "B"]


def test_export_weights_multiple_choice_all_or_nothing_and_keeps_pinned_order(tmp_path):
    bank = load_bank(bundled_bank_path("customer-service"))
    path = tmp_path / "bank.xml"
    export_moodle(bank, path)
    root = ET.parse(path).getroot()
    assert root.tag == "quiz"
    multi = next(q for q in root.iter("question") if q.findtext("single") == "false")
    fractions = sorted(float(a.get("fraction")) for a in multi.findall("answer"))
    assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-3)
    assert all(f < 0 for f in fractions if f <= 0)
    pinned_ids = {i.id for i in bank.items if any(o.pinned for o in i.options)}
    for q in root.iter("question"):
        if q.findtext("idnumber") in pinned_ids:
            assert q.findtext("shuffleanswers") == "false"
    categories = [q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"]
    assert categories[0] == "$course$/top/customer-service/01 市场营销与客户需求"
