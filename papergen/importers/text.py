"""Plain-text exam material → bank items (:func:`import_text`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from papergen.bank.model import Topic
from papergen.importers.checks import glyph_warnings
from papergen.importers.classify import TopicKeywords, bundled_topic_keywords
from papergen.importers.items import ItemSettings, build_item, id_prefix_for
from papergen.importers.merge import Candidate, assign_enemy_groups, merge_candidates
from papergen.importers.normalise import has_traditional
from papergen.importers.parse import (
    Outcome,
    ParsedQuestion,
    ParseParams,
    Skipped,
    parse_block,
)
from papergen.importers.result import FileCounts, ImportProblem, ImportResult, reason_name
from papergen.importers.segment import (
    Section,
    SegmentParams,
    segment_source,
    split_blocks,
)
from papergen.importers.source import SourceText, read_source
from papergen.importers.unnumbered import (
    is_questionnaire,
    parse_line_lists,
    parse_questionnaire,
)
from papergen.i18n import _

__all__ = ["TextParams", "read_outcomes", "read_candidates", "import_text", "item_settings"]


@dataclass(frozen=True)
class TextParams:
    """Tunables of plain-text import."""

    segment: SegmentParams = SegmentParams()
    parse: ParseParams = ParseParams()


def _section_outcomes(src: SourceText, section: Section, params: TextParams) -> list[Outcome]:
    """Outcomes of a section's questions, and a knowledge skip per other line of its lead."""
    if is_questionnaire(src, section):
        return parse_questionnaire(src, section, params.parse)
    blocks, lead_end = split_blocks(src, section, params.segment)
    outcomes = parse_line_lists(src, section, section.start, lead_end, params.parse)
    return outcomes + [parse_block(src, block, params.parse) for block in blocks]


def read_outcomes(src: SourceText, params: TextParams = TextParams()) -> list[Outcome]:
    """Every block of a source in order: a parsed question or why it was skipped."""
    outcomes: list[Outcome] = []
    for _, sections in segment_source(src, params.segment):
        for section in sections:
            outcomes += _section_outcomes(src, section, params)
    return outcomes


def _problem_for(src: SourceText, skipped: Skipped) -> ImportProblem | None:
    """A problem for a question left out for want of an answer or for its form; None for other text."""
    if skipped.reason not in ("no_answer", "malformed") or not skipped.message:
        return None
    number = None if skipped.number is None else str(skipped.number)
    return ImportProblem(src.name, skipped.line, number, _("{reason}: {problem}").format(
        reason=reason_name(skipped.reason), problem=skipped.message))


def read_candidates(
    src: SourceText, settings: ItemSettings, params: TextParams = TextParams()
) -> tuple[list[Candidate], FileCounts, list[ImportProblem]]:
    """Items (one per printing) of one source, its counts, and its problems."""
    counts = FileCounts(src.name)
    candidates, problems = [], []
    for outcome in read_outcomes(src, params):
        if isinstance(outcome, Skipped):
            number = None if outcome.number is None else str(outcome.number)
            counts.skip(outcome.reason, outcome.line, number, outcome.message)
            problem = _problem_for(src, outcome)
            if problem:
                problems.append(problem)
            continue
        item = build_item(outcome, document=src.name, settings=settings)
        counts.parsed[item.type] += 1
        candidates.append(Candidate(item, outcome.verified, src.name, outcome.line))
        problems += _warnings(src, outcome, item.id)
    return candidates, counts, problems


def _warnings(src: SourceText, question: ParsedQuestion, item_id: str) -> list[ImportProblem]:
    number = None if question.number is None else str(question.number)
    notes = list(question.warnings)
    if has_traditional(question.stem + "".join(o.text for o in question.options)):
        notes.append(_("printed in traditional characters; the bank keeps them as printed"))
    return [ImportProblem(src.name, question.line, number, note, "warning", item_id) for note in notes]


def item_settings(bank_id: str, topics: Sequence[Topic], *, id_prefix: str | None = None, keywords: TopicKeywords | None = None) -> ItemSettings:
    """Id prefix and topic keywords for a bank (defaults: the id's initials, the bundled table)."""
    table = (keywords or bundled_topic_keywords()).for_topics(topics)
    return ItemSettings(id_prefix or id_prefix_for(bank_id), table)


def import_text(
    path: str | Path,
    *,
    bank_id: str,
    topics: list[Topic],
    id_prefix: str | None = None,
    keywords: TopicKeywords | None = None,
    params: TextParams = TextParams(),
) -> ImportResult:
    """Read exam questions from a plain-text file.

    Parameters
    ----------
    path : str or Path
        A text file of exam material (UTF-8, GB18030/GBK, Big5 or UTF-16, detected).
    bank_id : str
        Id of the bank the items are for; its initials prefix the item ids
        (``customer-service`` → ``cs-…``) unless ``id_prefix`` is given.
    topics : list of Topic
        The bank's topics; every item gets one of their codes.
    id_prefix : str, optional
        Prefix of item ids.
    keywords : TopicKeywords, optional
        Keyword table for topic classification (default: the bundled
        customer-service table, falling back to topic names for other codes).
    params : TextParams, optional
        Tunables.

    Returns
    -------
    ImportResult
        Items (questions repeated in the file merged), counts, problems.
        Questions without a stated answer are reported and left out.

    Raises
    ------
    ImportTextError
        If the file cannot be read, or the keyword table does not fit ``topics``.
    """
    src = read_source(path)
    settings = item_settings(bank_id, topics, id_prefix=id_prefix, keywords=keywords)
    candidates, counts, problems = read_candidates(src, settings, params)
    merged = merge_candidates(candidates)
    counts.duplicates = merged.duplicates.get(src.name, 0)
    problems += glyph_warnings(candidates) + merged.problems
    return ImportResult(assign_enemy_groups(merged.items), [counts], problems, held_out=merged.held_out)
