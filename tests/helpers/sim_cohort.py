"""Synthetic graded cohorts for the report tests: a 180-question exam answered by simulated candidates.

Candidates answer by a Rasch model (ability ~ N(0, 1), item difficulty
spread over [-2, 1]) with a seed, so every run builds the same store.  Two
items are planted: ``MISKEY_ITEM`` is keyed A while able candidates choose
B (the key is wrong), and ``BACKWARDS_ITEM`` is answered correctly more
often by weaker candidates.  Sheets are saved through the store's public
API exactly as grading saves them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
from fake_grading import make_read

from omr.layout import SheetLayout, load_layout
from papergen.exam.manifest import (
    Candidate,
    ExamManifest,
    KeyQuestion,
    VariantKey,
    variant_checksum,
)
from papergen.exam.format import PaperFormat, load_format
from papergen.resources import bundled_format_path, bundled_layout_path
from papergen.grading import STORE_FILENAME, PageRecord, Store, score_sheet
from papergen.exam.sheet_code import SheetCode, encode_sheet_code

EXAM_ID = "CS2026A"
MISKEY_ITEM = "cs-0007"
"""Keyed A; able candidates choose B."""
BACKWARDS_ITEM = "cs-0013"
"""Weaker candidates answer it correctly more often."""
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"]
_LABELS = "ABCDE"


@cache
def cs_layout() -> SheetLayout:
    """The bundled A4 180-question layout."""
    return load_layout(bundled_layout_path("a4-180"))


@cache
def cs_format() -> PaperFormat:
    """The bundled cs-180 format."""
    return load_format(bundled_format_path("cs-180"))


@dataclass(frozen=True)
class BankItem:
    """An item of the simulated bank: id, type, option count, key (bank labels), difficulty b."""

    item_id: str
    type: str
    options: int
    key: tuple[str, ...]
    b: float


def _rng(seed: int, purpose: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}|{EXAM_ID}|{purpose}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def bank_items(seed: int = 1) -> list[BankItem]:
    """The exam's 180 items in bank order: 140 single, 20 judge, 20 multi."""
    rng = _rng(seed, "items")
    items = []
    for n in range(1, 181):
        kind = "single" if n <= 140 else "judge" if n <= 160 else "multi"
        if kind == "single":
            key = (_LABELS[rng.integers(4)],)
        elif kind == "judge":
            key = ("T",) if rng.random() < 0.5 else ("F",)
        else:
            key = tuple(sorted(rng.choice(list(_LABELS), size=int(rng.integers(2, 5)), replace=False)))
        options = {"single": 4, "judge": 2, "multi": 5}[kind]
        items.append(BankItem(f"cs-{n:04d}", kind, options, key, float(rng.uniform(-2.0, 1.0))))
    forced = {MISKEY_ITEM: ("A",)}
    return [BankItem(i.item_id, i.type, i.options, forced.get(i.item_id, i.key), i.b) for i in items]


def cs_manifest(variants: tuple[str, ...] = ("A", "B"), *, seed: int = 1,
                candidates: list[Candidate] | None = None) -> ExamManifest:
    """A shuffled exam: variant A prints the bank order, others shuffle items within sections and options."""
    items = bank_items(seed)
    keys = []
    for v_index, variant in enumerate(variants):
        rng = _rng(seed, f"variant {variant}")
        order = list(range(180)) if v_index == 0 else [
            *rng.permutation(140), *(140 + rng.permutation(20)), *(160 + rng.permutation(20))]
        questions = [_key_question(number, items[int(i)], rng, shuffle=v_index > 0)
                     for number, i in enumerate(order, start=1)]
        keys.append(VariantKey(variant=variant, checksum=variant_checksum(EXAM_ID, variant, questions),
                               questions=questions))
    layout = cs_layout()
    return ExamManifest(
        exam_id=EXAM_ID, title="客户服务管理师 理论知识试卷", mode="shuffle", seed=seed, bank_id="cs-bank",
        bank_version="2026.11", bank_sha256="0" * 64, format=cs_format(), layout_id=layout.id,
        layout_sha256=layout.sha256, versions={"papergen": "test"}, variants=keys, candidates=candidates or [],
    )


def _key_question(number: int, item: BankItem, rng: np.random.Generator, *, shuffle: bool) -> KeyQuestion:
    section = item.type
    if item.type == "judge":
        return KeyQuestion(number=number, item_id=item.item_id, section=section, type="judge", points=0.5,
                           permutation=[], answer=list(item.key))
    bank_labels = list(_LABELS[: item.options])
    permutation = [bank_labels[int(i)] for i in rng.permutation(item.options)] if shuffle else bank_labels
    printed = {bank: _LABELS[i] for i, bank in enumerate(permutation)}
    return KeyQuestion(number=number, item_id=item.item_id, section=section, type=item.type,  # type: ignore[arg-type]
                       points=1.0 if item.type == "multi" else 0.5, permutation=permutation,
                       answer=sorted(printed[label] for label in item.key))


def roster(count: int, variants: tuple[str, ...] = ("A", "B")) -> list[Candidate]:
    """Candidates 2026000001... with Chinese names, variants alternating."""
    return [Candidate(number=f"{2026000001 + i}", name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 3) % len(GIVEN)],
                      variant=variants[i % len(variants)]) for i in range(count)]


def simulate_answers(manifest: ExamManifest, count: int, *, seed: int = 1) -> list[tuple[str, str, dict[int, str]]]:
    """(candidate number, variant, printed answers by question number) for ``count`` simulated candidates."""
    items = {i.item_id: i for i in bank_items(manifest.seed)}
    rng = _rng(seed, "answers")
    people = roster(count, tuple(v.variant for v in manifest.variants))
    out = []
    for person in people:
        theta = float(rng.normal())
        key = manifest.variant(person.variant)
        answers = {}
        for q in key.questions:
            chosen = _respond(items[q.item_id], theta, rng)
            to_printed = {bank: _LABELS[i] for i, bank in enumerate(q.permutation)} if q.permutation else {}
            answers[q.number] = "".join(sorted(to_printed.get(c, c) for c in chosen))
        out.append((person.number, person.variant, answers))
    return out


def _respond(item: BankItem, theta: float, rng: np.random.Generator) -> tuple[str, ...]:
    if rng.random() < 0.02:
        return ()
    slope = -1.7 if item.item_id == BACKWARDS_ITEM else 1.7
    right = rng.random() < 1.0 / (1.0 + np.exp(-slope * (theta - item.b)))
    truth = ("B",) if item.item_id == MISKEY_ITEM else item.key
    labels = ("T", "F") if item.type == "judge" else tuple(_LABELS[: item.options])
    if right:
        return truth
    if item.type == "multi":
        wrong = [label for label in labels if label not in truth]
        return tuple(sorted(set(truth[:-1]) | {wrong[int(rng.integers(len(wrong)))]}))
    others = [label for label in labels if label not in truth]
    return (others[int(rng.integers(len(others)))],)


def build_store(out_dir: Path, manifest: ExamManifest, answers: list[tuple[str, str, dict[int, str]]],
                *, source: str = "scans/batch1.pdf") -> Path:
    """Save every simulated sheet into ``out_dir/results.sqlite`` as grading would; returns the store path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / STORE_FILENAME
    layout = cs_layout()
    with Store.open(path, create=True) as store:
        store.save_manifest(manifest)
        batch = store.begin_batch({"inputs": [source]})
        for page_no, (candidate, variant, marks) in enumerate(answers, start=1):
            key = manifest.variant(variant)
            qr = encode_sheet_code(SheetCode(manifest.exam_id, variant, key.checksum, candidate))
            read = make_read(marks, qr=qr, candidate=candidate, layout=layout)
            record = PageRecord(source, page_no, hashlib.sha256(f"{source}#{page_no}".encode()).hexdigest(),
                                "graded", read=read, exam_id=manifest.exam_id, variant=variant,
                                candidate=candidate, elapsed_ms=10.0)
            store.save_page(record, batch_id=batch, score=score_sheet(read, key, manifest.format))
        store.finish_batch(batch, {"graded": len(answers)})
    return path


def cohort_store(out_dir: Path, count: int = 60, *, seed: int = 1) -> tuple[Path, ExamManifest]:
    """A store of ``count`` simulated candidates of the two-variant exam, with a roster."""
    manifest = cs_manifest(candidates=roster(count))
    return build_store(out_dir, manifest, simulate_answers(manifest, count, seed=seed)), manifest


@cache
def omr_synth() -> ModuleType:
    """The synthetic-scan module of the reader's tests (``tests/omr/synth.py``)."""
    spec = importlib.util.spec_from_file_location("omr_test_synth", Path(__file__).parents[1] / "omr" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def write_scans(root: Path, count: int, *, suffix: str, skew_deg: float,
                quarter_turns: Callable[[int], int]) -> ExamManifest:
    """``count`` synthetic scans of simulated candidates in ``root/scans`` (150 dpi); returns their exam's key.

    ``quarter_turns(i)`` turns scan ``i`` (e.g. upside down); ``suffix`` chooses the file format by name.
    """
    import cv2

    synth = omr_synth()
    manifest = cs_manifest(candidates=roster(count))
    layout = cs_layout()
    (root / "scans").mkdir()
    for i, (candidate, variant, marks) in enumerate(simulate_answers(manifest, count)):
        qr = encode_sheet_code(SheetCode(manifest.exam_id, variant, manifest.variant(variant).checksum, candidate))
        sheet = synth.SheetMarks(answers={q: {o: "pen" for o in s} for q, s in marks.items() if s},
                                 digits=synth.candidate_marks(candidate))
        page = synth.draw_sheet(layout, dpi=150, qr_text=qr, marks=sheet, seed=i)
        scan = synth.Scan(skew_deg=skew_deg, margin_mm=5, quarter_turns=quarter_turns(i), noise_sigma=2)
        cv2.imwrite(str(root / "scans" / f"s{i}{suffix}"), synth.capture(page, 150, scan, seed=i))
    return manifest
