"""Many scanning stations, one sitting: results folders combined into one.

Each station grades its own scans into its own results folder;
:func:`merge_results` copies every page of those folders into one sitting's
folder: the page row, its read (every bubble), its score and its flags.
Copying is idempotent: a page whose content hash the sitting already holds
counts once (merging the same folder twice, or a sheet scanned at two
stations, adds nothing).  Sheets are checked for duplicates against the
whole sitting, as one grading run checks them: a candidate graded at two
stations is flagged ``duplicate_candidate`` (or ``duplicate_scan`` when the
marks agree) on both pages.  Every exam must have one key: folders graded
with two different keys for one exam are refused before anything is copied.
The sitting's exports are rewritten at the end; review and reports then run
on it like on any results folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from papergen.errors import GradeError, ReportError
from papergen.exam import ExamManifest
from papergen.grading.batch import GradeSummary, closing_lines, store_assessed
from papergen.grading.exports import write_exports
from papergen.grading.records import DUPLICATE_CANDIDATE, DUPLICATE_SCAN, Flag, PageRecord
from papergen.grading.scoring import SheetScore
from papergen.grading.store import Store, manifest_sha256, open_results
from papergen.i18n import _

__all__ = ["MergeSummary", "merge_results"]

_DUPLICATE_KINDS = frozenset({DUPLICATE_CANDIDATE, DUPLICATE_SCAN})
"""Flags that compare a page with others; found again against the whole sitting."""


@dataclass
class MergeSummary:
    """What a merge did, per results folder merged.

    Attributes
    ----------
    folders : list of (Path, GradeSummary)
        Each folder with its tallies: pages seen, skipped (already in the
        sitting), graded sheets added, flagged, and the pages not graded.
    exports : list of Path
        The sitting's CSV exports, rewritten.
    run_errors : list of str
        Problems not tied to one page (exports not written).
    """

    folders: list[tuple[Path, GradeSummary]] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)
    run_errors: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        """Human-readable lines for the end of a merge."""
        lines = []
        for folder, s in self.folders:
            lines.append(_("{folder}: {pages} pages, {skipped} already in the sitting, {graded} graded sheets "
                           "added, {flagged} flagged for review").format(folder=folder, pages=s.pages_seen,
                                                                         skipped=s.skipped, graded=s.graded,
                                                                         flagged=s.flagged))
        return lines + closing_lines(self.run_errors, self.exports)


def merge_results(sources: Sequence[str | Path], out_dir: str | Path) -> MergeSummary:
    """Copy every page of the results folders ``sources`` into the sitting's folder ``out_dir``.

    Parameters
    ----------
    sources : sequence of path
        Results folders written by ``papergen grade`` (one per station).
    out_dir : path
        The sitting's results folder (created if needed; may already hold pages).

    Returns
    -------
    MergeSummary

    Raises
    ------
    GradeError
        Before anything is copied: no folder given, ``out_dir`` among the
        sources, or two different keys for one exam.
    NoResultsError, StoreError
        If a source is not a results folder.
    """
    if not sources:
        raise GradeError(_("merge: no results folder given; name the stations' folders"))
    out = Path(out_dir)
    if any(Path(s).resolve() == out.resolve() for s in sources):
        raise GradeError(_("merge: {out} is both a source and the sitting; merge into another --out folder").format(
            out=out))
    stores = [open_results(s) for s in sources]
    try:
        with open_results(out, create=True) as sitting:
            keys = _one_key_per_exam([(sitting.path, sitting)] + [(s.path, s) for s in stores])
            for manifest in keys.values():
                if sitting.manifest(manifest.exam_id) is None:
                    sitting.save_manifest(manifest)
            summary = MergeSummary()
            for folder, store in zip(sources, stores):
                batch_id = sitting.begin_batch({"merged": str(folder)})
                tallies = store_assessed(sitting, batch_id, _pages(store))
                sitting.finish_batch(batch_id, tallies.to_dict())
                summary.folders.append((Path(folder), tallies))
            try:
                summary.exports = write_exports(sitting, out)
            except ReportError as exc:
                summary.run_errors.append(_("exports not written: {error}").format(error=exc))
    finally:
        for store in stores:
            store.close()
    return summary


def _one_key_per_exam(stores: Sequence[tuple[Path, Store]]) -> dict[str, ExamManifest]:
    """Every exam's key; raises if two folders hold different keys for one exam."""
    keys: dict[str, tuple[Path, ExamManifest, str]] = {}
    for path, store in stores:
        for exam_id, manifest in store.manifests().items():
            digest = manifest_sha256(manifest)
            if exam_id in keys and keys[exam_id][2] != digest:
                raise GradeError(_(
                    "merge: {path}: exam {exam} was graded with another key than in {other} (got key digest "
                    "{digest}, expected {expected}); rescore both with the same corrected key, then merge").format(
                        path=path, exam=repr(exam_id), other=keys[exam_id][0], digest=digest[:12],
                        expected=keys[exam_id][2][:12]))
            keys.setdefault(exam_id, (path, manifest, digest))
    return {exam_id: manifest for exam_id, (_, manifest, _) in keys.items()}


def _pages(store: Store) -> Iterator[tuple[PageRecord, SheetScore | None, tuple[Flag, ...]]]:
    """Every page of a store as (record with its read, score, own flags), in stored order."""
    for row in store.iter_pages():
        record = PageRecord(row.source, row.page_no, row.sha256, row.status, row.reason,
                            read=store.stored_read(row.page_id),
                            exam_id=row.exam_id, variant=row.variant, candidate=row.candidate)
        flags = tuple(f for f in store.page_flags(row.page_id) if f.kind not in _DUPLICATE_KINDS)
        yield record, store.sheet_score(row.page_id), flags
