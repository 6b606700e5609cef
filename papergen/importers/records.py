"""Questions of structured sources (Moodle XML, GIFT, Aiken, tables, JSON) → bank candidates.

A structured source says field by field what a question is: its text, its
options, which are right.  Each reader turns its questions into
:class:`Record` values (a parsed question or the reason it is skipped, with
its line); :func:`choice_record` and :func:`judge_record` check a question
the same way for every format, and :func:`read_records` makes the
candidates, counts and problems that :func:`~papergen.importers.sources.import_sources`
merges.

Fields a source may carry besides the question (``kept``): ``id`` (kept
when it is a valid item id, so ids survive an export and import),
``difficulty`` (``easy``/``medium``/``hard``, ``易``/``中``/``难``, ``简单``/
``中等``/``困难``, or 1-5) and ``topic`` (a topic code or name, or a
category path ending in one; others are classified by keywords).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from papergen.bank.model import OPTION_LABELS, Topic
from papergen.importers.figures import attach_figures
from papergen.importers.items import ItemSettings, build_item
from papergen.importers.markers import JUDGE_WORDS
from papergen.importers.merge import Candidate
from papergen.importers.normalise import join_lines
from papergen.importers.parse import Outcome, ParsedOption, ParsedQuestion, Skipped, SkipReason
from papergen.importers.result import FileCounts, ImportProblem, reason_name
from papergen.importers.segment import Section
from papergen.i18n import N_, _

__all__ = [
    "Origin",
    "Record",
    "tidy",
    "choice_record",
    "judge_record",
    "skipped_record",
    "parse_difficulty",
    "topic_of",
    "judge_word",
    "read_records",
]

_SPACES = re.compile(r"[ \t]+")
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_DIFFICULTY_WORDS = {
    "easy": "easy", "medium": "medium", "hard": "hard", "易": "easy", "中": "medium", "难": "hard",
    "简单": "easy", "容易": "easy", "中等": "medium", "一般": "medium", "较难": "hard", "困难": "hard",
    "1": "easy", "2": "easy", "3": "medium", "4": "hard", "5": "hard",
}
_JUDGE_EXTRA = {"true": True, "t": True, "yes": True, "y": True, "false": False, "f": False, "no": False, "n": False}


@dataclass(frozen=True)
class Origin:
    """Where a question stands in its source and what the source says beside it."""

    number: str | None = None
    """The question's number in the source, as printed (or counted)."""
    line: int = 0
    """Line (row, paragraph) the question starts on; 0 if unknown."""
    section: str | None = None
    """Section or category the source puts it in."""
    explanation: str | None = None
    kept: Mapping[str, str] = field(default_factory=dict)
    """``id`` / ``difficulty`` / ``topic`` as the source gives them."""


@dataclass(frozen=True)
class Record:
    """One question of a structured source: its outcome and the fields the source carries beside it."""

    outcome: Outcome
    kept: Mapping[str, str] = field(default_factory=dict)
    pictures: tuple[tuple[str, bytes], ...] = ()
    """(name, bytes) of the pictures the question text shows, in order (they become the item's figures)."""


def tidy(text: str | None) -> str:
    """A field's text on one line (line breaks joined as in plain text), no-break spaces and runs of spaces as one space."""
    return _SPACES.sub(" ", join_lines((text or "").replace("\xa0", " "))).strip()


def _section(kind: str, name: str | None) -> Section:
    return Section(kind, name, None, 0, 0)  # type: ignore[arg-type]


def skipped_record(reason: SkipReason, message: str | None, number: str | None, line: int) -> Record:
    """A question that yields no item."""
    return Record(Skipped(reason, message, _number(number), line))


def _number(number: str | None) -> int | None:
    return int(number) if number and number.isdigit() else None


def choice_record(stem: str, options: Sequence[str], right: Iterable[str], origin: Origin, *, kind: str | None = None) -> Record:
    """A choice question: ``right`` are labels (``"A"``…); ``kind`` (single/multi) is checked if given.

    Options 对 / 错 with one right make a true/false item, as a choice-shaped
    true/false question from an exam platform is meant.
    """
    stem, texts = tidy(stem), [tidy(o) for o in options]
    letters = tuple(sorted(set(right)))
    labels = OPTION_LABELS[: len(texts)]
    problem = _choice_problem(stem, texts, letters, labels, kind)
    if problem:
        return skipped_record(*problem, origin.number, origin.line)
    truth = {label: JUDGE_WORDS.get(text) for label, text in zip(labels, texts, strict=True)}
    if len(texts) == 2 and set(truth.values()) == {True, False} and len(letters) == 1 and kind != "multi":
        return judge_record(stem, truth[letters[0]], origin)
    qtype = "single" if len(letters) == 1 else "multi"
    parsed = tuple(ParsedOption(label, text) for label, text in zip(labels, texts, strict=True))
    return _record(ParsedQuestion(qtype, stem, parsed, letters, None, False, None, 0, _section(qtype, None)), origin)


def _record(question: ParsedQuestion, origin: Origin) -> Record:
    """The record of a checked question, placed where ``origin`` says."""
    placed = replace(
        question,
        explanation=tidy(origin.explanation) or None,
        number=_number(origin.number),
        line=origin.line,
        section=_section(question.type, origin.section),
    )
    return Record(placed, dict(origin.kept))


def _choice_problem(
    stem: str, texts: list[str], letters: tuple[str, ...], labels: tuple[str, ...], kind: str | None
) -> tuple[SkipReason, str] | None:
    """Why a choice question cannot be an item, if it cannot."""
    if not stem:
        return "malformed", _("the question text is empty")
    if not 2 <= len(texts) <= len(OPTION_LABELS):
        return "malformed", _("{count} options (need 2-{most})").format(
                count=len(texts), most=len(OPTION_LABELS))
    if not all(texts):
        return "malformed", _("an option has no text")
    if not letters:
        return "no_answer", _("no answer is given")
    absent = [a for a in letters if a not in labels]
    if absent:
        return "malformed", _("answer {absent} is not among the options ({labels})").format(
                absent=', '.join(absent), labels=', '.join(labels))
    if kind == "single" and len(letters) != 1:
        return "malformed", _("{count} answers to a single-choice question").format(count=len(letters))
    if kind == "multi" and len(letters) < 2:
        return "malformed", _("one answer to a multiple-choice question")
    return None


def judge_record(stem: str, answer: bool | None, origin: Origin) -> Record:
    """A true/false question; ``answer`` None means the source gives none."""
    stem = tidy(stem)
    if not stem:
        return skipped_record("malformed", _("the statement is empty"), origin.number, origin.line)
    if answer is None:
        return skipped_record("no_answer", _("no answer is given"), origin.number, origin.line)
    return _record(ParsedQuestion("judge", stem, (), answer, None, False, None, 0, _section("judge", None)), origin)


def judge_word(text: str) -> bool | None:
    """对 / 错 / 正确 / 错误 / √ / × / ✔ / ❌ / true / false / T / F as a truth value, else None."""
    word = text.strip()
    if word in JUDGE_WORDS:
        return JUDGE_WORDS[word]
    return _JUDGE_EXTRA.get(word.lower())


def parse_difficulty(value: str | None) -> str | None:
    """easy / medium / hard from the words and 1-5 scales exam platforms use, else None."""
    if value is None:
        return None
    word = str(value).strip().lower()
    return _DIFFICULTY_WORDS.get(word.removesuffix(".0"))


def topic_of(name: str | None, topics: Sequence[Topic]) -> str | None:
    """The topic code a name, code or category path (``$course$/top/01 市场营销``) names, if any."""
    if not name:
        return None
    last = name.rstrip("/").split("/")[-1].strip()
    for topic in topics:
        if last in (topic.code, topic.name) or last.startswith(topic.code + " ") or last.endswith(topic.name):
            return topic.code
    return None


def _kept_fields(kept: Mapping[str, str], topics: Sequence[Topic]) -> dict[str, str]:
    """The item fields a record's kept values give."""
    update = {}
    if _ID_PATTERN.match(kept.get("id", "")):
        update["id"] = kept["id"]
    difficulty = parse_difficulty(kept.get("difficulty"))
    if difficulty:
        update["difficulty"] = difficulty
    topic = topic_of(kept.get("topic"), topics)
    if topic:
        update["topic"] = topic
    return update


def read_records(
    records: Iterable[Record], document: str, settings: ItemSettings, topics: Sequence[Topic]
) -> tuple[list[Candidate], FileCounts, list[ImportProblem]]:
    """Candidates (one per question), counts and problems of a structured source's records."""
    counts, candidates, problems = FileCounts(document), [], []
    for record in records:
        outcome = record.outcome
        number = None if outcome.number is None else str(outcome.number)
        if isinstance(outcome, Skipped):
            counts.skip(outcome.reason, outcome.line or None, number, outcome.message)
            if outcome.message:
                problems.append(ImportProblem(document, outcome.line or None, number, _("{reason}: {problem}").format(
                    reason=reason_name(outcome.reason), problem=outcome.message)))
            continue
        item = build_item(outcome, document=document, settings=settings)
        update = _kept_fields(record.kept, topics)
        if update:
            item = item.model_copy(update=update)
        counts.parsed[item.type] += 1
        candidate, picture_problems = attach_figures(Candidate(item, False, document, outcome.line), record.pictures,
                                                     N_("question text"))
        candidates.append(candidate)
        problems += picture_problems
        problems += [ImportProblem(document, outcome.line or None, number, w, "warning", item.id) for w in outcome.warnings]
    return candidates, counts, problems
