"""Ground truth of simulated scans: what is on every page, kept beside the scan files.

Scan files go to ``<out>/scans/``, and each file's truth to
``<out>/truth/<file name>.json`` (a separate folder, so that grading the scans
folder never meets a JSON file).  A truth file lists, per page: what the page
is (a sheet of the exam, a sheet of another exam, a blank back), which page
statuses a careful reader may return, the candidate and variant, the QR
text, how the page was captured, and per question every bubble's mark kind,
whether the candidate meant it, and whether a careful reader must list the
question for review.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from omr.layout import SheetLayout
from omr.result import PageStatus
from omr.synth import KIND_TRUTH, KindTruth, SheetMarks
from papergen.errors import SimulationError
from papergen.i18n import _, os_error_reason
from papergen.files import write_text

__all__ = [
    "TruthQuestion",
    "TruthPage",
    "TruthFile",
    "PageKind",
    "bubble_truth",
    "questions_truth",
    "digits_truth",
    "truth_path",
    "save_truth",
    "load_truth",
    "load_truth_dir",
    "TRUTH_SUFFIX",
]

TRUTH_SUFFIX = ".json"
PageKind = Literal["sheet", "foreign", "blank", "absent"]
"""sheet: an answer sheet of the simulated exam; foreign: a sheet of another exam; blank: a duplex back."""

_INVISIBLE_WHEN_BITONAL = frozenset({"faint", "light", "erasure"})
"""Kinds lighter than a bitonal threshold half-way between ink and paper: the image shows clean paper."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TruthQuestion(_Model):
    """Every bubble of one question as the candidate left it."""

    number: int = Field(ge=1, description="Question number on the sheet.")
    options: list[str] = Field(description="Option keys in layout order.")
    kinds: list[str | None] = Field(
        description="Per option the mark kind drawn (see omr.synth.KIND_TRUTH), null if clean.")
    intended: list[bool] = Field(description="Per option: the candidate chose it.")
    review: bool = Field(description="A careful reader lists the question for review.")

    def chosen(self) -> tuple[str, ...]:
        """Options the candidate chose, in layout order."""
        return tuple(o for o, meant in zip(self.options, self.intended, strict=True) if meant)


class TruthPage(_Model):
    """One page of a scan file."""

    page: int = Field(ge=1, description="Page number within the file, from 1.")
    kind: PageKind = Field(description="What the page is.")
    expect: list[PageStatus] = Field(description="Page statuses a careful reader may return.")
    exam_id: str | None = Field(None, description="Exam the sheet belongs to; null for a blank page.")
    variant: str | None = Field(None, description="Variant printed on the sheet.")
    candidate: str | None = Field(None, description="Candidate number the candidate meant to fill in.")
    qr_text: str | None = Field(None, description="Text of the sheet's QR code.")
    profile: str = Field(description="Capture profile the page was drawn from.")
    tags: list[str] = Field(description="Degradation labels (see PageCapture.tags).")
    capture: dict = Field(description="The page's capture parameters.")
    questions: list[TruthQuestion] = Field(default_factory=list, description="Every question of the layout.")
    digit_kinds: list[str | None] = Field(
        default_factory=list, description="Per candidate-number column the kind of its mark, null if empty.")
    candidate_review: bool = Field(
        False, description="A careful reader flags the candidate number (odd or missing marks).")


class TruthFile(_Model):
    """The truth of one scan file."""

    schema_version: Literal[1] = 1
    file: str = Field(description="Scan file name inside the scans folder.")
    file_format: str = Field(description="How the file was written (see papergen.simulate.capture.FILE_FORMATS).")
    seed: int = Field(description="Seed of the simulation.")
    mark_mix: str = Field(description="Name of the mark mix.")
    pages: list[TruthPage]


def bubble_truth(kind: str | None, *, bitonal: bool = False) -> KindTruth:
    """Meaning of a bubble carrying ``kind`` (None = clean) in a grey or a bitonal capture.

    A bitonal capture turns light fills and erasure residue into clean paper,
    so a careful reader has nothing to flag there.
    """
    if kind is None:
        return KindTruth(False, False)
    truth = KIND_TRUTH[kind]
    if bitonal and kind in _INVISIBLE_WHEN_BITONAL:
        return KindTruth(truth.intended, False)
    return truth


def questions_truth(layout: SheetLayout, marks: SheetMarks, *, bitonal: bool = False) -> list[TruthQuestion]:
    """The truth of every question of the layout, from the marks drawn on it.

    A question needs review if any bubble does, or if a single-answer
    question carries two or more intended marks.
    """
    out = []
    for spec in layout.questions():
        drawn: Mapping[str, str] = marks.answers.get(spec.number, {})
        kinds = [drawn.get(option) for option in spec.options]
        truths = [bubble_truth(kind, bitonal=bitonal) for kind in kinds]
        intended = [t.intended for t in truths]
        review = any(t.review for t in truths) or (not spec.multiple and sum(intended) > 1)
        out.append(TruthQuestion(number=spec.number, options=list(spec.options), kinds=kinds,
                                 intended=intended, review=review))
    return out


def digits_truth(layout: SheetLayout, marks: SheetMarks) -> tuple[list[str | None], bool]:
    """Per digit column the kind of its mark, and whether a careful reader flags the number."""
    kinds: list[str | None] = []
    for column in range(layout.candidate_id.digits):
        values = marks.digits.get(column, {})
        kinds.append(next(iter(values.values())) if values else None)
    review = any(kind is None or KIND_TRUTH[kind].review for kind in kinds)
    return kinds, review


def truth_path(truth_dir: Path, scan_name: str) -> Path:
    """Where the truth of the scan file ``scan_name`` is kept."""
    return truth_dir / f"{scan_name}{TRUTH_SUFFIX}"


def save_truth(truth: TruthFile, truth_dir: Path) -> Path:
    """Write a truth file as UTF-8 JSON; its path."""
    path = truth_path(truth_dir, truth.file)
    return write_text(path, truth.model_dump_json(indent=None) + "\n", SimulationError, "truth file")


def load_truth(path: str | Path) -> TruthFile:
    """Read one truth file.

    Raises
    ------
    SimulationError
        If the file cannot be read or is not a truth file.
    """
    path = Path(path)
    try:
        return TruthFile.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SimulationError(_("{path}: cannot read truth file ({reason})").format(
                path=path, reason=os_error_reason(exc))) \
            from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "<root>"
        raise SimulationError(_("{path}: not a truth file: {where}: {problem}").format(
            path=path, where=where, problem=first["msg"])) from exc


def load_truth_dir(truth_dir: str | Path) -> dict[str, TruthFile]:
    """Every truth file of a folder, by scan file name.

    Raises
    ------
    SimulationError
        If the folder holds no truth file or one cannot be read.
    """
    folder = Path(truth_dir)
    files = sorted(folder.glob(f"*{TRUTH_SUFFIX}")) if folder.is_dir() else []
    if not files:
        raise SimulationError(_("{folder}: no truth files found; pass the truth folder of a simulation").format(
            folder=folder))
    truths = [load_truth(path) for path in files]
    return {truth.file: truth for truth in truths}
