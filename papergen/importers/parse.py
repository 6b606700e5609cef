"""One question block → a parsed question (stem, options, answer) or the reason it is skipped.

Answers are taken only where the source states them:

- a marker after the options: ``正确答案:A``, ``参考答案:A, B, C``, ``答案:ABCD``,
  ``答案:A. 顾客关系管理`` (the printed text must match option A); a
  candidate's own answer (``我的答案: B``) is cut off and never taken, and
  two key markers that disagree make the block malformed
  (:mod:`~papergen.importers.markers`);
- the letters inside the stem's brackets: ``( A )``, ``（AB）``;
- a judge mark after the statement: ``(对)``, ``(错误)``, ``答案:正确`` / ``✔`` /
  ``❌``, and in true/false sections ``√`` / ``×``; true/false items printed
  with the options ``A. 对 B. 错`` take a letter or a word;
- an answer key printed after the questions (matched by number; printed
  option text, if any, must match).

Two sources that disagree, an answer letter that names no option, or a
section type the answer contradicts (two answers in a single-choice section)
make the block malformed: it is reported and left out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from papergen.importers.markers import (
    EXPLANATION_MARK,
    JUDGE_WORD_PATTERN,
    JUDGE_WORDS,
    find_answer_markers,
    find_tail,
    stem_kind,
    strip_stem_noise,
)
from papergen.importers.normalise import content_key, display_text
from papergen.importers.segment import Block, KeyEntry, Section, SectionKind
from papergen.importers.source import SourceText
from papergen.i18n import N_, _

__all__ = [
    "SkipReason",
    "ParseParams",
    "ParsedOption",
    "ParsedQuestion",
    "Skipped",
    "Outcome",
    "parse_block",
    "StatedAnswer",
    "read_answer",
    "find_option_run",
    "match_label",
    "make_question",
]

SkipReason = Literal["knowledge", "essay", "fill_in", "no_answer", "malformed"]
QuestionType = Literal["single", "multi", "judge"]


@dataclass(frozen=True)
class ParseParams:
    """Tunables of block parsing."""

    min_stem_chars: int = 4
    """A stem with fewer content characters than this is malformed (an OCR fragment)."""
    max_options: int = 6
    """Labels A.. up to this many are recognised (A-F)."""


@dataclass(frozen=True)
class ParsedOption:
    """An option as printed: its letter and display text."""

    label: str
    text: str


@dataclass(frozen=True)
class ParsedQuestion:
    """A question whose answer the source states.

    ``answer`` is a tuple of labels for choice questions, a bool for judge
    questions.  ``verified`` is true when the source printed the answer's
    option text beside its letter and the two agree (a key that checks itself).
    """

    type: QuestionType
    stem: str
    options: tuple[ParsedOption, ...]
    answer: tuple[str, ...] | bool
    explanation: str | None
    verified: bool
    number: int | None
    line: int
    section: Section
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A block that yields no item, with the reason and, for problems, a message."""

    reason: SkipReason
    message: str | None
    number: int | None
    line: int


Outcome = ParsedQuestion | Skipped

_LABELS = "ABCDEF"
_CHOICE = r"[A-F](?:[ \t]*[,，、]?[ \t]*[A-F])*(?![A-Za-z])"
_ESSAY_MARK = re.compile(r"(?<![A-Za-z])答[ \t]*[:：、]")
_CHOICE_ANSWER = re.compile(rf"({_CHOICE})(?:[ \t]*[.、．][ \t]*([^\n]*))?")
_JUDGE_ANSWER = re.compile(rf"({JUDGE_WORD_PATTERN})(?![\u4e00-\u9fff])")
_JUDGE_END_WORD = re.compile(rf"[(（][ \t]*({JUDGE_WORD_PATTERN})[ \t]*[)）]\s*$")
_JUDGE_END_MARK = re.compile(r"([√✓✔☑×✗✘❌✕╳])\s*$")
_JUDGE_PLACEHOLDER = re.compile(r"[(（][ \t]*(?:(?:正确|错误|对|错)[ \t]*/[ \t]*(?:正确|错误|对|错))?[ \t]*[)）]\s*$")
_STEM_ANSWER = re.compile(rf"[(（][ \t]*({_CHOICE})[ \t]*[)）]")
_BLANK = re.compile(r"[(（][ \t]*[)）]|_{2,}")
_JUDGE_WORDS = JUDGE_WORDS
_KEY_JUDGE = {"t": True, "f": False}
_BEFORE_LABEL = frozenset(" \t\n\u3000)）:：?？。.．!！;；")
_OPTION_TAIL = re.compile(r"[\s\-–•·*。;；,，]+$")
_STEM_TAIL = re.compile(r"[\s\-–•·*]+$")


def _label_pattern(label: str, bare: bool) -> re.Pattern[str]:
    """A printed option letter: ``A、`` ``A.`` ``A:`` ``A `` or (bare style) ``A`` before a Chinese character."""
    # B-F may follow an acronym directly (交易型CRMB. 客户保持型…); A may not
    before = "(?<![A-Za-z0-9])" if label == "A" else "(?<![a-z0-9])"
    styles = [
        rf"{before}{label}[ \t]*[.．:](?![\d])",
        rf"(?<![0-9]){label}[ \t]*、",
        rf"(?<![A-Za-z0-9]){label}[ \t]+(?=[^\s)）])",
    ]
    if bare:
        styles.append(rf"(?:(?<=^)|(?<=\s)){label}(?=[\u4e00-\u9fff])")
    # a letter inside brackets is an answer written into the stem, not an option
    return re.compile(rf"(?<![(（])(?<![(（][ \t])(?:{'|'.join(styles)})", re.MULTILINE)


_LABEL_FIRST = [_label_pattern(c, False) for c in _LABELS]
_LABEL_BARE = [_label_pattern(c, True) for c in _LABELS]


def find_option_run(text: str, start: int, end: int, params: ParseParams = ParseParams()) -> list[tuple[str, int, int]]:
    """The run of option letters A, B, C... in ``text[start:end]``.

    Capital letters also occur inside text (``已知A、B两个设备``, ``A. A类``):
    a letter is taken as a label only in a sequence A, B, C…, and of the
    runs found the longest wins, then one whose A stands where a label can
    (at a line start, after a space or after the stem's closing punctuation),
    then the first.

    Returns
    -------
    list of (label, label start, text start)
        Empty when no run of at least two letters exists.
    """
    best: list[tuple[str, int, int]] = []
    best_rank = (0, False)
    for first in _LABEL_BARE[0].finditer(text, start, end):
        run = _run_from(text, first, end, params)
        rank = (len(run), _label_position_fits(text, first.start(), start))
        if len(run) >= 2 and rank > best_rank:
            best, best_rank = run, rank
    return best


def _run_from(text: str, first: re.Match[str], end: int, params: ParseParams) -> list[tuple[str, int, int]]:
    """The labels B, C… that follow the A at ``first``, in the style of that A."""
    bare = not _LABEL_FIRST[0].match(text, first.start())
    patterns = _LABEL_BARE if bare else _LABEL_FIRST
    run = [("A", first.start(), first.end())]
    for k in range(1, params.max_options):
        m = patterns[k].search(text, run[-1][2] + 1, end)
        if not m or not text[run[-1][2] : m.start()].strip():
            break
        run.append((_LABELS[k], m.start(), m.end()))
    return run


def _label_position_fits(text: str, pos: int, start: int) -> bool:
    """True when the letter at ``pos`` starts a line or follows a space or closing punctuation."""
    return pos == start or text[pos - 1] in _BEFORE_LABEL


def match_label(text: str, pos: int, label: str) -> int | None:
    """End of option letter ``label`` printed exactly at ``pos`` (``A、`` ``A.`` ``A ``), else None."""
    m = _LABEL_FIRST[_LABELS.index(label)].match(text, pos)
    return m.end() if m else None


def _strip_option(text: str) -> str:
    return _OPTION_TAIL.sub("", text.strip())


def _drop_shadow_letters(texts: list[str]) -> list[str]:
    """Remove a letter every option text repeats at its start (``A、B销售环境``).

    Some sources print each option's original letter again after the new one;
    the inner letters then form a permutation of the labels.  When they
    repeat the labels in order (``A、A愿望竞争者``), they are dropped only if
    the texts stay distinct without them: in ``A. A类 B. B类`` the letters
    are the options' own text.
    """
    heads = [t[:1] for t in texts]
    labels = list(_LABELS[: len(texts)])
    if len(texts) < 2 or sorted(heads) != labels or not all(len(t) > 1 for t in texts):
        return texts
    stripped = [t[1:].lstrip() for t in texts]
    if heads != labels or len({content_key(t) for t in stripped}) == len(stripped):
        return stripped
    return texts


@dataclass(frozen=True)
class StatedAnswer:
    """What a question states about its answer.

    ``letters`` for a choice answer, ``judge`` for 对/错, ``printed_text`` the
    option text printed beside a letter, ``free_text`` an answer that is
    neither (an essay answer), ``trailing`` what follows the answer.
    """

    letters: tuple[str, ...] | None = None
    judge: bool | None = None
    printed_text: str | None = None
    free_text: str | None = None
    trailing: str = ""


def read_answer(rest: str) -> StatedAnswer:
    """The answer printed after an answer marker (``正确答案:`` / ``答案:``)."""
    m = _CHOICE_ANSWER.match(rest)
    if m:
        letters = tuple(sorted(set(re.findall("[A-F]", m.group(1)))))
        printed = (m.group(2) or "").strip() or None
        return StatedAnswer(letters=letters, printed_text=printed, trailing=rest[m.end() :].strip())
    m = _JUDGE_ANSWER.match(rest)
    if m:
        return StatedAnswer(judge=_JUDGE_WORDS[m.group(1)], trailing=rest[m.end() :].strip())
    return StatedAnswer(free_text=rest.strip() or None)


def _key_answer(entry: KeyEntry | None, kind: SectionKind) -> StatedAnswer:
    if entry is None:
        return StatedAnswer()
    token = entry.answer.strip()
    if kind == "judge":
        value = _KEY_JUDGE.get(token.lower(), _JUDGE_WORDS.get(token))
        return StatedAnswer(judge=value)
    letters = tuple(sorted(set(re.findall("[A-F]", token.upper()))))
    return StatedAnswer(letters=letters, printed_text=entry.text)


@dataclass(frozen=True)
class _Parts:
    """A block cut into its parts (offsets into the source text).

    ``answers`` are the answers stated by key markers (正确答案 / 参考答案 /
    答案 …), in order; ``own_only`` is true when the only marker is a
    candidate's own answer (我的答案 …), which is never taken as the key.
    """

    body_end: int
    answers: tuple[StatedAnswer, ...]
    explanation: str | None
    own_only: bool = False

    @property
    def answer(self) -> StatedAnswer:
        """The first stated answer (an empty one if none)."""
        return self.answers[0] if self.answers else StatedAnswer()

    @property
    def no_answer_note(self) -> str:
        """Why no key was found, for the report."""
        if self.own_only:
            return _("only the candidate's own answer (我的答案) is printed, not the right one")
        return _("no answer is given")


def _cut(src: SourceText, start: int, end: int) -> _Parts:
    """Split off the explanation (解析), the page's tails (知识点, 0.0分) and the answer markers."""
    folded = src.folded
    explanation = None
    m = EXPLANATION_MARK.search(folded, start, end)
    if m:
        text = src.text[m.end() : find_tail(folded, m.end(), end)]
        explanation = display_text(text) or None
        end = m.start()
    end = find_tail(folded, start, end)
    markers = find_answer_markers(folded, start, end)
    if not markers:
        return _Parts(end, (), explanation)
    answers = tuple(read_answer(src.text[k.text_start : k.text_end]) for k in markers if not k.own)
    return _Parts(markers[0].start, answers, explanation, own_only=not answers)


def _content_chars(text: str) -> int:
    return len(content_key(text))


def parse_block(src: SourceText, block: Block, params: ParseParams = ParseParams()) -> Outcome:
    """Parse one numbered block.

    Parameters
    ----------
    src : SourceText
        The source the block's offsets refer to.
    block : Block
        The block, with its section (kind, answer key).
    params : ParseParams, optional
        Tunables.

    Returns
    -------
    ParsedQuestion or Skipped
        Skipped blocks carry a reason; malformed and unanswered ones a message.
    """
    line = src.line_at(block.start)
    outcome = _parse_span(src, block.start, block.end, block.section, block.number, line, params)
    if isinstance(outcome, ParsedQuestion) and block.next_number is not None:
        return Skipped(
            "malformed",
            _(
                "numbering jumps from {number} to {next_number}: lines are missing, so this question may be "
                "joined to another's options").format(number=block.number, next_number=block.next_number),
            block.number,
            line,
        )
    return outcome


def _parse_span(
    src: SourceText, start: int, end: int, section: Section, number: int | None, line: int, params: ParseParams
) -> Outcome:
    parts = _cut(src, start, end)
    marked = stem_kind(src.folded[start : parts.body_end])
    if marked is not None and section.kind in ("unknown", "choice"):
        section = replace(section, kind=marked)
    kind = section.kind
    key = _key_answer(section.key.get(number) if number is not None else None, kind)
    run = find_option_run(src.folded, start, parts.body_end, params)
    if run:
        if kind in ("essay", "fill"):
            return Skipped("essay" if kind == "essay" else "fill_in", None, number, line)
        return _choice(src, start, parts, run, section, key, number, line, params)
    return _no_options(src, start, parts, section, key, number, line, params)


def _skip(reason: SkipReason, message: str | None, number: int | None, line: int) -> Skipped:
    return Skipped(reason, message, number, line)


# ---------------------------------------------------------------- choice questions


def _options(src: SourceText, run: list[tuple[str, int, int]], end: int) -> list[ParsedOption]:
    texts = []
    for k, (_, _, text_start) in enumerate(run):
        stop = run[k + 1][1] if k + 1 < len(run) else end
        texts.append(_strip_option(src.text[text_start:stop]))
    texts = _drop_shadow_letters(texts)
    return [ParsedOption(label, display_text(text)) for (label, _, _), text in zip(run, texts, strict=True)]


def _choice(
    src: SourceText,
    start: int,
    parts: _Parts,
    run: list[tuple[str, int, int]],
    section: Section,
    key: StatedAnswer,
    number: int | None,
    line: int,
    params: ParseParams,
) -> Outcome:
    options = _options(src, run, parts.body_end)
    stem_raw = src.text[start : run[0][1]]
    stem_answer = _STEM_ANSWER.search(src.folded, start, run[0][1])
    if stem_answer:
        stem_raw = src.text[start : stem_answer.start()] + "( )" + src.text[stem_answer.end() : run[0][1]]
    stem = display_text(_STEM_TAIL.sub("", strip_stem_noise(stem_raw)))
    if _content_chars(stem) < params.min_stem_chars:
        return _skip("malformed", _("the stem is missing or too short ({stem!r})").format(stem=stem), number, line)
    if any(not o.text for o in options):
        return _skip("malformed", _("an option has no text"), number, line)
    if any(a.trailing and find_option_run(a.trailing, 0, len(a.trailing)) for a in parts.answers):
        return _skip("malformed", _("a second set of options follows the answer: two questions ran together"), number, line)
    truth = _judge_option_values(options)
    if truth is not None and section.kind not in ("single", "multi"):
        return _judge_by_options(stem, truth, parts, key, number, line, section)
    return make_question(
        options=options,
        stem=stem,
        sources=_choice_sources(parts.answers, stem_answer, key),
        section=section,
        explanation=parts.explanation,
        number=number,
        line=line,
        stray_answer=parts.answer,
        no_answer_note=parts.no_answer_note,
    )


def _judge_option_values(options: list[ParsedOption]) -> dict[str, bool] | None:
    """Label → truth when the two options are 对 / 错 (正确 / 错误, √ / ×): a true/false item printed as a choice."""
    values = {o.label: JUDGE_WORDS.get(o.text) for o in options}
    if len(values) != 2 or set(values.values()) != {True, False}:
        return None
    return values  # type: ignore[return-value]


def _judge_by_options(
    stem: str, truth: dict[str, bool], parts: _Parts, key: StatedAnswer, number: int | None, line: int, section: Section
) -> Outcome:
    """A true/false item whose 对 / 错 were printed as options A / B; the answer is a letter or a word."""
    values = []
    for stated in (*parts.answers, key):
        if stated.judge is not None:
            values.append(stated.judge)
        elif stated.letters:
            if len(stated.letters) != 1 or stated.letters[0] not in truth:
                return _skip("malformed", _("true/false answer {letters} names no option 对/错").format(
                        letters=', '.join(stated.letters)), number, line)
            values.append(truth[stated.letters[0]])
    if not values:
        return _skip("no_answer", parts.no_answer_note, number, line)
    if len(set(values)) > 1:
        return _skip("malformed", _("the source marks this statement both true and false"), number, line)
    judge_section = replace(section, kind="judge")
    return ParsedQuestion("judge", stem, (), values[0], parts.explanation, False, number, line, judge_section)


def _choice_sources(inline: tuple[StatedAnswer, ...], stem_answer: re.Match[str] | None, key: StatedAnswer) -> list[StatedAnswer]:
    sources = [answer for answer in inline if answer.letters]
    if stem_answer:
        sources.append(StatedAnswer(letters=tuple(sorted(set(re.findall("[A-F]", stem_answer.group(1)))))))
    if key.letters:
        sources.append(key)
    return sources


def _labels_text(labels: tuple[str, ...]) -> str:
    return ", ".join(labels)


def make_question(
    *,
    options: list[ParsedOption],
    stem: str,
    sources: list[StatedAnswer],
    section: Section,
    explanation: str | None,
    number: int | None,
    line: int,
    stray_answer: StatedAnswer = StatedAnswer(),
    no_answer_note: str = N_("no answer is given"),
) -> Outcome:
    """A choice question from its parts, or why it cannot be one.

    ``sources`` are the places the source states the answer; they must agree,
    name existing options and (where printed) match the option text.
    """
    if not sources:
        if stray_answer.judge is not None or stray_answer.free_text:
            got = "对/错" if stray_answer.judge is not None else stray_answer.free_text
            return _skip("malformed", _("the answer is not an option letter (got {got!r})").format(got=got), number, line)
        return _skip("no_answer", _(no_answer_note), number, line)
    answers = {s.letters for s in sources}
    if len(answers) > 1:
        shown = " vs ".join(_labels_text(a or ()) for a in sorted(answers, key=str))
        return _skip("malformed", _("the source gives conflicting answers ({shown})").format(shown=shown), number, line)
    letters = sources[0].letters or ()
    labels = tuple(o.label for o in options)
    absent = [a for a in letters if a not in labels]
    if absent:
        return _skip(
            "malformed",
            _("answer {absent} is not among the options ({labels})").format(
                    absent=_labels_text(tuple(absent)), labels=_labels_text(labels)),
            number,
            line,
        )
    verified, mismatch = _check_printed(sources, options)
    if mismatch:
        return _skip("malformed", mismatch, number, line)
    qtype = _choice_type(section.kind, len(letters))
    if isinstance(qtype, Skipped):
        return _skip(qtype.reason, qtype.message, number, line)
    return ParsedQuestion(qtype, stem, tuple(options), letters, explanation, verified, number, line, section)


def _check_printed(sources: list[StatedAnswer], options: list[ParsedOption]) -> tuple[bool, str | None]:
    """Whether printed answer texts match the options they name (single-letter answers only)."""
    by_label = {o.label: o.text for o in options}
    verified = False
    for source in sources:
        if not source.printed_text or not source.letters or len(source.letters) != 1:
            continue
        printed, actual = content_key(source.printed_text), content_key(by_label[source.letters[0]])
        if printed and (printed == actual or (len(printed) >= 2 and (printed in actual or actual in printed))):
            verified = True
        else:
            return False, (
                _("the answer reads {letter} ({printed}) but option {letter} is {text!r}").format(
                    letter=source.letters[0], printed=source.printed_text, text=by_label[source.letters[0]])
            )
    return verified, None


def _choice_type(kind: SectionKind, count: int) -> QuestionType | Skipped:
    if kind == "single" and count != 1:
        return Skipped("malformed", _("{count} answers in a single-choice section").format(count=count), None, 0)
    if kind == "multi" and count < 2:
        return Skipped("malformed", _("one answer in a multiple-choice section"), None, 0)
    return "single" if count == 1 else "multi"


# ---------------------------------------------------------------- statements without options


def _no_options(
    src: SourceText, start: int, parts: _Parts, section: Section, key: StatedAnswer, number: int | None, line: int, params: ParseParams
) -> Outcome:
    kind = section.kind
    body = src.folded[start : parts.body_end]
    if kind == "essay" or (kind == "unknown" and (any(a.free_text for a in parts.answers) or _ESSAY_MARK.search(body))):
        return _skip("essay", None, number, line)
    if kind == "fill":
        return _skip("fill_in", None, number, line)
    if kind in ("judge", "unknown"):
        return _judge(src, start, parts, section, key, number, line, params)
    if _BLANK.search(body) or _STEM_ANSWER.search(body):
        return _skip("malformed", _("the options are missing"), number, line)
    return _skip("knowledge", None, number, line)


def _judge(
    src: SourceText, start: int, parts: _Parts, section: Section, key: StatedAnswer, number: int | None, line: int, params: ParseParams
) -> Outcome:
    end = parts.body_end
    body = src.folded[start:end]
    values, statement_end = [], end
    m = _JUDGE_END_WORD.search(body) or (_JUDGE_END_MARK.search(body) if section.kind == "judge" else None)
    if m:
        values.append(_JUDGE_WORDS[m.group(1)])
        statement_end = start + m.start()
    else:
        placeholder = _JUDGE_PLACEHOLDER.search(body)
        statement_end = start + placeholder.start() if placeholder else end
    values += [a.judge for a in (*parts.answers, key) if a.judge is not None]
    statement = display_text(strip_stem_noise(src.text[start:statement_end]))
    if section.kind == "unknown" and not values:
        has_blank = _BLANK.search(body[: statement_end - start])
        return _skip("fill_in" if has_blank else "knowledge", None, number, line)
    if _content_chars(statement) < params.min_stem_chars:
        return _skip("malformed", _("the statement is missing or too short ({statement!r})").format(
                statement=statement), number, line)
    if not values:
        return _skip("no_answer", parts.no_answer_note, number, line)
    if len(set(values)) > 1:
        return _skip("malformed", _("the source marks this statement both true and false"), number, line)
    if any(a.letters for a in parts.answers):
        return _skip("malformed", _("a true/false statement with an option-letter answer"), number, line)
    return ParsedQuestion("judge", statement, (), values[0], parts.explanation, False, number, line, section)
