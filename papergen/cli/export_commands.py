"""``papergen export``: write a bank for learning platforms and spreadsheets."""

from __future__ import annotations

from pathlib import Path

import click

from papergen.cli.common import command, reports_errors
from papergen.i18n import N_, _
from papergen.importers import EXPORT_FORMATS, export_bank_file

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUT = click.Path(dir_okay=False, writable=True, path_type=Path)


@command("export", help=N_("""Export a bank as Moodle XML, GIFT, Aiken or an Excel workbook.

    Every format can be imported again with papergen import.  Moodle XML,
    GIFT and Excel keep every item with its id, topic, difficulty and
    explanation; Aiken holds single-choice and true/false items only, and
    the items it cannot hold are listed.  (papergen export-moodle is the
    same as --to moodle.)

    \b
    Example:
      papergen export banks/customer-service.json --to xlsx --out customer-service.xlsx
    """))
@click.argument("bank", type=_FILE)
@click.option("--to", "to", required=True, type=click.Choice(EXPORT_FORMATS), help=N_("Format to write."))
@click.option("--out", required=True, type=_OUT, help=N_("File to write."))
@reports_errors
def export_command(bank: Path, to: str, out: Path) -> None:
    """Write ``bank`` as ``to`` into ``out`` and print what went out."""
    exported = export_bank_file(bank, out, to)
    for note in exported.notes:
        click.echo(note)
    click.echo(_("wrote {written} of {count} items as {format} to {path}").format(
        written=exported.written, count=len(exported.bank.items), format=to, path=out))
