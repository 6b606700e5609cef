"""Topic and difficulty estimates for imported questions.

Both are *estimates*, made before any candidate has answered the item; item
analysis of graded sittings (p-value, discrimination) replaces them later.

Topic
    A keyword table kept as data (``keywords-customer-service.json`` here, or
    the ``keywords`` of a topics file) scores every topic: the weights of the
    keywords a question contains, each counted once (a keyword inside a longer
    one of the same topic not again), twice for the stem and half for the
    options: the stem names the topic, the options only its neighbourhood.
    The best score wins; ties go to the topic with more distinct keywords
    found, then to the one listed first.  A question that matches nothing
    gets the table's default topic.

Difficulty
    A score from what makes a question hard to a candidate: its type (true/
    false < single < multiple choice, more right answers in a multiple-choice
    item are harder), negation in the stem (不属于, 不正确, 错误…), a long stem,
    long options, and distractors that look like the answer (character-bigram
    Jaccard similarity).  Fixed cut points turn the score into easy / medium /
    hard; they were calibrated so that the customer-service seed material
    comes out about 6:3:1, the mix papers are assembled to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from papergen.bank.model import Difficulty, Topic
from papergen.bank.similarity import bigrams, jaccard
from papergen.errors import ImportTextError
from papergen.importers.normalise import content_key, fold_vocabulary
from papergen.files import read_json
from papergen.i18n import N_, _

__all__ = [
    "TopicKeywords",
    "DifficultyParams",
    "load_topic_keywords",
    "parse_topic_keywords",
    "bundled_topic_keywords",
    "classify_topic",
    "topic_matches",
    "difficulty_score",
    "estimate_difficulty",
]

_BUNDLED = "keywords-customer-service.json"


@dataclass(frozen=True)
class TopicKeywords:
    """Keyword weights per topic code, and the topic for questions that match none."""

    weights: Mapping[str, Mapping[str, float]]
    default: str

    def for_topics(self, topics: Sequence[Topic]) -> TopicKeywords:
        """The table restricted to ``topics``; topics without keywords fall back to their names.

        Raises
        ------
        ImportTextError
            If the default topic is not among ``topics``.
        """
        codes = [t.code for t in topics]
        weights = {t.code: dict(self.weights.get(t.code) or _name_keywords(t.name)) for t in topics}
        default = self.default if self.default in codes else None
        if default is None:
            raise ImportTextError(
                _("topic keywords: default topic {default!r} is not a bank topic (got {codes})").format(
                        default=self.default, codes=', '.join(codes))
            )
        return TopicKeywords(weights, default)


def _name_keywords(name: str) -> dict[str, float]:
    """Keywords from a topic name: its parts split at punctuation and 与/和/及."""
    parts = re.split(r"[、，,（）()与和及\s]+", name)
    return {p: 1.0 for p in parts if len(p) >= 2}


def parse_topic_keywords(data: object, where: str) -> TopicKeywords:
    """A keyword table from parsed JSON; ``where`` names the source in error messages.

    Raises
    ------
    ImportTextError
        If the data has another shape or the default names no topic of the table.
    """
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise ImportTextError(_("{where}: expected {{\"default\": code, \"topics\": {{code: {{keyword: weight}}}}}}").format(
                where=where))
    weights: dict[str, dict[str, float]] = {}
    for code, table in data["topics"].items():
        if not isinstance(table, dict) or not all(isinstance(w, (int, float)) and w > 0 for w in table.values()):
            raise ImportTextError(_("{where}: topics.{code}: keywords map to positive weights (got {table!r})").format(
                    where=where, code=code, table=table))
        weights[str(code)] = {fold_vocabulary(k): float(w) for k, w in table.items()}
    default = data.get("default")
    if not isinstance(default, str) or default not in weights:
        raise ImportTextError(_("{where}: default: must name one of the topics (got {default!r})").format(
                where=where, default=default))
    return TopicKeywords(weights, default)


def load_topic_keywords(path: str | Path) -> TopicKeywords:
    """Read a keyword table ``{"default": "02", "topics": {"01": {"营销": 2, …}, …}}``.

    Raises
    ------
    ImportTextError
        If the file cannot be read or has another shape.
    """
    return parse_topic_keywords(read_json(path, ImportTextError, N_("topic keywords")), str(path))


def bundled_topic_keywords() -> TopicKeywords:
    """The keyword table shipped for the customer-service topics (codes 01-11)."""
    text = resources.files("papergen.importers").joinpath(_BUNDLED).read_text(encoding="utf-8")
    return parse_topic_keywords(json.loads(text), _BUNDLED)


def _hits(text: str, table: Mapping[str, float]) -> tuple[float, int]:
    """Summed weight and count of the keywords in ``text``, longest first, each span counted once."""
    score, hits = 0.0, 0
    for word in sorted(table, key=lambda w: (-len(w), w)):
        if word in text:
            score += table[word]
            hits += 1
            text = text.replace(word, "\x00")
    return score, hits


def classify_topic(
    stem: str, options: Sequence[str], keywords: TopicKeywords, *, stem_factor: float = 2.0, option_factor: float = 0.5
) -> str:
    """The code of the best-matching topic (see the module docstring for the rule).

    A keyword found in the stem counts ``stem_factor`` times its weight, one
    found only among the options ``option_factor`` times; a keyword inside a
    longer keyword of the same topic does not count again.
    """
    stem_text = fold_vocabulary(stem)
    option_text = fold_vocabulary(" ".join(options))
    best: tuple[float, int, int] | None = None
    best_code = keywords.default
    for order, (code, table) in enumerate(keywords.weights.items()):
        stem_score, stem_hits = _hits(stem_text, table)
        option_score, option_hits = _hits(option_text, table)
        score = stem_factor * stem_score + option_factor * option_score
        rank = (score, stem_hits + option_hits, -order)
        if score > 0 and (best is None or rank > best):
            best, best_code = rank, code
    return best_code


def topic_matches(stem: str, options: Sequence[str], keywords: TopicKeywords) -> bool:
    """True when the stem or an option holds a keyword of some topic of the table."""
    text = fold_vocabulary(" ".join([stem, *options]))
    return any(word in text for table in keywords.weights.values() for word in table)


# ---------------------------------------------------------------- difficulty


@dataclass(frozen=True)
class DifficultyParams:
    """Weights and cut points of the difficulty score (dimensionless points).

    Scores compare items of one type; each type has its own cut points, so
    that every section of a paper can be filled at the format's easy:medium:
    hard mix.
    """

    extra_answer: float = 0.5
    """Per right answer beyond two in a multiple-choice item."""
    negation: float = 1.0
    """Stem asks for the wrong / excluded option, or the statement is negated (不属于, 不正确, 错误…)."""
    long_stem_chars: tuple[int, int] = (15, 60)
    """Stem length (content characters) over which 0 up to ``long_stem`` points accrue, linearly."""
    long_stem: float = 1.0
    """Points for a stem at or beyond the upper length."""
    long_option_chars: tuple[int, int] = (4, 20)
    """Mean option length (characters) over which 0 up to ``long_options`` points accrue."""
    long_options: float = 1.0
    """Points for options at or beyond the upper mean length."""
    lookalike_similarity: float = 0.35
    """Bigram Jaccard similarity of a distractor to a right option that counts as look-alike."""
    lookalike: float = 0.75
    """Points when some distractor looks like a right option."""
    figures: float = 0.75
    """A true/false statement that turns on a figure (5-6倍, 80%): recall, not judgement."""
    absolute: float = -0.75
    """A true/false statement with an absolute word (只, 一定, 完全…): a cue test-wise candidates use."""
    cut_points: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: {"judge": (0.3, 1.1), "single": (1.05, 1.7), "multi": (0.95, 1.25)}
    )
    """Per type, the scores from which an item is medium and hard."""


_NEGATION = re.compile(r"不属于|不包括|不正确|不恰当|不符合|不具有|不是|不能|不应|不可能|不属|错误的|有误|除了|除外|不需要|无法|不一定")
_ABSOLUTE = re.compile(r"只|一定|完全|所有|无需|必须|绝对|任何|唯一|一切")
_FIGURES = re.compile(r"\d")


def _ramp(value: float, bounds: tuple[int, int]) -> float:
    low, high = bounds
    return min(1.0, max(0.0, (value - low) / (high - low)))


def difficulty_score(
    item_type: str,
    stem: str,
    options: Sequence[str],
    answer: Sequence[str] | bool,
    params: DifficultyParams = DifficultyParams(),
) -> float:
    """The difficulty score of a question among items of its type (higher is harder).

    Parameters
    ----------
    item_type : {"single", "multi", "judge"}
        The item type.
    stem : str
        Stem (or true/false statement).
    options : sequence of str
        Option texts in label order; empty for judge items.
    answer : sequence of str or bool
        Right labels, or the judge answer.
    params : DifficultyParams, optional
        Weights.
    """
    text = fold_vocabulary(stem)
    score = params.negation if _NEGATION.search(text) else 0.0
    score += params.long_stem * _ramp(len(content_key(stem)), params.long_stem_chars)
    if item_type == "judge":
        score += params.figures if _FIGURES.search(text) else 0.0
        return score + (params.absolute if _ABSOLUTE.search(text) else 0.0)
    if item_type == "multi" and not isinstance(answer, bool):
        score += params.extra_answer * max(0, len(answer) - 2)
    if options:
        mean = sum(len(content_key(o)) for o in options) / len(options)
        score += params.long_options * _ramp(mean, params.long_option_chars)
    if not isinstance(answer, bool) and options:
        score += params.lookalike * _has_lookalike(options, answer, params.lookalike_similarity)
    return score


def _has_lookalike(options: Sequence[str], answer: Sequence[str], threshold: float) -> bool:
    labels = "ABCDEF"
    right = [bigrams(o) for i, o in enumerate(options) if labels[i] in answer]
    wrong = [bigrams(o) for i, o in enumerate(options) if labels[i] not in answer]
    return any(jaccard(r, w) >= threshold for r in right for w in wrong)


def estimate_difficulty(
    item_type: str,
    stem: str,
    options: Sequence[str],
    answer: Sequence[str] | bool,
    params: DifficultyParams = DifficultyParams(),
) -> Difficulty:
    """easy / medium / hard from :func:`difficulty_score` and the type's cut points."""
    score = difficulty_score(item_type, stem, options, answer, params)
    medium_from, hard_from = params.cut_points[item_type]
    if score >= hard_from:
        return "hard"
    return "medium" if score >= medium_from else "easy"
