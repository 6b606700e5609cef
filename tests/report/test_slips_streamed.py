"""The slips PDF is written slip by slip, its pages encoded as written: the same document as one held whole."""

from __future__ import annotations

import pypdfium2 as pdfium
from pdf_inspect import page_texts

from papergen.render import document
from papergen.report import slips
from papergen.report.slips import SlipStyle, render_slips_pdf

COUNT = 6


def test_slips_written_as_they_are_settled_match_slips_held_until_the_end(report, tmp_path, monkeypatch):
    narrow = SlipStyle(question_groups=(8, 6, 2))  # every question, two a row: each slip runs over pages
    streamed = render_slips_pdf(report, tmp_path / "streamed.pdf", answers="all", style=narrow)
    held_back = []

    def whole(story, path, page, *, decorate, info, settled=None):
        held_back.append(settled is not None)
        return original_build(story, path, page, decorate=decorate, info=info)

    original_build = document.build_document
    monkeypatch.setattr(slips, "build_document", whole)
    held = render_slips_pdf(report, tmp_path / "held.pdf", answers="all", style=narrow)
    assert held_back == [True] and streamed == held >= 2 * COUNT
    assert page_texts(tmp_path / "streamed.pdf") == page_texts(tmp_path / "held.pdf")
    assert _rendered(tmp_path / "streamed.pdf") == _rendered(tmp_path / "held.pdf")  # glyph ids aside, the same


def _rendered(path):
    """Every page drawn at 36 dpi, as bytes."""
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.render(scale=0.5, grayscale=True).to_numpy().tobytes() for page in document]
    finally:
        document.close()


def test_a_settled_page_is_written_before_the_document_ends(tmp_path, monkeypatch):
    """Pages before the settled one leave the canvas as each page ends; the rest wait for the count."""
    held: list[int] = []
    decorated: list[tuple[int, int]] = []
    maker = document.decorated_canvas_maker(lambda canvas, page, count: decorated.append((page, count)),
                                            document.PdfInfo(title="t", subject="s"), settled=lambda: 3)
    canvas = maker(str(tmp_path / "x.pdf"))
    for _ in range(5):
        canvas.drawString(10, 30, f"page {len(held) + 1}")
        canvas.showPage()
        held.append(len(canvas._finished_pages))
    written = canvas._doc.Pages.pages
    assert [page.stream is None for page in written] == [True, True]  # compressed as soon as written
    canvas.save()
    assert held == [0, 0, 1, 2, 3]
    assert decorated == [(1, 1), (2, 2), (3, 5), (4, 5), (5, 5)]
    assert [text.strip() for text in page_texts(tmp_path / "x.pdf")] == [f"page {n}" for n in range(1, 6)]


def test_pages_compressed_as_written_make_the_file_reportlab_makes_when_saving(tmp_path, monkeypatch):
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph

    def story():
        style = getSampleStyleSheet()["Normal"]
        return [flowable for n in range(4) for flowable in
                [*([PageBreak()] if n else []), *(Paragraph(f"第{n}部分 line {k} " * 8, style) for k in range(70))]]

    page = document.PageFrame()
    decorate = document.running_decorator("左", "右", page)
    info = document.PdfInfo(title="t", subject="s")
    early = document.build_document(story(), tmp_path / "early.pdf", page, decorate=decorate, info=info)
    monkeypatch.setattr(document, "_compress_now", lambda page: None)
    late = document.build_document(story(), tmp_path / "late.pdf", page, decorate=decorate, info=info)
    assert early == late > 4
    assert (tmp_path / "early.pdf").read_bytes() == (tmp_path / "late.pdf").read_bytes()
