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


@pytest.fixture(scope="module")
def scan_files(tmp_path_factory, layout, exam):
    """A PDF of two sheets (one with 11 wrong answers), then JPEGs: the wrong sheet again, a good one."""
    import cv2

    manifest, truth = exam
    wrong = {**truth, **{n: {next_letter(layout, n, truth[n]): "pen"} for n in [*range(1, 11), 161]}}
    folder = tmp_path_factory.mktemp("files")
    pages = [sheet_image(layout, manifest, wrong, "2024000002", seed=5),
             sheet_image(layout, manifest, truth, "2024000001", seed=6, skew_deg=0.6)]
    synth.write_pdf(folder / "a.pdf", [synth.PdfPage(p, DPI) for p in pages])
    cv2.imwrite(str(folder / "b.jpg"), sheet_image(layout, manifest, wrong, "2024000002", seed=7, skew_deg=-0.4))
    cv2.imwrite(str(folder / "c.jpg"), sheet_image(layout, manifest, truth, "2024000003", seed=8))
    return folder


def stored_rows(out):
    with Store.open(out / STORE_FILENAME) as store:
        pages = sorted(store.pages(), key=lambda p: p.page_id)
        sheets = {s.page.sha256: s for s in store.graded_sheets()}
    return [(p.source, p.page_no, p.sha256, p.status, p.candidate,
             sheets[p.sha256].score if p.sha256 in sheets else None,
             [f.kind for f in sheets[p.sha256].flags] if p.sha256 in sheets else None) for p in pages]


def stored_reads(out):
    """Every stored read but its timings (which differ from run to run)."""
    with Store.open(out / STORE_FILENAME) as store:
        reads = [store.sheet_read(p.page_id) for p in sorted(store.pages(), key=lambda p: p.page_id)]
    return [(r.status, r.reason, r.qr_text, r.questions, r.candidate, r.homography, r.rotation_deg, r.dpi,
             r.working_dpi, r.fit_error_px, sorted(dict(r.timings_ms))) for r in reads]


def test_worker_processes_store_what_one_process_stores_in_the_same_order(tmp_path, scan_files, exam):
    manifest, _ = exam
    one = grade_batch([scan_files], [manifest], tmp_path / "one")
    two = grade_batch([scan_files], [manifest], tmp_path / "two", jobs=2)
    assert (two.pages_seen, two.graded, two.skipped, two.run_errors) == (4, 4, 0, [])
    assert (one.graded, one.flagged) == (two.graded, two.flagged) == (4, 2)
    assert stored_rows(tmp_path / "two") == stored_rows(tmp_path / "one")
    assert stored_reads(tmp_path / "two") == stored_reads(tmp_path / "one")  # encoded by the workers, the same
    assert [r[1] for r in stored_rows(tmp_path / "two")] == [1, 2, 1, 1]
    assert (tmp_path / "two" / "scores.csv").read_bytes() == (tmp_path / "one" / "scores.csv").read_bytes()
    again = grade_batch([scan_files], [manifest], tmp_path / "two", jobs=2)
    assert (again.pages_seen, again.skipped, again.graded) == (4, 4, 0)


def test_the_worker_walk_is_the_page_source_walk(scan_files, tmp_path):
    import itertools

    from omr.scan_io import iter_pages
    from papergen.grading.workers import input_files

    (scan_files / ".hidden").mkdir(exist_ok=True)
    (scan_files / ".hidden" / "x.jpg").write_bytes((scan_files / "c.jpg").read_bytes())
    sources = [source for source, _ in itertools.groupby(p.source for p in iter_pages([scan_files, scan_files / "b.jpg"]))]
    assert input_files([scan_files, scan_files / "b.jpg"]) == sources


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory, layout, exam):
    """One PDF of 36 sheets, as a feeder scanner writes a sitting: three sheets, each page stamped apart."""
    manifest, truth = exam
    wrong = {**truth, **{n: {next_letter(layout, n, truth[n]): "pen"} for n in range(1, 6)}}
    base = [sheet_image(layout, manifest, truth, "2024000001", seed=21),
            sheet_image(layout, manifest, wrong, "2024000002", seed=22, skew_deg=0.5),
            sheet_image(layout, manifest, truth, "2024000003", seed=23, skew_deg=-0.4)]
    pages = []
    for k in range(36):
        page = base[k % 3].copy()
        page[2:5, 2:5 + k] = 0  # outside the sheet: a distinct page, the same marks
        pages.append(page)
    return synth.write_pdf(tmp_path_factory.mktemp("feeder") / "sitting.pdf", [synth.PdfPage(p, DPI) for p in pages])


def test_a_long_file_is_shared_out_in_parts_and_stored_as_one_process_stores_it(tmp_path, long_pdf, exam):
    from papergen.grading.workers import MIN_PART_PAGES, with_file_digests, work_units

    units = work_units([long_pdf], 2)
    assert [(u.numbers.start, u.numbers.stop) for u in units] == [(1, 17), (17, 33), (33, 37)]
    assert MIN_PART_PAGES == 16 and {u.file_digest for u in with_file_digests(units)} == {None}  # PDF: images hashed
    manifest, _ = exam
    one = grade_batch([long_pdf], [manifest], tmp_path / "one")
    two = grade_batch([long_pdf], [manifest], tmp_path / "two", jobs=2)
    assert (two.pages_seen, two.graded, two.run_errors) == (36, 36, [])
    assert stored_rows(tmp_path / "two") == stored_rows(tmp_path / "one")
    assert stored_reads(tmp_path / "two") == stored_reads(tmp_path / "one")
    assert [r[1] for r in stored_rows(tmp_path / "two")] == list(range(1, 37))


def test_short_or_many_files_are_units_whole(tmp_path, scan_files):
    from papergen.grading.workers import input_files, work_units

    files = input_files([scan_files])
    assert [u.numbers for u in work_units(files, 2)] == [None] * len(files)
    assert len(work_units(files, 2)) == 3 and len(work_units(files[:1], 2)) == 1  # one short file: no workers
    assert work_units(files * 8, 2) == [type(work_units(files, 2)[0])(p) for p in files * 8]


def test_parts_of_a_tiff_carry_the_file_digest_its_page_digests_are_made_from(tmp_path):
    from omr.scan_io import iter_file_pages, iter_pages
    from omr.scan_page import file_sha256
    from papergen.grading.workers import with_file_digests, work_units

    path = synth.write_tiff(tmp_path / "long.tif", [np.full((40, 30), 200 + k % 50, np.uint8) for k in range(40)])
    units = with_file_digests(work_units([path], 2))
    assert [(u.numbers.start, u.numbers.stop) for u in units] == [(1, 17), (17, 33), (33, 41)]
    assert {u.file_digest for u in units} == {file_sha256(path)}
    parts = [p.sha256 for u in units for p in iter_file_pages(u.path, u.numbers, file_digest=u.file_digest)]
    assert parts == [p.sha256 for p in iter_pages([path])]


def test_one_long_file_keeps_every_process_busy(long_pdf, exam, layout):
    import multiprocessing

    from papergen.grading.store import StoreParams
    from papergen.grading.workers import WorkerSetup, parallel_outcomes, work_units

    manifest, _ = exam
    setup = WorkerSetup({manifest.exam_id: manifest}, layout, None, None, frozenset(), StoreParams())
    outcomes = parallel_outcomes(work_units([long_pdf], 2), setup, 2)
    first = next(outcomes)
    assert first.outcome is not None and len(multiprocessing.active_children()) == 2
    assert 1 + sum(1 for _ in outcomes) == 36


def test_a_rerun_skips_stored_pages_without_decoding_them(tmp_path, scan_files, exam, monkeypatch):
    import cv2
    import pypdfium2 as pdfium

    manifest, _ = exam
    first = grade_batch([scan_files], [manifest], tmp_path)
    assert (first.pages_seen, first.graded) == (4, 4)

    def no_decoding(*args, **kwargs):
        raise AssertionError("a stored page was decoded again")

    monkeypatch.setattr(cv2, "imdecode", no_decoding)
    monkeypatch.setattr(pdfium.PdfImage, "get_bitmap", no_decoding)
    again = grade_batch([scan_files], [manifest], tmp_path)
    assert (again.pages_seen, again.skipped, again.graded, again.quarantined, again.errors) == (4, 4, 0, [], [])
