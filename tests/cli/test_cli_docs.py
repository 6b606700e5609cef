"""Every command has help with an example and a section in the README."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from papergen.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.list_commands(None))


def test_the_cli_has_every_stage():
    assert {"validate", "import", "build", "grade", "report", "rescore", "demo", "simulate"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "-h"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and f"papergen {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert f"papergen {name}" in README, f"document 'papergen {name}' in README.md"


def test_the_version_option_prints_the_version():
    from papergen import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
