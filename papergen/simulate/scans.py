"""Simulated scans of a sitting: real sheet PDFs, candidates' marks, scanner captures, truth.

:func:`simulate_scans` takes a built exam (its folder, its ``key.json`` or
its manifest), simulates a cohort (:mod:`papergen.simulate.cohort`), turns
each candidate's answers into marks (:mod:`papergen.simulate.marks`), draws
them on the exam's own answer-sheet PDF rasterised with pypdfium2, degrades
each page as a capture profile says (:mod:`papergen.simulate.capture`) and
writes scan files with their truth beside them::

    out/
      scans/            the scan files, ready for ``papergen grade``
      truth/            <scan file>.json per scan file (see papergen.simulate.truth)
      sheets/           sheet PDFs rendered here when the exam folder has none
      simulation.json   seed, profile, mix, cohort and files

A batch may also hold what real batches hold: blank backs, a sheet of
another exam, and folded sheets.  Files are made in worker processes when
``workers > 1``; every random choice comes from a stream named by seed, exam
and purpose, so a seed gives the same files whatever the number of workers.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from omr.layout import LayoutError, SheetLayout, load_layout
from omr.synth import SheetMarks, draw_marks
from papergen.assembly.rng import derive_random, stream_digest
from papergen.bank.io import load_bank
from papergen.bank.model import Bank
from papergen.errors import BankError, FormatError, SimulationError
from papergen.i18n import _, ngettext, os_error_reason
from papergen.exam import ExamManifest, load_manifest, manifest_layout
from papergen.files import write_json
from papergen.render import GENERIC, GENERIC_SHEET_PDF, exam_sheet_print, render_sheets
from papergen.resources import bundled_bank_path
from papergen.simulate.capture import (
    MIXED,
    CaptureProfile,
    PageCapture,
    apply_capture,
    capture_profile,
    mixed_profile,
    sample_capture,
)
from papergen.simulate.cohort import CohortParams, SimCandidate, item_p_values, simulate_cohort
from papergen.simulate.marks import MarkMix, mark_mix, mark_sheet
from papergen.simulate.truth import PageKind, TruthFile, TruthPage, digits_truth, questions_truth, save_truth
from papergen.simulate.writers import blank_back, scan_file_name, write_scan_file

__all__ = ["SimExtras", "SimResult", "simulate_scans", "SCANS_DIR", "TRUTH_DIR", "SIM_INDEX", "FOREIGN_EXAM_ID"]

SCANS_DIR = "scans"
TRUTH_DIR = "truth"
SHEETS_DIR = "sheets"
SIM_INDEX = "simulation.json"
KEY_JSON = "key.json"
FOREIGN_EXAM_ID = "other-exam"
"""Exam id printed on sheets of 'another exam' mixed into a batch."""
FOLDED_PROFILE = "folded"
_RASTER_CACHE = 8

Progress = Callable[[int, int], None]
"""A progress callback: ``(done, total)``."""


@dataclass(frozen=True)
class SimExtras:
    """Pages a real batch holds besides clean runs of answer sheets.

    Attributes
    ----------
    blank_backs : int
        Sheets followed by their blank back (besides duplex profiles, which add one to every sheet).
    foreign_sheets : int
        Answer sheets of another exam slipped into the batch.
    folded_sheets : int
        Candidates' sheets that were bent or dog-eared, captured with the ``folded`` profile.
    absent_sheets : int
        Sheets of candidates who did not sit: the proctor wrote their number and filled 缺考
        (only on sheets with a 缺考 mark, such as generated layouts).
    """

    blank_backs: int = 0
    foreign_sheets: int = 0
    folded_sheets: int = 0
    absent_sheets: int = 0


@dataclass(frozen=True)
class SimResult:
    """What a simulation wrote.

    Attributes
    ----------
    exam_id : str
        The simulated exam.
    out_dir, scans_dir, truth_dir : Path
        Output folder, its scan files and its truth files.
    files : tuple of Path
        Every scan file written, in batch order.
    pages : int
        Pages over all files (sheets, backs, foreign sheets).
    sheets : int
        Answer sheets of the exam's candidates.
    candidates : tuple of SimCandidate
        The cohort, in seating order.
    seed : int
        Seed of the simulation.
    profile : str
        Capture profile name.
    elapsed_s : float
        Wall time, seconds.
    """

    exam_id: str
    out_dir: Path
    scans_dir: Path
    truth_dir: Path
    files: tuple[Path, ...]
    pages: int
    sheets: int
    candidates: tuple[SimCandidate, ...]
    seed: int
    profile: str
    elapsed_s: float

    def describe(self) -> list[str]:
        """Human-readable lines for the command line: what was simulated and where it went."""
        return [
            ngettext("Simulated {candidates} candidates of exam {exam}: {pages} pages in {files} file ({seconds} s)",
                     "Simulated {candidates} candidates of exam {exam}: {pages} pages in {files} files ({seconds} s)",
                     len(self.files)).format(
                candidates=self.sheets, exam=self.exam_id, pages=self.pages, files=len(self.files),
                seconds=f"{self.elapsed_s:.1f}"),
            _("Scans: {folder}").format(folder=self.scans_dir),
            _("Truth: {folder}").format(folder=self.truth_dir),
        ]


@dataclass(frozen=True)
class SheetRef:
    """One page of a sheet PDF."""

    pdf: Path
    index: int


@dataclass(frozen=True)
class _Exam:
    manifest: ExamManifest
    layout: SheetLayout
    sheets: dict[tuple[str, str], SheetRef]
    """(variant, candidate number or "") -> the sheet that candidate writes on."""

    def sheet_for(self, variant: str, candidate: str) -> tuple[SheetRef, str, str]:
        """The sheet a candidate writes on, the candidate number and the variant its QR code carries."""
        personal = self.sheets.get((variant, candidate))
        if personal is not None:
            return personal, candidate, variant
        if (GENERIC, "") in self.sheets:
            return self.sheets[(GENERIC, "")], "", GENERIC
        return self.sheets[(variant, "")], "", variant


@dataclass(frozen=True)
class _PageJob:
    kind: PageKind
    sheet: SheetRef
    exam_id: str
    variant: str
    candidate: str
    qr_text: str
    marks: SheetMarks
    capture: PageCapture
    back: PageCapture | None
    image_seed: int


@dataclass(frozen=True)
class _Unit:
    """A piece of work: pages written to one multi-page file, or each to its own image file."""

    file_format: str
    names: tuple[str, ...]
    pages: tuple[_PageJob, ...]


@dataclass(frozen=True)
class _Context:
    layout: SheetLayout
    scans_dir: Path
    truth_dir: Path
    seed: int
    mix: str


@dataclass(frozen=True)
class _Delivered:
    """One page as the scanner delivered it, with the fields of its truth page."""

    image: np.ndarray
    capture: PageCapture
    truth: dict


@dataclass
class _Item:
    """One answer sheet in scanning order."""

    kind: PageKind
    candidate: SimCandidate
    back: bool = False
    profile: CaptureProfile | None = None


def simulate_scans(
    exam: str | Path | ExamManifest,
    out_dir: str | Path,
    *,
    candidates: int,
    seed: int,
    profile: str = MIXED,
    mix: str | MarkMix = "typical",
    extras: SimExtras = SimExtras(),
    bank: Bank | None = None,
    layout: SheetLayout | str | Path | None = None,
    cohort: CohortParams = CohortParams(),
    workers: int = 1,
    progress: Progress | None = None,
) -> SimResult:
    """Simulate a sitting's scans of a built exam, with ground truth beside every file.

    Parameters
    ----------
    exam : path or ExamManifest
        An exam folder written by :func:`papergen.build.build_exam` (its
        ``key.json`` and ``sheet-*.pdf``/``sheets-*.pdf`` are used), a
        ``key.json`` path, or a manifest (its sheets are then rendered into
        ``out_dir/sheets``).
    out_dir : path
        Output folder (created if needed); see the module docstring.
    candidates : int
        Candidates sitting the exam (one answer sheet each).
    seed : int
        Seed of every random choice.
    profile : str
        Capture profile name (see :func:`papergen.simulate.capture.profile_names`).
    mix : str or MarkMix
        How candidates mark (see :data:`papergen.simulate.marks.MARK_MIXES`).
    extras : SimExtras
        Blank backs, sheets of another exam and folded sheets to add.
    bank : Bank, optional
        The exam's bank, for item difficulties; default: the bundled bank of the
        manifest's ``bank_id`` if there is one, else every item is medium.
    layout : SheetLayout or path, optional
        The sheet layout; default: the bundled layout the manifest names.
    cohort : CohortParams
        Ability and response model.
    workers : int
        Processes making files in parallel.
    progress : callable, optional
        Called with ``(done, total)`` page jobs (a sheet and its back, if any) as each is made.

    Returns
    -------
    SimResult

    Raises
    ------
    SimulationError
        For an unknown profile or mix, a bad candidate count, a missing layout
        or sheet, or more folded sheets than candidates.
    ManifestError
        If a key.json cannot be read.
    """
    started = time.perf_counter()
    mark_style = mark_mix(mix) if isinstance(mix, str) else mix
    chosen = capture_profile(profile) if profile != MIXED else None
    _check_counts(candidates, extras)
    out = Path(out_dir)
    scans_dir, truth_dir = _prepare(out)
    source = _open_exam(exam, out / SHEETS_DIR, layout)
    manifest = source.manifest
    if extras.absent_sheets and source.layout.mark_row("absent") is None:
        raise SimulationError(_("extras: layout {layout} has no 缺考 mark, so it cannot carry {n} absent sheets; "
                                "use a generated layout").format(layout=source.layout.id, n=extras.absent_sheets))
    p_values = item_p_values(manifest, bank if bank is not None else _bundled_bank(manifest), cohort)
    people = simulate_cohort(manifest, candidates, seed=seed, digits=source.layout.candidate_id.digits,
                             p_values=p_values, params=cohort)
    items = _items(manifest, people, extras, seed=seed, cohort=cohort)
    foreign = _foreign_sheet(manifest, source.layout, out / SHEETS_DIR, seed) if extras.foreign_sheets else None
    units = _units(source, items, chosen, mark_style, foreign, seed=seed)
    context = _Context(source.layout, scans_dir, truth_dir, seed, mark_style.name)
    files = _run_units(units, context, workers, progress)
    _write_index(out, manifest, people, files, seed=seed, profile=profile, mix=mark_style, extras=extras)
    return SimResult(
        exam_id=manifest.exam_id, out_dir=out, scans_dir=scans_dir, truth_dir=truth_dir,
        files=tuple(scans_dir / name for name in files), pages=sum(files.values()),
        sheets=candidates, candidates=tuple(people), seed=seed, profile=profile,
        elapsed_s=time.perf_counter() - started,
    )


# -- the exam ------------------------------------------------------------------


def _prepare(out: Path) -> tuple[Path, Path]:
    scans_dir, truth_dir = out / SCANS_DIR, out / TRUTH_DIR
    for folder in (scans_dir, truth_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SimulationError(_("{folder}: cannot create the output folder ({reason})").format(
                folder=folder, reason=os_error_reason(exc))) from exc
        stale = sorted(p for p in folder.iterdir() if p.is_file())
        if stale:
            raise SimulationError(_("{folder}: folder already holds {n} files (e.g. {example}); simulate into a new "
                                    "or empty folder").format(folder=folder, n=len(stale), example=stale[0].name))
    return scans_dir, truth_dir


def _open_exam(exam: str | Path | ExamManifest, sheets_dir: Path, layout: SheetLayout | str | Path | None) -> _Exam:
    if isinstance(exam, ExamManifest):
        manifest, exam_dir = exam, None
    else:
        path = Path(exam)
        key = path / KEY_JSON if path.is_dir() else path
        if not key.is_file():
            raise SimulationError(_("{path}: no {key} found; pass an exam folder written by 'papergen build'").format(
                path=path, key=KEY_JSON))
        manifest, exam_dir = load_manifest(key), key.parent
    sheet_layout = _exam_layout(manifest, layout)
    sheets = _built_sheets(exam_dir, manifest) if exam_dir is not None else {}
    if not sheets:
        sheets = _render_exam_sheets(manifest, sheet_layout, sheets_dir)
    return _Exam(manifest, sheet_layout, sheets)


def _exam_layout(manifest: ExamManifest, layout: SheetLayout | str | Path | None) -> SheetLayout:
    try:
        if isinstance(layout, SheetLayout):
            sheet_layout = layout
        else:
            sheet_layout = load_layout(layout) if layout is not None else manifest_layout(manifest)
    except FileNotFoundError:
        raise SimulationError(_("exam {exam}: layout {layout!r} is not bundled; pass its file with layout=").format(
            exam=manifest.exam_id, layout=manifest.layout_id)) from None
    except (LayoutError, FormatError) as exc:
        raise SimulationError(_("exam {exam}: {problem}").format(exam=manifest.exam_id, problem=exc)) from exc
    if sheet_layout.sha256 != manifest.layout_sha256:
        raise SimulationError(_("exam {exam}: layout {layout} is not the one the sheets were printed with (sha256 "
                                "{sha}, key says {key_sha}); pass the build's layout file").format(
            exam=manifest.exam_id, layout=sheet_layout.id, sha=sheet_layout.sha256[:12],
            key_sha=manifest.layout_sha256[:12]))
    return sheet_layout


def _built_sheets(exam_dir: Path, manifest: ExamManifest) -> dict[tuple[str, str], SheetRef]:
    """Sheets written by the build: ``sheet-<V>.pdf`` (blank) and ``sheets-<V>.pdf`` (roster order)."""
    sheets: dict[tuple[str, str], SheetRef] = {}
    if (exam_dir / GENERIC_SHEET_PDF).is_file():
        sheets[(GENERIC, "")] = SheetRef(exam_dir / GENERIC_SHEET_PDF, 0)
    for variant in manifest.variants:
        blank = exam_dir / f"sheet-{variant.variant}.pdf"
        if blank.is_file():
            sheets[(variant.variant, "")] = SheetRef(blank, 0)
        personal = exam_dir / f"sheets-{variant.variant}.pdf"
        roster = [c for c in manifest.candidates if c.variant == variant.variant]
        if personal.is_file():
            sheets.update({(variant.variant, c.number): SheetRef(personal, i) for i, c in enumerate(roster)})
    missing = [v.variant for v in manifest.variants if (v.variant, "") not in sheets]
    if sheets and missing and (GENERIC, "") not in sheets:
        raise SimulationError(_("{folder}: no answer sheet for variant(s) {variants} (sheet-<variant>.pdf); "
                                "rebuild the exam").format(folder=exam_dir, variants=", ".join(missing)))
    return sheets


def _candidate(manifest: ExamManifest, number: str):
    """The roster entry printed on a personalised sheet, or None."""
    return next((c for c in manifest.candidates if c.number == number), None) if number else None


def _render_exam_sheets(manifest: ExamManifest, layout: SheetLayout,
                        sheets_dir: Path) -> dict[tuple[str, str], SheetRef]:
    sheets_dir.mkdir(parents=True, exist_ok=True)
    sheets: dict[tuple[str, str], SheetRef] = {}
    if layout.mark_row("variant") is not None:
        path = sheets_dir / GENERIC_SHEET_PDF
        render_sheets(layout, [exam_sheet_print(manifest, GENERIC)], path)
        sheets[(GENERIC, "")] = SheetRef(path, 0)
    for variant in manifest.variants:
        v = variant.variant
        if layout.mark_row("variant") is None:
            path = sheets_dir / f"sheet-{v}.pdf"
            render_sheets(layout, [exam_sheet_print(manifest, v)], path)
            sheets[(v, "")] = SheetRef(path, 0)
        roster = [c for c in manifest.candidates if c.variant == v]
        if roster:
            path = sheets_dir / f"sheets-{v}.pdf"
            prints = [exam_sheet_print(manifest, v, c) for c in roster]
            render_sheets(layout, prints, path)
            sheets.update({(v, c.number): SheetRef(path, i) for i, c in enumerate(roster)})
    return sheets


def _foreign_sheet(manifest: ExamManifest, layout: SheetLayout, sheets_dir: Path, seed: int) -> tuple[SheetRef, str]:
    """A blank sheet of another exam (same layout), rendered once; its reference and QR text."""
    sheets_dir.mkdir(parents=True, exist_ok=True)
    checksum = stream_digest(seed, FOREIGN_EXAM_ID, "A", "checksum").hex()[:8]
    sheet = exam_sheet_print(manifest, manifest.variants[0].variant, exam_id=FOREIGN_EXAM_ID, checksum=checksum)
    path = sheets_dir / "sheet-other-exam.pdf"
    render_sheets(layout, [sheet], path)
    return SheetRef(path, 0), sheet.qr_payload


def _bundled_bank(manifest: ExamManifest) -> Bank | None:
    try:
        return load_bank(bundled_bank_path(manifest.bank_id))
    except (FileNotFoundError, BankError):
        return None


def _check_counts(candidates: int, extras: SimExtras) -> None:
    counts = asdict(extras)
    if candidates < 1:
        raise SimulationError(_("simulate: number of candidates must be at least 1 (got {count})").format(
            count=candidates))
    if min(counts.values()) < 0 or extras.folded_sheets > candidates or extras.blank_backs > candidates:
        raise SimulationError(_("extras: counts must be >= 0 and folded sheets and blank backs at most the "
                                "{candidates} candidates (got {counts})").format(candidates=candidates,
                                                                                counts=counts))


# -- planning ------------------------------------------------------------------


def _items(manifest: ExamManifest, people: Sequence[SimCandidate], extras: SimExtras, *, seed: int,
           cohort: CohortParams) -> list[_Item]:
    """The batch's pages in scanning order; folded sheets last, foreign sheets at seeded places."""
    rng = derive_random(seed, manifest.exam_id, "", "batch-order")
    flat = len(people) - extras.folded_sheets
    items = [_Item("sheet", person) for person in people[:flat]]
    for index in rng.sample(range(len(items)), min(extras.blank_backs, len(items))):
        items[index].back = True
    if extras.foreign_sheets:
        strangers = simulate_cohort(manifest.model_copy(update={"candidates": []}), extras.foreign_sheets,
                                    seed=seed + 1, params=cohort)
        for stranger in strangers:
            items.insert(rng.randint(0, len(items)), _Item("foreign", stranger))
    if extras.absent_sheets:
        absent = simulate_cohort(manifest.model_copy(update={"candidates": []}), extras.absent_sheets,
                                 seed=seed + 2, params=cohort)
        for person in absent:
            items.insert(rng.randint(0, len(items)), _Item("absent", replace(person, answers={})))
    folded = capture_profile(FOLDED_PROFILE)
    items.extend(_Item("sheet", person, profile=folded) for person in people[flat:])
    return items


def _units(source: _Exam, items: list[_Item], chosen: CaptureProfile | None, mix: MarkMix,
           foreign: tuple[SheetRef, str] | None, *, seed: int) -> list[_Unit]:
    """Group the pages into files: each file from one profile, as many sheets as the profile puts in a file."""
    pick = derive_random(seed, source.manifest.exam_id, "", "file-profiles")
    units: list[_Unit] = []
    counters: dict[str, int] = {}
    position = 0
    while position < len(items):
        profile = items[position].profile or chosen or mixed_profile(pick)
        take = _take(items, position, profile)
        jobs = tuple(_page_job(source, item, profile, mix, foreign, seed=seed, slot=f"{len(units)}:{k}")
                     for k, item in enumerate(take))
        units.append(_unit(profile, jobs, counters))
        position += len(take)
    return units


def _take(items: list[_Item], start: int, profile: CaptureProfile) -> list[_Item]:
    """The run of items from ``start`` that go into one file of ``profile``."""
    capacity = profile.sheets_per_file if profile.multi_page else 1
    forced = items[start].profile
    run = []
    for item in items[start:]:
        if len(run) == capacity or item.profile is not forced:
            break
        run.append(item)
    return run


def _page_job(source: _Exam, item: _Item, profile: CaptureProfile, mix: MarkMix,
              foreign: tuple[SheetRef, str] | None, *, seed: int, slot: str) -> _PageJob:
    exam_id, person = source.manifest.exam_id, item.candidate
    draws = derive_random(seed, exam_id, "", f"capture:{slot}")
    capture = sample_capture(profile, draws)
    back = sample_capture(profile, draws) if item.back or profile.duplex else None
    page_mix = mix.for_bitonal() if profile.bitonal else mix
    marks = mark_sheet(person, source.layout, page_mix, derive_random(seed, exam_id, person.variant, f"marks:{slot}"))
    if item.kind == "absent":  # the proctor's marks: the number and 缺考, no variant
        marks = replace(marks, rows={"absent": {source.layout.mark_row("absent").options[0]: "pen"}})
    if item.kind == "foreign" and foreign is not None:
        sheet, qr_text, sheet_exam, variant = foreign[0], foreign[1], FOREIGN_EXAM_ID, "A"
    else:
        sheet, printed, printed_variant = source.sheet_for(person.variant, person.number)
        qr_text = exam_sheet_print(source.manifest, printed_variant, _candidate(source.manifest, printed)).qr_payload
        sheet_exam, variant = exam_id, person.variant
    image_seed = int.from_bytes(stream_digest(seed, exam_id, person.variant, f"image:{slot}")[:8], "big")
    return _PageJob(item.kind, sheet, sheet_exam, variant, person.number, qr_text, marks, capture, back, image_seed)


def _unit(profile: CaptureProfile, jobs: tuple[_PageJob, ...], counters: dict[str, int]) -> _Unit:
    """Name the files of a unit: one multi-page file, or one image file per delivered page."""
    count = 1 if profile.multi_page else sum(1 + (job.back is not None) for job in jobs)
    start = counters.get(profile.name, 0)
    counters[profile.name] = start + count
    names = tuple(scan_file_name(profile.name, start + k + 1, profile.file_format) for k in range(count))
    return _Unit(profile.file_format, names, jobs)


# -- making files --------------------------------------------------------------


def _run_units(units: Sequence[_Unit], context: _Context, workers: int,
               progress: Progress | None = None) -> dict[str, int]:
    """Make every page (in worker processes when ``workers > 1``) and write the files in order.

    Returns file name -> pages, in batch order.
    """
    jobs = [job for unit in units for job in unit.pages]
    formats = [unit.file_format for unit in units for _job in unit.pages]
    if workers <= 1 or len(jobs) < 2:
        delivered = map(_deliver, jobs, [context] * len(jobs), formats)
        return _write_units(units, _counted(delivered, len(jobs), progress), context)
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        delivered = pool.map(_deliver, jobs, [context] * len(jobs), formats)
        return _write_units(units, _counted(delivered, len(jobs), progress), context)


def _counted(delivered: Iterator[list[_Delivered]], total: int,
             progress: Progress | None) -> Iterator[list[_Delivered]]:
    """``delivered``, calling ``progress(done, total)`` as each page job arrives."""
    if progress is not None:
        progress(0, total)
    for done, pages in enumerate(delivered, start=1):
        if progress is not None:
            progress(done, total)
        yield pages


def _write_units(units: Sequence[_Unit], delivered: Iterator[list[_Delivered]], context: _Context) -> dict[str, int]:
    """Write each unit's files as its pages arrive (``delivered`` yields one list per page job, in order)."""
    written: dict[str, int] = {}
    for unit in units:
        pages = [page for _ in unit.pages for page in next(delivered)]
        groups = [pages] if len(unit.names) == 1 else [[page] for page in pages]
        for name, group in zip(unit.names, groups, strict=True):
            write_scan_file(context.scans_dir / name, [p.image for p in group], [p.capture for p in group],
                            unit.file_format)
            truth = TruthFile(file=name, file_format=unit.file_format, seed=context.seed, mark_mix=context.mix,
                              pages=[TruthPage(page=k + 1, **p.truth) for k, p in enumerate(group)])
            save_truth(truth, context.truth_dir)
            written[name] = len(group)
    return written


def _deliver(job: _PageJob, context: _Context, file_format: str) -> list[_Delivered]:
    """The delivered images of one sheet (and its back), with their truth fields."""
    layout, capture = context.layout, job.capture
    page = _raster(str(job.sheet.pdf), job.sheet.index, capture.dpi).copy()
    draw_marks(page, capture.dpi, layout, job.marks, np.random.default_rng(job.image_seed))
    front = apply_capture(page, capture, job.image_seed)
    digit_kinds, candidate_review = digits_truth(layout, job.marks)
    fields = dict(
        kind=job.kind, expect=["read", "quarantined"] if capture.may_quarantine else ["read"],
        exam_id=job.exam_id, variant=job.variant, candidate=job.candidate, qr_text=job.qr_text,
        profile=capture.profile, tags=list(capture.tags(file_format)), capture=capture.to_json(),
        questions=questions_truth(layout, job.marks, bitonal=capture.bitonal_threshold is not None),
        digit_kinds=digit_kinds, candidate_review=candidate_review,
    )
    pages = [_Delivered(front, capture, fields)]
    if job.back is not None:
        back = apply_capture(blank_back(page), job.back, job.image_seed + 1)
        pages.append(_Delivered(back, job.back, dict(kind="blank", expect=["blank"], profile=job.back.profile,
                                                     tags=list(job.back.tags(file_format)),
                                                     capture=job.back.to_json())))
    return pages


@functools.lru_cache(maxsize=_RASTER_CACHE)
def _raster(pdf: str, index: int, dpi: float) -> np.ndarray:
    """One sheet PDF page rendered in grey at ``dpi`` (cached per process; callers copy before drawing)."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise SimulationError(_("{pdf}: cannot open the sheet PDF ({reason})").format(pdf=pdf, reason=exc)) from exc
    try:
        if index >= len(document):
            raise SimulationError(_("{pdf}: has {pages} pages, the sheet is page {page}; rebuild the exam").format(
                pdf=pdf, pages=len(document), page=index + 1))
        bitmap = document[index].render(scale=dpi / 72.0, grayscale=True)
        image = np.array(bitmap.to_numpy(), dtype=np.uint8)
    finally:
        document.close()
    image.setflags(write=False)
    return image


def _write_index(out: Path, manifest: ExamManifest, people: Sequence[SimCandidate], files: dict[str, int], *,
                 seed: int, profile: str, mix: MarkMix, extras: SimExtras) -> Path:
    """Record how the batch was made: seed, profile, mix, extras, cohort and files."""
    index = {
        "schema_version": 1,
        "exam_id": manifest.exam_id,
        "seed": seed,
        "profile": profile,
        "mark_mix": asdict(mix),
        "extras": asdict(extras),
        "candidates": [{"number": p.number, "name": p.name, "variant": p.variant, "ability": round(p.ability, 4)}
                       for p in people],
        "files": [{"name": name, "pages": pages} for name, pages in files.items()],
    }
    path = out / SIM_INDEX
    return write_json(path, index, SimulationError, "simulation index")
