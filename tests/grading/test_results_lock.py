"""One writer per results folder: a second run waits, then stops naming the holder; a dead holder's lock is taken over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from fake_grading import ANSWERS_A, FakeScans, make_manifest, make_read, sheet_qr
from papergen.errors import GradeError
from papergen.grading import LOCK_FILENAME, STORE_FILENAME, GradeParams, LockParams, Store, grade_batch

EXAM = make_manifest()
QUICK = GradeParams(lock=LockParams(wait_s=0.3, poll_s=0.05))


def scans():
    fake = FakeScans()
    fake.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A"), candidate="0000000001"))
    return fake


def hold(out, pid, host=None):
    out.mkdir(exist_ok=True)
    holder = {"pid": pid, "host": host or socket.gethostname(), "since": "2026-06-01T08:00:00+00:00"}
    (out / LOCK_FILENAME).write_text(json.dumps(holder), encoding="utf-8")


def dead_pid():
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_a_second_run_stops_naming_the_holder_and_stores_nothing(tmp_path):
    hold(tmp_path, os.getpid())
    with pytest.raises(GradeError, match=rf"another papergen run is writing these results \(process {os.getpid()} "
                                         rf"on {socket.gethostname()}, since 2026-06-01.*waited 0.3 s.*delete .*results\.lock"):
        grade_batch(["scans"], [EXAM], tmp_path, params=QUICK, **scans().grade_kwargs())
    assert not (tmp_path / STORE_FILENAME).exists()


def test_a_lock_from_another_host_is_never_taken_over(tmp_path):
    hold(tmp_path, dead_pid(), host="scanner-pc-不存在")
    with pytest.raises(GradeError, match="on scanner-pc-不存在"):
        grade_batch(["scans"], [EXAM], tmp_path, params=QUICK, **scans().grade_kwargs())


def test_a_dead_runs_lock_is_taken_over_and_released_after_the_run(tmp_path):
    hold(tmp_path, dead_pid())
    summary = grade_batch(["scans"], [EXAM], tmp_path, params=QUICK, **scans().grade_kwargs())
    assert summary.graded == 1
    assert not (tmp_path / LOCK_FILENAME).exists()


def test_a_second_run_waits_for_the_first_to_finish(tmp_path):
    hold(tmp_path, os.getpid())
    release = threading.Timer(0.3, (tmp_path / LOCK_FILENAME).unlink)
    release.start()
    patient = GradeParams(lock=LockParams(wait_s=10.0, poll_s=0.05))
    summary = grade_batch(["scans"], [EXAM], tmp_path, params=patient, **scans().grade_kwargs())
    release.join()
    assert summary.graded == 1 and summary.errors == []
    with Store.open(tmp_path / STORE_FILENAME) as store:
        assert [p.status for p in store.pages()] == ["graded"]
