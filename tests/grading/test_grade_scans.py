"""End to end: synthetic scans drawn from the bundled layout, read by omr, graded into a store."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from click.testing import CliRunner
from sim_cohort import omr_synth

from omr.layout import SheetLayout, load_layout
from papergen.cli import main
from papergen.grading import DUPLICATE_SCAN, STORE_FILENAME, Store, grade_batch
from papergen.exam.manifest import ExamManifest, KeyQuestion, VariantKey, save_manifest, variant_checksum
from papergen.exam.format import load_format
from papergen.resources import bundled_format_path, bundled_layout_path
from papergen.exam.sheet_code import SheetCode, encode_sheet_code

DPI = 150.0
EXAM_ID = "CS2026"


synth = omr_synth()


@pytest.fixture(scope="module")
def layout() -> SheetLayout:
    return load_layout(bundled_layout_path("a4-180"))


@pytest.fixture(scope="module")
def exam(layout):
    """A cs-180 key whose answers are a seeded random marking of the sheet."""
    fmt = load_format(bundled_format_path("cs-180"))
    truth = synth.random_answers(layout, seed=11, blank_rate=0.0)
    questions = [
        KeyQuestion(number=n, item_id=f"item-{n}", section=s.key, type=s.type, points=s.points, permutation=[],
                    answer=sorted(truth[n]))
        for s, n in fmt.numbering()
    ]
    key = VariantKey(variant="A", checksum=variant_checksum(EXAM_ID, "A", questions), questions=questions)
    manifest = ExamManifest(exam_id=EXAM_ID, title=fmt.title, mode="shuffle", seed=11, bank_id="test-bank",
                            bank_version="1", bank_sha256="0" * 64, format=fmt, layout_id=layout.id,
                            layout_sha256=layout.sha256, versions={}, variants=[key])
    return manifest, truth


def next_letter(layout, number, marked):
    """An option next to the first marked one: a wrong answer (multi: wrong unless the key is one letter)."""
    options = layout.block_of(number).options
    first = options.index(sorted(marked)[0])
    return next(o for o in options[first + 1:] + options[:first] if o not in marked)


def sheet_image(layout, manifest, answers, candidate, *, seed, skew_deg=0.0):
    qr = encode_sheet_code(SheetCode(manifest.exam_id, "A", manifest.variants[0].checksum))
    marks = synth.SheetMarks(answers=answers, digits=synth.candidate_marks(candidate))
    page = synth.draw_sheet(layout, dpi=DPI, qr_text=qr, marks=marks, seed=seed)
    scan = synth.Scan(skew_deg=skew_deg, margin_mm=4.0, noise_sigma=3.0, blur_sigma_px=0.6)
    return synth.capture(page, DPI, scan, seed=seed)


@pytest.fixture(scope="module")
def scans(tmp_path_factory, layout, exam):
    """scans/batch.pdf: a perfect sheet, a sheet with 11 wrong answers scanned twice, a blank page."""
    manifest, truth = exam
    wrong = {**truth, **{n: {next_letter(layout, n, truth[n]): "pen"} for n in [*range(1, 11), 161]}}
    folder = tmp_path_factory.mktemp("scans")
    pages = [
        sheet_image(layout, manifest, truth, "2024000001", seed=1),
        sheet_image(layout, manifest, wrong, "2024000002", seed=2, skew_deg=0.8),
        sheet_image(layout, manifest, wrong, "2024000002", seed=3, skew_deg=-0.5),
        np.full_like(sheet_image(layout, manifest, truth, "2024000001", seed=4), 248),
    ]
    synth.write_pdf(folder / "batch.pdf", [synth.PdfPage(p, DPI) for p in pages])
    return folder


def test_synthetic_scans_are_read_scored_and_flagged(tmp_path, scans, exam):
    manifest, _ = exam
    summary = grade_batch([scans], [manifest], tmp_path)
    assert (summary.pages_seen, summary.graded, len(summary.blank), summary.errors) == (4, 3, 1, [])
    with Store.open(tmp_path / STORE_FILENAME) as store:
        sheets = store.graded_sheets()
    by_page = {s.page.page_no: s for s in sheets}
    assert (by_page[1].page.candidate, by_page[1].score.total, by_page[1].score.max_total) == ("2024000001", 100, 100)
    assert by_page[2].page.candidate == by_page[3].page.candidate == "2024000002"
    assert by_page[2].score.total == by_page[3].score.total == 100 - 10 * 0.5 - 1
    assert [f.kind for f in by_page[2].flags] == [f.kind for f in by_page[3].flags] == [DUPLICATE_SCAN]
    assert by_page[1].flags == ()


def test_grade_command_reads_real_files_and_resumes(tmp_path, scans, exam):
    manifest, _ = exam
    save_manifest(manifest, tmp_path / "key.json")
    args = ["grade", str(scans), "--key", str(tmp_path / "key.json"), "--out", str(tmp_path / "results")]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "Sheets graded: 3, 2 flagged for review" in first.output
    second = CliRunner().invoke(main, args)
    assert "Pages seen: 4 (4 already read, skipped)" in second.output
    text = (tmp_path / "results" / "scores.csv").read_bytes().decode("utf-8-sig")
    totals = [row["total"] for row in csv.DictReader(io.StringIO(text))]
    assert totals == ["100", "94", "94"]
