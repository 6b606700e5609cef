"""Time exam assembly and building on synthetic banks.

Run from the repository root::

    python bench/bench_build.py [--seeds 5] [--many 100]

Part 1, assembly: four parallel ``cs-180`` forms (140 + 20 + 20 items, 20
topic quotas per section, difficulty 6:3:1) from synthetic banks of 2,000
(tight), 5,000 and 20,000 items (20 topics, difficulty 7:2:1, 5 % of items in enemy
groups).  Three paths: the default (greedy passes, the integer program when
they fail), greedy only, and the HiGHS integer program only.  The baseline,
measured in the same run, is the greedy path (the integer program where
greedy never succeeds); the other paths are reported as ratios to it.

Part 2, files: seconds per variant for booklet + blank answer sheet + the
variant's share of the key PDF, against a floor measured in the same run
(the same stems and options drawn as plain lines, no layout); then a whole
``build_exam`` of ``--many`` shuffled variants with one process and with one
rendering process per core.  Wall times on a shared machine depend on its
load, so the CPU seconds of the parent and of the workers are printed too,
with the wall time they imply on free cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from papergen.assembly import AssemblyRules, assemble_exam, default_exam_id
from papergen.assembly.plan import make_plan
from papergen.assembly.pool import build_pool
from papergen.assembly.selection import SelectionRequest, select_forms
from papergen.assembly.synthetic import SyntheticSpec, synthetic_bank
from papergen.bank.io import save_bank
from papergen.bank.blueprint import make_blueprint
from papergen.build import build_exam, load_exam_layout
from papergen.errors import AssemblyError
from papergen.exam.manifest import manifest_from_papers
from papergen.exam.paper import Paper
from papergen.exam.format import load_format
from papergen.render import SheetPrint, render_booklet, render_key, render_sheets
from papergen.render.document import PdfInfo, new_canvas
from papergen.render.fonts import register_font
from papergen.resources import bundled_format_path

BANK_SIZES = (2000, 5000, 20000)
"""2,000 items is tight for four forms: the greedy passes fail there and the ILP takes over."""
TARGETS_S = {5000: 1.5, 20000: 5.0}
PER_VARIANT_TARGET_S = 0.3
FORMS = ("A", "B", "C", "D")
A4_PT = (595.28, 841.89)
FLOOR_FONT_PT = 10.5
FLOOR_LINES_PER_PAGE = 60


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Wall time of one call, seconds, and its result."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def bench_assembly(size: int, seeds: int, fmt) -> dict[str, list[float]]:
    """Seconds per run of each selection path, over ``seeds`` seeds (the default path end to end)."""
    bank = synthetic_bank(SyntheticSpec(items=size, topics=20), seed=size)
    times: dict[str, list[float]] = {"default (end to end)": [], "greedy": [], "ilp": []}
    greedy_ok = 0
    for seed in range(seeds):
        try:
            seconds, _ = timed(
                lambda seed=seed: assemble_exam(bank, fmt, variants=4, seed=seed, mode="parallel", bank_sha256="-")
            )
            times["default (end to end)"].append(seconds)
        except AssemblyError as exc:
            print(f"  {size} items, seed {seed}: {str(exc).splitlines()[0]}")
        for method in ("greedy", "ilp"):
            rules = AssemblyRules(method=method)
            plan = make_plan(make_blueprint(bank, fmt), fmt, rules)
            request = SelectionRequest(build_pool(bank, plan), plan, FORMS, seed, default_exam_id(fmt, seed), rules)
            try:
                seconds, _ = timed(lambda request=request: select_forms(request))
            except AssemblyError:  # a greedy failure is a result here, counted below
                continue
            times[method].append(seconds)
            greedy_ok += method == "greedy"
    times["greedy success"] = [greedy_ok / seeds]
    return times


def write_text_floor(paper: Paper, path: Path) -> None:
    """Baseline: every stem and option of a paper as one plain line of the embedded font."""
    lines = [q.stem for q in paper.questions] + [o.text for q in paper.questions for o in q.options]
    canvas = new_canvas(path, A4_PT, PdfInfo(title="floor", subject="baseline"))
    for start in range(0, len(lines), FLOOR_LINES_PER_PAGE):
        canvas.setFont(register_font(), FLOOR_FONT_PT)
        for i, line in enumerate(lines[start : start + FLOOR_LINES_PER_PAGE]):
            canvas.drawString(50, A4_PT[1] - 50 - i * 12, line)
        canvas.showPage()
    canvas.save()


def bench_files(bank, fmt, folder: Path, repeat: int) -> tuple[float, float, float]:
    """Median seconds for one variant's booklet + blank sheet + key, and for the text floor; pages."""
    papers = assemble_exam(bank, fmt, variants=1, seed=1, bank_sha256="-")
    layout = load_exam_layout(fmt)
    manifest = manifest_from_papers(papers, paper_format=fmt, layout_id=layout.id, layout_sha256=layout.sha256,
                                    mode="shuffle", versions={})
    checksum = manifest.variants[0].checksum
    sheet = SheetPrint(fmt.title, papers[0].exam_id, "A", checksum, f"PG1|{papers[0].exam_id}|A|{checksum}|")

    def one_variant() -> int:
        pages = render_booklet(papers[0], folder / "b.pdf")
        render_sheets(layout, [sheet], folder / "s.pdf")
        render_key(manifest, folder / "k.pdf")
        return pages

    one_variant()  # font registration and imports out of the measurement
    variant = statistics.median(timed(one_variant)[0] for _ in range(repeat))
    floor = statistics.median(timed(lambda: write_text_floor(papers[0], folder / "f.pdf"))[0] for _ in range(repeat))
    return variant, floor, float(one_variant())


@dataclass(frozen=True)
class BuildTiming:
    """Wall and CPU seconds of one whole build."""

    wall_s: float
    parent_cpu_s: float
    worker_cpu_s: float


def bench_many(bank_path: Path, folder: Path, many: int, workers: int) -> BuildTiming:
    """Timing of a whole build of ``many`` shuffled variants with ``workers`` rendering processes."""
    before = os.times()
    wall, _ = timed(lambda: build_exam(bank_path, bundled_format_path("cs-180"), out_dir=folder / f"many-{workers}",
                                       variants=many, seed=3, workers=workers))
    after = os.times()
    return BuildTiming(wall, after.user + after.system - before.user - before.system,
                       after.children_user + after.children_system - before.children_user - before.children_system)


def print_many(many: int, serial: BuildTiming, parallel: BuildTiming, cores: int) -> None:
    """Wall times, and the CPU split that shows what free cores would give on a busy machine."""
    print(f"\nwhole build of {many} shuffled variants (assembly, key.json, {many} booklets and sheets, key.pdf)")
    print(f"  1 process:    {serial.wall_s:7.2f} s wall  {serial.wall_s / many:.3f} s per variant")
    print(f"  {cores} processes:  {parallel.wall_s:7.2f} s wall  {parallel.wall_s / many:.3f} s per variant"
          f"  ({serial.wall_s / parallel.wall_s:.2f} x faster)")
    ideal = parallel.parent_cpu_s + parallel.worker_cpu_s / cores
    print(f"  CPU of the {cores}-process build: {parallel.parent_cpu_s:.1f} s in the parent (assembly, key.json), "
          f"{parallel.worker_cpu_s:.1f} s in workers; on {cores} free cores: {ideal:.1f} s, "
          f"{ideal / many:.3f} s per variant ({serial.parent_cpu_s / ideal:.2f} x faster than the "
          f"{serial.parent_cpu_s:.1f} CPU s of the 1-process build)")
    print(f"  load average while measuring: {os.getloadavg()[0]:.2f} on {cores} cores")


def print_assembly(size: int, times: dict[str, list[float]]) -> None:
    """Median and worst time of each path, as ratios to greedy (or to the ILP where greedy never succeeds)."""
    baseline = times["greedy"] or times["ilp"]
    baseline_name = "greedy" if times["greedy"] else "ilp"
    base = statistics.median(baseline)
    target = f"target <= {TARGETS_S[size]} s" if size in TARGETS_S else "tight bank, no target"
    print(f"\nbank of {size:,} items: 4 parallel cs-180 forms ({target})")
    for name in ("default (end to end)", "greedy", "ilp"):
        runs = times[name]
        if not runs:
            print(f"  {name:22s} no successful run")
            continue
        median = statistics.median(runs)
        print(f"  {name:22s} median {median:6.3f} s  max {max(runs):6.3f} s  ({len(runs)} runs)"
              f"  {median / base:6.1f} x {baseline_name}")
    print(f"  greedy succeeded on {times['greedy success'][0]:.0%} of seeds; where it fails, the default path runs the ILP")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="Seeds per bank size.")
    parser.add_argument("--repeat", type=int, default=3, help="Repeats of each file timing.")
    parser.add_argument("--many", type=int, default=100, help="Variants of the whole-build run.")
    args = parser.parse_args()
    fmt = load_format(bundled_format_path("cs-180"))
    print(f"machine: {os.cpu_count()} cores")
    for size in BANK_SIZES:
        print_assembly(size, bench_assembly(size, args.seeds, fmt))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bank = synthetic_bank(SyntheticSpec(items=5000, topics=20), seed=1)
        bank_path = folder / "bank.json"
        save_bank(bank, bank_path)
        variant, floor, pages = bench_files(bank, fmt, folder, args.repeat)
        print(f"\nfiles of one variant ({pages:.0f}-page booklet + sheet + key), target <= {PER_VARIANT_TARGET_S} s")
        print(f"  text floor (same text, plain lines): {floor:.3f} s")
        print(f"  booklet + sheet + key:               {variant:.3f} s  {variant / floor:.1f} x floor")
        cores = os.cpu_count() or 1
        serial = bench_many(bank_path, folder, args.many, 1)
        parallel = bench_many(bank_path, folder, args.many, cores)
        print_many(args.many, serial, parallel, cores)


if __name__ == "__main__":
    main()
