"""``papergen build``: assemble an exam and write its key, booklets and answer sheets."""

from __future__ import annotations

from pathlib import Path

import click

from papergen.assembly import ExposureRule
from papergen.bank import DEFAULT_MIN_STATUS, DRAWABLE_STATUSES
from papergen.build import build_exam, write_format_layout
from papergen.cli.common import command, reports_errors, roster_encoding_option
from papergen.cli.progress import progress_bar
from papergen.i18n import N_, _
from papergen.resources import format_file

FilePath = click.Path(dir_okay=False, path_type=Path)


def exposure_rule(exclude_last: int, max_overlap: float | None, overlap_last: int) -> ExposureRule | None:
    """The exposure rule the options ask for, or ``None``."""
    if not exclude_last and max_overlap is None:
        return None
    return ExposureRule(exclude_last=exclude_last, max_overlap_pct=max_overlap, overlap_last=overlap_last)


@command("build", help=N_("""Assemble an exam and write key.json, booklets, answer sheets and key.pdf into a folder.

    Prints every file written and how the answer keys fall on each variant.
    Papers holding items that subject experts have not approved say so in
    key.json and here.

    \b
    Example:
      papergen build my-bank.json --format my-100.json --variants 4 --seed 7 --sheet generic --out exam/
      papergen build banks/customer-service.json --format cs-180 --variants 4 --seed 7 --out exam/ --roster candidates.csv
    """))
@click.argument("bank", type=FilePath)
@click.option("--format", "format_ref", required=True, metavar="FORMAT", help=N_("Paper format file or bundled id."))
@click.option("--variants", type=click.IntRange(min=1), default=1, show_default=True, help=N_("Variants A, B, C, ..."))
@click.option("--seed", type=int, required=True, help=N_("Seed every random choice derives from."))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help=N_("Output folder."))
@click.option("--mode", type=click.Choice(["shuffle", "parallel"]), default="shuffle", show_default=True,
              help=N_("shuffle: same items reordered; parallel: variants share no item."))
@click.option("--layout", "layout_path", type=FilePath, help=N_("Answer-sheet layout file (default: the format's)."))
@click.option("--roster", "roster_path", type=FilePath, help=N_("Candidate CSV: number,name[,variant][,room][,seat]."))
@roster_encoding_option
@click.option("--ledger", "ledger_path", type=FilePath, help=N_("Usage ledger (JSON Lines) to read and append."))
@click.option("--exclude-last", type=click.IntRange(min=0), default=0, help=N_("Exclude items of the last N sittings."))
@click.option("--max-overlap", type=click.FloatRange(0, 100), metavar="PCT",
              help=N_("At most PCT % of a paper from the last --overlap-last sittings."))
@click.option("--overlap-last", type=click.IntRange(min=1), default=1, show_default=True,
              help=N_("Sittings the overlap cap looks at."))
@click.option("--exam-id", help=N_("Exam id (default: <format id>-<seed>)."))
@click.option("--blueprint", "blueprint_path", type=FilePath, help=N_("Topic quotas per section (JSON)."))
@click.option("--date", help=N_("Sitting date for the ledger, YYYY-MM-DD (default: today)."))
@click.option("--min-status", type=click.Choice(DRAWABLE_STATUSES), default=DEFAULT_MIN_STATUS, show_default=True,
              help=N_("Draw only items at or above this review status; retired items never."))
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help=N_("Rendering processes."))
@click.option("--sheet", type=click.Choice(["per-variant", "generic"]), default="per-variant", show_default=True,
              help=N_("A blank sheet per variant, or one generic sheet with 试卷类型 bubbles for all variants."))
@click.option("--force", is_flag=True, help=N_("Empty an --out folder that holds another exam's files."))
@reports_errors
def build(bank: Path, format_ref: str, exclude_last: int, max_overlap: float | None, overlap_last: int,
          **options) -> None:
    """Build the exam from ``bank`` into ``--out`` and print the files written and the key balance."""
    with progress_bar(_("Rendering the papers")) as progress:
        result = build_exam(bank, format_file(format_ref),
                            exposure=exposure_rule(exclude_last, max_overlap, overlap_last), progress=progress,
                            **options)
    for line in result.summary():
        click.echo(line)
    for warning in result.warnings:
        click.echo(_("warning: {warning}").format(warning=warning), err=True)


@command("layout", help=N_("""Write the answer-sheet layout of a format, generated when the format names none.

    The file can be inspected, tuned by hand and passed back with
    ``papergen build --layout``.

    \b
    Example:
      papergen layout my-100.json --out layout.json
    """))
@click.argument("format_ref", metavar="FORMAT")
@click.option("--out", "out_path", required=True, type=FilePath, help=N_("Layout JSON to write."))
@click.option("--generic-variants", type=click.IntRange(min=0), default=0, show_default=True,
              help=N_("Lay out a generic sheet with 试卷类型 bubbles for this many variants (0: per-variant sheet)."))
@reports_errors
def layout(format_ref: str, out_path: Path, generic_variants: int) -> None:
    """Write the answer-sheet layout of ``format_ref`` to ``out_path`` and print its shape."""
    sheet = write_format_layout(format_file(format_ref), out_path, variants=generic_variants)
    paper = "A3" if sheet.page_width_mm > 250 else "A4"
    click.echo(_("wrote {path}: layout {layout}, {paper}, {questions} questions in {blocks} blocks").format(
        path=out_path, layout=sheet.id, paper=paper, questions=sheet.question_count, blocks=len(sheet.blocks)))
