"""Small exams, sheet reads and fake scans for the scoring, store, grading and export tests.

The exam has 10 questions on a 10-question layout derived from the bundled
A4 layout: single choice 1-6 (A-D, 0.5 pt), true/false 7-8 (T/F, 0.5 pt),
multiple choice 9-10 (A-E, 1 pt).  Reads are built as the reader would
return them, so the truth is exact; fake scans map page images to reads (or
to exceptions) so a batch can be driven without images.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from omr.layout import SheetLayout
from omr.result import CandidateRead, MarkState, QuestionRead, SheetRead
from papergen.exam.manifest import Candidate, ExamManifest, KeyQuestion, VariantKey, variant_checksum
from papergen.exam.format import PaperFormat, Scoring, Section
from papergen.resources import bundled_layout_path
from papergen.exam.sheet_code import SheetCode, encode_sheet_code

ANSWERS_A = {1: "A", 2: "B", 3: "C", 4: "D", 5: "A", 6: "B", 7: "T", 8: "F", 9: "AC", 10: "BDE"}
ANSWERS_B = {1: "D", 2: "C", 3: "B", 4: "A", 5: "D", 6: "C", 7: "F", 8: "T", 9: "BD", 10: "ACE"}
TYPES = {**{n: "single" for n in range(1, 7)}, 7: "judge", 8: "judge", 9: "multi", 10: "multi"}
SECTION_OF = {"single": "single", "judge": "judge", "multi": "multi"}
POINTS = {"single": 0.5, "judge": 0.5, "multi": 1.0}
FULL_MARKS = 6 * 0.5 + 2 * 0.5 + 2 * 1.0

FILL_MARKED, FILL_BLANK, FILL_AMBIGUOUS = 0.85, 0.04, 0.35


@cache
def small_layout() -> SheetLayout:
    """The bundled A4 layout cut down to 10 questions (6 single, 2 judge, 2 multi)."""
    data = json.loads(bundled_layout_path("a4-180").read_text(encoding="utf-8"))
    data["id"] = "test-10"
    for block, (first, count) in zip(data["blocks"], [(1, 6), (7, 2), (9, 2)], strict=True):
        block.update(first=first, count=count)
    return SheetLayout.model_validate(data)


def small_format(
    single: Scoring | None = None, judge: Scoring | None = None, multi: Scoring | None = None
) -> PaperFormat:
    """A 10-question format matching :func:`small_layout`, with the given scoring rules."""
    return PaperFormat(
        id="test-10",
        title="测试试卷",
        duration_min=10,
        layout="test-10",
        sections=(
            Section(key="single", type="single", title="单项选择题", count=6, points=0.5, scoring=single or Scoring()),
            Section(key="judge", type="judge", title="判断题", count=2, points=0.5, options=2,
                    scoring=judge or Scoring()),
            Section(key="multi", type="multi", title="多项选择题", count=2, points=1.0, options=5,
                    scoring=multi or Scoring()),
        ),
    )


def variant_key(exam_id: str, variant: str, answers: Mapping[int, str]) -> VariantKey:
    """The key of one variant with these answers (a string of printed labels per question)."""
    questions = [
        KeyQuestion(
            number=n,
            item_id=f"{exam_id}-{variant}-{n}",
            section=SECTION_OF[TYPES[n]],
            type=TYPES[n],  # type: ignore[arg-type]
            points=POINTS[TYPES[n]],
            permutation=[] if TYPES[n] == "judge" else list("ABCDE"[: 5 if TYPES[n] == "multi" else 4]),
            answer=list(answers[n]),
        )
        for n in sorted(answers)
    ]
    return VariantKey(variant=variant, checksum=variant_checksum(exam_id, variant, questions), questions=questions)


def make_manifest(
    exam_id: str = "EX1",
    variants: Mapping[str, Mapping[int, str]] | None = None,
    *,
    fmt: PaperFormat | None = None,
    candidates: Sequence[Candidate] = (),
    layout: SheetLayout | None = None,
) -> ExamManifest:
    """A key manifest for the small exam (variants A and B by default)."""
    sheet_layout = layout or small_layout()
    variants = variants if variants is not None else {"A": ANSWERS_A, "B": ANSWERS_B}
    return ExamManifest(
        exam_id=exam_id,
        title="测试试卷",
        mode="shuffle",
        seed=7,
        bank_id="test-bank",
        bank_version="1",
        bank_sha256="0" * 64,
        format=fmt or small_format(),
        layout_id=sheet_layout.id,
        layout_sha256=sheet_layout.sha256,
        versions={"papergen": "test"},
        variants=[variant_key(exam_id, name, answers) for name, answers in variants.items()],
        candidates=list(candidates),
    )


def sheet_qr(manifest: ExamManifest, variant: str = "A", candidate: str = "") -> str:
    """The QR payload printed on a sheet of this manifest's variant."""
    key = manifest.variant(variant)
    return encode_sheet_code(SheetCode(manifest.exam_id, variant, key.checksum, candidate))


def make_read(
    answers: Mapping[int, str],
    *,
    qr: str | None,
    candidate: str | None = "0000000001",
    ambiguous: Mapping[int, str] | None = None,
    flags: Mapping[int, Sequence[str]] | None = None,
    layout: SheetLayout | None = None,
) -> SheetRead:
    """A read sheet: ``answers`` maps question number to marked labels ('' or absent = blank).

    ``ambiguous`` maps question number to labels read as ambiguous; ``flags``
    adds reader flags; ``candidate`` is the grid's digits (None: no grid read).
    """
    ambiguous = ambiguous or {}
    flags = flags or {}
    questions = []
    for spec in (layout or small_layout()).questions():
        marked = answers.get(spec.number, "")
        unsure = ambiguous.get(spec.number, "")
        states = tuple(
            MarkState.MARKED if o in marked else MarkState.AMBIGUOUS if o in unsure else MarkState.BLANK
            for o in spec.options
        )
        fills = tuple({MarkState.MARKED: FILL_MARKED, MarkState.BLANK: FILL_BLANK,
                       MarkState.AMBIGUOUS: FILL_AMBIGUOUS}[s] for s in states)
        questions.append(QuestionRead(spec.number, spec.options, fills, states,
                                      tuple(o for o in spec.options if o in marked),
                                      tuple(flags.get(spec.number, ())), 0.9))
    grid = None
    if candidate is not None:
        grid_flags = () if candidate.isdigit() else ("unreadable",)
        grid = CandidateRead(candidate, grid_flags, tuple((0.05,) * 10 for _ in candidate))
    return SheetRead("read", qr_text=qr, candidate=grid, questions=tuple(questions),
                     fit_error_px=0.4, dpi=200.0, timings_ms={"marks": 2.5})


def with_answers(base: Mapping[int, str], **changes: str) -> dict[int, str]:
    """A copy of an answer map with some questions changed: ``with_answers(ANSWERS_A, q3="D")``."""
    out = dict(base)
    for name, value in changes.items():
        out[int(name[1:])] = value
    return out


@dataclass
class FakePage:
    """A page as :func:`omr.scan_io.iter_pages` yields it."""

    source: Path
    page: int
    image: np.ndarray | None
    dpi: float | None
    sha256: str
    error: str | None = None


@dataclass
class FakeScans:
    """Pages whose reads (or reader exceptions) are known in advance.

    ``iter_pages`` and ``read_sheet`` stand in for the omr functions;
    ``read_calls`` counts how many pages were actually read.
    """

    pages: list[FakePage] = field(default_factory=list)
    read_calls: int = 0
    _outcomes: dict[int, SheetRead | BaseException] = field(default_factory=dict)

    def add(self, outcome: SheetRead | BaseException | None, *, source: str = "scans/a.pdf",
            name: str | None = None, error: str | None = None) -> FakePage:
        """Append a page; ``outcome`` None with ``error`` makes an undecodable page."""
        number = sum(p.source == Path(source) for p in self.pages) + 1
        label = name or f"{source}#{number}"
        image = None if outcome is None else np.zeros((4, 4), dtype=np.uint8)
        page = FakePage(Path(source), number, image, 200.0, hashlib.sha256(label.encode()).hexdigest(), error)
        if image is not None:
            self._outcomes[id(image)] = outcome
        self.pages.append(page)
        return page

    def set_outcome(self, page: FakePage, outcome: SheetRead | BaseException) -> None:
        """Change what reading a page gives (e.g. after a simulated crash)."""
        assert page.image is not None
        self._outcomes[id(page.image)] = outcome

    def iter_pages(self, paths: Sequence[Path]) -> Iterator[FakePage]:
        """Yield every page (the paths are ignored)."""
        yield from list(self.pages)

    def read_sheet(self, image: np.ndarray, layout: SheetLayout, *, dpi: float | None = None) -> SheetRead:
        """Return (or raise) the page's outcome."""
        self.read_calls += 1
        outcome = self._outcomes[id(image)]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def grade_kwargs(self) -> dict[str, object]:
        """Keyword arguments for :func:`papergen.grading.batch.grade_batch`."""
        return {"pages": self.iter_pages, "reader": self.read_sheet, "layout": small_layout()}
