"""Why the reader did not read a page, or what it noted on one it did: English templates with named fields.

The reader states reasons in English (:attr:`omr.result.SheetRead.reason`,
notes joined by ``"; "``).  Every such text is made here from one template,
so a caller that speaks another language can take a stored reason apart
again (:func:`parse`) and put it in its own words: the template is the
message to translate, the fields are filled in as they are (a nested reason
is parsed in turn).  ``N_`` marks the templates and the words that fill
fields, for a gettext extractor.

Examples
--------
>>> text = reason("fiducials_found", found=3, missing=word("bottom-left"))
>>> text
'3 of 4 fiducials found (bottom-left missing)'
>>> parse(text)
[('fiducials_found', {'found': '3', 'missing': 'bottom-left'})]
>>> parse("something else")
[(None, {'text': 'something else'})]
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["TEMPLATES", "WORDS", "NESTED_FIELDS", "N_", "reason", "word", "join", "parse"]


def N_(message: str) -> str:
    """Mark ``message`` for a gettext extractor; returns it unchanged."""
    return message


TEMPLATES: dict[str, str] = {
    "fiducials_found": N_("{found} of 4 fiducials found ({missing} missing)"),
    "fiducials_no_rectangle": N_("the corner squares found do not form the sheet's fiducial rectangle"),
    "no_print": N_("no print on the page (its darkest parts reach {contrast} of black; a blank page or a "
                   "duplex back)"),
    "no_fiducials": N_("no answer-sheet fiducials ({reason})"),
    "no_ink": N_("almost no ink and no corner marks on the page (a blank page or a duplex back)"),
    "qr_without_corners": N_("a QR code but no usable corner marks ({reason}): an answer sheet whose corners are "
                             "cut off, covered or torn; check it by hand"),
    "orientation_unclear": N_("cannot tell which way up the page is: QR box darkness {dark} vs {other} on the "
                              "opposite side, anchor bubbles found {found} vs {found_other}"),
    "anchors_summary": N_("{found} of {total} anchor bubbles found, {inliers} fit; RMS error {error} mm"),
    "anchors_missing": N_("printed bubbles not where the layout puts them ({summary})"),
    "page_distorted": N_("page distorted: bubbles do not fit one plane ({summary})"),
    "fit_too_poor": N_("registration fit too poor ({summary}; limit {limit} mm)"),
    "dpi_mismatch": N_("metadata says {stated} dpi, fiducial spacing {measured} dpi; used the latter"),
    "dpi_ignored": N_("metadata dpi {dpi} ignored: the page would span {extent} of the image"),
    "no_clear_marks": N_("no clear marks on the sheet"),
    "outlines_misplaced": N_("bubble outlines not where the registration puts them ({share} of unmarked bubbles "
                             "found, need {need}): page curled or folded, or printed from another layout"),
    "manual": N_("registered by hand from four corner marks"),
    "manual_corner": N_("no square found at the {corner} click; placed where the bubbles fit best"),
    "too_many_pixels": N_("image too large to decode ({width} × {height} px = {pixels} px; the budget is "
                          "{budget} px)"),
    "too_many_bytes": N_("image too large to decode ({width} × {height} px at {depth} bytes per pixel needs "
                         "about {needed} bytes; the budget is {budget} bytes)"),
}
"""Every reason and note the reader gives, by name."""

WORDS: tuple[str, ...] = (N_("top-left"), N_("top-right"), N_("bottom-right"), N_("bottom-left"))
"""Words the reader puts into fields (corner names), for a caller to translate too."""

NESTED_FIELDS = frozenset({"reason", "summary"})
"""Fields that hold a reason of their own."""

SEPARATOR = "; "
"""Between the notes of one page."""


def reason(name: str, **fields: object) -> str:
    """The reason ``name`` of :data:`TEMPLATES` with its fields filled in."""
    return TEMPLATES[name].format(**fields)


def word(text: str) -> str:
    """A word of :data:`WORDS` (checked), to fill a field."""
    if text not in WORDS:
        raise ValueError(f"not a reader word: {text!r}")
    return text


def join(notes: list[str] | tuple[str, ...]) -> str:
    """Notes of one page as one text."""
    return SEPARATOR.join(notes)


@cache
def _pattern(name: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", TEMPLATES[name])
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(regex + r"\Z", re.DOTALL)


def _whole(text: str) -> tuple[str, dict[str, str]] | None:
    for name in TEMPLATES:
        match = _pattern(name).match(text)
        if match:
            return name, match.groupdict()
    return None


def parse(text: str) -> list[tuple[str | None, dict[str, str]]]:
    """A reason text taken apart: ``(template name, fields)`` per note; ``(None, {"text": …})`` for a
    part no template makes (e.g. a decoder's own message)."""
    if not text:
        return []
    whole = _whole(text)
    if whole:
        return [whole]
    start = 0
    while (cut := text.find(SEPARATOR, start)) >= 0:  # a template may hold "; " itself: try each cut
        head = _whole(text[:cut])
        if head:
            return [head, *parse(text[cut + len(SEPARATOR):])]
        start = cut + 1
    return [(None, {"text": text})]
