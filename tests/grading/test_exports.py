"""CSV exports from the store: scores, responses, review list."""

from __future__ import annotations

import csv
import io

import pytest

from fake_grading import ANSWERS_A, ANSWERS_B, FULL_MARKS, FakeScans, make_manifest, make_read, sheet_qr, with_answers
from omr.result import SheetRead
from papergen.errors import ReportError
from papergen.files import write_csv, write_csv_files
from papergen.grading.exports import REVIEW_MARK, write_exports
from papergen.wording import format_points
from papergen.grading import STORE_FILENAME, Store, grade_batch, rescore_store
from papergen.exam.manifest import Candidate

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
        rescore_store(store, fixed)
        write_exports(store, graded)
    _, first, _ = read_csv(graded / "scores.csv")
    assert FULL_MARKS == 6.0
    assert first[7:9] == ["4.5", "5.5"]


def test_points_print_without_trailing_zeros(tmp_path):
    assert [format_points(x) for x in (60.0, 57.5, 2 / 3, 0.0)] == ["60", "57.5", "0.6667", "0"]


def test_write_csv_replaces_atomically_and_reports_unwritable_paths(tmp_path):
    target = tmp_path / "scores.csv"
    write_csv(target, ["a"], [["1"]], ReportError)
    write_csv(target, ["a"], [["2"]], ReportError)
    assert read_csv(target) == [["a"], ["2"]]
    blocked = tmp_path / "folder.csv"
    blocked.mkdir()
    with pytest.raises(ReportError, match="folder.csv: cannot write"):
        write_csv(blocked, ["a"], [], ReportError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv", "scores.csv"]


def test_review_csv_lists_every_page_not_graded_with_file_page_and_reason(tmp_path):
    scans = FakeScans()
    scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A"), candidate="2024000001"))
    scans.add(SheetRead("blank", reason="duplex back"), source="scans/c.pdf")
    scans.add(SheetRead("not_a_sheet", reason="no fiducials, text found"), source="scans/c.pdf")
    scans.add(make_read(ANSWERS_A, qr=None, candidate="2024000003"), source="scans/c.pdf")
    scans.add(None, source="scans/d.png", error="cannot decode")
    scans.add(RuntimeError("reader crashed"), source="scans/e.pdf")
    summary = grade_batch(["scans"], [EXAM], tmp_path, **scans.grade_kwargs())
    _, *rows = read_csv(tmp_path / "review.csv")
    listed = {(r[0], r[1], r[6].split(":")[0]) for r in rows if not r[6].startswith("absent:")}  # roster absentees
    assert listed == {("scans/c.pdf", "1", "blank"), ("scans/c.pdf", "2", "not_a_sheet"),
                      ("scans/c.pdf", "3", "refused"), ("scans/d.png", "1", "quarantined"),
                      ("scans/e.pdf", "1", "error")}
    described = "\n".join(summary.describe())
    for source, page, _ in listed:
        assert f"{source} page {page}:" in described


def test_text_from_outside_cannot_become_a_formula_in_any_csv(tmp_path):
    exam = make_manifest("=1+1", candidates=[Candidate(number="2024000001", name='=HYPERLINK("http://x","点我")',
                                                       variant="A")])
    scans = FakeScans()
    scans.add(make_read(with_answers(ANSWERS_A, q2=""), qr=sheet_qr(exam, "A"), candidate="2024000001",
                        ambiguous={4: "B"}), source="@scans/+a.pdf")
    scans.add(SheetRead("quarantined", reason="-3 of 4 fiducials"), source="-b.pdf")
    grade_batch(["scans"], [exam], tmp_path, **scans.grade_kwargs())
    header, score = read_csv(tmp_path / "scores.csv")
    assert score[:3] == ["2024000001", "'=HYPERLINK(\"http://x\",\"点我\")", "'=1+1"]
    assert score[header.index("file")] == "'@scans/+a.pdf"
    assert score[4:9] == ["2.5", "1", "2", "5.5", "6"], "numbers stay numbers"
    _, response = read_csv(tmp_path / "responses.csv")
    assert response[1:5] == ["'=HYPERLINK(\"http://x\",\"点我\")", "'=1+1", "A", "'@scans/+a.pdf"]
    _, *review = read_csv(tmp_path / "review.csv")
    assert ["'-b.pdf", "1"] == review[0][:2] and review[0][6] == "quarantined: -3 of 4 fiducials"
    cells = [cell for path in tmp_path.glob("*.csv") for row in read_csv(path) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_several_csv_files_are_written_in_one_pass_and_replaced_together(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (first, second):
        path.write_bytes(b"old")

    def fill(add):
        for n in range(3):
            add[n % 2]([str(n), "=1+1"])

    assert write_csv_files([(first, ["x", "y"]), (second, ["z", "w"])], fill, ReportError) == [first, second]
    assert read_csv(first) == [["x", "y"], ["0", "'=1+1"], ["2", "'=1+1"]]
    assert read_csv(second) == [["z", "w"], ["1", "'=1+1"]]

    def failing(add):
        add[0](["new"])
        raise ValueError("the rows stopped")

    with pytest.raises(ValueError, match="the rows stopped"):
        write_csv_files([(first, ["x"]), (second, ["z"])], failing, ReportError)
    assert read_csv(first)[1] == ["0", "'=1+1"] and read_csv(second)[1] == ["1", "'=1+1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_a_csv_file_that_cannot_be_written_is_named_and_no_other_is_replaced(tmp_path):
    kept = tmp_path / "kept.csv"
    kept.write_bytes(b"old")
    blocked = tmp_path / "blocked.csv"
    blocked.mkdir()
    with pytest.raises(ReportError, match="blocked.csv: cannot write"):
        write_csv_files([(kept, ["x"]), (blocked, ["y"])], lambda add: add[0](["1"]), ReportError)
    assert kept.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked.csv", "kept.csv"]
