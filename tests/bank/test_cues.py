"""Answer cues between items of any type, the enemy-group patch that settles them, the longest-option cue."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from papergen.bank.cues import CueParams, cue_pairs, longest_option_cue
from papergen.bank.validate import suggest_enemy_groups, validate_bank
from papergen.cli import main


def _options(*texts):
    return [{"label": "ABCDE"[k], "text": t} for k, t in enumerate(texts)]


def _flowchart_single(make_item, item_id="s1", **fields):
    return make_item(item_id, stem="服务流程图的作用在于使服务流程（　），更易于操作。",
                     options=_options("复杂化、专业化", "形象化、具体化", "简单化、模糊化", "书面化、保密化"), answer="B", **fields)


def _flowchart_judge(make_item, item_id="j1", **fields):
    return make_item(item_id, "judge", stem="服务流程图的作用在于使服务流程形象化、具体化，更易于操作。", **fields)


def _unrelated(make_item, item_id="s9"):
    return make_item(item_id, stem="客户投诉处理的第一步是（　）。", options=_options("倾听", "赔偿", "辩解", "转交"))


def _apply(data: dict, patch: list[dict]) -> dict:
    """Apply the test/add operations of an RFC 6902 patch to /items/N/field paths."""
    for op in patch:
        _, _, index, field = op["path"].split("/")
        item = data["items"][int(index)]
        if op["op"] == "test":
            assert item[field] == op["value"], op
        else:
            assert op["op"] == "add", op
            item[field] = op["value"]
    return data


def test_a_true_false_statement_cues_the_single_that_asks_for_it(make_bank, make_item):
    bank = make_bank([_flowchart_single(make_item), _unrelated(make_item), _flowchart_judge(make_item)])
    [pair] = cue_pairs(bank.items)
    assert (pair.first, pair.second, pair.kind) == (0, 2, "statement")
    [problem] = validate_bank(bank, source="b").problems
    assert (problem.severity, problem.path, problem.item_id) == ("warning", "items[2].stem", "j1")
    assert "gives away or is given away by item s1" in problem.message and "--suggest-groups" in problem.message


def test_the_key_of_one_printed_in_the_stem_of_another_is_a_cue(make_bank, make_item):
    asks = make_item("s1", stem="下列服务内容中，属于售前服务的是（　）。", options=_options("广告宣传", "送货上门", "维修", "退换"))
    gives = make_item("s2", stem="开通电话等服务内容属于（　）。", options=_options("售前服务", "售中服务", "售后服务", "跟踪服务"))
    [pair] = cue_pairs(make_bank([asks, gives]).items)
    assert (pair.kind, pair.detail) == ("key-in-stem", "key “售前服务” in the stem")
    assert cue_pairs(make_bank([asks, gives]).items, CueParams(min_key_chars=5)) == []


def test_a_shared_enemy_group_settles_a_cue(make_bank, make_item):
    items = [_flowchart_single(make_item, enemy_group="g"), _flowchart_judge(make_item, enemy_group="g")]
    assert validate_bank(make_bank(items), source="b").problems == []


def test_suggested_patch_groups_connected_items_and_clears_the_warnings(make_bank_data, make_bank, make_item):
    data = make_bank_data([
        _flowchart_single(make_item, "s1"),
        _unrelated(make_item, "s9"),
        _flowchart_judge(make_item, "j1"),
        make_item("j2", "judge", stem="服务流程图的作用在于使服务流程形象化、具体化，便于操作。", answer=True),
    ])
    patch = suggest_enemy_groups(make_bank(data["items"]))
    assert [op["path"] for op in patch[1::2]] == ["/items/0/enemy_group", "/items/2/enemy_group", "/items/3/enemy_group"]
    assert {op["value"] for op in patch[1::2]} == {"cue-s1"}
    fixed = make_bank(_apply(data, patch)["items"])
    assert validate_bank(fixed, source="b").problems == []
    assert suggest_enemy_groups(fixed) == []


def test_suggested_patch_keeps_an_existing_group_and_moves_its_members(make_bank, make_item):
    items = [
        _flowchart_single(make_item, "s1", enemy_group="old"),
        make_item("s2", stem="服务流程图有什么作用（　）？", options=_options("甲", "乙", "丙", "丁"), enemy_group="old"),
        _flowchart_judge(make_item, "j1", enemy_group="other"),
        make_item("s3", enemy_group="other"),
    ]
    patch = suggest_enemy_groups(make_bank(items))
    moved = {op["path"]: op["value"] for op in patch if op["op"] == "add"}
    assert moved == {"/items/2/enemy_group": "old", "/items/3/enemy_group": "old"}


def test_a_patch_refuses_to_apply_when_items_moved(make_bank_data, make_bank, make_item):
    data = make_bank_data([_flowchart_single(make_item), _flowchart_judge(make_item)])
    patch = suggest_enemy_groups(make_bank(data["items"]))
    data["items"].reverse()
    with pytest.raises(AssertionError):
        _apply(data, patch)


def test_validate_writes_the_suggested_patch(make_bank_data, make_item, write_json, tmp_path):
    bank = write_json("bank.json", make_bank_data([_flowchart_single(make_item), _flowchart_judge(make_item)]))
    out = tmp_path / "groups.json"
    result = CliRunner().invoke(main, ["validate", str(bank), "--suggest-groups", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 2 items to move into enemy groups" in result.output
    assert [op["op"] for op in json.loads(out.read_text("utf-8"))] == ["test", "add", "test", "add"]


def _single(make_item, item_id, answer, *texts):
    return make_item(item_id, options=_options(*texts), answer=answer)


def test_longest_option_cue_counts_keys_that_are_strictly_longest(make_bank, make_item):
    items = [
        _single(make_item, "a", "A", "最长的一个选项", "短", "短", "短"),
        _single(make_item, "b", "B", "最长的一个选项", "短", "短", "短"),
        _single(make_item, "c", "A", "等长", "等长", "短", "短"),  # no strictly longest option
        make_item("j", "judge"),
    ]
    cue = longest_option_cue(make_bank(items).items)
    assert (cue.items, cue.longest_keyed) == (3, 1)
    assert cue.chance == pytest.approx((0.25 + 0.25) / 3)


def test_bank_keyed_on_the_longest_option_gets_a_warning(make_bank, make_item):
    cued = [_single(make_item, f"s{k:02d}", "ABCD"[k % 4], *(("较长的正确选项" if j == k % 4 else f"短{k}{j}") for j in range(4)))
            for k in range(40)]
    [problem] = [p for p in validate_bank(make_bank(cued), source="b").problems if p.path == "items"]
    assert problem.severity == "warning" and problem.message.startswith("the key is the strictly longest option in 40 of 40")
    fair = [_single(make_item, f"s{k:02d}", "ABCD"[k % 4], *(("较长的干扰选项" if j == (k + 1) % 4 else f"短{k}{j}") for j in range(4)))
            for k in range(40)]
    assert [p for p in validate_bank(make_bank(fair), source="b").problems if p.path == "items"] == []


@pytest.mark.parametrize("text", ["所有上述选项", "上述做法均不可取", "都不是正确做法"])
def test_options_starting_with_a_reference_to_the_others_stay_put(make_bank, make_item, text):
    item = make_item("s1", options=_options("甲方", "乙方", "丙方", text))
    [problem] = validate_bank(make_bank([item]), source="b").problems
    assert problem.path == "items[0].options[3].text" and problem.message.endswith('set "pinned": true on it')
    assert validate_bank(make_bank([{**item, "no_shuffle": True}]), source="b").problems == []


def test_source_question_with_more_options_than_printed_says_how_to_settle_it(make_bank, make_item, make_format):
    five = _options("甲", "乙", "丙", "丁", "戊")
    items = [make_item("s1", options=five), make_item("s2", options=five,
             provenance={"kind": "authored", "document": "d.txt", "quote": "原文"}), make_item("j1", "judge"),
             make_item("m1", "multi")]
    problems = validate_bank(make_bank(items), source="b", paper_format=make_format(options=4)).problems
    assert [("provenance.changes" in p.message) for p in problems] == [True, False]
