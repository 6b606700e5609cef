"""``papergen review``: settle flagged questions, candidate numbers and set-aside sheets."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from papergen.cli.common import command, csv_encoding_option, reports_errors, roster_encoding_option
from papergen.exam import read_roster
from papergen.grading import EXIT_ATTENTION, open_results
from papergen.i18n import N_, _
from papergen.review import DEFAULT_HOST, apply_review_csv, next_steps, reconcile, serve_review

_RESULTS = click.Path(exists=True, file_okay=False, path_type=Path)
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_ROSTER_HELP = N_("Roster CSV (number, name[, variant]) to reconcile with; default: the roster in the key.")

REVIEW_HELP = N_("""Settle every flag of a results folder: questions, candidate numbers, set-aside sheets, absentees.

    Opens the review workstation (页面标题 复核) in the browser, in the
    language of the command (--lang; a button switches it): a dashboard
    with the roster reconciliation, every flagged question with a crop of
    the scan, candidate numbers to correct, set-aside sheets to register by
    their corner marks or key in by hand.  The URL carries a random access
    token; the server listens on 127.0.0.1 unless --host says otherwise.

    With --apply, the decision column of a review.csv (answer letters, 对/错,
    空 for blank; the candidate number on sheet-flag rows; 缺考 on absentee
    rows) is checked row by row and applied with an audit trail; the exports
    are rewritten.  The file may have Chinese or English headings, in UTF-8,
    GB18030/GBK or UTF-16.  Every decision is kept in RESULTS_DIR/results.sqlite
    and outlives regrading and rescoring.

    \b
    Examples:
      papergen review results/ --roster roster.csv
      papergen review results/ --roster roster.csv --apply results/review.csv
    """)

STATUS_HELP = N_("""Say where a sitting stands: per exam present and absent, pages not graded, flags left, and what to do next.

    Reads the results folder only; nothing is changed.  The exit status is 0
    when everything is settled and 3 while pages, flags or absentees still
    need a person (as papergen grade).

    \b
    Example:
      papergen status results/ --roster roster.csv
    """)


@command("review", help=REVIEW_HELP)
@click.argument("results_dir", type=_RESULTS)
@click.option("--roster", "roster_path", type=_FILE, help=_ROSTER_HELP)
@roster_encoding_option
@click.option("--apply", "apply_path", type=_FILE,
              help=N_("Apply the filled-in decision column of a review.csv instead of opening the browser."))
@click.option("--who", default=None, help=N_("Reviewer name recorded with each decision; default: the login name."))
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help=N_("Address to serve on; give the machine's LAN address to let other computers review."))
@click.option("--port", default=0, type=click.IntRange(0, 65535), help=N_("TCP port; default: a free one."))
@click.option("--no-browser", is_flag=True, help=N_("Do not open the browser (just print the URL)."))
@click.option("--layout", type=_FILE, help=N_("Sheet layout file; default: the bundled layout the key names."))
@csv_encoding_option
@reports_errors
def review(results_dir: Path, roster_path: Path | None, roster_encoding: str | None, apply_path: Path | None,
           who: str | None, host: str, port: int, no_browser: bool, layout: Path | None) -> None:
    """Apply a review.csv, or serve the review workstation (see ``REVIEW_HELP``)."""
    roster = read_roster(roster_path, encoding=roster_encoding) if roster_path is not None else None
    reviewer = who or getpass.getuser()
    if apply_path is not None:
        for line in apply_review_csv(results_dir, apply_path, who=reviewer, roster=roster).describe():
            click.echo(line)
        return
    with open_results(results_dir) as store:
        for line in reconcile(store, roster).describe():
            click.echo(line)
    serve_review(results_dir, who=reviewer, host=host, port=port, roster=roster, layout=layout,
                 open_browser=not no_browser, announce=click.echo)


@command("status", help=STATUS_HELP)
@click.argument("results_dir", type=_RESULTS)
@click.option("--roster", "roster_path", type=_FILE, help=_ROSTER_HELP)
@roster_encoding_option
@reports_errors
def status(results_dir: Path, roster_path: Path | None, roster_encoding: str | None) -> None:
    """Print where a sitting stands and what to do next (see ``STATUS_HELP``)."""
    roster = read_roster(roster_path, encoding=roster_encoding) if roster_path is not None else None
    with open_results(results_dir) as store:
        sitting = reconcile(store, roster)
    for line in sitting.describe():
        click.echo(line)
    for step in next_steps(sitting, str(results_dir)):
        click.echo(_("Next: {step}").format(step=step))
    if not sitting.settled or sitting.not_graded:
        raise SystemExit(EXIT_ATTENTION)
