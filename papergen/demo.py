"""The whole job on made-up candidates: build an exam, simulate its scans, grade them, report.

:func:`run_demo` needs nothing but the installed package: it builds an exam
from the bundled bank and format, simulates a sitting (a realistic mix of
scanners and marks, a blank duplex back, a sheet of another exam and a
folded sheet), grades the scans, writes the exports and the reports, and
checks every graded score against the candidates' intended answers::

    out/
      exam/       key.json, booklet-*.pdf, sheet-*.pdf, key.pdf
      scans/      the simulated scans (what a scanner would deliver)
      truth/      what is really on every scanned page
      results/    results.sqlite, scores.csv, responses.csv, review.csv
      reports/    cohort report, score slips, item analysis, workbook
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from papergen.simulate.accuracy import AccuracyReport, ScoreCheck, accuracy_from_store, check_scores
from papergen.bank.io import load_bank
from papergen.build import BuildResult, build_exam
from papergen.errors import SimulationError
from papergen.grading import GradeSummary, grade_batch
from papergen.report.run import ReportRun, write_reports
from papergen.resources import bundled_bank_path, bundled_format_path
from papergen.simulate import SimExtras, SimResult, simulate_scans

__all__ = ["DemoParams", "DemoResult", "run_demo"]


@dataclass(frozen=True)
class DemoParams:
    """What the demo builds and simulates.

    Attributes
    ----------
    bank_id, format_id : str
        Bundled bank and paper format.
    variants : int
        Variants of the exam (shuffled orders).
    profile, mix : str
        Capture profile and mark mix of the simulated scans.
    extras : SimExtras
        Blank backs, sheets of another exam and folded sheets in the batch.
    workers : int or None
        Processes for building and simulating; None for the number of CPUs (at most 4).
    """

    bank_id: str = "customer-service"
    format_id: str = "cs-180"
    variants: int = 2
    profile: str = "mixed"
    mix: str = "typical"
    extras: SimExtras = SimExtras(blank_backs=1, foreign_sheets=1, folded_sheets=1)
    workers: int | None = None

    def worker_count(self) -> int:
        """Processes to use."""
        return self.workers if self.workers is not None else max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class DemoResult:
    """Everything the demo made.

    Attributes
    ----------
    out_dir, exam_dir, scans_dir, truth_dir, results_dir, reports_dir : Path
        The output folders (see the module docstring).
    build : BuildResult
        The exam built.
    simulation : SimResult
        The scans simulated.
    grading : GradeSummary
        What grading did.
    reports : ReportRun
        The reports written.
    accuracy : AccuracyReport
        Stored reads compared with the truth.
    scores : ScoreCheck
        Graded scores compared with the intended answers' scores.
    params : DemoParams
        What was asked for.
    elapsed_s : float
        Wall time, seconds.
    """

    out_dir: Path
    exam_dir: Path
    scans_dir: Path
    truth_dir: Path
    results_dir: Path
    reports_dir: Path
    build: BuildResult
    simulation: SimResult
    grading: GradeSummary
    reports: ReportRun
    accuracy: AccuracyReport
    scores: ScoreCheck
    params: DemoParams
    elapsed_s: float

    def summary_lines(self) -> list[str]:
        """A friendly summary: what was made, how grading went, where to look."""
        g, s, acc = self.grading, self.scores, self.accuracy
        problems = len(g.refused) + len(g.quarantined) + len(g.not_a_sheet) + len(g.errors)
        return [
            f"Exam {self.build.exam_id}: {len(self.build.papers)} variants of "
            f"{len(self.build.papers[0].questions)} questions, built from the bundled bank",
            f"Simulated {self.simulation.sheets} candidates: {self.simulation.pages} scanned pages in "
            f"{len(self.simulation.files)} files{_extras_note(self.params.extras, self.simulation)}",
            f"Graded {_count(g.graded, 'sheet')} ({g.flagged} flagged for review), {_count(len(g.blank), 'blank page')}, "
            f"{_count(problems, 'page')} set aside with a reason (see review.csv)",
            f"Checked against the truth: {s.unflagged_equal} of {_count(s.unflagged, 'unflagged sheet')} scored "
            f"exactly as the candidates meant; {_count(acc.overall.misread, 'bubble')} misread without a flag "
            f"out of {acc.overall.bubbles}",
            "",
            f"  exam papers     {self.exam_dir}",
            f"  scans           {self.scans_dir}",
            f"  results (CSV)   {self.results_dir}",
            f"  reports         {self.reports_dir}",
            f"Done in {self.elapsed_s:.0f} s.  Open {self._first_report()} in a browser, or grade the scans "
            f"yourself: papergen grade {self.scans_dir} --key {self.exam_dir / 'key.json'} --out <folder>",
        ]

    def _first_report(self) -> Path:
        """The cohort report page, else the reports folder."""
        pages = [p for p in self.reports.written if p.suffix == ".html" and p.name.startswith("report-")]
        return pages[0] if pages else self.reports_dir


def run_demo(out_dir: str | Path, *, candidates: int = 30, seed: int = 7, params: DemoParams = DemoParams(),
             progress: Callable[[str], None] | None = None) -> DemoResult:
    """Build an exam, simulate a sitting's scans, grade them and write exports and reports.

    Parameters
    ----------
    out_dir : path
        A new or empty folder.
    candidates : int
        Candidates in the simulated sitting.
    seed : int
        Seed of the exam and of the simulation.
    params : DemoParams
        Bank, format, variants and simulation settings.
    progress : callable, optional
        Called with a short line as each step starts.

    Returns
    -------
    DemoResult

    Raises
    ------
    SimulationError
        If ``out_dir`` is not empty or the candidate count is not positive.
    PapergenError
        From a stage that fails (bank, format, assembly, rendering, grading).
    """
    started = time.perf_counter()
    say = progress or (lambda line: None)
    out = _empty_folder(Path(out_dir))
    workers = params.worker_count()
    bank_path = bundled_bank_path(params.bank_id)
    say("Building the exam from the bundled bank")
    built = build_exam(bank_path, bundled_format_path(params.format_id), out_dir=out / "exam",
                       variants=params.variants, seed=seed, workers=workers)
    say(f"Simulating {candidates} candidates and their scans")
    simulation = simulate_scans(out / "exam", out, candidates=candidates, seed=seed, profile=params.profile,
                                mix=params.mix, extras=params.extras, bank=load_bank(bank_path), workers=workers)
    say("Grading the scans")
    results = out / "results"
    grading = grade_batch([simulation.scans_dir], [built.manifest], results)
    say("Writing the reports")
    reports = write_reports(results, out / "reports", bank=load_bank(bank_path))
    return DemoResult(
        out_dir=out, exam_dir=out / "exam", scans_dir=simulation.scans_dir, truth_dir=simulation.truth_dir,
        results_dir=results, reports_dir=out / "reports", build=built, simulation=simulation, grading=grading,
        reports=reports, accuracy=accuracy_from_store(results, simulation.truth_dir),
        scores=check_scores(results, simulation.truth_dir), params=params, elapsed_s=time.perf_counter() - started,
    )


def _count(n: int, noun: str) -> str:
    """``"1 sheet"``, ``"2 sheets"``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _extras_note(extras: SimExtras, simulation: SimResult) -> str:
    """`` (with 11 blank backs, 1 sheet of another exam)`` or an empty string.

    Blank backs are counted from the pages written: duplex profiles scan the
    back of every sheet, besides the extra backs asked for.
    """
    backs = simulation.pages - simulation.sheets - extras.foreign_sheets
    parts = [(backs, "blank back", "blank backs"),
             (extras.foreign_sheets, "sheet of another exam", "sheets of another exam"),
             (extras.folded_sheets, "folded sheet", "folded sheets")]
    named = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
    return f" (with {', '.join(named)})" if named else ""


def _empty_folder(out: Path) -> Path:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SimulationError(f"{out}: folder is not empty; run the demo into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    return out
