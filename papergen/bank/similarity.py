"""Near-duplicate detection for stems.

Two stems are near-duplicates when the Jaccard similarity of their character
bigram sets (after :func:`normalise_stem`) reaches a threshold.  Candidate
pairs come from an inverted index over bigrams, skipping bigrams so common
that they cannot distinguish items, so a 20,000-item bank is checked without
comparing every pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from papergen.bank.model import normalise_stem

__all__ = ["SimilarityParams", "bigrams", "jaccard", "near_duplicate_pairs"]


@dataclass(frozen=True)
class SimilarityParams:
    """Tunables of near-duplicate detection."""

    threshold: float = 0.8
    """Jaccard similarity of bigram sets at or above which two stems are near-duplicates."""
    max_posting: int = 400
    """Bigrams shared by more stems than this are too common to propose candidate pairs."""


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
    """Index pairs ``(i, j, similarity)`` with i < j whose stems are near-duplicates.

    Exact duplicates (after normalisation) are included with similarity 1.0.
    """
    grams = [bigrams(t) for t in texts]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(grams):
        for gram in g:
            postings[gram].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in postings.values():
        if len(ids) > params.max_posting:
            continue
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                shared[(ids[a], ids[b])] += 1
    pairs = []
    for (i, j), common in shared.items():
        union = len(grams[i]) + len(grams[j]) - common
        # the shared count may be low when common bigrams were skipped; recompute exactly
        if union and common / union >= params.threshold * 0.5:
            sim = jaccard(grams[i], grams[j])
            if sim >= params.threshold:
                pairs.append((i, j, sim))
    pairs.sort()
    return pairs
