"""Word .docx sources: the text grammar over paragraphs, automatic numbering, tables, pictures."""

from __future__ import annotations

import io

import docx
from PIL import Image

from papergen.importers import import_sources, load_bank_header
from papergen.importers.readers import detect_format
from papergen.importers.word import _format_number

from import_files import FIXTURES

HEADER = load_bank_header(FIXTURES / "topics.json")


def _png() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(data, format="PNG")
    data.seek(0)
    return data


def _document(tmp_path, name="bank.docx"):
    document = docx.Document()
    document.add_paragraph("客户服务练习（Word 版）")
    document.add_paragraph("一、单选题")
    document.add_paragraph("客户关系管理的核心是（ ）。", style="List Number")  # Word prints "1."
    document.add_paragraph("A. 产品 B. 价格 C. 客户 D. 渠道")
    document.add_paragraph("我的答案: B 正确答案: C")
    document.add_paragraph("下图中满意度最高的月份是（ ）。", style="List Number")  # "2."
    document.add_paragraph().add_run().add_picture(_png())
    document.add_paragraph("A. 三月 B. 六月")
    document.add_paragraph("答案：A")
    document.add_paragraph("二、判断题")
    document.add_paragraph("3. 服务承诺应当兑现。答案：✔")
    table = document.add_table(rows=3, cols=6)
    for row, values in zip(table.rows, [
        ["题型", "题干", "选项A", "选项B", "选项C", "答案"],
        ["单选题", "投诉处理的第一步是（ ）。", "倾听", "辩解", "拖延", "A"],
        ["判断题", "客户满意就一定忠诚。", "", "", "", "错"],
    ], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / name
    document.save(path)
    return path


def test_word_paragraphs_are_read_by_the_text_grammar_with_automatic_numbers(tmp_path):
    result = import_sources([_document(tmp_path)], HEADER).result
    text_items = [i for i in result.items if i.provenance.document == "bank.docx"]
    assert [(i.provenance.number, i.type, i.answer) for i in text_items] == [("1", "single", "C"), ("2", "single", "A"), ("3", "judge", True)]
    assert [o.text for o in text_items[0].options] == ["产品", "价格", "客户", "渠道"]


def test_a_question_table_in_a_word_document_is_read_as_a_table(tmp_path):
    result = import_sources([_document(tmp_path)], HEADER).result
    table_items = [i for i in result.items if i.provenance.document == "bank.docx table 1"]
    assert [(i.type, i.answer) for i in table_items] == [("single", "A"), ("judge", False)]


def test_a_picture_is_reported_with_its_question(tmp_path):
    result = import_sources([_document(tmp_path)], HEADER).result
    warning = next(p for p in result.problems if "picture" in p.message)
    assert warning.number == "2" and "paragraph 7" in warning.message


def test_word_is_recognised_by_content(tmp_path):
    assert detect_format(_document(tmp_path, "export.bin")) == "docx"


def test_numbering_formats():
    assert [_format_number(n, f) for n, f in [(3, "decimal"), (2, "upperLetter"), (1, "lowerLetter"), (4, "chineseCounting")]] == ["3", "B", "a", "四"]
