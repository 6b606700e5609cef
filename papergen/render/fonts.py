"""The bundled CJK font, Chinese paragraph styles, and the glyph check.

reportlab needs three corrections to typeset Chinese well, all made here:

- The font must be embedded: the bundled TrueType font (WenQuanYi Micro Hei,
  subset) is registered once per process and reportlab embeds a subset of
  it in every PDF.
- Line breaking: reportlab's list of characters that may not start a line is
  Japanese-oriented, so Chinese punctuation such as ``，；：？！》”`` could
  start a line, and an opening bracket could end one.
  :func:`install_cjk_line_breaking` replaces the splitter of single-style
  paragraphs with :func:`papergen.render.linebreak.split_cjk_line` and extends
  the list used for mixed-style paragraphs.
- Blanks: reportlab collapses runs of whitespace, including U+3000
  (ideographic space), so the blank ``（　　）`` of a stem would print as
  ``( )``.  :class:`CjkParagraph` keeps every U+3000 at its full width.

reportlab draws nothing, silently, for a character its font lacks, so every
text is checked with :func:`require_glyphs` before anything is drawn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import Paragraph, cleanBlockQuotedText

from papergen.errors import RenderError
from papergen.render.glyphs import missing_glyphs
from papergen.render.linebreak import NO_LINE_START, split_cjk_line
from papergen.render.units import PT_PER_MM
from papergen.resources import font_path, serif_font_path
from papergen.i18n import _

__all__ = [
    "FONT_NAME",
    "SERIF_FONT_NAME",
    "register_serif_font",
    "NO_LINE_START",
    "register_font",
    "install_cjk_line_breaking",
    "CjkParagraph",
    "hanging_paragraph",
    "TextStyle",
    "paragraph_style",
    "markup",
    "text_width_pt",
    "baseline_in_line_pt",
    "baseline_below_middle_mm",
    "VISUAL_MIDDLE_EM",
    "GlyphProblem",
    "glyph_problems",
    "require_glyphs",
]

FONT_NAME = "PapergenCJK"
"""Name under which the bundled font is registered with reportlab."""

SERIF_FONT_NAME = "PapergenSerifSC"
"""Name of the bundled serif (宋体-style) body face, GB2312 characters only (see :func:`serif_covers`)."""


IDEOGRAPHIC_SPACE = "\u3000"
_SPACE_GUARD = "\ue000"  # private-use stand-in while reportlab collapses whitespace

_lock = threading.Lock()


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the bundled TrueType font with reportlab, once per process.

    Returns
    -------
    str
        The registered font name (:data:`FONT_NAME`).
    """
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))
        install_cjk_line_breaking()
    return FONT_NAME


@lru_cache(maxsize=1)
def register_serif_font() -> str:
    """Register the bundled serif body face (and the sans, for the line-breaking rules) once per process.

    Returns
    -------
    str
        The registered font name (:data:`SERIF_FONT_NAME`).
    """
    register_font()
    with _lock:
        if SERIF_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(SERIF_FONT_NAME, str(serif_font_path())))
    return SERIF_FONT_NAME


def install_cjk_line_breaking() -> None:
    """Apply Chinese line-breaking rules to reportlab's CJK wrapping (idempotent).

    Single-style paragraphs go through ``textsplit.dumbSplit``, which is
    replaced by :func:`split_cjk_line`; mixed-style paragraphs go through
    ``paragraph.cjkFragSplit``, whose module-level ``ALL_CANNOT_START`` is
    extended with :data:`NO_LINE_START`.
    """
    rl_textsplit.dumbSplit = split_cjk_line
    for module in (rl_textsplit, rl_paragraph):
        current = module.ALL_CANNOT_START
        extra = "".join(ch for ch in dict.fromkeys(NO_LINE_START) if ch not in current)
        if extra:
            module.ALL_CANNOT_START = current + extra


def _clean_keeping_ideographic_space(text: str) -> str:
    guarded = text.replace(IDEOGRAPHIC_SPACE, _SPACE_GUARD)
    return cleanBlockQuotedText(guarded).replace(_SPACE_GUARD, IDEOGRAPHIC_SPACE)


class CjkParagraph(Paragraph):
    """A reportlab Paragraph that keeps U+3000 (ideographic space) blanks at full width.

    Takes the same arguments as :class:`reportlab.platypus.Paragraph`; the
    text is reportlab paragraph markup (see :func:`markup`).
    """

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        if style is None:
            style = paragraph_style(TextStyle())
        self.caseSensitive = caseSensitive
        self.encoding = encoding
        bullet = bulletText or getattr(style, "bulletText", None)
        self._setup(text, style, bullet, frags, _clean_keeping_ideographic_space)


@dataclass(frozen=True)
class TextStyle:
    """A paragraph style in the bundled font.

    Attributes
    ----------
    size_pt : float
        Font size, points.
    leading_pt : float
        Baseline-to-baseline distance, points.
    align : str
        'left', 'centre' or 'justify'.
    left_indent_pt : float
        Indent of every line, points.
    first_line_indent_pt : float
        Extra indent of the first line (negative for a hanging number), points.
    space_before_pt, space_after_pt : float
        Vertical space around the paragraph, points.
    grey : float
        Text colour as grey level, 0 = black, 1 = white.
    """

    size_pt: float = 10.5
    leading_pt: float = 15.0
    align: str = "left"
    left_indent_pt: float = 0.0
    first_line_indent_pt: float = 0.0
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    grey: float = 0.0
    font: str = FONT_NAME
    """Registered font name: :data:`FONT_NAME` (the sans) or :data:`SERIF_FONT_NAME`."""


_ALIGNMENTS = {"left": TA_LEFT, "centre": TA_CENTER, "justify": TA_JUSTIFY}


@lru_cache(maxsize=64)
def paragraph_style(style: TextStyle) -> ParagraphStyle:
    """The reportlab ParagraphStyle for a :class:`TextStyle` (cached, CJK wrapping)."""
    register_font()
    return ParagraphStyle(
        name="papergen",
        fontName=style.font,
        fontSize=style.size_pt,
        leading=style.leading_pt,
        alignment=_ALIGNMENTS[style.align],
        leftIndent=style.left_indent_pt,
        firstLineIndent=style.first_line_indent_pt,
        spaceBefore=style.space_before_pt,
        spaceAfter=style.space_after_pt,
        textColor=Color(style.grey, style.grey, style.grey),
        wordWrap="CJK",
        allowWidows=1,
        allowOrphans=1,
    )


def hanging_paragraph(label: str, text: str, style: TextStyle) -> CjkParagraph:
    """A justified paragraph whose label hangs left of the wrapped text (numbers, option letters)."""
    label_width = text_width_pt(label, style.size_pt, style.font)
    hanging = TextStyle(
        style.size_pt,
        style.leading_pt,
        align="justify",
        left_indent_pt=style.left_indent_pt + label_width,
        first_line_indent_pt=-label_width,
        grey=style.grey,
        font=style.font,
    )
    return CjkParagraph(markup(label + text), paragraph_style(hanging))


def markup(text: str) -> str:
    """Plain text escaped for a reportlab paragraph (``&``, ``<``, ``>``)."""
    return escape(text)


def text_width_pt(text: str, size_pt: float, font: str = FONT_NAME) -> float:
    """Width of a single line of text in the bundled font (or another registered one), points."""
    register_font()
    return pdfmetrics.stringWidth(text, font, size_pt)


VISUAL_MIDDLE_EM = 0.36
"""Height above the baseline of the visual middle of ideographs, digits and capitals, em."""


def baseline_in_line_pt(size_pt: float, line_height_pt: float) -> float:
    """Height of the baseline above the bottom of a line box that centres the text visually, points."""
    return line_height_pt / 2 - VISUAL_MIDDLE_EM * size_pt


def baseline_below_middle_mm(size_pt: float) -> float:
    """How far below a line's visual middle its baseline lies, mm (y grows downwards)."""
    return VISUAL_MIDDLE_EM * size_pt / PT_PER_MM


@dataclass(frozen=True, slots=True)
class GlyphProblem:
    """Characters of one printed text that the bundled font lacks."""

    where: str
    characters: tuple[str, ...]

    def describe(self) -> str:
        """One line: where, and the characters with their code points."""
        chars = ", ".join(f"{ch!r} U+{ord(ch):04X}" for ch in self.characters)
        return _("{where}: the font has no glyph for {chars}").format(where=self.where, chars=chars)


def glyph_problems(texts: Iterable[tuple[str, str]]) -> list[GlyphProblem]:
    """Every text whose characters the bundled font cannot draw.

    Parameters
    ----------
    texts : iterable of (where, text)
        ``where`` names the text for the message, e.g. ``"item cs-0012 option B"``.
    """
    problems = []
    for where, text in texts:
        missing = missing_glyphs(text)
        if missing:
            problems.append(GlyphProblem(where, tuple(missing)))
    return problems


def require_glyphs(texts: Iterable[tuple[str, str]], *, document: str) -> None:
    """Raise if the bundled font cannot draw any of the texts, naming every one.

    Raises
    ------
    RenderError
        ``<document>: <where>: the font has no glyph for '…' U+XXXX[; …]``
        listing every problem, with how to fix.
    """
    problems = glyph_problems(texts)
    if problems:
        listed = "; ".join(p.describe() for p in problems)
        raise RenderError(
            _(
                "{document}: {count} text(s) use characters the bundled font cannot draw: {listed}; replace them "
                "with characters of GB 2312 / common CJK or fix the item").format(
                    document=document, count=len(problems), listed=listed)
        )
