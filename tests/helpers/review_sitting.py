"""A small graded results folder with flags of every kind, for the review tests.

Built through :func:`papergen.grading.grade_batch` with fake scans (see
``tests/helpers/fake_grading.py``), so the store is exactly what a real run
writes: a sheet with an ambiguous question and an erasure, a sheet with an
unreadable candidate number, a clean sheet, a quarantined page, and a roster
of four with one candidate who never sat.
"""

from __future__ import annotations

from pathlib import Path

from fake_grading import (
    ANSWERS_A,
    ANSWERS_B,
    FakeScans,
    make_manifest,
    make_read,
    sheet_qr,
    with_answers,
)

from omr.result import SheetRead
from papergen.exam import Candidate
from papergen.grading import STORE_FILENAME, Store, grade_batch

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


# -- a sitting with real scans (pictures, registration by hand, the browser) -----------------------

SCAN_DPI = 150.0
TORN = "torn.png"
"""The scan whose top-left corner square is missing (set aside by the reader)."""


def _sheet_image(variant: str, answers: dict[int, str], number: str, *, extra: dict[int, dict[str, str]] | None = None,
                 torn: bool = False, seed: int = 0):
    from fake_grading import small_layout

    from omr.layout import MM_PER_INCH
    from omr.synth import SheetMarks, candidate_marks, draw_sheet

    layout = small_layout()
    marks = {n: {o: "pen" for o in keys} for n, keys in answers.items() if keys}
    for n, kinds in (extra or {}).items():
        marks[n] = kinds
    image = draw_sheet(layout, dpi=SCAN_DPI, qr_text=sheet_qr(EXAM, variant),
                       marks=SheetMarks(marks, candidate_marks(number)), seed=seed)
    if torn:
        scale = SCAN_DPI / MM_PER_INCH
        x, y = layout.fiducials.centres_mm[0]
        half = layout.fiducials.size_mm * scale * 0.8
        image[int(y * scale - half):int(y * scale + half), int(x * scale - half):int(x * scale + half)] = 250
    return image


def scanned_sitting(folder: Path) -> Path:
    """Scans of three sheets graded into ``folder/results`` with the real reader; returns the results folder.

    ``a.png``: variant A with question 3 ticked (flagged) and question 5 an erasure beside a pencil mark lighter than the sheet's pen
    marks (flagged: beside a clear pen mark it would be an answer changed, read without review);
    ``b.png``: variant B, digit 6 of the candidate number left blank (unreadable);
    ``torn.png``: variant A with its top-left corner square torn off (set aside).
    """
    import cv2
    from fake_grading import small_layout

    scans = folder / "scans"
    scans.mkdir(parents=True)
    cv2.imwrite(str(scans / "a.png"), _sheet_image("A", with_answers(ANSWERS_A, q3="", q5="A"), "2024000001",
                                                     extra={3: {"C": "tick"}, 5: {"A": "pencil", "B": "erasure"}}))
    cv2.imwrite(str(scans / "b.png"), _sheet_image("B", ANSWERS_B, "20240 0002", seed=1))
    cv2.imwrite(str(scans / TORN), _sheet_image("A", ANSWERS_A, "2024000003", torn=True, seed=2))
    results = folder / "results"
    grade_batch([scans], [EXAM], results, layout=small_layout())
    return results
