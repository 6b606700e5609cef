"""Time the reports of a graded cohort: loading, item analysis, PDF and HTML reports, slips, spreadsheets.

Run from the repository root::

    python bench/bench_report.py [--candidates 1000] [--seed 1]

A store of simulated candidates answering a two-variant shuffled ``cs-180``
exam (Rasch model: ability ~ N(0, 1), item difficulty in [-2, 1]) is built
first, without images.  The baseline, measured in the same run on the same
store, is what every report must do at least: read all graded sheets with
their scores back from SQLite (``Store.graded_sheets``).  Every stage is
reported in milliseconds, per candidate, and as a ratio against that baseline,
with the process's peak resident memory so far (target for 10,000
candidates: under 500 MB).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from omr.layout import load_layout
from omr.result import CandidateRead, MarkState, QuestionRead, SheetRead
from papergen.exam.manifest import ExamManifest, KeyQuestion, VariantKey, variant_checksum
from papergen.exam.format import load_format
from papergen.report.cohort import load_cohort
from papergen.report.html_report import render_report_html
from papergen.report.pdf_report import render_report_pdf
from papergen.report.slips import render_slips_html, render_slips_pdf
from papergen.report.summary import summarise_cohort
from papergen.report.tables import write_item_analysis_csv, write_workbook
from papergen.resources import bundled_format_path, bundled_layout_path
from papergen.grading import STORE_FILENAME, PageRecord, Store, score_sheet
from papergen.exam.sheet_code import SheetCode, encode_sheet_code

EXAM_ID = "BENCH"
LABELS = "ABCDE"


def build_manifest(rng: np.random.Generator) -> ExamManifest:
    """Variant A in bank order, variant B shuffled within sections with options permuted."""
    fmt = load_format(bundled_format_path("cs-180"))
    layout = load_layout(bundled_layout_path(fmt.layout))
    kinds = ["single"] * 140 + ["judge"] * 20 + ["multi"] * 20
    keys = [_key(kind, rng) for kind in kinds]
    variants = []
    for name, order in (("A", list(range(180))), ("B", [*rng.permutation(140), *(140 + rng.permutation(20)),
                                                        *(160 + rng.permutation(20))])):
        questions = [_question(n, int(i), kinds[int(i)], keys[int(i)], rng, shuffle=name == "B")
                     for n, i in enumerate(order, start=1)]
        variants.append(VariantKey(variant=name, checksum=variant_checksum(EXAM_ID, name, questions),
                                   questions=questions))
    return ExamManifest(exam_id=EXAM_ID, title="客户服务管理师 理论知识试卷", mode="shuffle", seed=1, bank_id="bench",
                        bank_version="1", bank_sha256="0" * 64, format=fmt, layout_id=layout.id,
                        layout_sha256=layout.sha256, versions={}, variants=variants)


def _key(kind: str, rng: np.random.Generator) -> list[str]:
    if kind == "judge":
        return ["T" if rng.random() < 0.5 else "F"]
    if kind == "single":
        return [LABELS[int(rng.integers(4))]]
    return sorted(rng.choice(list(LABELS), size=int(rng.integers(2, 5)), replace=False).tolist())


def _question(number: int, index: int, kind: str, key: list[str], rng: np.random.Generator, *,
              shuffle: bool) -> KeyQuestion:
    if kind == "judge":
        return KeyQuestion(number=number, item_id=f"b-{index:04d}", section="judge", type="judge", points=0.5,
                           permutation=[], answer=key)
    bank = list(LABELS[: 4 if kind == "single" else 5])
    permutation = [bank[int(i)] for i in rng.permutation(len(bank))] if shuffle else bank
    printed = {label: LABELS[i] for i, label in enumerate(permutation)}
    return KeyQuestion(number=number, item_id=f"b-{index:04d}", section=kind, type=kind,  # type: ignore[arg-type]
                       points=1.0 if kind == "multi" else 0.5, permutation=permutation,
                       answer=sorted(printed[k] for k in key))


def simulated_read(key: VariantKey, theta: float, difficulty: np.ndarray, rng: np.random.Generator,
                   qr: str, candidate: str) -> SheetRead:
    """A read sheet of one candidate: right with Rasch probability, else a random other option."""
    questions = []
    for q in key.questions:
        options = ("T", "F") if q.type == "judge" else tuple(LABELS[: len(q.permutation)])
        right = rng.random() < 1 / (1 + np.exp(-1.7 * (theta - difficulty[int(q.item_id[2:])])))
        others = [o for o in options if o not in q.answer]
        marked = tuple(q.answer) if right else (others[int(rng.integers(len(others)))],)
        states = tuple(MarkState.MARKED if o in marked else MarkState.BLANK for o in options)
        fills = tuple(0.85 if o in marked else 0.04 for o in options)
        questions.append(QuestionRead(q.number, options, fills, states, marked, (), 0.9))
    grid = CandidateRead(candidate, (), tuple((0.05,) * 10 for _ in candidate))
    return SheetRead("read", qr_text=qr, candidate=grid, questions=tuple(questions), dpi=200.0)


def build_store(path: Path, manifest: ExamManifest, count: int, rng: np.random.Generator) -> None:
    """Score and save ``count`` simulated sheets, variants alternating."""
    difficulty = rng.uniform(-2.0, 1.0, 180)
    with Store.open(path, create=True) as store:
        store.save_manifest(manifest)
        batch = store.begin_batch({"bench": True})
        for i in range(count):
            key = manifest.variants[i % 2]
            candidate = f"{2026000001 + i}"
            qr = encode_sheet_code(SheetCode(EXAM_ID, key.variant, key.checksum, candidate))
            read = simulated_read(key, float(rng.normal()), difficulty, rng, qr, candidate)
            record = PageRecord("bench.pdf", i + 1, hashlib.sha256(f"{i}".encode()).hexdigest(), "graded",
                                read=read, exam_id=EXAM_ID, variant=key.variant, candidate=candidate)
            store.save_page(record, batch_id=batch, score=score_sheet(read, key, manifest.format))


def timed(label: str, work: Callable[[], object], baseline_ms: float | None, count: int) -> float:
    """Run ``work`` once and print its time, per candidate and against the baseline."""
    start = time.perf_counter()
    work()
    elapsed = (time.perf_counter() - start) * 1000.0
    ratio = f"{elapsed / baseline_ms:8.1f}x" if baseline_ms else "   (base)"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<34} {elapsed:9.1f} ms {elapsed / count:8.2f} ms/candidate {ratio}   peak RSS {peak_mb:5.0f} MB")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        manifest = build_manifest(rng)
        started = time.perf_counter()
        build_store(out / STORE_FILENAME, manifest, args.candidates, rng)
        print(f"store of {args.candidates} candidates built in {time.perf_counter() - started:.1f} s\n")
        with Store.open(out / STORE_FILENAME) as store:
            n = args.candidates
            base = timed("baseline: Store.graded_sheets", lambda: store.graded_sheets(EXAM_ID), None, n)
            cohort = load_cohort(store, EXAM_ID)
            timed("load_cohort", lambda: load_cohort(store, EXAM_ID), base, n)
        report = summarise_cohort(cohort)
        timed("summarise_cohort (item analysis)", lambda: summarise_cohort(cohort), base, n)
        timed("report PDF", lambda: render_report_pdf(report, out / "report.pdf"), base, n)
        timed("report HTML", lambda: render_report_html(report, out / "report.html"), base, n)
        timed("slips PDF (one page each)", lambda: render_slips_pdf(report, out / "slips.pdf"), base, n)
        timed("slips HTML", lambda: render_slips_html(report, out / "slips.html"), base, n)
        timed("item-analysis CSV", lambda: write_item_analysis_csv(report, out), base, n)
        timed("XLSX workbook", lambda: write_workbook(report, out), base, n)


if __name__ == "__main__":
    main()
