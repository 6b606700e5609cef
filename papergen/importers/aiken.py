"""Aiken, Moodle's simplest question format: read and write.

One question is its text on one line, one option per line (``A. …`` or
``A) …``) and ``ANSWER: B``; questions are separated by blank lines.  Aiken
holds single-choice questions only: a question with the options 对 / 错
(正确 / 错误) is read as a true/false item, so true/false items are written
that way; multiple-choice items cannot be written and are reported, and
explanations, topics, difficulty and ids have no place in the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from papergen.bank.model import Bank, Item
from papergen.importers.records import Origin, Record, choice_record, skipped_record
from papergen.i18n import _

__all__ = ["looks_like_aiken", "aiken_records", "AikenText", "write_aiken"]

_OPTION = re.compile(r"^([A-Z])\s*[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$")
_ANSWER_LOOSE = re.compile(r"^ANSWER\s*[:：]", re.IGNORECASE)


def looks_like_aiken(text: str) -> bool:
    """True when lines ``ANSWER: X`` follow option lines, as Aiken files have them."""
    lines = [line.strip() for line in text.splitlines()]
    return any(_ANSWER.match(line) and k and _OPTION.match(lines[k - 1]) for k, line in enumerate(lines))


def _question(lines: list[tuple[int, str]], number: str) -> Record:
    """One question from its non-blank lines."""
    first_line = lines[0][0]
    answer = next((m for _, text in lines if (m := _ANSWER.match(text))), None)
    if answer is None:
        loose = any(_ANSWER_LOOSE.match(text) for _, text in lines)
        message = _("the ANSWER line is not 'ANSWER: <letter>'") if loose else _("no ANSWER line")
        return skipped_record("malformed" if loose else "no_answer", message, number, first_line)
    stem_lines, options = [], []
    for _number, text in lines:
        option = _OPTION.match(text)
        if option and len(options) == ord(option.group(1)) - ord("A"):
            options.append(option.group(2))
        elif not options and not _ANSWER.match(text):
            stem_lines.append(text)
    return choice_record("\n".join(stem_lines), options, [answer.group(1)], Origin(number, first_line), kind="single")


def aiken_records(text: str) -> list[Record]:
    """Every question of an Aiken file as a record, numbered in file order."""
    groups: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped:
            groups[-1].append((number, stripped))
            if _ANSWER_LOOSE.match(stripped):
                groups.append([])
        elif groups[-1]:
            groups.append([])
    return [_question(group, str(k)) for k, group in enumerate((g for g in groups if g), start=1)]


@dataclass(frozen=True)
class AikenText:
    """A bank written as Aiken, and the items the format could not hold."""

    text: str
    left_out: list[Item]


def _aiken_question(item: Item) -> str:
    if item.type == "judge":
        options, answer = ["对", "错"], "A" if item.answer else "B"
    else:
        options, answer = [o.text for o in item.options], item.answer_labels[0]
    lines = [item.stem] + [f"{chr(ord('A') + k)}. {text}" for k, text in enumerate(options)]
    return "\n".join(lines + [f"ANSWER: {answer}"])


def write_aiken(bank: Bank) -> AikenText:
    """Single-choice and true/false items as Aiken text; multiple-choice items are left out and returned."""
    written = [i for i in bank.items if i.type != "multi"]
    return AikenText("\n\n".join(_aiken_question(i) for i in written) + "\n", [i for i in bank.items if i.type == "multi"])
