"""The paper's marks: A卷 on page 1, 试卷结束 at the end, the optional 密封线, no line holding only the blank."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st
from pdf_inspect import page_texts, squash
from paper_builders import make_paper

from papergen.render import render_booklet
from papergen.render.linebreak import split_cjk_line
from papergen.render.typography import BLANK


def test_page_one_carries_a_large_variant_mark_and_the_last_page_the_end_mark(tmp_path):
    paper = make_paper()
    render_booklet(paper, tmp_path / "b.pdf")
    texts = [squash(t).replace("\u3000", "") for t in page_texts(tmp_path / "b.pdf")]
    assert f"{paper.variant}卷" in texts[0]
    assert "试卷结束" in texts[-1] and all("试卷结束" not in t for t in texts[:-1])
    assert "密封线内不要答题" not in texts[0]


def test_a_seal_line_runs_down_every_page_with_name_and_number_fields(tmp_path):
    paper = make_paper()
    sealed = dataclasses.replace(paper, format=paper.format.model_copy(update={"seal_line": True}))
    render_booklet(sealed, tmp_path / "b.pdf")
    texts = [squash(t).replace("\u3000", "") for t in page_texts(tmp_path / "b.pdf")]
    assert all("密封线内不要答题" in t and "姓名" in t and "准考证号" in t for t in texts)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="客户服务管理的是，", max_size=60), st.sampled_from("是的为"), st.integers(60, 400))
def test_no_line_holds_only_the_answer_blank(stem, last, width_pt):
    text = stem + last + BLANK + "。"  # a stem's blank follows a word (a line of 6+ characters can keep it)
    lines = [line for _, line in split_cjk_line(text, [10.0] * len(text), float(width_pt))]
    assert "".join(lines) == text
    assert not any(line.replace(BLANK, "").strip("。") == "" for line in lines if BLANK in line and len(lines) > 1)


def test_stems_and_options_are_set_in_the_embedded_serif_face(tmp_path):
    from pdf_inspect import font_report

    render_booklet(make_paper(), tmp_path / "b.pdf")
    fonts = font_report(tmp_path / "b.pdf")
    assert any("NotoSerifCJKsc" in name for name in fonts) and all(fonts.values())


def test_a_paper_printing_a_character_outside_the_serif_face_is_set_in_the_sans_throughout(tmp_path):
    from pdf_inspect import font_report

    from papergen.render.booklet import body_face
    from papergen.render.fonts import FONT_NAME, SERIF_FONT_NAME

    paper = make_paper()
    assert body_face(paper) == SERIF_FONT_NAME
    first = paper.questions[0]
    rare = dataclasses.replace(first, stem=first.stem + "（喆）")  # 喆 is not in GB2312
    odd = dataclasses.replace(paper, questions=(rare, *paper.questions[1:]))
    assert body_face(odd) == FONT_NAME
    render_booklet(odd, tmp_path / "b.pdf")
    assert not any("NotoSerif" in name for name in font_report(tmp_path / "b.pdf"))
