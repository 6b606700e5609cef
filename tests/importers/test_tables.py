"""Excel and CSV question tables as exam platforms export them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from papergen.bank.io import load_bank
from papergen.cli import main
from papergen.errors import ImportTextError
from papergen.importers import import_sources, load_bank_header
from papergen.importers.readers import SourceOptions, detect_format
from papergen.importers.table import parse_columns

from import_files import FIXTURES

HEADER = load_bank_header(FIXTURES / "topics.json")
CUSTOM = {"stem": "题目内容", "A": "第一项", "B": "第二项", "C": "第三项", "D": "第四项", "answer": "正确选项"}


def _import(*paths, **options):
    return import_sources(list(paths), HEADER, options=SourceOptions(**options)).result


def _keys(result):
    return [(i.type, i.answer, i.stem) for i in result.items]


def test_platform_csv_template_in_gbk_with_a_title_and_instructions_above_the_header():
    result = _import(FIXTURES / "platform_template.csv")
    assert _keys(result) == [
        ("single", "C", "客户关系管理的核心是（ ）。"),
        ("multi", ["A", "B", "C"], "客户投诉的常见渠道有（ ）。"),
        ("judge", True, "服务承诺应当兑现。"),
        ("judge", False, "客户满意就一定会成为忠诚客户。"),
        ("single", "A", "处理客户投诉的第一步是（ ）。"),
        ("multi", ["A", "B"], "客户细分的依据包括（ ）。"),
    ]
    first = result.items[0]
    assert [o.text for o in first.options] == ["产品", "价格", "客户", "渠道"]
    assert (first.explanation, first.difficulty, first.topic) == ("以客户为中心是出发点。", "easy", "07")
    assert (result.items[1].topic, result.items[5].topic) == ("05", "08")  # by name, by code
    assert [result.items[k].difficulty for k in (1, 2, 3, 5)] == ["medium", "easy", "hard", "medium"]  # 中, 简单, 难, 3 of 5


def test_rows_left_out_are_listed_with_their_row_numbers():
    result = _import(FIXTURES / "platform_template.csv")
    assert [(e.line, e.reason) for e in result.left_out()] == [(9, "fill_in"), (10, "no_answer"), (11, "malformed")]
    assert result.files[0].blocks_seen == 9


def test_english_headers_tab_separated_and_true_false_letters():
    result = _import(FIXTURES / "en_template.tsv")
    assert _keys(result) == [
        ("single", "A", "客户满意度调查最常用的方法是（ ）。"),
        ("multi", ["A", "B", "D"], "影响客户忠诚的因素有（ ）。"),
        ("judge", False, "一线员工可以不经授权处理所有投诉。"),
    ]
    assert [i.difficulty for i in result.items] == ["easy", "hard", "medium"]


def test_other_column_names_are_mapped_with_columns():
    assert detect_format(FIXTURES / "custom_columns.csv") == "text"  # not recognised without the mapping
    result = _import(FIXTURES / "custom_columns.csv", columns=CUSTOM)
    assert [(i.answer, i.options[0].text) for i in result.items] == [("A", "接通率"), ("C", "考察期")]


def test_columns_option_is_parsed_and_checked():
    assert parse_columns("stem=题目内容, answer=正确选项") == {"stem": "题目内容", "answer": "正确选项"}
    with pytest.raises(ImportTextError, match="unknown role 'question'"):
        parse_columns("question=题目")
    with pytest.raises(ImportTextError, match="is not role=header"):
        parse_columns("stem")


def _workbook(tmp_path, name, sheets):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


XLSX_ROWS = [
    ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度", "知识点", "编号"],
    ["单选题", "呼叫中心衡量接通效率的指标是（ ）。", "接通率", "首次解决率", "平均通话时长", "放弃率", "A", None, "中", None, "cc-0001"],
    ["多选题", "客户信息的来源包括（ ）。", "交易记录", "客户反馈", "竞争对手账目", "公开资料", "ABD", "三项都合法。", 4, None, None],
    ["判断题", "服务补救应当及时进行。", None, None, None, None, "√", None, None, None, None],
    ["单选题", "数值选项也按文字读（ ）。", 10, 20, 30.0, 40.5, "C", None, None, None, None],
]


def test_excel_workbook_is_read_by_content_whatever_its_name(tmp_path):
    path = _workbook(tmp_path, "export.dat", {"说明": [["本表由平台导出"]], "试题": XLSX_ROWS})
    assert detect_format(path) == "xlsx"
    result = _import(path)
    assert _keys(result)[:3] == [
        ("single", "A", "呼叫中心衡量接通效率的指标是（ ）。"),
        ("multi", ["A", "B", "D"], "客户信息的来源包括（ ）。"),
        ("judge", True, "服务补救应当及时进行。"),
    ]
    assert result.items[0].id == "cc-0001" and result.items[0].difficulty == "medium"
    assert result.items[1].explanation == "三项都合法。" and result.items[1].difficulty == "hard"
    assert [o.text for o in result.items[3].options] == ["10", "20", "30", "40.5"] and result.items[3].answer == "C"
    assert result.files[0].document == "export.dat"


def test_each_sheet_with_questions_is_its_own_document(tmp_path):
    path = _workbook(tmp_path, "two.xlsx", {"单选": XLSX_ROWS[:2], "多选": [XLSX_ROWS[0], XLSX_ROWS[2]]})
    result = _import(path)
    assert [f.document for f in result.files] == ["two.xlsx[单选]", "two.xlsx[多选]"]
    assert len(result.items) == 2


def test_a_workbook_without_a_header_names_what_is_missing(tmp_path):
    path = _workbook(tmp_path, "bad.xlsx", {"Sheet1": [["问题", "回答"], ["甲", "乙"]]})
    with pytest.raises(ImportTextError, match=r"no header row with 题干/题目 and 答案/正确答案 columns.*--columns"):
        _import(path)


def test_cli_imports_a_table_with_columns(tmp_path):
    out = tmp_path / "bank.json"
    result = CliRunner().invoke(main, [
        "import", str(FIXTURES / "custom_columns.csv"), "--topics", str(FIXTURES / "topics.json"),
        "--columns", "stem=题目内容,A=第一项,B=第二项,C=第三项,D=第四项,answer=正确选项", "--out", str(out),
    ])
    assert result.exit_code == 0, result.output
    assert len(load_bank(out).items) == 2
