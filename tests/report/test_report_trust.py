"""Reports that cannot mislead: printed letters, headings without gaps, topics from the key, small samples,
results still waiting for review."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest
from openpyxl import load_workbook
from pdf_inspect import page_texts, squash
from sim_cohort import MISKEY_ITEM

from papergen.grading import DUPLICATE_SCAN, Flag
from papergen.i18n import using_language
from papergen.report.cohort import build_cohort
from papergen.report.html_report import report_html
from papergen.report.pdf_report import render_report_pdf
from papergen.report.report_text import miskey_table, part_headings
from papergen.report.slips import slips_html, slips_of
from papergen.report.summary import ReportParams, summarise_cohort
from papergen.report.tables import write_item_analysis_csv, write_workbook

COUNT = 40
NUMERALS = "一二三四五六七八九十"


@pytest.fixture(autouse=True)
def _chinese():
    """These tests read the wording a Chinese exam centre reads: in Chinese."""
    with using_language("zh"):
        yield


def _headings(page: str) -> list[str]:
    return re.findall(r"<h2>([一二三四五六七八九十])、", page)


# -- letters as printed ------------------------------------------------------------------------------


def test_miskey_table_gives_the_key_as_printed_on_each_variant_and_the_bank_key_beside_it(report):
    table = miskey_table(report)
    row = next(r for r in table.rows if r[1] == MISKEY_ITEM)
    manifest = report.cohort.manifest
    printed = {v.variant: "".join(q.answer) for v in manifest.variants for q in v.questions
               if q.item_id == MISKEY_ITEM}
    assert printed["A"] != printed["B"]  # the planted item is shuffled on B: the two columns must differ
    assert row[2] == f"A卷{printed['A']}　B卷{printed['B']}"
    assert table.header[2:4] == ("答案", "题库答案") and row[3] == "A"
    b_question = next(q for q in manifest.variant("B").questions if q.item_id == MISKEY_ITEM)
    b_letter = "ABCDE"[b_question.permutation.index("B")]  # able candidates choose bank option B
    assert table.header[7] == "高分组首选" and row[7] == f"A卷B　B卷{b_letter}"


def test_item_analysis_csv_gives_printed_keys_equal_to_the_key_file(report, tmp_path):
    rows = list(csv.DictReader(io.StringIO(
        write_item_analysis_csv(report, tmp_path).read_text(encoding="utf-8-sig"))))
    by_item = {r["item_id"]: r for r in rows}
    for variant in report.cohort.manifest.variants:
        for q in variant.questions:
            printed = dict(part.split(":") for part in by_item[q.item_id]["printed_key"].split())
            assert printed[variant.variant] == "".join(q.answer), (q.item_id, variant.variant)


# -- headings without gaps ---------------------------------------------------------------------------


def test_report_parts_are_numbered_without_gaps_and_the_topic_part_says_why_it_is_empty(report, tmp_path):
    page = report_html(report)
    numbers = _headings(page)
    assert "".join(numbers) == NUMERALS[: len(numbers)] and len(numbers) == len(part_headings(report))
    assert "三、各知识点得分" in page and "--bank" in page
    render_report_pdf(report, tmp_path / "report.pdf")
    text = squash("".join(page_texts(tmp_path / "report.pdf")))
    for title in part_headings(report).values():
        assert squash(title) in text


def test_a_part_shown_only_sometimes_shifts_the_numbers_after_it(report):
    without = part_headings(report)
    first = report.cohort.sheets[0]
    flagged = dataclasses.replace(first, flags=(Flag(DUPLICATE_SCAN, "same marks"),))
    copy = dataclasses.replace(flagged, page=dataclasses.replace(first.page, page_id=first.page.page_id + 10_000))
    twice = summarise_cohort(build_cohort(report.cohort.manifest, [flagged, *report.cohort.sheets[1:], copy]))
    headings = part_headings(twice)
    assert "excluded" not in without and without["items"] == "七、逐题分析"
    assert headings["excluded"] == "七、未计入统计的答题卡" and headings["items"] == "八、逐题分析"
    assert "".join(_headings(report_html(twice))) == NUMERALS[:8]


# -- topics from the key -----------------------------------------------------------------------------


def test_topics_come_from_the_key_when_no_bank_is_given(report):
    manifest = report.cohort.manifest
    topic_of = {f"cs-{n:04d}": ("01" if n <= 90 else "02") for n in range(1, 181)}
    variants = [v.model_copy(update={"questions": [q.model_copy(update={"topic": topic_of[q.item_id]})
                                                   for q in v.questions]}) for v in manifest.variants]
    keyed = manifest.model_copy(update={"variants": variants,
                                        "topic_names": {"01": "客户服务概述", "02": "客户投诉处理"}})
    with_topics = summarise_cohort(build_cohort(keyed, report.cohort.sheets))
    first, second = with_topics.topics
    assert (first.title, first.items, second.title, second.items) == ("客户服务概述", 90, "客户投诉处理", 90)
    page = report_html(with_topics)
    assert "客户投诉处理" in page and "--bank" not in page
    assert "".join(_headings(page)) == NUMERALS[: len(_headings(page))]


# -- small samples -----------------------------------------------------------------------------------


def test_item_statistics_of_a_small_cohort_carry_a_warning(report):
    assert report.fewest_candidates == COUNT and report.small_sample_warning
    assert f"最少只有 {COUNT} 人（少于 100 人）" in report_html(report)
    enough = summarise_cohort(report.cohort, params=ReportParams(small_sample=COUNT))
    assert not enough.small_sample_warning and "仅供参考" not in report_html(enough)


def test_the_workbook_overview_carries_the_small_sample_warning(report, tmp_path):
    rows = list(load_workbook(write_workbook(report, tmp_path))["概况"].iter_rows(values_only=True))
    assert any(label == "注意" and "少于 100 人" in value for label, value, *_ in rows if label)


# -- pending review ----------------------------------------------------------------------------------


def _held_for_review(sheet, needed: float):
    """The sheet with enough of its wrong questions held for review to reach ``needed`` more points."""
    questions, gain = [], 0.0
    for q in sheet.score.questions:
        if q.status == "wrong" and gain < needed:
            q = dataclasses.replace(q, status="review", review=("ambiguous",))
            gain += q.max_points
        questions.append(q)
    return dataclasses.replace(sheet, score=dataclasses.replace(sheet.score, questions=tuple(questions)))


def test_a_result_review_could_change_is_pending_not_failed(report, tmp_path):
    cut = report.cut
    near = next(i for i, s in enumerate(report.cohort.sheets) if cut - 10 <= s.score.total < cut)
    far = next(i for i, s in enumerate(report.cohort.sheets) if s.score.total < cut - 20)
    sheets = list(report.cohort.sheets)
    sheets[near] = _held_for_review(sheets[near], cut - sheets[near].score.total)
    sheets[far] = _held_for_review(sheets[far], 1.0)  # a point or two cannot carry it across the cut
    held = summarise_cohort(build_cohort(report.cohort.manifest, sheets))
    assert held.verdicts[near] == "pending" and held.verdicts[far] == "fail"
    assert held.pass_rate == report.pass_rate and int(held.pending.sum()) == 1
    slips = slips_of(held)
    assert slips[near].verdict == "pending"
    page = slips_html(held)
    section = page.split('<section class="slip"')[near + 1]
    assert "待复核后确定" in section and "不及格" not in section
    assert "1 名考生有题目待人工复核" in report_html(held)
    book = load_workbook(write_workbook(held, tmp_path))
    rows = list(book["成绩"].iter_rows(values_only=True))
    assert rows[near + 1][rows[0].index("及格")] == "待复核"
