"""The cohort report as values: everything the PDF, HTML and spreadsheet outputs print.

:func:`summarise_cohort` computes once what the renderers lay out, so the
numbers on every output are the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from papergen.errors import ReportError
from papergen.report.cohort import Cohort
from papergen.report.item_analysis import AnalysisParams, CohortAnalysis, analyse_cohort
from papergen.report.stats import (
    Distribution,
    GroupBreakdown,
    Histogram,
    describe,
    group_breakdown,
    histogram,
    passes,
)
from papergen.grading import RescoreResult

__all__ = ["ReportParams", "DiscriminationBand", "CohortReport", "summarise_cohort", "default_cut"]


@dataclass(frozen=True)
class ReportParams:
    """Tunables of the cohort report.

    Attributes
    ----------
    score_bins : int
        Number of bins of the score histogram over 0..full marks.
    p_bin_width : float
        Bin width of the item-difficulty histogram, share in (0, 1].
    default_cut_share : float
        Cut score as a share of the full marks when neither the caller nor
        the format gives one.
    analysis : AnalysisParams
        Thresholds of the item analysis.
    """

    score_bins: int = 10
    p_bin_width: float = 0.1
    default_cut_share: float = 0.6
    analysis: AnalysisParams = AnalysisParams()


@dataclass(frozen=True)
class DiscriminationBand:
    """A band of the discrimination index D with the number of items in it (Ebel's bands)."""

    label: str
    low: float
    high: float
    count: int


_D_BANDS = (("<0", -np.inf, 0.0), ("0–0.2", 0.0, 0.2), ("0.2–0.3", 0.2, 0.3), ("0.3–0.4", 0.3, 0.4),
            ("≥0.4", 0.4, np.inf))


@dataclass(frozen=True)
class CohortReport:
    """Everything a cohort report prints.

    Attributes
    ----------
    cohort : Cohort
        The sheets.
    analysis : CohortAnalysis
        Item statistics and reliabilities.
    distribution : Distribution
        Of the totals, points.
    score_histogram : Histogram
        Totals over 0..full marks.
    p_histogram : Histogram
        Item difficulty P over 0..1 (analysed items only).
    d_bands : tuple of DiscriminationBand
        Items per band of D.
    full_marks : float
        The format's full marks, points.
    cut : float
        Cut score, points of the full marks.
    passed : ndarray of bool, shape (n_sheets,)
        Which sheets reach the cut.
    sections, topics : tuple of GroupBreakdown
        Per format section; per bank topic (empty without a bank).
    review_sheets : int
        Sheets with a flag or a question under review.
    rescores : tuple of RescoreResult
        Key corrections applied to the store, oldest first.
    data_as_of : str
        When the latest sheet was read (ISO 8601, UTC).
    """

    cohort: Cohort
    analysis: CohortAnalysis
    distribution: Distribution
    score_histogram: Histogram
    p_histogram: Histogram
    d_bands: tuple[DiscriminationBand, ...]
    full_marks: float
    cut: float
    passed: np.ndarray
    sections: tuple[GroupBreakdown, ...]
    topics: tuple[GroupBreakdown, ...]
    review_sheets: int
    rescores: tuple[RescoreResult, ...]
    data_as_of: str

    @property
    def pass_rate(self) -> float:
        """Share of sheets reaching the cut, in [0, 1]."""
        return float(self.passed.mean()) if self.passed.size else float("nan")

    @property
    def cut_position(self) -> float:
        """Where the cut score falls on the score histogram, in bins from its left edge."""
        edges = self.score_histogram.edges
        return float((self.cut - edges[0]) / (edges[1] - edges[0]))

    @property
    def title(self) -> str:
        """The exam's title."""
        return self.cohort.manifest.title


def default_cut(cohort: Cohort, params: ReportParams = ReportParams()) -> float:
    """The format's pass mark, else ``default_cut_share`` of its full marks, points."""
    fmt = cohort.format
    if fmt.pass_mark is not None:
        return float(fmt.pass_mark)
    return params.default_cut_share * fmt.computed_total


def summarise_cohort(
    cohort: Cohort,
    *,
    cut: float | None = None,
    rescores: tuple[RescoreResult, ...] = (),
    params: ReportParams = ReportParams(),
) -> CohortReport:
    """Compute the cohort report.

    Parameters
    ----------
    cohort : Cohort
        The exam's graded sheets.
    cut : float, optional
        Cut score in points of the full marks; default :func:`default_cut`.
    rescores : tuple of RescoreResult
        The store's key corrections of this exam, listed in the report.
    params : ReportParams
        Tunables.

    Raises
    ------
    ReportError
        If the cut score lies outside 0..full marks.
    """
    full = cohort.format.computed_total
    cut_points = default_cut(cohort, params) if cut is None else float(cut)
    if not 0 <= cut_points <= full:
        raise ReportError(f"exam {cohort.exam_id}: cut score must lie in 0..{full:g} (got {cut_points:g})")
    analysis = analyse_cohort(cohort, params.analysis)
    p_values = np.array([a.p_value for a in analysis.items], dtype=np.float64)
    return CohortReport(
        cohort=cohort,
        analysis=analysis,
        distribution=describe(cohort.totals),
        score_histogram=histogram(cohort.totals, low=0.0, high=full, bin_width=full / params.score_bins),
        p_histogram=histogram(p_values[~np.isnan(p_values)], low=0.0, high=1.0, bin_width=params.p_bin_width),
        d_bands=_d_bands(analysis),
        full_marks=full,
        cut=cut_points,
        passed=passes(cohort.totals, cohort.max_totals, cut=cut_points, full_marks=full),
        sections=tuple(_sections(cohort)),
        topics=tuple(_topics(cohort)),
        review_sheets=sum(s.needs_review for s in cohort.sheets),
        rescores=rescores,
        data_as_of=max(s.page.read_at for s in cohort.sheets),
    )


def _d_bands(analysis: CohortAnalysis) -> tuple[DiscriminationBand, ...]:
    d = np.array([a.discrimination for a in analysis.items], dtype=np.float64)
    d = d[~np.isnan(d)]
    return tuple(DiscriminationBand(label, low, high, int(((d >= low) & (d < high)).sum()))
                 for label, low, high in _D_BANDS)


def _sections(cohort: Cohort) -> list[GroupBreakdown]:
    groups = [(s.key, s.title, cohort.columns_of_section(s.key)) for s in cohort.format.sections]
    return group_breakdown(cohort.points, cohort.max_points, groups)


def _topics(cohort: Cohort) -> list[GroupBreakdown]:
    codes = [it.topic for it in cohort.items]
    if not any(codes):
        return []
    groups = []
    for code in sorted({c for c in codes if c}, key=_topic_order):
        columns = np.array([i for i, it in enumerate(cohort.items) if it.topic == code and not it.dropped],
                           dtype=np.intp)
        if columns.size:
            groups.append((code, cohort.topic_names.get(code, code), columns))
    return group_breakdown(cohort.points, cohort.max_points, groups)


def _topic_order(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (1 << 30, code)
