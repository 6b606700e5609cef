"""``papergen import`` and ``papergen export-moodle``: bring questions in, take them to Moodle."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from papergen.cli.common import command, csv_encoding_option, reports_errors
from papergen.i18n import N_, _
from papergen.importers import (
    ImportedBank,
    SourceOptions,
    empty_sources_message,
    export_bank_file,
    import_to_bank_file,
    left_out_lines,
    load_mapping,
    parse_columns,
    write_left_out_csv,
)

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def _print_report(imported: ImportedBank, out: Path) -> None:
    result = imported.result
    for counts in result.files:
        click.echo(counts.summary())
    for problem in result.problems:
        click.echo(f"  {problem.labelled()}")
    for excluded in result.excluded:
        click.echo("  " + _("excluded {item} ({where}): {reason}").format(
            item=excluded.item_id, where=excluded.where, reason=excluded.reason))
    for line in left_out_lines(result):
        click.echo(f"  {line}")
    click.echo(result.accounting())
    for note in imported.notes:
        click.echo(note)
    types = Counter(item.type for item in imported.bank.items)
    if imported.written:
        click.echo(_("wrote {count} items (single {single}, multi {multi}, judge {judge}) to {path}").format(
            count=len(imported.bank.items), single=types.get("single", 0), multi=types.get("multi", 0),
            judge=types.get("judge", 0), path=out))
    else:
        click.echo(_("nothing written to {path}").format(path=out))


@command("import", help=N_("""Import exam questions into a bank from text, Word, Excel/CSV, GIFT, Aiken, Moodle XML or JSON.

    The format of each source is recognised from its content.  Only
    questions whose answer the source states are imported; every block
    left out is listed with file, line and reason (knowledge text, essay,
    fill-in, no answer, malformed, conflicting key, excluded), and the
    counts add up to the blocks read.  The exit status is 1 when a source
    gives no question.  Without --topics, items are sorted by the bundled
    keyword table, or into one 未分类 topic.

    \b
    Example:
      papergen import seeds/*.txt --topics topics.json --format formats/cs-180.json \\
          --exclude banks/sources/customer-service-exclusions.json --skipped skipped.csv \\
          --out banks/customer-service.json"""))
@click.argument("sources", nargs=-1, required=True, type=_FILE)
@click.option("--out", required=True, type=_OUT, help=N_("Bank file to write."))
@click.option("--topics", "topics_path", type=_FILE, help=N_("Topics file (a bank, or {id, title, version, topics}); default: the bundled keyword table's topics, else 未分类."))
@click.option("--merge-into", type=_FILE, help=N_("Existing bank to add the questions to (its items stay first)."))
@click.option("--exclude", "exclusions_path", type=_FILE, help=N_("Exclusion list {exclusions: [{id, reason}]}."))
@click.option("--format", "format_path", type=_FILE, help=N_("Paper format; items with more options than it prints are left out."))
@click.option("--bank-id", help=N_("Bank id (default: from --topics or --merge-into)."))
@click.option("--title", help=N_("Bank title (default: from --topics or --merge-into)."))
@click.option("--id-prefix", help=N_("Prefix of item ids (default: the initials of the bank id)."))
@click.option("--skipped", "skipped_path", type=_OUT, help=N_("CSV file listing every block left out (file, line, number, reason)."))
@click.option("--encoding", help=N_("Encoding of the text sources, e.g. gb18030 (default: detected per file)."))
@click.option("--columns", help=N_("Map a table's columns to roles, e.g. 'stem=题目内容,answer=正确选项,A=选项一'."))
@click.option("--mapping", "mapping_path", type=_FILE, help=N_("Mapping file naming a JSON bank's question list and fields."))
@csv_encoding_option
@reports_errors
def import_questions(
    sources: tuple[Path, ...],
    out: Path,
    topics_path: Path | None,
    merge_into: Path | None,
    exclusions_path: Path | None,
    format_path: Path | None,
    bank_id: str | None,
    title: str | None,
    id_prefix: str | None,
    skipped_path: Path | None,
    encoding: str | None,
    columns: str | None,
    mapping_path: Path | None,
) -> None:
    """Import questions from ``sources`` into the bank ``out`` and print what was taken and left out."""
    imported = import_to_bank_file(
        sources,
        out,
        topics_path=topics_path,
        merge_into=merge_into,
        exclusions_path=exclusions_path,
        format_path=format_path,
        bank_id=bank_id,
        title=title,
        id_prefix=id_prefix,
        options=SourceOptions(
            encoding=encoding,
            columns=parse_columns(columns) if columns else {},
            mapping=load_mapping(mapping_path) if mapping_path else {},
        ),
    )
    _print_report(imported, out)
    if skipped_path is not None:
        write_left_out_csv(imported.result, skipped_path)
        click.echo(_("wrote {count} left-out blocks to {path}").format(
            count=len(imported.result.left_out()), path=skipped_path))
    empty = empty_sources_message(imported.result.files)
    if empty:
        raise click.ClickException(empty)


@command("export-moodle", help=N_("""Export a bank as a Moodle XML question file, one category per topic.

    The same as papergen export --to moodle, which also writes GIFT, Aiken
    and Excel.

    \b
    Example:
      papergen export-moodle banks/customer-service.json --out customer-service.xml
    """))
@click.argument("bank", type=_FILE)
@click.option("--out", required=True, type=_OUT, help=N_("Moodle XML file to write."))
@reports_errors
def export_moodle_command(bank: Path, out: Path) -> None:
    """Write ``bank`` as Moodle XML to ``out`` and print how many questions went out."""
    items = export_bank_file(bank, out, "moodle").bank.items
    click.echo(_("wrote {count} questions in {categories} categories to {path}").format(
        count=len(items), categories=len({i.topic for i in items}), path=out))
