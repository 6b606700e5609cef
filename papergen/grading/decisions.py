"""Human decisions on flagged reads: what a reviewer may write, and scoring with what was decided.

A decision is data (see :class:`Decision`): the store keeps every one in an
append-only table and derives the effective answers from the latest decision
per target.  This module holds the pure parts: turning a reviewer's text
(``"AC"``, ``"对"``, ``"空"``) into option keys and back, and scoring a read
sheet with decided answers in place of the marks read.

Kinds of decision
-----------------
answer
    The options marked on one question of one page (``after``: option keys in
    layout order, ``""`` for blank).
candidate
    The candidate number of one page (``after``: digits).
absent
    A roster candidate confirmed absent (缺考) from one exam (``after``: ``"absent"``).
register
    A set-aside page registered by hand from its four corner marks (``after``:
    the corner centres in image pixels, JSON).
manual
    A set-aside page keyed in by hand, every answer entered twice (``after``:
    the answers, JSON).

``after`` is None when a decision is withdrawn (undone): the reader's value
stands again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from omr.result import MarkState, QuestionRead, SheetRead
from papergen.errors import ReviewError
from papergen.exam import PaperFormat, VariantKey
from papergen.grading.scoring import SheetScore, score_sheet
from papergen.i18n import _

__all__ = [
    "DecisionKind",
    "DECISION_KINDS",
    "BLANK_WORD",
    "ABSENT",
    "ABSENT_WORD",
    "Decision",
    "NewDecision",
    "parse_answer",
    "format_answer",
    "format_options",
    "parse_candidate",
    "decided_read",
    "score_with_decisions",
]

DecisionKind = Literal["answer", "candidate", "absent", "register", "manual"]
DECISION_KINDS = ("answer", "candidate", "absent", "register", "manual")
BLANK_WORD = "空"
"""What a reviewer writes for a question left blank."""
ABSENT = "absent"
ABSENT_WORD = "缺考"
"""What a reviewer writes for a roster candidate who did not sit the exam."""
_JUDGE_IN = {"对": "T", "错": "F", "√": "T", "×": "F", "T": "T", "F": "F"}
_JUDGE_OUT = {"T": "对", "F": "错"}
_SEPARATORS = str.maketrans("", "", " ,，、;；/")


@dataclass(frozen=True)
class NewDecision:
    """A decision a reviewer asks for; the store fills in who, when and what stood before.

    Attributes
    ----------
    kind : DecisionKind
        What is decided.
    after : str or None
        The decided value (see the module docstring); None withdraws the latest decision.
    sha256 : str or None
        Content hash of the page (answer, candidate, register, manual).
    question : int or None
        Question number (answer).
    exam_id, candidate : str or None
        The exam and roster number (absent).
    why : str
        The reviewer's note; may be empty.
    """

    kind: DecisionKind
    after: str | None
    sha256: str | None = None
    question: int | None = None
    exam_id: str | None = None
    candidate: str | None = None
    why: str = ""


@dataclass(frozen=True)
class Decision:
    """One row of the audit table: who decided what, when, on which page or candidate.

    Attributes
    ----------
    id : int
        Row id; later decisions have larger ids.
    at : str
        UTC time, ISO 8601.
    who : str
        The reviewer.
    kind : DecisionKind
        What was decided.
    sha256, source, page_no : str, str, int or None
        The page (content hash, scan file, page number); None for ``absent``.
    exam_id : str or None
        The exam.
    question : int or None
        Question number (answer decisions).
    candidate : str or None
        Roster number (absent decisions).
    flag : str
        What the reader flagged, at the time of the decision.
    before, after : str or None
        The value before and after; ``after`` None: the decision was withdrawn.
    why : str
        The reviewer's note.
    """

    id: int
    at: str
    who: str
    kind: DecisionKind
    sha256: str | None
    source: str | None
    page_no: int | None
    exam_id: str | None
    question: int | None
    candidate: str | None
    flag: str
    before: str | None
    after: str | None
    why: str

    @property
    def target(self) -> tuple[str, str | None, int | None, str | None, str | None]:
        """What the decision is about; the latest decision per target is the effective one."""
        return (self.kind, self.sha256, self.question, self.exam_id if self.sha256 is None else None,
                self.candidate if self.sha256 is None else None)


def parse_answer(text: str, options: Sequence[str]) -> str:
    """A reviewer's answer as option keys in layout order.

    Parameters
    ----------
    text : str
        Option letters (``"AC"``, ``"a, c"``), 对/错 (or T/F, √/×) on a
        true/false question, or 空 for blank.
    options : sequence of str
        The question's option keys, in layout order.

    Returns
    -------
    str
        The keys marked, e.g. ``"AC"``, ``"T"``; ``""`` for blank.

    Raises
    ------
    ReviewError
        If the text names an option the question does not have, or is empty.
    """
    cleaned = text.strip().translate(_SEPARATORS).upper()
    if cleaned == BLANK_WORD:
        return ""
    if not cleaned:
        raise ReviewError(_("answer is empty (got {text}); write option letters such as 'AC', 对/错, or 空 for "
                            "blank").format(text=repr(text)))
    keys = [_JUDGE_IN.get(ch, ch) if set(options) == {"T", "F"} else ch for ch in cleaned]
    unknown = [k for k in keys if k not in options]
    if unknown:
        raise ReviewError(_("answer names options the question does not have (got {text}; options {options}); "
                            "write option letters such as 'AC', 对/错, or 空 for blank").format(
                                text=repr(text), options=format_options(options)))
    chosen = set(keys)
    return "".join(o for o in options if o in chosen)


def format_options(options: Sequence[str]) -> str:
    """Option keys as a reviewer reads them: ``"ABCD"``, true/false as ``"对错"``."""
    return "".join(_JUDGE_OUT.get(o, o) for o in options) if set(options) == {"T", "F"} else "".join(options)


def format_answer(keys: str | Sequence[str]) -> str:
    """Option keys as a reviewer writes them: ``"AC"``, 对/错 for true/false, 空 for blank."""
    text = "".join(keys)
    if not text:
        return BLANK_WORD
    return "".join(_JUDGE_OUT.get(k, k) for k in text) if set(text) <= {"T", "F"} else text


def parse_candidate(text: str, digits: int | None = None) -> str:
    """A reviewer's candidate number: digits only, at most ``digits`` of them.

    Raises
    ------
    ReviewError
        If the text is not all digits or is too long.
    """
    number = text.strip()
    if not number.isdigit() or not number.isascii():
        raise ReviewError(_("candidate number must be digits only (got {text})").format(text=repr(text)))
    if digits is not None and len(number) > digits:
        raise ReviewError(_("candidate number has more than the sheet's {digits} digits (got {text})").format(
            digits=digits, text=repr(text)))
    return number


def decided_read(read: SheetRead, answers: Mapping[int, str]) -> SheetRead:
    """The read with decided answers in place of the marks read.

    A decided question keeps its fills (what the scan shows) and takes the
    reviewer's options as marked, every other bubble as blank, with no flags.
    """
    if not answers:
        return read
    questions = tuple(_decided_question(q, answers[q.number]) if q.number in answers else q for q in read.questions)
    return replace(read, questions=questions)


def _decided_question(read: QuestionRead, keys: str) -> QuestionRead:
    states = tuple(MarkState.MARKED if o in keys else MarkState.BLANK for o in read.options)
    marked = tuple(o for o in read.options if o in keys)
    return QuestionRead(read.number, read.options, read.fills, states, marked, (), 1.0)


def score_with_decisions(read: SheetRead, key: VariantKey, fmt: PaperFormat, answers: Mapping[int, str]) -> SheetScore:
    """Score a read sheet with decided answers in place of the marks read.

    A decided question is settled: it carries no review reason, and several
    marks confirmed on a single-answer question score 0 as ``"wrong"``
    instead of waiting for review.
    """
    score = score_sheet(decided_read(read, answers), key, fmt)
    if not answers:
        return score
    questions = tuple(
        replace(q, review=(), status="wrong" if q.status == "review" else q.status) if q.number in answers else q
        for q in score.questions
    )
    return replace(score, questions=questions)
