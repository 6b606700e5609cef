"""Time the sheet reader against decoding the same scans, and its throughput on several processes.

Run from the repository root::

    python bench/bench_read.py [--sheets 16] [--dpi 200] [--rounds 3] [--workers 2] [--seed 1]

Synthetic answer sheets (drawn from the bundled layout by :mod:`omr.synth`,
marked, slightly skewed and noisy) are written as the files scanners make:
JPEG pages, a multi-page CCITT G4 TIFF, and PDFs whose pages each embed one
scan image (JPEG or G4).  For every page the baseline is the bare decode of its
image (``cv2.imdecode`` / ``cv2.imdecodemulti`` / pdfium's embedded-image
extraction), measured in the same run, interleaved with the full read: page
extraction by ``omr.scan_io.iter_pages`` (sniffing, hashing, metadata) plus
``omr.read.read_sheet``.  The table gives medians per page and the ratio
(read / decode; the target is 1.5 or less).  Every read is checked against the
truth: a misread that no flag reports would be counted and printed.

Throughput: the same files read by 1 process, then by ``--workers`` processes
(one OpenCV thread each), in sheets per second.

The machine's load average is printed before and after the timings: other
processes on a small machine slow both columns, the ratio less so.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from omr import synth
from omr.layout import SheetLayout, load_layout
from omr.read import read_sheet
from omr.result import MarkState, SheetRead
from omr.scan_io import iter_pages

REPO = Path(__file__).resolve().parents[1]
LAYOUT = REPO / "layouts" / "a4-180.json"
JPEG_QUALITY = 85
CHUNKS = 4  # files per format for the throughput run, so that workers share the load


@dataclass(frozen=True)
class Batch:
    """One scan format: its files and a decode-only function per page."""

    name: str
    files: list[Path]
    chunks: list[Path]
    decoders: list[Callable[[], np.ndarray]]


@dataclass
class Timing:
    """Per-page samples of one format."""

    decode: list[list[float]]
    read: list[list[float]]
    read_sheet: list[list[float]]
    stages: dict[str, list[float]]
    misreads: int = 0
    unread: int = 0


# -- sheets and files ------------------------------------------------------------------------------


def make_sheets(layout: SheetLayout, count: int, dpi: float, seed: int) -> tuple[list[np.ndarray], list]:
    """Marked, slightly skewed and noisy sheets with their truth."""
    pages, truths = [], []
    for k in range(count):
        answers = synth.random_answers(layout, seed + k, kind="pencil" if k % 2 else "pen")
        marks = synth.SheetMarks(answers, synth.candidate_marks(f"{2026000000 + seed * 1000 + k:010d}"))
        page = synth.draw_sheet(layout, dpi=dpi, marks=marks, seed=seed + k, qr_text=f"PG1|BENCH|A|{k:08d}|")
        scan = synth.Scan(skew_deg=float(np.random.default_rng(k).uniform(-2, 2)), margin_mm=3, noise_sigma=3,
                          blur_sigma_px=0.5)
        pages.append(synth.capture(page, dpi, scan, seed=seed + k))
        truths.append(marks)
    return pages, truths


def write_batches(pages: list[np.ndarray], dpi: float, folder: Path) -> list[Batch]:
    """The pages as JPEG files, one G4 TIFF, and PDFs embedding JPEG and G4 images."""
    jpegs = []
    for k, page in enumerate(pages):
        path = folder / f"jpeg/sheet-{k:03d}.jpg"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(synth.encode_image(page, ".jpg", quality=JPEG_QUALITY))
        jpegs.append(path)
    tiff = synth.write_tiff(folder / "scan-g4.tif", pages, dpi=dpi)
    pdf_jpeg = synth.write_pdf(folder / "scan-jpeg.pdf", [synth.PdfPage(p, dpi, "jpeg") for p in pages])
    pdf_g4 = synth.write_pdf(folder / "scan-g4.pdf", [synth.PdfPage(p, dpi, "g4") for p in pages])
    return [
        Batch("JPEG files", jpegs, _chunk_jpegs(jpegs), [_jpeg_decoder(p) for p in jpegs]),
        Batch("G4 TIFF", [tiff], _chunk(pages, dpi, folder, "tif"), _tiff_decoders(tiff, len(pages))),
        Batch("PDF, JPEG images", [pdf_jpeg], _chunk(pages, dpi, folder, "jpeg.pdf"), _pdf_decoders(pdf_jpeg)),
        Batch("PDF, G4 images", [pdf_g4], _chunk(pages, dpi, folder, "g4.pdf"), _pdf_decoders(pdf_g4)),
    ]


def _chunk_jpegs(jpegs: list[Path]) -> list[Path]:
    folders = []
    for c in range(min(CHUNKS, len(jpegs))):
        folder = jpegs[0].parent.parent / f"jpeg-chunk-{c}"
        folder.mkdir(exist_ok=True)
        for path in jpegs[c::CHUNKS]:
            (folder / path.name).write_bytes(path.read_bytes())
        folders.append(folder)
    return folders


def _chunk(pages: list[np.ndarray], dpi: float, folder: Path, suffix: str) -> list[Path]:
    paths = []
    for c in range(min(CHUNKS, len(pages))):  # no empty chunk when there are fewer pages than chunks
        part = pages[c::CHUNKS]
        path = folder / f"chunk-{c}.{suffix}"
        if suffix == "tif":
            synth.write_tiff(path, part, dpi=dpi)
        else:
            synth.write_pdf(path, [synth.PdfPage(p, dpi, suffix.split(".")[0]) for p in part])
        paths.append(path)
    return paths


def _jpeg_decoder(path: Path) -> Callable[[], np.ndarray]:
    return lambda: cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_GRAYSCALE)


def _tiff_decoders(path: Path, count: int) -> list[Callable[[], np.ndarray]]:
    def decode(index: int) -> np.ndarray:
        buffer = np.fromfile(path, np.uint8)
        return cv2.imdecodemulti(buffer, cv2.IMREAD_GRAYSCALE, range=(index, index + 1))[1][0]

    return [lambda i=i: decode(i) for i in range(count)]


def _pdf_decoders(path: Path) -> list[Callable[[], np.ndarray]]:
    document = pdfium.PdfDocument(str(path))

    def decode(index: int) -> np.ndarray:
        page = document[index]
        image = next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=0))
        pixels = image.get_bitmap(render=False).to_numpy().copy()
        page.close()
        return pixels

    return [lambda i=i: decode(i) for i in range(len(document))]


# -- timing ----------------------------------------------------------------------------------------


def _timed_pages(files: list[Path]) -> Iterator[tuple[float, object]]:
    """(seconds spent producing the page, page) for every page of the files."""
    pages = iter_pages(files)
    while True:
        start = time.perf_counter()
        try:
            page = next(pages)
        except StopIteration:
            return
        yield time.perf_counter() - start, page


def measure(batch: Batch, layout: SheetLayout, truths: list, rounds: int) -> Timing:
    """Interleaved rounds: decode every page, then read every page; samples per page."""
    count = len(batch.decoders)
    timing = Timing([[] for _ in range(count)], [[] for _ in range(count)], [[] for _ in range(count)], {})
    for round_index in range(rounds):
        for k, decode in enumerate(batch.decoders):
            start = time.perf_counter()
            decode()
            timing.decode[k].append(time.perf_counter() - start)
        for k, (extract, page) in enumerate(_timed_pages(batch.files)):
            start = time.perf_counter()
            read = read_sheet(page.image, layout, dpi=page.dpi)
            spent = time.perf_counter() - start
            timing.read[k].append(extract + spent)
            timing.read_sheet[k].append(spent)
            for stage, ms in read.timings_ms.items():
                timing.stages.setdefault(stage, []).append(ms)
            if round_index == 0:
                _check(read, truths[k], timing)
    return timing


def _check(read: SheetRead, marks, timing: Timing) -> None:
    """Count pages not read and bubbles misread without a flag."""
    if read.status != "read":
        timing.unread += 1
        return
    for question in read.questions:
        truth = marks.answers.get(question.number, {})
        for option, state in zip(question.options, question.states, strict=True):
            expected = MarkState.MARKED if option in truth else MarkState.BLANK
            if state != expected and not question.needs_review:
                timing.misreads += 1


def _load() -> str:
    """The 1-minute load average against the core count, e.g. "load 0.4 on 2 cores"."""
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def _median_ms(samples: list[list[float]]) -> float:
    return 1e3 * statistics.median(statistics.median(s) for s in samples)


# -- throughput ------------------------------------------------------------------------------------


def _single_thread() -> None:
    cv2.setNumThreads(1)


def _read_file(path: str) -> int:
    layout = load_layout(LAYOUT)
    return sum(read_sheet(p.image, layout, dpi=p.dpi).status == "read" for p in iter_pages([path]))


def throughput(chunks: list[Path], workers: int) -> tuple[float, float]:
    """Sheets per second with one process and with ``workers`` processes."""
    start = time.perf_counter()
    read = sum(_read_file(str(p)) for p in chunks)
    single = read / (time.perf_counter() - start)
    spawn = multiprocessing.get_context("spawn")  # no fork of a process holding OpenCV and pdfium threads
    with ProcessPoolExecutor(workers, mp_context=spawn, initializer=_single_thread) as pool:
        list(pool.map(_read_file, [str(p) for p in chunks[:workers]]))  # warm the workers up
        start = time.perf_counter()
        read = sum(pool.map(_read_file, [str(p) for p in chunks]))
        multi = read / (time.perf_counter() - start)
    return single, multi


# -- report ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=16)
    parser.add_argument("--dpi", type=float, default=200.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    layout = load_layout(LAYOUT)
    print(f"drawing {args.sheets} sheets at {args.dpi:.0f} dpi ...", flush=True)
    pages, truths = make_sheets(layout, args.sheets, args.dpi, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        batches = write_batches(pages, args.dpi, Path(tmp))
        read_sheet(pages[0], layout, dpi=args.dpi)  # caches and first-call costs out of the way
        print(f"\nper page, median of {args.rounds} interleaved rounds x {args.sheets} pages "
              f"(read = page extraction + read_sheet; ratio = read / decode; target <= 1.5)")
        print(f"{_load()} before the timings\n")
        header = (f"{'format':<18} {'decode ms':>9} {'read ms':>8} {'ratio':>6} {'read_sheet ms':>13}"
                  "  stages (median ms)")
        print(header)
        print("-" * len(header))
        all_misreads = all_unread = 0
        for batch in batches:
            timing = measure(batch, layout, truths, args.rounds)
            decode, read = _median_ms(timing.decode), _median_ms(timing.read)
            stages = ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in timing.stages.items() if k != "total")
            print(f"{batch.name:<18} {decode:>9.1f} {read:>8.1f} {read / decode:>6.2f} "
                  f"{_median_ms(timing.read_sheet):>13.1f}  {stages}")
            all_misreads += timing.misreads
            all_unread += timing.unread
        print(f"{_load()} after the timings")
        print(f"\naccuracy: {args.sheets * len(batches)} reads, {all_unread} not read, "
              f"{all_misreads} unflagged misreads of {args.sheets * len(batches) * 700} answer bubbles")
        print(f"\nthroughput ({args.sheets} sheets per format, {CHUNKS} files each)\n")
        print(f"{'format':<18} {'1 process':>10} {f'{args.workers} processes':>12} {'speed-up':>9}   sheets/s")
        for batch in batches:
            single, multi = throughput(batch.chunks, args.workers)
            print(f"{batch.name:<18} {single:>10.1f} {multi:>12.1f} {multi / single:>9.2f}")


if __name__ == "__main__":
    main()
