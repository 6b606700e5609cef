"""False-flag rates of the reader on simulated scans: what it sends to people that needs no person.

Used by ``bench_accuracy.py``.  A flag is *false* when the truth says a careful reader has nothing to
review: a question carrying only clean pen or pencil fills (or nothing at all), a candidate number
filled cleanly.  Tallies are kept per capture profile and question class, per mark mix:

- questions flagged, by class: ``pen`` and ``pencil`` (clean fills of one tool, nothing else drawn),
  ``unanswered`` (nothing drawn), ``review`` (the truth expects a flag: odd marks, erasures, dots);
- answer sheets of the exam with any flag (a flagged question or candidate number, or quarantined), the
  share the truth wants reviewed somewhere (two marks on a single-answer question, an erasure, an odd
  mark: the floor of the first), and sheets flagged although the truth expects no review on them;
- answer sheets a person must look at once the exam's own rules settle what they can: the sheet scored
  as ``papergen grade`` scores it, listed if any question keeps a review reason (two clear marks on a
  单选 question are 0 points under ``multiple_marks: "zero"`` and need nobody), or if its candidate
  number is not complete, or if it was not read; and the floor of that share, what the truth itself
  leaves to a person after the same rules;
- candidate numbers not read complete although filled cleanly, by tool.

:func:`read_light_sheets` measures the other side of the same question: complete fills drawn with a light
hand (:mod:`omr.synth` kind ``faint``), on sheets filled that way throughout and as the odd answer on a
pencil sheet, captured with every grey profile; they must read as marks without a flag.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import cv2
import numpy as np

from omr import synth
from omr.layout import SheetLayout
from omr.read import read_sheet
from omr.result import MarkState, SheetRead
from papergen.exam.manifest import ExamManifest
from papergen.grading.scoring import score_sheet
from papergen.simulate.capture import PROFILES, apply_capture, sample_capture
from papergen.simulate.truth import TruthPage

CLEAN_CLASSES = ("pen", "pencil", "unanswered")
QUESTION_CLASSES = CLEAN_CLASSES + ("review",)
FLATBED_FEEDER = ("flatbed-300", "feeder-200", "feeder-150")
"""Profiles of the 'flatbed or feeder capture' target."""


@dataclass
class FlagRates:
    """Counts of flags against the truth, keyed by (profile, class) or profile."""

    questions: Counter = field(default_factory=Counter)
    questions_flagged: Counter = field(default_factory=Counter)
    sheets: Counter = field(default_factory=Counter)
    sheets_flagged: Counter = field(default_factory=Counter)
    sheets_clean: Counter = field(default_factory=Counter)
    sheets_clean_flagged: Counter = field(default_factory=Counter)
    sheets_for_people: Counter = field(default_factory=Counter)
    sheets_truth_for_people: Counter = field(default_factory=Counter)
    numbers: Counter = field(default_factory=Counter)
    numbers_flagged: Counter = field(default_factory=Counter)

    def merge(self, other: "FlagRates") -> None:
        """Add another tally's counts."""
        for name in self.__dataclass_fields__:
            getattr(self, name).update(getattr(other, name))

    def add_page(self, truth: TruthPage, read: SheetRead, manifest: ExamManifest | None = None) -> None:
        """Count one page (only answer sheets of the exam count); ``manifest``: the exam, to apply its rules."""
        if truth.kind != "sheet":
            return
        profile = truth.profile
        clean_sheet = not truth.candidate_review and not any(q.review for q in truth.questions)
        flagged = read.status != "read"
        if read.status == "read":
            reads = {q.number: q for q in read.questions}
            for question in truth.questions:
                kind = question_class(question.kinds, question.review)
                needs = reads[question.number].needs_review
                self.questions[profile, kind] += 1
                self.questions_flagged[profile, kind] += needs
                flagged |= needs
            number_flagged = read.candidate is None or not read.candidate.complete
            flagged |= number_flagged
            if truth.candidate and not truth.candidate_review:
                tool = truth.digit_kinds[0] or "none"
                self.numbers[profile, tool] += 1
                self.numbers_flagged[profile, tool] += number_flagged
        self.sheets[profile] += 1
        self.sheets_flagged[profile] += flagged
        self.sheets_clean[profile] += clean_sheet
        self.sheets_clean_flagged[profile] += clean_sheet and flagged
        if manifest is not None:
            self.sheets_for_people[profile] += for_people(truth, read, manifest)
            self.sheets_truth_for_people[profile] += truth_for_people(truth, manifest)

    def lines(self, profiles: tuple[str, ...]) -> list[str]:
        """A table: one row per profile, the flatbed/feeder profiles together, and all profiles."""
        header = ("profile", "pen q", "pencil q", "unanswered q", "review q", "sheets", "sheets to review",
                  "no-cause sheets", "to people", "floor", "pencil ids", "pen ids")
        out = [_row(*header)]
        groups = [(p, (p,)) for p in profiles if self.sheets[p]]
        groups += [("flatbed+feeder", FLATBED_FEEDER), ("all", profiles)]
        for name, members in groups:
            out.append(_row(name, *self._cells(members)))
        return out

    def _cells(self, members: tuple[str, ...]) -> list[str]:
        def share(part: Counter, whole: Counter, key) -> str:
            n = sum(whole[(p, key) if key else p] for p in members)
            k = sum(part[(p, key) if key else p] for p in members)
            return f"{100.0 * k / n:.2f} %" if n else "-"
        cells = [share(self.questions_flagged, self.questions, kind) for kind in QUESTION_CLASSES]
        cells.append(share(self.sheets_flagged, self.sheets, None))
        to_review = Counter({p: self.sheets[p] - self.sheets_clean[p] for p in members})
        cells.append(share(to_review, self.sheets, None))
        cells.append(share(self.sheets_clean_flagged, self.sheets_clean, None))
        cells.append(share(self.sheets_for_people, self.sheets, None))
        cells.append(share(self.sheets_truth_for_people, self.sheets, None))
        cells += [share(self.numbers_flagged, self.numbers, tool) for tool in ("pencil", "pen")]
        return cells

    def clean_question_rate(self, kinds: tuple[str, ...] = ("pen", "pencil")) -> float:
        """Share of clean pen/pencil questions flagged over every profile, in [0, 1]."""
        n = sum(v for (p, k), v in self.questions.items() if k in kinds)
        return sum(v for (p, k), v in self.questions_flagged.items() if k in kinds) / n if n else 0.0


def for_people(truth: TruthPage, read: SheetRead, manifest: ExamManifest) -> bool:
    """True if grading would list this sheet for a person under the exam's own scoring rules."""
    if read.status != "read" or read.candidate is None or not read.candidate.complete:
        return True
    variant = truth.variant or manifest.variants[0].variant
    score = score_sheet(read, manifest.variant(variant), manifest.format)
    return any(question.review for question in score.questions)


def truth_for_people(truth: TruthPage, manifest: ExamManifest) -> bool:
    """True if the truth itself leaves this sheet to a person once the exam's rules settle what they can.

    Settled: two or more clean marks on a single-answer question scored 0 under ``multiple_marks: "zero"``,
    and erasure residue beside the one clean mark of a single-answer question (an answer changed).
    Everything else the truth wants reviewed (odd marks, stray dots, residue on a question left blank or
    among multiple-choice marks, an odd candidate number) stays: the floor of the "to people" column.
    """
    if truth.candidate_review:
        return True
    key = manifest.variant(truth.variant or manifest.variants[0].variant)
    types = {q.number: q for q in key.questions}
    for question in truth.questions:
        if not question.review:
            continue
        item = types.get(question.number)
        if item is None or item.type not in ("single", "judge"):
            return True
        meant = [kind for kind, chosen in zip(question.kinds, question.intended, strict=True) if chosen]
        other = {kind for kind, chosen in zip(question.kinds, question.intended, strict=True)
                 if kind and not chosen}
        clean = meant and set(meant) <= {"pen", "pencil"}
        rule = manifest.format.section(item.section).scoring.multiple_marks
        if clean and len(meant) > 1 and not other and rule == "zero":
            continue
        if clean and len(meant) == 1 and other <= {"erasure"}:
            continue
        return True
    return False


def question_class(kinds: list[str | None], review: bool) -> str:
    """``review`` if the truth expects a flag, else ``unanswered``, or the one tool of its fills."""
    if review:
        return "review"
    drawn = {kind for kind in kinds if kind}
    if not drawn:
        return "unanswered"
    return drawn.pop() if len(drawn) == 1 and drawn <= {"pen", "pencil"} else "other"


def _row(*cells: object) -> str:
    first, *rest = (str(c) for c in cells)
    return f"{first:<16}" + "".join(f"{c:>18}" for c in rest)


# -- light but complete fills ------------------------------------------------------------------


@dataclass
class LightResult:
    """Light fills read: marks, those read marked on an unflagged question, unflagged misreads."""

    marks: int = 0
    read_clean: int = 0
    misreads: int = 0
    bubbles: int = 0

    def merge(self, other: "LightResult") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def rate(self) -> float:
        return self.read_clean / self.marks if self.marks else 0.0


LIGHT_STYLES = ("all light", "1 in 10 light")


def read_light_sheet(layout: SheetLayout, profile: str, style: str, seed: int) -> LightResult:
    """Draw, capture and read one sheet with light complete fills (``style`` in :data:`LIGHT_STYLES`)."""
    image, dpi, answers = draw_light_sheet(layout, profile, style, seed)
    return _light_outcome(read_sheet(image, layout, dpi=dpi), answers)


def draw_light_sheet(layout: SheetLayout, profile: str, style: str,
                     seed: int) -> tuple[np.ndarray, float, dict[int, dict[str, str]]]:
    """The delivered image of one light-fill sheet (JPEG round trip where the profile writes JPEG), its dpi
    and the answers drawn on it."""
    rng = random.Random(seed)
    answers = synth.random_answers(layout, seed, kind="pencil")
    if style == "all light":
        answers = {q: dict.fromkeys(marks, "faint") for q, marks in answers.items()}
    else:
        answers = {q: {o: "faint" if rng.random() < 0.1 else k for o, k in marks.items()}
                   for q, marks in answers.items()}
    number = "".join(str(rng.randrange(10)) for _ in range(layout.candidate_id.digits))
    tool = "faint" if style == "all light" else "pencil"
    marks = synth.SheetMarks(answers, synth.candidate_marks(number, tool))
    page = synth.draw_sheet(layout, dpi=PROFILES[profile].dpi, marks=marks, seed=seed)
    capture = sample_capture(PROFILES[profile], rng)
    image = apply_capture(page, capture, seed)
    if PROFILES[profile].file_format in ("jpeg", "pdf-jpeg"):
        _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, capture.jpeg_quality])
        image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return image, float(capture.dpi), answers


def _light_outcome(read: SheetRead, answers: dict[int, dict[str, str]]) -> LightResult:
    result = LightResult()
    if read.status != "read":
        result.marks = sum(k == "faint" for m in answers.values() for k in m.values())
        return result
    for question in read.questions:
        drawn = answers.get(question.number, {})
        for option, state in zip(question.options, question.states, strict=True):
            meant = option in drawn
            result.bubbles += 1
            if state is not MarkState.AMBIGUOUS and (state is MarkState.MARKED) != meant \
                    and not question.needs_review:
                result.misreads += 1
            if drawn.get(option) == "faint":
                result.marks += 1
                result.read_clean += state is MarkState.MARKED and not question.needs_review
    return result


def grey_profiles() -> tuple[str, ...]:
    """Capture profiles that keep grey levels (a bitonal capture turns light fills white) and are flat."""
    return tuple(name for name, p in PROFILES.items() if not p.bitonal and not p.may_quarantine)


def light_jobs(sheets: int, seed: int) -> list[tuple[str, str, int]]:
    """(profile, style, seed) for every light-fill sheet of the benchmark."""
    return [(profile, style, seed * 7919 + 31 * i + j)
            for profile in grey_profiles() for j, style in enumerate(LIGHT_STYLES) for i in range(sheets)]


def summarise_light(results: list[tuple[str, str, LightResult]]) -> list[str]:
    """One row per profile: share of light fills read unflagged, per style; unflagged misreads."""
    table: dict[tuple[str, str], LightResult] = {}
    for profile, style, result in results:
        table.setdefault((profile, style), LightResult()).merge(result)
        table.setdefault(("all", style), LightResult()).merge(result)
    out = [_row("profile", *LIGHT_STYLES, "bubbles", "misread unflagged")]
    for profile in (*grey_profiles(), "all"):
        parts = [table.get((profile, s), LightResult()) for s in LIGHT_STYLES]
        cells = [f"{100.0 * p.rate:.1f} % of {p.marks}" for p in parts]
        out.append(_row(profile, *cells, sum(p.bubbles for p in parts), sum(p.misreads for p in parts)))
    return out

