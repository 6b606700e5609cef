"""``papergen grade``: read scanned answer sheets into a results folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from papergen import grading
from papergen.cli.common import command, csv_encoding_option, reports_errors
from papergen.exam import load_manifest
from papergen.i18n import N_, _

GRADE_HELP = N_("""Read scanned answer sheets, score them against their keys and store the results.

    INPUTS are scan files (PDF, TIFF, JPEG, PNG) or folders of them.  Each page
    is stored once in OUT/results.sqlite, so rerunning on the same or a grown
    set of scans reads only new pages.  Every page not graded is listed with
    its reason in OUT/review.csv; scores.csv and responses.csv are rewritten
    at the end of every run.  Anything under OUT is never read as a scan.
    Several files, or parts of one long PDF or TIFF, are read in parallel
    (--jobs); the store keeps the input order either way.

    \b
    Exit status:
      0  every page graded, or classified as blank or not an answer sheet
      1  the run could not start or stopped (bad key, busy or damaged results, full disk)
      2  wrong command-line arguments
      3  pages need attention: refused, quarantined or errors (see review.csv)
      4  the results are stored but the CSV exports could not be written

    \b
    Example:
      papergen grade scans/ --key exam/key.json --out results/
    """)


@command("grade", help=GRADE_HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--key", "keys", multiple=True, required=True, type=click.Path(dir_okay=False, path_type=Path),
    help=N_("Key manifest (key.json) of an exam; repeat for several exams."),
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help=N_("Results folder (results.sqlite and CSV exports)."),
)
@click.option(
    "--layout", type=click.Path(dir_okay=False, path_type=Path),
    help=N_("Sheet layout file; default: the bundled layout the key names."),
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help=N_("Processes that read scans (the main one stores); default: all cores."),
)
@csv_encoding_option
@reports_errors
def grade(inputs: tuple[Path, ...], keys: tuple[Path, ...], out_dir: Path, layout: Path | None,
          jobs: int | None) -> None:
    """Grade the scans into a results folder (see ``GRADE_HELP``)."""
    manifests = [load_manifest(path) for path in keys]
    total = grading.count_input_pages(inputs, out_dir)
    with click.progressbar(length=total, label=_("Grading"), show_pos=True, file=sys.stderr) as bar:
        summary = grading.grade_batch(inputs, manifests, out_dir, layout=layout, progress=bar.update,
                                       jobs=jobs or os.cpu_count() or 1)
    for line in summary.describe():
        click.echo(line)
    click.get_current_context().exit(summary.exit_status)
