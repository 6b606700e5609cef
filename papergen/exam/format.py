"""Paper formats: how many items of each type a paper has, their points and scoring.

A format is data (``formats/*.json``), so a centre can define a 100-item paper
with partial credit without touching code.  The shipped ``cs-180`` format is
140 single-choice x 0.5 + 20 true/false x 0.5 + 20 multiple-choice x 1 = 100.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from papergen.errors import FormatError
from papergen.files import load_json_model

__all__ = ["PaperFormat", "Section", "Scoring", "load_format"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scoring(_Model):
    """How one question of a section earns its points.

    Rules
    -----
    exact
        Full points when the marked set equals the key, else 0 (单选, 判断, and 多选 by default).
    subset
        Full points for an exact match; ``partial_fraction`` of the points when the
        marks are a non-empty proper subset of the key; 0 for any wrong mark.
    per_option
        Each correct mark earns points / len(key); each wrong mark costs the same;
        never below 0.
    """

    rule: Literal["exact", "subset", "per_option"] = "exact"
    partial_fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        0.5, description="Share of the points for a correct proper subset (rule 'subset')."
    )
    multiple_marks: Literal["zero", "review"] = Field(
        "zero",
        description="Single-answer questions with two marks: score 0, or hold for review (scored 0 until resolved).",
    )


class Section(_Model):
    """One section of a paper (一、单项选择题 ...)."""

    key: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] = Field(description="Machine name, e.g. 'single'.")
    type: Literal["single", "multi", "judge"] = Field(description="Item type drawn for this section.")
    title: str = Field(description="Heading without counts, e.g. '单项选择题'.")
    count: int = Field(ge=1, description="Number of questions.")
    points: float = Field(gt=0, description="Points per question.")
    instructions: str = Field("", description="One-line instruction printed under the heading.")
    scoring: Scoring = Field(default_factory=Scoring)
    options: int = Field(4, ge=2, le=6, description="Options printed per question (judge: 2).")
    judge_true_share: tuple[float, float] = Field(
        (0.4, 0.6), description="For judge sections: allowed range of the share of 对 keys."
    )


class PaperFormat(_Model):
    """A paper format: sections in print order, duration, instructions, difficulty mix."""

    schema_version: Literal[1] = 1
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$")]
    title: str = Field(description="Paper title printed on booklets, e.g. '客户服务管理师 理论知识试卷'.")
    duration_min: int = Field(ge=1, description="Exam duration, minutes.")
    layout: str = Field(
        "auto", description="Id of the answer-sheet layout in layouts/ that fits this format; \"auto\" (the default): computed from the sections."
    )
    sections: tuple[Section, ...] = Field(min_length=1)
    instructions: tuple[str, ...] = Field((), description="Candidate instructions (注意事项), one per line.")
    difficulty_mix: dict[Literal["easy", "medium", "hard"], float] = Field(
        default_factory=lambda: {"easy": 6, "medium": 3, "hard": 1},
        description="Relative shares of easy:medium:hard items (易:中:难), per section.",
    )
    total_points: float | None = Field(None, description="If given, must equal the sum of section points.")
    pass_mark: float | None = Field(None, description="Default cut score for reports.")

    @model_validator(mode="after")
    def _check(self) -> "PaperFormat":
        keys = [s.key for s in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError(f"section keys repeat (got {keys})")
        if self.total_points is not None and abs(self.computed_total - self.total_points) > 1e-9:
            raise ValueError(
                f"total_points is {self.total_points} but sections add up to {self.computed_total}"
            )
        if not any(v > 0 for v in self.difficulty_mix.values()):
            raise ValueError("difficulty_mix needs at least one positive share")
        return self

    @property
    def computed_total(self) -> float:
        """Sum of count x points over the sections."""
        return sum(s.count * s.points for s in self.sections)

    @property
    def question_count(self) -> int:
        """Number of questions on a paper."""
        return sum(s.count for s in self.sections)

    def section(self, key: str) -> Section:
        """The section with this key."""
        for s in self.sections:
            if s.key == key:
                return s
        raise FormatError(f"format {self.id}: no section {key!r} (has {[s.key for s in self.sections]})")

    def numbering(self) -> list[tuple[Section, int]]:
        """(section, question number) for every question, numbers 1..N in print order."""
        out, n = [], 0
        for s in self.sections:
            for _ in range(s.count):
                n += 1
                out.append((s, n))
        return out

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the canonical JSON."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_format(path: str | Path) -> PaperFormat:
    """Read and validate a paper-format JSON file.

    Raises
    ------
    FormatError
        Naming the file and the JSON path of every problem.
    """
    return load_json_model(path, PaperFormat, FormatError, "paper format")
