"""Shared pieces of the command line: settings, the language, localised help and error translation.

Help texts are written in English, marked with :func:`~papergen.i18n.N_`
and translated when shown, so ``--lang`` (read before any command's module
is imported) and ``PAPERGEN_LANG`` decide the language of help pages too.
click's own words ("Usage:", "Error: …") come from the same catalogue.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
from collections.abc import Callable, Iterator
from typing import Any

import click

from papergen.errors import PapergenError
from papergen.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, N_, _, ngettext, set_language

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def speak(lang: str | None) -> str:
    """Use ``lang`` (None: the environment's) for papergen's messages and click's own, here and in workers.

    The variables set for that are put back as they were by the next call, unless something else changed
    them since: a ``--lang`` given to one command does not carry over to the next in the same process.

    Returns the language now in use.
    """
    for variable, (before, ours) in _SET.items():
        if os.environ.get(variable) != ours:
            continue  # changed since by someone else: theirs now
        if before is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = before
    _SET.clear()
    chosen = set_language(lang)
    if lang:
        _set_variable("PAPERGEN_LANG", chosen)  # worker processes speak it too
    _set_variable("LANGUAGE", chosen)  # click's words: gettext's default domain, below
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    return chosen


_SET: dict[str, tuple[str | None, str]] = {}
"""Environment variables :func:`speak` set: name -> (value before, value set)."""


def _set_variable(name: str, value: str) -> None:
    _SET[name] = (os.environ.get(name), value)
    os.environ[name] = value


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    speak(value)


lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), is_eager=True, expose_value=False, callback=_choose_language,
    help=N_("Language of messages, help and reports: zh (Chinese) or en (English); "
            "default: PAPERGEN_LANG, else the locale (Chinese under zh_*)."))
"""``--lang zh|en``: read before anything else, so even the help pages speak it."""


@contextlib.contextmanager
def _translated_help(command: click.Command, ctx: click.Context | None = None) -> Iterator[None]:
    """Show ``command``'s help texts and its parameters' in the language in use while inside the block."""
    saved = [(command, "help", command.help), (command, "short_help", command.short_help),
             (command, "epilog", command.epilog)]
    params = command.get_params(ctx) if ctx is not None else command.params  # with the help option
    saved += [(param, "help", getattr(param, "help", None)) for param in params]
    try:
        for owner, attribute, text in saved:
            if text:
                setattr(owner, attribute, _(text))
        yield
    finally:
        for owner, attribute, text in saved:
            setattr(owner, attribute, text)


def _english_help_option(command: click.Command, ctx: click.Context) -> click.Option | None:
    """``command``'s help option, its help kept in English so that each page shows it in the language in use.

    click makes the option once, in the language of that moment, and keeps it.
    """
    fresh = command._help_option is None  # noqa: SLF001 - click's cache of the option
    option = click.Command.get_help_option(command, ctx)
    if fresh and option is not None:
        option.help = N_("Show this message and exit.")
    return option


class _LocalisedHelp:
    """Help pages translated when shown: mixed into click's command classes (before them)."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _english_help_option(self, ctx)  # type: ignore[arg-type]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self, ctx):  # type: ignore[arg-type]
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):  # type: ignore[arg-type]
            return super().get_short_help_str(limit)  # type: ignore[misc]


class LocalisedCommand(_LocalisedHelp, click.Command):
    """A command whose help page is translated when shown."""


class LocalisedGroup(_LocalisedHelp, click.Group):
    """A command group whose help page, and its commands' one-line summaries, are translated when shown."""

    command_class = LocalisedCommand


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """``click.command`` with papergen's settings and a translated help page."""
    kwargs.setdefault("cls", LocalisedCommand)
    kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
    return click.command(*args, **kwargs)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a library's named exception into a clean ``Error: ...`` and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PapergenError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


CLICK_WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"),
    N_("Show this message and exit."), N_("Show the version and exit."), N_("%(prog)s, version %(version)s"),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."), N_("Aborted!"),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("Missing command."),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing parameter: {param_name}"),
    N_("Invalid value for {param_hint}: {message}"), N_("Invalid value: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is a file."), N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."), N_("Could not open file {filename!r}: {message}"),
    N_("default: {default}"), N_("required"), N_("file"), N_("directory"), N_("path"),
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1),
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
)
"""click's own messages papergen users meet most, in click's words, so the catalogue translates them too."""


def _choose_csv_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Write the command's CSV files in ``value``; the encoding before comes back when the command ends."""
    from papergen.files import csv_encoding, set_csv_encoding  # not at start-up: it loads pydantic

    before = csv_encoding()
    set_csv_encoding(value)
    ctx.call_on_close(lambda: set_csv_encoding(before))


csv_encoding_option = click.option(  # the choices are papergen.files.CSV_ENCODINGS, not imported at start-up
    "--csv-encoding", type=click.Choice(["utf-8", "gb18030"]), default="utf-8", show_default=True,
    expose_value=False, callback=_choose_csv_encoding,
    help=N_("Encoding of the CSV files written: utf-8 (with BOM, for Excel and WPS) or gb18030 "
            "(for programs that read only the Chinese Windows code page)."))
"""``--csv-encoding utf-8|gb18030`` on every command that writes CSV files."""


roster_encoding_option = click.option(
    "--roster-encoding", metavar="ENCODING",
    help=N_("The roster's encoding, e.g. gb18030 (default: detected: UTF-8, GBK/GB18030, Big5, UTF-16)."))
"""``--roster-encoding ENCODING`` beside every ``--roster``: detection fails only on short or unusual files."""
