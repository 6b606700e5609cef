"""Moodle XML question files: import (multichoice, truefalse) and export.

Import
    ``multichoice`` questions become single-choice items when ``<single>`` is
    true and multiple-choice items otherwise; answers with a positive
    ``fraction`` are the right ones.  ``truefalse`` questions become judge
    items.  A ``category`` question sets the category of the questions after
    it; a category whose last part is a topic code or name (``01``,
    ``01 市场营销与客户需求``, ``市场营销与客户需求``) gives the topic, others
    are classified by keywords like plain text.  Other question types are
    counted as skipped (essay, short answer, cloze…).
Export
    One category per topic (``$course$/top/<bank id>/<code> <name>``), the
    item id as name and idnumber (an import keeps a valid idnumber as the
    item id, so ids survive a round trip), the difficulty as a tag
    ``difficulty:<easy|medium|hard>``, texts HTML-escaped in ``format="html"``,
    right options weighted ``100/k`` and wrong ones ``-100/(n-k)`` (a
    multiple-choice item scores full marks only when exactly right),
    shuffling off for items with pinned options or options that cite others.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

from papergen.bank.model import Bank, Item, Topic
from papergen.errors import ImportTextError
from papergen.files import write_atomically
from papergen.importers.checks import glyph_warnings
from papergen.importers.items import ItemSettings
from papergen.importers.merge import Candidate, assign_enemy_groups, merge_candidates
from papergen.importers.normalise import join_lines
from papergen.importers.parse import ParsedQuestion, SkipReason
from papergen.importers.records import Origin, Record, choice_record, judge_record, read_records, skipped_record
from papergen.importers.result import FileCounts, ImportProblem, ImportResult
from papergen.importers.text import item_settings
from papergen.i18n import _, os_error_reason

__all__ = ["is_moodle_xml", "read_moodle_records", "read_moodle_candidates", "import_moodle", "export_moodle"]

_SNIFF_BYTES = 4096
"""How much of a file is read to recognise Moodle XML."""
_QUIZ_ROOT = re.compile(rb"^\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<quiz[\s>]", re.DOTALL)
_LABELS = "ABCDEF"
_SKIP_TYPES: dict[str, SkipReason] = {
    "essay": "essay", "shortanswer": "essay", "numerical": "essay", "calculated": "essay",
    "calculatedsimple": "essay", "calculatedmulti": "essay", "matching": "essay",
    "multianswer": "fill_in", "gapselect": "fill_in", "ddwtos": "fill_in", "description": "knowledge",
}
_TRUE_WORDS = {"true": True, "对": True, "正确": True, "false": False, "错": False, "错误": False}
_BREAKS = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>|</li\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_OFFICE_NOISE = re.compile(
    r"<!--\[if[^\]]*\]>.*?<!\[endif\]-->|<!--.*?-->|<(style|script|xml)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
"""Word's conditional comments, comments, and style, script and xml blocks pasted into Moodle HTML."""
_IMAGE = re.compile(r"<img\b[^>]*?src=[\"']([^\"']*)[\"']", re.IGNORECASE)
_QUESTION_TAG = re.compile(r"<question[\s>]")


def is_moodle_xml(path: str | Path) -> bool:
    """True when the file starts like a Moodle XML question file (root element ``<quiz>``).

    An XML declaration, other processing instructions, comments and a
    doctype may come first.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return bool(_QUIZ_ROOT.match(head.lstrip(b"\xef\xbb\xbf")))


def html_text(raw: str) -> str:
    """Plain text of Moodle HTML: Word's CSS and comments dropped, tags removed, entities decoded, one line."""
    raw = _OFFICE_NOISE.sub("", raw)
    return join_lines(html.unescape(_TAGS.sub("", _BREAKS.sub("\n", raw)))).strip()


def _html_text(element: ET.Element | None) -> str:
    """Plain text of a Moodle ``<…><text>`` element."""
    return "" if element is None else html_text(element.findtext("text") or "")


def _stem_pictures(q: ET.Element) -> tuple[tuple[tuple[str, bytes], ...], list[str]]:
    """(name, bytes) of the pictures the question text shows, and notes on those it names but does not carry.

    Moodle keeps a picture as ``<file name="…" encoding="base64">`` beside the
    text that shows it as ``@@PLUGINFILE@@/name``, or inline as a ``data:`` URL.
    """
    text = q.find("questiontext")
    if text is None:
        return (), []
    files = {f.get("name", ""): f.text or "" for f in text.findall("file") if f.get("encoding", "base64") == "base64"}
    pictures, notes = [], []
    for src in _IMAGE.findall(text.findtext("text") or ""):
        if src.startswith("data:"):
            name, encoded = "data:…", src.split(",", 1)[1] if ";base64," in src else None
        else:
            name = unquote(src.replace("@@PLUGINFILE@@/", ""))
            encoded = files.get(name)
        data = _base64(encoded)
        if data:
            pictures.append((name, data))
        else:
            notes.append(_("the question text shows {src!r}, which the file does not carry; add the picture by hand").format(
                    src=src[:60]))
    return tuple(pictures), notes


def _base64(encoded: str | None) -> bytes | None:
    """The bytes of a base64 text; None for none or a damaged one."""
    try:
        return base64.b64decode("".join((encoded or "").split()), validate=True) or None
    except (binascii.Error, ValueError):
        return None


def _option_image_notes(q: ET.Element) -> list[str]:
    """A note when answers show pictures: the bank prints figures under stems only."""
    shown = [src for answer in q.findall("answer") for src in _IMAGE.findall(answer.findtext("text") or "")]
    return [_(
        "{count} picture(s) in the options are not kept (figures print under the stem only); check the "
        "options read without them").format(count=len(shown))] if shown else []


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def _right_answers(answers: list[ET.Element], single: bool) -> tuple[list[str], list[str]]:
    """Right labels and notes: a single-choice question's right answer is its 100 % one; partial credit is noted."""
    fractions = [_fraction(a) for a in answers]
    if not single:
        return [_LABELS[i] for i, f in enumerate(fractions) if f > 0], []
    right = [_LABELS[i] for i, f in enumerate(fractions) if f >= 100 - 1e-6]
    partial = [f"{_LABELS[i]} {f:g}%" for i, f in enumerate(fractions) if 0 < f < 100 - 1e-6]
    notes = [_("partial credit ({partial}) is not kept: only the 100 % answer counts").format(
            partial=', '.join(partial))] if partial and right else []
    return right or [_LABELS[i] for i, f in enumerate(fractions) if f > 0], notes


def _multichoice(q: ET.Element, origin: Origin) -> Record:
    answers = q.findall("answer")
    if len(answers) > len(_LABELS):
        return skipped_record("malformed", _("{count} answers (need 2-{most})").format(
                count=len(answers), most=len(_LABELS)), origin.number, origin.line)
    single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
    right, notes = _right_answers(answers, single)
    if not single and len(right) == 1:
        notes.append(_("marked multiple-answer with one right answer: imported as single choice"))
    stem, options = _html_text(q.find("questiontext")), [_html_text(a) for a in answers]
    record = choice_record(stem, options, right, origin, kind="single" if single else None)
    return _with_pictures(_noted(record, notes + _option_image_notes(q)), q)


def _with_pictures(record: Record, q: ET.Element) -> Record:
    """The record with the pictures its question text shows (and notes on those missing)."""
    pictures, notes = _stem_pictures(q)
    record = _noted(record, notes)
    return replace(record, pictures=pictures) if isinstance(record.outcome, ParsedQuestion) else record


def _noted(record: Record, notes: list[str]) -> Record:
    if not notes or not isinstance(record.outcome, ParsedQuestion):
        return record
    return replace(record, outcome=replace(record.outcome, warnings=record.outcome.warnings + tuple(notes)))


def _truefalse(q: ET.Element, origin: Origin) -> Record:
    right = [a for a in q.findall("answer") if _fraction(a) > 0]
    word = (right[0].findtext("text") or "").strip().lower() if len(right) == 1 else ""
    if word not in _TRUE_WORDS:
        message = _("true/false question without one right answer true/false (got {word!r})").format(
                word=word)
        return skipped_record("malformed", message, origin.number, origin.line)
    return _with_pictures(judge_record(_html_text(q.find("questiontext")), _TRUE_WORDS[word], origin), q)


def _parse_root(path: Path) -> tuple[ET.Element, list[int]]:
    """The ``<quiz>`` element and the line of each ``<question>`` tag in file order."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTextError(_("{path}: cannot read ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc
    start = len(raw) - len(raw.lstrip(b"\xef\xbb\xbf \t\r\n"))
    try:
        root = ET.fromstring(raw[start:])
    except ET.ParseError as exc:
        line = exc.position[0] + raw.count(b"\n", 0, start)
        raise ImportTextError(_("{path}:{line}: not readable Moodle XML ({reason})").format(
                path=path, line=line, reason=exc)) from exc
    if root.tag != "quiz":
        raise ImportTextError(_("{path}: root element is <{tag}>, not <quiz>; export questions as Moodle XML").format(
                path=path, tag=root.tag))
    text = raw.decode("utf-8", errors="replace")
    lines = [text.count("\n", 0, m.start()) + 1 for m in _QUESTION_TAG.finditer(text)]
    return root, lines


def read_moodle_records(path: str | Path) -> list[Record]:
    """Each question of a Moodle XML file as a record, in file order (categories kept as topics).

    Raises
    ------
    ImportTextError
        If the file is not well-formed XML with a ``<quiz>`` root.
    """
    root, lines = _parse_root(Path(path))
    category, records, number = "", [], 0
    for index, q in enumerate(root.findall("question")):
        kind = q.get("type", "")
        line = lines[index] if index < len(lines) else 0
        if kind == "category":
            category = (q.findtext("category/text") or "").strip()
            continue
        number += 1
        kept = {**_kept_fields(q), "topic": category}
        origin = Origin(str(number), line, category or None, _html_text(q.find("generalfeedback")), kept)
        if kind == "multichoice":
            records.append(_multichoice(q, origin))
        elif kind == "truefalse":
            records.append(_truefalse(q, origin))
        else:
            message = None if kind in _SKIP_TYPES else _("unknown question type {kind!r}").format(kind=kind)
            records.append(skipped_record(_SKIP_TYPES.get(kind, "malformed"), message, str(number), line))
    return records


_DIFFICULTY_TAG = re.compile(r"^difficulty:(easy|medium|hard)$")


def _kept_fields(q: ET.Element) -> dict[str, str]:
    """Item fields a papergen export carried in Moodle's idnumber and tags."""
    kept = {"id": (q.findtext("idnumber") or "").strip()}
    for tag in q.findall("tags/tag/text"):
        match = _DIFFICULTY_TAG.match((tag.text or "").strip())
        if match:
            kept["difficulty"] = match.group(1)
    return kept


def read_moodle_candidates(
    path: str | Path, settings: ItemSettings, topics: Sequence[Topic]
) -> tuple[list[Candidate], FileCounts, list[ImportProblem]]:
    """Items (one per question), counts and problems of a Moodle XML file.

    Raises
    ------
    ImportTextError
        If the file is not well-formed XML with a ``<quiz>`` root.
    """
    return read_records(read_moodle_records(path), Path(path).name, settings, topics)


def import_moodle(
    path: str | Path,
    *,
    bank_id: str,
    topics: list[Topic],
    id_prefix: str | None = None,
) -> ImportResult:
    """Read multichoice and truefalse questions from a Moodle XML file.

    Parameters
    ----------
    path : str or Path
        A Moodle XML question export.
    bank_id : str
        Id of the bank the items are for (its initials prefix the item ids).
    topics : list of Topic
        The bank's topics; categories naming one give it, others are classified.
    id_prefix : str, optional
        Prefix of item ids.

    Returns
    -------
    ImportResult
        Items (repeated questions merged), counts and problems.

    Raises
    ------
    ImportTextError
        If the file is not Moodle XML.
    """
    settings = item_settings(bank_id, topics, id_prefix=id_prefix)
    candidates, counts, problems = read_moodle_candidates(path, settings, topics)
    merged = merge_candidates(candidates)
    counts.duplicates = merged.duplicates.get(counts.document, 0)
    problems += glyph_warnings(candidates) + merged.problems
    return ImportResult(assign_enemy_groups(merged.items), [counts], problems, held_out=merged.held_out)


# ---------------------------------------------------------------- export


def _text_element(parent: ET.Element, tag: str, text: str, fmt: str = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = html.escape(text, quote=False) if fmt == "html" else text
    return element


def _grade(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _choice_answers(q: ET.Element, item: Item) -> None:
    right = set(item.answer_labels)
    n_right, n_wrong = len(right), len(item.options) - len(right)
    for option in item.options:
        if option.label in right:
            fraction = 100 / n_right
        else:
            fraction = -100 / n_wrong if item.type == "multi" else 0.0
        answer = ET.SubElement(q, "answer", {"fraction": _grade(fraction), "format": "html"})
        ET.SubElement(answer, "text").text = html.escape(option.text, quote=False)
        _text_element(answer, "feedback", "")


def _question(item: Item) -> ET.Element:
    q = ET.Element("question", {"type": "truefalse" if item.type == "judge" else "multichoice"})
    _text_element(q, "name", item.id, fmt="")
    _text_element(q, "questiontext", item.stem)
    _text_element(q, "generalfeedback", item.explanation or "")
    ET.SubElement(q, "defaultgrade").text = "1"
    ET.SubElement(q, "idnumber").text = item.id
    tags = ET.SubElement(q, "tags")
    ET.SubElement(ET.SubElement(tags, "tag"), "text").text = f"difficulty:{item.difficulty}"
    if item.type == "judge":
        for word in ("true", "false"):
            fraction = "100" if (word == "true") == item.answer else "0"
            answer = ET.SubElement(q, "answer", {"fraction": fraction, "format": "moodle_auto_format"})
            ET.SubElement(answer, "text").text = word
            _text_element(answer, "feedback", "")
        return q
    ET.SubElement(q, "single").text = "true" if item.type == "single" else "false"
    keep_order = item.no_shuffle or any(o.pinned for o in item.options)
    ET.SubElement(q, "shuffleanswers").text = "false" if keep_order else "true"
    ET.SubElement(q, "answernumbering").text = "ABCD"
    _choice_answers(q, item)
    return q


def export_moodle(bank: Bank, path: str | Path) -> None:
    """Write a bank as a Moodle XML question file (UTF-8), one category per topic.

    Raises
    ------
    ImportTextError
        If the file cannot be written.
    """
    quiz = ET.Element("quiz")
    for topic in bank.topics:
        items = [i for i in bank.items if i.topic == topic.code]
        if not items:
            continue
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text_element(category, "category", f"$course$/top/{bank.id}/{topic.code} {topic.name}", fmt="")
        quiz.extend(_question(item) for item in items)
    ET.indent(quiz, space=" ")
    write_atomically(path, lambda tmp: ET.ElementTree(quiz).write(tmp, encoding="utf-8", xml_declaration=True),
                     ImportTextError, "Moodle XML")
