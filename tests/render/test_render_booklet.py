"""The question booklet PDF: fonts, text, page numbering, page breaks, reproducibility."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pdf_inspect import font_report, page_texts, squash
from paper_builders import make_paper

from papergen.bank.figures import store_figure
from papergen.errors import RenderError
from papergen.exam import PaperFigure
from papergen.render import render_booklet
from papergen.render.booklet import options_per_line
from papergen.render.fonts import NO_LINE_START
from papergen.render.text import JUDGE_BLANK


@pytest.fixture(scope="module")
def paper():
    return make_paper()


@pytest.fixture(scope="module")
def booklet(paper, tmp_path_factory):
    path = tmp_path_factory.mktemp("booklet") / "booklet-A.pdf"
    pages = render_booklet(paper, path)
    return path, pages


@pytest.fixture(scope="module")
def texts(booklet):
    return page_texts(booklet[0])


def test_booklet_embeds_every_font(booklet):
    fonts = font_report(booklet[0])
    assert fonts, "no fonts found"
    assert all(fonts.values()), f"fonts not embedded: {[n for n, e in fonts.items() if not e]}"


def test_booklet_text_holds_every_stem_and_option(paper, texts):
    whole = squash("".join(texts))
    missing = [q.number for q in paper.questions if squash(q.stem) not in whole]
    missing += [
        f"{q.number}{o.label}" for q in paper.questions for o in q.options if squash(o.text) not in whole
    ]
    assert missing == []
    assert "\ufffd" not in whole


def test_booklet_opens_with_title_instructions_and_section_headings(paper, texts):
    first = squash(texts[0])
    assert squash(paper.format.title) in first
    assert "试卷代号：A" in first
    assert f"考试时间：{paper.format.duration_min}分钟" in first
    assert all(squash(line) in first for line in paper.format.booklet_instructions())
    whole = squash("".join(texts))
    assert "一、单项选择题（共140题，每题0.5分）" in whole
    assert "二、判断题（共20题，每题0.5分）" in whole
    assert "三、多项选择题（共20题，每题1分）" in whole


def test_booklet_numbers_every_page_and_repeats_the_header(paper, booklet, texts):
    path, pages = booklet
    assert pages == len(texts)
    assert 8 <= pages <= 16
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页 共{pages}页" in text
        assert paper.format.title in text and "试卷代号 A" in text


def test_booklet_prints_judge_statements_with_a_visible_blank(paper, texts):
    whole = "".join(t.replace("\r\n", "") for t in texts)
    judges = paper.section_questions("judge")
    assert judges
    assert all(q.stem + JUDGE_BLANK in whole for q in judges)
    assert "\u3000" in JUDGE_BLANK


def test_booklet_never_starts_a_line_with_closing_punctuation(tmp_path):
    path = tmp_path / "long.pdf"
    render_booklet(make_paper(60, 10, 10, stem_sentences=4), path)
    lines = [line for text in page_texts(path) for line in text.split("\r\n") if line]
    offending = [line for line in lines if line[0] in NO_LINE_START]
    assert len(lines) > 300
    assert offending == []


def _mark_question_ends(paper):
    """Each question's first and last printed texts carry unique tokens: 第n题： ... 末项n止."""
    marked = []
    for q in paper.questions:
        stem = f"第{q.number}题：{q.stem}"
        if q.options:
            last = dataclasses.replace(q.options[-1], text=q.options[-1].text + f"末项{q.number}止")
            q = dataclasses.replace(q, stem=stem, options=q.options[:-1] + (last,))
        else:
            q = dataclasses.replace(q, stem=stem + f"末项{q.number}止")
        marked.append(q)
    return dataclasses.replace(paper, questions=tuple(marked))


def test_booklet_never_splits_a_question_across_pages(tmp_path):
    paper = _mark_question_ends(make_paper(40, 10, 10, stem_sentences=6))
    path = tmp_path / "long-stems.pdf"
    pages = render_booklet(paper, path)
    texts = [squash(t) for t in page_texts(path)]
    assert pages >= 8

    def page_of(token):
        found = [i for i, t in enumerate(texts) if token in t]
        assert len(found) == 1, token
        return found[0]

    split = [
        q.number for q in paper.questions if page_of(f"第{q.number}题：") != page_of(f"末项{q.number}止")
    ]
    assert split == []


def test_booklet_keeps_each_section_heading_with_its_first_question(paper, texts):
    pages = [squash(t) for t in texts]
    for index, key in enumerate(("single", "judge", "multi")):
        first = paper.section_questions(key)[0]
        heading = squash(paper.format.sections[index].instructions)
        on_pages = [i for i, t in enumerate(pages) if heading in t]
        assert len(on_pages) == 1
        assert squash(first.stem) in pages[on_pages[0]]


def test_booklet_rejects_a_character_the_font_lacks_naming_the_item(tmp_path):
    paper = make_paper(5, 2, 2)
    bad = dataclasses.replace(paper.questions[3], stem="客户满意😀度是指（　）。")
    paper = dataclasses.replace(paper, questions=paper.questions[:3] + (bad,) + paper.questions[4:])
    with pytest.raises(RenderError, match=rf"item {re.escape(bad.item_id)} \(question 4\) stem.*U\+1F600"):
        render_booklet(paper, tmp_path / "bad.pdf")
    assert not (tmp_path / "bad.pdf").exists()


def test_booklet_rejects_a_question_taller_than_a_page(tmp_path):
    paper = make_paper(3, 0, 0, stem_sentences=200)
    with pytest.raises(RenderError, match=r"item cs-single-\d+ \(question 1\) is taller than a page"):
        render_booklet(paper, tmp_path / "tall.pdf")


def test_booklet_is_byte_identical_when_rendered_again(paper, booklet, tmp_path):
    again = tmp_path / "other-name.pdf"
    render_booklet(paper, again)
    assert again.read_bytes() == booklet[0].read_bytes()


def test_booklet_differs_between_variants(paper, booklet, tmp_path):
    other = tmp_path / "booklet-B.pdf"
    render_booklet(make_paper(variant="B"), other)
    assert other.read_bytes() != booklet[0].read_bytes()


@pytest.mark.parametrize(
    ("widths", "expected"),
    [
        ([40, 50, 45, 60], 4),
        ([40, 50, 45, 112], 4),
        ([40, 50, 45, 113], 2),
        ([40, 232, 45, 60], 2),
        ([40, 233, 45, 60], 1),
        ([40, 50], 2),
        ([40, 50, 45, 60, 30], 5),
        ([40, 50, 45, 90, 30], 2),
        ([40, 50, 45, 120, 30], 2),
        ([40, 50, 45, 240, 30], 1),
        ([40, 50, 45], 4),
        ([40, 50, 113], 2),
        ([40, 50, 45, 60, 30, 20], 4),
    ],
)
def test_options_share_a_line_when_their_widths_fit(widths, expected):
    assert options_per_line(widths, 480, 8, (5, 4, 2, 1)) == expected


def _with_figure(paper, tmp_path, *, width_mm=None, caption="图1 三个月的投诉数量"):
    picture = Image.new("RGB", (300, 150), "white")
    draw = ImageDraw.Draw(picture)
    for k, height in enumerate((60, 110, 80)):
        draw.rectangle((40 + 80 * k, 140 - height, 90 + 80 * k, 140), fill=(40, 90, 160))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    figure = store_figure(buffer.getvalue(), tmp_path / "bank.json")
    question = dataclasses.replace(paper.questions[4], figures=(PaperFigure(figure.path, figure.sha256, width_mm, caption),))
    questions = paper.questions[:4] + (question,) + paper.questions[5:]
    return dataclasses.replace(paper, questions=questions), tmp_path / figure.path


def test_a_question_prints_its_figure_and_caption_under_the_stem(paper, tmp_path):
    pictured, _ = _with_figure(paper, tmp_path, width_mm=60)
    render_booklet(pictured, tmp_path / "booklet.pdf", figure_root=tmp_path)
    page = PdfReader(tmp_path / "booklet.pdf").pages[0]
    assert len(page.images) == 1
    assert "图1三个月的投诉数量" in squash(page.extract_text())


@pytest.mark.parametrize("damage", ["missing", "changed"])
def test_a_missing_or_changed_figure_file_stops_the_booklet_naming_the_item(paper, tmp_path, damage):
    pictured, file = _with_figure(paper, tmp_path)
    if damage == "missing":
        file.unlink()
    else:
        file.write_bytes(file.read_bytes()[:-4] + b"\0\0\0\0")
    item = pictured.questions[4].item_id
    with pytest.raises(RenderError, match=rf"item {item} \(question 5\): figure figures/\w+\.png"):
        render_booklet(pictured, tmp_path / "booklet.pdf", figure_root=tmp_path)
