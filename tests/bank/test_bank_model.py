"""Schema validation of bank files: every violation named by JSON path and item id."""

from __future__ import annotations

import pytest

from papergen.bank.io import load_bank
from papergen.bank.model import Bank
from papergen.bank.validate import validate_bank_file
from papergen.errors import BankError


def test_valid_bank_file_loads_with_no_problems(make_item, make_bank_data, write_json):
    path = write_json("bank.json", make_bank_data([make_item("s1"), make_item("j1", "judge"), make_item("m1", "multi")]))
    report = validate_bank_file(path)
    assert report.problems == []
    assert report.ok and report.item_count == 3
    assert isinstance(report.bank, Bank)


def test_unknown_key_is_an_error_naming_its_path_and_the_likely_key(make_item, make_bank_data, write_json):
    typo = make_item("s1")
    typo["anwser"] = typo.pop("answer")
    path = write_json("bank.json", make_bank_data([make_item("s0"), typo]))
    report = validate_bank_file(path)
    paths = {p.path: p for p in report.errors}
    assert paths["items[1].anwser"].message == 'unknown key "anwser"; did you mean "answer"?'
    assert paths["items[1].anwser"].item_id == "s1"
    assert paths["items[1].answer"].message == 'missing required key "answer"'
    assert report.bank is None


def test_load_bank_raises_bank_error_naming_the_misspelt_key(make_item, make_bank_data, write_json):
    typo = make_item("s1")
    typo["anwser"] = typo.pop("answer")
    path = write_json("bank.json", make_bank_data([typo]))
    with pytest.raises(BankError, match=r"items\[0\]\.anwser \(item s1\): Extra inputs are not permitted"):
        load_bank(path)


def test_unknown_key_far_from_any_field_lists_the_allowed_keys(make_item, make_bank_data, write_json):
    item = make_item("s1", zzz=1)
    report = validate_bank_file(write_json("bank.json", make_bank_data([item])))
    assert report.errors[0].path == "items[0].zzz"
    assert "(allowed: id, type, stem," in report.errors[0].message


def test_option_label_outside_a_to_f_is_an_error_with_the_value(make_item, make_bank_data, write_json):
    item = make_item("s1")
    item["options"][3]["label"] = "G"
    report = validate_bank_file(write_json("bank.json", make_bank_data([item])))
    [problem] = report.errors
    assert problem.path == "items[0].options[3].label"
    assert problem.message.endswith('(got "G")')


def test_answer_of_no_valid_form_is_one_problem_not_three(make_item, make_bank_data, write_json):
    report = validate_bank_file(write_json("bank.json", make_bank_data([make_item("s1", answer=["A", "Z"])])))
    [problem] = report.errors
    assert problem.path == "items[0].answer"
    assert problem.message.startswith("not a valid answer")
    assert problem.message.endswith('(got ["A", "Z"])')


def test_missing_fields_are_each_reported(make_item, make_bank_data, write_json):
    item = make_item("s1")
    del item["topic"], item["difficulty"]
    data = make_bank_data([item])
    del data["version"]
    report = validate_bank_file(write_json("bank.json", data))
    assert {p.path for p in report.errors} == {"version", "items[0].topic", "items[0].difficulty"}


def test_schema_and_cross_field_problems_are_reported_together(make_item, make_bank_data, write_json):
    broken = make_item("s1", difficulty="very hard")
    wrong_answer = make_item("s2", answer="E")
    report = validate_bank_file(write_json("bank.json", make_bank_data([broken, wrong_answer])))
    assert [(p.path, p.item_id) for p in report.errors] == [
        ("items[0].difficulty", "s1"),
        ("items[1].answer", "s2"),
    ]
    assert report.item_count == 2


def test_file_that_is_not_json_raises_bank_error(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BankError, match=r"bank\.json: not valid JSON \(line 1, column 2"):
        validate_bank_file(path)


def test_bank_that_is_not_an_object_is_one_root_problem(write_json):
    report = validate_bank_file(write_json("bank.json", [1, 2]))
    [problem] = report.errors
    assert problem.path == "<root>"
    assert report.item_count == 0


def test_topic_checks_still_run_when_a_topic_breaks_the_schema(make_item, make_bank_data, write_json):
    topics = [{"code": "01", "name": "甲", "weight": 1}, {"code": "01", "name": "乙", "weight": -1}]
    report = validate_bank_file(write_json("bank.json", make_bank_data([make_item("s1", topic="02")], topics)))
    assert [(p.path, p.message.split(" (")[0]) for p in report.errors] == [
        ("topics[1].weight", "Input should be greater than 0"),
        ("topics[1].code", 'topic code "01" repeats topics[0]'),
        ("items[0].topic", 'unknown topic code "02"'),
    ]
