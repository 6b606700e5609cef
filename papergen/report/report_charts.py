"""The cohort report's charts, laid out once for the PDF and the HTML page.

Which histogram each chart shows, where the cut score is marked and which
discrimination bands print darker is decided here, so both outputs show the
same charts; each output only chooses the charts' sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from papergen.report.charts import Chart, ChartStyle, bar_chart
from papergen.report.report_text import cut_marker, d_chart_title, p_chart_title, score_chart_title
from papergen.report.summary import CohortReport

__all__ = ["ReportCharts", "report_charts"]


@dataclass(frozen=True)
class ReportCharts:
    """The three charts of a cohort report."""

    scores: Chart
    """Candidates per score bin, the cut score marked by a dashed line."""
    difficulty: Chart
    """Items per bin of difficulty P."""
    discrimination: Chart
    """Items per band of discrimination D, the bands below the low-D threshold darker."""


def report_charts(report: CohortReport, *, chart: ChartStyle, small_chart: ChartStyle) -> ReportCharts:
    """Lay out the score chart (``chart`` size) and the two item charts (``small_chart`` size).

    Parameters
    ----------
    report : CohortReport
        The histograms and bands to draw.
    chart, small_chart : ChartStyle
        Geometry of the score chart and of the difficulty and discrimination charts.
    """
    scores = report.score_histogram
    p_values = report.p_histogram
    bands = report.d_bands
    weak = report.analysis.params.low_discrimination
    return ReportCharts(
        scores=bar_chart(scores.labels(), scores.counts.tolist(), title=score_chart_title(report),
                         marker=(report.cut_position, cut_marker(report)), style=chart),
        difficulty=bar_chart(p_values.labels(), p_values.counts.tolist(), title=p_chart_title(), style=small_chart),
        discrimination=bar_chart([b.label for b in bands], [b.count for b in bands], title=d_chart_title(),
                                 highlight=[b.high <= weak for b in bands], style=small_chart),
    )
