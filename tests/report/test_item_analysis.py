"""Item analysis: hand-computed KR-20 and alpha, the point-biserial against its textbook formula,
27 % groups, and planted miskey and backwards items found in a simulated cohort."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fake_grading import (
    ANSWERS_A,
    ANSWERS_B,
    make_manifest,
    make_read,
    sheet_qr,
    with_answers,
)
from sim_cohort import BACKWARDS_ITEM, MISKEY_ITEM, cohort_store

from papergen.grading import DUPLICATE_SCAN, STORE_FILENAME, Flag, PageRecord, Store, score_sheet
from papergen.report.cohort import build_cohort, load_cohort
from papergen.report.item_analysis import (
    analyse_cohort,
    corrected_point_biserial,
    cronbach_alpha,
    discrimination_index,
    kr20,
    reliability,
    standard_error_of_measurement,
    upper_lower_groups,
)

STAIRCASE = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]], dtype=float)
"""p = .8 .6 .4 .2, sum pq = .8; totals 4..0, variance 2; KR-20 = 4/3 * (1 - .8/2) = 0.8."""


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """80 simulated candidates of the two-variant 180-question exam, analysed."""
    path, manifest = cohort_store(tmp_path_factory.mktemp("cohort"), 80)
    with Store.open(path) as store:
        cohort = load_cohort(store, manifest.exam_id)
    return cohort, analyse_cohort(cohort)


def by_id(analysis, item_id):
    return next(a for a in analysis.items if a.item.item_id == item_id)


# -- the formulas on hand-checked matrices ---------------------------------------------------------


def test_kr20_matches_the_value_computed_by_hand():
    assert kr20(STAIRCASE) == pytest.approx(0.8)


def test_kr20_of_a_matrix_without_score_variance_is_undefined():
    assert math.isnan(kr20(np.ones((4, 3))))


def test_alpha_equals_kr20_on_right_wrong_items_and_ignores_a_common_weight():
    assert cronbach_alpha(STAIRCASE) == pytest.approx(0.8)
    assert cronbach_alpha(STAIRCASE * 0.5) == pytest.approx(0.8)


def test_alpha_with_mixed_points_matches_the_value_computed_by_hand():
    # item variances .1875 .0625 .1875 (sum .4375); totals 2.5 1.5 1 0, variance .8125
    # alpha = 3/2 * (1 - .4375/.8125) = 9/13
    points = np.array([[1.0, 0.5, 1], [1, 0.5, 0], [1, 0, 0], [0, 0, 0]])
    assert cronbach_alpha(points) == pytest.approx(9 / 13)


def test_reliability_names_kr20_for_equal_right_wrong_items_and_alpha_otherwise():
    assert reliability(STAIRCASE * 0.5, np.full(4, 0.5)) == ("KR-20", pytest.approx(0.8))
    coefficient, _ = reliability(np.array([[1.0, 0.5], [0, 0.5], [1, 0]]), np.array([1.0, 0.5]))
    assert coefficient == "alpha"


def test_point_biserial_equals_the_textbook_formula_on_the_rest_score():
    rng = np.random.default_rng(5)
    item = (rng.random(200) < 0.6).astype(float)
    totals = item + rng.integers(0, 40, 200) + 10 * item
    rest = totals - item
    p = item.mean()
    direct = (rest[item == 1].mean() - rest[item == 0].mean()) / rest.std() * math.sqrt(p * (1 - p))
    assert corrected_point_biserial(item, totals) == pytest.approx(direct, abs=1e-12)


def test_point_biserial_removes_the_item_from_the_total():
    item = np.array([1.0, 1.0, 0.0, 0.0])
    totals = np.array([4.0, 2.0, 3.0, 0.0])  # rest 3 1 3 0
    assert corrected_point_biserial(item, totals) == pytest.approx(0.5 / math.sqrt(6.75))
    assert math.isnan(corrected_point_biserial(np.ones(4), totals))


def test_upper_and_lower_groups_hold_27_percent_each():
    upper, lower = upper_lower_groups(np.arange(100.0))
    assert len(upper) == len(lower) == 27
    assert set(upper) == set(range(73, 100)) and set(lower) == set(range(27))


def test_discrimination_is_upper_minus_lower_difficulty():
    totals = np.array([10.0, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    item = np.array([1.0, 1, 1, 0, 1, 0, 1, 0, 0, 1])
    # groups of round(2.7) = 3: upper rows 0-2 (P 1), lower rows 9, 8, 7 (P 1/3)
    assert discrimination_index(item, 1.0, totals) == pytest.approx(2 / 3)


def test_sem_is_sd_times_root_one_minus_reliability():
    assert standard_error_of_measurement(10.0, 0.91) == pytest.approx(3.0)
    assert math.isnan(standard_error_of_measurement(10.0, -0.2))


# -- a simulated cohort -----------------------------------------------------------------------------


def test_cohort_pools_each_item_across_shuffled_variants(simulated):
    cohort, _ = simulated
    assert cohort.size == 80 and len(cohort.items) == 180
    miskey = next(it for it in cohort.items if it.item_id == MISKEY_ITEM)
    assert miskey.numbers["A"] == 7 and "B" in miskey.numbers
    assert cohort.presented.all()


def test_planted_miskey_is_flagged_with_the_distractor_top_scorers_prefer(simulated):
    _, analysis = simulated
    miskey = by_id(analysis, MISKEY_ITEM)
    assert miskey.miskey_suspect and "distractor_beats_key" in miskey.flags
    upper = dict(zip(miskey.options.options, miskey.options.upper))
    assert upper["B"] > 0.8 * miskey.options.group_size and upper["A"] == 0


def test_planted_backwards_item_is_flagged_for_negative_discrimination(simulated):
    _, analysis = simulated
    backwards = by_id(analysis, BACKWARDS_ITEM)
    assert backwards.discrimination < -0.3 and backwards.point_biserial < 0
    assert "negative_discrimination" in backwards.flags and backwards.miskey_suspect


def test_ordinary_items_are_not_miskey_suspects(simulated):
    _, analysis = simulated
    suspects = {a.item.item_id for a in analysis.miskey_suspects}
    assert {MISKEY_ITEM, BACKWARDS_ITEM} <= suspects
    assert len(suspects) <= 4
    good = [a for a in analysis.items if a.discrimination >= 0.4]
    assert len(good) > 120 and not any(a.miskey_suspect for a in good)


def test_option_counts_add_up_to_the_candidates_on_single_answer_items(simulated):
    _, analysis = simulated
    for a in analysis.items:
        if a.item.type != "multi":
            assert sum(a.options.all) + a.options.blank - a.options.multi == a.candidates


def test_reliability_per_section_and_total_with_sem(simulated):
    _, analysis = simulated
    scopes = {r.scope: r for r in analysis.reliability}
    assert set(scopes) == {"total", "single", "judge", "multi"}
    assert scopes["total"].coefficient == "alpha" and scopes["single"].coefficient == "KR-20"
    assert scopes["total"].items == 180 and scopes["total"].candidates == 80
    total = scopes["total"]
    assert total.sem == pytest.approx(total.sd * math.sqrt(1 - total.value))
    assert 0.5 < total.value < 1


# -- parallel forms, dropped items, scans counted once ----------------------------------------------


def graded(store, manifest, variant, answers, candidate, sha, *, flags=()):
    read = make_read(answers, qr=sheet_qr(manifest, variant, candidate), candidate=candidate)
    record = PageRecord("scans/a.pdf", int(sha), sha, "graded", read=read, exam_id=manifest.exam_id,
                        variant=variant, candidate=candidate)
    batch = store.begin_batch({})
    store.save_page(record, batch_id=batch, score=score_sheet(read, manifest.variant(variant), manifest.format),
                    flags=flags)


def small_store(tmp_path, manifest):
    store = Store.open(tmp_path / STORE_FILENAME, create=True)
    store.save_manifest(manifest)
    return store


def test_parallel_forms_get_one_reliability_per_form(tmp_path):
    manifest = make_manifest()  # item ids differ between variants A and B
    with small_store(tmp_path, manifest) as store:
        for i in range(6):
            graded(store, manifest, "A", with_answers(ANSWERS_A, q1="B" if i % 2 else "A", q9="AC" if i > 2 else "A"),
                   f"00000000{i}", str(i + 1))
            graded(store, manifest, "B", with_answers(ANSWERS_B, q2="A" if i % 3 else "C"), f"00000001{i}",
                   str(i + 11))
        cohort = load_cohort(store, manifest.exam_id)
    analysis = analyse_cohort(cohort)
    assert len(cohort.items) == 20 and not cohort.presented.all()
    assert sorted(r.form for r in analysis.reliability if r.scope == "total") == ["A", "B"]
    assert all(a.candidates == 6 for a in analysis.items)


def test_a_dropped_item_is_listed_but_not_analysed(tmp_path):
    manifest = make_manifest(variants={"A": ANSWERS_A})
    key = manifest.variant("A")
    questions = [q.model_copy(update={"dropped": q.number == 3}) for q in key.questions]
    dropped = manifest.model_copy(update={"variants": [key.model_copy(update={"questions": questions})]})
    with small_store(tmp_path, dropped) as store:
        for i in range(5):
            graded(store, dropped, "A", with_answers(ANSWERS_A, q4="A" if i % 2 else "D"), f"00000000{i}", str(i + 1))
        cohort = load_cohort(store, dropped.exam_id)
    analysis = analyse_cohort(cohort)
    third = analysis.items[2]
    assert third.item.dropped and math.isnan(third.p_value) and not third.flags
    assert next(r for r in analysis.reliability if r.scope == "total").items == 9


def test_a_sheet_scanned_twice_is_counted_once(tmp_path):
    manifest = make_manifest()
    flag = (Flag(DUPLICATE_SCAN, "same sheet"),)
    with small_store(tmp_path, manifest) as store:
        graded(store, manifest, "A", ANSWERS_A, "0000000001", "1", flags=flag)
        graded(store, manifest, "A", ANSWERS_A, "0000000001", "2", flags=flag)
        graded(store, manifest, "B", ANSWERS_B, "0000000002", "3")
        sheets = store.graded_sheets()
    cohort = build_cohort(manifest, sheets)
    assert cohort.size == 2 and len(cohort.excluded) == 1
    assert cohort.excluded[0].duplicate_of.page.sha256 == "1"
