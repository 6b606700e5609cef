"""Chinese line breaking for reportlab paragraphs (禁则, push-in style).

reportlab's CJK splitter (``textsplit.dumbSplit``) may end a line on an
opening bracket, split the blank ``（　）`` of a stem across two lines and then
strip its ideographic space, and it only ever hangs one closing mark.
:func:`split_cjk_line` replaces it: when a line overflows, the break moves
back until the next line does not start with a closing mark, the current
line does not end with an opening one, and no Latin word or number is cut.
The blank ``（　）`` keeps the character before it, so no line holds only the
blank and its closing punctuation.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["NO_LINE_START", "NO_LINE_END", "split_cjk_line"]

NO_LINE_START = "，。、；：？！）》〉」』】〕〗〙〛”’…·％‰℃．,.;:?!)]}%\u3000"
"""Characters that never begin a line (避头): closing marks, and the ideographic
space, which only occurs inside blanks here."""

NO_LINE_END = "（《〈「『【〔〖〘〚“‘([{"
"""Characters that never end a line (避尾): opening marks."""

_ASCII_SPACE = " "
_BLANK_START = "（\u3000"
"""How the stem's answer blank begins (see :data:`papergen.render.typography.BLANK`)."""


def _joined(a: str, b: str) -> bool:
    """True if no line may break between characters a and b."""
    if b in NO_LINE_START or a in NO_LINE_END:
        return True
    return a.isascii() and b.isascii() and a.isalnum() and b.isalnum()


def _break_before(word: str, start: int, overflow: int) -> int:
    """Index at which the line starting at ``start`` breaks, given the first index that does not fit.

    The blank keeps the character before it when the line has room to give
    one up; on a line too narrow for that it may start a line.
    """
    for keep_blank in (True, False):
        b = overflow
        while b > start + 1 and _no_break(word, b, keep_blank):
            b -= 1
        if not (b == start + 1 and _no_break(word, b, keep_blank)):
            return b
    return overflow  # nothing better: break where it overflows


def _no_break(word: str, b: int, keep_blank: bool) -> bool:
    """True if the line may not break before index ``b``."""
    return _joined(word[b - 1], word[b]) or (keep_blank and word.startswith(_BLANK_START, b))


def split_cjk_line(word: str, widths: Sequence[float], max_widths: float | Sequence[float]) -> list[list]:
    """Split text without spaces into lines (reportlab ``dumbSplit`` interface).

    Parameters
    ----------
    word : str
        The text to split.
    widths : sequence of float
        Width of each character of ``word``, points.
    max_widths : float or sequence of float
        Available width of each line (the last value repeats), points.

    Returns
    -------
    list of [float, str]
        Per line, the unused width (points) and the line's text.
    """
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    lines: list[list] = []
    start, n = 0, len(word)
    while start < n:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used, i = 0.0, start
        while i < n and used + widths[i] <= limit:
            used += widths[i]
            i += 1
        if i == n:
            end = n
        else:
            end = _break_before(word, start, max(i, start + 1))
        text = word[start:end].strip(_ASCII_SPACE)
        lines.append([limit - sum(widths[start:end]), text])
        start = end
        while start < n and word[start] == _ASCII_SPACE:
            start += 1
    return lines
