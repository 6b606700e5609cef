"""Which characters the bundled font can draw.

reportlab silently draws nothing for a character its font lacks, so every
text that will be printed is checked against the font's character map first.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from reportlab.pdfbase.ttfonts import TTFontFile

from papergen.resources import font_path, serif_font_path

__all__ = ["font_codepoints", "missing_glyphs", "serif_covers"]

_ALWAYS_OK = frozenset({0x0A, 0x0D, 0x09})


@lru_cache(maxsize=1)
def font_codepoints() -> frozenset[int]:
    """Unicode code points the bundled font has glyphs for."""
    face = TTFontFile(str(font_path()))
    return frozenset(face.charToGlyph)


@lru_cache(maxsize=1)
def _serif_codepoints() -> frozenset[int]:
    return frozenset(TTFontFile(str(serif_font_path())).charToGlyph)


def serif_covers(texts: Iterable[str]) -> bool:
    """True if the serif body face can draw every character of the texts (it holds GB2312 only)."""
    have = _serif_codepoints()
    return all(ord(ch) in have or ord(ch) in _ALWAYS_OK for text in texts for ch in text)


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` the bundled font cannot draw, in order of first appearance."""
    have = font_codepoints()
    seen: dict[str, None] = {}
    for ch in text:
        cp = ord(ch)
        if cp not in have and cp not in _ALWAYS_OK:
            seen.setdefault(ch)
    return list(seen)
