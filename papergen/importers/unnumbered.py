"""Questions without printed numbers.

Two layouts occur:

- *questionnaire exports*: ``stem [单选题] *1、opt(正确答案)2、opt3、opt`` with
  options numbered 1、2、3… and the right ones marked ``(正确答案)``; the type
  marker may be missing (then one marked option means single choice, several
  multiple choice).  Lines run together, so the last option of a question is
  often followed directly by the next stem.  The last option then ends at a
  line break or its ``(正确答案)`` mark; failing both, it is taken to be as
  long as the longest of its sibling options (stretched over trailing digits,
  ``%`` and Latin letters) and a warning asks for a check.
- *line lists*: a stem line followed by one line per option ``A. …``, an
  answer line optional.
"""

from __future__ import annotations

import re
from dataclasses import replace

from papergen.importers.markers import find_answer_markers, find_tail, strip_stem_noise
from papergen.importers.normalise import display_text
from papergen.importers.parse import (
    Outcome,
    ParsedOption,
    ParsedQuestion,
    ParseParams,
    Skipped,
    StatedAnswer,
    make_question,
    match_label,
    read_answer,
)
from papergen.importers.segment import Section
from papergen.importers.source import SourceText
from papergen.i18n import _

__all__ = ["is_questionnaire", "parse_questionnaire", "parse_line_lists"]

_LABELS = "ABCDEF"
_RUN_START = re.compile(r"(?:\[(单选题|多选题)\][ \t]*)?\*[ \t]*(?=1[ \t]*[、.．])")
_CORRECT = re.compile(r"[(（]正确答案[)）]")
_STRETCH = re.compile(r"[0-9%A-Za-z.]*")
_SLACK_CHARS = 2
"""A last option up to this much longer than its longest sibling is taken whole."""
_TYPE_KIND = {"单选题": "single", "多选题": "multi"}


def is_questionnaire(src: SourceText, section: Section) -> bool:
    """True when the section holds questionnaire-style option runs (``*1、…``)."""
    return _RUN_START.search(src.folded, section.start, section.end) is not None


def _option_starts(src: SourceText, start: int, end: int, params: ParseParams) -> list[tuple[int, int]]:
    """(label start, text start) of the options 1、2、3… after a run start."""
    found: list[tuple[int, int]] = []
    pos = start
    for k in range(1, params.max_options + 1):
        m = re.compile(rf"(?<!\d){k}[ \t]*[、.．]").search(src.folded, pos, end)
        if not m or (found and not src.folded[found[-1][1] : m.start()].strip()):
            break
        if not found and src.folded[pos : m.start()].strip():
            break
        found.append((m.start(), m.end()))
        pos = m.end() + 1
    return found


def _last_option_end(src: SourceText, text_start: int, end: int, siblings: list[str]) -> tuple[int, bool]:
    """Where the last option of a run ends, and whether that end is an estimate.

    The option ends at its ``(正确答案)`` mark; else at the line break when the
    next stem starts on the next line; else, when the line is clearly longer
    than its siblings, after the siblings' longest length (an estimate).
    """
    mark = _CORRECT.search(src.folded, text_start, end)
    newline = src.text.find("\n", text_start, end)
    line_end = newline if newline >= 0 else end
    if mark and mark.start() < line_end:
        return mark.end(), False
    if newline >= 0 and src.text[newline:end].strip():
        return newline, False
    longest = max((len(s) for s in siblings), default=0)
    if not longest or len(src.text[text_start:line_end].strip()) <= longest + _SLACK_CHARS:
        return line_end, False
    stretched = _STRETCH.match(src.text, text_start + longest).end()
    return min(stretched, line_end), True


def _run_options(src: SourceText, starts: list[tuple[int, int]], end: int) -> tuple[list[tuple[str, bool]], int, bool]:
    """Option texts with their correct-marks, the run's end, and whether that end is estimated."""
    raw = [src.text[starts[k][1] : starts[k + 1][0]] for k in range(len(starts) - 1)]
    siblings = [_CORRECT.sub("", r).strip() for r in raw]
    last_end, estimated = _last_option_end(src, starts[-1][1], end, siblings)
    raw.append(src.text[starts[-1][1] : last_end])
    options = [(display_text(_CORRECT.sub("", r)), bool(_CORRECT.search(r))) for r in raw]
    return options, last_end, estimated


def parse_questionnaire(src: SourceText, section: Section, params: ParseParams = ParseParams()) -> list[Outcome]:
    """Every question of a questionnaire-style section, plus a skip for trailing text without options."""
    outcomes: list[Outcome] = []
    runs = list(_RUN_START.finditer(src.folded, section.start, section.end))
    stem_start = section.start
    for k, run in enumerate(runs):
        end = runs[k + 1].start() if k + 1 < len(runs) else section.end
        line = src.line_at(stem_start if src.text[stem_start:run.start()].strip() else run.start())
        starts = _option_starts(src, run.end(), end, params)
        if len(starts) < 2:
            outcomes.append(Skipped("malformed", _("fewer than two options after the '*' mark"), None, line))
            stem_start = run.end()
            continue
        options, run_end, estimated = _run_options(src, starts, end)
        kind = _TYPE_KIND.get(run.group(1) or "", "choice")
        outcomes.append(_question(src, stem_start, run.start(), options, replace(section, kind=kind), line, estimated, params))
        stem_start = run_end
    tail = display_text(src.text[stem_start : section.end])
    if runs and tail:
        outcomes.append(Skipped("malformed", _("a question without options ({tail}…)").format(tail=tail[:30]), None, src.line_at(stem_start)))
    return outcomes


def _question(
    src: SourceText,
    stem_start: int,
    stem_end: int,
    options: list[tuple[str, bool]],
    section: Section,
    line: int,
    estimated: bool,
    params: ParseParams,
) -> Outcome:
    stem = display_text(src.text[stem_start:stem_end])
    if len(stem) < params.min_stem_chars:
        return Skipped("malformed", _("the stem is missing or too short ({stem!r})").format(stem=stem), None, line)
    if any(not text for text, _ in options):
        return Skipped("malformed", _("an option has no text"), None, line)
    letters = tuple(_LABELS[i] for i, (_, right) in enumerate(options) if right)
    parsed = [ParsedOption(_LABELS[i], text) for i, (text, _) in enumerate(options)]
    sources = [StatedAnswer(letters=letters)] if letters else []
    outcome = make_question(
        options=parsed, stem=stem, sources=sources, section=section, explanation=None, number=None, line=line
    )
    if estimated and isinstance(outcome, ParsedQuestion):
        note = _("option {label} runs into the next question; its end was estimated ({text!r})").format(
                label=parsed[-1].label, text=parsed[-1].text)
        outcome = replace(outcome, warnings=outcome.warnings + (note,))
    return outcome


# ---------------------------------------------------------------- line lists


def parse_line_lists(src: SourceText, section: Section, start: int, end: int, params: ParseParams = ParseParams()) -> list[Outcome]:
    """Questions laid out one option per line in ``[start, end)``; every other non-empty line is skipped as knowledge."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", src.text[start:end])]
    lines = [(start + a, start + b) for a, b in lines]
    outcomes: list[Outcome] = []
    i = 0
    while i < len(lines):
        took = _line_question(src, section, lines, i, params)
        if took is None:
            outcomes.append(Skipped("knowledge", None, None, src.line_at(lines[i][0])))
            i += 1
            continue
        outcome, used = took
        outcomes.append(outcome)
        i += used
    return outcomes


def _line_question(
    src: SourceText, section: Section, lines: list[tuple[int, int]], i: int, params: ParseParams
) -> tuple[Outcome, int] | None:
    """A stem line i followed by option lines A, B, C…; None when line i does not start one."""
    labels: list[tuple[int, int]] = []
    j = i + 1
    while j < len(lines) and len(labels) < params.max_options:
        a, b = lines[j]
        text_start = match_label(src.folded, a, _LABELS[len(labels)])
        if text_start is None:
            break
        labels.append((text_start, b))
        j += 1
    if len(labels) < 2 or match_label(src.folded, lines[i][0], "A") is not None:
        return None
    options = [ParsedOption(_LABELS[k], display_text(src.text[a:b])) for k, (a, b) in enumerate(labels)]
    answers, own, answer_lines = _answer_lines(src, lines, j)
    stem = display_text(strip_stem_noise(src.text[lines[i][0] : lines[i][1]]))
    line = src.line_at(lines[i][0])
    note = _("only the candidate's own answer (我的答案) is printed, not the right one") if own and not answers else _("no answer is given")
    outcome = make_question(
        options=options, stem=stem, sources=[a for a in answers if a.letters], section=section, explanation=None,
        number=None, line=line, stray_answer=answers[0] if answers else StatedAnswer(), no_answer_note=note,
    )
    return outcome, j - i + answer_lines


def _answer_lines(src: SourceText, lines: list[tuple[int, int]], j: int) -> tuple[list[StatedAnswer], bool, int]:
    """Answers stated on the lines from ``j`` on, whether a candidate's own answer was among them, lines used.

    Lines that start with an answer marker (正确答案: / 我的答案: …) and the
    page's tails after them (``0.0分``, 知识点:) belong to the question.
    """
    answers, own, used = [], False, 0
    while j + used < len(lines):
        a, b = lines[j + used]
        markers = find_answer_markers(src.folded, a, b)
        if markers and markers[0].start == a:
            own = own or any(m.own for m in markers)
            answers += [read_answer(src.text[m.text_start : m.text_end]) for m in markers if not m.own]
        elif not (answers or own) or find_tail(src.folded, a, b) != a:
            break
        used += 1
    return answers, own, used
