"""Crash safety: a grading run killed (SIGKILL) at random points, then rerun, gives the exports of an unbroken run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ("scores.csv", "responses.csv", "review.csv")
PAGES = 24
SEED = 20261206
"""Seed of the kill points; printed in a failure so a failing case can be rerun."""

GRADER = textwrap.dedent(f"""
    import sys, time
    from omr.result import SheetRead
    from fake_grading import ANSWERS_A, ANSWERS_B, FakeScans, make_manifest, make_read, sheet_qr, with_answers
    from papergen.grading import grade_batch

    exam = make_manifest()
    scans = FakeScans()
    for n in range({PAGES}):
        variant, answers = ("A", ANSWERS_A) if n % 2 else ("B", ANSWERS_B)
        read = make_read(with_answers(answers, q3="" if n % 3 else "A"), qr=sheet_qr(exam, variant),
                         candidate=f"{{n % 20:010d}}")
        outcome = {{5: SheetRead("blank", reason="duplex back"), 9: make_read(ANSWERS_A, qr=None),
                   13: RuntimeError("reader failed"), 17: SheetRead("quarantined", reason="poor fit")}}.get(n, read)
        scans.add(outcome, source=f"scans/{{n // 8}}.pdf")
    slow = scans.read_sheet

    def read_sheet(*args, **kwargs):
        time.sleep(0.01)
        return slow(*args, **kwargs)

    def progress(_):
        print("page", flush=True)

    grade_batch(["scans"], [exam], sys.argv[1], pages=scans.iter_pages, reader=read_sheet,
                layout=scans.grade_kwargs()["layout"], progress=progress)
    print("done", flush=True)
""")


def grader(script: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests" / "helpers")])}
    return subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE, text=True, env=env)


def finish(script: Path, out: Path) -> dict[str, bytes]:
    run = grader(script, out)
    output, _ = run.communicate(timeout=120)
    assert run.returncode == 0 and output.endswith("done\n"), output
    return {name: (out / name).read_bytes() for name in EXPORTS}


def test_a_run_killed_at_random_points_then_rerun_gives_identical_exports(tmp_path):
    script = tmp_path / "grade.py"
    script.write_text(GRADER, encoding="utf-8")
    expected = finish(script, tmp_path / "unbroken")
    chance = random.Random(SEED)
    for attempt in range(4):
        out = tmp_path / f"killed-{attempt}"
        kill_after = chance.randrange(0, PAGES + 1)
        for _ in range(chance.randrange(1, 3)):  # sometimes killed twice before a clean rerun
            run = grader(script, out)
            assert run.stdout is not None
            for _ in range(kill_after):
                if not run.stdout.readline():
                    break
            time.sleep(chance.uniform(0.0, 0.015))  # anywhere within the next page: read, score or commit
            os.kill(run.pid, signal.SIGKILL)
            run.wait(timeout=60)
            run.stdout.close()
        assert finish(script, out) == expected, f"seed {SEED}, attempt {attempt}, killed after {kill_after} pages"
