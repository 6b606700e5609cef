"""Question banks kept as JSON by other tools, read through a small mapping.

A JSON bank is a list of question objects, at the top or under some keys
(``{"data": {"list": [...]}}``).  Without a mapping the list and its fields
are found by the names tools commonly use (:data:`DEFAULT_KEYS`); a mapping
file names them where they differ::

    {"items": "data.list", "stem": "title", "options": "choices",
     "option_text": "content", "option_correct": "isRight", "answer": "answer",
     "type": "qtype", "types": {"1": "single", "2": "multi", "3": "judge"},
     "explanation": "analysis", "difficulty": "level", "topic": "chapter", "id": "id"}

Options may be a list of texts, a list of objects (text under
``option_text``, a right-answer flag under ``option_correct``), or an
object ``{"A": "…", "B": "…"}``.  The answer may be letters (``"B"``,
``"ACD"``, ``["A", "C"]``), 对/错 or a boolean, or come from the options'
flags.  A list of numbers as the answer is refused: whether 0 or 1 is the
first option is not stated.  Each question is listed with its line.
A papergen bank file reads the same way (``items``, ``stem``, ``options``
with ``label`` and ``text``, ``answer``, ``type``…).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from papergen.bank.model import OPTION_LABELS
from papergen.errors import ImportTextError
from papergen.importers.records import Origin, Record, choice_record, judge_record, judge_word, skipped_record
from papergen.importers.table import TYPE_OF, name_key
from papergen.files import read_json
from papergen.i18n import N_, _

__all__ = ["MAPPING_KEYS", "DEFAULT_KEYS", "load_mapping", "json_records"]

MAPPING_KEYS = (
    "items", "stem", "options", "option_text", "option_correct", "answer", "type", "types",
    "explanation", "difficulty", "topic", "id",
)
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    "stem": ("stem", "question", "questionText", "title", "content", "题干", "题目"),
    "options": ("options", "choices", "optionList", "选项"),
    "option_text": ("text", "content", "value", "option", "label_text"),
    "option_correct": ("correct", "isCorrect", "is_correct", "isRight", "right", "isAnswer"),
    "answer": ("answer", "correctAnswer", "correct_answer", "rightAnswer", "key", "答案"),
    "type": ("type", "questionType", "qtype", "题型"),
    "explanation": ("explanation", "analysis", "analyze", "parse", "解析"),
    "difficulty": ("difficulty", "level", "难度"),
    "topic": ("topic", "category", "knowledge", "chapter", "知识点"),
    "id": ("id", "questionId", "编号"),
}
"""Field names tried, in order, when the mapping does not name a field."""
_SEARCH_DEPTH = 3


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Read a mapping file; unknown keys are errors.

    Raises
    ------
    ImportTextError
        If the file cannot be read or names an unknown key.
    """
    data = read_json(path, ImportTextError, N_("mapping file"))
    if not isinstance(data, dict):
        raise ImportTextError(_("{path}: a mapping is a JSON object such as {{\"stem\": \"title\"}}").format(
                path=path))
    unknown = sorted(set(data) - set(MAPPING_KEYS))
    if unknown:
        raise ImportTextError(_("{path}: unknown mapping key {unknown!r}; keys: {keys}").format(
                path=path, unknown=unknown[0], keys=', '.join(MAPPING_KEYS)))
    return data


def _field(obj: Mapping[str, Any], role: str, mapping: Mapping[str, Any]) -> Any:
    names = (mapping[role],) if role in mapping else DEFAULT_KEYS[role]
    return next((obj[name] for name in names if name in obj and obj[name] not in (None, "")), None)


def _is_question_list(value: Any, mapping: Mapping[str, Any]) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value) and any(
        _field(v, "stem", mapping) is not None for v in value
    )


def _find_list(data: Any, mapping: Mapping[str, Any], path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The keys leading to the list of questions (breadth first, a few levels deep)."""
    if "items" in mapping:
        return tuple(k for k in str(mapping["items"]).split(".") if k)
    if _is_question_list(data, mapping):
        return path
    if not isinstance(data, dict) or len(path) >= _SEARCH_DEPTH:
        return None
    for key, value in data.items():
        if _is_question_list(value, mapping):
            return (*path, key)
    for key, value in data.items():
        found = _find_list(value, mapping, (*path, key))
        if found is not None:
            return found
    return None


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _value_at(text: str, pos: int, key: str, decoder: json.JSONDecoder) -> int:
    """Offset of ``key``'s value in the object starting at ``pos``."""
    pos = _skip_ws(text, pos + 1)
    while text[pos] != "}":
        name, pos = decoder.raw_decode(text, pos)
        pos = _skip_ws(text, _skip_ws(text, pos) + 1)  # past ':'
        if name == key:
            return pos
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        pos = _skip_ws(text, pos + 1) if text[pos] == "," else pos
    raise KeyError(key)


def _element_lines(text: str, keys: Sequence[str]) -> list[int]:
    """The line each element of the list at ``keys`` starts on."""
    decoder, pos = json.JSONDecoder(), _skip_ws(text, 0)
    for key in keys:
        pos = _value_at(text, pos, key, decoder)
    lines, pos = [], _skip_ws(text, pos + 1)
    while pos < len(text) and text[pos] != "]":
        lines.append(text.count("\n", 0, pos) + 1)
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        pos = _skip_ws(text, pos + 1) if text[pos] == "," else pos
    return lines


def _options(value: Any, mapping: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Option texts and the labels flagged right inside the options."""
    if isinstance(value, dict):
        labelled = [(k.strip().upper(), v) for k, v in value.items()]
        return [str(v) for _, v in sorted(labelled)], []
    texts, right = [], []
    for k, option in enumerate(value or []):
        if isinstance(option, dict):
            texts.append(str(_field(option, "option_text", mapping) or ""))
            if _field(option, "option_correct", mapping) in (True, 1, "1", "true", "True"):
                right.append(OPTION_LABELS[k] if k < len(OPTION_LABELS) else "?")
        else:
            texts.append(str(option))
    return texts, right


def _letters(answer: Any) -> list[str] | None:
    """Right labels from ``"B"``, ``"A,C"``, ``["A", "C"]``; None for anything else."""
    parts = answer if isinstance(answer, list) else [answer]
    if not all(isinstance(p, str) for p in parts):
        return None
    joined = "".join(parts).upper()
    letters = [ch for ch in joined if ch in OPTION_LABELS]
    return letters if letters and all(ch in OPTION_LABELS or ch in " ,，、;；|/" for ch in joined) else None


def _record(obj: dict[str, Any], number: str, line: int, mapping: Mapping[str, Any]) -> Record:
    kept = {k: str(v) for k in ("id", "difficulty", "topic") if (v := _field(obj, k, mapping)) is not None}
    raw_type = _field(obj, "type", mapping)
    kind = (mapping.get("types") or {}).get(str(raw_type)) or (TYPE_OF.get(name_key(raw_type)) if raw_type is not None else None)
    if raw_type is not None and kind is None:
        return skipped_record("malformed", _("unknown question type {type!r}; map it with \"types\"").format(
                type=raw_type), number, line)
    if kind in ("fill_in", "essay"):
        return skipped_record(kind, None, number, line)
    stem, answer = str(_field(obj, "stem", mapping) or ""), _field(obj, "answer", mapping)
    origin = Origin(number, line, None, _field(obj, "explanation", mapping), kept)
    options, flagged = _options(_field(obj, "options", mapping), mapping)
    if not options:
        truth = answer if isinstance(answer, bool) else judge_word(str(answer)) if answer is not None else None
        if answer is not None and truth is None:
            return skipped_record("malformed", _("true/false answer {answer!r} is not 对/错 or a boolean").format(
                    answer=answer), number, line)
        return judge_record(stem, truth, origin)
    letters = flagged if answer is None else _letters(answer)
    truth = judge_word(str(answer)) if letters is None and not isinstance(answer, list) else None
    if truth is not None:  # 对 / 错 for a true/false question printed with options 对 / 错
        letters = [OPTION_LABELS[k] for k, text in enumerate(options) if judge_word(text) == truth]
    if letters is None:
        return skipped_record("malformed", _("the answer {answer!r} is not option letters (numbers do not say whether 0 or 1 is A)").format(
                answer=answer), number, line)
    return choice_record(stem, options, letters, origin, kind=kind if kind in ("single", "multi") else None)


def json_records(text: str, where: str, mapping: Mapping[str, Any] | None = None) -> list[Record]:
    """Every question of a JSON bank as a record with its line.

    Raises
    ------
    ImportTextError
        If the text is not JSON or holds no list of questions.
    """
    mapping = mapping or {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportTextError(_("{where}:{line}: not valid JSON ({reason})").format(
                where=where, line=exc.lineno, reason=exc.msg)) from exc
    keys = _find_list(data, mapping)
    items: Any = data
    for key in keys or ():
        items = items.get(key) if isinstance(items, dict) else None
    if keys is None or not isinstance(items, list):
        shown = ", ".join(list(data)[:8]) if isinstance(data, dict) else type(data).__name__
        raise ImportTextError(
            _(
                "{where}: no list of questions found (top-level keys: {shown}); name it and its fields in a "
                "mapping file, e.g. {{\"items\": \"data.list\", \"stem\": \"title\"}}, given with --mapping").format(
                    where=where, shown=shown)
        )
    lines = _element_lines(text, keys)
    return [
        _record(obj, str(k), lines[k - 1], mapping) if isinstance(obj, dict)
        else skipped_record("malformed", _("not a question object (got {type})").format(
                type=type(obj).__name__), str(k), lines[k - 1])
        for k, obj in enumerate(items, start=1)
    ]
