"""Measure the reader's accuracy on simulated scans of a real exam, across every capture profile.

Run from the repository root::

    python bench/bench_accuracy.py [--sheets 12] [--light-sheets 4] [--hard-pages 10] [--seed 1] [--workers 2]
                                   [--keep DIR]
    python bench/bench_accuracy.py --scans DIR     # read again the scans kept by an earlier --keep DIR
    python bench/bench_accuracy.py --format my-100.json --sheet generic   # a generated layout, one generic sheet

An exam is built from the bundled bank and format; for every capture profile
(150/200/300 dpi, feeders and flatbeds, JPEG quality 40-95, bitonal G4 in PDF
and TIFF, pages turned by 90 and 180 degrees, phone photos, photocopies,
folded sheets) and for two mark mixes (``typical`` and ``messy``, the latter
full of light fills, half fills, ticks, crosses, erasures and stray dots),
``--sheets`` candidates are simulated, with a sheet of another exam in every
batch.  Every page is read back from its file and compared with the truth.
With the defaults that is 216 sheets and about 150,000 answer bubbles.

The headline is the count of misreads that nothing flags: a bubble read as
marked or blank against the candidate's intent, on a question not listed for
review.  It must be 0.  The baseline, measured in the same run on the same
reads, classifies the reader's own fill measures with a fixed threshold and
no review flags (how AMC-style fixed thresholds decide), to show what the
relative classification and its flags buy.

Beside it, the flags nobody needed (see ``flag_rates.py``): per mark mix and
capture profile, the share of clean pen and pencil questions flagged, of
answer sheets with any flag, and of cleanly filled candidate numbers flagged,
by tool; and the share of light but complete fills read without a flag, on
``--light-sheets`` sheets per grey profile filled lightly throughout and as
many with one light fill in ten among pencil marks.  Last, ``--hard-pages``
pages per hard case (``hard_pages.py``): dark and washed-out scans of
filled sheets, corner marks hollowed into rings by a bitonal driver, a text
page and a blank back, each of which must get its own status.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from flag_rates import FlagRates, LightResult, light_jobs, read_light_sheet, summarise_light
from hard_pages import HardResult, hard_jobs, hard_misreads, read_hard_page, summarise_hard
from omr.layout import SheetLayout
from omr.read import read_sheet
from omr.result import MarkState, QuestionRead, SheetRead
from omr.scan_io import iter_pages
from papergen.simulate.accuracy import AccuracyReport, compare_page
from papergen.bank.io import load_bank
from papergen.build import build_exam
from papergen.exam.layout import manifest_layout
from papergen.exam.manifest import ExamManifest, load_manifest
from papergen.resources import bundled_bank_path, bundled_format_path
from papergen.simulate import SimExtras, load_truth_dir, simulate_scans
from papergen.simulate.capture import PROFILES
from papergen.simulate.truth import TruthFile

BASELINE_THRESHOLD = 0.5
"""Fill ratio at or above which the baseline calls a bubble marked."""
MIXES = ("typical", "messy")
BANK_ID, FORMAT_ID = "customer-service", "cs-180"


@dataclass(frozen=True)
class FileJob:
    """One scan file to read, with its truth."""

    path: Path
    truth: TruthFile
    mix: str


def fixed_threshold(read: SheetRead, threshold: float = BASELINE_THRESHOLD) -> SheetRead:
    """The same read classified by a fixed fill threshold, with no state ambiguous and no flag."""
    if read.status != "read":
        return read
    questions = []
    for q in read.questions:
        states = tuple(MarkState.MARKED if f >= threshold else MarkState.BLANK for f in q.fills)
        marked = tuple(o for o, s in zip(q.options, states, strict=True) if s is MarkState.MARKED)
        questions.append(QuestionRead(q.number, q.options, q.fills, states, marked))
    return replace(read, questions=tuple(questions))


def read_file(job: FileJob, layout: SheetLayout,
              manifest: ExamManifest) -> tuple[str, AccuracyReport, AccuracyReport, FlagRates]:
    """Read one file; the reader's and the baseline's comparison with the truth, and its flag tally."""
    reader, baseline, flags = AccuracyReport(), AccuracyReport(), FlagRates()
    pages = list(iter_pages([job.path]))
    for page, truth in zip(pages, job.truth.pages, strict=True):
        if page.image is None:
            read = SheetRead(status="quarantined", reason=f"cannot decode: {page.error}")
        else:
            read = read_sheet(page.image, layout, dpi=page.dpi)
            reader.read_ms.append(read.timings_ms.get("total", 0.0))
        compare_page(reader, job.path.name, truth, read)
        compare_page(baseline, job.path.name, truth, fixed_threshold(read))
        flags.add_page(truth, read, manifest)
    return job.mix, reader, baseline, flags


def simulate_all(exam_dir: Path, out: Path, sheets: int, seed: int,
                 workers: int) -> tuple[list[FileJob], SheetLayout, float]:
    """Simulate every profile under every mix; the files to read, the layout and the seconds taken."""
    started = time.perf_counter()
    bank = load_bank(bundled_bank_path(BANK_ID))
    jobs: list[FileJob] = []
    for m, mix in enumerate(MIXES):
        for p, profile in enumerate(PROFILES):
            run_seed = seed * 1000 + 100 * m + p
            result = simulate_scans(exam_dir, out / f"{mix}-{profile}", candidates=sheets, seed=run_seed,
                                    profile=profile, mix=mix, extras=SimExtras(foreign_sheets=1), bank=bank,
                                    workers=workers)
            truths = load_truth_dir(result.truth_dir)
            jobs.extend(FileJob(result.scans_dir / name, truth, mix) for name, truth in truths.items())
            print(f"  simulated {mix:8s} {profile:13s} {result.pages:4d} pages in {result.elapsed_s:5.1f} s",
                  flush=True)
    layout = manifest_layout(load_manifest(exam_dir / "key.json"))
    return jobs, layout, time.perf_counter() - started


def kept_jobs(root: Path) -> tuple[list[FileJob], SheetLayout]:
    """The files and layout of a folder written by an earlier run with ``--keep``."""
    jobs: list[FileJob] = []
    for mix in MIXES:
        for profile in PROFILES:
            folder = root / f"{mix}-{profile}"
            truths = load_truth_dir(folder / "truth")
            jobs.extend(FileJob(folder / "scans" / name, truth, mix) for name, truth in truths.items())
    layout = manifest_layout(load_manifest(root / "exam" / "key.json"))
    return jobs, layout


@dataclass
class Reads:
    """Everything the reading pass tallied."""

    by_mix: dict[str, AccuracyReport]
    flags: dict[str, FlagRates]
    baseline: AccuracyReport
    seconds: float


def read_all(jobs: list[FileJob], layout: SheetLayout, workers: int, manifest: ExamManifest) -> Reads:
    """Read every file in worker processes: per-mix reports and flag tallies, the baseline report."""
    started = time.perf_counter()
    reads = Reads({mix: AccuracyReport() for mix in MIXES}, {mix: FlagRates() for mix in MIXES}, AccuracyReport(), 0)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for mix, reader, base, flags in pool.map(read_file, jobs, [layout] * len(jobs),
                                                       [manifest] * len(jobs), chunksize=2):
            reads.by_mix[mix].merge(reader)
            reads.flags[mix].merge(flags)
            reads.baseline.merge(base)
    reads.seconds = time.perf_counter() - started
    return reads


def read_hard(layout: SheetLayout, pages: int, seed: int, workers: int) -> list[tuple[str, HardResult]]:
    """Draw, capture and read the hard pages in worker processes."""
    jobs = hard_jobs(pages, seed)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(read_hard_page, [layout] * len(jobs), *zip(*jobs), chunksize=2)
        return [(case, result) for (case, _), result in zip(jobs, results, strict=True)]


def read_light(layout: SheetLayout, sheets: int, seed: int, workers: int) -> list[tuple[str, str, LightResult]]:
    """Draw, capture and read the light-fill sheets in worker processes."""
    jobs = light_jobs(sheets, seed)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(read_light_sheet, [layout] * len(jobs), *zip(*jobs), chunksize=2)
        return [(profile, style, result) for (profile, style, _), result in zip(jobs, results, strict=True)]


def print_report(title: str, report: AccuracyReport) -> None:
    """One report's table and its problem cases."""
    print(f"\n== {title}")
    for line in report.lines():
        print(line)
    for case in report.misreads:
        print(f"UNFLAGGED MISREAD: {case.describe()}")
    for problem in report.number_problems + report.qr_problems + report.status_problems:
        print(f"  {problem}")
    for note in report.number_flags:
        print(f"  number flagged: {note}")


def print_flag_rates(flags: dict[str, FlagRates], light: list[tuple[str, str, LightResult]]) -> None:
    """Flags nobody needed, per mix and profile, and how light complete fills read."""
    for mix in MIXES:
        print(f"\n== flagged share per capture profile, mark mix '{mix}' (clean questions by tool, questions "
              "the truth wants reviewed, answer sheets with any flag, sheets the truth wants reviewed, sheets "
              "flagged with nothing to review, cleanly filled candidate numbers by tool)")
        for line in flags[mix].lines(tuple(PROFILES)):
            print(line)
    print("\n== light but complete fills: share read as marks without a flag")
    for line in summarise_light(light):
        print(line)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 if any misread went unflagged."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=12, help="candidates per profile and mix (default 12)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--light-sheets", type=int, default=4,
                        help="light-fill sheets per grey profile and style (default 4)")
    parser.add_argument("--hard-pages", type=int, default=10, help="pages per hard case (default 10)")
    parser.add_argument("--keep", type=Path, help="keep the exam and scans in this new folder")
    parser.add_argument("--scans", type=Path, help="read the scans kept by an earlier --keep instead of simulating")
    parser.add_argument("--format", type=Path, help="paper format file (default: the bundled cs-180); a format "
                        "without a layout is measured on its generated sheet")
    parser.add_argument("--sheet", choices=("per-variant", "generic"), default="per-variant",
                        help="one sheet per variant, or one generic sheet with 试卷类型 bubbles")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="papergen-accuracy-") as tmp:
        if args.scans:
            (jobs, layout), sim_s = kept_jobs(args.scans), 0.0
        else:
            root = args.keep or Path(tmp)
            exam_dir = root / "exam"
            build_exam(bundled_bank_path(BANK_ID), args.format or bundled_format_path(FORMAT_ID), out_dir=exam_dir,
                       variants=2, seed=args.seed, workers=args.workers, sheet=args.sheet)
            print(f"Simulating {args.sheets} sheets x {len(PROFILES)} profiles x {len(MIXES)} mark mixes "
                  f"({args.workers} workers)")
            jobs, layout, sim_s = simulate_all(exam_dir, root, args.sheets, args.seed, args.workers)
        exam = (args.scans if args.scans else root) / "exam" / "key.json"
        reads = read_all(jobs, layout, args.workers, load_manifest(exam))
    light = read_light(layout, args.light_sheets, args.seed, args.workers)
    hard = read_hard(layout, args.hard_pages, args.seed, args.workers)
    total = AccuracyReport()
    for mix in MIXES:
        total.merge(reads.by_mix[mix])
        print_report(f"reader, mark mix '{mix}'", reads.by_mix[mix])
    print_report("reader, all pages", total)
    print_flag_rates(reads.flags, light)
    print("\n== hard pages: the status each must get, flagged questions and misreads on read sheets")
    for line in summarise_hard(hard):
        print(line)
    baseline, read_s = reads.baseline, reads.seconds
    ms = np.array(total.read_ms)
    print(f"\nBaseline (fixed fill threshold {BASELINE_THRESHOLD}, no flags) on the same reads: "
          f"{baseline.overall.misread} unflagged misreads of {baseline.overall.bubbles} bubbles; "
          f"papergen: {total.overall.misread}")
    print(f"Bubbles compared: {total.overall.bubbles}; unflagged misreads: {total.overall.misread}; "
          f"flagged rate: {100 * total.overall.flagged_rate:.2f} %")
    print(f"Read time per page: median {np.median(ms):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms "
          f"(single thread); simulation {sim_s:.0f} s, reading {read_s:.0f} s, total "
          f"{time.perf_counter() - started:.0f} s")
    light_misreads = sum(result.misreads for *_, result in light)
    print(f"Light-fill sheets: {sum(result.bubbles for *_, result in light)} bubbles, unflagged misreads: "
          f"{light_misreads}")
    print(f"Hard pages: unflagged misread questions: {hard_misreads(hard)}")
    return 1 if total.silent_errors or light_misreads or hard_misreads(hard) else 0


if __name__ == "__main__":
    sys.exit(main())
