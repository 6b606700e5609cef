"""Score slips: how much of the key they show, no internal paths, roster wording, per-candidate page footers."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pdf_inspect import page_texts, squash

from papergen.cli import main
from papergen.errors import ReportError
from papergen.report.cohort import build_cohort
from papergen.report.slips import SlipStyle, parse_answer_detail, render_slips_pdf, slips_html, slips_of
from papergen.report.summary import summarise_cohort

COUNT = 12


def _sections(page: str) -> list[str]:
    return page.split('<section class="slip"')[1:]


def test_by_default_slips_list_missed_questions_without_the_correct_answers(report):
    page = slips_html(report)
    assert "<th>答案</th>" not in page and "为保护题库，成绩单不列出正确答案" in page
    slip, sheet = slips_of(report)[0], report.cohort.sheets[0]
    missed = [q.number for q in sheet.score.questions if q.status in ("wrong", "blank", "partial", "review")]
    assert [q.number for q in slip.questions] == missed
    assert f"共 {len(missed)} 题未得满分" in _sections(page)[0]


def test_answers_missed_adds_the_printed_key_and_all_lists_every_question(report):
    sheet = report.cohort.sheets[0]
    key = {q.number: q for q in report.cohort.manifest.variant(sheet.score.variant).questions}
    missed = slips_of(report, answers="missed")[0]
    assert missed.questions and all(q.answer == ("对" if key[q.number].answer == ["T"] else "错")
                                    if key[q.number].type == "judge" else q.answer == "".join(key[q.number].answer)
                                    for q in missed.questions)
    assert "<th>答案</th>" in slips_html(report, answers="missed")
    every = slips_of(report, answers="all")[0]
    assert [q.number for q in every.questions] == list(range(1, 181))
    assert sum(q.points for q in every.questions) == pytest.approx(sheet.score.total)
    with pytest.raises(ReportError, match=r"unknown answer detail \(got 'keys'\); choose from none, missed, all"):
        parse_answer_detail("keys")


def test_slips_name_no_file_or_folder_of_the_results(report, tmp_path):
    render_slips_pdf(report, tmp_path / "slips.pdf", answers="all")
    texts = [squash(t) for t in page_texts(tmp_path / "slips.pdf")] + [slips_html(report, answers="all")]
    sources = {s.page.source for s in report.cohort.sheets}
    assert all(source not in text and squash(source) not in text for source in sources for text in texts)
    assert not any("答题卡：" in text for text in texts)


def test_a_missing_name_reads_by_whether_the_exam_has_a_roster(report):
    manifest = report.cohort.manifest
    no_roster = summarise_cohort(build_cohort(manifest.model_copy(update={"candidates": []}), report.cohort.sheets))
    page = slips_html(no_roster)
    assert page.count("未提供考生名单") == COUNT and "名单中无此考生" not in page
    first = report.cohort.sheets[0].page.candidate
    short = manifest.model_copy(update={"candidates": [c for c in manifest.candidates if c.number != first]})
    sections = _sections(slips_html(summarise_cohort(build_cohort(short, report.cohort.sheets))))
    assert "名单中无此考生" in sections[0] and "未提供考生名单" not in sections[0]
    assert all("名单中无此考生" not in s for s in sections[1:])


def test_every_slip_page_footer_counts_the_candidates_own_pages(report, tmp_path):
    narrow = SlipStyle(question_groups=(8, 6, 2))  # every question, two a row: a slip runs over a page
    count = render_slips_pdf(report, tmp_path / "slips.pdf", answers="all", style=narrow)
    pages = [squash(t) for t in page_texts(tmp_path / "slips.pdf")]
    assert count == len(pages) >= 2 * COUNT
    footers = [re.search(r"准考证号(\d+)\u3000?成绩单第(\d+)页共(\d+)页", text).groups() for text in pages]
    seen: dict[str, list[tuple[int, int]]] = {}
    for candidate, page, of in footers:
        seen.setdefault(candidate, []).append((int(page), int(of)))
    assert list(seen) == [s.page.candidate for s in report.cohort.sheets]
    for numbered in seen.values():
        assert numbered == [(k, len(numbered)) for k in range(1, len(numbered) + 1)]
    assert not any(f"共{count}页" in text for text in pages)


def test_report_command_passes_the_answer_detail_to_the_slips(store_path, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", str(store_path.parent), "--out", str(out), "--outputs", "html",
                                       "--answers", "missed"])
    assert result.exit_code == 0, result.output
    assert "<th>答案</th>" in (out / "slips-CS2026A.html").read_text(encoding="utf-8")
    refused = CliRunner().invoke(main, ["report", str(store_path.parent), "--out", str(out), "--answers", "keys"])
    assert refused.exit_code == 2 and "'keys' is not one of 'none', 'missed', 'all'" in refused.output
