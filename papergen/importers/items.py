"""Parsed questions → bank items: stable ids, pinned options, provenance, topic and difficulty."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from papergen.bank.model import Item, Option, Provenance
from papergen.importers.classify import (
    DifficultyParams,
    TopicKeywords,
    classify_topic,
    estimate_difficulty,
)
from papergen.importers.normalise import content_key, fold_lookalikes
from papergen.importers.parse import ParsedQuestion

__all__ = ["ItemSettings", "question_key", "item_id", "id_prefix_for", "build_item", "is_pinnable", "cites_options"]

_ALL_ABOVE = re.compile(
    r"^(?:所有|全部)?(?:以上|上述|前述)|所有选项|全部选项|^(?:全部|都|均|皆)(?:是|对|正确|不是|不对|不正确|错|错误)$"
)
_CITES_LETTERS = re.compile(
    r"(?<![A-Za-z])[A-F]\s*(?:[和与及或、,，/]\s*[A-F](?![A-Za-z])\s*)+"
    r"|(?<![A-Za-z])[A-F]{2,}\s*(?=都|均|全|皆)"
    r"|选项\s*[A-F](?![A-Za-z])"
)
_ID_HEX = 10
"""Hex digits of the content hash in an id (40 bits: collisions are checked, not expected)."""


@dataclass(frozen=True)
class ItemSettings:
    """How parsed questions become items of one bank."""

    id_prefix: str
    keywords: TopicKeywords
    difficulty: DifficultyParams = DifficultyParams()


def id_prefix_for(bank_id: str) -> str:
    """The default id prefix of a bank: the initials of its id's parts (``customer-service`` → ``cs``)."""
    parts = [p for p in re.split(r"[-_.]+", bank_id) if p]
    return "".join(p[0] for p in parts).lower() or "q"


def question_key(stem: str, options: Sequence[str]) -> tuple[str, frozenset[str]]:
    """What makes two printings the same question: the stem and the option texts in any order."""
    return content_key(stem), frozenset(content_key(o) for o in options)


def item_id(prefix: str, item_type: str, stem: str, options: Sequence[str]) -> str:
    """``<prefix>-<10 hex>`` from the type, stem and option texts (order-free), normalised.

    The same question printed with other widths, spacing, punctuation or
    option order gets the same id, so re-importing a text keeps its ids.
    """
    parts = [item_type, content_key(stem), *sorted(content_key(o) for o in options)]
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:_ID_HEX]}"


def is_pinnable(text: str) -> bool:
    """Text such as 以上都对 / 以上都不对 / 都不是 / 所有选项都是: it must stay last.

    Only a leading 以上/上述/前述 counts: "12以上" or "五年以上" is a quantity.

    >>> is_pinnable("以上都对"), is_pinnable("12以上"), is_pinnable("五年以上")
    (True, False, False)
    """
    return bool(_ALL_ABOVE.search(text))


def cites_options(text: str) -> bool:
    """Text such as ``A和B`` / ``AB都对`` / ``选项C`` that names other options by letter."""
    return bool(_CITES_LETTERS.search(text))


def _options(question: ParsedQuestion) -> tuple[list[Option], bool]:
    """Options with pins, and whether the item must not be shuffled."""
    options, no_shuffle = [], False
    last = len(question.options) - 1
    for i, parsed in enumerate(question.options):
        pinned = i == last and is_pinnable(parsed.text)
        if cites_options(parsed.text) or (not pinned and is_pinnable(parsed.text)):
            no_shuffle = True
        options.append(Option(label=parsed.label, text=parsed.text, pinned=pinned))
    return options, no_shuffle


def _answer(question: ParsedQuestion) -> str | list[str] | bool:
    if isinstance(question.answer, bool):
        return question.answer
    if question.type == "single":
        return question.answer[0]
    return list(question.answer)


def _folded(question: ParsedQuestion) -> ParsedQuestion:
    """The question's texts with look-alike ideographs (radicals, compatibility forms) unified."""

    def fold(text: str) -> str:
        return fold_lookalikes(unicodedata.normalize("NFC", text))

    options = tuple(replace(o, text=fold(o.text)) for o in question.options)
    explanation = fold(question.explanation) if question.explanation else question.explanation
    return replace(question, stem=fold(question.stem), options=options, explanation=explanation)


def build_item(question: ParsedQuestion, *, document: str, settings: ItemSettings) -> Item:
    """The bank item for a parsed question from ``document`` (look-alike ideographs unified)."""
    question = _folded(question)
    options, no_shuffle = _options(question)
    texts = [o.text for o in options]
    provenance = Provenance(
        kind="source",
        document=document,
        number=None if question.number is None else str(question.number),
        section=question.section.heading,
    )
    return Item(
        id=item_id(settings.id_prefix, question.type, question.stem, texts),
        type=question.type,
        stem=question.stem,
        options=options,
        answer=_answer(question),
        topic=classify_topic(question.stem, texts, settings.keywords),
        difficulty=estimate_difficulty(question.type, question.stem, texts, question.answer, settings.difficulty),
        no_shuffle=no_shuffle,
        explanation=question.explanation,
        provenance=provenance,
    )
