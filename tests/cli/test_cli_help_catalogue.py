"""Every command's help page, and every option's help, is in the catalogue and shown in the language chosen."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from papergen.cli import COMMANDS, main
from papergen.i18n import _, using_language


def _command(name: str) -> click.Command:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    return command


def _texts(command: click.Command) -> list[str]:
    texts = [command.help, command.short_help, command.epilog]
    texts += [getattr(p, "help", None) for p in command.params]
    return [t for t in texts if t]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_help_text_of_a_command_is_translated(name):
    command = _command(name)
    with using_language("zh"):
        untranslated = [text[:70] for text in _texts(command) if _(text) == text]
    assert command.help, f"{name} has no help"
    assert untranslated == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_page_speaks_the_language_asked_for(name):
    chinese = CliRunner().invoke(main, ["--lang", "zh", name, "-h"])
    english = CliRunner().invoke(main, ["--lang", "en", name, "-h"])
    assert chinese.exit_code == english.exit_code == 0, chinese.output + english.output
    assert "用法：" in chinese.output and "显示本帮助并退出" in chinese.output
    assert "Usage:" in english.output and "Show this message and exit." in english.output
    first_line = _command(name).help.strip().splitlines()[0]
    assert first_line in english.output.replace("\n  ", " ") or first_line[:30] in english.output
    assert first_line[:30] not in chinese.output
