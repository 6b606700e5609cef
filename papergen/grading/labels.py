"""The words a person reads for grading's codes: page statuses, sheet flags, review reasons, marks read.

The store keeps codes (``"refused"``, ``"duplicate_scan"``, ``"erasure"``);
the exports, the summaries and the review workstation show them through
these functions, in the language in use (:mod:`papergen.i18n`), so a results
folder graded under one language reads in the other.  English shows the codes
themselves, as earlier exports did.

Examples
--------
>>> from papergen.i18n import using_language
>>> with using_language("zh"):
...     question_reason(["ambiguous", "erasure"], "ABD", "ABCD")
'模糊、擦除痕迹；识别 ABD，答案 ABCD'
>>> question_reason(["ambiguous", "erasure"], "ABD", "ABCD")
'ambiguous, erasure; read ABD, key ABCD'
"""

from __future__ import annotations

from collections.abc import Iterable

from omr.reasons import NESTED_FIELDS, TEMPLATES, WORDS, parse
from papergen.i18n import _, language, pgettext
from papergen.wording import JUDGE_TEXT

__all__ = ["status_label", "flag_label", "reason_label", "reasons_text", "marks_text", "question_reason",
           "page_reason", "flag_reason", "reader_reason"]


def status_label(status: str) -> str:
    """A stored page status (``"refused"``) as a person reads it (``已拒收`` in Chinese)."""
    labels = {
        "graded": pgettext("page status", "graded"), "refused": pgettext("page status", "refused"),
        "blank": pgettext("page status", "blank"), "not_a_sheet": pgettext("page status", "not_a_sheet"),
        "quarantined": pgettext("page status", "quarantined"), "error": pgettext("page status", "error"),
    }
    return labels.get(str(status), str(status))


def flag_label(kind: str) -> str:
    """A sheet flag's kind (``"duplicate_scan"``) as a person reads it (``重复扫描`` in Chinese)."""
    labels = {
        "candidate_mismatch": pgettext("sheet flag", "candidate_mismatch"),
        "candidate_unreadable": pgettext("sheet flag", "candidate_unreadable"),
        "candidate_missing": pgettext("sheet flag", "candidate_missing"),
        "not_on_roster": pgettext("sheet flag", "not_on_roster"),
        "roster_variant": pgettext("sheet flag", "roster_variant"),
        "duplicate_candidate": pgettext("sheet flag", "duplicate_candidate"),
        "duplicate_scan": pgettext("sheet flag", "duplicate_scan"),
    }
    return labels.get(kind, kind)


def reason_label(reason: str) -> str:
    """A question's review reason (``"erasure"``) as a person reads it (``擦除痕迹`` in Chinese)."""
    labels = {
        "ambiguous": pgettext("review reason", "ambiguous"), "erasure": pgettext("review reason", "erasure"),
        "multiple": pgettext("review reason", "multiple"), "misaligned": pgettext("review reason", "misaligned"),
        "decided": pgettext("review reason", "decided"),
    }
    return labels.get(reason, reason)


def reasons_text(reasons: Iterable[str]) -> str:
    """Review reasons or flag kinds as one phrase: ``ambiguous, erasure`` (``模糊、擦除痕迹``)."""
    return pgettext("list separator", ", ").join(reason_label(flag_label(r)) for r in reasons)


def marks_text(keys: str) -> str:
    """Options read or keyed as a person reads them: ``ACD``; true/false as 对/错 in Chinese; blank as a word."""
    if not keys:
        return pgettext("marks", "blank")
    if language() == "zh" and set(keys) <= set(JUDGE_TEXT):
        return "".join(JUDGE_TEXT[k] for k in keys)
    return keys


def question_reason(reasons: Iterable[str], read: str, key: str) -> str:
    """Why a question is listed for review: ``ambiguous, erasure; read ABD, key ABCD``."""
    return _("{reasons}; read {read}, key {key}").format(reasons=reasons_text(reasons), read=marks_text(read),
                                                           key=marks_text(key))


def page_reason(status: str, reason: str) -> str:
    """Why a page is not graded: its status and the reason stored with it (``refused: …``)."""
    return _("{what}: {detail}").format(what=status_label(status), detail=reader_reason(reason))


def reader_reason(text: str) -> str:
    """A reason or note the reader gave (English, made from :data:`omr.reasons.TEMPLATES`) in the language in
    use; text no template makes (a decoder's message, a reason papergen wrote) is shown as it is.

    Examples
    --------
    >>> from papergen.i18n import using_language
    >>> with using_language("zh"):
    ...     reader_reason("no answer-sheet fiducials (2 of 4 fiducials found (top-left, bottom-left missing))")
    '没有答题卡定位标记（找到 4 个定位标记中的 2 个，缺左上、左下）'
    """
    if language() == "en" or not text:
        return text
    notes = []
    for name, fields in parse(text):
        if name is None:
            notes.append(fields["text"])
            continue
        filled = {key: reader_reason(value) if key in NESTED_FIELDS else _reader_words(value)
                  for key, value in fields.items()}
        notes.append(_(TEMPLATES[name]).format(**filled))
    return pgettext("list separator", "; ").join(notes)


def _reader_words(value: str) -> str:
    """A field's value with the reader's words (corner names) translated: ``top-left, bottom-left``."""
    words = value.split(", ")
    if not all(w in WORDS for w in words):
        return value
    return pgettext("list separator", ", ").join(_(w) for w in words)


def flag_reason(kind: str, detail: str) -> str:
    """Why a sheet is flagged: the flag's kind and the detail stored with it (``duplicate_scan: …``)."""
    return _("{what}: {detail}").format(what=flag_label(kind), detail=detail)
