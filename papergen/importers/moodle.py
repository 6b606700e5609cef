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

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from papergen.bank.io import load_bank
from papergen.bank.model import Bank, Item, Topic
from papergen.errors import ImportTextError
from papergen.importers.checks import glyph_warnings
from papergen.importers.items import ItemSettings, build_item
from papergen.importers.merge import Candidate, assign_enemy_groups, merge_candidates
from papergen.importers.normalise import join_lines
from papergen.importers.parse import (
    Outcome,
    ParsedOption,
    ParsedQuestion,
    Skipped,
    SkipReason,
)
from papergen.importers.result import FileCounts, ImportProblem, ImportResult
from papergen.importers.segment import Section
from papergen.importers.text import item_settings

__all__ = ["is_moodle_xml", "read_moodle_candidates", "import_moodle", "export_moodle", "export_bank_file"]

_SNIFF_BYTES = 4096
"""How much of a file is read to recognise Moodle XML."""
_QUIZ_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<quiz[\s>]", re.DOTALL)
_LABELS = "ABCDEF"
_SKIP_TYPES: dict[str, SkipReason] = {
    "essay": "essay", "shortanswer": "essay", "numerical": "essay", "calculated": "essay",
    "calculatedsimple": "essay", "calculatedmulti": "essay", "matching": "essay",
    "multianswer": "fill_in", "gapselect": "fill_in", "ddwtos": "fill_in", "description": "knowledge",
}
_TRUE_WORDS = {"true": True, "对": True, "正确": True, "false": False, "错": False, "错误": False}
_BREAKS = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def is_moodle_xml(path: str | Path) -> bool:
    """True when the file starts like a Moodle XML question file (root element ``<quiz>``)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return bool(_QUIZ_ROOT.match(head.lstrip(b"\xef\xbb\xbf")))


def _html_text(element: ET.Element | None) -> str:
    """Plain text of a Moodle ``<…><text>`` element: tags removed, entities decoded, one line."""
    if element is None:
        return ""
    raw = element.findtext("text") or ""
    return join_lines(html.unescape(_TAGS.sub("", _BREAKS.sub("\n", raw)))).strip()


def _topic_of(category: str, topics: Sequence[Topic]) -> str | None:
    """The topic code a category path names, if any."""
    last = category.rstrip("/").split("/")[-1].strip()
    for topic in topics:
        if last in (topic.code, topic.name) or last.startswith(topic.code + " ") or last.endswith(topic.name):
            return topic.code
    return None


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def _multichoice(q: ET.Element, number: int, section: Section) -> Outcome:
    answers = q.findall("answer")
    texts = [_html_text(a) for a in answers]
    if len(answers) < 2 or len(answers) > len(_LABELS) or not all(texts):
        return Skipped("malformed", f"{len(answers)} answers, or an empty one (need 2-{len(_LABELS)})", number, number)
    right = tuple(_LABELS[i] for i, a in enumerate(answers) if _fraction(a) > 0)
    single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
    if not right:
        return Skipped("no_answer", "no answer has a positive fraction", number, number)
    if single != (len(right) == 1):
        kind = "single" if single else "multiple"
        return Skipped("malformed", f"{kind}-choice question with {len(right)} right answers", number, number)
    stem = _html_text(q.find("questiontext"))
    if not stem:
        return Skipped("malformed", "the question text is empty", number, number)
    options = tuple(ParsedOption(_LABELS[i], t) for i, t in enumerate(texts))
    return ParsedQuestion(
        "single" if single else "multi", stem, options, right,
        _html_text(q.find("generalfeedback")) or None, False, number, number, section,
    )


def _truefalse(q: ET.Element, number: int, section: Section) -> Outcome:
    right = [a for a in q.findall("answer") if _fraction(a) > 0]
    word = (right[0].findtext("text") or "").strip().lower() if len(right) == 1 else ""
    if word not in _TRUE_WORDS:
        return Skipped("malformed", f"true/false question without one right answer true/false (got {word!r})", number, number)
    stem = _html_text(q.find("questiontext"))
    if not stem:
        return Skipped("malformed", "the question text is empty", number, number)
    return ParsedQuestion(
        "judge", stem, (), _TRUE_WORDS[word],
        _html_text(q.find("generalfeedback")) or None, False, number, number, section,
    )


def _parse_root(path: Path) -> ET.Element:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise ImportTextError(f"{path}: not readable Moodle XML ({exc})") from exc
    if root.tag != "quiz":
        raise ImportTextError(f"{path}: root element is <{root.tag}>, not <quiz>; export questions as Moodle XML")
    return root


def _outcomes(root: ET.Element, topics: Sequence[Topic]) -> list[tuple[Outcome, str | None, dict[str, str]]]:
    """Each question's outcome, the topic its category names (if any) and its kept fields, in file order."""
    category, out, number = "", [], 0
    for q in root.findall("question"):
        kind = q.get("type", "")
        if kind == "category":
            category = (q.findtext("category/text") or "").strip()
            continue
        number += 1
        section = Section("unknown", category or None, None, 0, 0)
        if kind == "multichoice":
            outcome = _multichoice(q, number, section)
        elif kind == "truefalse":
            outcome = _truefalse(q, number, section)
        else:
            reason = _SKIP_TYPES.get(kind, "malformed")
            outcome = Skipped(reason, None if kind in _SKIP_TYPES else f"unknown question type {kind!r}", number, number)
        out.append((outcome, _topic_of(category, topics), _kept_fields(q)))
    return out


_ID_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_DIFFICULTY_TAG = re.compile(r"^difficulty:(easy|medium|hard)$")


def _kept_fields(q: ET.Element) -> dict[str, str]:
    """Item fields a papergen export carried in Moodle's idnumber and tags."""
    kept = {}
    id_number = (q.findtext("idnumber") or "").strip()
    if _ID_NUMBER.match(id_number):
        kept["id"] = id_number
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
    path = Path(path)
    counts, candidates, problems = FileCounts(path.name), [], []
    for outcome, topic, kept in _outcomes(_parse_root(path), topics):
        if isinstance(outcome, Skipped):
            counts.skip(outcome.reason, None, str(outcome.number), outcome.message)
            if outcome.message:
                problems.append(ImportProblem(path.name, None, str(outcome.number), f"{outcome.reason}: {outcome.message}"))
            continue
        item = build_item(outcome, document=path.name, settings=settings)
        update = dict(kept, **({"topic": topic} if topic is not None else {}))
        if update:
            item = item.model_copy(update=update)
        counts.parsed[item.type] += 1
        candidates.append(Candidate(item, False, path.name, outcome.line))
    return candidates, counts, problems


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
    try:
        ET.ElementTree(quiz).write(path, encoding="utf-8", xml_declaration=True)
    except OSError as exc:
        raise ImportTextError(f"{path}: cannot write Moodle XML ({exc.strerror})") from exc


def export_bank_file(bank_path: str | Path, out: str | Path) -> Bank:
    """Read a bank file and write it as Moodle XML (what ``papergen export-moodle`` does).

    Raises
    ------
    BankError
        If the bank file is invalid.
    ImportTextError
        If the XML file cannot be written.
    """
    bank = load_bank(bank_path)
    export_moodle(bank, out)
    return bank
