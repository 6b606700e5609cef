"""One writer per results folder: a lock file naming the process and host that holds it.

``papergen grade`` and ``papergen rescore`` write a results folder; two of
them at once would interleave pages, clash on exports and store pages as
errors.  :func:`results_lock` creates ``results.lock`` (exclusively) with
the holder's process id, host name and start time, and removes it when the
writer is done.  A second writer waits a little for the lock, then stops
with a message naming the holder.  A lock left by a writer that died (its
process id no longer runs on this host) is taken over; a lock from another
host is never taken over, since its process cannot be checked from here.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from papergen.errors import GradeError
from papergen.files import make_folder
from papergen.i18n import N_, _, os_error_reason

__all__ = ["LOCK_FILENAME", "LockParams", "results_lock"]

LOCK_FILENAME = "results.lock"


@dataclass(frozen=True)
class LockParams:
    """Tunables of the results lock.

    Attributes
    ----------
    wait_s : float
        How long a second writer waits for the lock before stopping, seconds.
    poll_s : float
        Pause between two attempts while waiting, seconds.
    unreadable_stale_s : float
        A lock file that cannot be read (its writer died while creating it)
        is taken over once it is this old, seconds.
    """

    wait_s: float = 10.0
    poll_s: float = 0.2
    unreadable_stale_s: float = 60.0


@contextmanager
def results_lock(folder: str | Path, params: LockParams = LockParams()) -> Iterator[Path]:
    """Hold ``folder/results.lock`` for the duration of a ``with`` block (the folder is created if needed).

    Raises
    ------
    GradeError
        If another live writer holds the lock for longer than ``params.wait_s``
        (naming its process id, host and start time), or the folder cannot be created.
    """
    path = make_folder(folder, GradeError, N_("the output folder")) / LOCK_FILENAME
    mine = _acquire(path, params)
    try:
        yield path
    finally:
        if _read(path) == mine:
            path.unlink(missing_ok=True)


def _acquire(path: Path, params: LockParams) -> dict[str, object]:
    deadline = time.monotonic() + params.wait_s
    while True:
        mine = {"pid": os.getpid(), "host": socket.gethostname(),
                "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if _create(path, mine):
            return mine
        holder = _read(path)
        if _stale(path, holder, params):
            if _read(path) == holder:  # still the same dead holder: take it over
                path.unlink(missing_ok=True)
            continue
        if time.monotonic() >= deadline:
            raise GradeError(_busy_message(path, holder, params))
        time.sleep(params.poll_s)


def _create(path: Path, content: dict[str, object]) -> bool:
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    except OSError as exc:
        raise GradeError(_("{path}: cannot create the results lock ({error}); choose another --out").format(
            path=path, error=os_error_reason(exc))) from exc
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(json.dumps(content))
    return True


def _read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _stale(path: Path, holder: dict[str, object] | None, params: LockParams) -> bool:
    if holder is None:
        try:
            return time.time() - path.stat().st_mtime > params.unreadable_stale_s
        except FileNotFoundError:
            return True  # released meanwhile
    pid = holder.get("pid")
    return holder.get("host") == socket.gethostname() and isinstance(pid, int) and not _running(pid)


def _running(pid: int) -> bool:
    """True if a process with this id runs on this host (where that cannot be told: True)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _busy_message(path: Path, holder: dict[str, object] | None, params: LockParams) -> str:
    who = (_("process {pid} on {host}, since {since}").format(pid=holder.get("pid"), host=holder.get("host"),
                                                               since=holder.get("since"))
           if holder else _("a run whose lock file cannot be read"))
    return _("{folder}: another papergen run is writing these results ({who}); waited {seconds} s; rerun when it "
             "has finished, or delete {path} if that run is no longer running").format(
                 folder=path.parent, who=who, seconds=f"{params.wait_s:g}", path=path)
