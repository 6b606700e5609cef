"""Descriptive statistics of a cohort's scores: pure numpy, no I/O.

Conventions written once
------------------------
- Standard deviations divide by N (population form), the form KR-20 and the
  standard error of measurement use, so the report's SD, reliability and SEM
  agree with one another.
- A cut score is given in points on the format's full marks.  A sheet whose
  maximum shrank because a key correction dropped questions passes when its
  share of its own maximum reaches the cut's share of the full marks, so
  dropping a question never moves the bar.
- Histogram bins are half-open ``[low, high)``, except the last, which also
  holds the full mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Distribution",
    "Histogram",
    "GroupBreakdown",
    "describe",
    "histogram",
    "passes",
    "pass_rate",
    "group_breakdown",
]


@dataclass(frozen=True)
class Distribution:
    """Summary of a set of scores (points).

    Attributes
    ----------
    count : int
        Number of values.
    mean, sd, median, minimum, maximum : float
        In the unit of the values; ``sd`` divides by N.  NaN when ``count`` is 0.
    """

    count: int
    mean: float
    sd: float
    median: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class Histogram:
    """Counts of values per bin.

    Attributes
    ----------
    edges : ndarray of float64, shape (n_bins + 1,)
        Bin edges, increasing; bin i holds ``edges[i] <= v < edges[i + 1]``
        (the last bin also holds ``v == edges[-1]``).
    counts : ndarray of int64, shape (n_bins,)
        Values per bin.
    """

    edges: np.ndarray
    counts: np.ndarray

    def labels(self) -> list[str]:
        """Bin labels such as ``"50–60"`` (en dash), without trailing ``.0``."""
        return [f"{_short(a)}–{_short(b)}" for a, b in zip(self.edges[:-1], self.edges[1:])]


@dataclass(frozen=True)
class GroupBreakdown:
    """How a cohort did on one group of items (a section or a topic).

    Attributes
    ----------
    key : str
        The group's key (section key or topic code).
    title : str
        Its printed name.
    items : int
        Items in the group (dropped items excluded).
    max_points : float
        Points the group is worth on one paper, points.
    mean_points : float
        Mean points earned in the group per candidate, points.
    sd_points : float
        SD of the group's points over candidates (divides by N), points.
    share : float
        ``mean_points / max_points`` in [0, 1]; NaN if the group is worth nothing.
    """

    key: str
    title: str
    items: int
    max_points: float
    mean_points: float
    sd_points: float
    share: float


def describe(values: np.ndarray) -> Distribution:
    """Count, mean, SD (divides by N), median, minimum and maximum of 1-D values.

    NaN values are ignored.

    Examples
    --------
    >>> d = describe(np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]))
    >>> d.count, d.mean, d.sd, d.median
    (8, 5.0, 2.0, 4.5)
    """
    data = np.asarray(values, dtype=np.float64).ravel()
    data = data[~np.isnan(data)]
    if data.size == 0:
        nan = float("nan")
        return Distribution(0, nan, nan, nan, nan, nan)
    return Distribution(
        int(data.size), float(data.mean()), float(data.std()), float(np.median(data)),
        float(data.min()), float(data.max()),
    )


def histogram(values: np.ndarray, *, low: float, high: float, bin_width: float) -> Histogram:
    """Counts of values in bins of ``bin_width`` from ``low`` to ``high`` (see :class:`Histogram`).

    The last bin is shortened to end at ``high`` when the range is not a
    multiple of the width.  Values outside ``[low, high]`` are not counted.

    Raises
    ------
    ValueError
        If ``bin_width`` is not positive or ``high <= low``.

    Examples
    --------
    >>> h = histogram(np.array([0.0, 9.5, 10.0, 100.0]), low=0, high=100, bin_width=10)
    >>> h.counts.tolist()[:2], int(h.counts[-1])
    ([2, 1], 1)
    """
    if bin_width <= 0 or high <= low:
        raise ValueError(f"histogram needs bin_width > 0 and high > low (got {bin_width}, {low}..{high})")
    n_bins = int(np.ceil((high - low) / bin_width - 1e-9))
    edges = np.minimum(low + bin_width * np.arange(n_bins + 1, dtype=np.float64), high)
    data = np.asarray(values, dtype=np.float64).ravel()
    data = data[(data >= low) & (data <= high)]
    index = np.clip(np.searchsorted(edges, data, side="right") - 1, 0, n_bins - 1)
    return Histogram(edges, np.bincount(index, minlength=n_bins).astype(np.int64))


def passes(totals: np.ndarray, max_totals: np.ndarray, *, cut: float, full_marks: float) -> np.ndarray:
    """Which sheets reach the cut score (see the module docstring), boolean array.

    Parameters
    ----------
    totals, max_totals : ndarray, shape (n,)
        Points earned and points available per sheet.
    cut : float
        Cut score in points of ``full_marks``.
    full_marks : float
        The format's full marks, points (> 0).
    """
    totals = np.asarray(totals, dtype=np.float64)
    max_totals = np.asarray(max_totals, dtype=np.float64)
    tolerance = 1e-9
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(max_totals > 0, totals / max_totals, 0.0)
    return share + tolerance >= cut / full_marks


def pass_rate(totals: np.ndarray, max_totals: np.ndarray, *, cut: float, full_marks: float) -> float:
    """Share of sheets reaching the cut score, in [0, 1]; NaN for no sheets."""
    passed = passes(totals, max_totals, cut=cut, full_marks=full_marks)
    return float(passed.mean()) if passed.size else float("nan")


def group_breakdown(
    points: np.ndarray,
    max_points: np.ndarray,
    groups: Sequence[tuple[str, str, np.ndarray]],
) -> list[GroupBreakdown]:
    """Per group of items: mean, SD and share of the points available.

    Parameters
    ----------
    points : ndarray, shape (n_candidates, n_items)
        Points earned per candidate and item; NaN where the item was not on
        the candidate's paper.  Items a candidate did not see count for
        neither the candidate's group points nor the group's maximum.
    max_points : ndarray, shape (n_items,)
        Points each item is worth.
    groups : sequence of (key, title, column indices)
        The groups, in display order.

    Returns
    -------
    list of GroupBreakdown
    """
    out = []
    for key, title, columns in groups:
        cols = np.asarray(columns, dtype=np.intp)
        earned = points[:, cols]
        seen = ~np.isnan(earned)
        per_candidate = np.where(seen, earned, 0.0).sum(axis=1)
        available = (seen * max_points[cols]).sum(axis=1)
        mean_max = float(available.mean()) if available.size else 0.0
        mean_points = float(per_candidate.mean()) if per_candidate.size else float("nan")
        sd = float(per_candidate.std()) if per_candidate.size else float("nan")
        share = mean_points / mean_max if mean_max > 0 else float("nan")
        out.append(GroupBreakdown(key, title, int(cols.size), mean_max, mean_points, sd, share))
    return out


def _short(value: float) -> str:
    return f"{value:g}"
