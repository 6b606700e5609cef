"""Parts of a long scan file, as several processes share it: the same pages as reading it whole."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from omr import synth
from omr.scan_io import count_file_pages, iter_file_pages, iter_pages
from omr.scan_page import file_sha256


def _page(label: str) -> np.ndarray:
    page = np.full((300, 200), 250, np.uint8)
    cv2.putText(page, label, (20, 150), cv2.FONT_HERSHEY_SIMPLEX, 2, 30, 4)
    return page


def _summary(pages) -> list:
    return [(p.page, p.sha256, p.error, None if p.image is None else p.image.tobytes()) for p in pages]


@pytest.fixture(params=["tiff", "pdf-g4", "pdf-jpeg"])
def long_file(request, tmp_path: Path) -> Path:
    pages = [_page(str(i)) for i in range(7)]
    if request.param == "tiff":
        return synth.write_tiff(tmp_path / "batch.tif", pages, dpi=200)
    image = "g4" if request.param == "pdf-g4" else "jpeg"
    return synth.write_pdf(tmp_path / "batch.pdf", [synth.PdfPage(p, 200, image) for p in pages])


def test_parts_of_a_file_are_its_pages_in_order(long_file: Path) -> None:
    whole = _summary(iter_pages([long_file]))
    assert count_file_pages(long_file) == len(whole) == 7
    parts = [range(1, 4), range(4, 6), range(6, 8)]
    joined = [page for part in parts for page in _summary(iter_file_pages(long_file, part))]
    assert joined == whole
    digest = file_sha256(long_file)
    assert _summary(iter_file_pages(long_file, range(3, 5), file_digest=digest)) == whole[2:4]


def test_a_part_beyond_the_last_page_or_empty_yields_nothing(long_file: Path) -> None:
    assert list(iter_file_pages(long_file, range(8, 12))) == []
    assert list(iter_file_pages(long_file, range(3, 3))) == []


def test_a_part_of_a_one_page_image_is_the_page_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sheet.jpg"
    path.write_bytes(synth.encode_image(_page("x"), ".jpg"))
    assert [p.page for p in iter_file_pages(path, range(1, 2))] == [1]
    assert list(iter_file_pages(path, range(2, 3))) == []


def test_a_part_of_an_unreadable_file_names_its_own_first_page(tmp_path: Path) -> None:
    path = tmp_path / "gone.pdf"
    pages = list(iter_file_pages(path, range(5, 9)))
    assert [p.page for p in pages] == [5]
    assert pages[0].error.startswith(f"{path}: cannot read file")


@pytest.fixture(params=["jpeg", "tiff", "pdf-g4", "pdf-jpeg", "pdf-drawn"])
def scan_set(request, tmp_path: Path) -> list[Path]:
    pages = [_page(str(i)) for i in range(3)]
    if request.param == "jpeg":
        for i, page in enumerate(pages):
            (tmp_path / f"{i}.jpg").write_bytes(synth.encode_image(page, ".jpg"))
        return [tmp_path]
    if request.param == "tiff":
        return [synth.write_tiff(tmp_path / "batch.tif", pages, dpi=200)]
    if request.param == "pdf-drawn":  # pages that are rendered, not one scan image each
        from reportlab.pdfgen.canvas import Canvas

        canvas = Canvas(str(tmp_path / "drawn.pdf"))
        for i in range(3):
            canvas.drawString(100, 700, f"page {i}")
            canvas.showPage()
        canvas.save()
        return [tmp_path / "drawn.pdf"]
    image = "g4" if request.param == "pdf-g4" else "jpeg"
    return [synth.write_pdf(tmp_path / "batch.pdf", [synth.PdfPage(p, 200, image) for p in pages])]


def test_pages_to_skip_come_undecoded_under_the_digests_they_are_stored_by(scan_set, monkeypatch) -> None:
    whole = list(iter_pages(scan_set))
    assert all(p.image is not None and not p.skipped for p in whole)
    known = {whole[0].sha256, whole[2].sha256}
    again = list(iter_pages(scan_set, skip=known.__contains__))
    assert [(p.page, p.sha256) for p in again] == [(p.page, p.sha256) for p in whole]
    assert [p.skipped for p in again] == [True, False, True]
    assert again[0].image is None and again[0].error is None and again[1].image is not None


def test_a_skipped_page_is_never_decoded(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "sheet.jpg"
    path.write_bytes(synth.encode_image(_page("x"), ".jpg"))
    digest = next(iter_pages([path])).sha256

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(cv2, "imdecode", no_decoding)
    assert [p.skipped for p in iter_pages([path], skip={digest}.__contains__)] == [True]
    unskipped = list(iter_pages([path]))  # the replaced decoder is called, and fails the page
    assert unskipped[0].image is None and "AssertionError: decoded" in unskipped[0].error
