"""Build an exam into a folder: assemble, then write the key, booklets, answer sheets and key PDF.

``build_exam`` is the one arrow from files to a printable exam::

    out/
      key.json          the key manifest (scoring reads this)
      key.pdf           the instructors' answer key
      booklet-A.pdf     question booklet of each variant
      sheet-A.pdf       a blank answer sheet of each variant (``sheet="per-variant"``)
      sheet.pdf         one generic sheet for every variant, with 试卷类型 bubbles (``sheet="generic"``)
      sheets-A.pdf      with a roster: one personalised sheet per candidate of the variant
      layout.json       the sheet layout, when it was generated from the format

Every file is written into a staging folder inside ``out_dir`` and moved
into place only when all of them exist, so a failed build leaves no
half-written file; the usage ledger gets its line only after that.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date as Date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

from omr.layout import LayoutError, SheetLayout, load_layout
from papergen import __version__
from papergen.assembly import (
    ExposureRule,
    Ledger,
    SectionBalance,
    assemble_exam,
    key_balance,
    ledger_entry,
    variant_names,
)
from papergen.bank.io import bank_sha256, load_bank
from papergen.bank.blueprint import load_blueprint_overrides
from papergen.bank.model import Bank, ReviewStatus
from papergen.bank.review import DEFAULT_MIN_STATUS, live_bank, notice_text, review_notice
from papergen.errors import FormatError, ManifestError, RenderError
from papergen.i18n import _, ngettext, os_error_reason
from papergen.exam.layout import layout_error_message
from papergen.exam import (
    ExamManifest,
    Paper,
    PaperFormat,
    AUTO_LAYOUT,
    design_layout,
    is_generated_layout_id,
    load_format,
    load_manifest,
    load_roster,
    save_layout,
    wording_problems,
    manifest_from_papers,
    save_manifest,
)
from papergen.render import (
    GENERIC,
    GENERIC_SHEET_PDF,
    SheetPrint,
    exam_sheet_print,
    render_booklet,
    render_key,
    render_sheets,
    sheet_fit_warnings,
)
from papergen.resources import bundled_layout_path

__all__ = ["BuildResult", "SheetKind", "build_exam", "check_out_dir", "load_exam_layout", "write_format_layout"]

KEY_JSON = "key.json"
KEY_PDF = "key.pdf"
LAYOUT_JSON = "layout.json"
SheetKind = Literal["per-variant", "generic"]
VERSIONED_PACKAGES = ("reportlab", "highspy")


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    exam_id: str
    out_dir: Path
    files: tuple[Path, ...]
    """Every file written, in write order."""
    papers: tuple[Paper, ...]
    manifest: ExamManifest
    warnings: tuple[str, ...] = ()
    """Roster text shrunk or cut to fit its box on a personalised sheet."""

    def balance(self) -> dict[str, list[SectionBalance]]:
        """Variant -> how its answer keys fall, section by section."""
        return {paper.variant: key_balance(paper) for paper in self.papers}

    def summary(self) -> list[str]:
        """What ``papergen build`` prints, in the language in use: the files, the exam, each variant's keys, the notice."""
        lines = [_("wrote {path}").format(path=path) for path in self.files]
        lines.append(_("exam {exam}: {variants}, {candidates}").format(
            exam=self.exam_id,
            variants=ngettext("{n} variant", "{n} variants", len(self.papers)).format(n=len(self.papers)),
            candidates=ngettext("{n} candidate", "{n} candidates", len(self.manifest.candidates)).format(
                n=len(self.manifest.candidates))))
        for variant, sections in self.balance().items():
            lines.append(_("variant {variant}: {sections}").format(
                variant=variant, sections=_("; ").join(s.describe() for s in sections)))
        if self.manifest.review_notice:
            lines.append(_("Notice: {notice}").format(notice=notice_text(self.manifest.review_notice)))
        return lines


@dataclass(frozen=True)
class _VariantJob:
    """Everything needed to render one variant's files (picklable for worker processes)."""

    paper: Paper
    layout: SheetLayout
    blank: SheetPrint | None
    """The variant's blank sheet; None when one generic sheet serves every variant."""
    personal: tuple[SheetPrint, ...]
    folder: Path
    figure_root: Path
    """Folder of the bank file: question figures are read from there."""


def load_exam_layout(
    fmt: PaperFormat, layout_path: str | Path | None = None, *, variants: Sequence[str] | None = None
) -> SheetLayout:
    """The answer-sheet layout of a format, checked to fit.

    Parameters
    ----------
    fmt : PaperFormat
        Its ``layout`` names a bundled layout, or is ``"auto"``: computed from the sections.
    layout_path : path, optional
        A layout file used instead.
    variants : sequence of str, optional
        For a generic sheet: the variants its 试卷类型 bubbles must offer.

    Raises
    ------
    FormatError
        If the layout is not bundled, cannot be read, does not fit the format's sections,
        or (generic sheet) has no 试卷类型 bubbles for exactly these variants.
    """
    if not layout_path and fmt.layout == AUTO_LAYOUT:
        return design_layout(fmt, variants=variants)
    try:
        path = Path(layout_path) if layout_path else bundled_layout_path(fmt.layout)
        layout = load_layout(path)
    except FileNotFoundError as exc:
        raise FormatError(_("format {format}: layout {layout!r} is not bundled ({reason}); pass a layout file with "
                            "--layout").format(format=fmt.id, layout=fmt.layout, reason=exc)) from exc
    except LayoutError as exc:
        raise FormatError(layout_error_message(exc, path)) from exc
    problems = _layout_problems(fmt, layout) + _variant_row_problems(layout, variants)
    if problems:
        raise FormatError(_("format {format} and layout {layout} do not fit: {problems}").format(
            format=fmt.id, layout=layout.id, problems=_("; ").join(problems)))
    return layout


def _layout_problems(fmt: PaperFormat, layout: SheetLayout) -> list[str]:
    if layout.question_count != fmt.question_count:
        return [_("the sheet has {sheet} questions, the format {format}").format(
            sheet=layout.question_count, format=fmt.question_count)]
    problems = []
    for section, number in fmt.numbering():
        block = layout.block_of(number)
        if section.type == "judge" and tuple(block.options) != ("T", "F"):
            problems.append(_("question {number} ({section}) needs T/F bubbles (got {options})").format(
                number=number, section=section.key, options=list(block.options)))
        elif section.type != "judge" and len(block.options) < section.options:
            problems.append(_("question {number} ({section}) needs {needed} bubbles (got {count})").format(
                number=number, section=section.key, needed=section.options, count=len(block.options)))
        elif block.multiple != (section.type == "multi"):
            problems.append(_("question {number} ({section}) is in a block with multiple={multiple}").format(
                number=number, section=section.key, multiple=block.multiple))
        if len(problems) >= 3:
            break
    return problems


def write_format_layout(format_path: str | Path, out_path: str | Path, *, variants: int = 0) -> SheetLayout:
    """Write the sheet layout a format prints with, for inspection or hand tuning.

    Parameters
    ----------
    format_path : path
        The paper format; its ``layout`` id, or the generated layout for ``"auto"``.
    out_path : path
        The layout JSON written (pass it back with ``build --layout``).
    variants : int
        For a generic sheet: the number of variants its 试卷类型 bubbles offer; 0 for per-variant sheets.

    Raises
    ------
    FormatError
        If the format cannot be read, its layout cannot be made or does not fit, or the file cannot be written.
    """
    fmt = load_format(format_path)
    layout = load_exam_layout(fmt, variants=variant_names(variants) if variants else None)
    save_layout(layout, out_path)
    return layout


def _variant_row_problems(layout: SheetLayout, variants: Sequence[str] | None) -> list[str]:
    row = layout.mark_row("variant")
    if variants is None or (row is not None and list(row.options) == list(variants)):
        return []
    got = list(row.options) if row is not None else _("none")
    return [_("a generic sheet needs 试卷类型 bubbles for variants {variants} (got {got}); use a format with "
              "\"layout\": \"auto\" or add a 'variant' mark row to the layout").format(
                  variants=", ".join(variants), got=got)]


def check_out_dir(out_dir: str | Path, exam_id: str, *, force: bool = False) -> None:
    """Make sure building ``exam_id`` into ``out_dir`` cannot mix two exams' files.

    A folder holding another exam's key.json is refused; with ``force`` the
    folder is emptied first.  A missing or empty folder, or one holding an
    earlier build of the same exam id, is used as it is.

    Raises
    ------
    RenderError
        If the folder holds another exam's files and ``force`` is False, or cannot be emptied.
    """
    out = Path(out_dir)
    key = out / KEY_JSON
    if not key.is_file():
        return
    try:
        other = load_manifest(key).exam_id
    except ManifestError:
        other = _("an unreadable key.json")
    if other == exam_id:
        return
    if not force:
        raise RenderError(_("{folder}: the folder holds the files of exam {other}, not {exam}; choose another --out "
                            "folder, or pass --force to empty it first").format(folder=out, other=other, exam=exam_id))
    for entry in out.iterdir():
        try:
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        except OSError as exc:
            raise RenderError(_("{path}: cannot remove it to empty {folder} ({reason})").format(
                path=entry, folder=out, reason=os_error_reason(exc))) from exc


def _versions() -> dict[str, str]:
    versions = {"papergen": __version__}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "unknown"
    return versions


def _render_variant(job: _VariantJob) -> list[str]:
    """Write one variant's booklet and sheets into the staging folder; the file names written."""
    variant = job.paper.variant
    names = [f"booklet-{variant}.pdf"]
    render_booklet(job.paper, job.folder / names[0], figure_root=job.figure_root)
    if job.blank is not None:
        names.append(f"sheet-{variant}.pdf")
        render_sheets(job.layout, [job.blank], job.folder / names[-1])
    if job.personal:
        names.append(f"sheets-{variant}.pdf")
        render_sheets(job.layout, list(job.personal), job.folder / names[-1])
    return names


def _render_key(manifest: ExamManifest, folder: Path) -> str:
    """Write the key PDF into the staging folder; its file name."""
    render_key(manifest, folder / KEY_PDF)
    return KEY_PDF


def _render_all(jobs: Sequence[_VariantJob], manifest: ExamManifest, folder: Path, workers: int,
                progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Render every variant and the key, in worker processes when ``workers > 1``; the file names.

    ``progress(done, total)`` is called as each variant, then the key, is done (``total``: variants + 1).
    """
    total = len(jobs) + 1
    tick = progress or (lambda done, total: None)
    names: list[str] = []
    with contextlib.ExitStack() as stack:
        if workers > 1 and jobs:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=min(workers, total)))
            key = pool.submit(_render_key, manifest, folder)
            variants = pool.map(_render_variant, jobs)
        else:
            key, variants = None, map(_render_variant, jobs)
        for done, rendered in enumerate(variants, 1):
            names += rendered
            tick(done, total)
        names.append(key.result() if key is not None else _render_key(manifest, folder))
    tick(total, total)
    return names


def _write_outputs(
    out_dir: Path, papers: Sequence[Paper], manifest: ExamManifest, layout: SheetLayout, workers: int,
    figure_root: Path,
    sheet: SheetKind = "per-variant",
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Render everything into a staging folder, then move it into ``out_dir``."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".papergen-build-", dir=out_dir))
    except OSError as exc:
        raise RenderError(_("{folder}: cannot write the exam files there ({reason})").format(
            folder=out_dir, reason=os_error_reason(exc))) from exc
    try:
        save_manifest(manifest, staging / KEY_JSON)
        names = [KEY_JSON]
        if is_generated_layout_id(manifest.layout_id):
            save_layout(layout, staging / LAYOUT_JSON)
            names.append(LAYOUT_JSON)
        if sheet == "generic":
            render_sheets(layout, [exam_sheet_print(manifest, GENERIC)], staging / GENERIC_SHEET_PDF)
            names.append(GENERIC_SHEET_PDF)
        jobs = [
            _VariantJob(
                paper, layout, None if sheet == "generic" else exam_sheet_print(manifest, paper.variant),
                tuple(exam_sheet_print(manifest, paper.variant, c)
                      for c in manifest.candidates if c.variant == paper.variant),
                staging,
                figure_root,
            )
            for paper in papers
        ]
        names += _render_all(jobs, manifest, staging, workers, progress)
        for name in names:
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in names]


def _papers_notice(bank: Bank, papers: Sequence[Paper]) -> str | None:
    """The review notice of the items on the papers (see :func:`papergen.bank.review.review_notice`)."""
    by_id = {item.id: item for item in bank.items}
    on_papers = {q.item_id for paper in papers for q in paper.questions}
    return review_notice(by_id[i] for i in sorted(on_papers))


def build_exam(
    bank_path: str | Path,
    format_path: str | Path,
    *,
    out_dir: str | Path,
    variants: int,
    seed: int,
    mode: Literal["shuffle", "parallel"] = "shuffle",
    layout_path: str | Path | None = None,
    roster_path: str | Path | None = None,
    roster_encoding: str | None = None,
    ledger_path: str | Path | None = None,
    exposure: ExposureRule | None = None,
    exam_id: str | None = None,
    blueprint_path: str | Path | None = None,
    date: str | None = None,
    workers: int = 1,
    min_status: ReviewStatus = DEFAULT_MIN_STATUS,
    sheet: SheetKind = "per-variant",
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Assemble an exam and write its key, booklets, answer sheets and key PDF into ``out_dir``.

    Parameters
    ----------
    bank_path, format_path : path
        The bank and the paper format.
    out_dir : path
        Output folder (created if missing); files of the same names are replaced.
    variants, seed, mode, exam_id, exposure
        As for :func:`papergen.assembly.assemble_exam`.
    layout_path : path, optional
        Answer-sheet layout; default: the bundled layout the format names.
    roster_path : path, optional
        Candidate roster CSV (see :mod:`papergen.exam.roster`): one personalised sheet per candidate.
    roster_encoding : str, optional
        The roster's encoding; default: detected (UTF-8, GB18030/GBK, Big5, UTF-16).
    ledger_path : path, optional
        Usage ledger read by ``exposure`` and appended with this build once its files exist.
    blueprint_path : path, optional
        Explicit topic quotas per section (see :func:`papergen.bank.blueprint.load_blueprint_overrides`).
    date : str, optional
        Sitting date recorded in the ledger (YYYY-MM-DD); default: today.
    workers : int
        Processes rendering variants in parallel.
    min_status : {"draft", "reviewed", "approved"}
        Draw only items at or above this review status (retired items never);
        papers holding items below ``approved`` carry a notice in the manifest.
    sheet : {"per-variant", "generic"}
        A blank sheet per variant, or one generic sheet whose 试卷类型 bubbles name
        the variant (roster sheets stay personalised either way).
    force : bool
        Empty an ``out_dir`` holding another exam's files instead of refusing it.
    progress : callable, optional
        ``progress(done, total)`` as the papers are rendered: each variant (with its roster's sheets),
        then the key.

    Raises
    ------
    BankError, FormatError, AssemblyError, RosterError, RenderError, ManifestError
        From the stage that fails; nothing is left half-written.
    """
    sitting_date = _sitting_date(date)
    full_bank, fmt = load_bank(bank_path), load_format(format_path)
    wording = wording_problems(fmt)
    if wording:
        raise FormatError(_("; ").join(wording))
    bank = live_bank(full_bank, min_status)
    names = variant_names(variants)
    layout = load_exam_layout(fmt, layout_path, variants=names if sheet == "generic" else None)
    ledger = Ledger(ledger_path) if ledger_path else None
    overrides = load_blueprint_overrides(blueprint_path) if blueprint_path else None
    candidates = (
        load_roster(roster_path, names, max_digits=layout.candidate_id.digits, encoding=roster_encoding)
        if roster_path else []
    )
    papers = assemble_exam(
        bank, fmt, variants=variants, seed=seed, mode=mode, exam_id=exam_id, bank_sha256=bank_sha256(bank_path),
        blueprint_overrides=overrides, exposure=exposure, ledger=ledger,
    )
    manifest = manifest_from_papers(
        papers, paper_format=fmt, layout_id=layout.id, layout_sha256=layout.sha256, mode=mode,
        versions=_versions(), candidates=candidates, min_status=min_status,
        review_notice=_papers_notice(bank, papers), topic_names=bank.topic_names(),
    )
    warnings = sheet_fit_warnings(layout, [exam_sheet_print(manifest, c.variant, c) for c in manifest.candidates])
    check_out_dir(out_dir, manifest.exam_id, force=force)
    files = _write_outputs(Path(out_dir), papers, manifest, layout, workers, Path(bank_path).resolve().parent, sheet,
                           progress)
    if ledger is not None:
        ledger.append(ledger_entry(papers, date=sitting_date, mode=mode))
    return BuildResult(manifest.exam_id, Path(out_dir), tuple(files), tuple(papers), manifest, tuple(warnings))


def _sitting_date(date: str | None) -> str:
    """The sitting date as YYYY-MM-DD (today when None), checked before anything is written.

    Raises
    ------
    FormatError
        If ``date`` is not a calendar date written YYYY-MM-DD.
    """
    if date is None:
        return Date.today().isoformat()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            return Date.fromisoformat(date).isoformat()
    except ValueError:
        pass
    raise FormatError(_("--date: not a calendar date written YYYY-MM-DD (got {date!r}); e.g. 2026-12-06").format(
        date=date))
