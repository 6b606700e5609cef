"""The cohort report as values: everything the PDF, HTML and spreadsheet outputs print.

:func:`summarise_cohort` computes once what the renderers lay out, so the
numbers on every output are the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from papergen.errors import ReportError
from papergen.i18n import _
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

__all__ = ["Verdict", "ReportParams", "DiscriminationBand", "CohortReport", "summarise_cohort", "default_cut",
           "pending_verdicts", "sheet_cut"]


Verdict = Literal["pass", "fail", "pending"]
"""A candidate's result: passed, failed, or waiting for the questions held for review."""


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
    small_sample : int
        Item statistics resting on fewer candidates than this carry a
        warning: with 100 candidates the standard error of P is still up to
        0.05 and each 27 % group holds 27 people; below it D and the miskey
        flags swing with a handful of answers.
    analysis : AnalysisParams
        Thresholds of the item analysis.
    """

    score_bins: int = 10
    p_bin_width: float = 0.1
    default_cut_share: float = 0.6
    small_sample: int = 100
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
        Which sheets reach the cut with the points as they stand.
    pending : ndarray of bool, shape (n_sheets,)
        Sheets whose pass or fail is not settled yet: the questions held for
        review could carry them across the cut either way (see :func:`verdicts`).
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
    pending: np.ndarray
    sections: tuple[GroupBreakdown, ...]
    topics: tuple[GroupBreakdown, ...]
    review_sheets: int
    rescores: tuple[RescoreResult, ...]
    data_as_of: str
    small_sample: int = ReportParams.small_sample

    @property
    def pass_rate(self) -> float:
        """Share of sheets settled as passed, in [0, 1] (sheets still pending count as not passed)."""
        return float(self.settled_passes.mean()) if self.passed.size else float("nan")

    @property
    def settled_passes(self) -> np.ndarray:
        """Sheets that pass whatever the review decides, boolean, shape (n_sheets,)."""
        return self.passed & ~self.pending

    @property
    def settled_fails(self) -> np.ndarray:
        """Sheets that fail whatever the review decides, boolean, shape (n_sheets,)."""
        return ~self.passed & ~self.pending

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Each sheet's result, in cohort order."""
        return tuple("pending" if pending else "pass" if passed else "fail"
                     for passed, pending in zip(self.passed.tolist(), self.pending.tolist()))

    @property
    def fewest_candidates(self) -> int:
        """Fewest candidates any analysed (not dropped) item was answered by; 0 if none was analysed."""
        counts = [a.candidates for a in self.analysis.items if not a.item.dropped]
        return min(counts, default=0)

    @property
    def small_sample_warning(self) -> bool:
        """True if item statistics rest on fewer than ``small_sample`` candidates."""
        return self.fewest_candidates < self.small_sample

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
        raise ReportError(_("exam {exam}: cut score must lie in 0..{full} (got {cut})").format(
            exam=cohort.exam_id, full=f"{full:g}", cut=f"{cut_points:g}"))
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
        pending=pending_verdicts(cohort, cut=cut_points, full_marks=full),
        sections=tuple(_sections(cohort)),
        topics=tuple(_topics(cohort)),
        review_sheets=sum(s.needs_review for s in cohort.sheets),
        rescores=rescores,
        data_as_of=max(s.page.read_at for s in cohort.sheets),
        small_sample=params.small_sample,
    )


def sheet_cut(report: CohortReport, max_total: float) -> float:
    """The pass mark of a sheet worth ``max_total`` points: the cut scaled to its maximum (see :mod:`.stats`).

    A sheet whose maximum shrank because questions were dropped passes at the
    same share of its maximum as the cut is of the full marks.
    """
    return report.cut * max_total / report.full_marks if report.full_marks else report.cut


def pending_verdicts(cohort: Cohort, *, cut: float, full_marks: float) -> np.ndarray:
    """Which sheets could still pass or fail depending on the questions held for review.

    A question listed for review may end up with no points or with all of
    them, whatever it scores now.  A sheet's verdict is pending when it
    passes with every such question at full points but fails with every one
    at zero.

    Returns
    -------
    ndarray of bool, shape (n_sheets,)
    """
    may_lose = np.array([sum(q.points for q in s.score.review_questions) for s in cohort.sheets], dtype=np.float64)
    may_gain = np.array([sum(q.max_points - q.points for q in s.score.review_questions) for s in cohort.sheets],
                        dtype=np.float64)
    lowest = passes(cohort.totals - may_lose, cohort.max_totals, cut=cut, full_marks=full_marks)
    highest = passes(cohort.totals + may_gain, cohort.max_totals, cut=cut, full_marks=full_marks)
    return highest & ~lowest


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
