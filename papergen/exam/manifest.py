"""The key manifest: what a grader needs to score a sheet, and what the sheet's QR points to.

One JSON file per build (``key.json``).  It names the bank (with its hash),
format (embedded whole, so scoring never depends on a file that may change),
layout, seed and versions, and per variant every question's item id,
section, points, option permutation and correct answer(s).  Each variant has
a short checksum of its key; the answer sheets carry it in their QR code so
a sheet is never scored against the wrong key.

Every key papergen writes is sealed: ``digest`` is the SHA-256 of all its
other content (questions, answers, permutations, points, rules, dropped and
also-accepted answers, layout link, roster), so a key edited by hand is
refused on loading.  A correction is the next ``key_version`` of the same key
(written by ``papergen rescore``); the variant checksums stay those of the
original, printed key.  A key must also fit its format (and layout):
numbers 1..N without gaps or repeats, answers among the printed options,
points >= 0 adding up to the format's full marks.

A key written before keys were sealed has no digest: it is accepted (after
the same format checks) and sealed where it is first used, in the results
store, so any later edit of it is refused.  Refusing such keys would strand
every sitting already printed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from pathlib import Path
from typing import Literal

from omr.layout import SheetLayout

from pydantic import BaseModel, ConfigDict, Field

from papergen.errors import ManifestError
from papergen.files import load_json_model, write_text
from papergen.exam.paper import JUDGE_LABELS, Paper
from papergen.exam.format import PaperFormat, Section
from papergen.i18n import N_, _

__all__ = [
    "KeyQuestion",
    "VariantKey",
    "Candidate",
    "ExamManifest",
    "variant_checksum",
    "key_digest",
    "seal_manifest",
    "checksum_mismatches",
    "key_problems",
    "check_key",
    "manifest_from_papers",
    "load_manifest",
    "save_manifest",
]

_MOST_PROBLEMS = 10
"""Validation problems listed when a key manifest is invalid: one wrong field repeats over every question."""

_CHOICE_LABELS = "ABCDEF"
"""Printed option labels of choice questions, in order (a section with n options prints the first n)."""

_POINTS_TOLERANCE = 1e-6
"""Largest difference, in points, between a key's total and the format's full marks."""

_HOW_TO_CORRECT = N_("correct a key only with 'papergen rescore RESULTS --key key.json --corrections fixes.json', "
                   "which writes the next version (key.v2.json)")


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
    key_version: int = Field(
        1, ge=1, description="1 for the key as built; each correction ('papergen rescore') adds 1."
    )
    digest: str | None = Field(
        None, description="SHA-256 (hex) of every other field; None only in keys written before keys were sealed."
    )

    def variant(self, name: str) -> VariantKey:
        """The key of one variant."""
        for v in self.variants:
            if v.variant == name:
                return v
        raise ManifestError(
            _("exam {exam}: no variant {name!r} (has {variants})").format(
                    exam=self.exam_id, name=name, variants=[v.variant for v in self.variants])
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


def key_digest(manifest: ExamManifest) -> str:
    """SHA-256 (hex) of the key's content: every field but ``digest``, as canonical JSON."""
    content = manifest.model_dump(mode="json", exclude={"digest"})
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checksum_mismatches(manifest: ExamManifest) -> list[str]:
    """Variants whose questions no longer give the checksum printed in their QR code.

    Expected for a corrected key (``key_version`` > 1); in an unsealed key of
    version 1 it means the key was edited, or corrected by an older papergen.
    """
    return [v.variant for v in manifest.variants
            if v.checksum != variant_checksum(manifest.exam_id, v.variant, v.questions)]


def seal_manifest(manifest: ExamManifest) -> ExamManifest:
    """The manifest with ``digest`` set to its :func:`key_digest`."""
    return manifest.model_copy(update={"digest": key_digest(manifest)})


def key_problems(manifest: ExamManifest, layout: SheetLayout | None = None) -> list[str]:
    """Everything in a key that does not fit its format (and the layout, if given).

    Per variant: question numbers 1..N (N from the format) without gaps or
    repeats; each question in its format section; answers and also-accepted
    answers among the printed options (the layout's, else the format's), one
    option for single-choice and true/false; points finite and >= 0, adding up
    to the format's full marks.

    Returns
    -------
    list of str
        ``variant A question 12: answer 'Z' is not a printed option (options A, B, C, D)``...; empty if none.
    """
    expected = dict((number, section) for section, number in manifest.format.numbering())
    printed = {spec.number: spec.options for spec in layout.questions()} if layout is not None else {}
    problems = []
    for variant in manifest.variants:
        problems += _numbering_problems(variant, len(expected))
        for q in variant.questions:
            section = expected.get(q.number)
            if section is not None:
                options = printed.get(q.number) or _format_options(section)
                problems += [_("variant {variant} question {number}: {problem}").format(
                        variant=variant.variant, number=q.number, problem=p)
                             for p in _question_problems(q, section, options)]
        total = sum(q.points for q in variant.questions)
        if math.isfinite(total) and abs(total - manifest.format.computed_total) > _POINTS_TOLERANCE:
            problems.append(_(
                "variant {variant}: points add up to {total:g}, the format's full marks are "
                "{computed_total:g}").format(
                    variant=variant.variant, total=total, computed_total=manifest.format.computed_total))
    return problems


def check_key(manifest: ExamManifest, where: str, layout: SheetLayout | None = None) -> None:
    """Refuse a key whose digest does not match its content or that does not fit its format.

    Raises
    ------
    ManifestError
        ``<where>: the key was changed after papergen wrote it ...`` or
        ``<where>: the key does not fit format <id>: ...`` (at most 10 problems, then how many more).
    """
    if manifest.digest is not None and manifest.digest != key_digest(manifest):
        raise ManifestError(
            _(
                "{where}: the key was changed after papergen wrote it (digest recorded {digest}, content gives "
                "{content}); restore the file papergen wrote; {how}").format(
                    where=where, digest=manifest.digest[:12], content=key_digest(manifest)[:12], how=_(_HOW_TO_CORRECT))
        )
    problems = key_problems(manifest, layout)
    if problems:
        shown = "; ".join(problems[:_MOST_PROBLEMS])
        hidden = len(problems) - _MOST_PROBLEMS
        more = _("; and {count} more").format(count=hidden) if hidden > 0 else ""
        raise ManifestError(_("{where}: the key does not fit format {format}: {shown}{more}; rebuild the exam, or {how}").format(
            where=where, format=manifest.format.id, shown=shown, more=more, how=_(_HOW_TO_CORRECT)))


def _numbering_problems(variant: VariantKey, count: int) -> list[str]:
    numbers = Counter(q.number for q in variant.questions)
    missing = sorted(set(range(1, count + 1)) - set(numbers))
    repeated = sorted(n for n, times in numbers.items() if times > 1)
    extra = sorted(n for n in numbers if n > count)
    where = _("variant {variant}").format(variant=variant.variant)
    return ([_("{where}: question numbers missing (got no {missing})").format(
            where=where, missing=_numbers_text(missing))] if missing else []) + \
           ([_("{where}: question numbers repeated ({repeated})").format(
                   where=where, repeated=_numbers_text(repeated))] if repeated else []) + \
           ([_("{where}: question numbers beyond the format's {count} ({extra})").format(
                   where=where, count=count, extra=_numbers_text(extra))] if extra else [])


def _numbers_text(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:_MOST_PROBLEMS])) + (", ..." if len(numbers) > _MOST_PROBLEMS else "")


def _format_options(section: Section) -> tuple[str, ...]:
    return JUDGE_LABELS if section.type == "judge" else tuple(_CHOICE_LABELS[: section.options])


def _question_problems(q: KeyQuestion, section: Section, options: tuple[str, ...]) -> list[str]:
    problems = []
    if (q.section, q.type) != (section.key, section.type):
        problems.append(_("is in section {section!r} ({type}), the format has {key!r} ({format_type})").format(
                section=q.section, type=q.type, key=section.key, format_type=section.type))
    if not math.isfinite(q.points) or q.points < 0:
        problems.append(_("points must be a number >= 0 (got {points})").format(points=q.points))
    if q.type != "judge" and q.permutation:
        if len(q.permutation) > len(options) or len(set(q.permutation)) != len(q.permutation):
            problems.append(_("permutation must list at most {count} distinct options (got {permutation})").format(
                    count=len(options), permutation=q.permutation))
        options = options[: len(q.permutation)]  # an item with fewer options prints fewer
    for what, answer in [("answer", q.answer), *(("also_accept", a) for a in q.also_accept)]:
        wrong = [label for label in answer if label not in options]
        if wrong:
            problems.append(_("{what} {wrong!r} is not a printed option (options {options})").format(
                    what=what, wrong=''.join(wrong), options=', '.join(options)))
        elif not answer or len(set(answer)) != len(answer) or (q.type != "multi" and len(answer) != 1):
            wanted = _("{what} must be one option (got {answer})") if q.type != "multi" else _(
                "{what} must be distinct options (got {answer})")
            problems.append(wanted.format(what=what, answer=answer))
    return problems


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
        raise ManifestError(_("cannot write a key manifest for an exam with no variants"))
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
    return seal_manifest(ExamManifest(
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
    ))


def _used_topic_names(variants: list[VariantKey], names: dict[str, str]) -> dict[str, str]:
    used = {q.topic for v in variants for q in v.questions if q.topic}
    return {code: names.get(code, code) for code in sorted(used)}


def save_manifest(manifest: ExamManifest, path: str | Path) -> None:
    """Write a manifest, sealed (:func:`seal_manifest`), as indented UTF-8 JSON, atomically.

    Raises
    ------
    ManifestError
        If the file cannot be written.
    """
    write_text(path, seal_manifest(manifest).model_dump_json(indent=1) + "\n", ManifestError, N_("key manifest"))


def load_manifest(path: str | Path) -> ExamManifest:
    """Read and validate a key manifest, and check it with :func:`check_key`.

    Raises
    ------
    ManifestError
        Naming the file and each problem's JSON path; or a key edited after
        papergen wrote it; or a key that does not fit its format.
    """
    manifest = load_json_model(path, ExamManifest, ManifestError, N_("key manifest"), most_problems=_MOST_PROBLEMS)
    check_key(manifest, str(path))
    return manifest
