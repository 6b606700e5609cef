"""``papergen merge``: the results folders of several scanning stations as one sitting."""

from __future__ import annotations

from pathlib import Path

import click

from papergen import grading
from papergen.cli.common import command, csv_encoding_option, reports_errors
from papergen.i18n import N_

MERGE_HELP = N_("""Combine the results folders of several scanning stations into one sitting.

    Every page of each RESULTS folder (its marks, score and flags) is copied
    into OUT once: a page already there is skipped, so merging again, or a
    sheet scanned at two stations, counts once.  A candidate graded at two
    stations is flagged for review on both pages.  Folders graded with two
    different keys for one exam are refused before anything is copied.
    Review and reports then run on OUT.

    \b
    Example:
      papergen merge station-1/ station-2/ --out sitting/
      papergen report sitting/ --out reports/
    """)


@command("merge", help=MERGE_HELP)
@click.argument("results", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=N_("The sitting's results folder (created if needed)."))
@csv_encoding_option
@reports_errors
def merge(results: tuple[Path, ...], out_dir: Path) -> None:
    """Merge stations' results folders into one (see ``MERGE_HELP``)."""
    summary = grading.merge_results(results, out_dir)
    for line in summary.describe():
        click.echo(line)
