"""Shared pieces of the command line: settings and error translation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from papergen.errors import PapergenError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a library's named exception into a clean ``Error: ...`` and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PapergenError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper
