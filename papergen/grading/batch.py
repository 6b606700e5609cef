"""Grading a batch of scans: pages → reads → scores → the results store, resumable.

:func:`grade_batch` reads every page of the inputs with the layout the keys
were built for, matches each sheet to its key by its QR code, scores it and
stores it.  A page whose content hash is already
stored is skipped, so rerunning on the same or a grown set of scans never
duplicates a result and a stopped run resumes where it stopped.  Nothing
about one page can stop the batch: a page that cannot be decoded, read,
identified or scored is recorded with its reason.  Pages are committed in
groups of :attr:`GradeParams.commit_pages`: stopping a run (even by killing
the process) loses at most the pages of the open group, which the next run
reads again.

Every key given is checked first (:func:`papergen.exam.check_key`: its digest
and its fit to the format and layout), then compared with the stored one by
digest: a newer version (a correction written by ``papergen rescore``)
rescores every stored sheet of that exam from the stored marks; an older
version, or another key of the same version, is refused, so stored
corrections are never undone.  Sheets refused earlier because their exam's
key was missing are graded from their stored marks once that key is given.

The summary and every message are in the language in use
(:mod:`papergen.i18n`); the reasons and flag details stored with a page are
written in the language of the run that made them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from omr.layout import SheetLayout
from omr.result import SheetRead
from papergen import __version__
from papergen.errors import GradeError, ManifestError, ReportError, StoreError
from papergen.exam import ExamManifest, check_key, checksum_mismatches, key_digest, resolve_layout
from papergen.grading.assess import (Outcome, PageImageLike, PageSource, Reader, assess_page, assess_read,
                                     default_page_source, default_read, default_reader, failure_reason)
from papergen.grading.exports import write_exports
from papergen.grading.identify import Refusal, identify_sheet
from papergen.grading.labels import reader_reason
from papergen.grading.records import (
    DUPLICATE_CANDIDATE,
    DUPLICATE_SCAN,
    Flag,
    PageRecord,
    StoredStatus,
    RescoreResult,
    StoredMarks,
)
from papergen.grading.lock import LockParams, results_lock
from papergen.grading.rescore import rescore_store
from papergen.grading.scoring import SheetScore
from papergen.grading.store import Store, open_results
from papergen.grading.workers import PageDone, WorkerSetup, input_files, parallel_outcomes, work_units
from papergen.i18n import N_, _

__all__ = [
    "EXIT_OK",
    "EXIT_ATTENTION",
    "EXIT_EXPORTS_FAILED",
    "GradeParams",
    "GradeSummary",
    "PageProblem",
    "PageImageLike",
    "grade_batch",
    "grade_stored_read",
    "default_page_source",
    "default_reader",
    "closing_lines",
    "count_input_pages",
    "scan_inputs",
    "store_assessed",
]


EXIT_OK = 0
"""Exit status: every page was graded or deliberately classified (blank, not an answer sheet)."""
EXIT_ATTENTION = 3
"""Exit status: pages need attention (refused, quarantined, errors, or inputs that could not all be read)."""
EXIT_EXPORTS_FAILED = 4
"""Exit status: the results are stored but the CSV exports could not be written (takes precedence over 3)."""


@dataclass(frozen=True)
class GradeParams:
    """Tunables of a grading run.

    Attributes
    ----------
    duplicate_scan_agreement : float
        Share in [0, 1] of key questions that must carry identical marks for two
        sheets with the same candidate and variant to count as one sheet scanned
        twice (a rescan agrees on nearly every question; two different sheets
        under one mistyped number agree on far fewer).
    duplicate_pairs : int
        Earlier sheets a candidate number is compared with, one flag per pair.
        A number already on more graded sheets of the exam (a group told to
        fill in one number, a number printed on a template) gets one flag on
        each later sheet, with the count, and no comparisons: every page then
        costs the same however many share the number, and review is not
        swamped by every pair.  A partly read number shared that widely is
        neither compared nor flagged.
    commit_pages : int
        Pages stored per transaction.  A commit costs about as much as storing
        a page (0.3-0.4 ms on a laptop disk), so one per page doubles the
        store's share of a run; 50 pages make it 1/50th, while a stopped run
        loses at most 50 pages (a few seconds of scanning, read again on the
        next run) and a report opened meanwhile lags by at most as many.
    lock : LockParams
        How long to wait for another run writing the same results folder.
    """

    duplicate_scan_agreement: float = 0.95
    duplicate_pairs: int = 5
    commit_pages: int = 50
    lock: LockParams = LockParams()


@dataclass(frozen=True)
class PageProblem:
    """A page that was not graded, and why."""

    source: str
    page: int
    status: str
    reason: str

    def __str__(self) -> str:
        return _("{source} page {page}: {reason}").format(source=self.source, page=self.page,
                                                          reason=reader_reason(self.reason))


@dataclass
class GradeSummary:
    """What a grading run did.

    Attributes
    ----------
    pages_seen : int
        Pages delivered by the inputs.
    skipped : int
        Pages already in the store (same content hash), not read again.
    graded : int
        Sheets scored in this run (including ``regraded``).
    flagged : int
        Sheets with a flag or a question for review among those graded in this
        run, plus earlier sheets this run flagged (the other half of a duplicate).
    regraded : int
        Sheets refused in an earlier run, graded now from their stored marks.
    blank, refused, not_a_sheet, quarantined, errors : list of PageProblem
        Pages not graded, with reasons.
    set_aside_earlier : list of PageProblem
        Pages of these inputs read in an earlier run (skipped now) that still need
        attention (refused, quarantined).
    rescored : list of RescoreResult
        Stored sheets rescored because a key changed.
    run_errors : list of str
        Problems not tied to one page (inputs that stopped yielding, exports not written).
    notices : list of str
        Things worth knowing that are not problems (a key sealed on first use).
    exports : list of Path
        Files written at the end of the run.
    exports_failed : bool
        True if the exports could not be written (the reason is in ``run_errors``).
    """

    pages_seen: int = 0
    skipped: int = 0
    graded: int = 0
    flagged: int = 0
    regraded: int = 0
    blank: list[PageProblem] = field(default_factory=list)
    refused: list[PageProblem] = field(default_factory=list)
    not_a_sheet: list[PageProblem] = field(default_factory=list)
    quarantined: list[PageProblem] = field(default_factory=list)
    errors: list[PageProblem] = field(default_factory=list)
    set_aside_earlier: list[PageProblem] = field(default_factory=list)
    rescored: list[RescoreResult] = field(default_factory=list)
    run_errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)
    exports_failed: bool = False

    @property
    def exit_status(self) -> int:
        """:data:`EXIT_EXPORTS_FAILED`, :data:`EXIT_ATTENTION` or :data:`EXIT_OK` (see their docstrings)."""
        if self.exports_failed:
            return EXIT_EXPORTS_FAILED
        if self.refused or self.quarantined or self.errors or self.set_aside_earlier or self.run_errors:
            return EXIT_ATTENTION
        return EXIT_OK

    def count(self, record: PageRecord) -> None:
        """Add one stored page to the tallies (``flagged`` is kept by the run)."""
        if record.status == StoredStatus.GRADED:
            self.graded += 1
        else:
            problems = self.problems(StoredStatus(record.status))
            problems.append(PageProblem(record.source, record.page_no, record.status, record.reason))

    def problems(self, status: StoredStatus) -> list[PageProblem]:
        """The list that holds pages of a not-graded status (one of :data:`PROBLEM_STATUSES`)."""
        lists = {StoredStatus.REFUSED: self.refused, StoredStatus.BLANK: self.blank,
                 StoredStatus.NOT_A_SHEET: self.not_a_sheet, StoredStatus.QUARANTINED: self.quarantined,
                 StoredStatus.ERROR: self.errors}
        return lists[status]

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready values (recorded with the batch)."""
        data = asdict(self)
        data["rescored"] = [{"exam_id": r.exam_id, "sheets": r.sheets, "changed": len(r.changes)} for r in self.rescored]
        data["exports"] = [str(p) for p in self.exports]
        return data

    def describe(self) -> list[str]:
        """Human-readable lines for the end of a run, in the language in use."""
        lines = [_("Pages seen: {pages} ({skipped} already read, skipped)").format(
            pages=self.pages_seen, skipped=self.skipped)]
        if self.regraded:
            lines.append(_("Sheets graded: {graded}, {flagged} flagged for review; {regraded} refused earlier, "
                           "graded now").format(graded=self.graded, flagged=self.flagged, regraded=self.regraded))
        else:
            lines.append(_("Sheets graded: {graded}, {flagged} flagged for review").format(
                graded=self.graded, flagged=self.flagged))
        for title, problems, always in ((N_("Blank pages"), self.blank, True), (N_("Refused"), self.refused, True),
                                        (N_("Quarantined"), self.quarantined, True),
                                        (N_("Not answer sheets"), self.not_a_sheet, True),
                                        (N_("Errors"), self.errors, True),
                                        (N_("Set aside in earlier runs, still to look at"), self.set_aside_earlier,
                                         False)):
            if problems or always:
                lines.append(_("{title}: {count}").format(title=_(title), count=len(problems)))
            lines.extend(f"  {p}" for p in problems)
        for r in self.rescored:
            lines.append(_("Key of exam {exam} changed: {sheets} stored sheets rescored, {changed} scores changed")
                         .format(exam=r.exam_id, sheets=r.sheets, changed=len(r.changes)))
        lines.extend(_("Note: {note}").format(note=n) for n in self.notices)
        return lines + closing_lines(self.run_errors, self.exports)


def closing_lines(run_errors: Sequence[str], exports: Sequence[Path]) -> list[str]:
    """The last lines of a run's summary: problems not tied to a page, files written."""
    lines = [_("Problem: {problem}").format(problem=e) for e in run_errors]
    if exports:
        lines.append(_("Written: {files}").format(files=", ".join(str(p) for p in exports)))
    return lines


def count_input_pages(inputs: Sequence[str | Path], out_dir: str | Path | None = None) -> int:
    """Number of pages in the inputs (for a progress bar): :func:`omr.scan_io.count_pages`.

    With ``out_dir``, the results folder is left out as in :func:`scan_inputs`.
    """
    from omr.scan_io import count_pages

    return count_pages(scan_inputs(inputs, out_dir) if out_dir is not None else [Path(p) for p in inputs])


def scan_inputs(inputs: Sequence[str | Path], out_dir: str | Path) -> list[Path]:
    """The input files and folders with the results folder left out: results are never read as scans.

    A folder holding ``out_dir`` is replaced by its entries (hidden ones
    skipped, as the page source skips them) except ``out_dir`` itself.

    Raises
    ------
    GradeError
        If an input is ``out_dir`` or lies inside it.
    """
    out = Path(out_dir).resolve()
    paths: list[Path] = []
    for item in map(Path, inputs):
        where = item.resolve()
        if where == out or out in where.parents:
            raise GradeError(_("grade: input {input} is inside the results folder {out}; results are never read "
                               "as scans; give the scan folder, or choose an --out outside it").format(
                                   input=item, out=out_dir))
        paths += _without_folder(item, out) if item.is_dir() and where in out.parents else [item]
    return paths


def _without_folder(folder: Path, out: Path) -> list[Path]:
    kept: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.resolve() == out:
            continue
        kept += _without_folder(entry, out) if entry.is_dir() and entry.resolve() in out.parents else [entry]
    return kept


def grade_batch(
    inputs: Sequence[str | Path],
    manifests: Sequence[ExamManifest],
    out_dir: str | Path,
    *,
    layout: SheetLayout | str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    pages: PageSource | None = None,
    reader: Reader | None = None,
    params: GradeParams = GradeParams(),
    jobs: int = 1,
) -> GradeSummary:
    """Grade every page of the inputs into ``out_dir/results.sqlite`` and write the exports.

    Parameters
    ----------
    inputs : sequence of path
        Scan files or folders; anything under ``out_dir`` is left out (:func:`scan_inputs`).
    manifests : sequence of ExamManifest
        The keys of the exams whose sheets may appear (several exams may share a batch).
    out_dir : path
        Output folder (created if needed); holds the store and the CSV exports.
    layout : SheetLayout or path, optional
        The sheet layout; defaults to the bundled layout the keys name.
    progress : callable, optional
        Called with 1 after each page.
    pages : callable, optional
        Page source ``pages(paths) -> iterable of PageImage``; defaults to
        :func:`omr.scan_io.iter_pages`.
    reader : callable, optional
        ``reader(image, layout, dpi=...) -> SheetRead``; defaults to :func:`omr.read.read_sheet`.
    params : GradeParams
        Tunables.
    jobs : int
        Processes that decode, read and score (see :mod:`~papergen.grading.workers`);
        this process stores.  With several, ``pages`` and ``reader`` must be
        picklable; long PDFs and TIFFs are shared out in parts (with the
        default ``pages``).  One short input file, or ``jobs`` 1, grades in
        this process.

    Returns
    -------
    GradeSummary

    Raises
    ------
    GradeError
        Before any page is read: an input inside ``out_dir``, no keys, two keys for one exam, keys for
        different layouts, a layout that differs from the keys' layout, an
        output folder that cannot be created, or keys of another build than
        the results already in ``out_dir``.
        Also if another run is writing ``out_dir`` (see :func:`~papergen.grading.lock.results_lock`).
    StoreError
        If ``out_dir`` holds a results file that is not a usable store.
    """
    keys = _index_manifests(manifests)
    sheet_layout = resolve_layout(manifests, layout)
    _check_keys(keys, sheet_layout)
    scans = scan_inputs(inputs, out_dir)
    run_reader = reader if reader is not None else default_read
    summary = GradeSummary()
    out = Path(out_dir)
    with results_lock(out, params.lock), open_results(out, create=True) as store:
        summary.rescored = _apply_keys(store, keys, summary.notices)
        batch_id = store.begin_batch(_batch_args(inputs, manifests, sheet_layout))
        run = _Run(store, batch_id, keys, sheet_layout, run_reader, params, summary)
        with store.grouped_writes(params.commit_pages):
            run.regrade_refused()
            units = work_units(input_files(scans), jobs, split=pages is None) if jobs > 1 else []
            if len(units) > 1:
                setup = WorkerSetup(keys, sheet_layout, pages, reader, store.final_hashes(), store.params)
                for item in parallel_outcomes(units, setup, jobs):
                    run.take(item)
                    if progress is not None and not isinstance(item, str):
                        progress(1)
            else:
                run_pages = pages if pages is not None else default_page_source(skip=store.has_page)
                for page in _pages_guarded(run_pages, scans, summary):
                    run.grade_page(page)
                    if progress is not None:
                        progress(1)
        summary.set_aside_earlier = run.set_aside_earlier()
        store.finish_batch(batch_id, summary.to_dict())
        _export(store, out, summary)
    return summary


def store_assessed(store: Store, batch_id: int, outcomes: Iterable[tuple[PageRecord, SheetScore | None, tuple[Flag, ...]]],
                   params: GradeParams = GradeParams()) -> GradeSummary:
    """Store pages assessed elsewhere (another station's results) as a grading run stores its own.

    Each ``(record, score, flags)`` is skipped if its content hash is stored,
    else checked for duplicates against every stored sheet and saved, in
    groups of ``params.commit_pages``.  Returns the tallies.
    """
    summary = GradeSummary()
    run = _Run(store, batch_id, {}, None, None, params, summary)  # type: ignore[arg-type]
    with store.grouped_writes(params.commit_pages):
        for record, score, flags in outcomes:
            summary.pages_seen += 1
            if store.has_page(record.sha256):
                summary.skipped += 1
            else:
                run.store_outcome(Outcome(record, score, flags))
    return summary


class _Run:
    """The state of one grading run: store, keys, layout, reader and tallies."""

    def __init__(self, store: Store, batch_id: int, keys: Mapping[str, ExamManifest], layout: SheetLayout,
                 reader: Reader, params: GradeParams, summary: GradeSummary) -> None:
        self.store, self.batch_id, self.keys, self.layout = store, batch_id, keys, layout
        self.reader, self.params, self.summary = reader, params, summary
        self.flagged_pages: set[int] = set()
        self.skipped_pages: set[str] = set()

    def grade_page(self, page: PageImageLike) -> None:
        """Read, identify, score and store one page; never raises for a bad page."""
        self.summary.pages_seen += 1
        if self.store.has_page(page.sha256):
            self.summary.skipped += 1
            self.skipped_pages.add(page.sha256)
            return
        started = time.perf_counter()
        self.store_outcome(assess_page(page, self.keys, self.layout, self.reader), started)

    def take(self, item: PageDone | str) -> None:
        """Store a page a worker assessed (or skipped), or note a worker's problem."""
        if isinstance(item, str):
            self.summary.run_errors.append(item)
            return
        self.summary.pages_seen += 1
        if item.outcome is None or self.store.has_page(item.sha256):
            self.summary.skipped += 1
            return
        self.store_outcome(item.outcome)

    def store_outcome(self, outcome: Outcome, started: float | None = None) -> None:
        """Add duplicate flags to an assessed page and store it; never raises for a bad page.

        ``started`` (``time.perf_counter()``) times the page to its storing; without it
        the outcome keeps the time its assessment took.
        """
        try:
            self._save(self._with_duplicates(outcome), started)
        except StoreError:  # the store itself failed (disk full, damaged file): stop, keep what is stored
            raise
        except Exception as exc:  # one bad page never aborts the batch
            record = outcome.record
            base = PageRecord(record.source, record.page_no, record.sha256, StoredStatus.ERROR,
                              elapsed_ms=record.elapsed_ms)
            self._save(Outcome(replace(base, reason=failure_reason(exc))), started)

    def set_aside_earlier(self) -> list[PageProblem]:
        """Pages skipped in this run whose stored outcome still needs attention."""
        rows = self.store.pages([StoredStatus.REFUSED, StoredStatus.QUARANTINED])
        return [PageProblem(r.source, r.page_no, r.status, r.reason) for r in rows if r.sha256 in self.skipped_pages]

    def regrade_refused(self) -> None:
        """Grade pages refused in earlier runs that the keys given now identify."""
        for row in self.store.pages([StoredStatus.REFUSED]):
            read = self.store.sheet_read(row.page_id)
            if isinstance(identify_sheet(read, self.keys), Refusal):
                continue
            base = PageRecord(row.source, row.page_no, row.sha256, StoredStatus.REFUSED)
            try:
                outcome = self._with_duplicates(assess_read(base, read, self.keys))
            except Exception as exc:  # leave the page refused, say why it stayed so
                self.summary.run_errors.append(_("{source} page {page}: stays refused ({error})").format(
                    source=row.source, page=row.page_no, error=exc))
                continue
            self._save(outcome, time.perf_counter())
            self.summary.regraded += 1

    def _with_duplicates(self, outcome: Outcome) -> Outcome:
        if outcome.score is None:
            return outcome
        own, related = self._duplicate_flags(outcome.record, outcome.score)
        return replace(outcome, flags=outcome.flags + own, related=related)

    def _duplicate_flags(self, record: PageRecord, score: SheetScore
                         ) -> tuple[tuple[Flag, ...], tuple[tuple[int, Flag], ...]]:
        candidate = record.candidate or ""
        if not any(ch.isdigit() for ch in candidate):
            return (), ()
        exam_id = record.exam_id or ""
        count = self.store.count_candidate_pages(exam_id, candidate)
        if count > self.params.duplicate_pairs:
            first = self.store.first_candidate_page(exam_id, candidate) if candidate.isdigit() else None
            if first is None:  # a partly read number: neither compared nor flagged past the limit
                return (), ()
            shared = _("candidate number {candidate} also on {count} other pages, the first {source} page {page}")
            return (Flag(DUPLICATE_CANDIDATE, shared.format(candidate=candidate, count=count, source=first.source,
                                                            page=first.page_no)),), ()
        own: list[Flag] = []
        related: list[tuple[int, Flag]] = []
        for other in self.store.marks_for_candidate(exam_id, candidate) if count else ():
            share = _agreement(score, other)
            if other.page.variant == record.variant and share >= self.params.duplicate_scan_agreement:
                same = _("same candidate {candidate}, variant and {share} of answers as {source} page {page}; "
                         "probably one sheet scanned twice")
                own.append(Flag(DUPLICATE_SCAN, same.format(candidate=candidate, share=f"{share:.0%}",
                                                            source=other.page.source, page=other.page.page_no)))
                related.append((other.page.page_id, Flag(DUPLICATE_SCAN, same.format(
                    candidate=candidate, share=f"{share:.0%}", source=record.source, page=record.page_no))))
            elif candidate.isdigit():
                also = _("candidate number {candidate} also on {source} page {page}")
                own.append(Flag(DUPLICATE_CANDIDATE, also.format(candidate=candidate, source=other.page.source,
                                                                 page=other.page.page_no)))
                related.append((other.page.page_id, Flag(DUPLICATE_CANDIDATE, also.format(
                    candidate=candidate, source=record.source, page=record.page_no))))
        return tuple(own), tuple(related)

    def _save(self, outcome: Outcome, started: float | None) -> None:
        record = outcome.record
        if started is not None:
            record = replace(record, elapsed_ms=(time.perf_counter() - started) * 1000.0)
        page_id = self.store.save_page(record, batch_id=self.batch_id, score=outcome.score,
                                       flags=outcome.flags, related=outcome.related, encoded=outcome.encoded)
        self.summary.count(record)
        if outcome.flags or (outcome.score is not None and outcome.score.needs_review):
            self.flagged_pages.add(page_id)
        self.flagged_pages.update(other for other, _ in outcome.related)
        self.summary.flagged = len(self.flagged_pages)


def _agreement(score: SheetScore, other: StoredMarks) -> float:
    if not score.questions:
        return 0.0
    same = sum(set(q.marked) == set(other.marked.get(q.number, ())) for q in score.questions)
    return same / len(score.questions)


def _pages_guarded(source: PageSource, paths: list[Path], summary: GradeSummary) -> Iterator[PageImageLike]:
    """Yield the source's pages; if the source itself fails, record it and stop."""
    try:
        yield from source(paths)
    except Exception as exc:  # the inputs stopped yielding: keep what was graded, say why
        summary.run_errors.append(_("reading the inputs stopped after {pages} pages ({error})").format(
            pages=summary.pages_seen, error=failure_reason(exc)))


# -- run setup -----------------------------------------------------------------


def _index_manifests(manifests: Sequence[ExamManifest]) -> dict[str, ExamManifest]:
    if not manifests:
        raise GradeError(_("grade: no key given; pass the exam's key.json with --key"))
    keys: dict[str, ExamManifest] = {}
    for manifest in manifests:
        if manifest.exam_id in keys and key_digest(keys[manifest.exam_id]) != key_digest(manifest):
            raise GradeError(_("grade: two different keys for exam {exam}; pass one key per exam").format(
                exam=repr(manifest.exam_id)))
        keys[manifest.exam_id] = manifest
    return keys


def _check_keys(keys: Mapping[str, ExamManifest], layout: SheetLayout) -> None:
    for manifest in keys.values():
        try:
            check_key(manifest, _("grade: key of exam {exam}").format(exam=manifest.exam_id), layout)
        except ManifestError as exc:
            raise GradeError(str(exc)) from exc


def _apply_keys(store: Store, keys: Mapping[str, ExamManifest], notices: list[str]) -> list[RescoreResult]:
    """Store new keys, rescore with newer versions, refuse older or different ones (see the module docstring)."""
    rescored = []
    for manifest in keys.values():
        stored = store.manifest(manifest.exam_id)
        if manifest.digest is None:
            notices.append(_unsealed_notice(manifest, store))
        if stored is None:
            store.save_manifest(manifest)
        elif key_digest(stored) == key_digest(manifest):
            continue
        elif manifest.key_version <= stored.key_version:
            raise GradeError(_superseded_message(store, stored, manifest))
        else:
            try:
                reason = _("key version {version}").format(version=manifest.key_version)
                rescored.append(rescore_store(store, manifest, reason=reason))
            except ManifestError as exc:
                raise GradeError(_("{path}: {error}; grade into a new --out folder").format(
                    path=store.path, error=exc)) from exc
    return rescored


def _unsealed_notice(manifest: ExamManifest, store: Store) -> str:
    changed = checksum_mismatches(manifest) if manifest.key_version == 1 else []
    if changed:
        return _("the key of exam {exam} has no digest (written before keys were sealed); accepted, and sealed in "
                 "{path}: later edits of it will be refused; its answers or points differ from those the sheets' "
                 "QR checksum was made from (variants {variants}): edited by hand, or corrected by an older "
                 "papergen; check it").format(exam=manifest.exam_id, path=store.path, variants=", ".join(changed))
    return _("the key of exam {exam} has no digest (written before keys were sealed); accepted, and sealed in "
             "{path}: later edits of it will be refused").format(exam=manifest.exam_id, path=store.path)


def _superseded_message(store: Store, stored: ExamManifest, given: ExamManifest) -> str:
    fields = {"exam": stored.exam_id, "given": given.key_version, "version": stored.key_version,
              "digest": key_digest(stored)[:12], "path": store.path,
              "name": "key.json" if stored.key_version == 1 else f"key.v{stored.key_version}.json"}
    if given.key_version < stored.key_version:
        message = _("grade: the key given for exam {exam} is version {given}, superseded by version {version} "
                    "(digest {digest}); grading with it would undo the scores in {path}; pass the current key "
                    "({name}, the one 'papergen rescore' wrote last), or grade into a new --out folder")
    else:
        message = _("grade: the key given for exam {exam} differs from the stored version {version} (digest "
                    "{digest}): another build or an edited copy; grading with it would undo the scores in {path}; "
                    "pass the current key ({name}, the one 'papergen rescore' wrote last), or grade into a new "
                    "--out folder")
    return message.format(**fields)


def _batch_args(inputs: Sequence[str | Path], manifests: Sequence[ExamManifest], layout: SheetLayout) -> dict[str, Any]:
    return {
        "inputs": [str(p) for p in inputs],
        "keys": {m.exam_id: {v.variant: v.checksum for v in m.variants} for m in manifests},
        "layout_id": layout.id,
        "layout_sha256": layout.sha256,
        "papergen": __version__,
    }


def _export(store: Store, out: Path, summary: GradeSummary) -> None:
    try:
        summary.exports = write_exports(store, out)
    except ReportError as exc:
        summary.run_errors.append(_("exports not written: {error}").format(error=exc))
        summary.exports_failed = True


def grade_stored_read(store: Store, page: PageRecord, read: SheetRead, manifests: Sequence[ExamManifest], *,
                      layout: SheetLayout, batch_id: int, params: GradeParams = GradeParams()) -> int:
    """Identify, score and store a new read of a page already in the store, as a grading run would.

    For a page read again outside a run, e.g. a set-aside sheet registered by
    hand: the read replaces the stored one; refusals, roster and duplicate
    flags follow the same rules as in :func:`grade_batch`.

    Parameters
    ----------
    store : Store
        The open results store.
    page : PageRecord
        The page's file, page number and content hash (status and read are ignored).
    read : SheetRead
        The new read.
    manifests : sequence of ExamManifest
        The keys stored with the results.
    layout : SheetLayout
        The sheet layout.
    batch_id : int
        The grading run the page belongs to.
    params : GradeParams
        Tunables.

    Returns
    -------
    int
        The page's new id.
    """
    summary = GradeSummary()
    run = _Run(store, batch_id, {m.exam_id: m for m in manifests}, layout, default_read, params, summary)
    base = PageRecord(page.source, page.page_no, page.sha256, StoredStatus.ERROR)
    outcome = run._with_duplicates(assess_read(base, read, run.keys))
    record = replace(outcome.record, elapsed_ms=None)
    return store.save_page(record, batch_id=batch_id, score=outcome.score, flags=outcome.flags,
                           related=outcome.related)
