"""A small graded results folder with flags of every kind, for the review tests.

Built through :func:`papergen.grading.grade_batch` with fake scans (see
``tests/grading_fixtures.py``), so the store is exactly what a real run
writes: a sheet with an ambiguous question and an erasure, a sheet with an
unreadable candidate number, a clean sheet, a quarantined page, and a roster
of four with one candidate who never sat.
"""

from __future__ import annotations

from pathlib import Path

from grading_fixtures import ANSWERS_A, ANSWERS_B, FakeScans, make_manifest, make_read, sheet_qr, with_answers
from omr.result import SheetRead
from papergen.grading import grade_batch
from papergen.manifest import Candidate
from papergen.store import STORE_FILENAME, Store

ROSTER = [Candidate(number="2024000001", name="王小明", variant="A"),
          Candidate(number="2024000002", name="李华", variant="B"),
          Candidate(number="2024000003", name="张伟", variant="A"),
          Candidate(number="2024000004", name="刘洋", variant="B")]
EXAM = make_manifest(candidates=ROSTER)
FLAGGED = "scans/a.pdf#1"
"""Name of the page with question 4 ambiguous (read D, B unsure) and question 9 flagged for an erasure."""
UNREADABLE = "scans/a.pdf#2"
"""Name of the page whose candidate grid reads 20240?0002."""


def sitting_scans() -> FakeScans:
    """The fake scans of the sitting (see the module docstring)."""
    scans = FakeScans()
    scans.add(make_read(with_answers(ANSWERS_A, q2=""), qr=sheet_qr(EXAM, "A"), candidate="2024000001",
                        ambiguous={4: "B"}, flags={9: ("erasure",)}), name=FLAGGED)
    scans.add(make_read(ANSWERS_B, qr=sheet_qr(EXAM, "B"), candidate="20240?0002"), name=UNREADABLE)
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A"), candidate="2024000003"))
    scans.add(SheetRead("quarantined", reason="3 of 4 fiducials found (bottom-left missing)"), source="scans/b.pdf")
    return scans


def graded_sitting(folder: Path, scans: FakeScans | None = None) -> FakeScans:
    """Grade the sitting into ``folder``; returns the scans (to grade them again)."""
    scans = scans or sitting_scans()
    grade_batch(["scans"], [EXAM], folder, **scans.grade_kwargs())
    return scans


def sha_of(scans: FakeScans, name: str) -> str:
    """The content hash of the page added under ``name``."""
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()


def open_store(folder: Path) -> Store:
    """The results store of a graded folder."""
    return Store.open(folder / STORE_FILENAME)
