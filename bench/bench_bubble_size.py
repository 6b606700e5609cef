"""Choose the bubble size and spacing of generated sheets on evidence: 2B-pencil overspill against spacing.

Run from the repository root::

    python bench/bench_bubble_size.py [--sheets 6] [--dpi 200] [--seed 1]

For each candidate geometry (bubble width x height, white gap between the
bubbles of a row) a 100-question sheet is generated from a format
(:func:`papergen.exam.design_layout` with that geometry), rendered to PDF and
rasterised.  Every question gets one pencil fill that spills past the printed
outline by ``overspill`` mm on every side (0 to 1.2 mm, the range of a hurried
candidate's 2B pencil), drawn off centre by up to 0.3 mm; the pages are read
back.  For each geometry and overspill the table gives the questions read
right, the questions flagged for review, and the silent misreads (a wrong
answer nobody is asked to check).  The geometry of generated sheets is the
smallest one that reads every overspill up to 0.8 mm without a silent
misread and with few flags.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from omr.layout import MM_PER_INCH, SheetLayout
from omr.read import read_sheet
from papergen.exam import PaperFormat, design_layout
from papergen.exam.sheet_design import DEFAULT_DESIGN
from papergen.render import SheetPrint, render_sheets

GEOMETRIES = (  # (width, height, gap between bubbles of a row), mm
    (4.0, 2.8, 1.0),
    (4.0, 2.8, 1.5),
    (4.5, 3.0, 1.0),
    (4.5, 3.0, 1.5),
    (5.0, 3.0, 1.5),
)
OVERSPILLS_MM = (0.0, 0.4, 0.8, 1.2)
PENCIL_GREY = 90
"""Grey of a firm 2B pencil fill on white paper (0-255)."""

FORMAT = PaperFormat.model_validate({
    "id": "bench-100", "title": "气泡尺寸试验", "duration_min": 60,
    "sections": [
        {"key": "single", "type": "single", "title": "单项选择题", "count": 80, "points": 1, "options": 4},
        {"key": "multi", "type": "multi", "title": "多项选择题", "count": 20, "points": 1, "options": 5},
    ],
})


def layout_for(width: float, height: float, gap: float) -> SheetLayout:
    """The bench format's sheet with this bubble geometry."""
    design = replace(DEFAULT_DESIGN, bubble_width_mm=width, bubble_height_mm=height,
                     option_pitch_mm=width + gap, judge_pitch_mm=width + gap + 1.0,
                     row_pitch_mm=max(DEFAULT_DESIGN.row_pitch_mm, height + 1.8))
    return design_layout(FORMAT, design=design)


def blank_page(layout: SheetLayout, dpi: float, folder: Path) -> np.ndarray:
    """The rendered sheet as a grey raster at ``dpi``."""
    path = folder / f"{layout.bubble.width_mm}-{layout.blocks[0].option_pitch_mm}.pdf"
    render_sheets(layout, [SheetPrint("气泡尺寸试验", "bench-1", "A", "1a2b3c4d", "PG1|bench-1|A|1a2b3c4d|")], path)
    pdf = pdfium.PdfDocument(str(path))
    try:
        return np.array(pdf[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    finally:
        pdf.close()


def spill(page: np.ndarray, dpi: float, layout: SheetLayout, overspill_mm: float,
          rng: np.random.Generator) -> dict[int, str]:
    """One pencil fill per question, grown by ``overspill_mm`` past the outline; the options filled."""
    scale = dpi / MM_PER_INCH
    chosen = {}
    centres = {(s.question, s.option): (s.x_mm, s.y_mm) for s in layout.bubbles()}
    for spec in layout.questions():
        option = spec.options[int(rng.integers(len(spec.options)))]
        x, y = centres[(spec.number, option)]
        dx, dy = rng.uniform(-0.3, 0.3, 2)
        axes = ((layout.bubble.width_mm / 2 + overspill_mm) * scale, (layout.bubble.height_mm / 2 + overspill_mm) * scale)
        centre = (int(round((x + dx) * scale * 16)), int(round((y + dy) * scale * 16)))
        cv2.ellipse(page, centre, (int(axes[0] * 16), int(axes[1] * 16)), float(rng.normal(0, 5)), 0, 360,
                    PENCIL_GREY, -1, cv2.LINE_AA, 4)
        chosen[spec.number] = option
    return chosen


def measure(layout: SheetLayout, page: np.ndarray, dpi: float, overspill_mm: float, sheets: int,
            seed: int) -> tuple[int, int, int, int, list[str]]:
    """Questions read right, flagged (a page not read counts all its questions), silently misread, in all;
    and the reasons pages were not read."""
    right = flagged = silent = total = 0
    refused: list[str] = []
    for k in range(sheets):
        rng = np.random.default_rng([seed, k, int(overspill_mm * 10)])
        marked = page.copy()
        truth = spill(marked, dpi, layout, overspill_mm, rng)
        read = read_sheet(marked, layout, dpi=dpi)
        if read.status != "read":
            refused.append(read.reason)
            flagged += len(truth)
            total += len(truth)
            continue
        for question in read.questions:
            total += 1
            ok = question.marked == (truth[question.number],)
            if question.needs_review:
                flagged += 1
            elif ok:
                right += 1
            else:
                silent += 1
    return right, flagged, silent, total, refused


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit status 1 if the generated sheets' geometry misreads silently up to 0.8 mm."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=6, help="sheets per geometry and overspill (default 6)")
    parser.add_argument("--dpi", type=float, default=200.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{'bubble mm':>10} {'gap mm':>7} {'spill mm':>9} {'right':>7} {'flagged':>8} {'silent':>7} "
          f"{'pages not read':>15}")
    chosen_bad = 0
    reasons: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for width, height, gap in GEOMETRIES:
            layout = layout_for(width, height, gap)
            page = blank_page(layout, args.dpi, Path(tmp))
            for overspill in OVERSPILLS_MM:
                right, flagged, silent, total, refused = measure(layout, page, args.dpi, overspill, args.sheets,
                                                                 args.seed)
                print(f"{width:>4.1f}x{height:<4.1f} {gap:>7.1f} {overspill:>9.1f} {right / total:>7.1%} "
                      f"{flagged / total:>8.1%} {silent:>7d} {len(refused):>15d}")
                reasons.update(reason.split(" (")[0] for reason in refused)
                is_default = (width, height) == (DEFAULT_DESIGN.bubble_width_mm, DEFAULT_DESIGN.bubble_height_mm) \
                    and abs(width + gap - DEFAULT_DESIGN.option_pitch_mm) < 1e-9
                if is_default and overspill <= 0.8:
                    chosen_bad += silent
    for reason in sorted(reasons):
        print(f"page not read: {reason}")
    return 1 if chosen_bad else 0


if __name__ == "__main__":
    sys.exit(main())
