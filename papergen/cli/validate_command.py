"""``papergen validate`` and ``papergen schema``: check a bank, export the file-format schemas."""

from __future__ import annotations

from pathlib import Path

import click

from papergen.bank import (
    DEFAULT_MIN_STATUS,
    DRAWABLE_STATUSES,
    capacity,
    format_capacity_table,
    format_longest_option_cue,
    format_status_counts,
    live_bank,
    validate_bank_file,
    write_group_patch,
    write_schemas,
)
from papergen.cli.common import command, reports_errors
from papergen.exam import load_format
from papergen.i18n import N_, _
from papergen.resources import format_file


@command("validate", help=N_("""Check a question bank and print every problem with its JSON path and item id.

    Exits with status 1 when the bank has errors (or, with --strict, warnings).
    Prints the items per review status. With --format it also checks that
    items fit the format's sections and prints how many non-overlapping papers
    the bank's live items can fill. With --suggest-groups it writes the enemy
    groups that would settle every look-alike and answer-cue warning as a
    JSON Patch, to apply with any RFC 6902 tool.

    \b
    Example:
      papergen validate banks/customer-service.json --format cs-180 --strict
      papergen validate bank.json --suggest-groups groups.patch.json && jsonpatch bank.json groups.patch.json
    """))
@click.argument("bank", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "format_ref", metavar="FORMAT", help=N_("Paper format file or bundled id; adds the capacity table.")
)
@click.option("--strict", is_flag=True, help=N_("Fail on warnings too."))
@click.option("--min-status", type=click.Choice(DRAWABLE_STATUSES), default=DEFAULT_MIN_STATUS, show_default=True,
              help=N_("Count only items at or above this review status in the capacity table."))
@click.option("--suggest-groups", "patch_path", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Write a JSON Patch (RFC 6902) putting look-alike and cueing items into shared enemy groups."))
@reports_errors
def validate(bank: Path, format_ref: str | None, strict: bool, min_status: str, patch_path: Path | None) -> None:
    """Check a bank, print its problems, status counts and (with a format) capacity; exit 1 on errors."""
    paper_format = load_format(format_file(format_ref)) if format_ref else None
    report = validate_bank_file(bank, paper_format)
    for problem in report.problems:
        click.echo(problem.labelled())
    if report.bank is not None:
        click.echo(format_status_counts(report.bank.items))
        click.echo(format_longest_option_cue([item for item in report.bank.items if item.status != "retired"]))
    click.echo(report.summary())
    if patch_path is not None and report.bank is not None:
        moved = write_group_patch(report.bank, patch_path)
        click.echo(_("wrote {path}: {count} items to move into enemy groups").format(path=patch_path, count=moved))
    if paper_format is not None and report.bank is not None:
        click.echo()
        click.echo(format_capacity_table(capacity(live_bank(report.bank, min_status), paper_format)))
    if report.errors or (strict and report.warnings):
        raise click.exceptions.Exit(1)


@command("schema", help=N_("""Write the JSON Schemas of bank, format and layout files for editors.

    \b
    Example:
      papergen schema --out-dir .
    """))
@click.option(
    "--out-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
    help=N_("Folder holding banks/, formats/ and layouts/."),
)
def schema(out_dir: Path) -> None:
    """Write the bank, format and layout JSON Schemas under ``out_dir`` and print their paths."""
    for path in write_schemas(out_dir):
        click.echo(str(path))
