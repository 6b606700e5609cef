"""Rescoring stored sheets with a changed key: pure functions, and one call that stores the result.

A key correction (dropped questions, extra accepted answers) changes scores,
never reads: every stored sheet is scored again from its stored marks.
:func:`check_rescorable` refuses a key of another build of the exam,
:func:`score_change` says how one sheet's score changed, and
:func:`rescore_store` runs both over an exam's stored sheets and hands the
new scores to the store in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from papergen.errors import ManifestError
from papergen.exam import ExamManifest
from papergen.grading.decisions import score_with_decisions
from papergen.grading.records import GradedSheet, RescoreResult, ScoreChange
from papergen.grading.scoring import SheetScore
from papergen.grading.store import Store
from papergen.i18n import _

__all__ = ["check_rescorable", "score_change", "plan_rescore", "rescore_store"]


def check_rescorable(manifest: ExamManifest, sheets: Sequence[GradedSheet]) -> None:
    """Check that every sheet was scored with a variant key of this manifest.

    Raises
    ------
    ManifestError
        If a sheet's variant is missing from the manifest or its key checksum
        differs (the manifest is of another build of the exam).
    """
    keys = {v.variant: v.checksum for v in manifest.variants}
    problems = sorted({
        _("variant {variant}: stored sheets were scored with key {stored}, the manifest has {given}").format(
            variant=s.score.variant, stored=s.score.key_checksum,
            given=keys.get(s.score.variant, _("no such variant")))
        for s in sheets
        if keys.get(s.score.variant) != s.score.key_checksum
    })
    if problems:
        raise ManifestError(
            _("exam {exam}: cannot rescore: {problems}; the key is of another build of this exam").format(
                exam=manifest.exam_id, problems="; ".join(problems))
        )


def score_change(old: GradedSheet, new: SheetScore) -> ScoreChange | None:
    """How a sheet's score changed (questions whose points, status or maximum changed); None if it did not."""
    before = {q.number: q for q in old.score.questions}
    changed = []
    for q in new.questions:
        was = before.get(q.number)
        if was is None or (was.points, was.status, was.max_points) != (q.points, q.status, q.max_points):
            changed.append((q.number, was.points if was else 0.0, q.points))
    if not changed and old.score.total == new.total and old.score.max_total == new.max_total:
        return None
    page = old.page
    return ScoreChange(page.page_id, page.source, page.page_no, page.candidate, new.variant,
                       old.score.total, new.total, tuple(changed), old.score.max_total, new.max_total)


def rescore_store(store: Store, manifest: ExamManifest, *, reason: str = "key correction") -> RescoreResult:
    """Recompute every stored score of an exam from the stored marks, store them and log what changed.

    The manifest replaces the stored one.  No image is read.

    Raises
    ------
    ManifestError
        If a stored sheet's variant is missing from the manifest or its key
        checksum differs (the manifest is of another build of the exam).
    """
    scores, result = plan_rescore(store, manifest, reason=reason)
    store.save_rescore(manifest, scores, result)
    return result


def plan_rescore(store: Store, manifest: ExamManifest, *, reason: str = "key correction"
                 ) -> tuple[list[tuple[int, SheetScore]], RescoreResult]:
    """The new score of every stored sheet of an exam, and the run to log; nothing is written.

    Returns
    -------
    scores : list of (page id, SheetScore)
        For :meth:`Store.save_rescore`.
    result : RescoreResult
        What changed.

    Raises
    ------
    ManifestError
        As :func:`rescore_store`.
    """
    sheets = store.graded_sheets(manifest.exam_id)
    check_rescorable(manifest, sheets)
    rescored = [
        (sheet, score_with_decisions(store.sheet_read(sheet.page.page_id), manifest.variant(sheet.score.variant),
                                     manifest.format, store.decided_answers(sheet.page.sha256)))
        for sheet in sheets
    ]
    changes = tuple(c for c in (score_change(old, new) for old, new in rescored) if c is not None)
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result = RescoreResult(manifest.exam_id, at, reason, len(sheets), changes)
    return [(old.page.page_id, new) for old, new in rescored], result
