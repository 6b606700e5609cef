"""The ``papergen`` command line: a thin click layer over the library.

Each command parses options, calls one library function and prints its
result; the library writes the error messages (see :mod:`papergen.errors`).
"""

from __future__ import annotations

import click

from papergen import __version__
from papergen.cli.common import CONTEXT_SETTINGS

__all__ = ["main"]


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="papergen")
def main() -> None:
    """Build Chinese certification exam papers and grade their scanned answer sheets.

    \b
    A typical sitting:
      papergen validate banks/customer-service.json --format formats/cs-180.json
      papergen build banks/customer-service.json --format formats/cs-180.json --variants 4 --seed 7 --out exam/
      papergen grade scans/ --key exam/key.json --out results/
      papergen report results/ --out reports/
    """


# Command registration: one line per command module.
# (commands are added below as their modules land)
from papergen.cli import validate_command  # noqa: E402

main.add_command(validate_command.validate)
main.add_command(validate_command.schema)
from papergen.cli import grade_command  # noqa: E402

main.add_command(grade_command.grade)
from papergen.cli import import_commands  # noqa: E402

main.add_command(import_commands.import_questions)
main.add_command(import_commands.export_moodle_command)
from papergen.cli import export_commands  # noqa: E402

main.add_command(export_commands.export_command)
from papergen.cli import build_command  # noqa: E402

main.add_command(build_command.build)
main.add_command(build_command.layout)
from papergen.cli import report_commands  # noqa: E402

main.add_command(report_commands.report)
main.add_command(report_commands.rescore)
main.add_command(report_commands.writeback)
from papergen.cli import simulate_command  # noqa: E402

main.add_command(simulate_command.simulate)
from papergen.cli import demo_command  # noqa: E402

main.add_command(demo_command.demo)
from papergen.cli import review_command  # noqa: E402

main.add_command(review_command.review)
main.add_command(review_command.status)
