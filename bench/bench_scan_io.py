"""Streaming scan input: time per page deep in a long TIFF, and peak memory over a long TIFF and PDF.

Run from the repository root::

    python bench/bench_scan_io.py [--tiff-pages 300] [--pdf-pages 1000] [--dpi 200]
    python bench/bench_scan_io.py --long        # 5,000 pages of each: minutes, run on demand

A text page (A4, ``--dpi``) is written as a multi-page CCITT G4 TIFF and as a
PDF whose every page embeds one G4 scan image (:mod:`omr.synth`).  Each
approach runs in its own process, which reports its per-page times and its
peak resident memory (sampled after every page) beside the memory it had before reading
the first page:

- ``iter_pages``: :func:`omr.scan_io.iter_pages` (TIFF frames from one open
  decoder; PDF pages closed as done, the document reopened every
  ``ScanBudget.pdf_pages_per_open`` pages);
- ``earlier``: the approach it replaced, measured in the same run: the whole
  TIFF read into memory and page ``i`` decoded by
  ``cv2.imdecodemulti(buf, range=(i, i + 1))`` (only a sample of pages: all
  of them would take hours at 5,000), and one PDF document kept open for all
  its pages.

The floor is ``cv2.imdecode`` of the same page saved as a one-page TIFF.
Ratios: per-page time / floor, and last pages / first pages (1.0 is constant
time per page).  The machine's load average is printed: other processes slow
every column, the ratios less so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from omr import synth  # noqa: E402
from omr.scan_io import ScanBudget, iter_pages  # noqa: E402
from omr.scan_pdf import pdf_pages  # noqa: E402

EDGE_PAGES = 20  # pages timed at each end of the file
EARLIER_DEEP_REPEATS = 3  # decodes of the last page by the earlier approach (each may take seconds)


# -- inputs ----------------------------------------------------------------------------------------


def write_inputs(folder: Path, tiff_pages: int, pdf_pages: int, dpi: float) -> dict[str, Path]:
    """A one-page TIFF (the floor), a long G4 TIFF and a long PDF of G4 scan pages, all of one text page."""
    page = synth.text_page(dpi)
    one = synth.write_tiff(folder / "one.tif", [page], dpi=dpi)
    long_tiff = synth.write_tiff(folder / "long.tif", [page] * tiff_pages, dpi=dpi)
    long_pdf = synth.write_pdf(folder / "long.pdf", [synth.PdfPage(page, dpi, "g4")] * pdf_pages)
    return {"one": one, "tiff": long_tiff, "pdf": long_pdf}


# -- what each child process runs ------------------------------------------------------------------


_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def _rss_mb() -> float:
    """The process's resident memory now, MB (``ru_maxrss`` would include the peak of the imports)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_BYTES / 2**20


def _timed(pages, floor_data: np.ndarray, is_edge, peak: list[float]) -> tuple[list[tuple[float, float]], int]:
    """Time each page of an iterator; each edge page is paired with one floor decode timed right after it, so
    that both see the same load.  Returns the (page s, floor s) pairs and the number of pages; ``peak[0]`` is
    raised to the highest memory seen."""
    pairs, count, started = [], 0, time.perf_counter()
    for _ in pages:
        elapsed = time.perf_counter() - started
        peak[0] = max(peak[0], _rss_mb())
        if is_edge(count):
            pairs.append((elapsed, _floor_once(floor_data)))
        count += 1
        started = time.perf_counter()
    return pairs, count


def _earlier_tiff(path: Path, indices: list[int]):
    """The replaced reader: whole file in memory, ``imdecodemulti`` re-walking the file for each page."""
    buffer = np.frombuffer(path.read_bytes(), np.uint8)
    for index in indices:
        ok, mats = cv2.imdecodemulti(buffer, cv2.IMREAD_GRAYSCALE, range=(index, index + 1))
        assert ok and mats[0].size, index
        yield mats[0]


def run_child(kind: str, approach: str, path: Path, pages: int, dpi: float) -> dict:
    """Read one file one way: per-page times of the first and last pages against the floor, memory before the
    first page and at its peak."""
    floor_data = np.frombuffer(path.with_name("one.tif").read_bytes(), np.uint8)
    start_mb = _rss_mb()
    peak = [start_mb]
    if kind == "tiff" and approach == "earlier":
        first, _ = _timed(_earlier_tiff(path, list(range(EDGE_PAGES))), floor_data, lambda i: True, peak)
        last, _ = _timed(_earlier_tiff(path, [pages - 1] * EARLIER_DEEP_REPEATS), floor_data, lambda i: True, peak)
        read = len(first) + len(last)
    else:
        budget = ScanBudget(pdf_pages_per_open=10**9) if approach == "earlier" else ScanBudget()
        stream = pdf_pages(path, dpi, budget) if approach == "earlier" else iter_pages([path], budget=budget)
        pairs, read = _timed((page for page in stream if page.image is not None), floor_data,
                             lambda i: i < EDGE_PAGES or i >= pages - EDGE_PAGES, peak)
        first, last = pairs[:EDGE_PAGES], pairs[-EDGE_PAGES:]
        assert read == pages, (read, pages)
    return {"first_ms": _median_ms(first, 0), "last_ms": _median_ms(last, 0),
            "first_ratio": statistics.median(t / f for t, f in first),
            "last_ratio": statistics.median(t / f for t, f in last),
            "floor_ms": _median_ms(first + last, 1), "pages": read, "start_mb": start_mb, "peak_mb": peak[0]}


def _median_ms(pairs: list[tuple[float, float]], column: int) -> float:
    return statistics.median(pair[column] for pair in pairs) * 1e3


def _child(kind: str, approach: str, path: Path, pages: int, dpi: float) -> dict:
    command = [sys.executable, __file__, "--child", kind, approach, str(path), str(pages), str(dpi)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ,
                                                                                   "OPENCV_LOG_LEVEL": "ERROR"})
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the run ---------------------------------------------------------------------------------------


def _floor_once(data: np.ndarray) -> float:
    """Seconds ``cv2.imdecode`` takes for the one-page TIFF (the floor)."""
    started = time.perf_counter()
    cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiff-pages", type=int, default=300)
    parser.add_argument("--pdf-pages", type=int, default=1000)
    parser.add_argument("--dpi", type=float, default=200.0)
    parser.add_argument("--long", action="store_true", help="5,000 pages of each (minutes)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, approach, path, pages, dpi = args.child
        print(json.dumps(run_child(kind, approach, Path(path), int(pages), float(dpi))))
        return
    tiff_pages, pdf_pages_count = (5000, 5000) if args.long else (args.tiff_pages, args.pdf_pages)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        files = write_inputs(Path(folder), tiff_pages, pdf_pages_count, args.dpi)
        results = {(kind, approach): _child(kind, approach, files[kind], count, args.dpi)
                   for kind, count in (("tiff", tiff_pages), ("pdf", pdf_pages_count))
                   for approach in ("iter_pages", "earlier")}
        sizes = {kind: files[kind].stat().st_size / 2**20 for kind in ("tiff", "pdf")}
    report(results, tiff_pages, pdf_pages_count, sizes)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def report(results: dict, tiff_pages: int, pdf_pages_count: int, sizes: dict[str, float]) -> None:
    """Print per-page times against the floor and peak memory against the earlier approach."""
    print(f"\nTIFF, {tiff_pages} G4 pages ({sizes['tiff']:.1f} MB): median ms per page over the first "
          f"{EDGE_PAGES} and the last pages; floor: cv2.imdecode of the page as a one-page TIFF, timed after "
          "each of them; ratios are medians of page / floor")
    print(f"{'approach':<12}{'floor':>8}{'first':>9}{'last':>10}{'first/floor':>13}{'last/floor':>12}"
          f"{'last/first':>12}")
    for approach in ("iter_pages", "earlier"):
        r = results[("tiff", approach)]
        print(f"{approach:<12}{r['floor_ms']:>8.2f}{r['first_ms']:>9.2f}{r['last_ms']:>10.2f}{r['first_ratio']:>13.2f}"
              f"{r['last_ratio']:>12.2f}{r['last_ratio'] / r['first_ratio']:>12.2f}")
    new, old = results[("tiff", "iter_pages")], results[("tiff", "earlier")]
    print(f"earlier / iter_pages at the last page: {old['last_ms'] / new['last_ms']:.1f}x")
    print("\npeak resident memory, MB (growth over the process before its first page)")
    print(f"{'file':<28}{'approach':<12}{'pages':>7}{'start':>8}{'peak':>8}{'growth':>8}")
    for kind, count in (("tiff", tiff_pages), ("pdf", pdf_pages_count)):
        for approach in ("iter_pages", "earlier"):
            r = results[(kind, approach)]
            label = f"{kind.upper()} {count} pages ({sizes[kind]:.0f} MB)"
            print(f"{label:<28}{approach:<12}{r['pages']:>7}{r['start_mb']:>8.0f}{r['peak_mb']:>8.0f}"
                  f"{r['peak_mb'] - r['start_mb']:>8.0f}")
        new, old = results[(kind, "iter_pages")], results[(kind, "earlier")]
        ratio = (old["peak_mb"] - old["start_mb"]) / max(new["peak_mb"] - new["start_mb"], 1.0)
        print(f"{'':<28}growth earlier / iter_pages: {ratio:.1f}x")


if __name__ == "__main__":
    main()
