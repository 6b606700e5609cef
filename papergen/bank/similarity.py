"""Near-duplicate detection for stems.

Two stems are near-duplicates when the Jaccard similarity of their character
bigram sets (after :func:`normalise_stem`) reaches a threshold.  Candidate
pairs come from prefix filtering: with the bigrams of every stem sorted from
rarest to most common, two sets with Jaccard similarity >= t share at least
one of their first ``n - ceil(t * n) + 1`` bigrams, so only those are indexed.
The search finds every qualifying pair, and since the prefixes hold rare
bigrams, a 20,000-item bank is checked in well under a second without
comparing every pair.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from papergen.bank.model import normalise_stem

__all__ = ["SimilarityParams", "bigrams", "jaccard", "near_duplicate_pairs"]


@dataclass(frozen=True)
class SimilarityParams:
    """Tunables of near-duplicate detection."""

    threshold: float = 0.8
    """Jaccard similarity of bigram sets at or above which two stems are near-duplicates."""


_EPS = 1e-9
"""Tolerance when turning ``threshold * size`` into a whole number of shared bigrams."""


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a normalised stem (the stem itself if shorter than 2)."""
    norm = normalise_stem(text)
    if len(norm) < 2:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i : i + 2] for i in range(len(norm) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 for two empty sets."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicate_pairs(
    texts: Sequence[str], params: SimilarityParams = SimilarityParams()
) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, similarity)`` with i < j whose stems are near-duplicates, sorted.

    Exact duplicates (after normalisation) are included with similarity 1.0.
    Every pair at or above the threshold is found (prefix filtering is exact).
    """
    grams = [bigrams(t) for t in texts]
    frequency = Counter(gram for g in grams for gram in g)
    postings: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for j, g in enumerate(grams):
        candidates: set[int] = set()
        for gram in _prefix(g, frequency, params.threshold):
            candidates.update(postings[gram])
            postings[gram].append(j)
        for i in sorted(candidates):
            similarity = jaccard(grams[i], g)
            if similarity >= params.threshold:
                pairs.append((i, j, similarity))
    pairs.sort()
    return pairs


def _prefix(grams: frozenset[str], frequency: Counter[str], threshold: float) -> list[str]:
    """The rarest ``n - ceil(threshold * n) + 1`` bigrams of a set, ties broken by the bigram.

    Every set is ordered the same way (by frequency, then bigram), as prefix
    filtering requires; the two stable sorts keep the key functions in C.
    """
    ordered = sorted(sorted(grams), key=frequency.__getitem__)
    keep = len(ordered) - math.ceil(threshold * len(ordered) - _EPS) + 1
    return ordered[:keep]
