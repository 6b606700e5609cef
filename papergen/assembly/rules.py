"""Tunables of assembly and the integer bounds they imply for one section."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from papergen.assembly.solver import SolverParams
from papergen.bank.similarity import SimilarityParams

__all__ = ["AssemblyRules", "letter_bounds", "same_count_cap", "true_count_range"]

_EPS = 1e-9


@dataclass(frozen=True)
class AssemblyRules:
    """Tunables of selection, shuffling and key balance."""

    max_key_run: int = 3
    """Longest run of equal answer keys in a section (letters, 对/错, multi-select answer sets)."""
    letter_tolerance: float = 1.0
    """A single-choice answer letter may be used at most this many times more or fewer than an equal share."""
    multi_same_count_share: float = 0.6
    """At most this share of a multi-select section may have the same number of correct options."""
    greedy_attempts: int = 3
    """Randomised greedy passes tried before the integer program."""
    pool_factor: int = 2
    """The integer program first considers, per cell, this many times the items a cell can need."""
    pool_slack: int = 5
    """Extra items per cell in that first, reduced model."""
    solver: SolverParams = field(default_factory=SolverParams)
    """HiGHS time limit and gap (the objective is only a random preference, so any optimum will do)."""
    near_duplicate_rounds: int = 20
    """Solves of the integer program, each forbidding the near-duplicate pairs the last one chose."""
    method: Literal["auto", "greedy", "ilp"] = "auto"
    """Selection path: greedy first then the integer program ("auto"), or only one of them."""
    order_attempts: int = 50
    """Reorderings tried to break runs of equal multi-select answer sets."""
    exam_id_max_chars: int = 24
    """Longest exam id: it is printed in every sheet's QR code, which must stay short to read from
    150 dpi scans (with variant, checksum and a 10-digit candidate number: at most 49 characters)."""
    similarity: SimilarityParams = field(default_factory=SimilarityParams)
    """When two stems count as near-duplicates."""


def true_count_range(count: int, share: tuple[float, float], max_run: int) -> tuple[int, int]:
    """Allowed numbers of 对 keys in a judge section of ``count`` questions.

    The integers c with c / count inside ``share`` (when the range holds no
    integer, as in tiny sections, the two integers around it), narrowed to the
    counts that can be ordered without more than ``max_run`` equal keys in a
    row.  An empty result has low > high.

    Examples
    --------
    >>> true_count_range(20, (0.4, 0.6), 3)
    (8, 12)
    >>> true_count_range(1, (0.4, 0.6), 3)
    (0, 1)
    >>> true_count_range(8, (0.0, 1.0), 3)
    (2, 6)
    """
    low = math.ceil(share[0] * count - _EPS)
    high = math.floor(share[1] * count + _EPS)
    if low > high:
        low, high = high, low
    most_of_one_key = max_run * (count + 1) // (max_run + 1)
    return max(low, 0, count - most_of_one_key), min(high, count, most_of_one_key)


def letter_bounds(count: int, letters: int, tolerance: float) -> tuple[int, int]:
    """Allowed uses of each answer letter over ``count`` single-choice questions.

    Examples
    --------
    >>> letter_bounds(140, 4, 1.0)
    (34, 36)
    >>> letter_bounds(10, 4, 0.0)
    (2, 3)
    """
    share = count / letters
    if tolerance <= 0:
        return math.floor(share), math.ceil(share)
    return max(math.ceil(share - tolerance - _EPS), 0), math.floor(share + tolerance + _EPS)


def same_count_cap(count: int, share: float) -> int:
    """Most multi-select questions of a section that may share one number of correct options.

    Examples
    --------
    >>> same_count_cap(20, 0.6)
    12
    >>> same_count_cap(2, 0.6)
    2
    """
    return max(math.ceil(share * count - _EPS), 1)
