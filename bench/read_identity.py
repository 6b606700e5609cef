"""Check that the reader reads every page exactly as another revision does, and compare their speed.

Run from the repository root (on demand, not in CI)::

    python bench/read_identity.py [--base main] [--rounds 5] [--passes 3] [--threads 1] [--pages DIR]

A fixed set of pages (162; drawn once and kept in ``--pages``, by default a folder in the temporary
directory) is read by the ``omr`` package of ``--base`` (exported with ``git archive`` and imported as
``omr_base``) and by the one of this working tree, in one process, taking turns page by page.  The pages:

- ``bench-200``, ``bench-300``: the throughput bench's marked, skewed sheets (``make_pages``), 24 each;
- ``hard``: the accuracy bench's hard pages (dark and washed-out scans, corner squares hollowed into rings
  by a bitonal driver, a text page, a blank back), 6 of each;
- ``profile``: every capture profile of the accuracy bench (150-300 dpi, JPEG round trips, bitonal G4,
  pages turned by 90-270 degrees, phone photos, photocopies, folded sheets) under the ``messy`` mark mix
  (light fills, half fills, ticks, crosses, erasures, stray dots), 8 each, every third without a dpi;
- ``light``: light complete fills under every grey profile, 2 per profile.

Every field of every :class:`~omr.result.SheetRead` but ``timings_ms`` must be identical: status, reason,
QR text, candidate digits, flags and fills, every question's fills, states, marked options, flags and
confidence, mark rows, rotation, dpi and fit error.  The homography may differ by 1e-9 of its entries'
size and any other float by less than 1e-6: such differences are counted and reported, larger ones fail
the check.  Exits 1 on any failing difference.

Speed: after a short warm-up, ``--rounds`` times ``--passes`` passes over the pages, with OpenCV on
``--threads`` threads (one by default, as ``papergen grade``'s workers run it).  Within a pass each page is read by both packages back to
back, the one going first alternating from page to page and pass to pass, so both meet the same load on a
shared machine and neither gains from the other having brought the page into the cache.  A page's time,
wall and this thread's CPU, is its median over a round's passes; the tables give the median over the pages
of each group, per round, and the ``timings_ms`` stages of ``bench-200`` (medians over every read).
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import importlib
import pickle
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
PAGES_VERSION = 2
"""Bump when the page set changes, so a kept folder is drawn afresh."""
HOMOGRAPHY_TOLERANCE = 1e-9
"""Allowed difference of a homography entry, relative to its size (at least 1)."""
FLOAT_TOLERANCE = 1e-6
"""Largest difference of any other float (fills, confidences, fit error) accepted, and reported."""


# -- the pages ---------------------------------------------------------------------------------------


def draw_pages() -> list[tuple[str, np.ndarray, float | None]]:
    """Every page of the check as (group, image, dpi given to the reader)."""
    from bench_grading import make_manifest
    from bench_throughput import make_pages
    from flag_rates import draw_light_sheet, grey_profiles
    from hard_pages import HARD_CASES, draw_hard_page

    from omr.layout import load_layout
    from papergen.exam.format import load_format
    from papergen.resources import bundled_format_path, bundled_layout_path
    from papergen.simulate.capture import PROFILES

    layout = load_layout(bundled_layout_path("a4-180"))
    manifest = make_manifest(layout, load_format(bundled_format_path("cs-180")), random.Random(1))
    pages: list[tuple[str, np.ndarray, float | None]] = []
    for dpi in (200.0, 300.0):
        pages += [(f"bench-{dpi:.0f}", image, dpi) for image in make_pages(layout, manifest, 24, dpi, 1)]
    for j, case in enumerate(HARD_CASES):
        for i in range(6):
            image, dpi, _ = draw_hard_page(layout, case, 104729 + 97 * i + j)
            pages.append(("hard", image, dpi))
    for p, name in enumerate(PROFILES):
        for i in range(8):
            image, dpi = _profile_page(layout, name, 5000 + 100 * p + i)
            pages.append(("profile", image, None if i % 3 == 2 else dpi))
    for p, name in enumerate(grey_profiles()):
        for i, style in enumerate(("all light", "1 in 10 light")):
            image, dpi, _ = draw_light_sheet(layout, name, style, 9000 + 10 * p + i)
            pages.append(("light", image, dpi))
    return pages


def _profile_page(layout, profile: str, seed: int) -> tuple[np.ndarray, float]:
    """A sheet marked with the ``messy`` mix, delivered as ``profile`` delivers it (JPEG round trip included)."""
    import cv2

    from omr import synth
    from papergen.simulate.capture import PROFILES, apply_capture, sample_capture
    from papergen.simulate.cohort import SimCandidate
    from papergen.simulate.marks import MARK_MIXES, mark_sheet

    rng = random.Random(seed)
    answers = {n: tuple(options) for n, options in synth.random_answers(layout, seed).items()}
    number = "".join(str(rng.randrange(10)) for _ in range(layout.candidate_id.digits))
    captured = sample_capture(PROFILES[profile], rng)
    mix = MARK_MIXES["messy"].for_bitonal() if captured.bitonal_threshold is not None else MARK_MIXES["messy"]
    marks = mark_sheet(SimCandidate(number, "", "A", 0.0, answers), layout, mix, rng)
    page = synth.draw_sheet(layout, dpi=captured.dpi, marks=marks, seed=seed)
    image = apply_capture(page, captured, seed)
    if PROFILES[profile].file_format in ("jpeg", "pdf-jpeg"):
        _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, captured.jpeg_quality])
        image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return image, captured.dpi


def kept_pages(folder: Path) -> Path:
    """The pickle of the page set in ``folder``, drawn now unless kept there from an earlier run."""
    path = folder / f"pages-v{PAGES_VERSION}.pickle"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        pages = draw_pages()
        with open(path.with_suffix(".tmp"), "wb") as out:
            pickle.dump(pages, out, protocol=pickle.HIGHEST_PROTOCOL)
        path.with_suffix(".tmp").rename(path)
        print(f"drew {len(pages)} pages in {time.perf_counter() - started:.0f} s into {path}", flush=True)
    return path


# -- reading both ways in one process -----------------------------------------------------------------


def plain(value):
    """A read as nested plain values (dataclasses as dicts without ``timings_ms``, enums as their value)."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "timings_ms"}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    return value


def import_base(revision: str, folder: Path):
    """The ``omr`` package of ``revision`` imported as ``omr_base`` (its own imports renamed), its
    ``read_sheet`` and ``load_layout``."""
    archive = subprocess.run(["git", "archive", revision, "omr"], cwd=REPO, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    package = folder / "omr_base"
    (folder / "omr").rename(package)
    for source in package.glob("*.py"):
        source.write_text(re.sub(r"\bomr\.", "omr_base.", source.read_text(encoding="utf-8")), encoding="utf-8")
    sys.path.insert(0, str(folder))
    read = importlib.import_module("omr_base.read")
    layout = importlib.import_module("omr_base.layout")
    assert Path(read.__file__).resolve().is_relative_to(package.resolve()), read.__file__
    return read.read_sheet, layout.load_layout


def read_both(readers: list, pages: list, passes: int) -> list[dict]:
    """Read every page with each ``(read_sheet, layout)`` of ``readers``, taking turns page by page (which
    goes first alternates, so neither gains from the other having brought the page into the cache).

    Returns, per reader, the plain reads of the first pass, and per page the median wall and CPU ms over
    ``passes`` and the stage timings.
    """
    wall = np.zeros((len(readers), passes, len(pages)))
    cpu = np.zeros_like(wall)
    results = [{"reads": [None] * len(pages), "stages": [{} for _ in pages]} for _ in readers]
    for p in range(passes):
        for k, (_, image, dpi) in enumerate(pages):
            turns = range(len(readers)) if (k + p) % 2 == 0 else reversed(range(len(readers)))
            for r in turns:
                read_sheet, layout = readers[r]
                started, started_cpu = time.perf_counter(), time.thread_time()
                read = read_sheet(image, layout, dpi=dpi)
                wall[r, p, k], cpu[r, p, k] = time.perf_counter() - started, time.thread_time() - started_cpu
                if p == 0:
                    results[r]["reads"][k] = plain(read)
                for stage, ms in read.timings_ms.items():
                    results[r]["stages"][k].setdefault(stage, []).append(ms)
    for r, result in enumerate(results):
        result["ms"], result["cpu_ms"] = np.median(wall[r], axis=0) * 1e3, np.median(cpu[r], axis=0) * 1e3
    return results


# -- comparing ---------------------------------------------------------------------------------------


def differences(base, mine, path: str = "") -> tuple[list[str], list[tuple[str, float]]]:
    """Differences that fail the check, and float differences within tolerance (path, size): see
    :data:`HOMOGRAPHY_TOLERANCE` and :data:`FLOAT_TOLERANCE`."""
    if isinstance(base, dict) and isinstance(mine, dict):
        if base.keys() != mine.keys():
            return [f"{path}: fields {sorted(base)} != {sorted(mine)}"], []
        return _merge([differences(base[k], mine[k], f"{path}.{k}") for k in base])
    if isinstance(base, tuple) and isinstance(mine, tuple):
        if len(base) != len(mine):
            return [f"{path}: {len(base)} != {len(mine)} items"], []
        return _merge([differences(b, m, f"{path}[{i}]") for i, (b, m) in enumerate(zip(base, mine))])
    if isinstance(base, float) and isinstance(mine, float) and base != mine:
        gap = abs(base - mine)
        if ".homography" in path:
            within = gap <= HOMOGRAPHY_TOLERANCE * max(1.0, abs(base))
            return ([], [(path, gap)]) if within else ([f"{path}: {base!r} != {mine!r}"], [])
        return ([f"{path}: {base!r} != {mine!r}"], []) if gap >= FLOAT_TOLERANCE else ([], [(path, gap)])
    if type(base) is not type(mine) or base != mine:
        return [f"{path}: {base!r} != {mine!r}"], []
    return [], []


def _merge(parts: list[tuple[list[str], list[tuple[str, float]]]]) -> tuple[list[str], list[tuple[str, float]]]:
    return [d for p in parts for d in p[0]], [d for p in parts for d in p[1]]


def speed_table(groups: list[str], rounds: list[tuple[dict, dict]], key: str) -> list[str]:
    """Per group and round, the median per-page ``key`` ("ms" wall, "cpu_ms") of the base and of this tree."""
    lines = [f"{'group':<10}{'pages':>6}  base / this tree, {key} per page (median over the group's pages), per round"]
    for group in dict.fromkeys(groups):
        pick = np.array([g == group for g in groups])
        cells = [f"{np.median(b[key][pick]):5.2f} /{np.median(m[key][pick]):5.2f}" for b, m in rounds]
        lines.append(f"{group:<10}{int(pick.sum()):>6}  " + "   ".join(cells))
    base = np.median([np.median(b[key]) for b, _ in rounds])
    mine = np.median([np.median(m[key]) for _, m in rounds])
    lines.append(f"all pages: base {base:.2f}, this tree {mine:.2f} {key} per page (median of rounds, "
                 f"{100 * (mine / base - 1):+.0f} %)")
    return lines


def stage_table(groups: list[str], group: str, rounds: list[tuple[dict, dict]]) -> list[str]:
    """Median ``timings_ms`` stage of the pages of ``group``, base and this tree, over every round."""
    def medians(side: int) -> dict[str, float]:
        collected: dict[str, list[float]] = {}
        for pair in rounds:
            for g, stages in zip(groups, pair[side]["stages"]):
                if g == group:
                    for stage, values in stages.items():
                        collected.setdefault(stage, []).extend(values)
        return {stage: statistics.median(values) for stage, values in collected.items()}

    base, mine = medians(0), medians(1)
    return [f"  {stage:<12}{base.get(stage, 0.0):7.2f} ms  ->{mine.get(stage, 0.0):7.2f} ms"
            for stage in dict.fromkeys([*base, *mine])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="main", help="revision whose omr/ reads the reference")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of interleaved passes, a line each")
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the pages per round")
    parser.add_argument("--threads", type=int, default=1, help="OpenCV threads (papergen grade's workers use 1)")
    parser.add_argument("--pages", type=Path, default=Path(tempfile.gettempdir()) / "omr-read-identity",
                        help="folder keeping the drawn pages between runs")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    import cv2

    from omr.layout import load_layout
    from omr.read import read_sheet
    from papergen.resources import bundled_layout_path

    with open(kept_pages(args.pages), "rb") as f:
        pages = pickle.load(f)
    groups = [group for group, _, _ in pages]
    layout_path = Path(bundled_layout_path("a4-180"))
    cv2.setNumThreads(args.threads)
    with tempfile.TemporaryDirectory() as scratch:
        base_read, base_load = import_base(args.base, Path(scratch))
        readers = [(base_read, base_load(layout_path)), (read_sheet, load_layout(layout_path))]
        read_both(readers, pages[:8], 1)  # warm-up: caches per layout, first calls into OpenCV
        rounds = []
        for r in range(args.rounds):
            base, mine = read_both(readers, pages, args.passes)
            rounds.append((base, mine))
            print(f"round {r + 1}: base {np.median(base['ms']):.2f} ms, this tree {np.median(mine['ms']):.2f} ms "
                  "per page (median)", flush=True)
    failures, small = differences(tuple(rounds[0][0]["reads"]), tuple(rounds[0][1]["reads"]), "page")
    print("\n".join(speed_table(groups, rounds, "ms") + speed_table(groups, rounds, "cpu_ms")))
    print("timings_ms of bench-200 (median), base -> this tree:")
    print("\n".join(stage_table(groups, "bench-200", rounds)))
    statuses = ", ".join(f"{s} {n}" for s, n in sorted(Counter(r["status"] for r in rounds[0][0]["reads"]).items()))
    print(f"{len(groups)} pages ({statuses}) read against {args.base}:")
    if small:
        print(f"  {len(small)} float differences within tolerance, largest {max(g for _, g in small):.3g} "
              f"({small[0][0]} ...)")
    for line in failures[:40]:
        print(f"  DIFFERENT {line}")
    print(f"  {len(failures)} differences" if failures else "  every read identical")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
