"""What instructors open: the report PDF and HTML, slips, item-analysis CSV, workbook, annotated scans,
and the statistics written back into the bank."""

from __future__ import annotations

import base64
import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pdf_inspect import font_report, page_texts, squash
from PIL import Image
from sim_cohort import (
    MISKEY_ITEM,
    bank_items,
    build_store,
    cs_layout,
    cs_manifest,
    roster,
    simulate_answers,
    write_scans,
)

from omr.read import layout_to_image_points
from papergen.bank.model import Bank
from papergen.errors import ReportError
from papergen.grading import STORE_FILENAME, QuestionScore, SectionScore, SheetScore, Store, grade_batch
from papergen.i18n import using_language
from papergen.report.annotate import (
    AnnotateStyle,
    BubbleBox,
    annotate_sheets,
    bubble_boxes,
    draw_annotations,
)
from papergen.report.html_common import html_page
from papergen.report.html_report import report_html
from papergen.report.pdf_report import render_report_pdf
from papergen.report.run import exam_report
from papergen.report.slips import render_slips_pdf, slips_html, slips_of
from papergen.report.tables import (
    ITEM_COLUMNS,
    SCORE_COLUMNS_HEAD,
    SCORE_COLUMNS_TAIL,
    write_item_analysis_csv,
    write_workbook,
)
from papergen.writeback import writeback_stats

COUNT = 40


@pytest.fixture(scope="module")
def outputs(report, tmp_path_factory):
    """The outputs in Chinese, as a Chinese exam centre reads them."""
    out = tmp_path_factory.mktemp("out")
    with using_language("zh"):
        render_report_pdf(report, out / "report.pdf")
        render_slips_pdf(report, out / "slips.pdf")
        write_item_analysis_csv(report, out)
        write_workbook(report, out)
    return out


# -- the report PDF ----------------------------------------------------------------------------------


def test_report_pdf_embeds_every_font(outputs):
    fonts = font_report(outputs / "report.pdf")
    assert fonts and all(fonts.values()), fonts


def test_report_pdf_has_extractable_chinese_text_and_the_suspect_item(outputs):
    pages = [squash(t) for t in page_texts(outputs / "report.pdf")]
    assert "成绩分析报告" in pages[0] and "参考人数" in pages[0] and f"{COUNT}" in pages[0]
    whole = "".join(pages)
    assert "疑似答案有误的试题" in whole and MISKEY_ITEM in whole and "逐题分析" in whole
    assert all(f"cs-{n:04d}" in whole for n in (1, 90, 180))


# -- the HTML report -------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.rows, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("class"):
            self.rows.append(attrs["class"])
        if tag in ("script", "img", "link") or "src" in attrs or str(attrs.get("href", "")).startswith("http"):
            self.external.append(tag)


def test_html_report_holds_the_tables_and_inline_charts_and_nothing_external(report):
    with using_language("zh"):
        page = report_html(report)
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.tags.count("table") >= 4 and parsed.tags.count("svg") == 3
    assert not parsed.external
    assert "miskey" in parsed.rows
    assert "疑似答案有误的试题" in page and MISKEY_ITEM in page and "难度P" in page
    for svg in page.split("<svg")[1:]:
        ET.fromstring("<svg" + svg.split("</svg>")[0] + "</svg>")


# -- slips ---------------------------------------------------------------------------------------------


def test_slips_pdf_has_one_page_per_candidate_with_name_and_missed_questions(outputs, report):
    pages = [squash(t) for t in page_texts(outputs / "slips.pdf")]
    slips = slips_of(report)
    assert len(pages) == COUNT == len(slips)
    first = slips[0]
    assert first.name in pages[0] and first.candidate in pages[0]
    assert f"未得满分的题目（共{len(first.questions)}题）" in pages[0]
    assert all(fonts for fonts in font_report(outputs / "slips.pdf").values())


def test_slip_lists_wrong_answers_in_the_printed_labels_of_the_candidates_paper(report):
    sheet = report.cohort.sheets[1]
    slip = slips_of(report, answers="missed")[1]
    wrong = [q for q in sheet.score.questions if q.status in ("wrong", "blank")]
    assert [m.number for m in slip.questions if m.status in ("wrong", "blank")] == [q.number for q in wrong]
    judge = next((m for m in slip.questions if 141 <= m.number <= 160), None)
    if judge is not None:
        assert judge.answer in ("对", "错")


def test_slips_html_has_one_section_per_candidate(report):
    assert slips_html(report).count('<section class="slip"') == COUNT


# -- CSV and workbook ------------------------------------------------------------------------------


def test_item_analysis_csv_has_the_documented_columns_and_one_row_per_item(outputs):
    text = (outputs / "item-analysis-CS2026A.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [c.key for c in ITEM_COLUMNS]
    assert len(rows) == 180
    miskey = next(r for r in rows if r["item_id"] == MISKEY_ITEM)
    assert miskey["miskey_suspect"] == "1" and "distractor_beats_key" in miskey["flags"]
    assert miskey["questions"].startswith("A:7 B:")


def test_workbook_opens_with_scores_and_item_analysis(outputs, report):
    book = load_workbook(outputs / "results-CS2026A.xlsx")
    assert book.sheetnames == ["成绩", "题目分析", "概况", "答案更正"]
    scores = list(book["成绩"].iter_rows(values_only=True))
    assert scores[0][:4] == ("准考证号", "姓名", "考试编号", "试卷代号")
    assert "单项选择题" in scores[0] and "总分" in scores[0]
    assert len(scores) == COUNT + 1
    items = list(book["题目分析"].iter_rows(values_only=True))
    with using_language("zh"):
        assert items[0] == tuple(c.heading() for c in ITEM_COLUMNS)
    p_column = items[0].index("难度P")
    assert items[1][p_column] == pytest.approx(report.analysis.items[0].p_value)


def test_workbook_keeps_formula_like_names_as_text_and_numbers_as_numbers(tmp_path):
    candidates = roster(4)
    candidates[0] = candidates[0].model_copy(update={"name": '=HYPERLINK("http://x","点我")'})
    candidates[1] = candidates[1].model_copy(update={"name": "王\x01小明\x1b"})
    manifest = cs_manifest(candidates=candidates)
    path = build_store(tmp_path, manifest, simulate_answers(manifest, 4))
    with Store.open(path) as store, using_language("zh"):
        write_workbook(exam_report(store, "CS2026A"), tmp_path)
    sheet = load_workbook(tmp_path / "results-CS2026A.xlsx")["成绩"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    named = [c for c in cells if c.value == '=HYPERLINK("http://x","点我")']
    assert [c.data_type for c in named] == ["s"]
    assert "王小明" in [c.value for c in cells], "control characters XLSX cannot hold are left out"
    total = [c.column for c in sheet[1] if c.value == "总分"][0]
    assert all(isinstance(sheet.cell(row, total).value, float | int) for row in range(2, 6))


# -- annotated scans -----------------------------------------------------------------------------------


def _score(*questions):
    return SheetScore("A", "00000000", tuple(questions), (SectionScore("single", "单选", 1.0, 3.0),))


def test_annotations_colour_marks_keys_review_and_dropped_questions():
    boxes = {(n, o): BubbleBox(40.0 + 30 * i, 40.0 + 40 * (n - 1), 8.0, 6.0)
             for n in (1, 2, 3, 4) for i, o in enumerate("ABCD")}
    score = _score(
        QuestionScore(1, "single", ("A",), ("A",), 0.5, 0.5, "correct"),
        QuestionScore(2, "single", ("B",), ("C",), 0.0, 0.5, "wrong"),
        QuestionScore(3, "single", ("A", "B"), ("B",), 0.0, 0.5, "review", ("multiple",)),
        QuestionScore(4, "single", (), ("D",), 0.0, 0.0, "dropped"),
    )
    image = np.full((200, 200), 255, np.uint8)
    style = AnnotateStyle()
    out = np.asarray(draw_annotations(image, boxes, score, banner=["x"], px_per_mm=4.0, style=style))
    offset = out.shape[0] - 200
    assert offset == round(style.banner_mm * 4.0)

    def at(question, option, dx=0.0):
        box = boxes[(question, option)]
        return tuple(out[round(box.y) + offset, round(box.x + dx)])

    ring = 8.0 * style.ring_grow - 1.0  # PIL draws an outline inside its bounding box
    assert at(1, "A", ring) == style.correct
    assert at(2, "B", ring) == style.wrong and at(2, "C") == style.correct  # the key's dot
    assert at(1, "B", ring) == (255, 255, 255)

    def frame_colours(question):
        left = int(boxes[(question, "A")].x - 8.0 - style.frame_pad_mm * 4.0)
        return {tuple(out[int(boxes[(question, "A")].y) + offset, x]) for x in range(left - 1, left + 2)}

    assert style.flagged in frame_colours(3) and style.dropped in frame_colours(4)
    assert style.flagged not in frame_colours(1) and style.dropped not in frame_colours(1)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """Two skewed synthetic scans (one upside down) graded with the real reader."""
    root = tmp_path_factory.mktemp("scans")
    manifest = write_scans(root, 2, suffix=".png", skew_deg=1.2, quarter_turns=lambda i: 2 * i)
    grade_batch([root / "scans"], [manifest], root / "results")
    return root


def test_annotated_rings_sit_on_the_scanned_marks(scanned):
    layout = cs_layout()
    with Store.open(scanned / "results" / STORE_FILENAME) as store:
        sheet = next(s for s in store.graded_sheets() if s.page.source.endswith("s0.png"))
        read = store.sheet_read(sheet.page.page_id)
    image = cv2.imread(sheet.page.source, cv2.IMREAD_GRAYSCALE)
    boxes = bubble_boxes(layout, lambda mm: layout_to_image_points(read, layout, mm))
    marked = [boxes[(q.number, o)] for q in sheet.score.questions for o in q.marked]
    assert len(marked) > 100
    darkness = [image[round(b.y), round(b.x)] for b in marked]
    assert np.median(darkness) < 80
    assert np.median([b.half_width for b in marked]) == pytest.approx(layout.bubble.width_mm / 2 * 150 / 25.4, rel=0.05)


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_annotate_writes_an_image_per_page_and_a_pdf_per_candidate(scanned, tmp_path, kind):
    with Store.open(scanned / "results" / STORE_FILENAME) as store:
        sheets = store.graded_sheets()
        images = annotate_sheets(sheets, cs_layout(), tmp_path / kind, stored_reads=store.sheet_read, annotate_as=kind)
        pdfs = annotate_sheets(sheets, cs_layout(), tmp_path / "pdf", annotate_as="pdf")  # registers the pages again
    suffix = {"jpeg": ".jpg", "png": ".png"}[kind]
    assert not images.problems and len(images.written) == 2 and all(p.suffix == suffix for p in images.written)
    assert sorted(p.name for p in pdfs.written) == ["2026000001.pdf", "2026000002.pdf"]
    for path in images.written:  # s1 was scanned upside down; both come out upright: marks fill the lower half
        opened = Image.open(path)
        assert opened.format == kind.upper()
        grey = np.asarray(opened.convert("L"))
        half = grey.shape[0] // 2
        assert (grey[:half] < 128).mean() < 0.7 * (grey[half:] < 128).mean()


def test_the_default_annotation_is_a_jpeg_per_page(scanned, tmp_path):
    with Store.open(scanned / "results" / STORE_FILENAME) as store:
        summary = annotate_sheets(store.graded_sheets(), cs_layout(), tmp_path, stored_reads=store.sheet_read)
    assert [p.suffix for p in summary.written] == [".jpg", ".jpg"]


def test_annotate_lists_pages_it_cannot_draw_and_goes_on(scanned, tmp_path):
    with Store.open(scanned / "results" / STORE_FILENAME) as store:
        sheets = store.graded_sheets()
    moved = [s for s in sheets if s.page.source.endswith("s0.png")]
    changed = tmp_path / "s1.png"
    changed.write_bytes(cv2.imencode(".png", np.full((50, 50), 255, np.uint8))[1].tobytes())
    other = [s for s in sheets if s.page.source.endswith("s1.png")]
    renamed = [type(s)(s.page.__class__(**{**s.page.__dict__, "source": str(changed)}), s.score, s.flags)
               for s in other]
    missing = [type(s)(s.page.__class__(**{**s.page.__dict__, "source": str(tmp_path / "gone.png")}), s.score,
                       s.flags) for s in moved]
    summary = annotate_sheets(renamed + missing, cs_layout(), tmp_path / "out")
    reasons = sorted(p.reason for p in summary.problems)
    assert not summary.written and len(reasons) == 2
    assert reasons[0].startswith("scan file not found") and "changed since grading" in reasons[1]


# -- statistics back into the bank --------------------------------------------------------------------


def test_writeback_sets_item_stats_by_id_and_lists_unknown_items(report, make_bank, make_item):
    bank = make_bank([make_item(MISKEY_ITEM), make_item("cs-0001"), make_item("other-1")])
    result = writeback_stats(bank, report.analysis, "CS2026A")
    stats = {item.id: item.stats for item in result.bank.items}
    analysed = next(a for a in report.analysis.items if a.item.item_id == MISKEY_ITEM)
    assert stats[MISKEY_ITEM].p_value == pytest.approx(analysed.p_value, abs=1e-4)
    assert stats[MISKEY_ITEM].discrimination < 0 and stats[MISKEY_ITEM].candidates == COUNT
    assert stats["other-1"] is None and bank.items[0].stats is None
    assert sorted(result.updated) == ["cs-0001", MISKEY_ITEM]
    assert len(result.skipped) == 178 and "cs-0002: not in bank test-bank" in result.skipped
    assert isinstance(result.bank, Bank) and not math.isnan(stats["cs-0001"].p_value)


def test_report_breaks_scores_down_by_the_banks_topics(store_path, make_bank, make_item):
    topics = [{"code": "01", "name": "客户服务概述", "weight": 1}, {"code": "02", "name": "客户投诉处理", "weight": 1}]
    items = [make_item(i.item_id, topic="01" if n < 90 else "02") for n, i in enumerate(bank_items())]
    bank = make_bank(items, topics).model_copy(update={"id": "cs-bank"})
    with Store.open(store_path) as store:
        with_topics = exam_report(store, "CS2026A", bank=bank)
        with pytest.raises(ReportError, match="the bank given is 'test-bank', the exam was built from 'cs-bank'"):
            exam_report(store, "CS2026A", bank=make_bank(items, topics))
    first, second = with_topics.topics
    assert (first.key, first.title, first.items, second.items) == ("01", "客户服务概述", 90, 90)
    assert first.max_points + second.max_points == 100
    with using_language("zh"):
        assert "三、各知识点得分" in report_html(with_topics) and "客户投诉处理" in report_html(with_topics)


def test_exports_doc_describes_every_column():
    doc = (Path(__file__).parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    columns = [*ITEM_COLUMNS, *SCORE_COLUMNS_HEAD, *SCORE_COLUMNS_TAIL]
    missing = [c.key for c in columns if f"`{c.key}`" not in doc and not c.key.startswith("option_")]
    with using_language("zh"):
        missing += [c.heading() for c in columns if c.heading() not in doc and not c.key.startswith("option_")]
    missing += [c.title for c in columns if c.title not in doc and not c.key.startswith("option_")]
    assert not missing
    assert "`option_A` … `option_F`" in doc and "`option_true`, `option_false`" in doc


def _embedded_font_characters(page: str) -> set[str]:
    """Characters the page's inline WOFF2 font covers."""
    match = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", page)
    assert match, "no embedded font"
    font = TTFont(io.BytesIO(base64.b64decode(match.group(1))))
    return {chr(code) for code in font.getBestCmap()}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks, self._skip = [], False

    def handle_starttag(self, tag, attrs):
        self._skip = tag == "style"

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


@pytest.mark.parametrize("which", ["report", "slips"])
def test_html_pages_embed_a_font_covering_every_character_they_show(report, which):
    page = report_html(report) if which == "report" else slips_html(report)
    parsed = _Text()
    parsed.feed(page)
    shown = {ch for ch in "".join(parsed.chunks) if not ch.isspace()}
    assert any(ord(ch) > 0x3000 for ch in shown)
    assert shown - _embedded_font_characters(page) == set()
    assert 'font-family: "PapergenCJK"' in page


def test_the_embedded_font_is_a_small_subset_of_the_bundled_font():
    page = html_page("成绩报告", "<p>客户服务管理师</p>")
    characters = _embedded_font_characters(page)
    assert set("成绩报告客户服务管理师") <= characters and len(characters) < 200
    assert len(page) < 40_000


def test_write_reports_tells_the_annotation_progress(scanned, tmp_path):
    from papergen.report import write_reports

    files, sheets = [], []
    write_reports(scanned / "results", tmp_path / "reports", formats=["html"], annotate=True, layout=cs_layout(),
                  progress=lambda done, total: files.append((done, total)),
                  annotate_progress=lambda done, total: sheets.append((done, total)))
    assert files[-1] == (4, 4)  # report and slips HTML, item-analysis CSV, workbook
    assert sheets == [(1, 2), (2, 2)]
    assert len(list((tmp_path / "reports").glob("annotated-*/*.jpg"))) == 2
