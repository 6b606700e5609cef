"""Splitting a source into documents, sections and question blocks.

Exam material collected from several places arrives as one file: documents
follow each other (a title line, often repeated at the start of the next
line), each with numbered sections (``一、单选题（共109题）``) of numbered
questions whose lines may run together (``…正确答案:A2.客户关系…``).

- A *document* starts at a title line: a short line that the next non-blank
  line repeats, or that a blank line follows.
- A *section* starts at a heading ``<一…十>、<name>``; the name decides the
  kind (:data:`SECTION_NAMES`).  A heading's parenthetical remarks
  (``(每题2分,共20分)``) belong to the heading.
- A *block* is one numbered question: from its number to the next number.
  Numbers are searched in sequence (after 7 comes 8), so numbers inside the
  text rarely split a question; when the next number found is not the
  successor (lines are missing from the source) the block is marked with the
  gap and later left out.  A new ``1`` at a line start without a heading
  starts a new section of unknown kind.
- An *answer key* printed after the questions (``答案 一、选择题 1. D ...``,
  ``参考答案: 1.A 2.B``) is cut off and matched to the sections by ordinal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from papergen.importers.markers import find_answer_markers
from papergen.importers.normalise import fold_vocabulary
from papergen.importers.source import SourceText

__all__ = [
    "SectionKind",
    "SECTION_NAMES",
    "SegmentParams",
    "Document",
    "Section",
    "KeyEntry",
    "Block",
    "split_documents",
    "split_sections",
    "split_blocks",
    "segment_source",
]

SectionKind = Literal["single", "multi", "choice", "judge", "fill", "essay", "unknown"]

SECTION_NAMES: tuple[tuple[str, SectionKind], ...] = (
    ("单项选择题", "single"), ("单选题", "single"), ("单项选择", "single"), ("单选", "single"),
    ("多项选择题", "multi"), ("多选题", "multi"), ("多项选择", "multi"), ("多选", "multi"),
    ("不定项选择题", "choice"), ("选择填空题", "choice"), ("选择题", "choice"),
    ("判断改正题", "judge"), ("判断题", "judge"), ("判定题", "judge"), ("是非题", "judge"),
    ("填空题", "fill"),
    ("名词解释", "essay"), ("简答题", "essay"), ("论述题", "essay"), ("案例分析题", "essay"),
    ("案例解答题", "essay"), ("案例题", "essay"), ("计算与填图", "essay"), ("计算题", "essay"),
    ("综合题", "essay"), ("简要说明", "essay"), ("技能题", "essay"), ("问答题", "essay"),
)
"""Heading names and the kind of question they announce (longest names matched first)."""


@dataclass(frozen=True)
class SegmentParams:
    """Tunables of segmentation."""

    max_title_chars: int = 40
    """A title line is at most this long."""
    title_prefix_share: float = 0.8
    """A following line repeats a title when it starts with this share of the title's characters."""
    max_number_gap: int = 20
    """The next question number is searched up to this far past the current one."""
    max_heading_remark_chars: int = 80
    """Longest parenthetical remark that still belongs to a heading."""


@dataclass(frozen=True)
class Document:
    """One document of a source file: its title and the span of its body in the text."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class KeyEntry:
    """One answer from an answer key printed apart from the questions.

    ``answer`` is the raw token (``"D"``, ``"acd"``, ``"错误"``, ``"f"``);
    ``text`` is the option text printed beside the letter, if any.
    """

    answer: str
    text: str | None
    offset: int


@dataclass(frozen=True)
class Section:
    """A run of questions of one kind, after its heading.

    ``heading`` is the ordinal and name (``一、单选题``) without remarks;
    ``key`` maps printed question numbers to answers from an answer key.
    """

    kind: SectionKind
    heading: str | None
    ordinal: str | None
    start: int
    end: int
    key: dict[int, KeyEntry] = field(default_factory=dict)


@dataclass(frozen=True)
class Block:
    """One numbered (or unnumbered) question block; ``start``/``end`` span its text after the number.

    ``next_number`` is the number of the block that follows when it is not
    ``number + 1`` (a gap: lines are missing between them).
    """

    number: int | None
    start: int
    end: int
    section: Section
    next_number: int | None = None


_ORDINAL = "(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_NAMES = "|".join(re.escape(n) for n, _ in sorted(SECTION_NAMES, key=lambda p: -len(p[0])))
_KIND = dict(SECTION_NAMES)
_NUMBER = re.compile(r"(?<![\d.])(\d{1,5})\s*(?:、|[.．](?![\d.]))|(?:^|(?<=[)）]))[ \t]*(\d{1,5})[ \t]+(?=[^\d\s])", re.MULTILINE)
_RESTART_BEFORE = frozenset("\n。?!)）")
_NOT_TITLE = re.compile(r"\d+[ \t]*[、.．]|[A-F][ \t]*[、.．:]|[(（]|.*[A-F][ \t]*[、.．][^A-F]*[B-F][ \t]*[、.．]")
"""Lines that are never a title: a question number, an option, a bracketed mark, an option run."""
_DOC_KEY = re.compile(rf"^[ \t]*(?:参考)?答案[ \t]*[:：]?\s*(?={_ORDINAL}\s*[、.．])", re.MULTILINE)
_SECTION_KEY = re.compile(
    r"^[ \t]*(?:参考)?答案[ \t]*[:：]?\s*(?=1\s*[.、．]?\s*(?:[A-Fa-f]|对|错|正确|错误|√|×))", re.MULTILINE
)
_JUDGE_TOKEN = r"正确|错误|对|错|√|×|[TtFf](?![A-Za-z])"
_CHOICE_TOKEN = r"[A-Fa-f](?:[ \t]*[,，、]?[ \t]*[A-Fa-f])*(?![A-Za-z])"


def _heading_pattern(params: SegmentParams) -> re.Pattern[str]:
    remark = rf"(?:\s*[:：])?(?:\s*[(（][^()（）]{{0,{params.max_heading_remark_chars}}}[)）])*(?:[ \t]*[:：])?"
    return re.compile(rf"({_ORDINAL})\s*[、.．]\s*({_NAMES})(?:[ \t]*\d*题)?{remark}")


# ---------------------------------------------------------------- documents


def _is_title(line: str, following: str | None, blank_follows: bool, params: SegmentParams) -> bool:
    """A short line without sentence punctuation that a blank line follows or the next line repeats."""
    if not line or len(line) > params.max_title_chars or line[-1] in "。?？:：;；,，":
        return False
    if _heading_pattern(params).search(fold_vocabulary(line)) or _NOT_TITLE.match(line):
        return False
    if find_answer_markers(fold_vocabulary(line), 0, len(line)):
        return False
    if blank_follows:
        return True
    if following is None:
        return False
    need = max(2, int(len(line) * params.title_prefix_share))
    return len(following) > need and following[:need] == line[:need] and len(following) >= len(line)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def split_documents(src: SourceText, params: SegmentParams = SegmentParams()) -> list[Document]:
    """The documents of a source file, in order; text before the first title is a document too."""
    lines = src.lines()
    titles: list[tuple[int, str, int]] = []  # (line index, title, body start offset)
    for i, line in enumerate(lines):
        j = i + 1
        while j < len(lines) and not lines[j]:
            j += 1
        following = lines[j] if j < len(lines) else None
        if _is_title(line, following, j > i + 1, params):
            repeat = _common_prefix(line, following or "") if following else 0
            body_line = j if j < len(lines) else i + 1
            skip = repeat if repeat >= max(2, int(len(line) * params.title_prefix_share)) else 0
            start = src.line_starts[body_line] + skip if body_line < len(lines) else len(src.text)
            titles.append((i, line, start))
    docs = []
    if not titles or titles[0][0] > 0:
        first_end = src.line_starts[titles[0][0]] if titles else len(src.text)
        docs.append(Document("", 0, first_end))
    for k, (_, title, start) in enumerate(titles):
        end = src.line_starts[titles[k + 1][0]] if k + 1 < len(titles) else len(src.text)
        docs.append(Document(title, min(start, end), end))
    return docs


# ---------------------------------------------------------------- sections


def _headings(src: SourceText, start: int, end: int, params: SegmentParams) -> list[re.Match[str]]:
    return list(_heading_pattern(params).finditer(src.folded, start, end))


def split_sections(
    src: SourceText, start: int, end: int, params: SegmentParams = SegmentParams()
) -> list[Section]:
    """The sections between ``start`` and ``end``; text before the first heading is an unknown section."""
    matches = _headings(src, start, end, params)
    sections = []
    if not matches or matches[0].start() > start:
        lead_end = matches[0].start() if matches else end
        sections.append(Section("unknown", None, None, start, lead_end))
    for k, m in enumerate(matches):
        stop = matches[k + 1].start() if k + 1 < len(matches) else end
        heading = f"{m.group(1)}、{m.group(2)}"
        sections.append(Section(_KIND[m.group(2)], heading, m.group(1), m.end(), stop))
    return [s for s in sections if s.end > s.start or s.heading]


# ---------------------------------------------------------------- answer keys


def _key_entries(src: SourceText, start: int, end: int, kind: SectionKind) -> dict[int, KeyEntry]:
    """Numbered answers ``1.A 2.B`` / ``1acd 2b`` / ``1. 错误`` / ``1f 2t`` in sequence."""
    token = _JUDGE_TOKEN if kind == "judge" else _CHOICE_TOKEN
    entries: dict[int, KeyEntry] = {}
    pos, n = start, 1
    while True:
        pattern = re.compile(rf"(?<!\d){n}[ \t]*[.、．]?[ \t]*({token})")
        m = pattern.search(src.folded, pos, end)
        if not m:
            break
        if entries:
            previous = entries[n - 1]
            text = src.text[previous.offset : m.start()]
            entries[n - 1] = replace(previous, text=_printed_key_text(text))
        entries[n] = KeyEntry(m.group(1), None, m.end())
        pos, n = m.end(), n + 1
    if entries:
        last = entries[n - 1]
        entries[n - 1] = replace(last, text=_printed_key_text(src.text[last.offset : end]))
    return entries


def _printed_key_text(rest: str) -> str | None:
    """The option text printed after a key letter (``D. 以上都是``), if any."""
    m = re.match(r"[ \t]*[.、．][ \t]*([^\n]+)", rest)
    return m.group(1).strip() if m else None


def _attach_key(sections: list[Section], key_sections: list[Section], src: SourceText) -> list[Section]:
    """Give each question section the answers of the key section with the same ordinal."""
    out = list(sections)
    for key_section in key_sections:
        if key_section.kind in ("essay", "fill", "unknown"):
            continue
        for i in range(len(out) - 1, -1, -1):
            if out[i].ordinal == key_section.ordinal and out[i].ordinal is not None:
                entries = _key_entries(src, key_section.start, key_section.end, key_section.kind)
                out[i] = replace(out[i], key=entries)
                break
    return out


def _sections_with_keys(src: SourceText, doc: Document, params: SegmentParams) -> list[Section]:
    """Sections of a document with printed answer keys matched to them."""
    doc_key = _DOC_KEY.search(src.folded, doc.start, doc.end)
    q_end = doc_key.start() if doc_key else doc.end
    sections = []
    for section in split_sections(src, doc.start, q_end, params):
        local = _SECTION_KEY.search(src.folded, section.start, section.end)
        if local:
            entries = _key_entries(src, local.end(), section.end, section.kind)
            section = replace(section, end=local.start(), key=entries)
        sections.append(section)
    if doc_key:
        key_sections = split_sections(src, doc_key.end(), doc.end, params)
        sections = _attach_key(sections, key_sections, src)
    return sections


# ---------------------------------------------------------------- blocks


def _numbers(src: SourceText, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(value, token start, token end) of every number token in the span."""
    for m in _NUMBER.finditer(src.folded, start, end):
        value = m.group(1) or m.group(2)
        yield int(value), m.start(), m.end()


def _is_restart(src: SourceText, token_start: int, section_start: int) -> bool:
    """A ``1`` that starts a line or follows a sentence end begins a new run of questions."""
    before = src.folded[token_start - 1] if token_start > section_start else "\n"
    return before in _RESTART_BEFORE


def _opens_section(src: SourceText, token_start: int, section_start: int) -> bool:
    """A number right after the heading (spaces aside) or at a line start opens the run."""
    return not src.folded[section_start:token_start].strip() or _is_restart(src, token_start, section_start)


def _number_tokens(src: SourceText, section: Section, params: SegmentParams) -> list[tuple[int, int, int]]:
    """The question-number tokens of a section, taken in sequence; restarts at 1 are kept."""
    tokens = list(_numbers(src, section.start, section.end))
    chosen: list[tuple[int, int, int]] = []
    first = next((t for t in tokens if _opens_section(src, t[1], section.start)), None)
    first = first or next((t for t in tokens if t[0] == 1), None)
    if first is None:
        return []
    chosen.append(first)
    while True:
        value, _, after = chosen[-1]
        wanted = range(value + 1, value + params.max_number_gap + 1)
        nxt = next(
            (t for t in tokens if t[1] >= after and (t[0] in wanted or (t[0] == 1 and value > 1 and _is_restart(src, t[1], section.start)))),
            None,
        )
        if nxt is None:
            return chosen
        chosen.append(nxt)


def split_blocks(src: SourceText, section: Section, params: SegmentParams = SegmentParams()) -> tuple[list[Block], int]:
    """Numbered blocks of a section, and the offset where the first block starts (the lead ends).

    Numbering that restarts at 1 without a heading means a heading is
    missing: the blocks from there on belong to a section of unknown kind
    with no answer key.
    """
    tokens = _number_tokens(src, section, params)
    blocks: list[Block] = []
    current = section
    for k, (value, token_start, token_end) in enumerate(tokens):
        end = tokens[k + 1][1] if k + 1 < len(tokens) else section.end
        if k and value == 1 and tokens[k - 1][0] > 1:
            current = Section("unknown", None, None, token_start, section.end)
        nxt = tokens[k + 1][0] if k + 1 < len(tokens) else None
        gap = nxt if nxt is not None and nxt != value + 1 and nxt != 1 else None
        blocks.append(Block(value, token_end, end, current, gap))
    lead_end = tokens[0][1] if tokens else section.end
    return blocks, lead_end


def segment_source(src: SourceText, params: SegmentParams = SegmentParams()) -> list[tuple[Document, list[Section]]]:
    """Documents of a source with their sections (answer keys attached)."""
    return [(doc, _sections_with_keys(src, doc, params)) for doc in split_documents(src, params)]
