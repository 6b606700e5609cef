"""Time the booklet, answer sheet and key renderers on synthetic 180-item papers.

Run from the repository root::

    python bench/bench_render.py [--variants 2] [--roster 30] [--repeat 5]

The baseline, measured in the same run, is the floor of writing the same
text with the same embedded font: every stem and option drawn as one line
with ``drawString`` (no wrapping, no layout) onto as many pages as the
booklet has.  The renderers are reported in seconds and as ratios to it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "helpers"))

from paper_builders import bundled_layout, make_candidates, make_manifest, make_paper  # noqa: E402

from papergen.exam.paper import Paper  # noqa: E402
from papergen.render import SheetPrint, render_booklet, render_key, render_sheets  # noqa: E402
from papergen.render.document import PdfInfo, new_canvas  # noqa: E402
from papergen.render.fonts import register_font  # noqa: E402
from papergen.render.units import mm_to_pt  # noqa: E402

A4_MM = (210.0, 297.0)
FONT_SIZE_PT = 10.5
MARGIN_MM = 20.0


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_text_floor(paper: Paper, path: Path, pages: int) -> None:
    """The baseline: every stem and option as one drawString line, spread over ``pages`` pages."""
    lines = [q.stem for q in paper.questions] + [o.text for q in paper.questions for o in q.options]
    per_page = -(-len(lines) // pages)
    width, height = (mm_to_pt(v) for v in A4_MM)
    canvas = new_canvas(path, (width, height), PdfInfo(title="floor", subject="baseline"))
    pitch = (height - 2 * mm_to_pt(MARGIN_MM)) / per_page
    for start in range(0, len(lines), per_page):
        canvas.setFont(register_font(), FONT_SIZE_PT)
        for i, line in enumerate(lines[start : start + per_page]):
            canvas.drawString(mm_to_pt(MARGIN_MM), height - mm_to_pt(MARGIN_MM) - i * pitch, line)
        canvas.showPage()
    canvas.save()


def sheet_prints(paper: Paper, checksum: str, roster: int) -> list[SheetPrint]:
    """One blank sheet followed by ``roster`` personalised ones."""
    base = dict(title=paper.format.title, exam_id=paper.exam_id, variant=paper.variant, checksum=checksum)
    prints = [SheetPrint(**base, qr_payload=f"PG1|{paper.exam_id}|{paper.variant}|{checksum}|")]
    for c in make_candidates(roster):
        payload = f"PG1|{paper.exam_id}|{paper.variant}|{checksum}|{c.number}"
        prints.append(
            SheetPrint(
                **base,
                qr_payload=payload,
                candidate_number=c.number,
                candidate_name=c.name,
                room=c.room,
                seat=c.seat,
            )
        )
    return prints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--roster", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    papers = [make_paper(variant=chr(ord("A") + i)) for i in range(args.variants)]
    manifest = make_manifest(papers)
    layout = bundled_layout()
    one_sheet = sheet_prints(papers[0], manifest.variants[0].checksum, 0)
    roster = sheet_prints(papers[0], manifest.variants[0].checksum, args.roster)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        start = time.perf_counter()
        pages = render_booklet(papers[0], out / "cold.pdf")
        cold = time.perf_counter() - start
        timings = {
            "booklet (1 variant)": median_seconds(
                lambda: render_booklet(papers[0], out / "b.pdf"), args.repeat
            ),
            "sheet (1 page)": median_seconds(
                lambda: render_sheets(layout, one_sheet, out / "s.pdf"), args.repeat
            ),
            f"roster sheets ({len(roster)} pages)": median_seconds(
                lambda: render_sheets(layout, roster, out / "r.pdf"), args.repeat
            ),
            f"key ({args.variants} variants)": median_seconds(
                lambda: render_key(manifest, out / "k.pdf"), args.repeat
            ),
        }
        baseline = median_seconds(lambda: write_text_floor(papers[0], out / "floor.pdf", pages), args.repeat)
    per_variant = (
        timings["booklet (1 variant)"]
        + timings["sheet (1 page)"]
        + timings[f"key ({args.variants} variants)"] / args.variants
    )
    print(
        f"booklet pages: {pages}; first render in a fresh process (font registration included): {cold:.3f} s"
    )
    print(f"baseline (same text, drawString, no layout): {baseline:.3f} s")
    for name, seconds in timings.items():
        print(f"{name:28s} {seconds:7.3f} s  {seconds / baseline:5.2f} x baseline")
    print(
        f"{'booklet + sheet + key share':28s} {per_variant:7.3f} s  {per_variant / baseline:5.2f} x baseline"
    )


if __name__ == "__main__":
    main()
