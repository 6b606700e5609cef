"""The key manifest: what a grader needs to score a sheet, and what the sheet's QR points to.

One JSON file per build (``key.json``).  It names the bank (with its hash),
format (embedded whole, so scoring never depends on a file that may change),
layout, seed and versions, and per variant every question's item id,
section, points, option permutation and correct answer(s).  Each variant has
a short checksum of its key; the answer sheets carry it in their QR code so
a sheet is never scored against the wrong key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from papergen.errors import ManifestError
from papergen.files import load_json_model, write_text
from papergen.exam.paper import Paper
from papergen.exam.format import PaperFormat

__all__ = [
    "KeyQuestion",
    "VariantKey",
    "Candidate",
    "ExamManifest",
    "variant_checksum",
    "manifest_from_papers",
    "load_manifest",
    "save_manifest",
]

_MOST_PROBLEMS = 10
"""Validation problems listed when a key manifest is invalid: one wrong field repeats over every question."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeyQuestion(_Model):
    """The key of one question of one variant."""

    number: int = Field(ge=1)
    item_id: str
    section: str
    type: Literal["single", "multi", "judge"]
    points: float
    permutation: list[str] = Field(description="Bank option labels in printed order (A, B, ... on the sheet).")
    answer: list[str] = Field(description="Correct printed labels; judge: ['T'] (对) or ['F'] (错).")
    dropped: bool = Field(False, description="Question removed from scoring by a key correction.")
    awarded: bool = Field(False, description="Question whose points every candidate gets (送分), by a key correction.")
    also_accept: list[list[str]] = Field(default_factory=list, description="Further answers accepted by a key correction.")
    topic: str | None = Field(None, description="Topic code of the item in the bank (absent in older keys).")


class VariantKey(_Model):
    """The full key of one variant."""

    variant: str
    checksum: str = Field(description="First 8 hex digits of the SHA-256 of the variant's original key.")
    questions: list[KeyQuestion]


class Candidate(_Model):
    """A roster entry with a personalised sheet."""

    number: str = Field(description="Candidate number (准考证号), digits only.")
    name: str
    variant: str
    room: str = ""
    seat: str = ""


class ExamManifest(_Model):
    """Everything needed to score the sheets of one exam."""

    schema_version: Literal[1] = 1
    exam_id: str
    title: str
    mode: Literal["shuffle", "parallel"]
    seed: int
    bank_id: str
    bank_version: str
    bank_sha256: str
    format: PaperFormat
    layout_id: str
    layout_sha256: str
    versions: dict[str, str] = Field(description="Package versions that built the exam.")
    variants: list[VariantKey]
    candidates: list[Candidate] = Field(default_factory=list)
    min_status: Literal["draft", "reviewed", "approved"] | None = Field(
        None, description="Lowest review status the items were drawn from (absent in manifests before reviews)."
    )
    review_notice: str | None = Field(
        None, description="Set when the papers hold items not approved by subject experts: how many, at which status."
    )
    topic_names: dict[str, str] = Field(
        default_factory=dict, description="Topic code -> name of the topics the questions carry, from the bank."
    )

    def variant(self, name: str) -> VariantKey:
        """The key of one variant."""
        for v in self.variants:
            if v.variant == name:
                return v
        raise ManifestError(
            f"exam {self.exam_id}: no variant {name!r} (has {[v.variant for v in self.variants]})"
        )


def variant_checksum(exam_id: str, variant: str, questions: list[KeyQuestion]) -> str:
    """8 hex digits identifying one variant's original key.

    Computed over exam id, variant name and every question's item id,
    permutation and answer, so any change to the key changes it.
    """
    payload = [exam_id, variant] + [
        [q.number, q.item_id, q.section, q.points, q.permutation, q.answer] for q in questions
    ]
    canonical = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]


def key_questions(paper: Paper) -> list[KeyQuestion]:
    """The key of a paper, question by question."""
    return [
        KeyQuestion(
            number=q.number,
            item_id=q.item_id,
            section=q.section,
            type=q.type,  # type: ignore[arg-type]
            points=q.points,
            permutation=list(q.permutation),
            answer=list(q.answer),
            topic=q.topic or None,
        )
        for q in paper.questions
    ]


def manifest_from_papers(
    papers: list[Paper],
    *,
    paper_format: PaperFormat,
    layout_id: str,
    layout_sha256: str,
    mode: Literal["shuffle", "parallel"],
    versions: dict[str, str],
    candidates: list[Candidate] | None = None,
    min_status: Literal["draft", "reviewed", "approved"] | None = None,
    review_notice: str | None = None,
    topic_names: dict[str, str] | None = None,
) -> ExamManifest:
    """Build the manifest of an exam from its variants' papers (review fields as the build found them).

    ``topic_names`` (code -> name, from the bank) is kept for the topics the questions carry, so a
    report can break scores down by topic without the bank.
    """
    if not papers:
        raise ManifestError("cannot write a key manifest for an exam with no variants")
    first = papers[0]
    variants = []
    for paper in papers:
        questions = key_questions(paper)
        variants.append(
            VariantKey(
                variant=paper.variant,
                checksum=variant_checksum(paper.exam_id, paper.variant, questions),
                questions=questions,
            )
        )
    return ExamManifest(
        exam_id=first.exam_id,
        title=paper_format.title,
        mode=mode,
        seed=first.seed,
        bank_id=first.bank_id,
        bank_version=first.bank_version,
        bank_sha256=first.bank_sha256,
        format=paper_format,
        layout_id=layout_id,
        layout_sha256=layout_sha256,
        versions=versions,
        variants=variants,
        candidates=candidates or [],
        min_status=min_status,
        review_notice=review_notice,
        topic_names=_used_topic_names(variants, topic_names or {}),
    )


def _used_topic_names(variants: list[VariantKey], names: dict[str, str]) -> dict[str, str]:
    used = {q.topic for v in variants for q in v.questions if q.topic}
    return {code: names.get(code, code) for code in sorted(used)}


def save_manifest(manifest: ExamManifest, path: str | Path) -> None:
    """Write a manifest as indented UTF-8 JSON, atomically.

    Raises
    ------
    ManifestError
        If the file cannot be written.
    """
    write_text(path, manifest.model_dump_json(indent=1) + "\n", ManifestError, "key manifest")


def load_manifest(path: str | Path) -> ExamManifest:
    """Read and validate a key manifest.

    Raises
    ------
    ManifestError
        Naming the file and each problem's JSON path.
    """
    return load_json_model(path, ExamManifest, ManifestError, "key manifest", most_problems=_MOST_PROBLEMS)
