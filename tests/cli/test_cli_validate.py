"""``papergen validate`` and ``papergen schema`` through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from papergen.bank.schema import schema_texts
from papergen.cli import main


@pytest.fixture
def small_format(tmp_path, make_format):
    path = tmp_path / "small.json"
    path.write_text(make_format(single=2, judge=2, multi=2).model_dump_json(), encoding="utf-8")
    return path


@pytest.fixture
def clean_bank(make_item, make_bank_data, write_json):
    items = [make_item(f"s{i}") for i in range(5)]
    items += [make_item(f"j{i}", "judge", answer=i % 2 == 0) for i in range(4)]
    items += [make_item(f"m{i}", "multi") for i in range(4)]
    return write_json("clean.json", make_bank_data(items))


def _run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_clean_bank_exits_zero_with_a_summary(clean_bank):
    result = _run("validate", clean_bank)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "审核状态 status: 草稿 draft 13, 已复核 reviewed 0, 已审定 approved 0, 已停用 retired 0\n"
        "长选项线索 longest-option cue: 0 of 5 single-choice keys are the strictly longest option (0%; chance 0%)\n"
        f"{clean_bank}: 0 errors, 0 warnings in 13 items\n"
    )


def test_errors_are_printed_with_path_and_item_id_and_exit_one(make_item, make_bank_data, write_json):
    path = write_json("bad.json", make_bank_data([make_item("s1"), make_item("cs-0002", answer="E")]))
    result = _run("validate", path)
    assert result.exit_code == 1
    assert 'error: items[1].answer [cs-0002]: "E" not among the options (A, B, C, D)' in result.output
    assert result.output.rstrip().endswith("1 error, 0 warnings in 2 items")


def test_schema_errors_are_printed_like_the_others(make_item, make_bank_data, write_json):
    item = make_item("s1")
    item["anwser"] = item.pop("answer")
    result = _run("validate", write_json("typo.json", make_bank_data([item])))
    assert result.exit_code == 1
    assert 'error: items[0].anwser [s1]: unknown key "anwser"; did you mean "answer"?' in result.output


def test_warnings_pass_unless_strict(make_item, make_bank_data, write_json):
    path = write_json("warn.json", make_bank_data([make_item("s1", enemy_group="alone")]))
    relaxed = _run("validate", path)
    assert relaxed.exit_code == 0
    assert 'warning: items[0].enemy_group [s1]: enemy group "alone" has no other member' in relaxed.output
    assert _run("validate", path, "--strict").exit_code == 1


def test_format_adds_the_capacity_table(clean_bank, small_format):
    result = _run("validate", clean_bank, "--format", small_format)
    assert result.exit_code == 0, result.output
    assert "bank test-bank, format test-format: enough items for 2 non-overlapping papers" in result.output
    assert "单项选择题 (single): 2 per paper, enough for 2 papers" in result.output
    assert "01 客户服务概述" in result.output


def test_format_accepts_a_bundled_format_id(make_item, make_bank_data, write_json):
    five = [{"label": x, "text": f"选项{x}甲乙"} for x in "ABCDE"]
    path = write_json("wide.json", make_bank_data([make_item("s5", options=five)]))
    result = _run("validate", path, "--format", "cs-180")
    assert result.exit_code == 1
    assert "items[0].options [s5]: 5 options, but section single prints 4" in result.output
    assert "format cs-180 section judge needs judge items; the bank has none" in result.output


def test_unknown_format_is_a_clean_error(clean_bank):
    result = _run("validate", clean_bank, "--format", "no-such-format")
    assert result.exit_code == 1
    assert "Error: --format no-such-format: no such file or bundled format id" in result.output


def test_unreadable_bank_is_a_clean_error(tmp_path):
    result = _run("validate", tmp_path / "missing.json")
    assert result.exit_code == 1
    assert "Error: " in result.output and "missing.json: cannot read bank" in result.output


def test_schema_command_writes_the_schema_files(tmp_path):
    result = _run("schema", "--out-dir", tmp_path)
    assert result.exit_code == 0, result.output
    for relative, text in schema_texts().items():
        assert (tmp_path / relative).read_text(encoding="utf-8") == text
    assert json.loads((tmp_path / "banks/bank.schema.json").read_text(encoding="utf-8"))["title"] == "Bank"


@pytest.mark.parametrize("command", ["validate", "schema"])
def test_commands_have_help_ending_with_an_example(command):
    result = _run(command, "-h")
    assert result.exit_code == 0
    example = result.output.split("Example:")[1]
    assert example.lstrip().startswith(f"papergen {command}")


def test_validate_speaks_chinese_under_lang_zh_and_english_by_default(make_item, make_bank_data, write_json):
    bank = write_json("bad.json", make_bank_data([make_item("s1", answer="E"), make_item("s2")]))
    english = _run("validate", bank)  # first: --lang zh stays set for the rest of the process
    chinese = _run("--lang", "zh", "validate", bank)
    assert chinese.exit_code == english.exit_code == 1
    assert "错误：items[0].answer [s1]：\"E\" 不在选项中（A, B, C, D）" in chinese.output
    assert "审核状态：草稿 2，已复核 0，已审定 0，已停用 0" in chinese.output
    assert f"{bank}：2 道试题中有 1 个错误、0 个警告" in chinese.output
    assert 'error: items[0].answer [s1]: "E" not among the options (A, B, C, D)' in english.output
    assert f"{bank}: 1 error, 0 warnings in 2 items" in english.output
