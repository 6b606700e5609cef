"""``papergen grade``: read scanned answer sheets into a results folder."""

from __future__ import annotations

import os
from pathlib import Path

import click

from papergen import grading
from papergen.cli.common import CONTEXT_SETTINGS, reports_errors
from papergen.exam import load_manifest


@click.command("grade", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--key", "keys", multiple=True, required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Key manifest (key.json) of an exam; repeat for several exams.",
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Results folder (results.sqlite and CSV exports).",
)
@click.option(
    "--layout", type=click.Path(dir_okay=False, path_type=Path),
    help="Sheet layout file; default: the bundled layout the key names.",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help="Processes that read scans (the main one stores); default: all cores.",
)
@reports_errors
def grade(inputs: tuple[Path, ...], keys: tuple[Path, ...], out_dir: Path, layout: Path | None,
          jobs: int | None) -> None:
    """Read scanned answer sheets, score them against their keys and store the results.

    INPUTS are scan files (PDF, TIFF, JPEG, PNG) or folders of them.  Each page
    is stored once in OUT/results.sqlite, so rerunning on the same or a grown
    set of scans reads only new pages.  Pages that cannot be graded are listed
    with their reasons in OUT/review.csv; scores.csv and responses.csv are
    rewritten at the end of every run.  Exits with status 0 even when pages are
    refused or quarantined; only a bad key file or output folder stops the run.
    Several files are read in parallel (--jobs), one file per process; the store
    keeps the input order either way.

    \b
    Example:
      papergen grade scans/ --key exam/key.json --out results/
    """
    manifests = [load_manifest(path) for path in keys]
    total = grading.count_input_pages(inputs)
    with click.progressbar(length=total, label="Grading", show_pos=True) as bar:
        summary = grading.grade_batch(inputs, manifests, out_dir, layout=layout, progress=bar.update,
                                       jobs=jobs or os.cpu_count() or 1)
    for line in summary.describe():
        click.echo(line)
