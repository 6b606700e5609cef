"""The instructor's documents speak the language in use; ``write_reports`` tells its progress."""

from __future__ import annotations

import base64
import io
import re

from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pdf_inspect import page_texts

from papergen.i18n import using_language
from papergen.report.html_report import report_html
from papergen.report.pdf_report import render_report_pdf
from papergen.report.report_text import small_sample_note, topic_note
from papergen.report.run import write_reports
from papergen.report.tables import write_workbook

COUNT = 24


def test_write_reports_tells_its_progress_file_by_file(store_path, tmp_path):
    calls = []
    run = write_reports(store_path.parent, tmp_path, formats=["pdf", "html"],
                        progress=lambda done, total: calls.append((done, total)))
    assert calls == [(done, 6) for done in range(7)]  # report and slips in two formats, the CSV, the workbook
    assert len(run.written) == 6


def _embedded_characters(page: str) -> set[str]:
    """Characters the page's inline WOFF2 font covers."""
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\)", page)[1])
    return {chr(code) for code in TTFont(io.BytesIO(data)).getBestCmap()}


def test_the_html_report_speaks_chinese_under_zh_and_english_under_en(report):
    with using_language("zh"):
        chinese = report_html(report)
    with using_language("en"):
        english = report_html(report)
    assert '<html lang="zh-CN">' in chinese and '<html lang="en">' in english
    assert "成绩分析报告" in chinese and "一、总体情况" in chinese and "参考人数" in chinese
    assert "score report" in english and "<h2>1. Overview</h2>" in english and "Candidates sitting" in english
    assert not {"总体情况", "参考人数", "疑似答案有误", "说明"} & {w for w in _words(english)}
    # the title keeps the exam's own (Chinese) name; the embedded font still covers every English letter
    assert set("Overview Candidates sitting 1234567890.") <= _embedded_characters(english)


def _words(page: str) -> set[str]:
    """The Chinese runs of a page's text."""
    return set(re.findall(r"[\u4e00-\u9fff]+", page))


def test_the_workbook_names_its_sheets_and_headings_in_the_language_in_use(report, tmp_path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "en").mkdir()
    with using_language("zh"):
        chinese = load_workbook(write_workbook(report, tmp_path / "zh"))
    with using_language("en"):
        english = load_workbook(write_workbook(report, tmp_path / "en"))
    assert chinese.sheetnames == ["成绩", "题目分析", "概况", "答案更正"]
    assert english.sheetnames == ["Scores", "Item analysis", "Summary", "Key corrections"]
    zh_head = next(chinese["成绩"].iter_rows(values_only=True))
    en_head = next(english["Scores"].iter_rows(values_only=True))
    assert zh_head[:4] == ("准考证号", "姓名", "考试编号", "试卷代号") and "总分" in zh_head
    assert en_head[:4] == ("Candidate number", "Name", "Exam id", "Variant") and "Total" in en_head
    assert "单项选择题" in en_head  # a section keeps the paper format's own title
    items = next(english["Item analysis"].iter_rows(values_only=True))
    assert "Difficulty P" in items and "Chose A" in items and "选A人数" not in items
    summary = [row[0] for row in english["Summary"].iter_rows(values_only=True) if row[0]]
    assert "Candidates sitting" in summary and "Whole paper" in summary
    assert "全卷" in [row[0] for row in chinese["概况"].iter_rows(values_only=True)]


def test_the_english_pdf_report_wraps_between_words(simulated_report, tmp_path):
    _store, report = simulated_report(8)  # its notes run across a page break: reportlab's CJK wrapping fails there
    with using_language("en"):
        render_report_pdf(report, tmp_path / "report.pdf")
        notes = [small_sample_note(report), topic_note(report)]
    text = "\n".join(page_texts(tmp_path / "report.pdf"))
    assert "1. Overview" in text and "Notes" in text and "Page 1 of" in text and "成绩分析报告" not in text
    # lines break at spaces: joining them with a space gives the notes back, no word cut in two
    joined = re.sub(r"[ ]*\r?\n", " ", text)
    assert all(note and note in joined for note in notes), notes
