"""Grading end to end against decoding, on one and on several processes; start-up; memory.

Run from the repository root::

    python bench/bench_throughput.py [--sheets 24] [--rounds 3] [--dpi 200] [--jobs 2] [--jobs-pages 600]
        [--jobs-rounds 2] [--seed 1]
    python bench/bench_throughput.py --big 10000 [--big-kind jpeg|pdf]   # on demand, not in CI

Synthetic answer sheets of the bundled ``a4-180`` layout, with a QR code of a
``cs-180`` key so every page is identified, scored and stored, are written as
the files scanners make (JPEG files, a G4 TIFF, PDFs of JPEG and G4 images;
see ``bench_read.py``).  Every figure is a ratio against a floor measured in
the same run:

- one worker: ``grade_batch`` (decode, read, identify, score, store, exports)
  per page against the bare decode of the same page (target <= 1.3) and
  against the reader alone (page extraction + ``read_sheet``), each the
  fastest of ``--rounds`` interleaved rounds;
- ``--jobs``: sheets per second of ``grade_batch(jobs=N)`` on a folder of
  JPEG files, one G4 TIFF, one PDF of JPEG and one of G4 images (long files
  are shared out in parts) against ``jobs=1`` on the same files, each in a fresh process as
  ``papergen grade`` runs (see ``JOBS_DRIVER``), starting the workers included,
  the fastest of ``--jobs-rounds`` interleaved rounds (target >= 1.8 on 2 cores);
  beside it the ceiling (N single-thread processes doing the workers' page
  work, nothing stored and the workers started, against one doing the same:
  what the machine gives this work), the speed-up the machine gives pure CPU
  work on as many processes at that moment (on a busy machine neither
  reaches N), and the storing parent's CPU time per page;
- annotated sheets: ``annotate_sheets`` per page as JPEG, PNG and PDF, less
  the bare decode of the page (target <= 15 ms), and the CPU time of the
  JPEG run less that of decoding (all threads: files are encoded on a
  writer thread while the next page is drawn);
- start-up: ``papergen grade`` on an empty folder against ``python -c pass``
  (target <= 0.3 s);
- ``--big N``: peak resident memory of ``papergen grade`` on N pages, exports
  included (target < 300 MB).

The load average is printed with the timings: other processes on a small
machine slow every column, the ratios less so.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench_grading import EXAM_ID, make_manifest
from bench_read import Batch, write_batches
from omr import synth
from omr.layout import SheetLayout, load_layout
from omr.read import read_sheet
from omr.scan_io import iter_pages
from papergen.exam.format import load_format
from papergen.exam.manifest import ExamManifest, save_manifest
from papergen.exam.sheet_code import SheetCode, encode_sheet_code
from papergen.grading import STORE_FILENAME, Store, grade_batch
from papergen.report.annotate import annotate_sheets
from papergen.resources import bundled_format_path, bundled_layout_path

REPO = Path(__file__).resolve().parents[1]
CLI = "from papergen.cli import main; main()"


def load() -> str:
    """The load averages, as printed beside every timing."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def make_pages(layout: SheetLayout, manifest: ExamManifest, count: int, dpi: float, seed: int, *,
               candidates: bool = True) -> list[np.ndarray]:
    """Marked, skewed, noisy sheets whose QR code names the bench key.

    Without ``candidates`` the number grid stays empty: copies of such a sheet
    are not duplicates of one another (their candidate is unknown).
    """
    qr = encode_sheet_code(SheetCode(EXAM_ID, "A", manifest.variants[0].checksum))
    pages = []
    for k in range(count):
        digits = synth.candidate_marks(f"{k + 1:010d}") if candidates else {}
        marks = synth.SheetMarks(synth.random_answers(layout, seed + k), digits)
        page = synth.draw_sheet(layout, dpi=dpi, marks=marks, seed=seed + k, qr_text=qr)
        scan = synth.Scan(skew_deg=float(np.random.default_rng(k).uniform(-2, 2)), margin_mm=3, noise_sigma=3,
                          blur_sigma_px=0.5)
        pages.append(synth.capture(page, dpi, scan, seed=seed + k))
    return pages


def per_page_s(action, pages: int) -> float:
    """Wall time of one call divided by the pages it handled, seconds."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) / pages


def one_worker(batch: Batch, layout: SheetLayout, manifest: ExamManifest, out: Path, rounds: int
               ) -> tuple[float, float, float]:
    """(decode, read, grade) seconds per page of one format, one process: the fastest of interleaved rounds.

    The fastest round is the one least slowed by other processes; each grading
    round writes a fresh results folder, so every page is read and stored.
    """
    count = len(batch.decoders)
    samples = []
    for n in range(rounds):
        decode = per_page_s(lambda: [d() for d in batch.decoders], count)
        read = per_page_s(lambda: [read_sheet(p.image, layout, dpi=p.dpi) for p in iter_pages(batch.files)], count)
        grade = per_page_s(lambda: grade_batch(batch.files, [manifest], out / f"round-{n}", layout=layout), count)
        samples.append((decode, read, grade))
    decode, read, grade = (min(column) for column in zip(*samples))
    return decode, read, grade


def run_fixed_cost(layout: SheetLayout, manifest: ExamManifest, folder: Path) -> float:
    """Median seconds of ``grade_batch`` on an empty folder (opening the store, keys, exports), 7 runs."""
    empty = folder / "empty"
    empty.mkdir(parents=True)
    return sorted(per_page_s(lambda: grade_batch([empty], [manifest], folder / f"out-{k}", layout=layout), 1)
                  for k in range(7))[3]


def stamped(base: list[np.ndarray], k: int) -> np.ndarray:
    """Page ``k``: a drawn sheet with a distinct stamp in its corner (outside the sheet), so no two hash alike."""
    image = base[k % len(base)].copy()
    image[2:6, 2:6 + k % 997] = 0
    image[8:12, 2:6 + k // 997] = 0
    return image


def write_files(base: list[np.ndarray], count: int, dpi: float, kind: str, folder: Path) -> list[Path]:
    """``count`` stamped pages as a scanner leaves them: a folder of JPEG files, or one multi-page TIFF or PDF
    (which grade --jobs shares out in parts)."""
    folder.mkdir(parents=True)
    pages = (stamped(base, k) for k in range(count))
    if kind == "JPEG files":
        for n, page in enumerate(pages):
            (folder / f"{n:06d}.jpg").write_bytes(synth.encode_image(page, ".jpg", quality=85))
        return [folder]
    if kind == "G4 TIFF":
        return [synth.write_tiff(folder / "sitting.tif", pages, dpi=dpi)]  # bitonal: ~0.5 MB a page held
    image = "g4" if "G4" in kind else "jpeg"
    return [synth.write_pdf(folder / "sitting.pdf", [synth.PdfPage(p, dpi, image) for p in pages])]


def _burn(count: int) -> int:
    """Pure Python arithmetic: work that parallelises perfectly on free cores."""
    total = 0
    for i in range(count):
        total += i * i
    return total


def machine_speed_up(jobs: int, units: int = 4_000_000, samples: int = 3) -> float:
    """How much more pure CPU work ``jobs`` processes do than one, right now (1.0: no free core); the median of
    ``samples`` measures, each a fraction of a second (on a shared host one swings from 1.3 to 2.3)."""
    context = multiprocessing.get_context("spawn")
    ratios = []
    with context.Pool(jobs) as pool:
        pool.map(_burn, [10] * jobs)
        for _ in range(samples):
            started = time.perf_counter()
            for _ in range(jobs):
                _burn(units)
            one = time.perf_counter() - started
            started = time.perf_counter()
            pool.map(_burn, [units] * jobs, chunksize=1)
            ratios.append(one / (time.perf_counter() - started))
    return sorted(ratios)[len(ratios) // 2]


JOBS_DRIVER = """
import json, sys, time
from papergen.exam.manifest import load_manifest
from papergen.grading import grade_batch
key, out, jobs, *files = sys.argv[1:]
stamps = []
cpu, started = time.process_time(), time.perf_counter()
grade_batch(files, [load_manifest(key)], out, jobs=int(jobs), progress=lambda _: stamps.append(time.perf_counter()))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
quarter = len(stamps) // 4
print(json.dumps([seconds, cpu, (len(stamps) - quarter) / (stamps[-1] - stamps[quarter - 1])]))
"""
"""Grades the files in a fresh process run with ``-c``, as ``papergen grade`` does (spawned workers of this
script would import it again: drawing, PDF writing, the annotator, about 1 s before their first page), and
prints its wall and CPU seconds and its steady rate: sheets per second from the first quarter's last page
to the last page (no start, no exports)."""


@dataclass(frozen=True)
class JobsFigures:
    """``grade_batch`` on 1 and on N processes, each the fastest of interleaved rounds."""

    single: float
    """Sheets per second on 1 process, start and exports included."""
    multi: float
    """The same on N processes."""
    single_steady: float
    """Sheets per second on 1 process once running: from the first quarter's last page to the last page."""
    multi_steady: float
    """The same on N processes."""
    parent_cpu: float
    """The storing parent's CPU seconds per page on N processes, in its fastest round (work that does not spread)."""


def several_workers(files: list[Path], count: int, key: Path, out: Path, jobs: int, rounds: int) -> JobsFigures:
    """grade_batch over the files with 1 and with ``jobs`` processes in fresh processes, ``rounds`` interleaved
    rounds of each."""
    def run(n: int, folder: str) -> tuple[float, float, float]:
        done = subprocess.run([sys.executable, "-c", JOBS_DRIVER, str(key), str(out / folder), str(n), *map(str, files)],
                              cwd=REPO, check=True, capture_output=True, text=True)
        seconds, cpu, steady = json.loads(done.stdout.strip().splitlines()[-1])
        return seconds, cpu, steady

    singles, multis = [], []
    for k in range(rounds):
        order = (1, jobs) if k % 2 == 0 else (jobs, 1)
        for n in order:
            (singles if n == 1 else multis).append(run(n, f"{n}-{k}"))
    multi, parent, _ = min(multis)
    return JobsFigures(count / min(s[0] for s in singles), count / multi, max(s[2] for s in singles),
                       max(s[2] for s in multis), parent / count)


_CEILING: dict[str, object] = {}
"""A ceiling worker's setup (see :func:`_ceiling_start`)."""


def _ceiling_start(setup: object) -> None:
    """A ceiling worker: one OpenCV thread, as grade's workers; the reader loaded before the clock starts."""
    import cv2

    from papergen.grading.assess import default_reader

    cv2.setNumThreads(1)
    _CEILING.update(setup=setup, reader=default_reader())


def _ceiling_unit(unit: object) -> tuple[float, float, int]:
    """Assess and encode one unit's pages as a grade worker does, storing nothing: (start, end, pages)."""
    from papergen.grading.assess import assess_and_encode
    from papergen.grading.workers import PageDone, _packed, _unit_pages

    setup, started, pages = _CEILING["setup"], time.perf_counter(), 0
    for page in _unit_pages(unit, setup):
        outcome = assess_and_encode(page, setup.keys, setup.layout, _CEILING["reader"], setup.store)
        _packed(PageDone(0, page.sha256, outcome))
        pages += 1
    return started, time.perf_counter(), pages


def assess_rate(files: list[Path], manifest: ExamManifest, layout: SheetLayout, jobs: int) -> float:
    """Sheets per second of ``jobs`` single-thread processes that assess the files' pages as grade's workers
    do (units shared out as grade shares them), with nothing stored and the workers already started.

    With ``jobs`` and with 1, their ratio is the ceiling of ``--jobs`` on this machine at this moment: the
    speed-up of the page work itself, were starting the workers and storing free.  Wall time runs from the
    first unit's start to the last one's end (``time.perf_counter`` is one clock for every process on Linux
    and macOS).
    """
    from papergen.grading.batch import _index_manifests
    from papergen.grading.store import StoreParams
    from papergen.grading.workers import WorkerSetup, input_files, with_file_digests, work_units

    setup = WorkerSetup(_index_manifests([manifest]), layout, None, None, frozenset(), StoreParams())
    units = with_file_digests(work_units(input_files(files), jobs))
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_ceiling_start, initargs=(setup,)) as pool:
        pool.map(time.sleep, [0.5] * jobs, chunksize=1)  # every worker started and loaded
        spans = pool.map(_ceiling_unit, units, chunksize=1)
    return sum(n for _, _, n in spans) / (max(e for _, e, _ in spans) - min(s for s, _, _ in spans))


def annotate_costs(batch: Batch, layout: SheetLayout, results: Path, out: Path) -> dict[str, float]:
    """Seconds per page of annotating the batch's graded pages as JPEG, PNG and PDF, and of decoding them;
    ``"jpeg cpu"``: CPU seconds per page of the JPEG run less those of decoding (all threads counted)."""
    with Store.open(results / STORE_FILENAME) as store:
        sheets = store.graded_sheets()
        cpu = time.process_time()
        costs = {"decode": per_page_s(lambda: [d() for d in batch.decoders], len(batch.decoders))}
        decode_cpu = (time.process_time() - cpu) / len(batch.decoders)
        for kind in ("jpeg", "png", "pdf"):
            cpu = time.process_time()
            costs[kind] = per_page_s(lambda: annotate_sheets(sheets, layout, out / kind, annotate_as=kind,
                                                             stored_reads=store.sheet_read), len(sheets))
            costs[f"{kind} cpu"] = (time.process_time() - cpu) / len(sheets) - decode_cpu
    return costs


def start_up(key: Path, folder: Path) -> tuple[float, float]:
    """Median seconds of ``python -c pass`` and of ``papergen grade`` on an empty folder (5 runs each)."""
    empty = folder / "empty"
    empty.mkdir()

    def run(args: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=REPO, check=True, capture_output=True)
        return time.perf_counter() - started

    floor = sorted(run(["-c", "pass"]) for _ in range(5))[2]
    grade = sorted(run(["-c", CLI, "grade", str(empty), "--key", str(key), "--out", str(folder / f"out{k}")])
                   for k in range(5))[2]
    return floor, grade


def big_run(layout: SheetLayout, manifest: ExamManifest, key: Path, count: int, kind: str, dpi: float,
            folder: Path, jobs: int) -> None:
    """Grade ``count`` distinct pages with the command line and print its peak memory."""
    base = make_pages(layout, manifest, 8, dpi, seed=100, candidates=False)
    print(f"\nwriting {count} {kind} pages ...", flush=True)

    scans = folder / "big"
    scans.mkdir()
    if kind == "jpeg":
        for k in range(count):
            (scans / f"{k:06d}.jpg").write_bytes(synth.encode_image(stamped(base, k), ".jpg", quality=85))
    else:  # G4 images keep the writer's memory at ~40 KB a page (it holds the whole file)
        synth.write_pdf(scans / "big.pdf", (synth.PdfPage(stamped(base, k), dpi, "g4") for k in range(count)))
    print(f"{load()} before the run", flush=True)
    started = time.perf_counter()
    run = subprocess.Popen([sys.executable, "-c", CLI, "grade", str(scans), "--key", str(key), "--out",
                            str(folder / "res"), "--jobs", str(jobs)], cwd=REPO, stdout=subprocess.DEVNULL)
    peaks = watch_peaks(run)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"papergen grade failed (exit status {run.returncode})")
    print(f"{load()} after the run")
    print(f"{count} {kind} pages, --jobs {jobs}: {seconds:.0f} s ({count / seconds:.1f} pages/s); "
          f"peak RSS of the largest process {max(peaks.values()):.0f} MB (target < 300 MB): "
          + ", ".join(f"{mb:.0f}" for mb in peaks.values()) + " MB (grade, then its workers)")


def watch_peaks(process: subprocess.Popen, every_s: float = 0.1) -> dict[int, float]:
    """Peak resident memory (MB) of ``process`` and of every process it starts, until it ends.

    Read from ``/proc/<pid>/status`` (``VmHWM``, the high-water mark of the process's own
    memory since it started its program).  ``getrusage`` would not do: a child's maximum
    includes the memory of the process it was forked from, this bench's own drawings.
    """
    peaks: dict[int, float] = {}
    while process.poll() is None:
        pending = [process.pid]
        while pending:
            pid = pending.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:  # ended meanwhile
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = max(peaks.get(pid, 0.0), int(line.split()[1]) / 1024)
            pending.extend(int(child) for child in children)
        time.sleep(every_s)
    return peaks


def positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=positive, default=24)
    parser.add_argument("--dpi", type=float, default=200.0)
    parser.add_argument("--jobs", type=positive, default=2)
    parser.add_argument("--skip-jobs", action="store_true", help="leave out the --jobs comparison")
    parser.add_argument("--jobs-pages", type=positive, default=600,
                        help="pages of the --jobs comparison (a real batch: starting the workers, about 1 s, is counted)")
    parser.add_argument("--jobs-rounds", type=positive, default=2,
                        help="interleaved rounds of the --jobs comparison (each grades every file twice)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=positive, default=3, help="interleaved rounds of the one-worker table")
    parser.add_argument("--big", type=int, default=0, help="pages of the memory run (0: skip it)")
    parser.add_argument("--big-kind", choices=["jpeg", "pdf"], default="jpeg",
                        help="a folder of JPEG files or one PDF of G4 images")
    args = parser.parse_args()
    layout = load_layout(bundled_layout_path("a4-180"))
    manifest = make_manifest(layout, load_format(bundled_format_path("cs-180")), random.Random(args.seed))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key = folder / "key.json"
        save_manifest(manifest, key)
        if args.big:
            big_run(layout, manifest, key, args.big, args.big_kind, args.dpi, folder, args.jobs)
            return
        floor, grade = start_up(key, folder)
        print(f"start-up: python -c pass {floor:.2f} s, papergen grade on an empty folder {grade:.2f} s "
              f"({grade - floor:.2f} s of its own; target <= 0.3 s)")
        print(f"drawing {args.sheets} sheets at {args.dpi:.0f} dpi ...", flush=True)
        batches = write_batches(make_pages(layout, manifest, args.sheets, args.dpi, args.seed), args.dpi, folder)
        fixed = run_fixed_cost(layout, manifest, folder / "fixed")
        print(f"\none worker, per page ({load()}; a run's own cost, grading an empty folder: {fixed * 1e3:.1f} ms)\n")
        print(f"{'format':<18} {'decode ms':>9} {'read ms':>8} {'grade ms':>9} {'grade/decode':>12} "
              f"{'grade/read':>10} {'per page/decode':>15}")
        for n, batch in enumerate(batches):
            decode, read, grade = one_worker(batch, layout, manifest, folder / f"one-{n}", args.rounds)
            marginal = grade - fixed / len(batch.decoders)
            print(f"{batch.name:<18} {decode * 1e3:>9.1f} {read * 1e3:>8.1f} {grade * 1e3:>9.1f} "
                  f"{grade / decode:>12.2f} {grade / read:>10.2f} {marginal / decode:>15.2f}")
        print(f"(per page: grade less the run's own cost shared by these {args.sheets} pages, what a page adds to a "
              "long batch)")
        print(f"\nannotated sheets, per page beyond decode (target <= 15 ms; {load()})\n")
        print(f"{'format':<18} {'decode ms':>9} {'jpeg ms':>8} {'png ms':>8} {'pdf ms':>8} {'jpeg CPU ms':>11}")
        for n, batch in enumerate(batches):
            costs = annotate_costs(batch, layout, folder / f"one-{n}" / "round-0", folder / f"annotated-{n}")
            beyond = {kind: (costs[kind] - costs["decode"]) * 1e3 for kind in ("jpeg", "png", "pdf")}
            print(f"{batch.name:<18} {costs['decode'] * 1e3:>9.1f} {beyond['jpeg']:>8.1f} {beyond['png']:>8.1f} "
                  f"{beyond['pdf']:>8.1f} {costs['jpeg cpu'] * 1e3:>11.1f}")
        print("(wall time; files are encoded on a writer thread while the next page is drawn, so on a busy "
              "machine the CPU column, all threads counted, is the steadier figure)")
        if args.skip_jobs:
            return
        base = make_pages(layout, manifest, 8, args.dpi, seed=100, candidates=False)
        print(f"\n--jobs {args.jobs}: {args.jobs_pages} pages (a folder of JPEGs, or one file), worker start included "
              f"({load()}; {os.cpu_count()} cores)\n")
        print(f"{'format':<18} {'grade 1':>8} {f'grade {args.jobs}':>8} {'speed-up':>9} {'steady':>7} {'work 1':>7}"
              f" {f'work {args.jobs}':>7} {'ceiling':>8} {'machine':>8} {'parent CPU ms':>13}")
        for n, batch in enumerate(batches):
            files = write_files(base, args.jobs_pages, args.dpi, batch.name, folder / f"jobs-{n}")
            grade = several_workers(files, args.jobs_pages, key, folder / f"jobs-out-{n}", args.jobs, args.jobs_rounds)
            work_1, work_n = (assess_rate(files, manifest, layout, procs) for procs in (1, args.jobs))
            machine = machine_speed_up(args.jobs)
            print(f"{batch.name:<18} {grade.single:>8.1f} {grade.multi:>8.1f} {grade.multi / grade.single:>9.2f}"
                  f" {grade.multi_steady / grade.single_steady:>7.2f} {work_1:>7.1f} {work_n:>7.1f}"
                  f" {work_n / work_1:>8.2f} {machine:>8.2f} {grade.parent_cpu * 1e3:>13.2f}")
        print(f"(grade 1, grade {args.jobs}: sheets per second of grade on 1 and {args.jobs} processes, the fastest of "
              f"{args.jobs_rounds} interleaved rounds; steady: the speed-up once running, from the first quarter's last "
              f"page to the last page; work 1, work {args.jobs}: sheets per second of as many "
              "single-thread processes doing the workers' page work, nothing stored and the workers already started; "
              "ceiling: their ratio, what the machine gives this work; machine: the speed-up of pure CPU work on as "
              "many processes, measured right after; parent CPU: the storing process's CPU per page, exports "
              "included)")
        print(f"\n{load()} after the timings")


if __name__ == "__main__":
    main()
