"""Time the grading pipeline after the reader: scoring, the results store, exports, rescoring.

Run from the repository root::

    python bench/bench_grading.py [--sheets 500] [--seed 1]

Sheets are synthetic reads of the bundled ``a4-180`` layout scored with the
``cs-180`` format (no images: the reader is replaced by a lookup), so the
numbers are what grading adds to each page's read.  The baseline, measured
in the same run and the same folder, is the floor of a page-at-a-time store:
one INSERT of a same-sized blob and one COMMIT per page in a WAL database.
Every stage is reported per sheet and as a ratio against that baseline.
The same sheets are graded once more all under one candidate number (a group
told to fill in one number): the first and last quarter's cost per sheet
must match, and the flags stay a few per sheet.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from omr.layout import SheetLayout, load_layout
from omr.result import CandidateRead, MarkState, QuestionRead, SheetRead
from papergen.grading import STORE_FILENAME, Store, grade_batch, rescore_store, score_sheet, write_exports
from papergen.exam.manifest import ExamManifest, KeyQuestion, VariantKey, variant_checksum
from papergen.exam.format import PaperFormat, load_format
from papergen.resources import bundled_format_path, bundled_layout_path
from papergen.exam.sheet_code import SheetCode, encode_sheet_code

EXAM_ID = "BENCH"
BLOB_BYTES = 15_000
"""Size of the baseline's per-page blob, about what a 180-question page stores."""


@dataclass(frozen=True)
class FakePage:
    """A page as ``omr.scan_io.iter_pages`` yields it."""

    source: Path
    page: int
    image: np.ndarray
    dpi: float
    sha256: str
    error: str | None = None


def random_labels(rng: random.Random, options: Sequence[str], multiple: bool) -> str:
    """One label, or two to four for a multiple-choice question."""
    return "".join(sorted(rng.sample(list(options), rng.randint(2, 4)))) if multiple else rng.choice(options)


def make_manifest(layout: SheetLayout, fmt: PaperFormat, rng: random.Random) -> ExamManifest:
    """A one-variant key with random answers on the full format."""
    specs = {q.number: q for q in layout.questions()}
    questions = [
        KeyQuestion(number=n, item_id=f"i{n}", section=s.key, type=s.type, points=s.points, permutation=[],
                    answer=list(random_labels(rng, specs[n].options, specs[n].multiple)))
        for s, n in fmt.numbering()
    ]
    key = VariantKey(variant="A", checksum=variant_checksum(EXAM_ID, "A", questions), questions=questions)
    return ExamManifest(exam_id=EXAM_ID, title=fmt.title, mode="shuffle", seed=0, bank_id="bench", bank_version="1",
                        bank_sha256="0" * 64, format=fmt, layout_id=layout.id, layout_sha256=layout.sha256,
                        versions={}, variants=[key])


def make_read(layout: SheetLayout, qr: str, candidate: str, rng: random.Random) -> SheetRead:
    """A clean read with random marks and fills."""
    questions = []
    for spec in layout.questions():
        marked = random_labels(rng, spec.options, spec.multiple)
        states = tuple(MarkState.MARKED if o in marked else MarkState.BLANK for o in spec.options)
        fills = tuple(rng.uniform(0.7, 0.95) if o in marked else rng.uniform(0.0, 0.1) for o in spec.options)
        questions.append(QuestionRead(spec.number, spec.options, fills, states,
                                      tuple(o for o in spec.options if o in marked), (), 0.9))
    grid = CandidateRead(candidate, (), tuple((0.05,) * 10 for _ in candidate))
    return SheetRead("read", qr_text=qr, candidate=grid, questions=tuple(questions), dpi=200.0)


def baseline_ms(folder: Path, sheets: int) -> float:
    """Per-page cost of one blob INSERT and one COMMIT in a WAL database, ms."""
    db = sqlite3.connect(folder / "baseline.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE page (id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE, data BLOB)")
    blob = bytes(BLOB_BYTES)
    started = time.perf_counter()
    for i in range(sheets):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO page (sha256, data) VALUES (?, ?)", (str(i), blob))
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed * 1000 / sheets


def timed(action: Callable[[], object]) -> float:
    """Wall time of one call, seconds."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    layout = load_layout(bundled_layout_path("a4-180"))
    fmt = load_format(bundled_format_path("cs-180"))
    manifest = make_manifest(layout, fmt, rng)
    qr = encode_sheet_code(SheetCode(EXAM_ID, "A", manifest.variants[0].checksum))
    reads = [make_read(layout, qr, f"{i:010d}", rng) for i in range(args.sheets)]
    pages = [FakePage(Path("bench.pdf"), i + 1, np.zeros((1, 1), np.uint8), 200.0,
                      hashlib.sha256(str(i).encode()).hexdigest()) for i in range(args.sheets)]
    by_image = {id(p.image): r for p, r in zip(pages, reads)}
    shared = [FakePage(p.source, p.page, np.zeros((1, 1), np.uint8), p.dpi, p.sha256) for p in pages]
    by_image.update((id(p.image), replace(r, candidate=replace(r.candidate, digits="0000000001")))
                    for p, r in zip(shared, reads))

    def source(paths: Sequence[Path]) -> Iterator[FakePage]:
        yield from pages

    def shared_source(paths: Sequence[Path]) -> Iterator[FakePage]:
        yield from shared

    def reader(image: np.ndarray, sheet_layout: SheetLayout, *, dpi: float | None = None) -> SheetRead:
        return by_image[id(image)]

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        base = baseline_ms(out, args.sheets)
        key = manifest.variants[0]
        score_s = timed(lambda: [score_sheet(r, key, fmt) for r in reads])
        grade_s = timed(lambda: grade_batch(["bench"], [manifest], out, layout=layout, pages=source, reader=reader))
        rerun_s = timed(lambda: grade_batch(["bench"], [manifest], out, layout=layout, pages=source, reader=reader))
        with Store.open(out / STORE_FILENAME) as store:
            export_s = timed(lambda: write_exports(store, out))
            rescore_s = timed(lambda: rescore_store(store, manifest.model_copy(update={"title": "corrected"})))
        size_kib = (out / STORE_FILENAME).stat().st_size / 1024 / args.sheets
        stamps: list[float] = []
        one_number = out / "one-number"
        started = time.perf_counter()
        grade_batch(["bench"], [manifest], one_number, layout=layout, pages=shared_source, reader=reader,
                    progress=lambda _: stamps.append(time.perf_counter()))
        quarter = args.sheets // 4
        first_ms = (stamps[quarter - 1] - started) * 1000 / quarter
        last_ms = (stamps[-1] - stamps[-quarter - 1]) * 1000 / quarter
        with Store.open(one_number / STORE_FILENAME) as store:
            flags = sum(len(f) for f in store.flags().values())

    print(f"{args.sheets} sheets of 180 questions; baseline (blob insert + commit per page): {base:.3f} ms/page")
    for label, seconds in [
        ("score_sheet", score_s),
        ("grade_batch, first run (score + store + exports)", grade_s),
        ("grade_batch, rerun (all pages skipped + exports)", rerun_s),
        ("write_exports", export_s),
        ("rescore from stored marks", rescore_s),
    ]:
        per = seconds * 1000 / args.sheets
        print(f"  {label:<50} {per:7.3f} ms/sheet  {per / base:6.1f} x baseline")
    print(f"  store size: {size_kib:.1f} KiB/sheet")
    print(f"every sheet under one candidate number: first quarter {first_ms:.3f} ms/sheet, last quarter "
          f"{last_ms:.3f} ms/sheet (ratio {last_ms / first_ms:.2f}); {flags / args.sheets:.1f} flags a sheet")


if __name__ == "__main__":
    main()
