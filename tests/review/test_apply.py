"""A filled-in review.csv applied to the store; roster reconciliation; the report's warning."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from review_sitting import (
    FLAGGED,
    UNREADABLE,
    graded_sitting,
    open_store,
    sha_of,
)

from papergen.cli import main
from papergen.errors import ReviewError
from papergen.exam import read_roster
from papergen.grading import flag_counts
from papergen.i18n import using_language
from papergen.report.run import unsettled_warnings
from papergen.review.apply import apply_review_csv
from papergen.review.queue import open_sheets, sheet_items
from papergen.review.sitting import reconcile


def read_rows(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def write_rows(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def fill(rows, decisions):
    """review.csv rows with decisions filled in: ``{(file, page, question or candidate): text}``."""
    out = [rows[0]]
    for row in rows[1:]:
        key = (row[0], row[1], row[5]) if row[0] else ("", "", row[2])
        out.append(row[:7] + [decisions.get(key, row[7])])
    return out


@pytest.fixture
def sitting(tmp_path):
    results = tmp_path / "results"
    scans = graded_sitting(results)
    return results, scans


def test_a_filled_in_review_csv_settles_every_flag_with_an_audit_trail(sitting, tmp_path):
    results, scans = sitting
    rows = read_rows(results / "review.csv")
    filled = tmp_path / "filled.csv"
    write_rows(filled, fill(rows, {("scans/a.pdf", "1", "4"): "b", ("scans/a.pdf", "1", "9"): "a c",
                                   ("scans/a.pdf", "2", ""): "2024000002", ("", "", "2024000004"): "缺考"}))
    with open_store(results) as store:
        before = flag_counts(store)
    result = apply_review_csv(results, filled, who="王老师")
    assert (before.questions, before.identity) == (2, 1)
    assert len(result.applied) == 4 and result.unchanged == 0
    assert {d.who for d in result.applied} == {"王老师"}
    assert (result.sitting.flags.questions, result.sitting.flags.identity) == (0, 0)
    [roll] = result.sitting.exams
    assert [p.number for p in roll.confirmed_absent] == ["2024000004"] and roll.absent == ()
    again = read_rows(results / "review.csv")
    decided = {(r[0], r[1], r[5] or r[2]): r[7] for r in again[1:]}
    assert decided[("scans/a.pdf", "1", "4")] == "B" and decided[("scans/a.pdf", "1", "9")] == "AC"
    assert decided[("", "", "2024000004")] == "缺考"
    scores = {r[0]: r for r in read_rows(results / "scores.csv")[1:]}
    assert scores["2024000002"][-1] == "1" and scores["2024000001"][-1] == "2"
    # the file written now, applied again, changes nothing
    repeat = apply_review_csv(results, results / "review.csv", who="王老师")
    assert repeat.applied == () and repeat.unchanged == 4


def test_bad_rows_are_all_reported_with_their_lines_and_nothing_is_applied(sitting, tmp_path):
    results, _ = sitting
    rows = read_rows(results / "review.csv")
    filled = tmp_path / "filled.csv"
    write_rows(filled, fill(rows, {("scans/a.pdf", "1", "4"): "B", ("scans/a.pdf", "1", "9"): "Z",
                                   ("scans/a.pdf", "2", ""): "2024-2", ("scans/b.pdf", "1", ""): "A",
                                   ("", "", "2024000004"): "来了"}))
    with pytest.raises(ReviewError) as caught:
        apply_review_csv(results, filled, who="a")
    message = str(caught.value)
    lines = {r[0]: n for n, r in enumerate(read_rows(filled)[1:], start=2) if r[0]}
    assert "filled.csv: line 3: answer names options the question does not have (got 'Z'" in message
    assert "line 4: candidate number must be digits only (got '2024-2')" in message
    assert f"line {lines['scans/b.pdf']}: scans/b.pdf page 1 is not graded (status quarantined)" in message
    assert "an absentee row takes 缺考 (got '来了')" in message and "nothing was applied" in message
    with open_store(results) as store:
        assert store.decisions() == []


def test_two_rows_deciding_one_thing_differently_are_refused(sitting, tmp_path):
    results, _ = sitting
    rows = read_rows(results / "review.csv")
    rows.append(list(rows[1][:7]) + ["C"])
    rows[1] = rows[1][:7] + ["B"]
    filled = tmp_path / "filled.csv"
    write_rows(filled, rows)
    with pytest.raises(ReviewError, match=r"line \d+: decides 'C', line 2 decided 'B' for the same answer"):
        apply_review_csv(results, filled, who="a")


def test_a_review_csv_from_before_decisions_applies_nothing_and_gains_the_column(sitting, tmp_path):
    results, _ = sitting
    old = tmp_path / "old.csv"
    write_rows(old, [row[:7] for row in read_rows(results / "review.csv")])
    (results / "review.csv").unlink()
    result = apply_review_csv(results, old, who="a")
    assert result.applied == () and read_rows(results / "review.csv")[0][-1] == "decision"


def test_a_roster_given_adds_its_absentees_to_review_csv(sitting, tmp_path):
    results, _ = sitting
    roster = tmp_path / "roster.csv"
    roster.write_text("准考证号,姓名\n2024000001,王小明\n2024000009,赵六\n", encoding="utf-8")
    apply_review_csv(results, results / "review.csv", who="a", roster=read_roster(roster))
    absentees = [r for r in read_rows(results / "review.csv")[1:] if not r[0]]
    assert [(r[2], r[6]) for r in absentees] == [("2024000009", "absent: on the roster, no sheet graded")]
    write_rows(tmp_path / "filled.csv", fill(read_rows(results / "review.csv"), {("", "", "2024000009"): "缺考"}))
    result = apply_review_csv(results, tmp_path / "filled.csv", who="a", roster=read_roster(roster))
    assert [p.number for p in result.sitting.exams[0].confirmed_absent] == ["2024000009"]


def test_a_file_that_is_not_a_review_csv_is_named(sitting, tmp_path):
    results, _ = sitting
    other = tmp_path / "other.csv"
    other.write_text("number,name\n1,a\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="other.csv: line 1: not a review.csv header"):
        apply_review_csv(results, other, who="a")


def test_reconciliation_names_present_absent_strangers_duplicates_and_pages_not_graded(sitting, tmp_path):
    results, scans = sitting
    with open_store(results) as store:
        sitting_ = reconcile(store)
        [roll] = sitting_.exams
        assert [p.number for p, _ in roll.present] == ["2024000001", "2024000003"]
        assert [p.number for p in roll.absent] == ["2024000002", "2024000004"]
        assert [p.candidate for p in roll.not_on_roster] == ["20240?0002"]
        assert [p.status for p in sitting_.not_graded] == ["quarantined"]
        assert (sitting_.flags.questions, sitting_.flags.identity, sitting_.flags.set_aside) == (2, 1, 1)
        assert not sitting_.settled
        roster = tmp_path / "roster.csv"
        roster.write_text("准考证号,姓名\n2024000001,王小明\n2024000003,张伟\n", encoding="utf-8")
        from papergen.grading import NewDecision

        store.record_decisions([NewDecision("candidate", "2024000001", sha256=sha_of(scans, UNREADABLE))], who="a")
        given = reconcile(store, read_roster(roster))
    [roll] = given.exams
    assert roll.absent == () and list(roll.duplicates) == ["2024000001"]
    assert "duplicate number 2024000001: scans/" in "\n".join(given.describe())
    with using_language("zh"):
        assert "重复考号 2024000001：scans/" in "\n".join(given.describe())


def test_the_queue_lists_open_sheets_with_their_items(sitting):
    results, scans = sitting
    with open_store(results) as store:
        pages = open_sheets(store)
        items = [sheet_items(store, p) for p in pages]
    assert [p.sha256 for p in pages] == [sha_of(scans, FLAGGED), sha_of(scans, UNREADABLE)]
    first, second = items
    assert [(q.number, q.read, q.states, q.reasons) for q in first.questions] == [
        (4, "D", "babm", ("ambiguous",)), (9, "AC", "mbmbb", ("erasure",))]
    assert first.identity is None and second.questions == ()
    assert second.identity.digits == "20240?0002" and second.identity.decided is None


def test_report_warns_while_flags_remain_and_says_when_scores_include_decisions(sitting):
    results, scans = sitting
    with open_store(results) as store, using_language("zh"):
        [warning] = unsettled_warnings(store, results)
        assert "待复核 2 题、1 个考号、1 张搁置答题卡" in warning
        from papergen.grading import NewDecision

        store.record_decisions([NewDecision("answer", "D", sha256=sha_of(scans, FLAGGED), question=4)], who="a")
        warnings = unsettled_warnings(store, results)
    assert "待复核 1 题" in warnings[0] and "1 张答题卡的成绩含复核人的复核决定" in warnings[1]
    with open_store(results) as store:
        assert "1 sheet's score includes reviewers' decisions" in unsettled_warnings(store, results)[1]


def test_the_review_command_applies_a_file_and_prints_the_reconciliation(sitting, tmp_path):
    results, _ = sitting
    rows = read_rows(results / "review.csv")
    filled = tmp_path / "filled.csv"
    write_rows(filled, fill(rows, {("scans/a.pdf", "1", "4"): "D"}))
    outcome = CliRunner().invoke(main, ["review", str(results), "--apply", str(filled), "--who", "t"])
    assert outcome.exit_code == 0, outcome.output
    assert "Decisions recorded: 1" in outcome.output and "absent, to confirm: 2024000002 李华" in outcome.output
    bad = CliRunner().invoke(main, ["review", str(results), "--apply", str(results / "scores.csv")])
    assert bad.exit_code == 1 and "not a review.csv header" in bad.output


def test_the_queue_pages_through_open_sheets_by_file_and_page(sitting):
    results, scans = sitting
    with open_store(results) as store:
        first = open_sheets(store, limit=1)
        rest = open_sheets(store, after=(first[0].source, first[0].page_no), limit=5)
        from papergen.grading import NewDecision

        store.record_decisions([NewDecision("answer", "D", sha256=sha_of(scans, FLAGGED), question=4),
                                NewDecision("answer", "AC", sha256=sha_of(scans, FLAGGED), question=9)], who="a")
        after_settling = open_sheets(store)
    assert [p.sha256 for p in first + rest] == [sha_of(scans, FLAGGED), sha_of(scans, UNREADABLE)]
    assert [p.sha256 for p in after_settling] == [sha_of(scans, UNREADABLE)]


def test_a_score_slip_says_when_it_includes_reviewers_decisions(sitting):
    from papergen.grading import NewDecision
    from papergen.report.run import exam_report
    from papergen.report.slips import slips_html, slips_of

    results, scans = sitting
    with open_store(results) as store:
        store.record_decisions([NewDecision("answer", "D", sha256=sha_of(scans, FLAGGED), question=4)], who="a")
        report = exam_report(store, "EX1")
    slips = {s.candidate: s for s in slips_of(report)}
    assert slips["2024000001"].decisions == 1 and slips["2024000003"].decisions == 0
    assert slips_html(report).count("本成绩含 1 项人工复核决定") == 1


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_review_csv_saved_back_by_excel_or_wps_in_another_encoding_applies(sitting, tmp_path, encoding):
    results, _ = sitting
    rows = fill(read_rows(results / "review.csv"), {("scans/a.pdf", "1", "4"): "空", ("", "", "2024000004"): "缺考"})
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    filled = tmp_path / "filled.csv"
    filled.write_bytes(text.getvalue().encode(encoding))
    result = apply_review_csv(results, filled, who="王老师")
    assert len(result.applied) == 2
    blank = next(d for d in result.applied if d.question == 4)
    assert blank.after == ""  # 空: the question decided blank
