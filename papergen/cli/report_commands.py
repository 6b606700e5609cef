"""``papergen report``, ``papergen rescore``, ``papergen writeback``: results for instructors."""

from __future__ import annotations

from pathlib import Path

import click

from papergen.bank import load_bank
from papergen.cli.common import command, csv_encoding_option, reports_errors
from papergen.cli.progress import progress_steps
from papergen.grading import EXIT_EXPORTS_FAILED, rescore_results
from papergen.i18n import N_, _
from papergen.report import ANSWER_DETAILS, rescore_lines, write_exam_exports, write_reports
from papergen.writeback import writeback_results

_RESULTS = click.Path(exists=True, file_okay=False, path_type=Path)
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

REPORT_HELP = N_("""Write the cohort report, score slips, item analysis and workbook of every exam graded.

    For each exam in RESULTS_DIR/results.sqlite: report-<exam>.pdf/.html
    (scores, histograms, sections, topics, item analysis, miskey suspects),
    slips-<exam>.pdf/.html (one page per candidate), item-analysis-<exam>.csv
    and results-<exam>.xlsx; with --annotate the scans overlaid with the
    marks read (green right, red wrong, amber for review, the key where wrong).
    Slips list the questions missed without the correct answers unless
    --answers missed or all asks for them.  The report and workbook speak
    the language of --lang; slips stay in Chinese.

    \b
    Example:
      papergen report results/ --out reports/ --cut 60 --annotate --answers missed
    """)


@command("report", help=REPORT_HELP)
@click.argument("results_dir", type=_RESULTS)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=N_("Folder for the reports."))
@click.option("--cut", type=float, default=None,
              help=N_("Cut score in points of the full marks; default the format's pass mark."))
@click.option("--outputs", "formats", default="pdf,html", show_default=True,
              help=N_("Report and slip file types, comma-separated: pdf, html."))
@click.option("--format", "old_format", hidden=True, callback=lambda ctx, param, value: _renamed(value))
@click.option("--annotate", is_flag=True, help=N_("Also draw each scanned sheet with what was read and scored."))
@click.option("--annotate-as", type=click.Choice(["jpeg", "png", "pdf"]), default="jpeg", show_default=True,
              help=N_("A JPEG per page, a PNG per page, or a PDF per candidate."))
@click.option("--bank", "bank_path", type=_FILE, help=N_("The exam's bank, for scores per topic."))
@click.option("--layout", type=_FILE, help=N_("Sheet layout file for --annotate; default: the bundled one."))
@click.option("--answers", type=click.Choice(ANSWER_DETAILS), default="none", show_default=True,
              help=N_("What slips list: missed questions without the correct answers, with them, or all questions."))
@csv_encoding_option
@reports_errors
def report(results_dir: Path, out_dir: Path, cut: float | None, formats: str, old_format: None, annotate: bool,
           annotate_as: str, bank_path: Path | None, layout: Path | None, answers: str) -> None:
    """Write every report of every exam of RESULTS_DIR (see :data:`REPORT_HELP`)."""
    bank = load_bank(bank_path) if bank_path is not None else None
    with progress_steps() as steps:
        run = write_reports(results_dir, out_dir, cut=cut, formats=formats.split(","), annotate=annotate,
                            annotate_as=annotate_as, bank=bank, layout=layout,
                            answers=answers,  # type: ignore[arg-type]
                            progress=lambda done, total: steps(_("Writing the reports"), done, total),
                            annotate_progress=lambda done, total: steps(_("Annotating the scans"), done,
                                                                        total))
    for line in run.describe():
        click.echo(line)


def _renamed(value: str | None) -> None:
    """``report --format`` became ``--outputs``: everywhere else ``--format`` names a paper format."""
    if value is not None:
        raise click.UsageError(_("report --format {value}: this option is now --outputs {value} "
                                 "(--format names a paper format in every other command)").format(value=value))


RESCORE_HELP = N_("""Correct the key and rescore every stored sheet without reading the scans again.

    The corrected key is written beside the old one as the next version
    (key.v2.json, never replacing a file) with a change log
    (key.v2.changes.json); the scores in RESULTS_DIR, its CSV exports, item
    analysis and workbook are rewritten, and the run is recorded in the store.
    If the rescore fails, neither file is left behind.  Exits with status 4
    when the rescore is stored but the exports could not be rewritten.

    \b
    Example:
      papergen rescore results/ --key exam/key.json --corrections fixes.json
    """)


@command("rescore", help=RESCORE_HELP)
@click.argument("results_dir", type=_RESULTS)
@click.option("--key", "key_path", required=True, type=_FILE,
              help=N_("The key the results were last scored with (key.json or the latest key.vN.json)."))
@click.option("--corrections", "corrections_path", required=True, type=_FILE,
              help=N_("Corrections file (JSON): answers changed, answers also accepted, questions dropped."))
@csv_encoding_option
@reports_errors
def rescore(results_dir: Path, key_path: Path, corrections_path: Path) -> None:
    """Rescore RESULTS_DIR with corrections to the key (see :data:`RESCORE_HELP`)."""
    outcome = rescore_results(results_dir, key_path, corrections_path, exam_exports=write_exam_exports)
    for line in rescore_lines(outcome):
        click.echo(line)
    if outcome.exports_problem:
        click.get_current_context().exit(EXIT_EXPORTS_FAILED)


WRITEBACK_HELP = N_("""Write each item's difficulty, discrimination and point-biserial into the bank.

    \b
    Example:
      papergen writeback results/ --bank banks/customer-service.json
    """)


@command("writeback", help=WRITEBACK_HELP)
@click.argument("results_dir", type=_RESULTS)
@click.option("--bank", "bank_path", required=True, type=_FILE, help=N_("The bank file to update in place."))
@click.option("--exam", "exam_id", default=None, help=N_("The exam, when the results hold several of this bank."))
@reports_errors
def writeback(results_dir: Path, bank_path: Path, exam_id: str | None) -> None:
    """Write item statistics of RESULTS_DIR into a bank (see :data:`WRITEBACK_HELP`)."""
    result = writeback_results(results_dir, bank_path, exam_id=exam_id)
    for line in result.describe():
        click.echo(line)
