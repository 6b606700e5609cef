"""The bank side's messages come out in Chinese under ``zh`` and in English otherwise, fields filled in."""

from __future__ import annotations

import json

import pytest

from papergen.assembly import assemble_exam
from papergen.bank.validate import validate_bank_file
from papergen.build import load_exam_layout
from papergen.errors import AssemblyError, FormatError
from papergen.exam import load_format
from papergen.i18n import using_language
from papergen.resources import format_file


def _message(call, error, lang: str) -> str:
    with using_language(lang), pytest.raises(error) as caught:
        call()
    return str(caught.value)


def test_a_mistyped_format_id_is_answered_with_did_you_mean_in_either_language():
    def call():
        return format_file("cs180")

    assert "--format cs180：没有这个文件，也没有这个内置试卷格式编号（内置：cs-180）；是否想输入 cs-180？" == _message(
        call, FormatError, "zh")
    assert _message(call, FormatError, "en").endswith("; did you mean cs-180?")


def test_a_bank_problem_and_its_did_you_mean_are_worded_in_chinese(make_item, make_bank_data, write_json):
    typo = make_item("s1")
    typo["anwser"] = typo.pop("answer")
    path = write_json("bank.json", make_bank_data([make_item("s0"), typo]))
    with using_language("zh"):
        problems = {p.path: p for p in validate_bank_file(path).errors}
        line = problems["items[1].anwser"].labelled()
    assert line == '错误：items[1].anwser [s1]：未知的键 "anwser"；是否想输入 "answer"？'
    assert problems["items[1].answer"].message == '缺少必填键 "answer"'
    english = {p.path: p.labelled() for p in validate_bank_file(path).errors}
    assert english["items[1].anwser"] == 'error: items[1].anwser [s1]: unknown key "anwser"; did you mean "answer"?'


def test_a_schema_error_of_pydantic_is_worded_in_chinese(make_format, tmp_path):
    data = json.loads(make_format().model_dump_json())
    del data["title"]
    path = tmp_path / "format.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    chinese = _message(lambda: load_format(path), FormatError, "zh")
    assert chinese == f"{path}：不是有效的试卷格式：title：缺少必填字段"
    assert _message(lambda: load_format(path), FormatError, "en") == f"{path}: not a valid paper format: title: Field required"


def test_a_layout_file_omr_cannot_read_is_reported_in_chinese(make_format, tmp_path):
    layout = tmp_path / "layout.json"
    layout.write_text('{"id": "x",', encoding="utf-8")
    chinese = _message(lambda: load_exam_layout(make_format(), layout), FormatError, "zh")
    assert chinese.startswith(f"{layout}：不是有效的 JSON（第 1 行第 12 列：")
    assert _message(lambda: load_exam_layout(make_format(), layout), FormatError, "en").startswith(
        f"{layout}: not valid JSON (line 1, column 12: ")


def test_an_assembly_error_is_worded_in_chinese(make_bank, make_format, make_item):
    bank = make_bank([make_item(f"s{i}") for i in range(4)])

    def call():
        return assemble_exam(bank, make_format(judge=0, multi=0), variants=0, seed=1, bank_sha256="0" * 64)

    assert _message(call, AssemblyError, "zh") == "无法组卷：卷别数至少为 1（实为 0）"
    assert _message(call, AssemblyError, "en") == "cannot assemble: variants must be 1 or more (got 0)"
