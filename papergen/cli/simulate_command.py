"""``papergen simulate``: simulated scans of a built exam, with the truth of every page."""

from __future__ import annotations

from pathlib import Path

import click

from papergen.cli.common import command, reports_errors
from papergen.cli.progress import progress_bar
from papergen.i18n import N_, _
from papergen.simulate import MARK_MIXES, SimExtras, profile_names, simulate_scans

SIMULATE_HELP = N_("""Simulate scanned answer sheets of a built exam, with the truth of every page beside them.

    EXAM_DIR is a folder written by 'papergen build' (or its key.json).  A
    cohort answers the exam, marks the exam's own sheets with pencil, pen and
    the odd tick, cross or erasure, and the sheets are scanned as PROFILE
    says.  Scans go to OUT/scans (grade them with 'papergen grade'), the truth
    of each file to OUT/truth.

    \b
    Example:
      papergen simulate exam/ --out sim/ --candidates 60 --seed 3 --profile feeder-200
    """)


@command("simulate", help=SIMULATE_HELP)
@click.argument("exam_dir", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=N_("Output folder (scans/, truth/, simulation.json); must not hold earlier scans."))
@click.option("--candidates", "-n", default=30, show_default=True, type=click.IntRange(min=1),
              help=N_("Candidates sitting the exam."))
@click.option("--seed", default=1, show_default=True, type=int, help=N_("Seed of every random choice."))
@click.option("--profile", default="mixed", show_default=True, type=click.Choice(profile_names()),
              help=N_("How the sheets were scanned."))
@click.option("--mix", default="typical", show_default=True, type=click.Choice(list(MARK_MIXES)),
              help=N_("How candidates mark their sheets."))
@click.option("--blank-backs", default=0, show_default=True, type=click.IntRange(min=0),
              help=N_("Sheets followed by their blank back."))
@click.option("--foreign-sheets", default=0, show_default=True, type=click.IntRange(min=0),
              help=N_("Sheets of another exam slipped into the batch."))
@click.option("--folded-sheets", default=0, show_default=True, type=click.IntRange(min=0),
              help=N_("Candidates' sheets bent or dog-eared before scanning."))
@click.option("--absent-sheets", default=0, show_default=True, type=click.IntRange(min=0),
              help=N_("Sheets of absent candidates, 缺考 filled by the proctor (generated layouts)."))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help=N_("Processes making files in parallel."))
@reports_errors
def simulate(exam_dir: Path, out_dir: Path, candidates: int, seed: int, profile: str, mix: str, blank_backs: int,
             foreign_sheets: int, folded_sheets: int, absent_sheets: int, workers: int) -> None:
    """Simulate the scanned sheets of EXAM_DIR (see :data:`SIMULATE_HELP`)."""
    extras = SimExtras(blank_backs=blank_backs, foreign_sheets=foreign_sheets, folded_sheets=folded_sheets,
                       absent_sheets=absent_sheets)
    with progress_bar(_("Simulating scanned pages")) as progress:
        result = simulate_scans(exam_dir, out_dir, candidates=candidates, seed=seed, profile=profile, mix=mix,
                                extras=extras, workers=workers, progress=progress)
    for line in result.describe():
        click.echo(line)
