"""Printed words shared by the PDFs, the reports and the exports: true/false, points, answers.

Everything a candidate or an instructor reads about an answer is spelled
here once, so the booklet, the key, the slips, the reports and the
spreadsheets agree.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["JUDGE_TEXT", "JUDGE_KEYS", "BLANK_ANSWER", "POINT_DIGITS", "format_points", "answer_text"]

JUDGE_TEXT = {"T": "对", "F": "错"}
"""How the true/false keys ``T`` and ``F`` are printed."""

JUDGE_KEYS = {**{text: key for key, text in JUDGE_TEXT.items()}, **{key: key for key in JUDGE_TEXT}}
"""True/false answers as people write them (``对``, ``错``, ``T``, ``F``) -> the key (``T``, ``F``)."""

BLANK_ANSWER = "未答"
"""Printed for a question left blank."""

POINT_DIGITS = 4
"""Points are printed with at most this many decimals."""


def format_points(value: float) -> str:
    """Points as short text, without trailing zeros (at most :data:`POINT_DIGITS` decimals).

    Examples
    --------
    >>> [format_points(x) for x in (60.0, 57.5, 0.5, 2 / 3, 0.0, 1)]
    ['60', '57.5', '0.5', '0.6667', '0', '1']
    """
    text = f"{value:.{POINT_DIGITS}f}".rstrip("0").rstrip(".")
    return text or "0"


def answer_text(labels: Sequence[str], item_type: str, *, blank: str = BLANK_ANSWER) -> str:
    """An answer as people read it: ``"B"``, ``"ACD"``, ``"对"``; ``blank`` if there is none.

    Examples
    --------
    >>> answer_text(["A", "C", "D"], "multi"), answer_text(["T"], "judge"), answer_text([], "single")
    ('ACD', '对', '未答')
    """
    if not labels:
        return blank
    if item_type == "judge":
        return "".join(JUDGE_TEXT.get(label, label) for label in labels)
    return "".join(labels)
