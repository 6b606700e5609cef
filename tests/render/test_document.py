"""The flowing document builder: a story streamed part by part lays out exactly like a whole list."""

from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, Spacer

from papergen.render.document import PageFrame, PdfInfo, build_document, running_decorator, streamed_story


def parts(count):
    style = getSampleStyleSheet()["Normal"]
    for n in range(count):
        yield [*([PageBreak()] if n else []), Paragraph(f"part {n}", style), Spacer(0, 20),
               *(Paragraph(f"line {n}.{k} " * 12, style) for k in range(60))]


def test_a_streamed_story_writes_the_same_pdf_as_the_whole_list(tmp_path):
    page = PageFrame()
    decorate = running_decorator("left", "right", page)
    whole = build_document([f for part in parts(6) for f in part], tmp_path / "whole.pdf", page,
                           decorate=decorate, info=PdfInfo(title="t", subject="s"))
    streamed = build_document(streamed_story(parts(6), ahead=8), tmp_path / "streamed.pdf", page,
                              decorate=decorate, info=PdfInfo(title="t", subject="s"))
    assert whole == streamed > 6
    assert (tmp_path / "whole.pdf").read_bytes() == (tmp_path / "streamed.pdf").read_bytes()


def test_a_streamed_story_makes_its_parts_only_as_the_layout_needs_them():
    made = []

    def counted():
        for n, part in enumerate(parts(100)):
            made.append(n)
            yield part

    story = streamed_story(counted(), ahead=100)  # the first part holds 62 flowables, the others 63
    assert len(made) == 2 and len(story) == 62 + 63
    del story[:100]
    assert len(story) == 25 + 2 * 63 and len(made) == 4
