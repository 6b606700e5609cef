"""Fixtures of the reader's tests: the bundled layout and synthetic sheets with exact truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from omr import synth
from omr.layout import SheetLayout, load_layout

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def layout() -> SheetLayout:
    """The shipped A4 layout: 140 A-D, 20 T/F, 20 A-E multiple, 10-digit candidate grid."""
    return load_layout(REPO / "layouts" / "a4-180.json")


@pytest.fixture(scope="session")
def pen_sheet(layout: SheetLayout) -> tuple:
    """A 100 dpi sheet with one pen mark per question (1-4 on multiple choice): (image, marks)."""
    marks = synth.SheetMarks(synth.random_answers(layout, 11), synth.candidate_marks("2025010001"))
    return synth.draw_sheet(layout, dpi=100, marks=marks, seed=11), marks
