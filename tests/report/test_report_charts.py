"""The cohort report's charts, laid out once for the PDF and the HTML page."""

from __future__ import annotations

import dataclasses

import pytest
from sim_cohort import cohort_store

from papergen.report.charts import ChartStyle
from papergen.report.report_charts import report_charts
from papergen.report.run import exam_report
from papergen.grading import Store

CHART = ChartStyle(width_pt=400.0, height_pt=150.0)
SMALL = ChartStyle(width_pt=400.0, height_pt=100.0)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path, _ = cohort_store(tmp_path_factory.mktemp("store"), 24)
    with Store.open(path) as store:
        return exam_report(store, "CS2026A")


def test_charts_draw_one_bar_per_histogram_bin_in_the_requested_sizes(report):
    charts = report_charts(report, chart=CHART, small_chart=SMALL)
    assert len(charts.scores.bars) == len(report.score_histogram.counts)
    assert len(charts.difficulty.bars) == len(report.p_histogram.counts)
    assert len(charts.discrimination.bars) == len(report.d_bands)
    assert (charts.scores.height, charts.difficulty.height, charts.discrimination.height) == (150.0, 100.0, 100.0)


def test_score_chart_marks_the_cut_with_a_dashed_line(report):
    charts = report_charts(report, chart=CHART, small_chart=SMALL)
    assert [line.dash > 0 for line in charts.scores.lines].count(True) == 1
    assert any(text.text == f"pass mark {report.cut:g}" for text in charts.scores.texts)


def test_discrimination_bands_below_the_low_threshold_print_darker(report):
    charts = report_charts(report, chart=CHART, small_chart=SMALL)
    assert [bar.highlight for bar in charts.discrimination.bars] == [True, True, False, False, False]
    params = dataclasses.replace(report.analysis.params, low_discrimination=0.3)
    stricter = dataclasses.replace(report, analysis=dataclasses.replace(report.analysis, params=params))
    highlighted = [bar.highlight for bar in report_charts(stricter, chart=CHART, small_chart=SMALL).discrimination.bars]
    assert highlighted == [True, True, True, False, False]
