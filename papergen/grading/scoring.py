"""Scoring one read answer sheet against its variant's key.

:func:`score_sheet` turns a :class:`~omr.result.SheetRead` and a
:class:`~papergen.exam.manifest.VariantKey` into a :class:`SheetScore`: per
question the options read as marked, the key's answer, the points earned and
a status, plus per-section sums.  It does no I/O, so a stored read can be
rescored after a key correction without touching the scans.

Choices written down once
-------------------------
- Answers are compared as sets of printed option keys (``"A"``..., judge
  ``"T"``/``"F"``), the keys the layout's bubbles carry.
- A question dropped by a key correction counts for nobody: it leaves both
  the sheet's score and its maximum (status ``"dropped"``).  Giving everyone
  its points instead would credit a question that measured nothing, and
  percentages would no longer compare with sheets of other variants.
- A question awarded by a key correction (送分) gives every sheet its
  points, whatever was marked (status ``"awarded"``): the maximum stays, so
  the full marks and the pass mark do not move.
- ``also_accept`` lists further answers a correction accepts; a sheet earns
  the best score over the key's answer and each accepted one.
- Two or more marks on a single-answer question (单选, 判断) follow the
  section's ``multiple_marks`` rule: ``"zero"`` scores 0 and settles it (the
  reader's ``"multiple"`` flag is then not listed for review); ``"review"``
  scores 0 with status ``"review"`` until a person decides.
- Questions the reader flagged (ambiguous bubble, erasure...) are scored as
  read and carry the reader's reasons in ``review``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from omr.result import MarkState, QuestionRead, SheetRead
from papergen.errors import GradeError, ManifestError
from papergen.exam import KeyQuestion, PaperFormat, Scoring, Section, VariantKey
from papergen.i18n import _

__all__ = [
    "QuestionStatus",
    "QuestionScore",
    "SectionScore",
    "SheetScore",
    "score_sheet",
    "score_question",
    "POINT_DECIMALS",
]

QuestionStatus = Literal["correct", "partial", "wrong", "blank", "review", "dropped", "awarded"]
"""correct: full points; partial: some points (rules subset, per_option); wrong: 0
points with marks; blank: nothing marked; review: held at 0 for a person to
decide (multiple marks under ``multiple_marks="review"``); dropped: removed by
a key correction, counts for nothing; awarded: full points for everyone by a
key correction (送分)."""

POINT_DECIMALS = 6
"""Points are rounded to this many decimals so that sums of 0.5s and thirds
compare exactly."""

SINGLE_ANSWER_TYPES = frozenset({"single", "judge"})
"""Question types whose candidates mark exactly one option."""

MULTIPLE_FLAG = "multiple"
AMBIGUOUS_FLAG = "ambiguous"


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """The outcome of one question.

    Attributes
    ----------
    number : int
        Question number on the sheet (1..N).
    section : str
        Key of the format section the question belongs to.
    marked : tuple of str
        Options read as marked, in layout order; empty if blank.
    answer : tuple of str
        The key's correct options (printed labels; judge ``"T"``/``"F"``).
    points : float
        Points earned, >= 0.
    max_points : float
        Points available; 0 for a dropped question.
    status : QuestionStatus
        See :data:`QuestionStatus`.
    review : tuple of str
        Reasons a person should look at the question; empty if none.
    """

    number: int
    section: str
    marked: tuple[str, ...]
    answer: tuple[str, ...]
    points: float
    max_points: float
    status: QuestionStatus
    review: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionScore:
    """Points of one format section on one sheet (dropped questions excluded)."""

    key: str
    title: str
    points: float
    max_points: float


@dataclass(frozen=True)
class SheetScore:
    """The score of one sheet against one variant's key.

    Attributes
    ----------
    variant : str
        Variant name the sheet was scored as.
    key_checksum : str
        Checksum of the variant's original key (the one the sheet's QR carries).
    questions : tuple of QuestionScore
        One per key question, by number.
    sections : tuple of SectionScore
        One per format section, in print order.
    """

    variant: str
    key_checksum: str
    questions: tuple[QuestionScore, ...]
    sections: tuple[SectionScore, ...]

    @property
    def total(self) -> float:
        """Points earned over all sections."""
        return round(sum(s.points for s in self.sections), POINT_DECIMALS)

    @property
    def max_total(self) -> float:
        """Points available over all sections (dropped questions excluded)."""
        return round(sum(s.max_points for s in self.sections), POINT_DECIMALS)

    @property
    def review_questions(self) -> tuple[QuestionScore, ...]:
        """Questions listed for review, by number."""
        return tuple(q for q in self.questions if q.review)

    @property
    def needs_review(self) -> bool:
        """True if any question is listed for review."""
        return any(q.review for q in self.questions)

    def question(self, number: int) -> QuestionScore:
        """The score of one question by number.

        Raises
        ------
        KeyError
            If the key has no such question.
        """
        for q in self.questions:
            if q.number == number:
                return q
        raise KeyError(f"variant {self.variant}: no question {number}")


def score_sheet(read: SheetRead, key: VariantKey, fmt: PaperFormat) -> SheetScore:
    """Score a read sheet against a variant's key under a format's scoring rules.

    Parameters
    ----------
    read : SheetRead
        The reader's output; must have status ``"read"``.
    key : VariantKey
        The variant's key, including any corrections (``dropped``, ``also_accept``).
    fmt : PaperFormat
        The exam's format; each question's section gives its :class:`Scoring` rule.

    Returns
    -------
    SheetScore

    Raises
    ------
    GradeError
        If the page was not read as an answer sheet.
    ManifestError
        If a key question is missing from the read sheet.
    FormatError
        If a key question names a section the format lacks.
    """
    if read.status != "read":
        raise GradeError(_("variant {variant}: cannot score a page with status {status} ({reason})").format(
            variant=key.variant, status=repr(read.status), reason=read.reason))
    reads = {q.number: q for q in read.questions}
    scores = tuple(planned.score(_question_read(reads, planned.question.number, key.variant))
                   for planned in _key_plan(key, fmt))
    return SheetScore(key.variant, key.checksum, scores, _section_scores(scores, fmt.sections))


class _Planned:
    """One key question with its section's rule, and the scores of the marks seen on it so far.

    A question's score depends only on the marks read, the reader's flags and
    whether a bubble was ambiguous, and a sitting repeats a few of these per
    question: each is scored once and the (immutable) score shared.
    """

    __slots__ = ("question", "scoring", "seen")
    _MOST_SEEN = 256
    """Outcomes kept per question (beyond, the memo starts afresh)."""

    def __init__(self, question: KeyQuestion, scoring: Scoring) -> None:
        self.question, self.scoring = question, scoring
        self.seen: dict[tuple[tuple[str, ...], tuple[str, ...], bool], QuestionScore] = {}

    def score(self, read: QuestionRead) -> QuestionScore:
        """:func:`score_question` of this question for ``read``."""
        outcome = (read.marked, read.flags, MarkState.AMBIGUOUS in read.states)
        score = self.seen.get(outcome)
        if score is None:
            if len(self.seen) >= self._MOST_SEEN:
                self.seen.clear()
            score = self.seen[outcome] = score_question(self.question, read, self.scoring)
        return score


_PLANS: dict[tuple[int, int], tuple[VariantKey, PaperFormat, tuple[_Planned, ...]]] = {}
"""Key questions by number with their section's rule, per (key, format) pair in use."""


def _key_plan(key: VariantKey, fmt: PaperFormat) -> tuple[_Planned, ...]:
    """The key's questions by number, each with its scoring rule (worked out once per key and format)."""
    cached = _PLANS.get((id(key), id(fmt)))
    if cached is not None and cached[0] is key and cached[1] is fmt:
        return cached[2]
    sections = {q.section: fmt.section(q.section) for q in key.questions}
    plan = tuple(_Planned(q, sections[q.section].scoring) for q in sorted(key.questions, key=lambda q: q.number))
    if len(_PLANS) >= 64:
        _PLANS.clear()
    _PLANS[(id(key), id(fmt))] = (key, fmt, plan)
    return plan


def score_question(question: KeyQuestion, read: QuestionRead, scoring: Scoring) -> QuestionScore:
    """Score one question's marks against its key under one scoring rule.

    Parameters
    ----------
    question : KeyQuestion
        The key of the question.
    read : QuestionRead
        The marks read on it.
    scoring : Scoring
        The rule of the question's section.

    Returns
    -------
    QuestionScore
    """
    marked = tuple(read.marked)
    answer = tuple(question.answer)
    if question.dropped:
        return QuestionScore(question.number, question.section, marked, answer, 0.0, 0.0, "dropped")
    if question.awarded:
        return QuestionScore(question.number, question.section, marked, answer, question.points, question.points,
                             "awarded")
    reasons = _reader_reasons(read) if read.flags or MarkState.AMBIGUOUS in read.states else ()
    status: QuestionStatus
    points = 0.0
    if not marked:
        status = "blank"
    elif len(marked) > 1 and question.type in SINGLE_ANSWER_TYPES:
        status, reasons = _multiple_marks(reasons, scoring)
    elif marked == answer:  # the common case, same as the set comparison below
        points, status = question.points, "correct"
    else:
        points = _best_points(frozenset(marked), question, scoring)
        status = _status_of(points, question.points)
    return QuestionScore(question.number, question.section, marked, answer, points, question.points, status, reasons)


def _multiple_marks(reasons: tuple[str, ...], scoring: Scoring) -> tuple[QuestionStatus, tuple[str, ...]]:
    """Status and review reasons of a single-answer question with several marks."""
    if scoring.multiple_marks == "review":
        return "review", _with_reason(reasons, MULTIPLE_FLAG)
    return "wrong", tuple(r for r in reasons if r != MULTIPLE_FLAG)


def _question_read(reads: Mapping[int, QuestionRead], number: int, variant: str) -> QuestionRead:
    try:
        return reads[number]
    except KeyError:
        raise ManifestError(
            _("variant {variant}: question {number} is not on the sheet read (got {count} questions); the key does "
              "not fit this sheet layout").format(variant=variant, number=number, count=len(reads))
        ) from None


def _reader_reasons(read: QuestionRead) -> tuple[str, ...]:
    reasons = tuple(dict.fromkeys(read.flags)) if read.flags else ()
    if MarkState.AMBIGUOUS in read.states:
        reasons = _with_reason(reasons, AMBIGUOUS_FLAG)
    return reasons


def _with_reason(reasons: tuple[str, ...], reason: str) -> tuple[str, ...]:
    return reasons if reason in reasons else reasons + (reason,)


def _best_points(marked: frozenset[str], question: KeyQuestion, scoring: Scoring) -> float:
    best = _rule_points(marked, frozenset(question.answer), question.points, scoring)
    for answer in question.also_accept:
        best = max(best, _rule_points(marked, frozenset(answer), question.points, scoring))
    return best


def _rule_points(marked: frozenset[str], answer: frozenset[str], points: float, scoring: Scoring) -> float:
    if marked == answer:
        return points
    if not answer or scoring.rule == "exact":
        return 0.0
    if scoring.rule == "subset":
        return round(points * scoring.partial_fraction, POINT_DECIMALS) if marked < answer else 0.0
    right, wrong = len(marked & answer), len(marked - answer)
    return round(max(0, right - wrong) * points / len(answer), POINT_DECIMALS)


def _status_of(points: float, max_points: float) -> QuestionStatus:
    if points >= max_points:
        return "correct"
    return "partial" if points > 0 else "wrong"


def _section_scores(scores: tuple[QuestionScore, ...], sections: tuple[Section, ...]) -> tuple[SectionScore, ...]:
    out = []
    for section in sections:
        own = [q for q in scores if q.section == section.key]
        out.append(
            SectionScore(
                section.key,
                section.title,
                round(sum(q.points for q in own), POINT_DECIMALS),
                round(sum(q.max_points for q in own), POINT_DECIMALS),
            )
        )
    return tuple(out)
