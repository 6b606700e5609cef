"""An assembled paper: the in-memory value between assembly and rendering."""

from __future__ import annotations

from dataclasses import dataclass

from papergen.exam.format import PaperFormat

__all__ = ["PaperOption", "PaperFigure", "PaperQuestion", "Paper", "JUDGE_LABELS"]

JUDGE_LABELS = ("T", "F")
"""Answer keys of a true/false question: T = 对, F = 错."""


@dataclass(frozen=True, slots=True)
class PaperOption:
    """An option as printed: its printed label, text, and label in the bank."""

    label: str
    text: str
    source_label: str


@dataclass(frozen=True, slots=True)
class PaperFigure:
    """A picture printed under a question's stem: the bank's figure (path relative to the bank file's folder)."""

    path: str
    sha256: str
    width_mm: float | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class PaperQuestion:
    """One numbered question of a paper.

    ``answer`` holds printed labels (after option shuffling); for judge
    questions it is ``("T",)`` or ``("F",)`` and ``options`` is empty.
    """

    number: int
    section: str
    item_id: str
    type: str
    stem: str
    options: tuple[PaperOption, ...]
    answer: tuple[str, ...]
    points: float
    topic: str
    difficulty: str
    figures: tuple[PaperFigure, ...] = ()

    @property
    def permutation(self) -> tuple[str, ...]:
        """Bank labels in printed order (empty for judge questions)."""
        return tuple(o.source_label for o in self.options)


@dataclass(frozen=True)
class Paper:
    """One variant of an exam, questions numbered 1..N in print order."""

    exam_id: str
    variant: str
    format: PaperFormat
    questions: tuple[PaperQuestion, ...]
    seed: int
    bank_id: str
    bank_version: str
    bank_sha256: str

    def section_questions(self, key: str) -> tuple[PaperQuestion, ...]:
        """The questions of one section, in order."""
        return tuple(q for q in self.questions if q.section == key)
