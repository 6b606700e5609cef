"""Progress of a long command, drawn on stderr so piped output stays clean.

The library reports ``(done, total)`` through a callback (with the step's
label where a command runs several steps); the command line draws it with
:func:`click.progressbar`: a bar on a terminal, only its label (once) when
stderr is a file or a pipe.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

__all__ = ["Progress", "StepProgress", "progress_bar", "progress_steps"]

Progress = Callable[[int, int], None]
"""A progress callback: ``(done, total)``, counted in the units of the step running."""

StepProgress = Callable[[str, int, int], None]
"""A progress callback of a command of several steps: ``(label, done, total)``."""


@contextlib.contextmanager
def progress_steps() -> Iterator[StepProgress]:
    """A callback drawing one bar per step on stderr, labelled with the step's (translated) label.

    A bar appears on a step's first call; a call with another label or total,
    or fewer done than before, ends it and starts the next one.
    """
    state: dict[str, Any] = {"bar": None, "label": None, "done": 0, "total": 0}

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
            state["bar"] = None

    def update(label: str, done: int, total: int) -> None:
        if state["bar"] is not None and (label, total) != (state["label"], state["total"]) or done < state["done"]:
            close()
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=max(total, 1), label=label, show_pos=True,
                                             file=sys.stderr).__enter__()
            state.update(label=label, done=0, total=total)
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield update
    finally:
        close()


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """A ``(done, total)`` callback drawing a bar labelled ``label`` (already translated) on stderr."""
    with progress_steps() as steps:
        yield lambda done, total: steps(label, done, total)
