"""Stems that cite material the candidate never sees."""

from __future__ import annotations

import pytest

from papergen.bank.validate import validate_bank
from papergen.bank.wording import WordingParams, unseen_material_problems


def _problems(make_bank, make_item, stem, **fields):
    bank = make_bank([make_item("s1", stem=stem, **fields)])
    return [(p.severity, p.path, p.message) for p in validate_bank(bank, source="b").problems]


@pytest.mark.parametrize("stem", [
    "按照资料的归纳，客户需求包括（　）。",
    "关于服务产品与产品服务的关系，下列说法符合资料的是（　）。",
    "根据材料中的定义，市场营销是通过（　）而实现的。",
    "A会所生意非常好，员工积极性也相当高，但满意度却没有提高。参考答案在“员工管理”方面提出的措施是（　）。",
])
def test_stem_citing_unprinted_material_is_a_warning(make_bank, make_item, stem):
    [(severity, path, message)] = _problems(make_bank, make_item, stem)
    assert (severity, path) == ("warning", "items[0].stem")
    assert message.startswith("cites material the candidate never sees")


@pytest.mark.parametrize("stem", [
    "客户信息管理就是要对企业各部门所接触的客户资料进行（　）。",
    "客户资料中最重要的是（　）。",
    "某企业希望所选用的CRM系统能够提升销售和客户服务的效率与效果，并最终生成商业智能。该企业应选择的CRM系统类型是（　）。",
])
def test_customer_data_and_self_contained_cases_are_fine(make_bank, make_item, stem):
    assert _problems(make_bank, make_item, stem) == []


def test_named_case_needs_its_text_in_the_stem(make_bank, make_item):
    [(severity, _, message)] = _problems(make_bank, make_item, "D经理对客户分类后，针对已经流失的客户采取的做法是（　）。")
    assert severity == "warning" and message.startswith("names a case (“D经理”) but carries no case text")
    long_stem = "某公司利润下滑，D经理对客户进行梳理和分类，对优质客户、已流失客户和普通客户分别采取不同措施。下列做法中，属于资源优化配置的是（　）。"
    assert _problems(make_bank, make_item, long_stem) == []
    item = make_bank([make_item("s1", stem=long_stem)]).items[0]
    assert list(unseen_material_problems(0, item, WordingParams(case_text_min_chars=200)))


def test_option_citing_material_is_a_warning_too(make_bank, make_item):
    options = [{"label": x, "text": t} for x, t in zip("ABCD", ["甲方", "乙方", "丙方", "与资料一致的说法"])]
    [(_, path, _)] = _problems(make_bank, make_item, "下列说法正确的是（　）。", options=options)
    assert path == "items[0].options[3].text"


def test_retired_items_are_not_checked_for_wording(make_bank, make_item):
    assert _problems(make_bank, make_item, "按照资料，（　）是CRM实施的基础。", status="retired", retired_reason="引用资料") == []
