"""Look-alike ideographs get one id; unprintable characters are named; topics are optional."""

from __future__ import annotations

import json
from importlib import resources

from click.testing import CliRunner

from papergen.bank.io import load_bank
from papergen.bank.validate import validate_bank
from papergen.cli import main
from papergen.importers.normalise import content_key, fold_lookalikes, is_cjk, normalise_source
from papergen.importers.topics import UNSORTED_TOPIC, keyword_topics

from import_files import FIXTURES

PLAIN = "一、单选题\n1. 建立长期客户关系，首先要看见客户的需求与风险（ ）。A. 正确 B. 错误 C. 不一定 D. 无关 答案：A\n"
RADICALS = PLAIN.replace("长", "\u2ed3").replace("见", "\u2ec5").replace("风", "\u2edb")
KANGXI = PLAIN.replace("首", "\u2fb8").replace("无", "\u2f46")


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_radicals_supplement_and_kangxi_copies_get_the_ids_and_text_of_the_plain_copy(tmp_path, import_fixture):
    results = []
    for name, text in (("plain.txt", PLAIN), ("radicals.txt", RADICALS), ("kangxi.txt", KANGXI)):
        path = tmp_path / name
        path.write_text(text, "utf-8")
        results.append(import_fixture(path).items[0])
    assert RADICALS != PLAIN != KANGXI
    assert len({(i.id, i.stem, tuple(o.text for o in i.options)) for i in results}) == 1


def test_the_lookalike_table_maps_radicals_and_strokes_to_unified_ideographs():
    data = json.loads(resources.files("papergen.importers").joinpath("equivalent-ideographs.json").read_text("utf-8"))
    assert "EquivalentUnifiedIdeograph" in data["source"]
    table = data["lookalikes"]
    supplement = [k for k in table if 0x2E80 <= ord(k) <= 0x2EFF]
    assert len(supplement) > 100
    assert all(0x2E80 <= ord(k) <= 0x2FDF or 0x31C0 <= ord(k) <= 0x31EF for k in table)
    assert all(is_cjk(v) for v in table.values())
    assert fold_lookalikes("\u2ed3\u2fb8") == "长首" and normalise_source("\u2ec5") == "见"
    assert content_key("\u2edb险") == content_key("风险")


def test_moodle_texts_are_folded_too(tmp_path):
    from papergen.importers import import_moodle

    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="truefalse"><name><text>q</text></name>'
        "<questiontext format=\"html\"><text>建立\u2ed3期客户关系需要持续沟通。</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>'
    )
    path = tmp_path / "q.xml"
    path.write_text(xml, "utf-8")
    topics = list(keyword_topics())
    item = import_moodle(path, bank_id="customer-service", topics=topics).items[0]
    assert item.stem == "建立长期客户关系需要持续沟通。"


def test_characters_the_font_cannot_print_are_named_at_import(tmp_path, import_fixture):
    path = tmp_path / "rare.txt"
    path.write_text("一、判断题\n1. 客户档案中的姓名“王𠀀”应当按原样保存。答案：对\n", "utf-8")
    result = import_fixture(path)
    assert len(result.items) == 1
    warning = next(p for p in result.problems if "cannot print" in p.message)
    assert warning.severity == "warning" and "𠀀 (U+20000)" in warning.message and warning.line == 2


def test_without_topics_items_are_sorted_by_the_bundled_keyword_table(tmp_path):
    out = tmp_path / "exam.json"
    result = _run("import", str(FIXTURES / "exam_page.txt"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "no --topics: 7 of 7 items matched the bundled keyword table" in result.output
    bank = load_bank(out)
    assert [t.code for t in bank.topics] == [t.code for t in keyword_topics()]
    assert bank.id == "exam" and validate_bank(bank, source=out.name).errors == []


def test_without_topics_items_no_keyword_matches_get_one_unsorted_topic(tmp_path):
    out = tmp_path / "maths.json"
    result = _run("import", str(FIXTURES / "lookalikes_a.txt"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "all 4 items got the one topic 00 未分类" in result.output
    bank = load_bank(out)
    assert bank.topics == [UNSORTED_TOPIC] and {i.topic for i in bank.items} == {"00"}
    assert validate_bank(bank, source=out.name).errors == []
