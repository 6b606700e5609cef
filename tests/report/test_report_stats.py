"""Descriptive statistics of a cohort: distribution, histogram, cut score, group breakdowns, chart geometry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from papergen.report.charts import bar_chart
from papergen.report.stats import (
    describe,
    group_breakdown,
    histogram,
    pass_rate,
    passes,
)


def test_describe_gives_population_sd_median_and_range():
    d = describe(np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]))
    assert (d.count, d.mean, d.sd, d.median, d.minimum, d.maximum) == (8, 5.0, 2.0, 4.5, 2.0, 9.0)


def test_describe_ignores_nan_and_reports_nan_for_no_values():
    assert describe(np.array([1.0, np.nan, 3.0])).mean == 2.0
    empty = describe(np.array([]))
    assert empty.count == 0 and math.isnan(empty.mean) and math.isnan(empty.sd)


def test_histogram_bins_are_half_open_and_the_last_holds_full_marks():
    h = histogram(np.array([0.0, 9.5, 10.0, 59.5, 60.0, 99.5, 100.0]), low=0, high=100, bin_width=10)
    assert h.counts.tolist() == [2, 1, 0, 0, 0, 1, 1, 0, 0, 2]
    assert h.labels()[0] == "0–10" and h.labels()[-1] == "90–100"


def test_histogram_shortens_the_last_bin_to_the_range():
    h = histogram(np.array([99.0, 5.0]), low=0, high=99.5, bin_width=10)
    assert h.edges[-1] == 99.5 and h.counts.sum() == 2 and h.labels()[-1] == "90–99.5"


def test_histogram_rejects_an_empty_range():
    with pytest.raises(ValueError, match=r"high > low \(got 10, 5\.\.5\)"):
        histogram(np.array([1.0]), low=5, high=5, bin_width=10)


def test_passes_at_the_cut_score_inclusive():
    totals = np.array([59.5, 60.0, 75.0])
    assert passes(totals, np.full(3, 100.0), cut=60, full_marks=100).tolist() == [False, True, True]
    assert pass_rate(totals, np.full(3, 100.0), cut=60, full_marks=100) == pytest.approx(2 / 3)


def test_a_dropped_question_does_not_move_the_bar():
    # 59.7 of 99.5 is 60.0 % of the remaining marks: passes a 60 % cut on a paper of 100.
    assert passes(np.array([59.7, 59.6]), np.array([99.5, 99.5]), cut=60, full_marks=100).tolist() == [True, False]


def test_group_breakdown_counts_only_items_a_candidate_saw():
    points = np.array([[1.0, 0.5, np.nan], [0.0, 0.5, 1.0]])
    (group,) = group_breakdown(points, np.array([1.0, 0.5, 1.0]), [("s", "单选", np.array([0, 1, 2]))])
    # candidate 1: 1.5 of 1.5; candidate 2: 1.5 of 2.5 -> mean 1.5 of mean 2.0
    assert (group.items, group.max_points, group.mean_points, group.share) == (3, 2.0, 1.5, 0.75)
    assert group.sd_points == 0.0


def test_bar_chart_heights_are_proportional_to_counts_and_the_marker_sits_between_bars():
    chart = bar_chart(["a", "b", "c", "d"], [5, 10, 0, 20], title="t", marker=(2.0, "cut"))
    heights = [bar.height for bar in chart.bars]
    assert heights[0] * 2 == pytest.approx(heights[1]) and heights[2] == 0
    assert heights[3] == pytest.approx(4 * heights[0])
    marker = next(line for line in chart.lines if line.dash)
    assert chart.bars[1].x + chart.bars[1].width < marker.x1 < chart.bars[2].x
    assert "20" in [t.text for t in chart.texts] and "cut" in [t.text for t in chart.texts]


def test_bar_chart_needs_a_label_per_count():
    with pytest.raises(ValueError, match=r"as many labels as counts.*\(got 2, 1\)"):
        bar_chart(["a", "b"], [1], title="t")
