"""An exam built from the bundled bank, for the simulation, accuracy and demo tests."""

from __future__ import annotations

from pathlib import Path

from omr.layout import SheetLayout, load_layout
from papergen.build import BuildResult, build_exam
from papergen.resources import bundled_bank_path, bundled_format_path, bundled_layout_path

BANK_ID = "customer-service"
FORMAT_ID = "cs-180"


def build_bundled_exam(out_dir: Path, *, variants: int = 2, seed: int = 5) -> BuildResult:
    """Build the bundled cs-180 exam into ``out_dir``."""
    return build_exam(bundled_bank_path(BANK_ID), bundled_format_path(FORMAT_ID), out_dir=out_dir,
                      variants=variants, seed=seed)


def bundled_layout() -> SheetLayout:
    """The bundled a4-180 layout the exam is printed on."""
    return load_layout(bundled_layout_path("a4-180"))
