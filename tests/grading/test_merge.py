"""Many stations, one sitting: results folders merged losslessly and idempotently."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fake_grading import ANSWERS_A, ANSWERS_B, FakeScans, make_manifest, make_read, sheet_qr, with_answers
from papergen.cli import main
from papergen.errors import GradeError
from papergen.grading import DUPLICATE_CANDIDATE, STORE_FILENAME, Store, grade_batch, merge_results

EXAM = make_manifest()


def graded(answers=ANSWERS_A, *, candidate, variant="A", manifest=EXAM):
    return make_read(answers, qr=sheet_qr(manifest, variant), candidate=candidate)


def station(tmp_path, name, pages, manifest=EXAM):
    """Grade ``pages`` ((read, label) pairs) into ``tmp_path/name``; returns the folder."""
    scans = FakeScans()
    for read, label in pages:
        scans.add(read, source=f"{name}/scans.pdf", name=label)
    grade_batch(["scans"], [manifest], tmp_path / name, **scans.grade_kwargs())
    return tmp_path / name


def contents(folder):
    with Store.open(folder / STORE_FILENAME) as store:
        pages = {p.sha256: p for p in store.pages()}
        sheets = {s.page.sha256: s for s in store.graded_sheets()}
        marks = {sha: store.sheet_read(p.page_id).questions for sha, p in pages.items()}
    return pages, sheets, marks


@pytest.fixture
def stations(tmp_path):
    one = station(tmp_path, "one", [(graded(candidate="0000000001"), "p1"),
                                    (graded(candidate="0000000002"), "p2")])
    two = station(tmp_path, "two", [(graded(with_answers(ANSWERS_B, q1="A"), variant="B", candidate="0000000002"), "p3"),
                                    (graded(candidate="0000000002"), "p2"),
                                    (make_read(ANSWERS_A, qr=None), "p4")])
    return one, two


def test_merge_copies_every_page_once_with_its_marks_scores_and_flags(tmp_path, stations):
    one, two = stations
    summary = merge_results([one, two], tmp_path / "sitting")
    pages, sheets, marks = contents(tmp_path / "sitting")
    for folder in (one, two):
        src_pages, src_sheets, src_marks = contents(folder)
        for sha, page in src_pages.items():
            assert (pages[sha].status, pages[sha].reason, pages[sha].candidate) == (page.status, page.reason,
                                                                                     page.candidate)
            assert marks[sha] == src_marks[sha]
            if sha in src_sheets:
                assert sheets[sha].score == src_sheets[sha].score
    assert len(pages) == 4  # p2 was graded at both stations: it counts once
    assert [(s.pages_seen, s.skipped) for _, s in summary.folders] == [(2, 0), (3, 1)]
    assert (tmp_path / "sitting" / "scores.csv").is_file()


def test_a_candidate_graded_at_two_stations_is_flagged_on_both_pages(tmp_path, stations):
    merge_results(list(stations), tmp_path / "sitting")
    _, sheets, _ = contents(tmp_path / "sitting")
    flagged = sorted(s.page.source for s in sheets.values() if any(f.kind == DUPLICATE_CANDIDATE for f in s.flags))
    assert flagged == ["one/scans.pdf", "two/scans.pdf"]


def test_merging_again_adds_nothing(tmp_path, stations):
    merge_results(list(stations), tmp_path / "sitting")
    before = contents(tmp_path / "sitting")
    again = merge_results(list(stations), tmp_path / "sitting")
    assert all(s.skipped == s.pages_seen for _, s in again.folders)
    after = contents(tmp_path / "sitting")
    assert after[0].keys() == before[0].keys()
    assert {k: v.flags for k, v in after[1].items()} == {k: v.flags for k, v in before[1].items()}


def test_two_keys_for_one_exam_are_refused_before_anything_is_copied(tmp_path, stations):
    key_question = EXAM.variant("A").questions[0].model_copy(update={"dropped": True})
    corrected_a = EXAM.variant("A").model_copy(update={"questions": [key_question, *EXAM.variant("A").questions[1:]]})
    corrected = EXAM.model_copy(update={"variants": [corrected_a, EXAM.variant("B")]})
    three = station(tmp_path, "three", [(graded(candidate="0000000009"), "p9")], manifest=corrected)
    with pytest.raises(GradeError, match=r"exam 'EX1' was graded with another key than in .*one"):
        merge_results([stations[0], three], tmp_path / "sitting")
    assert contents(tmp_path / "sitting")[0] == {}


def test_the_merge_command_prints_what_each_folder_added(tmp_path, stations):
    one, two = stations
    result = CliRunner().invoke(main, ["merge", str(one), str(two), "--out", str(tmp_path / "sitting")])
    assert result.exit_code == 0, result.output
    assert f"{two}: 3 pages, 1 already in the sitting" in result.output
