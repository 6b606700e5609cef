"""JSON banks of common shapes, read through a small mapping file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from papergen.bank.io import load_bank
from papergen.cli import main
from papergen.errors import ImportTextError
from papergen.importers import import_sources, load_bank_header
from papergen.importers.json_bank import load_mapping
from papergen.importers.readers import SourceOptions
from papergen.resources import bundled_bank_path

from import_files import FIXTURES

HEADER = load_bank_header(FIXTURES / "topics.json")
MAPPING = load_mapping(FIXTURES / "platform_mapping.json")


def _import(path, mapping=None):
    return import_sources([path], HEADER, options=SourceOptions(mapping=mapping or {})).result


def test_a_platform_export_under_data_list_with_numeric_types_and_right_flags():
    result = _import(FIXTURES / "platform_export.json", MAPPING)
    assert [(i.id, i.type, i.answer) for i in result.items] == [
        ("q-1001", "single", "C"), ("q-1002", "multi", ["A", "B"]), ("q-1003", "judge", True),
    ]
    assert result.items[0].explanation == "以客户为中心。" and result.items[0].difficulty == "easy"
    assert [(e.line, e.reason) for e in result.left_out()] == [(36, "essay")]


def test_unmapped_type_codes_are_reported_per_question_not_guessed():
    result = _import(FIXTURES / "platform_export.json")
    assert result.items == []
    assert all("unknown question type" in p.message and 'map it with "types"' in p.message for p in result.errors())


def test_a_plain_list_with_option_objects_booleans_and_letter_lists():
    result = _import(FIXTURES / "simple_list.json")
    assert [(i.type, i.answer) for i in result.items] == [("single", "A"), ("judge", False), ("multi", ["A", "B"])]
    assert [o.text for o in result.items[0].options] == ["接通率", "首次解决率", "放弃率"]
    problem = result.errors()[0]
    assert problem.line == 5 and "numbers do not say whether 0 or 1 is A" in problem.message


def test_a_papergen_bank_file_reads_as_a_json_bank():
    header = load_bank_header(bundled_bank_path("customer-service"))
    bank = load_bank(bundled_bank_path("customer-service"))
    back = import_sources([bundled_bank_path("customer-service")], header).bank.items
    assert [(i.id, i.type, i.answer, i.stem, i.topic) for i in back] == [(i.id, i.type, i.answer, i.stem, i.topic) for i in bank.items]


def test_json_without_a_question_list_is_an_error_not_a_garbage_item(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"config": {"theme": "dark", "fonts": ["宋体"] * 50}}), "utf-8")
    with pytest.raises(ImportTextError, match=r"no list of questions found \(top-level keys: config\).*--mapping"):
        _import(path)


def test_mapping_files_are_checked(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"question": "title"}), "utf-8")
    with pytest.raises(ImportTextError, match="unknown mapping key 'question'"):
        load_mapping(path)


def test_cli_mapping_option(tmp_path):
    out = tmp_path / "bank.json"
    result = CliRunner().invoke(main, [
        "import", str(FIXTURES / "platform_export.json"), "--topics", str(FIXTURES / "topics.json"),
        "--mapping", str(FIXTURES / "platform_mapping.json"), "--out", str(out),
    ])
    assert result.exit_code == 0, result.output
    assert [i.id for i in load_bank(out).items] == ["q-1001", "q-1002", "q-1003"]
