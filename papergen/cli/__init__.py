"""The ``papergen`` command line: a thin click layer over the library.

Each command parses options, calls one library function and prints its
result; the library writes the error messages (see :mod:`papergen.errors`).
A command's module is imported only when that command runs (or help lists
it), so ``papergen grade`` does not pay for the bank, build and report code.
"""

from __future__ import annotations

import importlib

import click

from papergen import __version__
from papergen.cli.common import CONTEXT_SETTINGS, lang_option
from papergen.cli.common import speak as _speak
from papergen.cli.common import LocalisedGroup as _LocalisedGroup
from papergen.i18n import N_

__all__ = ["main"]


COMMANDS = {
    "validate": "validate_command:validate",
    "schema": "validate_command:schema",
    "grade": "grade_command:grade",
    "merge": "merge_command:merge",
    "import": "import_commands:import_questions",
    "export-moodle": "import_commands:export_moodle_command",
    "export": "export_commands:export_command",
    "build": "build_command:build",
    "layout": "build_command:layout",
    "report": "report_commands:report",
    "rescore": "report_commands:rescore",
    "writeback": "report_commands:writeback",
    "simulate": "simulate_command:simulate",
    "demo": "demo_command:demo",
    "review": "review_command:review",
    "status": "review_command:status",
}
"""Command name → ``module:attribute`` in :mod:`papergen.cli`: one line per command."""


class _LazyGroup(_LocalisedGroup):
    """A click group that imports a command's module only when the command is looked up."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra) -> click.Context:
        """Start each run in the environment's language (``-h`` may end the run before ``--lang`` is read)."""
        _speak(None)
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported on first use; None for an unknown name."""
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(f"papergen.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command


MAIN_HELP = N_("""Build Chinese certification exam papers and grade their scanned answer sheets.

    \b
    A typical sitting:
      papergen validate banks/customer-service.json --format formats/cs-180.json
      papergen build banks/customer-service.json --format formats/cs-180.json --variants 4 --seed 7 --out exam/
      papergen grade scans/ --key exam/key.json --out results/
      papergen report results/ --out reports/
    """)


@click.group(cls=_LazyGroup, context_settings=CONTEXT_SETTINGS, help=MAIN_HELP)
@lang_option
@click.version_option(__version__, "-V", "--version", prog_name="papergen")
def main() -> None:
    """The ``papergen`` group: ``--lang`` and ``--version`` here, the work in its commands."""
