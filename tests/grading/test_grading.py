"""Grading a batch: resumable runs, refusals, duplicates, bad pages, key changes."""

from __future__ import annotations

import json
import multiprocessing
import os
import re

import pytest

from fake_grading import (
    ANSWERS_A,
    ANSWERS_B,
    FULL_MARKS,
    FakeScans,
    make_manifest,
    make_read,
    sheet_qr,
    small_layout,
    with_answers,
)
from omr.layout import SheetLayout
from omr.result import SheetRead
from papergen.errors import GradeError
from papergen.grading import DUPLICATE_CANDIDATE, DUPLICATE_SCAN, STORE_FILENAME, GradeParams, Store, grade_batch
from papergen.exam.manifest import Candidate, KeyQuestion

EXAM = make_manifest()


def graded_read(answers=ANSWERS_A, *, variant="A", candidate="0000000001", manifest=EXAM, **options):
    return make_read(answers, qr=sheet_qr(manifest, variant), candidate=candidate, **options)


def run(scans, out, manifests=(EXAM,), **options):
    return grade_batch(["scans"], list(manifests), out, **scans.grade_kwargs(), **options)


def stored(out):
    with Store.open(out / STORE_FILENAME) as store:
        return store.pages(), store.graded_sheets()


def test_grade_batch_scores_and_stores_every_sheet(tmp_path):
    scans = FakeScans()
    scans.add(graded_read())
    scans.add(graded_read(with_answers(ANSWERS_B, q1="A"), variant="B", candidate="0000000002"))
    summary = run(scans, tmp_path)
    assert (summary.pages_seen, summary.graded, summary.flagged, summary.skipped) == (2, 2, 0, 0)
    pages, sheets = stored(tmp_path)
    assert [(s.page.candidate, s.page.variant, s.score.total) for s in sheets] == [
        ("0000000001", "A", FULL_MARKS), ("0000000002", "B", FULL_MARKS - 0.5)
    ]
    assert [p.page_no for p in pages] == [1, 2]


def test_rerun_on_the_same_scans_reads_nothing_and_duplicates_nothing(tmp_path):
    scans = FakeScans()
    for n in range(3):
        scans.add(graded_read(candidate=f"000000000{n}"))
    run(scans, tmp_path)
    calls = scans.read_calls
    summary = run(scans, tmp_path)
    assert (summary.pages_seen, summary.skipped, summary.graded) == (3, 3, 0)
    assert scans.read_calls == calls
    pages, sheets = stored(tmp_path)
    assert (len(pages), len(sheets)) == (3, 3)


def test_grown_batch_reads_only_the_new_pages(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(candidate="0000000001"))
    run(scans, tmp_path)
    scans.add(graded_read(candidate="0000000002"), source="scans/b.pdf")
    scans.add(graded_read(candidate="0000000003"), source="scans/b.pdf")
    before = scans.read_calls
    summary = run(scans, tmp_path)
    assert scans.read_calls - before == 2
    assert (summary.skipped, summary.graded) == (1, 2)
    assert len(stored(tmp_path)[1]) == 3


def test_a_stopped_run_keeps_finished_pages_and_a_rerun_completes(tmp_path):
    scans = FakeScans()
    pages = [scans.add(graded_read(candidate=f"000000000{n}")) for n in range(5)]
    scans.set_outcome(pages[3], KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        run(scans, tmp_path)
    assert [p.page_no for p in stored(tmp_path)[0]] == [1, 2, 3]
    scans.set_outcome(pages[3], graded_read(candidate="0000000003"))
    before = scans.read_calls
    summary = run(scans, tmp_path)
    assert (summary.skipped, summary.graded, scans.read_calls - before) == (3, 2, 2)
    assert len(stored(tmp_path)[1]) == 5


def test_a_page_the_reader_fails_on_does_not_stop_the_batch(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(candidate="0000000001"))
    broken = scans.add(RuntimeError("homography singular"))
    scans.add(graded_read(candidate="0000000002"))
    summary = run(scans, tmp_path)
    assert summary.graded == 2
    assert [str(e) for e in summary.errors] == ["scans/a.pdf page 2: RuntimeError: homography singular"]
    scans.set_outcome(broken, graded_read(candidate="0000000003"))
    again = run(scans, tmp_path)
    assert (again.graded, again.skipped, again.errors) == (1, 2, [])


def test_undecodable_page_is_quarantined_with_its_reason(tmp_path):
    scans = FakeScans()
    scans.add(None, error="not an image (got 'PK\\x03\\x04')")
    summary = run(scans, tmp_path)
    [problem] = summary.quarantined
    assert problem.reason == "cannot decode the page: not an image (got 'PK\\x03\\x04')"
    assert scans.read_calls == 0


def test_reader_outcomes_are_recorded_with_reasons(tmp_path):
    scans = FakeScans()
    scans.add(SheetRead("blank", reason="duplex back"))
    scans.add(SheetRead("not_a_sheet", reason="no fiducials, text found"))
    scans.add(SheetRead("quarantined", reason="3 of 4 fiducials found (bottom-left missing)"))
    summary = run(scans, tmp_path)
    assert [p.reason for p in summary.blank] == ["duplex back"]
    assert [p.reason for p in summary.not_a_sheet] == ["no fiducials, text found"]
    assert [p.reason for p in summary.quarantined] == ["3 of 4 fiducials found (bottom-left missing)"]
    assert [p.status for p in stored(tmp_path)[0]] == ["blank", "not_a_sheet", "quarantined"]


@pytest.mark.parametrize(
    ("qr", "reason"),
    [
        (None, "no QR code decoded"),
        ("https://example.com/x", "not a papergen sheet code"),
        (sheet_qr(make_manifest("EX2")), "sheet of exam 'EX2', which is not among the keys given \\(EX1\\)"),
        ("PG1|EX1|C|0123abcd|", "exam EX1: no variant 'C' in the key \\(has A, B\\)"),
        (f"PG1|EX1|A|{'f' * 8}|", "the sheet carries key checksum ffffffff"),
    ],
)
def test_unidentified_sheets_are_refused_never_scored(tmp_path, qr, reason):
    scans = FakeScans()
    scans.add(make_read(ANSWERS_A, qr=qr))
    summary = run(scans, tmp_path)
    [problem] = summary.refused
    assert problem.status == "refused"
    assert re.search(reason, problem.reason)
    pages, sheets = stored(tmp_path)
    assert (sheets, pages[0].status) == ([], "refused")


def test_refused_sheets_are_graded_from_stored_marks_once_their_key_is_given(tmp_path):
    other = make_manifest("EX2")
    scans = FakeScans()
    scans.add(graded_read(manifest=other))
    assert len(run(scans, tmp_path).refused) == 1
    before = scans.read_calls
    summary = run(scans, tmp_path, manifests=(EXAM, other))
    assert (summary.regraded, summary.graded, summary.refused) == (1, 1, [])
    assert scans.read_calls == before
    [sheet] = stored(tmp_path)[1]
    assert (sheet.page.exam_id, sheet.score.total) == ("EX2", FULL_MARKS)


def test_several_exams_grade_in_one_batch(tmp_path):
    other = make_manifest("EX2", {"A": ANSWERS_B})
    scans = FakeScans()
    scans.add(graded_read())
    scans.add(graded_read(ANSWERS_B, manifest=other))
    summary = run(scans, tmp_path, manifests=(EXAM, other))
    assert summary.graded == 2
    assert [(s.page.exam_id, s.score.total) for s in stored(tmp_path)[1]] == [("EX1", FULL_MARKS), ("EX2", FULL_MARKS)]


def test_personalised_sheet_uses_the_qr_candidate_and_flags_a_different_grid(tmp_path):
    scans = FakeScans()
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A", "2024000001"), candidate="2024000007"))
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A", "2024000002"), candidate="??????????"))
    summary = run(scans, tmp_path)
    assert summary.flagged == 1
    first, second = stored(tmp_path)[1]
    assert first.page.candidate == "2024000001"
    assert [(f.kind, f.detail) for f in first.flags] == [
        ("candidate_mismatch", "QR code says 2024000001, grid reads 2024000007")
    ]
    assert (second.page.candidate, second.flags) == ("2024000002", ())


def test_unreadable_candidate_grid_is_flagged(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(candidate="00000?0001"))
    scans.add(graded_read(candidate=None))
    run(scans, tmp_path)
    kinds = [[f.kind for f in s.flags] for s in stored(tmp_path)[1]]
    assert sorted(kinds) == [["candidate_missing"], ["candidate_unreadable"]]


def test_roster_problems_are_flagged(tmp_path):
    roster = [Candidate(number="0000000001", name="张三", variant="B")]
    exam = make_manifest(candidates=roster)
    scans = FakeScans()
    scans.add(graded_read(manifest=exam))
    scans.add(graded_read(manifest=exam, candidate="0000000009"))
    run(scans, tmp_path, manifests=(exam,))
    details = sorted(f.detail for s in stored(tmp_path)[1] for f in s.flags)
    assert details == [
        "candidate 0000000009 is not on the roster of exam EX1",
        "roster assigns 张三 (0000000001) variant B, the sheet is variant A",
    ]


def test_two_sheets_with_one_candidate_number_are_both_flagged(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(ANSWERS_A, candidate="0000000005"))
    scans.add(graded_read(ANSWERS_B, candidate="0000000005"), source="scans/b.pdf")
    summary = run(scans, tmp_path)
    assert summary.flagged == 2
    flags = {s.page.source: [(f.kind, f.detail) for f in s.flags] for s in stored(tmp_path)[1]}
    assert flags == {
        "scans/a.pdf": [(DUPLICATE_CANDIDATE, "candidate number 0000000005 also on scans/b.pdf page 1")],
        "scans/b.pdf": [(DUPLICATE_CANDIDATE, "candidate number 0000000005 also on scans/a.pdf page 1")],
    }


def _differing(k):
    """ANSWERS_A with question k+1 (a single-choice one) changed: two such sheets agree on 8 of 10 questions."""
    return with_answers(ANSWERS_A, **{f"q{k + 1}": "D" if ANSWERS_A[k + 1] != "D" else "A"})


def test_a_number_on_many_sheets_is_flagged_once_a_sheet_past_the_pair_limit(tmp_path):
    scans = FakeScans()
    for k in range(5):
        scans.add(graded_read(_differing(k), candidate="0000000005"))
    summary = run(scans, tmp_path, params=GradeParams(duplicate_pairs=2))
    assert summary.flagged == 5
    flags = [[(f.kind, f.detail) for f in s.flags] for s in stored(tmp_path)[1]]
    also = "candidate number 0000000005 also on scans/a.pdf page {}".format
    assert flags == [
        [(DUPLICATE_CANDIDATE, also(2)), (DUPLICATE_CANDIDATE, also(3))],
        [(DUPLICATE_CANDIDATE, also(1)), (DUPLICATE_CANDIDATE, also(3))],
        [(DUPLICATE_CANDIDATE, also(1)), (DUPLICATE_CANDIDATE, also(2))],
        [(DUPLICATE_CANDIDATE, "candidate number 0000000005 also on 3 other pages, the first scans/a.pdf page 1")],
        [(DUPLICATE_CANDIDATE, "candidate number 0000000005 also on 4 other pages, the first scans/a.pdf page 1")],
    ]


def test_a_partly_read_number_on_many_sheets_is_not_compared_past_the_pair_limit(tmp_path):
    scans = FakeScans()
    for _ in range(4):  # one sheet's marks four times: a rescan of the first while compared
        scans.add(graded_read(ANSWERS_A, candidate="00000000?5"))
    run(scans, tmp_path, params=GradeParams(duplicate_pairs=2))
    rescans = [sum(f.kind == DUPLICATE_SCAN for f in s.flags) for s in stored(tmp_path)[1]]
    assert rescans == [2, 2, 2, 0]


def test_one_sheet_scanned_twice_is_flagged_as_a_duplicate_scan(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(with_answers(ANSWERS_A, q2="C")), name="first scan")
    scans.add(graded_read(with_answers(ANSWERS_A, q2="C")), name="rescan, other pixels")
    run(scans, tmp_path)
    sheets = stored(tmp_path)[1]
    assert len(sheets) == 2
    for sheet, other_page in zip(sheets, (2, 1)):
        [flag] = sheet.flags
        assert flag.kind == DUPLICATE_SCAN
        assert flag.detail.startswith(f"same candidate 0000000001, variant and 100% of answers as scans/a.pdf page {other_page}")


def test_same_candidate_on_two_variants_is_not_a_duplicate_scan(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(ANSWERS_A, variant="A"))
    scans.add(graded_read(ANSWERS_A, variant="B"))
    run(scans, tmp_path)
    kinds = {f.kind for s in stored(tmp_path)[1] for f in s.flags}
    assert kinds == {DUPLICATE_CANDIDATE}


def test_review_questions_count_a_sheet_as_flagged(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(ambiguous={3: "A"}))
    summary = run(scans, tmp_path)
    assert summary.flagged == 1
    [sheet] = stored(tmp_path)[1]
    assert [q.number for q in sheet.score.review_questions] == [3]


def test_progress_is_reported_once_per_page(tmp_path):
    scans = FakeScans()
    for n in range(4):
        scans.add(graded_read(candidate=f"000000000{n}"))
    ticks: list[int] = []
    run(scans, tmp_path, progress=ticks.append)
    run(scans, tmp_path, progress=ticks.append)
    assert ticks == [1] * 8


def test_a_failing_page_source_keeps_what_was_graded(tmp_path):
    scans = FakeScans()
    scans.add(graded_read())

    def failing_source(paths):
        yield from scans.iter_pages(paths)
        raise OSError("scanner share went away")

    summary = grade_batch(["scans"], [EXAM], tmp_path, pages=failing_source, reader=scans.read_sheet,
                          layout=small_layout())
    assert summary.graded == 1
    assert summary.run_errors == ["reading the inputs stopped after 1 pages (OSError: scanner share went away)"]
    assert (tmp_path / "scores.csv").is_file()


def test_a_corrected_key_rescores_stored_sheets_on_the_next_run(tmp_path):
    scans = FakeScans()
    scans.add(graded_read(with_answers(ANSWERS_A, q9="B")))
    run(scans, tmp_path)
    key = EXAM.variant("A")
    questions = [KeyQuestion(**{**q.model_dump(), "dropped": q.number == 9}) for q in key.questions]
    fixed = EXAM.model_copy(update={"variants": [key.model_copy(update={"questions": questions}), EXAM.variant("B")],
                                    "key_version": 2})
    summary = run(scans, tmp_path, manifests=(fixed,))
    [rescored] = summary.rescored
    assert (rescored.sheets, len(rescored.changes)) == (1, 1)
    [sheet] = stored(tmp_path)[1]
    assert (sheet.score.total, sheet.score.max_total) == (FULL_MARKS - 1.0, FULL_MARKS - 1.0)


def test_a_key_of_another_build_is_refused_before_reading(tmp_path):
    scans = FakeScans()
    scans.add(graded_read())
    run(scans, tmp_path)
    rebuilt = make_manifest(variants={"A": ANSWERS_B, "B": ANSWERS_A})
    with pytest.raises(GradeError, match="differs from the stored version 1.*grade into a new --out folder"):
        run(scans, tmp_path, manifests=(rebuilt,))
    newer_version = rebuilt.model_copy(update={"key_version": 2})
    with pytest.raises(GradeError, match="cannot rescore.*grade into a new --out folder"):
        run(scans, tmp_path, manifests=(newer_version,))


def test_batch_arguments_and_summary_are_recorded(tmp_path):
    scans = FakeScans()
    scans.add(graded_read())
    run(scans, tmp_path)
    with Store.open(tmp_path / STORE_FILENAME) as store:
        [batch] = store.batches()
    assert batch["args"]["keys"] == {"EX1": {"A": EXAM.variant("A").checksum, "B": EXAM.variant("B").checksum}}
    assert batch["args"]["layout_id"] == "test-10"
    assert batch["summary"]["graded"] == 1
    json.dumps(batch)


def test_layout_that_differs_from_the_keys_is_refused_naming_both(tmp_path):
    bundled = make_manifest()
    moved = SheetLayout.model_validate({**small_layout().model_dump(), "title": "moved"})
    with pytest.raises(GradeError, match=r"layout test-10 \(sha256 [0-9a-f]{12}\) is not the layout .*"
                                         r"\(test-10, sha256 [0-9a-f]{12}\)"):
        grade_batch([], [bundled], tmp_path, **{**FakeScans().grade_kwargs(), "layout": moved})


def test_keys_for_different_layouts_are_refused(tmp_path):
    other = make_manifest("EX2").model_copy(update={"layout_id": "a4-180", "layout_sha256": "1" * 64})
    with pytest.raises(GradeError, match="keys use different sheet layouts"):
        grade_batch([], [EXAM, other], tmp_path)


def test_two_different_keys_for_one_exam_are_refused(tmp_path):
    with pytest.raises(GradeError, match="two different keys for exam 'EX1'"):
        grade_batch([], [EXAM, make_manifest(variants={"A": ANSWERS_B})], tmp_path)


def test_no_key_is_refused(tmp_path):
    with pytest.raises(GradeError, match="no key given"):
        grade_batch([], [], tmp_path)


def test_unbundled_layout_id_asks_for_the_layout_file(tmp_path):
    with pytest.raises(GradeError, match="layout 'test-10', which is not bundled; pass its file with --layout"):
        grade_batch([], [EXAM], tmp_path)


def test_output_folder_that_cannot_be_created_is_refused(tmp_path):
    blocker = tmp_path / "results"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(GradeError, match="cannot create the output folder"):
        grade_batch([], [EXAM], blocker / "sub", layout=small_layout())


class _KilledAt:
    """A reader that ends the process abruptly (as a kill would) at one page."""

    def __init__(self, scans, page):
        self.scans, self.page = scans, page

    def __call__(self, image, layout, *, dpi=None):
        if self.scans.read_calls == self.page - 1:
            os._exit(9)
        return self.scans.read_sheet(image, layout, dpi=dpi)


def test_a_killed_run_loses_at_most_the_open_group_and_a_rerun_reads_only_the_rest(tmp_path):
    scans = FakeScans()
    for n in range(25):
        scans.add(graded_read(candidate=f"{n:010d}"))
    params = GradeParams(commit_pages=10)
    kwargs = {**scans.grade_kwargs(), "reader": _KilledAt(scans, 24)}
    child = multiprocessing.get_context("fork").Process(
        target=grade_batch, args=(["scans"], [EXAM], tmp_path), kwargs={**kwargs, "params": params})
    child.start()
    child.join()
    assert child.exitcode == 9
    assert [p.page_no for p in stored(tmp_path)[0]] == list(range(1, 21))
    summary = run(scans, tmp_path, params=params)
    assert (summary.skipped, summary.graded, scans.read_calls) == (20, 5, 5)
    assert [p.page_no for p in stored(tmp_path)[0]] == list(range(1, 26))
