"""Printed wording of the PDF and HTML reports, slips and spreadsheets (answers and points: :mod:`papergen.wording`)."""

from __future__ import annotations

import math

from papergen.wording import format_points

__all__ = [
    "FLAG_TEXT",
    "STATUS_TEXT",
    "TYPE_TEXT",
    "VERDICT_TEXT",
    "percent",
    "decimal",
    "points",
    "flags_text",
    "DASH",
]

DASH = "—"
"""Printed where a statistic is undefined (NaN)."""

FLAG_TEXT = {
    "negative_discrimination": "区分度为负",
    "distractor_beats_key": "高分组多选干扰项",
    "low_discrimination": "区分度低",
    "too_easy": "过易",
    "too_hard": "过难",
}
"""Item-analysis flags as printed."""

STATUS_TEXT = {
    "correct": "正确",
    "partial": "部分得分",
    "wrong": "错误",
    "blank": "未作答",
    "review": "待复核",
    "dropped": "作废",
}
"""Question outcomes as printed on slips."""

TYPE_TEXT = {"single": "单选", "judge": "判断", "multi": "多选"}
"""Item types as printed in tables."""

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
    """Item flags as printed, joined by ``"、"``."""
    return "、".join(FLAG_TEXT.get(f, f) for f in flags)


def _undefined(value: float) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
