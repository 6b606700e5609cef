"""Property: whatever bytes a scan file holds, the page stream yields pages or failed pages, never raises."""

from __future__ import annotations

import io
import struct
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from omr import synth
from omr.scan_io import PageImage, ScanBudget, count_pages, iter_pages

FUZZ_BUDGET = ScanBudget(max_pixels=2_000_000, max_bytes=20_000_000, pdf_pages_per_open=2)
"""Small enough that a mutated header cannot make one example decode for seconds."""


def _page(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    page = np.full((64, 48), 240, np.uint8)
    page[rng.integers(0, 64, 40), rng.integers(0, 48, 40)] = 0
    return page


@lru_cache(maxsize=1)
def _seeds() -> tuple[bytes, ...]:
    """One small valid file of every kind the stream reads."""
    with tempfile.TemporaryDirectory() as folder:
        tiff_g4 = synth.write_tiff(Path(folder) / "g4.tif", [_page(1), _page(2), _page(3)], dpi=200)
        tiff_lzw = synth.write_tiff(Path(folder) / "lzw.tif", [_page(4), _page(5)], compression="tiff_lzw")
        pdf = synth.write_pdf(Path(folder) / "scan.pdf", [synth.PdfPage(_page(6), 100, "jpeg"),
                                                         synth.PdfPage(_page(7), 100, "g4"),
                                                         synth.PdfPage(_page(8), 100, "flate1")])
        files = [tiff_g4.read_bytes(), tiff_lzw.read_bytes(), pdf.read_bytes()]
    buffer = io.BytesIO()
    Image.fromarray(_page(9)).save(buffer, "JPEG", dpi=(200, 200))
    files.append(buffer.getvalue())
    files += [synth.encode_image(_page(10), ext) for ext in (".png", ".webp", ".bmp", ".jpg")]
    return tuple(files)


_MAGIC = [b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"RIFF\x00\x00\x00\x00WEBP",
          b"BM", b"%PDF-1.4\n"]
_mutation = st.one_of(
    st.tuples(st.just("set"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("big"), st.floats(0, 1), st.sampled_from([struct.pack(">I", 60000), struct.pack("<I", 60000),
                                                                 b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"])),
    st.tuples(st.just("cut"), st.floats(0, 1), st.just(b"")),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
)


def _mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    for kind, where, payload in mutations:
        at = int(where * len(data))
        if kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + payload + data[at:]
        else:
            data = data[:at] + payload + data[at + len(payload):]
    return data


_scan_bytes = st.one_of(
    st.builds(lambda magic, rest: magic + rest, st.sampled_from(_MAGIC), st.binary(max_size=512)),
    st.builds(lambda index, mutations: _mutate(_seeds()[index], mutations),
              st.integers(0, 7), st.lists(_mutation, min_size=1, max_size=4)),
)


def _check(page: PageImage, path: Path) -> None:
    assert isinstance(page, PageImage) and page.source == path and page.page >= 1 and len(page.sha256) == 64
    if page.image is None:
        assert isinstance(page.error, str) and page.error.startswith(str(path))
    else:
        assert page.error is None and page.image.dtype == np.uint8 and page.image.ndim == 2
        assert page.image.size > 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contents=st.lists(_scan_bytes, min_size=1, max_size=3))
def test_random_and_mutated_scan_bytes_give_pages_or_failed_pages_never_an_exception(contents: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, data in enumerate(contents):
            path = Path(folder) / f"{number:02d}.scan"
            path.write_bytes(data)
            paths.append(path)
        pages = list(iter_pages([folder], budget=FUZZ_BUDGET))
        for page in pages:
            _check(page, next(p for p in paths if p == page.source))
        assert [p.source for p in pages] == sorted(p.source for p in pages)  # file order kept
        assert {p.source for p in pages} == set(paths)  # every file accounted for
        assert count_pages([folder]) == len(pages)  # the progress count agrees with the stream
