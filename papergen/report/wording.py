"""Printed wording of the PDF and HTML reports, slips and spreadsheets (answers and points: :mod:`papergen.wording`)."""

from __future__ import annotations

import math

import unicodedata

from papergen.i18n import N_, _, pgettext
from papergen.wording import format_points

__all__ = [
    "FLAG_TEXT",
    "STATUS_TEXT",
    "VERDICT_TEXT",
    "type_text",
    "columns",
    "percent",
    "decimal",
    "points",
    "flags_text",
    "DASH",
]

DASH = "—"
"""Printed where a statistic is undefined (NaN)."""

FLAG_TEXT = {
    "negative_discrimination": N_("negative D"),
    "distractor_beats_key": N_("distractor beats key"),
    "low_discrimination": N_("low D"),
    "too_easy": N_("too easy"),
    "too_hard": N_("too hard"),
}
"""Item-analysis flags as printed (translated by :func:`flags_text`)."""

STATUS_TEXT = {
    "correct": "正确",
    "partial": "部分得分",
    "wrong": "错误",
    "blank": "未作答",
    "review": "待复核",
    "dropped": "作废",
}
"""Question outcomes as printed on slips."""

def type_text(item_type: str) -> str:
    """An item type as printed in tables (``"单选"``, ``"single"``); an unknown type as it is."""
    names = {"single": pgettext("item type", "single"), "judge": pgettext("item type", "T/F"),
             "multi": pgettext("item type", "multi")}
    return names.get(item_type, item_type)

VERDICT_TEXT = {"pass": "及格", "fail": "不及格", "pending": "待复核后确定"}
"""A candidate's result as printed on slips and in the workbook."""

def percent(share: float, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage, ``"62.5%"``; :data:`DASH` for NaN."""
    return DASH if _undefined(share) else f"{share * 100:.{digits}f}%"


def decimal(value: float, digits: int = 2) -> str:
    """A statistic with fixed decimals, ``"0.43"``, ``"-0.12"``; :data:`DASH` for NaN."""
    return DASH if _undefined(value) else f"{value:.{digits}f}"


def points(value: float) -> str:
    """Points as short text (``"57.5"``); :data:`DASH` for NaN."""
    return DASH if _undefined(value) else format_points(value)


def flags_text(flags: tuple[str, ...]) -> str:
    """Item flags as printed, joined by ``"、"`` (``", "`` in English)."""
    return _(", ").join(_(FLAG_TEXT[f]) if f in FLAG_TEXT else f for f in flags)


def columns(text: str) -> int:
    """Columns ``text`` takes on a terminal or in a spreadsheet: two per wide (CJK) character, one per other.

    Examples
    --------
    >>> columns("scans"), columns("扫描件"), columns("成绩（CSV）")
    (5, 6, 11)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _undefined(value: float) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
