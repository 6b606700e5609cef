"""Key corrections: change an answer, accept a second answer, drop a question, award it to all; rescore; log it.

A corrections file is small JSON an instructor writes after the item
analysis points at a bad key::

    {
      "reason": "第12题答案更正",
      "corrections": [
        {"variant": "A", "question": 12, "answer": "C"},
        {"item": "cs-0042", "also_accept": ["B"]},
        {"variant": "B", "question": 30, "drop": true},
        {"variant": "A", "question": 45, "award": true}
      ]
    }

Dropping and awarding (送分) each have one policy, which :func:`rescore_results`
states in its output:

- a dropped question counts for nobody: each sheet's maximum falls by its
  points (full marks 100 -> 99.5) and the pass mark falls in proportion
  (60 -> 59.7), so the bar stays the same share of what a sheet can earn;
- an awarded question gives every candidate its points, whatever was
  marked: full marks and pass mark stay.

A correction names a question as printed on one variant (``variant`` and
``question``; labels as printed on that variant) or a bank item (``item``;
labels as in the bank).  Either way it applies to the item on *every*
variant, translated through each variant's option permutation, so a
shuffled exam is corrected once.  True/false answers are ``"T"``/``"F"``
(or ``"对"``/``"错"``).

:func:`rescore_results` writes the corrected key as the next version beside
the given one (``key.json`` -> ``key.v2.json``; an existing file is never
replaced), recomputes every stored score from the stored marks, records the
run in the store, writes a change log beside the new key, and rewrites the
exports of the results folder.  Variant checksums stay those of the original
key: the sheets' QR codes carry them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from papergen.errors import ManifestError, ReportError
from papergen.grading.exports import write_exports
from papergen.files import load_json_model, write_json
from papergen.wording import JUDGE_KEYS
from papergen.bank.model import OPTION_LABELS
from papergen.exam import (
    JUDGE_LABELS,
    ExamManifest,
    KeyQuestion,
    key_digest,
    load_manifest,
    save_manifest,
    seal_manifest,
)
from papergen.grading.records import RescoreResult
from papergen.grading.lock import results_lock
from papergen.grading.rescore import plan_rescore
from papergen.grading.store import Store, open_results
from papergen.i18n import N_, _

__all__ = [
    "Correction",
    "Corrections",
    "KeyChange",
    "RescoreOutcome",
    "load_corrections",
    "apply_corrections",
    "next_version_path",
    "printed_to_bank",
    "ExamExports",
    "rescore_results",
]

ExamExports = Callable[[Store, str, Path], Sequence[Path]]
"""``exam_exports(store, exam_id, results_dir)``: per-exam files rewritten after a rescore."""

Answer = Annotated[str, Field(min_length=1)] | list[Annotated[str, Field(min_length=1)]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Correction(_Model):
    """One correction of the key."""

    variant: str | None = Field(None, description="Variant whose printed question number and labels are used.")
    question: int | None = Field(None, ge=1, description="Question number on that variant's sheet.")
    item: str | None = Field(None, description="Bank item id (labels then as in the bank).")
    answer: Answer | None = Field(None, description="The right answer: 'C', 'ACD', ['A', 'C'], 'T'/'F' or 对/错.")
    also_accept: list[Answer] = Field(default_factory=list, description="Further answers to accept as right.")
    drop: bool = Field(False, description="Remove the question from scoring for everyone.")
    award: bool = Field(False, description="Give every candidate the question's points (送分).")
    note: str = Field("", description="Why, for the change log.")

    @model_validator(mode="after")
    def _one_target_and_an_action(self) -> Correction:
        by_question = self.variant is not None or self.question is not None
        if by_question == (self.item is not None):
            raise ValueError("name either 'variant' and 'question', or 'item'")
        if by_question and (self.variant is None or self.question is None):
            raise ValueError("'variant' and 'question' go together")
        if not (self.drop or self.award or self.answer is not None or self.also_accept):
            raise ValueError("give 'answer', 'also_accept', 'drop' or 'award'")
        for action in ("drop", "award"):
            if getattr(self, action) and (self.answer is not None or self.also_accept or self.drop and self.award):
                raise ValueError(f"'{action}' cannot be combined with 'answer', 'also_accept' or another action")
        return self

    @property
    def target(self) -> str:
        """The question as named, e.g. ``"variant A question 12"`` or ``"item cs-0042"``."""
        return f"item {self.item}" if self.item is not None else f"variant {self.variant} question {self.question}"


class Corrections(_Model):
    """A corrections file."""

    reason: str = Field(min_length=1, description="Why the key changes; recorded with the rescoring run.")
    corrections: list[Correction] = Field(min_length=1)


@dataclass(frozen=True)
class KeyChange:
    """One question of one variant whose key changed.

    ``before`` and ``after`` describe the key as printed, e.g. ``"B"`` ->
    ``"C"``, ``"B"`` -> ``"B/C"`` (C also accepted), ``"B"`` -> ``"dropped"``.
    """

    variant: str
    question: int
    item_id: str
    before: str
    after: str
    note: str = ""


@dataclass(frozen=True)
class RescoreOutcome:
    """What :func:`rescore_results` did."""

    manifest_path: Path
    log_path: Path
    changes: tuple[KeyChange, ...]
    rescore: RescoreResult
    exports: tuple[Path, ...] = field(default_factory=tuple)
    exports_problem: str = ""

    policies: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        """Human-readable lines for the command line: key changes, policies, and only the totals that changed."""
        lines = [_("New key: {path}").format(path=self.manifest_path),
                 _("Change log: {path}").format(path=self.log_path)]
        lines += ["  " + _("variant {variant} question {question} ({item}): {before} -> {after}").format(
            variant=c.variant, question=c.question, item=c.item_id, before=c.before, after=c.after)
                  for c in self.changes]
        lines += self.policies
        moved = self.rescore.total_changes
        lines.append(_("Rescored {sheets} sheets: {changed} totals changed, {unchanged} unchanged").format(
            sheets=self.rescore.sheets, changed=len(moved), unchanged=self.rescore.sheets - len(moved)))
        lines += ["  " + _("{source} page {page} (candidate {candidate}): {old} -> {new} points").format(
            source=c.source, page=c.page_no, candidate=c.candidate or "?", old=f"{c.old_total:g}",
            new=f"{c.new_total:g}") for c in moved]
        maxima = Counter((c.old_max, c.new_max) for c in self.rescore.changes
                         if c.old_max is not None and c.old_max != c.new_max)
        lines += [_("Maximum of {sheets} sheets: {old} -> {new} points").format(sheets=n, old=f"{old:g}",
                                                                                new=f"{new:g}")
                  for (old, new), n in sorted(maxima.items())]
        if self.exports:
            lines.append(_("Rewritten: {files}").format(files=", ".join(str(p) for p in self.exports)))
        if self.exports_problem:
            lines.append(_("Problem: exports not rewritten: {error}").format(error=self.exports_problem))
        return lines


# -- reading -------------------------------------------------------------------------


def load_corrections(path: str | Path) -> Corrections:
    """Read and validate a corrections file.

    Raises
    ------
    ManifestError
        Naming the file and the JSON path of every problem.
    """
    return load_json_model(path, Corrections, ManifestError, N_("corrections file"))


# -- applying ------------------------------------------------------------------------


def apply_corrections(
    manifest: ExamManifest, corrections: Corrections, *, source: str = "corrections"
) -> tuple[ExamManifest, tuple[KeyChange, ...]]:
    """The manifest with the corrections applied to every variant, and what changed.

    Parameters
    ----------
    manifest : ExamManifest
        The key to correct (not modified).
    corrections : Corrections
        The corrections.
    source : str
        Name of the corrections file, for messages.

    Raises
    ------
    ManifestError
        Listing every correction that names no question of the exam, uses an
        option the question lacks, gives a single-answer question several
        answers, or changes nothing.
    """
    questions = {(v.variant, q.number): q.model_copy(deep=True) for v in manifest.variants for q in v.questions}
    problems: list[str] = []
    for index, correction in enumerate(corrections.corrections):
        try:
            _apply_one(correction, manifest, questions)
        except ValueError as exc:
            problems.append(f"{source}: corrections[{index}] ({correction.target}): {exc}")
    if problems:
        raise ManifestError("; ".join(problems))
    corrected = _rebuild(manifest, questions)
    changes = _changes(manifest, corrected, corrections)
    if not changes:
        raise ManifestError(_("{path}: the corrections change nothing in the key of exam {exam}").format(
            path=source, exam=manifest.exam_id))
    return corrected, changes


def _apply_one(correction: Correction, manifest: ExamManifest, questions: dict[tuple[str, int], KeyQuestion]) -> None:
    """Apply one correction to every variant's copy of the item (raises ValueError with the reason)."""
    item_id, in_bank = _resolve(correction, manifest, questions)
    answer = _bank_answer(correction.answer, in_bank) if correction.answer is not None else None
    accepted = [_bank_answer(a, in_bank) for a in correction.also_accept]
    targets = [q for q in questions.values() if q.item_id == item_id]
    for question in targets:
        _check_answer(answer, question, "answer")
        for extra in accepted:
            _check_answer(extra, question, "also_accept")
    for question in targets:
        to_printed = {bank: printed for printed, bank in printed_to_bank(question).items()}
        if correction.drop or correction.award:
            question.dropped, question.awarded = correction.drop, correction.award
        if answer is not None:
            question.answer = sorted(to_printed[label] for label in answer)
        for extra in accepted:
            printed = sorted(to_printed[label] for label in extra)
            if printed != question.answer and printed not in question.also_accept:
                question.also_accept.append(printed)


def _resolve(correction: Correction, manifest: ExamManifest,
             questions: dict[tuple[str, int], KeyQuestion]) -> tuple[str, dict[str, str]]:
    """The item id and the label translation (as written -> bank) of a correction."""
    if correction.item is not None:
        carriers = [q for q in questions.values() if q.item_id == correction.item]
        if not carriers:
            raise ValueError(_("exam {exam} has no item {item}").format(exam=manifest.exam_id,
                                                                         item=repr(correction.item)))
        bank_labels = set(printed_to_bank(carriers[0]).values())
        return correction.item, {label: label for label in bank_labels}
    key = (correction.variant or "", correction.question or 0)
    if key not in questions:
        variants = sorted({v for v, _n in questions})
        raise ValueError(_("no such question in exam {exam} (variants {variants}, questions 1..{last})").format(
            exam=manifest.exam_id, variants=variants, last=max(n for _v, n in questions)))
    question = questions[key]
    return question.item_id, printed_to_bank(question)


def printed_to_bank(question: KeyQuestion) -> dict[str, str]:
    """Printed option label -> bank option label for one question of one variant.

    The permutation lists bank labels in printed order, so printed ``"A"``
    is ``permutation[0]``.  Judge questions map ``"T"``/``"F"`` to themselves.
    """
    if question.type == "judge" or not question.permutation:
        labels = JUDGE_LABELS if question.type == "judge" else OPTION_LABELS
        return {label: label for label in labels}
    return dict(zip(OPTION_LABELS, question.permutation))


def _bank_answer(answer: str | list[str], to_bank: dict[str, str]) -> list[str]:
    labels = list(answer) if isinstance(answer, str) else [ch for part in answer for ch in part]
    out = []
    for label in labels:
        label = JUDGE_KEYS.get(label, label.upper())
        if label not in to_bank:
            raise ValueError(_("{label} is not an option of the question (options {options})").format(
                label=repr(label), options=sorted(to_bank)))
        out.append(to_bank[label])
    if len(set(out)) != len(out):
        raise ValueError(_("an answer repeats an option (got {answer})").format(answer="".join(labels)))
    return sorted(out)


def _check_answer(answer: list[str] | None, question: KeyQuestion, what: str) -> None:
    if answer is None:
        return
    if question.type in ("single", "judge") and len(answer) != 1:
        raise ValueError(_("{what}: a {type} question takes one option (got {answer})").format(
            what=what, type=question.type, answer="".join(answer)))
    if question.type == "multi" and len(answer) < 2:
        raise ValueError(_("{what}: a multiple-choice answer has two or more options (got {answer})").format(
            what=what, answer="".join(answer)))


def _rebuild(manifest: ExamManifest, questions: dict[tuple[str, int], KeyQuestion]) -> ExamManifest:
    variants = [
        v.model_copy(update={"questions": [questions[(v.variant, q.number)] for q in v.questions]})
        for v in manifest.variants
    ]
    return seal_manifest(manifest.model_copy(update={"variants": variants, "key_version": manifest.key_version + 1}))


def _changes(before: ExamManifest, after: ExamManifest, corrections: Corrections) -> tuple[KeyChange, ...]:
    notes = _notes_by_item(before, corrections)
    out = []
    for old_variant, new_variant in zip(before.variants, after.variants):
        for old, new in zip(old_variant.questions, new_variant.questions):
            was, now = _key_text(old), _key_text(new)
            if was != now:
                out.append(KeyChange(old_variant.variant, old.number, old.item_id, was, now, notes.get(old.item_id, "")))
    return tuple(out)


def _notes_by_item(manifest: ExamManifest, corrections: Corrections) -> dict[str, str]:
    numbers = {(v.variant, q.number): q.item_id for v in manifest.variants for q in v.questions}
    notes: dict[str, str] = {}
    for c in corrections.corrections:
        item = c.item if c.item is not None else numbers.get((c.variant or "", c.question or 0))
        if item and c.note:
            notes[item] = c.note
    return notes


def _key_text(question: KeyQuestion) -> str:
    if question.dropped:
        return "dropped"
    if question.awarded:
        return "awarded to all"
    return "/".join("".join(a) for a in (question.answer, *question.also_accept))


# -- files and the store -------------------------------------------------------------------

_VERSION = re.compile(r"^(?P<stem>.*)\.v(?P<n>\d+)$")


def next_version_path(path: str | Path) -> Path:
    """The next free version of a key file: ``key.json`` -> ``key.v2.json``, ``key.v2.json`` -> ``key.v3.json``.

    Skips versions that exist already, so no file is ever replaced.
    """
    path = Path(path)
    match = _VERSION.match(path.stem)
    stem, version = (match["stem"], int(match["n"])) if match else (path.stem, 1)
    while True:
        version += 1
        candidate = path.with_name(f"{stem}.v{version}{path.suffix}")
        if not candidate.exists():
            return candidate


def rescore_results(results_dir: str | Path, key_path: str | Path, corrections_path: str | Path, *,
                    exam_exports: ExamExports | None = None) -> RescoreOutcome:
    """Apply key corrections and rescore every stored sheet of the exam; see the module docstring.

    Parameters
    ----------
    results_dir : path
        A grading output folder (holds ``results.sqlite``).
    key_path : path
        The key the results were last scored with (``key.json``, or the latest ``key.vN.json``).
    corrections_path : path
        The corrections file.
    exam_exports : callable, optional
        ``exam_exports(store, exam_id, results_dir) -> list of Path``: further
        per-exam files to rewrite after the grading exports (the command line
        passes :func:`papergen.report.write_exam_exports`: item analysis and workbook).

    Returns
    -------
    RescoreOutcome
        With ``exports_problem`` set if the rescore was stored but the exports
        could not be rewritten.  If anything before that fails, no new key
        version, change log or score is left behind.

    Raises
    ------
    ReportError
        If the folder has no results store, the store has no results of the
        key's exam, or the results were last scored with another version of
        the key (its file is named when found beside the given key).
    ManifestError
        If the key or the corrections cannot be read, or a correction is invalid.
    StoreError
        If the store cannot be opened.
    GradeError
        If another run is writing the results folder.
    """
    results = Path(results_dir)
    with open_results(results) as store, results_lock(results):
        manifest = load_manifest(key_path)
        corrections = load_corrections(corrections_path)
        corrected, changes = apply_corrections(manifest, corrections, source=str(corrections_path))
        _check_current_key(store, manifest, Path(key_path))
        scores, result = plan_rescore(store, corrected, reason=corrections.reason)
        new_path = next_version_path(key_path)
        log_path = new_path.with_name(f"{new_path.stem}.changes.json")
        policies = score_policies(manifest, corrected)
        try:
            save_manifest(corrected, new_path)
            _write_log(log_path, Path(key_path), manifest, corrected, corrections, changes, result, policies)
            store.save_rescore(corrected, scores, result)
        except BaseException:  # leave no version behind that the store does not hold
            new_path.unlink(missing_ok=True)
            log_path.unlink(missing_ok=True)
            raise
        try:  # the rescore stands; exports can be written again by any later run
            exports, problem = _rewrite_exports(store, results, manifest.exam_id, exam_exports), ""
        except ReportError as exc:
            exports, problem = (), str(exc)
    return RescoreOutcome(new_path, log_path, changes, result, exports, problem, policies)


def score_policies(before: ExamManifest, after: ExamManifest) -> tuple[str, ...]:
    """What questions newly dropped or awarded do to the full marks and the pass mark, one line per kind.

    Dropped: each variant's full marks fall by the dropped points and the pass
    mark in proportion.  Awarded (送分): both stay.
    """
    was = {(v.variant, q.number): q for v in before.variants for q in v.questions}
    pass_mark = after.format.pass_mark
    lines = []
    for variant in after.variants:
        dropped = [q.number for q in variant.questions if q.dropped and not was[(variant.variant, q.number)].dropped]
        awarded = [q.number for q in variant.questions if q.awarded and not was[(variant.variant, q.number)].awarded]
        full_before = sum(q.points for q in before.variant(variant.variant).questions if not q.dropped)
        full_after = sum(q.points for q in variant.questions if not q.dropped)
        fields = {"variant": variant.variant, "before": f"{full_before:g}", "after": f"{full_after:g}"}
        if dropped and pass_mark is not None:
            lines.append(_("Variant {variant}: question(s) {numbers} dropped: full marks {before} -> {after}, the "
                           "pass mark {pass_before} -> {pass_after} in proportion (the same share of the maximum)")
                         .format(**fields, numbers=_numbers(dropped), pass_before=f"{pass_mark:g}",
                                 pass_after=f"{pass_mark * full_after / full_before:g}"))
        elif dropped:
            lines.append(_("Variant {variant}: question(s) {numbers} dropped: full marks {before} -> {after}, the "
                           "pass mark in proportion (the same share of the maximum)")
                         .format(**fields, numbers=_numbers(dropped)))
        if awarded and pass_mark is not None and not dropped:
            lines.append(_("Variant {variant}: question(s) {numbers} awarded to all (送分): every candidate gets the "
                           "points; full marks {after} and pass mark {pass_mark} unchanged by it")
                         .format(**fields, numbers=_numbers(awarded), pass_mark=f"{pass_mark:g}"))
        elif awarded:
            lines.append(_("Variant {variant}: question(s) {numbers} awarded to all (送分): every candidate gets the "
                           "points; the full marks and the pass mark unchanged by it")
                         .format(**fields, numbers=_numbers(awarded)))
    return tuple(lines)


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _check_current_key(store: Store, manifest: ExamManifest, key_path: Path) -> None:
    stored = store.manifest(manifest.exam_id)
    if stored is None:
        raise ReportError(_("{path}: no results of exam {exam} (has {exams})").format(
            path=store.path, exam=manifest.exam_id, exams=sorted(store.manifests())))
    if key_digest(stored) == key_digest(manifest):
        return
    match = next((p for p in sorted(key_path.parent.glob("*.json")) if _is_manifest(p, stored)), None)
    hint = (_("pass {path}").format(path=match) if match
            else _("pass the key the last correction wrote (key.vN.json)"))
    raise ReportError(_("{path}: the results of exam {exam} were last scored with another version of the key; "
                        "correcting this one would undo earlier corrections; {hint}").format(
                            path=key_path, exam=manifest.exam_id, hint=hint))


def _is_manifest(path: Path, manifest: ExamManifest) -> bool:
    try:
        return key_digest(load_manifest(path)) == key_digest(manifest)
    except ManifestError:
        return False


def _write_log(log_path: Path, old_path: Path, old: ExamManifest, new: ExamManifest, corrections: Corrections,
               changes: Sequence[KeyChange], result: RescoreResult, policies: Sequence[str]) -> Path:
    new_path = log_path.with_name(log_path.name.replace(".changes.json", ".json"))
    log = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "exam_id": old.exam_id,
        "reason": corrections.reason,
        "previous_key": old_path.name,
        "previous_sha256": key_digest(old),
        "key": new_path.name,
        "sha256": key_digest(new),
        "corrections": corrections.model_dump(mode="json", exclude_defaults=True)["corrections"],
        "changes": [asdict(c) for c in changes],
        "policies": list(policies),
        "rescored_sheets": result.sheets,
        "score_changes": [
            {"source": c.source, "page": c.page_no, "candidate": c.candidate, "variant": c.variant,
             "old_total": c.old_total, "new_total": c.new_total}
            for c in result.total_changes
        ],
    }
    return write_json(log_path, log, ManifestError, N_("key change log"))


def _rewrite_exports(store: Store, results: Path, exam_id: str, exam_exports: ExamExports | None) -> tuple[Path, ...]:
    written = list(write_exports(store, results))
    if exam_exports is not None:
        written += exam_exports(store, exam_id, results)
    return tuple(written)



