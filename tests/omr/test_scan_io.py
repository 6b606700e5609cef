"""Scan files to pages: content sniffing, multi-page PDF and TIFF, errors that never stop the stream."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from omr import synth
from omr.scan_io import count_pages, iter_pages, sniff_kind


def _page(label: str, size: tuple[int, int] = (300, 200)) -> np.ndarray:
    """A small grey page with a label and an asymmetric blob, so turns and flips show."""
    page = np.full(size, 250, np.uint8)
    cv2.rectangle(page, (10, 10), (60, 35), 0, -1)
    cv2.putText(page, label, (40, 150), cv2.FONT_HERSHEY_SIMPLEX, 2, 30, 4)
    return page


def _pages(paths) -> list:
    return list(iter_pages(paths))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"),
        (b"BM" + bytes(30), "bmp"),
        (b"%PDF-1.4\n%\xe2\xe3", "pdf"),
        (b"\x00\x00junk before the header %PDF-1.7", "pdf"),
        (b"hello, world", None),
    ],
)
def test_sniff_kind_names_each_format_from_its_first_bytes(head: bytes, kind: str | None) -> None:
    assert sniff_kind(head) == kind


def test_png_named_file_holding_jpeg_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(synth.encode_image(_page("J"), ".jpg"))
    (page,) = _pages([path])
    assert page.error is None and page.image.shape == (300, 200)
    assert abs(float(page.image.mean()) - float(_page("J").mean())) < 2


def test_jpg_named_file_holding_webp_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    path.write_bytes(synth.encode_image(_page("W"), ".webp"))
    (page,) = _pages([path])
    assert page.error is None and page.image.shape == (300, 200)


def test_bmp_page_is_decoded_exactly(tmp_path: Path) -> None:
    path = tmp_path / "scan.dat"
    path.write_bytes(synth.encode_image(_page("B"), ".bmp"))
    (page,) = _pages([path])
    assert np.array_equal(page.image, _page("B"))


def test_file_of_unknown_content_yields_one_error_page(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("not a scan", encoding="utf-8")
    (page,) = _pages([path])
    assert page.image is None and page.page == 1
    assert "not a PDF or image file" in page.error


def test_missing_file_yields_one_error_page(tmp_path: Path) -> None:
    (page,) = _pages([tmp_path / "absent.jpg"])
    assert page.image is None and "cannot read file" in page.error


def test_folder_is_walked_recursively_in_sorted_order_skipping_hidden_files(tmp_path: Path) -> None:
    for name in ("b.png", "a/z.jpg", "a/c.bmp", ".hidden/x.png", ".thumbs.png"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(synth.encode_image(_page("F"), ".png"))
    names = [p.source.relative_to(tmp_path).as_posix() for p in _pages([tmp_path])]
    assert names == ["a/c.bmp", "a/z.jpg", "b.png"]


def test_multi_page_tiff_yields_every_page_with_its_dpi(tmp_path: Path) -> None:
    path = synth.write_tiff(tmp_path / "batch.tif", [_page(str(i)) for i in range(3)], dpi=200)
    pages = _pages([path])
    assert [p.page for p in pages] == [1, 2, 3]
    assert all(p.error is None and p.dpi == pytest.approx(200) for p in pages)
    assert np.array_equal(pages[1].image >= 128, _page("1") >= 128)


def _break_tiff_strip(path: Path, page_index: int) -> None:
    """Point one page's StripOffsets past the end of the file."""
    data = bytearray(path.read_bytes())
    offset, index = struct.unpack_from("<I", data, 4)[0], 0
    while offset:
        entries = struct.unpack_from("<H", data, offset)[0]
        for e in range(entries):
            position = offset + 2 + 12 * e
            if struct.unpack_from("<H", data, position)[0] == 273 and index == page_index:
                struct.pack_into("<I", data, position + 8, 10**8)
        offset, index = struct.unpack_from("<I", data, offset + 2 + 12 * entries)[0], index + 1
    path.write_bytes(bytes(data))


def _set_tiff_resolution(path: Path, page_index: int, dpi: int) -> None:
    """Rewrite one page's XResolution and YResolution (RATIONAL tags 282, 283) to ``dpi``/1."""
    data = bytearray(path.read_bytes())
    offset, index = struct.unpack_from("<I", data, 4)[0], 0
    while offset:
        entries = struct.unpack_from("<H", data, offset)[0]
        for e in range(entries):
            position = offset + 2 + 12 * e
            if struct.unpack_from("<H", data, position)[0] in (282, 283) and index == page_index:
                struct.pack_into("<II", data, struct.unpack_from("<I", data, position + 8)[0], dpi, 1)
        offset, index = struct.unpack_from("<I", data, offset + 2 + 12 * entries)[0], index + 1
    path.write_bytes(bytes(data))


def test_each_tiff_page_reports_its_own_dpi(tmp_path: Path) -> None:
    path = synth.write_tiff(tmp_path / "batch.tif", [_page(str(i)) for i in range(4)], dpi=200)
    _set_tiff_resolution(path, 1, 300)
    _set_tiff_resolution(path, 3, 150)
    assert [p.dpi for p in _pages([path])] == pytest.approx([200, 300, 200, 150])


def test_corrupt_tiff_page_in_the_middle_does_not_end_the_iteration(tmp_path: Path) -> None:
    path = synth.write_tiff(tmp_path / "batch.tif", [_page(str(i)) for i in range(3)], dpi=200)
    _break_tiff_strip(path, 1)
    pages = _pages([path])
    assert [p.page for p in pages] == [1, 2, 3]
    assert pages[1].image is None
    assert pages[1].error.startswith(f"{path} page 2: cannot decode image (")
    assert pages[0].image is not None and pages[2].image is not None


def test_pdf_scan_pages_come_out_as_a_viewer_shows_them(tmp_path: Path) -> None:
    image = _page("R")
    placements = [(enc, rotate, turns) for enc in ("jpeg", "g4", "flate1") for rotate in (0, 90, 180, 270)
                  for turns in (0, 1, 2, 3)]
    path = synth.write_pdf(tmp_path / "scan.pdf", [synth.PdfPage(image, 100, e, r, t) for e, r, t in placements])
    document = pdfium.PdfDocument(str(path))
    for page in _pages([path]):
        assert page.error is None and page.dpi == pytest.approx(100, rel=1e-3)
        rendered = document[page.page - 1].render(scale=page.dpi / 72, grayscale=True).to_numpy()
        assert page.image.shape == rendered.shape, placements[page.page - 1]
        assert np.abs(page.image.astype(int) - rendered.astype(int)).mean() < 8, placements[page.page - 1]
        if placements[page.page - 1][1:] == (0, 0):  # upright: the page itself, not inverted
            assert np.mean((page.image >= 128) != (image >= 128)) < 0.01, placements[page.page - 1]
    document.close()


def test_pdf_scan_pages_own_their_pixels_once_the_file_is_closed(tmp_path: Path) -> None:
    image = _page("O")
    placements = [(encoding, turns) for encoding in ("jpeg", "g4") for turns in (0, 1)]
    path = synth.write_pdf(tmp_path / "scan.pdf", [synth.PdfPage(image, 100, e, 0, t) for e, t in placements])
    pages = _pages([path])  # the iteration has closed the document and freed pdfium's bitmaps
    assert all(page.image.flags.owndata for page in pages)
    assert np.mean((pages[2].image >= 128) != (image >= 128)) < 0.01


def test_corrupt_pdf_page_in_the_middle_does_not_end_the_iteration(tmp_path: Path) -> None:
    pages = [synth.PdfPage(_page("1"), 100, "g4"), synth.PdfPage(_page("2"), 100, "corrupt-jpeg"),
             synth.PdfPage(_page("3"), 100, "jpeg")]
    path = synth.write_pdf(tmp_path / "scan.pdf", pages)
    first, second, third = _pages([path])
    assert first.image is not None and third.image is not None
    assert second.image is None
    assert second.error.startswith(f"{path} page 2: cannot decode image (")
    assert "0x" not in second.error


def test_pdf_page_with_drawings_is_rendered_at_the_render_dpi(tmp_path: Path) -> None:
    path = tmp_path / "drawn.pdf"
    canvas = Canvas(str(path), pagesize=(144, 216))
    canvas.rect(20, 20, 50, 80, fill=1)
    canvas.save()
    (page,) = list(iter_pages([path], render_dpi=100))
    assert page.dpi == 100 and page.image.shape == (300, 200)
    assert page.image[300 - 60, 40] < 50 and page.image[10, 190] > 200


def test_same_scan_keeps_its_sha256_and_other_pages_differ(tmp_path: Path) -> None:
    data = synth.encode_image(_page("S"), ".png")
    (tmp_path / "one.png").write_bytes(data)
    (tmp_path / "two.png").write_bytes(data)
    tiff = synth.write_tiff(tmp_path / "batch.tif", [_page("1"), _page("2")], dpi=200)
    one, two, *tiff_pages = _pages([tmp_path / "one.png", tmp_path / "two.png", tiff])
    again = _pages([tiff])
    assert one.sha256 == two.sha256
    assert [p.sha256 for p in tiff_pages] == [p.sha256 for p in again]
    assert len({one.sha256, *(p.sha256 for p in tiff_pages)}) == 3


def test_count_pages_counts_pdf_tiff_and_image_pages(tmp_path: Path) -> None:
    synth.write_pdf(tmp_path / "a.pdf", [synth.PdfPage(_page(str(i)), 100, "jpeg") for i in range(3)])
    synth.write_tiff(tmp_path / "b.tif", [_page("1"), _page("2")], dpi=200)
    (tmp_path / "c.jpg").write_bytes(synth.encode_image(_page("C"), ".jpg"))
    (tmp_path / "d.txt").write_text("stray note", encoding="utf-8")
    assert count_pages([tmp_path]) == 7 == len(_pages([tmp_path]))


def test_image_header_dpi_is_reported_and_absent_dpi_is_none(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(_page("D")).save(buffer, "JPEG", dpi=(300, 300))
    (tmp_path / "with.jpg").write_bytes(buffer.getvalue())
    (tmp_path / "without.png").write_bytes(synth.encode_image(_page("D"), ".png"))
    with_dpi, without = _pages([tmp_path / "with.jpg", tmp_path / "without.png"])
    assert with_dpi.dpi == pytest.approx(300) and without.dpi is None
