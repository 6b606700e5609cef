"""Reads that do not hinge on the last grey level: small perturbations of a scan leave every decision alone.

A new OpenCV or NumPy release may move a pixel by a grey level or an interpolated sample by a few
thousandths.  The reader's decisions (marked, blank, flagged, the candidate number) must not move with
them: each perturbation below is far smaller than what separates a mark from paper on a real scan.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from omr import synth
from omr.layout import SheetLayout
from omr.read import read_sheet
from omr.result import SheetRead


def _noise(image: np.ndarray) -> np.ndarray:
    """±2 grey levels of uniform noise."""
    jitter = np.random.default_rng(0).integers(-2, 3, image.shape)
    return np.clip(image.astype(np.int16) + jitter, 0, 255).astype(np.uint8)


def _shift(interpolation: int) -> Callable[[np.ndarray], np.ndarray]:
    def shifted(image: np.ndarray) -> np.ndarray:
        """The page moved by 0.1 px right and down."""
        matrix = np.array([[1.0, 0.0, 0.1], [0.0, 1.0, 0.1]])
        return cv2.warpAffine(image, matrix, image.shape[::-1], flags=interpolation, borderValue=255)
    return shifted


def _resampled(image: np.ndarray) -> np.ndarray:
    """Up 25 % with bicubic interpolation and back down with pixel-area averaging."""
    h, w = image.shape
    up = cv2.resize(image, (w * 5 // 4, h * 5 // 4), interpolation=cv2.INTER_CUBIC)
    return cv2.resize(up, (w, h), interpolation=cv2.INTER_AREA)


PERTURBATIONS = {
    "noise ±2": _noise,
    "shift 0.1 px bilinear": _shift(cv2.INTER_LINEAR),
    "shift 0.1 px bicubic": _shift(cv2.INTER_CUBIC),
    "resampled cubic/area": _resampled,
}


def _decisions(read: SheetRead) -> dict:
    """Everything a score or a reviewer sees of a read: status, candidate number and flags, per-question
    marks and flags."""
    return {
        "status": read.status,
        "candidate": (read.candidate.digits, read.candidate.flags) if read.candidate else None,
        "questions": {q.number: (q.marked, q.flags) for q in read.questions},
    }


def _sheet(layout: SheetLayout, kind: str, dpi: int, seed: int, scan: synth.Scan | None = None) -> np.ndarray:
    marks = synth.SheetMarks(synth.random_answers(layout, seed, kind=kind), synth.candidate_marks("2026123456", kind))
    page = synth.draw_sheet(layout, dpi=dpi, marks=marks, seed=seed)
    return synth.capture(page, dpi, scan, seed=seed) if scan is not None else page


CLEAR_SHEETS = {
    "pen 100 dpi": ("pen", 100, 1, None),
    "pencil 150 dpi": ("pencil", 150, 2, None),
    "faint pencil 100 dpi": ("faint", 100, 4, None),
    "pencil photocopy 150 dpi": ("pencil", 150, 5, synth.Scan(paper=215, ink=60, noise_sigma=4, blur_sigma_px=0.6)),
    "pen skewed 200 dpi": ("pen", 200, 6, synth.Scan(skew_deg=2.5, margin_mm=8, noise_sigma=3)),
    "pencil washed-out copy 150 dpi": ("pencil", 150, 7, synth.Scan(paper=245, ink=140, noise_sigma=2)),
    "pen dark low-contrast scan 150 dpi": ("pen", 150, 8, synth.Scan(paper=214, ink=112, noise_sigma=2,
                                                                      blur_sigma_px=0.5)),
}


@pytest.mark.parametrize("perturbation", PERTURBATIONS)
@pytest.mark.parametrize("sheet", CLEAR_SHEETS)
def test_clear_marks_read_the_same_after_a_small_perturbation(layout: SheetLayout, sheet: str,
                                                              perturbation: str) -> None:
    kind, dpi, seed, scan = CLEAR_SHEETS[sheet]
    image = _sheet(layout, kind, dpi, seed, scan)
    before = read_sheet(image, layout, dpi=dpi)
    after = read_sheet(PERTURBATIONS[perturbation](image), layout, dpi=dpi)
    assert before.status == "read", before.reason
    assert _decisions(after) == _decisions(before)
    assert not any(q.flags for q in before.questions), [q.number for q in before.questions if q.flags]


@pytest.mark.parametrize("perturbation", PERTURBATIONS)
def test_blank_sheet_stays_blank_without_flags_after_a_small_perturbation(layout: SheetLayout,
                                                                          perturbation: str) -> None:
    image = synth.draw_sheet(layout, dpi=150)
    after = read_sheet(PERTURBATIONS[perturbation](image), layout, dpi=150)
    assert _decisions(after) == _decisions(read_sheet(image, layout, dpi=150))
    assert all(q.marked == () and q.flags == () for q in after.questions)


@pytest.mark.parametrize("perturbation", PERTURBATIONS)
def test_hard_marks_never_turn_into_a_different_unflagged_answer(layout: SheetLayout, perturbation: str) -> None:
    """Light fills, halves, ticks, crosses and erasures sit near a cut by design: a perturbation may move
    one between flagged and unflagged, but an unflagged read in both must be the same answer."""
    rng = np.random.default_rng(9)
    kinds = ("pen", "pencil", "faint", "light", "partial", "tick", "cross", "erasure", "dot")
    answers = {number: {option: str(rng.choice(kinds)) for option in chosen}
               for number, chosen in synth.random_answers(layout, 9).items()}
    image = synth.draw_sheet(layout, dpi=150, marks=synth.SheetMarks(answers), seed=9)
    before = read_sheet(image, layout, dpi=150)
    after = read_sheet(PERTURBATIONS[perturbation](image), layout, dpi=150)
    for q0, q1 in zip(before.questions, after.questions, strict=True):
        if not q0.flags and not q1.flags:
            assert q0.marked == q1.marked, q0.number


@pytest.mark.parametrize("perturbation", PERTURBATIONS)
def test_light_number_on_a_pen_sheet_reads_the_same_after_a_small_perturbation(layout: SheetLayout,
                                                                                perturbation: str) -> None:
    """The candidate-number grid read on its own scale: a lightly filled number beside pen answers."""
    marks = synth.SheetMarks(synth.random_answers(layout, 10, kind="pen"), synth.candidate_marks("2026555123", "faint"))
    image = synth.draw_sheet(layout, dpi=150, marks=marks, seed=10)
    before = read_sheet(image, layout, dpi=150)
    after = read_sheet(PERTURBATIONS[perturbation](image), layout, dpi=150)
    assert before.candidate.digits == "2026555123" and before.candidate.complete
    assert _decisions(after) == _decisions(before)
