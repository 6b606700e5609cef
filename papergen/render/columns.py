"""Entries set in side-by-side column groups, read down each group in turn.

The answer key lists its answers this way, the score slips the missed
questions, and the cohort report its key figures: many short entries in
few lines, in reading order down the page.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["column_major_rows"]


def column_major_rows(entries: Sequence[Sequence[str]], groups: int) -> list[list[str]]:
    """Rows of a table holding ``entries`` in ``groups`` side-by-side column groups.

    Entries run down the first group, then down the next; the last group
    may end early, its cells left empty.

    Parameters
    ----------
    entries : sequence of sequence of str
        The cells of each entry, every entry as many as the first.
    groups : int
        Column groups side by side, at least 1.

    Returns
    -------
    list of list of str
        ``ceil(len(entries) / groups)`` rows of ``groups`` entries' cells each.

    Examples
    --------
    >>> column_major_rows([["1", "A"], ["2", "B"], ["3", "C"]], 2)
    [['1', 'A', '3', 'C'], ['2', 'B', '', '']]
    """
    width = len(entries[0]) if entries else 0
    rows = -(-len(entries) // groups)
    blank = [""] * width
    return [
        [cell for g in range(groups) for cell in (entries[g * rows + r] if g * rows + r < len(entries) else blank)]
        for r in range(rows)
    ]
