"""Serving the review workstation: uvicorn on a local port, a random access token, the browser opened.

:func:`serve_review` binds 127.0.0.1 (or the host asked for, to serve a
LAN on purpose) on a free port unless one is given, prints the URL with
its token, opens the default browser, and serves until interrupted; the
exports are written once more on the way out.
"""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path

from papergen.errors import ReviewError
from papergen.i18n import _, os_error_reason
from papergen.review.app import ReviewConfig, create_app
from papergen.review.sitting import RosterPerson

__all__ = ["DEFAULT_HOST", "bind_socket", "review_url", "serve_review"]

DEFAULT_HOST = "127.0.0.1"
"""Only this machine can reach the server unless another host is asked for."""


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``: ``port``, 0 for a free one.

    Raises
    ------
    ReviewError
        If the address cannot be bound (port in use, unknown host).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it a response's header and body wait out the client's
        # delayed ACK (Nagle), 40 ms added to every answer.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ReviewError(_("review: cannot listen on {host}:{port} ({error}); choose another --port").format(
            host=host, port=port, error=os_error_reason(exc))) from exc
    return sock


def review_url(host: str, port: int, token: str) -> str:
    """The address to open, token included."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve_review(results_dir: str | Path, *, who: str, host: str = DEFAULT_HOST, port: int = 0,
                 roster: Sequence[RosterPerson] | None = None, layout: Path | None = None, open_browser: bool = True,
                 announce: Callable[[str], None] = print) -> None:
    """Serve the review workstation of a results folder until interrupted (Ctrl+C).

    Parameters
    ----------
    results_dir : path
        The grading output folder.
    who : str
        The reviewer recorded with each decision.
    host : str
        Address to bind; ``127.0.0.1`` keeps it to this machine.
    port : int
        TCP port; 0 for a free one.
    roster : sequence of RosterPerson, optional
        Roster to reconcile with instead of the exams' own.
    layout : path, optional
        Sheet layout file; default: the bundled layout the keys name.
    open_browser : bool
        Open the default browser at the URL.
    announce : callable
        Receives the lines to show (the URL with its token).

    Raises
    ------
    ReviewError
        If the folder has no results or the address cannot be bound.
    """
    import uvicorn

    config = ReviewConfig.new(results_dir, who, roster, layout)
    app = create_app(config)
    sock = bind_socket(host, port)
    url = review_url(host, sock.getsockname()[1], config.token)
    announce(_("Review workstation: {url}").format(url=url))
    announce(_("Ctrl+C stops the server"))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the Ctrl+C it caught once it has shut down: a normal stop
        pass
    finally:
        sock.close()
        app.state.exports.write_now()
        app.state.exports.close()
    error = app.state.exports.error
    announce(_("Stopped; exports not written: {error}").format(error=error) if error
             else _("Stopped; exports written"))


def _open_when_started(server, url: str) -> None:
    import time

    for _ in range(100):
        if server.started:
            webbrowser.open(url)
            return
        time.sleep(0.05)
