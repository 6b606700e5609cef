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

    Returns the language now in use.
    """
    chosen = set_language(lang)
    os.environ["PAPERGEN_LANG"] = chosen  # worker processes speak it too
    os.environ["LANGUAGE"] = chosen  # click's words: gettext's default domain, below
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    return chosen


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


def _english_help(option: click.Option | None, made_now: bool) -> click.Option | None:
    """The help option, its help set back to English when click has just made it, to be translated when shown.

    click makes the option once per command, its help translated then: kept as
    made, a page shown in Chinese first would show it in Chinese ever after.
    """
    if option is not None and made_now:
        option.help = N_("Show this message and exit.")
    return option


class LocalisedCommand(click.Command):
    """A command whose help page is translated when shown."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        made_now = self._help_option is None
        return _english_help(super().get_help_option(ctx), made_now)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self, ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):
            return super().get_short_help_str(limit)


class LocalisedGroup(click.Group):
    """A command group whose help page, and its commands' one-line summaries, are translated when shown."""

    command_class = LocalisedCommand

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        made_now = self._help_option is None
        return _english_help(super().get_help_option(ctx), made_now)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self, ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):
            return super().get_short_help_str(limit)


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
