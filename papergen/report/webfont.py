"""The bundled CJK font, cut down to the characters a page uses and embedded in it as WOFF2.

A report or slip page opened on a machine without a Chinese system font would
show empty boxes; with its own subset font inline (a ``data:`` URL in an
``@font-face`` rule) it renders the same everywhere, offline.  A page with a few
hundred distinct characters carries 30-150 KB of font.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from fontTools import subset
from fontTools.ttLib import TTFont

from papergen.resources import font_path

__all__ = ["FONT_FAMILY", "font_face_css", "embedded_font"]

FONT_FAMILY = "PapergenCJK"
"""CSS family name of the embedded font; stylesheets list it first."""


def embedded_font(text: str) -> bytes:
    """The bundled font subset to the characters of ``text`` (and ASCII), as WOFF2 bytes.

    Characters the font lacks are left to the browser's fallback fonts.
    """
    return _subset(frozenset(text) | _ASCII)


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule declaring :data:`FONT_FAMILY` with the subset for ``text`` inline."""
    data = base64.b64encode(embedded_font(text)).decode("ascii")
    return (f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; font-weight: normal; '
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}\n')


_ASCII = frozenset(chr(code) for code in range(0x20, 0x7F))


@lru_cache(maxsize=8)
def _subset(characters: frozenset[str]) -> bytes:
    font = TTFont(str(font_path()), lazy=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [1, 2]  # family and style names only
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters)))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    return buffer.getvalue()
