"""``papergen review``: settle flagged questions, candidate numbers and set-aside sheets."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from papergen.cli.common import CONTEXT_SETTINGS, reports_errors
from papergen.review.apply import apply_review_csv, open_results
from papergen.review.reconcile import reconcile
from papergen.roster import read_roster

_RESULTS = click.Path(exists=True, file_okay=False, path_type=Path)
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("review", context_settings=CONTEXT_SETTINGS)
@click.argument("results_dir", type=_RESULTS)
@click.option("--roster", "roster_path", type=_FILE,
              help="Roster CSV (number, name[, variant]) to reconcile with; default: the roster in the key.")
@click.option("--apply", "apply_path", type=_FILE,
              help="Apply the filled-in decision column of a review.csv instead of opening the browser.")
@click.option("--who", default=None, help="Reviewer name recorded with each decision; default: the login name.")
@reports_errors
def review(results_dir: Path, roster_path: Path | None, apply_path: Path | None, who: str | None) -> None:
    """Settle every flag of a results folder: questions, candidate numbers, absentees.

    With --apply, the decision column of a review.csv (answer letters, 对/错,
    空 for blank; the candidate number on sheet-flag rows; 缺考 on absentee
    rows) is checked row by row and applied with an audit trail; the exports
    are rewritten.  Every decision is kept in RESULTS_DIR/results.sqlite and
    outlives regrading and rescoring.

    \b
    Example:
      papergen review results/ --roster roster.csv --apply results/review.csv
    """
    roster = read_roster(roster_path) if roster_path is not None else None
    reviewer = who or getpass.getuser()
    if apply_path is not None:
        for line in apply_review_csv(results_dir, apply_path, who=reviewer, roster=roster).describe():
            click.echo(line)
        return
    with open_results(results_dir) as store:
        for line in reconcile(store, roster).describe():
            click.echo(line)
