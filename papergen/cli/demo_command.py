"""``papergen demo``: the whole job on made-up candidates, from the bundled bank to the reports."""

from __future__ import annotations

from pathlib import Path

import click

from papergen.cli.common import command, reports_errors
from papergen.cli.progress import progress_steps
from papergen.demo import run_demo
from papergen.i18n import N_

DEMO_HELP = N_("""Build an exam, simulate its scanned sheets, grade them and write the reports.

    Everything comes from the bundled question bank, so this runs right after
    installing.  OUT_DIR (default: papergen-demo) must be new or empty; it
    receives the exam papers, the scans, the results (CSV) and the reports.

    \b
    Example:
      papergen demo my-first-exam/
    """)


@command("demo", help=DEMO_HELP)
@click.argument("out_dir", default="papergen-demo", type=click.Path(file_okay=False, path_type=Path))
@click.option("--candidates", "-n", default=30, show_default=True, type=click.IntRange(min=1),
              help=N_("Candidates in the simulated sitting."))
@click.option("--seed", default=7, show_default=True, type=int, help=N_("Seed of the exam and the simulation."))
@reports_errors
def demo(out_dir: Path, candidates: int, seed: int) -> None:
    """Run the whole job into OUT_DIR (see :data:`DEMO_HELP`)."""
    with progress_steps() as progress:
        result = run_demo(out_dir, candidates=candidates, seed=seed, progress=progress)
    click.echo("")
    for line in result.summary_lines():
        click.echo(line)
