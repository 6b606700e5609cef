"""Reviewers' decisions: the audit table, scores that follow them, what survives regrading and rescoring."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest
from fake_grading import ANSWERS_A
from review_sitting import EXAM, FLAGGED, UNREADABLE, graded_sitting, open_store, sha_of

from papergen.errors import ReviewError, StoreError
from papergen.exam import KeyQuestion
from papergen.grading import (
    SCHEMA_VERSION,
    STORE_FILENAME,
    NewDecision,
    Store,
    format_answer,
    grade_batch,
    parse_answer,
    parse_candidate,
    rescore_store,
    write_exports,
)


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


@pytest.fixture
def sitting(tmp_path):
    scans = graded_sitting(tmp_path)
    return tmp_path, scans


def sheet_of(store, sha):
    return next(s for s in store.graded_sheets() if s.page.sha256 == sha)


# -- what a reviewer may write -------------------------------------------------------


@pytest.mark.parametrize(("text", "options", "keys"), [
    ("AC", "ABCDE", "AC"), ("c, a", "ABCDE", "AC"), ("空", "ABCD", ""), ("对", "TF", "T"), ("错", "TF", "F"),
    ("t", "TF", "T"), ("×", "TF", "F"), ("b", "ABCD", "B"),
])
def test_parse_answer_accepts_letters_judge_words_and_blank(text, options, keys):
    assert parse_answer(text, tuple(options)) == keys


@pytest.mark.parametrize(("text", "options"), [("E", "ABCD"), ("", "ABCD"), ("对", "ABCD"), ("A", "TF")])
def test_parse_answer_refuses_options_the_question_lacks(text, options):
    with pytest.raises(ReviewError, match="option letters such as 'AC', 对/错, or 空"):
        parse_answer(text, tuple(options))


def test_format_answer_writes_what_parse_reads():
    assert [format_answer(k) for k in ("AC", "", "T", "F")] == ["AC", "空", "对", "错"]
    assert parse_candidate(" 2024000001 ", 10) == "2024000001"
    with pytest.raises(ReviewError, match="more than the sheet's 4 digits"):
        parse_candidate("12345", 4)
    with pytest.raises(ReviewError, match="digits only"):
        parse_candidate("2024-1")


# -- the audit table and the scores ----------------------------------------------------


def test_an_answer_decision_settles_the_question_and_rescores_the_sheet(sitting):
    folder, scans = sitting
    sha = sha_of(scans, FLAGGED)
    with open_store(folder) as store:
        before = sheet_of(store, sha)
        assert [q.number for q in before.score.review_questions] == [4, 9]
        [row] = store.record_decisions([NewDecision("answer", "b", sha256=sha, question=4, why="erased D")],
                                       who="李老师")
        after = sheet_of(store, sha)
    assert (row.who, row.kind, row.question, row.before, row.after, row.why) == ("李老师", "answer", 4, "D", "B",
                                                                                "erased D")
    assert row.flag == "ambiguous" and row.source == "scans/a.pdf" and row.page_no == 1
    assert [q.number for q in after.score.review_questions] == [9]
    assert after.score.question(4).marked == ("B",) and after.score.question(4).status == "wrong"
    assert after.score.total == before.score.total - 0.5  # D was right on variant A
    assert after.decisions == 1 and before.decisions == 0


def test_undo_appends_a_withdrawal_and_restores_the_reader_value(sitting):
    folder, scans = sitting
    sha = sha_of(scans, FLAGGED)
    with open_store(folder) as store:
        original = sheet_of(store, sha).score
        store.record_decisions([NewDecision("answer", "空", sha256=sha, question=4)], who="a")
        store.record_decisions([NewDecision("answer", None, sha256=sha, question=4)], who="a")
        restored = sheet_of(store, sha)
        trail = store.decisions(sha)
        with pytest.raises(ReviewError, match="nothing to undo"):
            store.record_decisions([NewDecision("answer", None, sha256=sha, question=4)], who="a")
    assert [(d.before, d.after) for d in trail] == [("D", ""), ("", None)]
    assert restored.score == original and restored.decisions == 0


def test_decisions_are_append_only(sitting):
    folder, scans = sitting
    with open_store(folder) as store:
        store.record_decisions([NewDecision("answer", "D", sha256=sha_of(scans, FLAGGED), question=4)], who="a")
    db = sqlite3.connect(folder / STORE_FILENAME)
    for statement in ("UPDATE decision SET after = 'A'", "DELETE FROM decision"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    db.close()


def test_a_bad_request_records_nothing_of_its_batch(sitting):
    folder, scans = sitting
    sha = sha_of(scans, FLAGGED)
    with open_store(folder) as store:
        with pytest.raises(ReviewError, match=r"scans/a.pdf page 1 question 9: answer names options .*got 'F'"):
            store.record_decisions([NewDecision("answer", "B", sha256=sha, question=4),
                                    NewDecision("answer", "F", sha256=sha, question=9)], who="a")
        with pytest.raises(ReviewError, match="has no question 11"):
            store.record_decisions([NewDecision("answer", "A", sha256=sha, question=11)], who="a")
        with pytest.raises(ReviewError, match="no stored page"):
            store.record_decisions([NewDecision("answer", "A", sha256="0" * 64, question=1)], who="a")
        assert store.decisions() == [] and sheet_of(store, sha).decisions == 0


def test_a_candidate_decision_changes_the_sheets_number_and_undo_restores_it(sitting):
    folder, scans = sitting
    sha = sha_of(scans, UNREADABLE)
    with open_store(folder) as store:
        with pytest.raises(ReviewError, match="digits only"):
            store.record_decisions([NewDecision("candidate", "2024?", sha256=sha)], who="a")
        [row] = store.record_decisions([NewDecision("candidate", "2024000002", sha256=sha)], who="a")
        assert store.page_by_sha256(sha).candidate == "2024000002"
        assert sheet_of(store, sha).decisions == 1
        store.record_decisions([NewDecision("candidate", None, sha256=sha)], who="a")
        assert store.page_by_sha256(sha).candidate == "20240?0002"
    assert (row.before, row.after, row.flag) == ("20240?0002", "2024000002", "candidate_unreadable")


def test_decisions_on_set_aside_pages_need_them_graded_first(sitting):
    folder, scans = sitting
    with open_store(folder) as store:
        [page] = store.pages(["quarantined"])
        with pytest.raises(ReviewError, match="not graded .*register it or key it in"):
            store.record_decisions([NewDecision("answer", "A", sha256=page.sha256, question=1)], who="a")


def test_confirmed_multiple_marks_on_a_single_answer_question_score_zero_without_review(tmp_path):
    from fake_grading import FakeScans, make_manifest, make_read, sheet_qr, small_format

    from papergen.exam import Scoring

    exam = make_manifest(fmt=small_format(single=Scoring(multiple_marks="review")))
    scans = FakeScans()
    scans.add(make_read({**ANSWERS_A, 1: "AB"}, qr=sheet_qr(exam, "A")), name="p")
    grade_batch(["scans"], [exam], tmp_path, **scans.grade_kwargs())
    with open_store(tmp_path) as store:
        sha = sha_of(scans, "p")
        assert sheet_of(store, sha).score.question(1).status == "review"
        store.record_decisions([NewDecision("answer", "AB", sha256=sha, question=1)], who="a")
        q1 = sheet_of(store, sha).score.question(1)
    assert (q1.status, q1.points, q1.review) == ("wrong", 0.0, ())


# -- decisions that last ---------------------------------------------------------------


def test_decisions_survive_grading_the_same_scans_again(sitting):
    folder, scans = sitting
    sha = sha_of(scans, FLAGGED)
    with open_store(folder) as store:
        store.record_decisions([NewDecision("answer", "B", sha256=sha, question=4),
                                NewDecision("candidate", "2024000002", sha256=sha_of(scans, UNREADABLE))], who="a")
        decided = sheet_of(store, sha)
    graded_sitting(folder, scans)
    with open_store(folder) as store:
        again = sheet_of(store, sha)
        assert store.page_by_sha256(sha_of(scans, UNREADABLE)).candidate == "2024000002"
    assert again.score == decided.score and again.decisions == 1
    scores = read_csv(folder / "scores.csv")
    assert scores[0][-1] == "decisions" and sorted(r[-1] for r in scores[1:]) == ["0", "1", "1"]


def test_decisions_survive_a_page_saved_again(sitting):
    folder, scans = sitting
    sha = sha_of(scans, FLAGGED)
    with open_store(folder) as store:
        store.record_decisions([NewDecision("answer", "B", sha256=sha, question=4)], who="a")
        sheet = sheet_of(store, sha)
        read = store.sheet_read(sheet.page.page_id)
        store.replace_read(sha, read, status="graded", exam_id="EX1", variant="A", candidate="2024000001",
                           score=sheet.score)
        assert sheet_of(store, sha).score.question(4).marked == ("B",)


def test_decisions_survive_a_key_correction(sitting):
    folder, scans = sitting
    sha = sha_of(scans, FLAGGED)
    key = EXAM.variant("A")
    questions = [KeyQuestion(**{**q.model_dump(), "answer": ["B"] if q.number == 4 else q.answer})
                 for q in key.questions]
    fixed = EXAM.model_copy(update={"variants": [key.model_copy(update={"questions": questions}), EXAM.variant("B")]})
    with open_store(folder) as store:
        store.record_decisions([NewDecision("answer", "B", sha256=sha, question=4)], who="a")
        result = rescore_store(store, fixed)
        q4 = sheet_of(store, sha).score.question(4)
    assert (q4.marked, q4.status, q4.review) == (("B",), "correct", ())
    changed = {c.page_id: c for c in result.changes}
    assert any(c.source == "scans/a.pdf" and c.page_no == 1 and (4, 0.0, 0.5) in c.questions
               for c in changed.values())


def test_review_csv_carries_decisions_on_their_rows(sitting):
    folder, scans = sitting
    with open_store(folder) as store:
        store.record_decisions([
            NewDecision("answer", "B", sha256=sha_of(scans, FLAGGED), question=4, why="erased"),
            NewDecision("candidate", "2024000002", sha256=sha_of(scans, UNREADABLE)),
            NewDecision("absent", "absent", exam_id="EX1", candidate="2024000004"),
        ], who="a")
        write_exports(store, folder)
    header, *rows = read_csv(folder / "review.csv")
    assert header[-1] == "decision"
    by_key = {(r[0], r[1], r[5]): r for r in rows}
    assert by_key[("scans/a.pdf", "1", "4")][6:] == ["ambiguous; read D, key D", "B"]
    assert by_key[("scans/a.pdf", "1", "9")][7] == ""
    assert by_key[("scans/a.pdf", "2", "")][7] == "2024000002"
    assert by_key[("", "", "")][2:] == ["2024000004", "EX1", "B", "", "absent: on the roster, no sheet graded", "缺考"]


# -- schema migration ------------------------------------------------------------------


def downgrade_to_version_1(path):
    """Turn a store into what schema version 1 wrote: no decision table, no decision count."""
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER decision_append_only_update; DROP TRIGGER decision_append_only_delete; "
                     "DROP TABLE decision; DROP INDEX score_review; ALTER TABLE score DROP COLUMN decisions; "
                     "PRAGMA user_version = 1;")
    db.close()


def test_a_version_1_store_is_migrated_when_opened(sitting):
    folder, scans = sitting
    path = folder / STORE_FILENAME
    with open_store(folder) as store:
        sheets = store.graded_sheets()
    downgrade_to_version_1(path)
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        assert store.graded_sheets() == sheets
        store.record_decisions([NewDecision("answer", "B", sha256=sha_of(scans, FLAGGED), question=4)], who="a")
        assert sheet_of(store, sha_of(scans, FLAGGED)).decisions == 1


def test_migration_stops_cleanly_on_a_damaged_store(sitting):
    folder, _ = sitting
    path = folder / STORE_FILENAME
    downgrade_to_version_1(path)
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE decision (id INTEGER);")  # a half-migrated file
    db.close()
    with pytest.raises(StoreError, match="not a usable results store"):
        Store.open(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


def test_decisions_survive_papergen_rescore(sitting, tmp_path):
    import json

    from papergen.exam import save_manifest
    from papergen.grading import rescore_results

    folder, scans = sitting
    sha = sha_of(scans, FLAGGED)
    save_manifest(EXAM, tmp_path / "key.json")
    (tmp_path / "fixes.json").write_text(json.dumps({"reason": "第4题答案更正", "corrections": [
        {"variant": "A", "question": 4, "answer": "B"}]}, ensure_ascii=False), encoding="utf-8")
    with open_store(folder) as store:
        store.record_decisions([NewDecision("answer", "B", sha256=sha, question=4)], who="a")
    rescore_results(folder, tmp_path / "key.json", tmp_path / "fixes.json")
    with open_store(folder) as store:
        sheet = sheet_of(store, sha)
    assert (sheet.score.question(4).marked, sheet.score.question(4).status, sheet.decisions) == (("B",), "correct", 1)
    scores = {r[0]: r for r in read_csv(folder / "scores.csv")[1:]}
    assert scores["2024000001"][-1] == "1"
