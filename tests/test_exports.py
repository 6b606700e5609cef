"""CSV exports from the store: scores, responses, review list."""

from __future__ import annotations

import csv
import io

import pytest

from grading_fixtures import ANSWERS_A, ANSWERS_B, FULL_MARKS, FakeScans, make_manifest, make_read, sheet_qr, with_answers
from omr.result import SheetRead
from papergen.errors import ReportError
from papergen.exports import REVIEW_MARK, format_points, write_csv, write_exports
from papergen.grading import grade_batch
from papergen.manifest import Candidate
from papergen.store import STORE_FILENAME, Store

ROSTER = [Candidate(number="2024000001", name="王小明", variant="A"),
          Candidate(number="2024000002", name="李华", variant="B")]
EXAM = make_manifest(candidates=ROSTER)


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark missing"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.fixture
def graded(tmp_path):
    """A graded batch: two good sheets, one with review marks, a refused and a quarantined page."""
    scans = FakeScans()
    scans.add(make_read(with_answers(ANSWERS_A, q2="", q9="ACD"), qr=sheet_qr(EXAM, "A"), candidate="2024000001",
                        ambiguous={4: "B"}))
    scans.add(make_read(ANSWERS_B, qr=sheet_qr(EXAM, "B"), candidate="2024000002"))
    scans.add(make_read(ANSWERS_A, qr=None, candidate="2024000003"))
    scans.add(SheetRead("quarantined", reason="3 of 4 fiducials found (bottom-left missing)"), source="scans/b.pdf")
    grade_batch(["scans"], [EXAM], tmp_path, **scans.grade_kwargs())
    return tmp_path


def test_grade_writes_the_three_exports(graded):
    assert sorted(p.name for p in graded.iterdir() if p.suffix == ".csv") == ["responses.csv", "review.csv", "scores.csv"]
    assert not [p for p in graded.iterdir() if p.name.endswith(".tmp")]


def test_scores_csv_has_names_sections_total_and_flags(graded):
    header, first, second = read_csv(graded / "scores.csv")
    assert header == ["candidate", "name", "exam_id", "variant", "单项选择题", "判断题", "多项选择题",
                      "total", "max", "flags", "file", "page", "decisions"]
    assert first == ["2024000001", "王小明", "EX1", "A", "2.5", "1", "1", "4.5", "6", "review: 4",
                     "scans/a.pdf", "1", "0"]
    assert second[:10] == ["2024000002", "李华", "EX1", "B", "3", "1", "2", "6", "6", ""]


def test_responses_csv_has_one_column_per_question_with_review_marks(graded):
    header, first, second = read_csv(graded / "responses.csv")
    assert header == ["candidate", "name", "exam_id", "variant", "file", "page", *map(str, range(1, 11))]
    assert first[6:] == ["A", "", "C", "D" + REVIEW_MARK, "A", "B", "T", "F", "ACD", "BDE"]
    assert second[6:] == [ANSWERS_B[n] for n in range(1, 11)]


def test_review_csv_lists_ungraded_pages_and_questions(graded):
    header, *rows = read_csv(graded / "review.csv")
    assert header == ["file", "page", "candidate", "exam_id", "variant", "question", "reason", "decision"]
    assert [(r[0], r[1], r[5]) for r in rows] == [("scans/a.pdf", "1", "4"), ("scans/a.pdf", "3", ""),
                                                  ("scans/b.pdf", "1", "")]
    assert rows[0][6] == "ambiguous; read D, key D"
    assert rows[1][6].startswith("refused: no QR code decoded")
    assert rows[2][6] == "quarantined: 3 of 4 fiducials found (bottom-left missing)"


def test_review_csv_lists_sheet_flags(tmp_path):
    scans = FakeScans()
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A", "2024000001"), candidate="2024000009"))
    grade_batch(["scans"], [EXAM], tmp_path, **scans.grade_kwargs())
    _, row, absentee = read_csv(tmp_path / "review.csv")
    assert row[5:] == ["", "candidate_mismatch: QR code says 2024000001, grid reads 2024000009", ""]
    assert absentee == ["", "", "2024000002", "EX1", "B", "", "absent: on the roster, no sheet graded", ""]
    _, score_row = read_csv(tmp_path / "scores.csv")
    assert score_row[9] == "candidate_mismatch"


def test_exports_follow_a_rescoring_without_rereading(graded):
    key = EXAM.variant("A")
    questions = [q.model_copy(update={"dropped": q.number == 2}) for q in key.questions]
    fixed = EXAM.model_copy(update={"variants": [key.model_copy(update={"questions": questions}), EXAM.variant("B")]})
    with Store.open(graded / STORE_FILENAME) as store:
        store.rescore(fixed)
        write_exports(store, graded)
    _, first, _ = read_csv(graded / "scores.csv")
    assert FULL_MARKS == 6.0
    assert first[7:9] == ["4.5", "5.5"]


def test_points_print_without_trailing_zeros(tmp_path):
    assert [format_points(x) for x in (60.0, 57.5, 2 / 3, 0.0)] == ["60", "57.5", "0.6667", "0"]


def test_write_csv_replaces_atomically_and_reports_unwritable_paths(tmp_path):
    target = tmp_path / "scores.csv"
    write_csv(target, ["a"], [["1"]])
    write_csv(target, ["a"], [["2"]])
    assert read_csv(target) == [["a"], ["2"]]
    blocked = tmp_path / "folder.csv"
    blocked.mkdir()
    with pytest.raises(ReportError, match="folder.csv: cannot write"):
        write_csv(blocked, ["a"], [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv", "scores.csv"]
