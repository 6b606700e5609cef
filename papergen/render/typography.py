"""Print typography for Chinese text: full-width punctuation and visible blanks.

Source banks mix half- and full-width punctuation (``客户可分为A、B和( )。``).
Printed papers use full-width marks beside Chinese characters and one form
of blank, ``（　）``.  The bank keeps its text as imported; this is applied
only when printing.
"""

from __future__ import annotations

import re

__all__ = ["print_text", "BLANK"]

BLANK = "（\u3000）"
"""The printed answer blank: full-width parentheses around an ideographic space."""

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_BLANKS = re.compile(r"[（(][\s\u3000\u00a0_]*[)）]")
_HALF_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])\s*([,;:?!])")
_PAREN_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s*\(|\((?=[{_CJK}])|(?<=[{_CJK}])\)|\)(?=[{_CJK}])")


def print_text(text: str) -> str:
    """Text as it should be printed on a Chinese paper.

    Empty brackets become :data:`BLANK`; ``, ; : ? !`` after a Chinese
    character and round brackets touching one become full-width.  Latin text
    such as ``CRM (Customer Relationship Management)`` and numbers such as
    ``3.5`` are left alone.

    Examples
    --------
    >>> print_text("客户可分为要求型客户和( )。")
    '客户可分为要求型客户和（\u3000）。'
    >>> print_text("按照表现类型,客户可分为:A类")
    '按照表现类型，客户可分为：A类'
    >>> print_text("CRM (Customer Relationship Management), 3.5")
    'CRM (Customer Relationship Management), 3.5'
    """
    text = _BLANKS.sub(BLANK, text)
    text = _HALF_AFTER_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1)], text)
    return _PAREN_NEAR_CJK.sub(lambda m: _HALF_TO_FULL[m.group(0).strip()], text)
