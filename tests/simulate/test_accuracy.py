"""Reader accuracy against simulated truth: no silent misreads, and flags only where marks are doubtful."""

from __future__ import annotations

import pytest
from bundled_exam import build_bundled_exam, bundled_layout

from omr.result import CandidateRead, MarkState, QuestionRead, SheetRead
from papergen.errors import NoResultsError, StoreError
from papergen.simulate.accuracy import (
    AccuracyReport,
    accuracy_from_store,
    check_scores,
    compare_page,
    merge_reports,
    read_scan_files,
    truth_read,
)
from papergen.simulate import simulate_scans
from papergen.simulate.capture import PROFILES
from papergen.simulate.marks import ODD_KINDS
from papergen.simulate.truth import TruthFile, TruthPage, TruthQuestion

DOUBTFUL_KINDS = {*ODD_KINDS, "erasure", "dot"}
"""Marks a careful reader may flag; clean fills and untouched bubbles must never be the reason."""


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, AccuracyReport]:
    """One messy sheet per capture profile (a blank back on the duplex feeder), read back and compared."""
    root = tmp_path_factory.mktemp("accuracy")
    build_bundled_exam(root / "exam", variants=1, seed=3)
    out = {}
    for k, profile in enumerate(PROFILES):
        sim = simulate_scans(root / "exam", root / profile, candidates=1, seed=40 + k, profile=profile, mix="messy")
        out[profile] = read_scan_files(sim.scans_dir, sim.truth_dir, bundled_layout())
    return out


@pytest.fixture(scope="module")
def report(reports) -> AccuracyReport:
    return merge_reports(reports.values())


def test_no_bubble_is_misread_without_a_flag_over_every_capture_profile(report):
    assert report.overall.bubbles >= 700 * (len(PROFILES) - 1)
    assert report.overall.misread == 0, "\n".join(case.describe() for case in report.misreads)


def test_candidate_numbers_and_qr_codes_are_never_read_wrong(report):
    assert report.pages.numbers_wrong == 0 and report.pages.qr_wrong == 0
    assert report.pages.qr_read == report.pages.qr_expected


def test_every_page_gets_a_status_its_truth_allows(report):
    assert report.status_problems == []
    assert report.pages.blanks_found == 1


def test_flags_come_from_doubtful_marks_only(report):
    for kind in ("clean", "pen"):
        tally = report.by_kind[kind]
        assert tally.ambiguous == 0 and tally.misread_flagged == 0, kind
    assert {case.kind for case in report.flagged_misreads} <= DOUBTFUL_KINDS


def test_pencil_fills_are_doubted_only_where_a_bitonal_scan_speckles_them(reports):
    for profile, report in reports.items():
        pencil = report.by_kind.get("pencil")
        if pencil is None or pencil.bubbles == 0:
            continue
        allowed = 0.02 * pencil.bubbles if PROFILES[profile].bitonal else 0
        assert pencil.ambiguous + pencil.misread_flagged <= allowed, profile


def test_ticks_crosses_and_half_fills_are_flagged_or_read_as_the_choice_they_mean(report):
    for kind in ("tick", "cross", "partial"):
        tally = report.by_kind[kind]
        assert tally.bubbles > 0 and tally.misread == 0, kind
        assert tally.flagged >= 0.9 * tally.bubbles, kind


# -- comparing one page ----------------------------------------------------------------------------


def _truth(kinds: list[str | None], intended: list[bool], review: bool = False) -> TruthPage:
    question = TruthQuestion(number=1, options=["A", "B"], kinds=kinds, intended=intended, review=review)
    return TruthPage(page=1, kind="sheet", expect=["read"], exam_id="e", variant="A", candidate="2026000001",
                     qr_text="PG1|e|A|12345678|", profile="test", tags=["200 dpi"], capture={},
                     questions=[question], digit_kinds=["pen"] * 10)


def _read(states: tuple[MarkState, ...], flags: tuple[str, ...] = (), status: str = "read") -> SheetRead:
    marked = tuple(o for o, s in zip("AB", states) if s is MarkState.MARKED)
    question = QuestionRead(1, ("A", "B"), (0.0, 0.0), states, marked, flags)
    return SheetRead(status=status, qr_text="PG1|e|A|12345678|", candidate=CandidateRead("2026000001"),
                     questions=(question,))


def test_a_mark_read_blank_on_an_unflagged_question_is_a_silent_misread():
    report = AccuracyReport()
    compare_page(report, "f.pdf", _truth(["pen", None], [True, False]), _read((MarkState.BLANK, MarkState.BLANK)))
    assert report.overall.misread == 1 and report.silent_errors == 1
    assert report.misreads[0].describe().startswith("f.pdf p1 q1A: pen (meant) read blank")


def test_the_same_misread_on_a_flagged_question_is_seen_by_a_person():
    report = AccuracyReport()
    read = _read((MarkState.BLANK, MarkState.BLANK), flags=("erasure",))
    compare_page(report, "f.pdf", _truth(["light", None], [True, False], review=True), read)
    assert report.overall.misread == 0 and report.overall.misread_flagged == 1
    assert report.by_kind["light"].flagged == 1 and report.pages.review_expected_flagged == 1


def test_an_ambiguous_bubble_is_flagged_not_misread():
    report = AccuracyReport()
    compare_page(report, "f.pdf", _truth(["tick", None], [True, False], review=True),
                 _read((MarkState.AMBIGUOUS, MarkState.BLANK)))
    assert report.overall.ambiguous == 1 and report.overall.misread == 0
    assert report.overall.flagged_rate == 1.0


def test_a_page_with_a_status_its_truth_forbids_is_listed():
    report = AccuracyReport()
    compare_page(report, "f.pdf", _truth(["pen", None], [True, False]),
                 SheetRead(status="quarantined", reason="fit too poor"))
    assert report.pages.sheets_quarantined == 1
    assert report.status_problems == ["f.pdf page 1 (sheet, test): expected read, got quarantined: fit too poor"]


def test_a_complete_but_wrong_candidate_number_is_a_silent_error():
    report = AccuracyReport()
    read = _read((MarkState.MARKED, MarkState.BLANK))
    compare_page(report, "f.pdf", _truth(["pen", None], [True, False]),
                 SheetRead(status="read", qr_text=read.qr_text, candidate=CandidateRead("2026000007"),
                           questions=read.questions))
    assert report.pages.numbers_wrong == 1 and report.silent_errors == 1


def test_the_truth_read_marks_exactly_the_intended_options():
    read = truth_read(_truth(["pen", "erasure"], [True, False], review=True))
    assert read.question(1).marked == ("A",) and not read.question(1).needs_review


@pytest.mark.parametrize("compare", [accuracy_from_store, check_scores])
def test_a_folder_without_results_is_refused_by_name_and_left_alone(tmp_path, compare):
    truth = tmp_path / "truth"
    truth.mkdir()
    empty = TruthFile(file="a.pdf", file_format="pdf", seed=1, mark_mix="clean", pages=[])
    (truth / "a.json").write_text(empty.model_dump_json(), encoding="utf-8")
    not_results = tmp_path / "scans"
    not_results.mkdir()
    with pytest.raises(NoResultsError, match=r"scans: no results.sqlite here") as raised:
        compare(not_results, truth)
    assert isinstance(raised.value, StoreError)
    assert list(not_results.iterdir()) == []


def _variant_read(marked: tuple[str, ...]) -> SheetRead:
    read = _read((MarkState.MARKED, MarkState.BLANK))
    states = tuple(MarkState.MARKED if o in marked else MarkState.BLANK for o in "AB")
    row = QuestionRead(2, ("A", "B"), (0.0, 0.0), states, marked)
    return SheetRead(status="read", qr_text=read.qr_text, candidate=read.candidate, questions=read.questions,
                     marks={"variant": row})


@pytest.mark.parametrize(("marked", "outcome"), [(("A",), "read"), (("A", "B"), "flagged"), (("B",), "wrong")])
def test_the_variant_of_a_generic_sheet_is_read_flagged_or_a_silent_error(marked, outcome):
    report = AccuracyReport()
    compare_page(report, "f.pdf", _truth(["pen", None], [True, False]), _variant_read(marked))
    assert report.pages.variants_expected == 1 and getattr(report.pages, f"variants_{outcome}") == 1
    assert report.silent_errors == (outcome == "wrong")
