"""The SQLite results store: schema, page-at-a-time commits, round trips, rescoring."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from fake_grading import ANSWERS_A, FULL_MARKS, make_manifest, make_read, sheet_qr, with_answers
from omr.result import QuestionRead
from papergen.errors import ManifestError, NoResultsError, StoreError
from papergen.exam import seal_manifest
from papergen.exam.manifest import KeyQuestion
from papergen.grading import (
    SCHEMA_VERSION,
    STORE_FILENAME,
    Flag,
    PageRecord,
    Store,
    open_results,
    rescore_store,
    score_sheet,
)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / STORE_FILENAME, create=True) as opened:
        yield opened


def graded_record(answers=ANSWERS_A, *, sha="p1", candidate="0000000001", manifest=None, variant="A"):
    manifest = manifest or make_manifest()
    read = make_read(answers, qr=sheet_qr(manifest, variant), candidate=candidate)
    record = PageRecord("scans/a.pdf", 1, sha, "graded", read=read, exam_id=manifest.exam_id,
                        variant=variant, candidate=candidate, elapsed_ms=12.0)
    return record, score_sheet(read, manifest.variant(variant), manifest.format)


def save_graded(store, answers=ANSWERS_A, **options):
    record, score = graded_record(answers, **options)
    batch = store.begin_batch({"inputs": ["scans"]})
    return store.save_page(record, batch_id=batch, score=score), score


def corrected(manifest, **changes):
    """The manifest with variant A's questions changed, e.g. ``q9={"dropped": True}``."""
    key = manifest.variant("A")
    questions = [KeyQuestion(**{**q.model_dump(), **changes.get(f"q{q.number}", {})}) for q in key.questions]
    variants = [key.model_copy(update={"questions": questions}), manifest.variant("B")]
    return manifest.model_copy(update={"variants": variants})


def test_new_store_has_versioned_schema_in_wal_mode(store, tmp_path):
    assert store.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(tmp_path / STORE_FILENAME)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"batch", "exam", "page", "marks", "score", "flag", "rescore", "rescore_change"} <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_page_sha256_is_unique_in_the_schema(store, tmp_path):
    save_graded(store)
    db = sqlite3.connect(tmp_path / STORE_FILENAME)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO page (batch_id, source, page_no, sha256, status, read_at) "
                   "VALUES (1, 'x', 1, 'p1', 'blank', 'now')")
    db.close()


def test_reopening_keeps_pages(tmp_path):
    with Store.open(tmp_path / STORE_FILENAME, create=True) as store:
        save_graded(store)
    with Store.open(tmp_path / STORE_FILENAME) as store:
        assert store.has_page("p1")
        assert not store.has_page("p2")


def test_open_refuses_a_store_from_a_newer_version(tmp_path):
    path = tmp_path / STORE_FILENAME
    Store.open(path, create=True).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        Store.open(path)


def test_open_refuses_another_sqlite_database(tmp_path):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE things (x)")
    db.close()
    with pytest.raises(StoreError, match="not a papergen results store"):
        Store.open(path)


def test_open_refuses_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / STORE_FILENAME
    path.write_text("名单\n" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="not a usable results store"):
        Store.open(path)


def test_sheet_read_round_trips_marks_fills_and_candidate(store):
    record, _ = graded_record(with_answers(ANSWERS_A, q2="AB"), candidate="00000000?1")
    homography = ((1.02, 0.01, 12.5), (-0.01, 0.98, 30.25), (1e-06, -2e-06, 1.0))
    original = replace(record, read=replace(record.read, homography=homography, working_dpi=150.0, questions=(
        replace(record.read.questions[0], flags=("erasure",), confidence=0.25), *record.read.questions[1:])))
    page_id = store.save_page(original, batch_id=store.begin_batch({}))
    assert store.sheet_read(page_id) == original.read


def test_graded_sheets_rebuild_the_score_and_flags(store):
    record, score = graded_record(with_answers(ANSWERS_A, q1="C"))
    flags = (Flag("candidate_mismatch", "QR code says 1, grid reads 2"),)
    store.save_page(record, batch_id=store.begin_batch({}), score=score, flags=flags)
    [sheet] = store.graded_sheets()
    assert sheet.score == score
    assert sheet.flags == flags
    assert (sheet.page.candidate, sheet.page.variant, sheet.page.exam_id) == ("0000000001", "A", "EX1")
    assert sheet.needs_review


def test_failed_page_write_leaves_nothing_behind(store):
    record, score = graded_record()
    bad_question = QuestionRead(99, ("A",), (0.5,), ("unknown-state",), ())  # type: ignore[arg-type]
    bad = replace(record, read=replace(record.read, questions=record.read.questions + (bad_question,)))
    with pytest.raises(KeyError, match="unknown-state"):
        store.save_page(bad, batch_id=store.begin_batch({}), score=score)
    assert not store.has_page(record.sha256)
    assert store.pages() == []


def test_error_pages_are_retried_and_replaced(store):
    batch = store.begin_batch({})
    store.save_page(PageRecord("scans/a.pdf", 1, "p1", "error", reason="RuntimeError: boom"), batch_id=batch)
    assert not store.has_page("p1")
    record, score = graded_record()
    store.save_page(record, batch_id=batch, score=score)
    assert store.has_page("p1")
    assert [p.status for p in store.pages()] == ["graded"]


def test_related_flags_land_on_the_other_page(store):
    first_id, _ = save_graded(store, sha="p1")
    record, score = graded_record(sha="p2")
    flag = Flag("duplicate_scan", "same as scans/a.pdf page 2")
    second_id = store.save_page(record, batch_id=1, score=score, flags=[flag], related=[(first_id, flag)])
    assert store.flags() == {first_id: [flag], second_id: [flag]}


def test_marks_for_candidate_returns_key_question_marks(store):
    save_graded(store, with_answers(ANSWERS_A, q1="D"), candidate="0000000007")
    save_graded(store, sha="p2", candidate="0000000008")
    [found] = store.marks_for_candidate("EX1", "0000000007")
    assert found.marked[1] == ("D",)
    assert sorted(found.marked) == list(range(1, 11))


def test_pages_filters_by_status(store):
    batch = store.begin_batch({})
    store.save_page(PageRecord("scans/a.pdf", 2, "b1", "blank"), batch_id=batch)
    store.save_page(PageRecord("scans/a.pdf", 3, "q1", "quarantined", reason="no fiducials"), batch_id=batch)
    assert [p.reason for p in store.pages(["quarantined"])] == ["no fiducials"]
    assert len(store.pages()) == 2


def test_batches_record_arguments_and_summary(store):
    batch = store.begin_batch({"inputs": ["扫描"]})
    store.finish_batch(batch, {"graded": 3})
    [row] = store.batches()
    assert (row["args"], row["summary"]) == ({"inputs": ["扫描"]}, {"graded": 3})
    assert row["finished"] is not None


def test_rescore_applies_a_dropped_question_and_logs_the_change(store):
    manifest = make_manifest()
    store.save_manifest(manifest)
    page_id, before = save_graded(store, with_answers(ANSWERS_A, q9="B"))
    fixed = corrected(manifest, q9={"dropped": True})
    result = rescore_store(store, fixed, reason="item 9 withdrawn")
    [change] = result.changes
    assert (change.page_id, change.old_total, change.new_total) == (page_id, before.total, FULL_MARKS - 1.0)
    assert change.questions == ((9, 0.0, 0.0),)
    [sheet] = store.graded_sheets()
    assert (sheet.score.total, sheet.score.max_total) == (FULL_MARKS - 1.0, FULL_MARKS - 1.0)
    assert store.manifest("EX1") == seal_manifest(fixed)
    [logged] = store.rescore_history("EX1")
    assert (logged.reason, logged.sheets, logged.changes) == ("item 9 withdrawn", 1, result.changes)


def test_rescore_with_also_accept_changes_only_affected_sheets(store):
    manifest = make_manifest()
    save_graded(store, with_answers(ANSWERS_A, q3="A"), sha="p1")
    save_graded(store, ANSWERS_A, sha="p2", candidate="0000000002")
    result = rescore_store(store, corrected(manifest, q3={"also_accept": [["A"]]}))
    assert [(c.old_total, c.new_total, c.questions) for c in result.changes] == [
        (FULL_MARKS - 0.5, FULL_MARKS, ((3, 0.0, 0.5),))
    ]
    assert result.sheets == 2


def test_rescore_refuses_a_key_of_another_build(store):
    save_graded(store)
    other = make_manifest(variants={"A": with_answers(ANSWERS_A, q1="B")})
    with pytest.raises(ManifestError, match="variant A: stored sheets were scored with key"):
        rescore_store(store, other)
    assert store.rescore_history() == []


def test_open_never_creates_a_store_unless_asked(tmp_path):
    with pytest.raises(NoResultsError, match="no results store here"):
        Store.open(tmp_path / STORE_FILENAME)
    assert not (tmp_path / STORE_FILENAME).exists()
    with open_results(tmp_path / "new", create=True) as store:
        assert store.path == tmp_path / "new" / STORE_FILENAME
    with open_results(tmp_path / "new") as store:
        assert store.pages() == []


def test_grouped_writes_commit_per_group_and_undo_only_a_failed_write(store, tmp_path):
    batch = store.begin_batch({"inputs": ["scans"]})
    other = sqlite3.connect(tmp_path / STORE_FILENAME)
    committed = lambda: other.execute("SELECT count(*) FROM page").fetchone()[0]  # noqa: E731
    with store.grouped_writes(3):
        for n in range(4):
            record, score = graded_record(sha=f"p{n}", candidate=f"{n:010d}")
            store.save_page(replace(record, page_no=n + 1), batch_id=batch, score=score)
        assert committed() == 3 and store.has_page("p3")
        record, score = graded_record(sha="p9")
        with pytest.raises(StoreError, match="CHECK constraint failed"):  # the store names SQLite's failures
            store.save_page(replace(record, status="no such status"), batch_id=batch, score=score)
        assert not store.has_page("p9") and store.has_page("p3")
    assert committed() == 4
    other.close()
