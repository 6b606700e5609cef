"""Classical item analysis of a cohort: difficulty, discrimination, distractors, reliability.

Definitions (the report prints the same words)
----------------------------------------------
difficulty P
    Mean share of the item's points earned, over the candidates whose paper
    carried it; for a right/wrong item, the proportion answering correctly.
discrimination D
    P in the upper group minus P in the lower group.  The groups are the
    candidates with the highest and lowest totals, each
    ``round(group_share * n)`` strong (27 % by default, Kelley); ties at a
    group's edge are broken by sheet order.  D >= 0.4 discriminates well,
    D < 0.2 poorly, D < 0 backwards.
point-biserial r (corrected)
    Pearson correlation of the item's points with the total *without that
    item*, so an item does not correlate with itself.
blank and multi-mark rates
    Share of candidates who marked nothing; share who marked two or more
    options on a single-answer item.
miskey flags
    ``negative_discrimination``: D < 0, the weaker candidates did better.
    ``distractor_beats_key``: in the upper group a wrong option was chosen
    more often than the key (on a multiple-choice item: than the least
    chosen correct option), by more than ``distractor_margin`` (10 %) of
    the group: one candidate's lead in a group of 16 is noise.  Either one makes the
    item a miskey suspect.
reliability
    KR-20 over a set of right/wrong items of equal points; Cronbach's alpha
    over points where items are worth different points or earn partial
    credit (for right/wrong items of equal points the two are equal).
    Variances divide by N.  SEM = SD * sqrt(1 - reliability), in points.

Items dropped or awarded to all (送分) by a key correction are listed but not
analysed: an awarded item's points say nothing about the candidates.  When the
variants carry different items (parallel forms) reliability is computed for
each group of variants that share their items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from papergen.i18n import N_
from papergen.report.cohort import Cohort, CohortItem

__all__ = [
    "WHOLE_PAPER",
    "AnalysisParams",
    "OptionCounts",
    "ItemAnalysis",
    "Reliability",
    "CohortAnalysis",
    "analyse_cohort",
    "analyse_item",
    "upper_lower_groups",
    "difficulty",
    "discrimination_index",
    "corrected_point_biserial",
    "kr20",
    "cronbach_alpha",
    "reliability",
    "standard_error_of_measurement",
    "ItemFlag",
    "MISKEY_FLAGS",
]

ItemFlag = Literal["negative_discrimination", "distractor_beats_key", "low_discrimination", "too_easy", "too_hard"]
MISKEY_FLAGS: frozenset[str] = frozenset({"negative_discrimination", "distractor_beats_key"})
"""Flags that make an item a miskey suspect."""

WHOLE_PAPER = N_("Whole paper")
"""The title of the reliability of every item together (English; translate it where shown)."""


@dataclass(frozen=True)
class AnalysisParams:
    """Thresholds of the item analysis.

    Attributes
    ----------
    group_share : float
        Share of the cohort in each of the upper and lower groups, in (0, 0.5].
    low_discrimination : float
        D below this (and >= 0) is flagged ``low_discrimination``.
    easy_p, hard_p : float
        P above ``easy_p`` is flagged ``too_easy``, below ``hard_p`` ``too_hard``.
    min_candidates : int
        Fewer candidates than this on an item: no flags (the numbers are noise).
    distractor_margin : float
        Share of the upper group by which a distractor must out-draw the key
        to flag ``distractor_beats_key`` (the lead must also be at least one candidate).
    """

    group_share: float = 0.27
    distractor_margin: float = 0.1
    low_discrimination: float = 0.2
    easy_p: float = 0.9
    hard_p: float = 0.2
    min_candidates: int = 5


@dataclass(frozen=True)
class OptionCounts:
    """How often each option of an item was marked.

    Attributes
    ----------
    options : tuple of str
        The item's options in bank labels.
    key : tuple of str
        The correct options.
    all, upper, lower : tuple of int
        Candidates marking each option, overall and in the upper / lower group.
    group_size : int
        Candidates in each of the upper and lower groups.
    blank : int
        Candidates marking nothing.
    multi : int
        Candidates marking two or more options of a single-answer item (0 for multiple choice).
    """

    options: tuple[str, ...]
    key: tuple[str, ...]
    all: tuple[int, ...]
    upper: tuple[int, ...]
    lower: tuple[int, ...]
    group_size: int
    blank: int
    multi: int


@dataclass(frozen=True)
class ItemAnalysis:
    """Statistics of one item (NaN where undefined, e.g. for a dropped item).

    Attributes
    ----------
    item : CohortItem
        The item.
    candidates : int
        Candidates whose paper carried it.
    p_value : float
        Difficulty P in [0, 1].
    p_upper, p_lower : float
        P in the upper and lower groups.
    discrimination : float
        D = p_upper - p_lower, in [-1, 1].
    point_biserial : float
        Corrected point-biserial correlation, in [-1, 1].
    blank_rate, multi_rate : float
        Shares in [0, 1].
    options : OptionCounts
        Option / distractor counts.
    flags : tuple of str
        See :data:`ItemFlag`.
    """

    item: CohortItem
    candidates: int
    p_value: float
    p_upper: float
    p_lower: float
    discrimination: float
    point_biserial: float
    blank_rate: float
    multi_rate: float
    options: OptionCounts
    flags: tuple[str, ...] = ()

    @property
    def miskey_suspect(self) -> bool:
        """True if a flag points at a wrong key."""
        return any(f in MISKEY_FLAGS for f in self.flags)


@dataclass(frozen=True)
class Reliability:
    """Internal consistency of a set of items.

    Attributes
    ----------
    scope : str
        ``"total"`` or a section key.
    title : str
        Printed name of the scope: the section's title, or :data:`WHOLE_PAPER` (English, translated when shown).
    form : str
        Variants whose sheets it was computed over, e.g. ``"A, B"``.
    coefficient : {'KR-20', 'alpha'}
        Which coefficient (see the module docstring).
    value : float
        The coefficient; NaN with fewer than 2 items, 2 candidates, or no score variance.
    items, candidates : int
        Numbers of items and candidates.
    sd : float
        SD of the scope's points (divides by N), points.
    sem : float
        Standard error of measurement, points; NaN when the coefficient is NaN or negative.
    """

    scope: str
    title: str
    form: str
    coefficient: Literal["KR-20", "alpha"]
    value: float
    items: int
    candidates: int
    sd: float
    sem: float


@dataclass(frozen=True)
class CohortAnalysis:
    """Item analysis of a cohort: one entry per item (cohort column order) and the reliabilities."""

    items: tuple[ItemAnalysis, ...]
    reliability: tuple[Reliability, ...]
    params: AnalysisParams

    @property
    def miskey_suspects(self) -> tuple[ItemAnalysis, ...]:
        """Items flagged as possible miskeys, in cohort order."""
        return tuple(a for a in self.items if a.miskey_suspect)

    def total_reliability(self) -> Reliability | None:
        """The reliability of the whole paper (of the largest form group), None if not computed."""
        totals = [r for r in self.reliability if r.scope == "total"]
        return max(totals, key=lambda r: r.candidates) if totals else None


# -- the statistics, on plain arrays ---------------------------------------------


def upper_lower_groups(totals: np.ndarray, share: float = 0.27) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the upper and lower groups by total.

    Parameters
    ----------
    totals : ndarray, shape (n,)
        Total scores.
    share : float
        Share of n in each group, in (0, 0.5]; each group has ``max(1, round(share * n))`` rows.

    Returns
    -------
    upper, lower : ndarray of intp
        Highest totals first; lowest totals first.  Ties are broken by row order.

    Raises
    ------
    ValueError
        If ``share`` is outside (0, 0.5].

    Examples
    --------
    >>> up, low = upper_lower_groups(np.array([5.0, 9.0, 1.0, 7.0]), share=0.25)
    >>> up.tolist(), low.tolist()
    ([1], [2])
    """
    if not 0 < share <= 0.5:
        raise ValueError(f"group share must be in (0, 0.5] (got {share})")
    totals = np.asarray(totals, dtype=np.float64)
    n = totals.size
    if n == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    size = max(1, round(share * n))
    descending = np.argsort(-totals, kind="stable")
    ascending = np.argsort(totals, kind="stable")
    return descending[:size], ascending[:size]


def difficulty(points: np.ndarray, max_points: float) -> float:
    """Mean share of ``max_points`` earned; NaN for no values or no points available."""
    points = np.asarray(points, dtype=np.float64)
    if points.size == 0 or max_points <= 0:
        return float("nan")
    return float(points.mean() / max_points)


def discrimination_index(points: np.ndarray, max_points: float, totals: np.ndarray, share: float = 0.27) -> float:
    """Upper-lower discrimination D of one item (see the module docstring).

    Parameters
    ----------
    points : ndarray, shape (n,)
        The item's points per candidate.
    max_points : float
        Points the item is worth.
    totals : ndarray, shape (n,)
        The candidates' totals.
    share : float
        Group share.
    """
    upper, lower = upper_lower_groups(totals, share)
    if upper.size == 0:
        return float("nan")
    return difficulty(points[upper], max_points) - difficulty(points[lower], max_points)


def corrected_point_biserial(points: np.ndarray, totals: np.ndarray) -> float:
    """Pearson r of the item's points with the total minus the item; NaN if either is constant.

    Examples
    --------
    >>> round(corrected_point_biserial(np.array([1.0, 1.0, 0.0, 0.0]), np.array([4.0, 2.0, 3.0, 0.0])), 4)
    0.1925
    """
    x = np.asarray(points, dtype=np.float64)
    rest = np.asarray(totals, dtype=np.float64) - x
    if x.size < 2:
        return float("nan")
    dx, dy = x - x.mean(), rest - rest.mean()
    denominator = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    if denominator <= 0:
        return float("nan")
    return float((dx * dy).sum() / denominator)


def kr20(correct: np.ndarray) -> float:
    """Kuder-Richardson 20 of a right/wrong matrix.

    Parameters
    ----------
    correct : ndarray, shape (n_candidates, k_items)
        1 for right, 0 for wrong.

    Returns
    -------
    float
        ``k / (k - 1) * (1 - sum(p * q) / var(total))``, variances dividing by
        N; NaN with fewer than 2 items or candidates, or constant totals.

    Examples
    --------
    >>> round(kr20(np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]])), 4)
    0.75
    """
    def item_variances(x: np.ndarray) -> float:
        p = x.mean(axis=0)
        return (p * (1.0 - p)).sum()

    return _alpha_formula(np.asarray(correct, dtype=np.float64), item_variances)


def cronbach_alpha(points: np.ndarray) -> float:
    """Cronbach's alpha of a points matrix, shape (n_candidates, k_items); variances divide by N.

    Examples
    --------
    >>> round(cronbach_alpha(np.array([[1.0, 0.5, 1], [1, 0.5, 0], [1, 0, 0], [0, 0, 0]])), 4)
    0.6923
    """
    return _alpha_formula(np.asarray(points, dtype=np.float64), lambda x: x.var(axis=0).sum())


def _alpha_formula(x: np.ndarray, item_variances: Callable[[np.ndarray], float]) -> float:
    """``k / (k - 1) * (1 - item_variances(x) / var(total))``, variances dividing by N.

    KR-20 and Cronbach's alpha are this one formula; they differ only in how
    the summed item variances are computed (``p * q`` for right/wrong items).
    NaN with fewer than 2 items or candidates, or constant totals.
    """
    n, k = x.shape
    if n < 2 or k < 2:
        return float("nan")
    variance = x.sum(axis=1).var()
    if variance <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - item_variances(x) / variance))


def reliability(points: np.ndarray, max_points: np.ndarray) -> tuple[Literal["KR-20", "alpha"], float]:
    """KR-20 if every item is right/wrong and worth the same, else Cronbach's alpha.

    Parameters
    ----------
    points : ndarray, shape (n_candidates, k_items)
        Points earned, no NaN.
    max_points : ndarray, shape (k_items,)
        Points each item is worth.
    """
    x = np.asarray(points, dtype=np.float64)
    worth = np.asarray(max_points, dtype=np.float64)
    dichotomous = worth.size > 0 and np.all(worth == worth[0]) and np.all((x == 0) | (x == worth))
    if dichotomous:
        return "KR-20", kr20(x / worth[0])
    return "alpha", cronbach_alpha(x)


def standard_error_of_measurement(sd: float, coefficient: float) -> float:
    """``sd * sqrt(1 - coefficient)``; NaN when the coefficient is NaN, negative or above 1."""
    if np.isnan(coefficient) or not 0.0 <= coefficient <= 1.0:
        return float("nan")
    return float(sd * np.sqrt(1.0 - coefficient))


# -- a cohort ----------------------------------------------------------------------


def analyse_cohort(cohort: Cohort, params: AnalysisParams = AnalysisParams()) -> CohortAnalysis:
    """Item statistics of every item and the reliabilities of a cohort.

    Parameters
    ----------
    cohort : Cohort
        The exam's graded sheets.
    params : AnalysisParams
        Thresholds.

    Returns
    -------
    CohortAnalysis
    """
    items = tuple(analyse_item(cohort, column, params) for column in range(len(cohort.items)))
    return CohortAnalysis(items, tuple(_reliabilities(cohort)), params)


def analyse_item(cohort: Cohort, column: int, params: AnalysisParams = AnalysisParams()) -> ItemAnalysis:
    """Statistics of one item (one cohort column)."""
    item = cohort.items[column]
    rows = np.flatnonzero(cohort.presented[:, column])
    totals = cohort.totals[rows]
    upper, lower = upper_lower_groups(totals, params.group_share)
    options = _option_counts(item, cohort.marked[rows, column, : len(item.options)], upper, lower)
    n = int(rows.size)
    blank_rate = options.blank / n if n else float("nan")
    multi_rate = options.multi / n if n else float("nan")
    if item.dropped or item.awarded or n == 0:
        nan = float("nan")
        return ItemAnalysis(item, n, nan, nan, nan, nan, nan, blank_rate, multi_rate, options)
    points = cohort.points[rows, column]
    p_upper = difficulty(points[upper], item.points)
    p_lower = difficulty(points[lower], item.points)
    analysis = ItemAnalysis(
        item, n, difficulty(points, item.points), p_upper, p_lower, p_upper - p_lower,
        corrected_point_biserial(points, totals), blank_rate, multi_rate, options,
    )
    return _with_flags(analysis, params)


def _option_counts(item: CohortItem, marked: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> OptionCounts:
    marks_per_sheet = marked.sum(axis=1)
    single_answer = item.type != "multi"
    return OptionCounts(
        options=item.options,
        key=item.key,
        all=tuple(int(c) for c in marked.sum(axis=0)),
        upper=tuple(int(c) for c in marked[upper].sum(axis=0)),
        lower=tuple(int(c) for c in marked[lower].sum(axis=0)),
        group_size=int(upper.size),
        blank=int((marks_per_sheet == 0).sum()),
        multi=int((marks_per_sheet > 1).sum()) if single_answer else 0,
    )


def _with_flags(analysis: ItemAnalysis, params: AnalysisParams) -> ItemAnalysis:
    if analysis.candidates < params.min_candidates:
        return analysis
    flags: list[str] = []
    d, p = analysis.discrimination, analysis.p_value
    if d < 0:
        flags.append("negative_discrimination")
    if _distractor_beats_key(analysis.options, params.distractor_margin):
        flags.append("distractor_beats_key")
    if 0 <= d < params.low_discrimination:
        flags.append("low_discrimination")
    if p > params.easy_p:
        flags.append("too_easy")
    if p < params.hard_p:
        flags.append("too_hard")
    return ItemAnalysis(**{**analysis.__dict__, "flags": tuple(flags)})


def _distractor_beats_key(counts: OptionCounts, margin: float) -> bool:
    keyed = [c for o, c in zip(counts.options, counts.upper) if o in counts.key]
    wrong = [c for o, c in zip(counts.options, counts.upper) if o not in counts.key]
    if not keyed or not wrong:
        return False
    return max(wrong) - min(keyed) > margin * counts.group_size


# -- reliability per section and total, per group of variants sharing items --------------


def _reliabilities(cohort: Cohort) -> list[Reliability]:
    out: list[Reliability] = []
    scored = cohort.scored
    patterns: dict[bytes, list[int]] = {}
    for row in range(cohort.size):
        patterns.setdefault((cohort.presented[row] & scored).tobytes(), []).append(row)
    scopes = [("total", WHOLE_PAPER, None)] + [(s.key, s.title, s.key) for s in cohort.format.sections]
    for rows in patterns.values():
        rows_arr = np.array(rows, dtype=np.intp)
        columns = np.flatnonzero(cohort.presented[rows[0]] & scored)
        form = ", ".join(sorted({cohort.sheets[r].score.variant for r in rows}))
        for scope, title, section in scopes:
            cols = columns if section is None else np.array(
                [c for c in columns if cohort.items[c].section == section], dtype=np.intp)
            if cols.size:
                out.append(_reliability_of(cohort, rows_arr, cols, scope, title, form))
    return out


def _reliability_of(cohort: Cohort, rows: np.ndarray, cols: np.ndarray, scope: str, title: str,
                    form: str) -> Reliability:
    points = cohort.points[np.ix_(rows, cols)]
    coefficient, value = reliability(points, cohort.max_points[cols])
    sd = float(points.sum(axis=1).std())
    return Reliability(scope, title, form, coefficient, value, int(cols.size), int(rows.size), sd,
                       standard_error_of_measurement(sd, value))
