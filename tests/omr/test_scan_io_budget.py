"""One bad file never stops a batch: size budgets from headers, damaged multi-page files, streaming."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

import omr.scan_tiff
from omr import synth
from omr.scan_io import PageImage, ScanBudget, count_pages, iter_pages


def _page(label: str, size: tuple[int, int] = (300, 200)) -> np.ndarray:
    page = np.full(size, 250, np.uint8)
    cv2.rectangle(page, (10, 10), (60, 35), 0, -1)
    cv2.putText(page, label, (20, size[0] // 2), cv2.FONT_HERSHEY_SIMPLEX, 2, 30, 4)
    return page


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _giant_png() -> bytes:
    """A 65-byte PNG whose header declares 60000 × 60000 grey pixels."""
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b""))
            + _png_chunk(b"IEND", b""))


def _giant_jpeg() -> bytes:
    """A small JPEG whose start-of-frame declares 60000 × 60000 pixels."""
    data = bytearray(synth.encode_image(_page("J"), ".jpg"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 60000, 60000)
    return bytes(data)


def _giant_bmp() -> bytes:
    data = bytearray(synth.encode_image(_page("B"), ".bmp"))
    struct.pack_into("<ii", data, 18, 60000, 60000)
    return bytes(data)


def _huge_page_pdf(path: Path) -> Path:
    """A PDF of one empty 200 × 200-inch page (about 1 KB)."""
    document = pdfium.PdfDocument.new()
    document.new_page(200 * 72, 200 * 72)
    document.save(str(path))
    document.close()
    return path


def _giant_image_pdf(path: Path) -> Path:
    """A PDF page holding one JPEG image whose header declares 60000 × 60000 pixels."""
    jpeg = path.with_suffix(".jpg")
    jpeg.write_bytes(_giant_jpeg())
    document = pdfium.PdfDocument.new()
    page = document.new_page(200, 300)
    image = pdfium.PdfImage.new(document)
    image.load_jpeg(str(jpeg), pages=[page], inline=True)
    image.set_matrix(pdfium.PdfMatrix().scale(200, 300))
    page.insert_obj(image)
    page.gen_content()
    document.save(str(path))
    document.close()
    return path


def _good_pages(pages: list[PageImage]) -> list[tuple[str, int]]:
    return [(p.source.name, p.page) for p in pages if p.image is not None]


@pytest.mark.parametrize("make", [_giant_png, _giant_jpeg, _giant_bmp], ids=["png", "jpeg", "bmp"])
def test_image_declaring_60000_square_pixels_is_a_failed_page_and_the_batch_goes_on(tmp_path: Path, make) -> None:
    (tmp_path / "a.jpg").write_bytes(synth.encode_image(_page("A"), ".jpg"))
    (tmp_path / "b.png").write_bytes(make())
    (tmp_path / "c.png").write_bytes(synth.encode_image(_page("C"), ".png"))
    first, giant, last = iter_pages([tmp_path])
    assert first.image is not None and last.image is not None and last.source.name == "c.png"
    assert giant.image is None and giant.page == 1
    assert giant.error == (f"{tmp_path / 'b.png'} page 1: image too large to decode (60000 × 60000 px = "
                           "3,600,000,000 px; the budget is 100,000,000 px)")


def test_page_over_a_smaller_budget_is_refused_and_one_within_it_decoded(tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    path.write_bytes(synth.encode_image(_page("P"), ".png"))  # 200 × 300 grey
    (refused,) = iter_pages([path], budget=ScanBudget(max_pixels=59_999))
    (decoded,) = iter_pages([path], budget=ScanBudget(max_pixels=60_000))
    (short_of_memory,) = iter_pages([path], budget=ScanBudget(max_bytes=119_999))
    assert refused.image is None and "200 × 300 px = 60,000 px; the budget is 59,999 px" in refused.error
    assert decoded.image is not None and decoded.error is None
    assert short_of_memory.image is None and "needs about 120,000 bytes" in short_of_memory.error
    assert refused.sha256 == decoded.sha256  # the page is named by its content either way


def test_budget_rejects_values_that_are_not_positive_whole_numbers() -> None:
    with pytest.raises(ValueError, match=r"ScanBudget.max_pixels: must be a positive whole number \(got 0\)"):
        ScanBudget(max_pixels=0)


def test_truncated_g4_tiff_yields_every_frame_that_decodes_then_one_failed_page(tmp_path: Path) -> None:
    originals = [_page(str(i)) for i in range(10)]
    whole = synth.write_tiff(tmp_path / "whole.tif", originals, dpi=200)
    path = tmp_path / "cut.tif"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    pages = list(iter_pages([path]))
    decoded = [p for p in pages if p.image is not None]
    assert len(decoded) >= 4 and [p.page for p in pages] == list(range(1, len(decoded) + 2))
    for page in decoded:
        assert np.array_equal(page.image >= 128, originals[page.page - 1] >= 128), page.page
    assert pages[-1].image is None
    assert pages[-1].error.startswith(f"{path} page {len(decoded) + 1}: cannot read its TIFF directory (")
    assert "the file may be cut short" in pages[-1].error
    assert count_pages([path]) == len(pages)


def _directory_offsets(data: bytes) -> list[int]:
    """File offsets of a little-endian TIFF's image directories, in chain order."""
    offsets, offset = [], struct.unpack_from("<I", data, 4)[0]
    while offset:
        offsets.append(offset)
        entries = struct.unpack_from("<H", data, offset)[0]
        offset = struct.unpack_from("<I", data, offset + 2 + 12 * entries)[0]
    return offsets


def test_tiff_cut_inside_a_directory_reports_the_pages_it_cannot_reach(tmp_path: Path) -> None:
    originals = [_page(str(i)) for i in range(10)]
    whole = synth.write_tiff(tmp_path / "whole.tif", originals, compression="tiff_lzw")
    data = whole.read_bytes()
    fifth = _directory_offsets(data)[4]
    entries = struct.unpack_from("<H", data, fifth)[0]
    path = tmp_path / "cut.tif"
    path.write_bytes(data[: fifth + 2 + 12 * entries])  # the fifth directory loses its link to the sixth
    pages = list(iter_pages([path]))
    *decoded, lost = pages
    assert len(decoded) == 5
    assert decoded and all(np.array_equal(p.image, originals[p.page - 1]) for p in decoded)
    assert lost.image is None and lost.page == len(decoded) + 1
    assert f"page {lost.page}: cannot be reached: the TIFF directory of page {len(decoded)} is damaged" in lost.error
    assert count_pages([path]) == len(pages)


def test_tiff_frame_over_budget_is_refused_and_its_neighbours_decoded(tmp_path: Path) -> None:
    frames = [_page("1"), _page("2", (900, 600)), _page("3")]
    path = synth.write_tiff(tmp_path / "mixed.tif", frames, dpi=200)
    first, big, third = iter_pages([path], budget=ScanBudget(max_pixels=100_000))
    assert np.array_equal(first.image >= 128, frames[0] >= 128)
    assert np.array_equal(third.image >= 128, frames[2] >= 128)
    assert big.image is None and big.error == (f"{path} page 2: image too large to decode (600 × 900 px = "
                                               "540,000 px; the budget is 100,000 px)")


def _imdecodemulti_pages(path: Path) -> list[tuple[np.ndarray, str]]:
    """Pages as the earlier reader produced them: OpenCV's decoder, digest of file and page number."""
    data = path.read_bytes()
    file_digest = hashlib.sha256(data).hexdigest()
    ok, mats = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert ok
    return [(m, hashlib.sha256(f"{file_digest}|page {i + 1}".encode()).hexdigest()) for i, m in enumerate(mats)]


@pytest.mark.parametrize("compression", ["group4", "tiff_lzw", "raw"])
def test_streamed_tiff_pages_equal_opencv_pages_and_keep_their_digests(tmp_path: Path, compression: str) -> None:
    rng = np.random.default_rng(3)
    frames = [cv2.GaussianBlur((rng.random((240, 180)) * 255).astype(np.uint8), (5, 5), 0) for _ in range(4)]
    path = synth.write_tiff(tmp_path / "pages.tif", frames, dpi=200, compression=compression)
    pages = list(iter_pages([path]))
    expected = _imdecodemulti_pages(path)
    assert [p.page for p in pages] == [1, 2, 3, 4]
    for page, (image, digest) in zip(pages, expected, strict=True):
        assert np.array_equal(page.image, image) and page.sha256 == digest
        assert page.image.flags.writeable


def _write_colour_tiffs(folder: Path) -> list[Path]:
    """Colour, palette, alpha and 16-bit TIFFs as OpenCV and Pillow write them (LZW, JPEG, uncompressed)."""
    rng = np.random.default_rng(4)
    colour = [cv2.GaussianBlur((rng.random((120, 90, 3)) * 255).astype(np.uint8), (5, 5), 0) for _ in range(2)]
    cv2.imwrite(str(folder / "opencv-colour.tif"), colour[0])
    cv2.imwrite(str(folder / "opencv-16-bit.tif"), (rng.random((120, 90)) * 65535).astype(np.uint16))
    rgb = [Image.fromarray(image) for image in colour]
    rgba = [Image.fromarray(np.dstack([image, image[..., 0]])) for image in colour]
    written = {"pillow-lzw.tif": (rgb, "tiff_lzw"), "pillow-jpeg.tif": (rgb, "jpeg"),
               "pillow-palette.tif": ([image.convert("P") for image in rgb], None), "pillow-alpha.tif": (rgba, None)}
    for name, (images, compression) in written.items():
        images[0].save(folder / name, save_all=True, append_images=images[1:], compression=compression)
    return sorted(folder.glob("*.tif"))


def test_colour_alpha_palette_and_16_bit_tiff_pages_are_the_pixels_opencv_gave(tmp_path: Path) -> None:
    for path in _write_colour_tiffs(tmp_path):
        pages = list(iter_pages([path]))
        expected = _imdecodemulti_pages(path)
        assert len(pages) == len(expected), path.name
        for page, (image, digest) in zip(pages, expected, strict=True):
            assert page.image.dtype == np.uint8 and np.array_equal(page.image, image), (path.name, page.page)
            assert page.sha256 == digest


def _tiled_tiff(image: np.ndarray) -> bytes:
    """An uncompressed grey TIFF stored as one tile (scanners write strips; tiles take the other path)."""
    height, width = image.shape
    tags = [(256, 3, width), (257, 3, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (277, 3, 1),
            (322, 3, width), (323, 3, height), (324, 4, 8), (325, 4, image.size)]
    directory = struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", tag, kind, 1, value)
                                                         for tag, kind, value in tags) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8 + image.size) + image.tobytes() + directory


def test_tiled_tiff_page_is_decoded_in_place(tmp_path: Path) -> None:
    image = cv2.resize(_page("T"), (32, 32))
    path = tmp_path / "tiled.tif"
    path.write_bytes(_tiled_tiff(image))
    ((expected, digest),) = _imdecodemulti_pages(path)
    (page,) = iter_pages([path])
    assert np.array_equal(page.image, image) and np.array_equal(expected, image) and page.sha256 == digest


def test_pdf_page_of_200_inches_square_is_refused_before_rendering(tmp_path: Path) -> None:
    path = _huge_page_pdf(tmp_path / "huge.pdf")
    assert path.stat().st_size < 2000
    (page,) = iter_pages([path])
    assert page.image is None
    assert page.error == (f"{path} page 1: page of 200.0 × 200.0 in rendered at 200 dpi: image too large to decode "
                          "(40000 × 40000 px = 1,600,000,000 px; the budget is 100,000,000 px)")


def test_pdf_image_declaring_60000_square_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    path = _giant_image_pdf(tmp_path / "giant.pdf")
    (page,) = iter_pages([path])
    assert page.image is None
    assert page.error.startswith(f"{path} page 1: embedded image too large to decode (60000 × 60000 px")


def test_pdf_of_garbage_after_its_header_is_one_failed_page(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (page,) = iter_pages([path])
    assert page.image is None and page.page == 1
    assert page.error.startswith(f"{path}: cannot open PDF (")
    assert count_pages([path]) == 1


def test_pdf_reopened_every_two_pages_yields_the_same_pages(tmp_path: Path) -> None:
    images = [_page(str(i)) for i in range(5)]
    pages = [synth.PdfPage(image, 100, ("jpeg", "g4")[i % 2]) for i, image in enumerate(images)]
    path = synth.write_pdf(tmp_path / "five.pdf", pages)
    once = list(iter_pages([path]))
    reopened = list(iter_pages([path], budget=ScanBudget(pdf_pages_per_open=2)))
    assert [(p.page, p.sha256) for p in reopened] == [(p.page, p.sha256) for p in once]
    assert all(np.array_equal(a.image, b.image) for a, b in zip(once, reopened, strict=True))


def test_folder_with_bad_files_between_good_ones_yields_every_good_page_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(synth.encode_image(_page("A"), ".jpg"))
    (tmp_path / "b.png").write_bytes(_giant_png())
    synth.write_pdf(tmp_path / "c.pdf", [synth.PdfPage(_page("C1"), 100), synth.PdfPage(_page("C2"), 100, "g4")])
    _huge_page_pdf(tmp_path / "d.pdf")
    (tmp_path / "e.pdf").write_bytes(b"%PDF-1.4\nnot really a PDF")
    whole = synth.write_tiff(tmp_path / "whole.tif", [_page(str(i)) for i in range(10)], dpi=200)
    (tmp_path / "f.tif").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    (tmp_path / "g.jpg").write_bytes(_giant_jpeg())
    (tmp_path / "h.webp").write_bytes(synth.encode_image(_page("H"), ".webp"))
    pages = list(iter_pages([tmp_path]))
    good = _good_pages(pages)
    tiff_good = [name_page for name_page in good if name_page[0] == "f.tif"]
    assert good == [("a.jpg", 1), ("c.pdf", 1), ("c.pdf", 2), *tiff_good, ("h.webp", 1)]
    assert len(tiff_good) >= 4
    failed = [(p.source.name, p.page) for p in pages if p.image is None]
    assert failed == [("b.png", 1), ("d.pdf", 1), ("e.pdf", 1), ("f.tif", len(tiff_good) + 1), ("g.jpg", 1)]
    assert all(p.error.startswith(str(p.source)) for p in pages if p.image is None)
    assert count_pages([tmp_path]) == len(pages)


def test_unforeseen_failure_inside_a_reader_ends_that_file_with_a_failed_page(tmp_path: Path,
                                                                             monkeypatch) -> None:
    def failing_tiff_pages(path: Path, budget: ScanBudget, numbers: range | None = None, *, skip=None,
                           file_digest: str | None = None) -> Iterator[PageImage]:
        yield PageImage(path, 1, _page("1"), 200.0, "digest-1")
        raise MemoryError("cannot allocate 3 GB")

    monkeypatch.setattr(omr.scan_tiff, "tiff_pages", failing_tiff_pages)  # looked up when a TIFF comes
    synth.write_tiff(tmp_path / "a.tif", [_page("1"), _page("2")])
    (tmp_path / "b.jpg").write_bytes(synth.encode_image(_page("B"), ".jpg"))
    first, failed, after = iter_pages([tmp_path])
    assert first.image is not None and after.source.name == "b.jpg" and after.image is not None
    assert failed.image is None and failed.page == 2
    assert failed.error == (f"{tmp_path / 'a.tif'} page 2: cannot read this or later pages of the file "
                            "(MemoryError: cannot allocate 3 GB)")
