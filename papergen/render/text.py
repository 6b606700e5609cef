"""Printed wording of the booklet, sheet and key: numbering, headings (points and answers: :mod:`papergen.wording`)."""

from __future__ import annotations

from papergen.exam import Section
from papergen.render.typography import BLANK
from papergen.wording import format_points

__all__ = [
    "JUDGE_BLANK",
    "chinese_numeral",
    "question_label",
    "option_text",
    "section_heading",
]

JUDGE_BLANK = BLANK
"""Answer blank printed after a true/false statement (U+3000 inside)."""

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """Chinese numeral of 1..99 as used for section numbers.

    Examples
    --------
    >>> [chinese_numeral(n) for n in (1, 3, 10, 12, 20, 45)]
    ['一', '三', '十', '十二', '二十', '四十五']
    """
    if not 1 <= number <= 99:
        raise ValueError(f"section number must be 1..99 (got {number})")
    tens, units = divmod(number, 10)
    if tens == 0:
        return _DIGITS[units]
    prefix = "" if tens == 1 else _DIGITS[tens]
    return prefix + "十" + (_DIGITS[units] if units else "")


def question_label(number: int) -> str:
    """The printed question number with its full-width point, e.g. '12．'."""
    return f"{number}．"


def option_text(label: str, text: str) -> str:
    """An option as printed, e.g. 'A．倾听客户意见'."""
    return f"{label}．{text}"


def section_heading(index: int, section: Section, count: int) -> str:
    """The section heading, e.g. '一、单项选择题（共140题，每题0.5分）'.

    Parameters
    ----------
    index : int
        Position of the section in the paper, from 0.
    section : Section
        The format's section.
    count : int
        Number of questions the paper prints in it.
    """
    return (
        f"{chinese_numeral(index + 1)}、{section.title}（共{count}题，每题{format_points(section.points)}分）"
    )
