"""A running review server and a headless Chromium for the end-to-end tests.

The browser is the system's ``chromium`` (Debian package), driven by
Playwright: Playwright's own browser download is not used.  Without a
chromium the tests are skipped with a reason on a developer's machine and
fail under CI (the CI variable set), so they never pass silently.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_grading import small_layout

from papergen.review.app import ReviewConfig, create_app
from papergen.review.serve import bind_socket, review_url

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]


def chromium_or_skip() -> str:
    """The path of the system chromium; skip (or fail under CI) without it or without Playwright."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[test]')"
    path = shutil.which("chromium")
    if problem is None and path is None:
        problem = "no chromium on PATH (apt-get install -y chromium)"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {problem}")
        pytest.skip(f"browser tests need a browser: {problem}")
    return path


@dataclass
class RunningReview:
    """A review server in a background thread."""

    url: str
    app: object
    results: Path

    def at(self, fragment: str = "", *, lang: str | None = None) -> str:
        """The URL with the token, an optional language and a ``#/...`` fragment."""
        return self.url + (f"&lang={lang}" if lang else "") + fragment


@contextmanager
def running_review(results: Path, who: str = "监考甲", lang: str = "zh") -> Iterator[RunningReview]:
    """Serve ``results`` with uvicorn on a free local port for the duration of the block, opening in ``lang``."""
    import uvicorn

    token = ReviewConfig.new(results, who).token
    config = ReviewConfig(results, token, who, layout=small_layout(), export_delay_s=0.0, lang=lang)
    app = create_app(config)
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield RunningReview(review_url("127.0.0.1", sock.getsockname()[1], config.token), app, results)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.state.exports.close()
