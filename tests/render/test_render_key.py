"""The instructors' answer key PDF: every variant's answers, subtotals, corrections, reproducibility."""

from __future__ import annotations

import pytest
from pdf_inspect import font_report, page_texts
from paper_builders import make_manifest, make_paper

from papergen.errors import RenderError
from papergen.render import render_key

JUDGE_WORDS = {"T": "对", "F": "错"}


@pytest.fixture(scope="module")
def manifest():
    return make_manifest([make_paper(variant="A"), make_paper(variant="B")])


@pytest.fixture(scope="module")
def key_pdf(manifest, tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "key.pdf"
    pages = render_key(manifest, path)
    return path, pages


@pytest.fixture(scope="module")
def texts(key_pdf):
    return page_texts(key_pdf[0])


def _printed(answer: list[str], kind: str) -> str:
    return "".join(JUDGE_WORDS[a] for a in answer) if kind == "judge" else "".join(answer)


def test_key_gives_each_variant_one_compact_page(key_pdf, texts, manifest):
    path, pages = key_pdf
    assert pages == len(texts) == len(manifest.variants)
    for number, (text, variant) in enumerate(zip(texts, manifest.variants, strict=True), start=1):
        assert f"试卷代号 {variant.variant}" in text and variant.checksum in text
        assert f"第{number}页 共{pages}页" in text


def test_key_lists_number_answer_and_item_id_of_every_question(texts, manifest):
    for text, variant in zip(texts, manifest.variants, strict=True):
        tokens = text.split()
        triples = {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}
        missing = [
            q.number
            for q in variant.questions
            if (str(q.number), _printed(q.answer, q.type), q.item_id) not in triples
        ]
        assert missing == []


def test_key_prints_section_subtotals_and_the_total(texts):
    text = texts[0]
    assert "一、单项选择题（共140题，每题0.5分，小计70分）" in text
    assert "二、判断题（共20题，每题0.5分，小计10分）" in text
    assert "三、多项选择题（共20题，每题1分，小计20分）" in text
    assert "合计：180题，100分" in text


def test_key_shows_the_answer_distribution(texts, manifest):
    variant = manifest.variants[0]
    trues = sum(q.answer == ["T"] for q in variant.questions if q.type == "judge")
    assert f"答案分布：对 {trues}\u3000错 {20 - trues}" in texts[0]


def test_key_marks_dropped_questions_and_extra_accepted_answers(manifest, tmp_path):
    corrected = manifest.model_copy(deep=True)
    questions = corrected.variants[0].questions
    questions[4].dropped = True
    questions[7].also_accept = [["A"] if questions[7].answer != ["A"] else ["B"]]
    path = tmp_path / "corrected.pdf"
    render_key(corrected, path)
    tokens = page_texts(path)[0].split()
    assert tokens[tokens.index(questions[4].item_id) - 1] == "作废"
    extra = "/".join([_printed(questions[7].answer, "single"), questions[7].also_accept[0][0]])
    assert tokens[tokens.index(questions[7].item_id) - 1] == extra
    assert "小计69.5分" in page_texts(path)[0] and "作废 1 题" in page_texts(path)[0]


def test_key_embeds_every_font(key_pdf):
    fonts = font_report(key_pdf[0])
    assert fonts and all(fonts.values())


def test_key_is_byte_identical_when_rendered_again(manifest, key_pdf, tmp_path):
    again = tmp_path / "again.pdf"
    render_key(manifest, again)
    assert again.read_bytes() == key_pdf[0].read_bytes()


def test_key_rejects_a_character_the_font_lacks_naming_the_question(manifest, tmp_path):
    broken = manifest.model_copy(deep=True)
    broken.variants[1].questions[2].item_id = "cs-😀-3"
    with pytest.raises(RenderError, match=r"variant B question 3 item id.*U\+1F600"):
        render_key(broken, tmp_path / "bad.pdf")
