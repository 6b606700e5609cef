"""Annotated scans: turned pages, the progress callback, files written while the next page is drawn."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from sim_cohort import cs_layout, write_scans

from papergen.errors import ReportError
from papergen.grading import STORE_FILENAME, QuestionScore, SectionScore, SheetScore, Store, grade_batch
from papergen.report.annotate import AnnotateStyle, BubbleBox, annotate_sheets, draw_annotations


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Three graded synthetic scans, the second one upside down."""
    root = tmp_path_factory.mktemp("annotate")
    manifest = write_scans(root, 3, suffix=".jpg", skew_deg=0.8, quarter_turns=lambda i: 2 * (i == 1))
    grade_batch([root / "scans"], [manifest], root / "results")
    with Store.open(root / "results" / STORE_FILENAME) as store:
        return store.graded_sheets(), {s.page.page_id: store.sheet_read(s.page.page_id) for s in store.graded_sheets()}


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_turned_page_has_its_rings_where_its_bubbles_land_once_upright(turns):
    style = AnnotateStyle()
    boxes = {(1, "A"): BubbleBox(50.0, 30.0, 8.0, 5.0), (1, "B"): BubbleBox(80.0, 30.0, 8.0, 5.0)}
    score = SheetScore("A", "0", (QuestionScore(1, "single", ("A",), ("B",), 0.0, 0.5, "wrong"),),
                       (SectionScore("single", "单选", 0.0, 0.5),))
    image = np.full((120, 160), 255, np.uint8)
    upright = np.rot90(image, turns)
    out = np.asarray(draw_annotations(image, boxes, score, banner=["x"], px_per_mm=4.0, quarter_turns=turns,
                                      style=style))
    offset = round(style.banner_mm * 4.0)
    assert out.shape[:2] == (upright.shape[0] + offset, upright.shape[1])

    def landed(x, y):  # where a point of the scan lies on the upright page below the banner
        point = np.zeros(image.shape, bool)
        point[y, x] = True
        row, col = np.argwhere(np.rot90(point, turns))[0]
        return row + offset, col

    row, col = landed(80, 30)  # the key's dot at B's centre
    assert tuple(out[row, col]) == style.correct
    row, col = landed(50, 30)  # the wrong mark's ring passes 8 * 1.45 px from A's centre, along the scan's x
    reach = round(8.0 * style.ring_grow) - 1
    ring = [tuple(out[r, c]) for r, c in [landed(50 + reach, 30), landed(50 - reach, 30)]]
    assert ring == [style.wrong, style.wrong]
    assert tuple(out[row, col]) == (255, 255, 255)


def test_progress_counts_every_sheet_drawn_or_not(graded, tmp_path):
    sheets, reads = graded
    moved = sheets[0].page.__class__(**{**sheets[0].page.__dict__, "source": str(tmp_path / "gone.jpg")})
    gone = type(sheets[0])(moved, sheets[0].score, sheets[0].flags)
    calls = []
    summary = annotate_sheets([*sheets, gone], cs_layout(), tmp_path / "out", stored_reads=reads.get,
                              progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert len(summary.written) == 3 and [p.reason[:19] for p in summary.problems] == ["scan file not found"]


def test_files_are_listed_in_page_order_and_each_is_a_whole_image(graded, tmp_path):
    sheets, reads = graded
    summary = annotate_sheets(sheets, cs_layout(), tmp_path / "out", stored_reads=reads.get)
    stems = [p.stem.split("-")[1] for p in summary.written]
    assert stems == [f"s{i}" for i in range(3)]
    for path in summary.written:
        with Image.open(path) as image:
            image.load()  # a file cut short by an unfinished write would fail here
            assert image.format == "JPEG" and image.mode == "RGB"


def test_a_write_that_fails_is_raised_not_lost(graded, tmp_path):
    sheets, reads = graded
    out = tmp_path / "out"
    out.mkdir()
    name = annotate_sheets(sheets[:1], cs_layout(), tmp_path / "probe", stored_reads=reads.get).written[0].name
    (out / name).mkdir()  # a folder where the first file must go: the atomic rename fails
    with pytest.raises(ReportError, match=name):
        annotate_sheets(sheets, cs_layout(), out, stored_reads=reads.get)
