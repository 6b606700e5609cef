"""GIFT, Moodle's plain-text question format: read and write.

Questions are separated by blank lines; ``//`` starts a comment line and
``$CATEGORY: path`` sets the category of the questions after it.  A
question is ``::title::text{answers}``; text after the answer block makes
the block a blank in the stem (written ``（　）``).  Answer blocks read:

- ``{=right ~wrong ~wrong}``: single choice;
- ``{~%50%right ~%50%right ~%-100%wrong}``: multiple choice (positive weights are right);
- ``{T}`` / ``{TRUE}`` / ``{F}`` / ``{FALSE}``: true/false;
- ``####text`` inside a block: the general feedback, kept as the explanation;
- short answer (only ``=`` answers), matching (``->``), numerical (``#``) and
  essay (``{}``) questions are skipped as essay.

``\\~ \\= \\# \\{ \\} \\:`` are the literal characters.  A papergen export
puts each item's id and difficulty in Moodle's ``// [id:…] [tag:difficulty:…]``
comment before the question, so they survive a round trip; the topic rides
on ``$CATEGORY``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from papergen.bank.model import Bank, Item
from papergen.importers.records import Origin, Record, choice_record, judge_record, skipped_record

__all__ = ["looks_like_gift", "gift_records", "write_gift"]

_LABELS = "ABCDEF"
_SPECIAL = "~=#{}:"
_BLOCK_HINT = re.compile(r"(?<!\\)\{\s*(?:[=~]|(?:T|TRUE|F|FALSE)\s*(?:[}#])|\})", re.IGNORECASE)
_TITLE = re.compile(r"^::(.*?)(?<!\\)::")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]")
_META_ID = re.compile(r"\[id:([^\]]+)\]")
_META_TAG = re.compile(r"\[tag:([^\]]+)\]")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE = {"t": True, "true": True, "f": False, "false": False}


def looks_like_gift(text: str) -> bool:
    """True when the text holds GIFT answer blocks (``{=…~…}``, ``{T}``, ``{}``)."""
    return len(_BLOCK_HINT.findall(text)) >= 1 and ("::" in text or text.count("{") >= 2 or "$CATEGORY" in text)


def _unescape(text: str) -> str:
    return re.sub(r"\\([~=#{}:n\\])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _split_unescaped(text: str, marks: str) -> list[tuple[str, str]]:
    """``text`` cut before each unescaped character of ``marks``: (mark, piece)."""
    parts: list[tuple[str, str]] = []
    mark, start, i = "", 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in marks:
            parts.append((mark, text[start:i]))
            mark, start = text[i], i + 1
        i += 1
    parts.append((mark, text[start:]))
    return parts


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


@dataclass(frozen=True)
class _Chunk:
    """One question's text, the line it starts on, its category and the comment lines before it."""

    text: str
    line: int
    category: str
    comments: str


def _chunks(text: str) -> Iterator[_Chunk]:
    category, lines, comments, start = "", [], [], 0
    for number, line in enumerate(text.splitlines() + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        if stripped.startswith("$CATEGORY:"):
            category = stripped.removeprefix("$CATEGORY:").strip()
            continue
        if stripped:
            start = start or number
            lines.append(line)
            continue
        if lines:
            yield _Chunk("\n".join(lines), start, category, " ".join(comments))
        lines, comments, start = [], [], 0


def _answers(block: str) -> tuple[list[tuple[str, float | None, str]], str | None]:
    """(mark, weight, text) of each answer, and the general feedback (``####``)."""
    general = None
    cut = block.find("####")
    if cut >= 0:
        general, block = _unescape(block[cut + 4 :]).strip(), block[:cut]
    answers = []
    for mark, piece in _split_unescaped(block, "=~"):
        if not mark:
            continue
        piece = _split_unescaped(piece, "#")[0][1].strip()  # drop the answer's feedback
        weight = _WEIGHT.match(piece)
        value = float(weight.group(1)) if weight else None
        answers.append((mark, value, _unescape(piece[weight.end() :] if weight else piece).strip()))
    return answers, general


def _kept(chunk: _Chunk) -> dict[str, str]:
    kept = {"topic": chunk.category} if chunk.category else {}
    found = _META_ID.search(chunk.comments)
    if found:
        kept["id"] = found.group(1).strip()
    for tag in _META_TAG.findall(chunk.comments):
        if tag.startswith("difficulty:"):
            kept["difficulty"] = tag.removeprefix("difficulty:")
    return kept


def _record(chunk: _Chunk, number: str) -> Record:
    text = chunk.text.strip()
    title = _TITLE.match(text)
    text = text[title.end() :].lstrip() if title else text
    text = text[_FORMAT.match(text).end() :] if _FORMAT.match(text) else text
    open_at = _find_unescaped(text, "{")
    close_at = _find_unescaped(text, "}", open_at + 1) if open_at >= 0 else -1
    if open_at < 0 or close_at < 0:
        return skipped_record("knowledge", None, number, chunk.line)
    before, block, after = text[:open_at].strip(), text[open_at + 1 : close_at].strip(), text[close_at + 1 :].strip()
    stem = _unescape(before + ("（\u3000）" + after if after else ""))
    origin = Origin(number, chunk.line, chunk.category or None, None, _kept(chunk))
    word = _split_unescaped(block, "#")[0][1].strip().lower()
    if word in _TRUE:
        general = block[block.find("####") + 4 :].strip() if "####" in block else None
        return judge_record(stem, _TRUE[word], replace(origin, explanation=general and _unescape(general)))
    answers, general = _answers(block)
    short_answer = all(mark == "=" for mark, _, _ in answers)  # matching questions too: all "=a -> b"
    if not answers or block.startswith("#") or short_answer:
        return skipped_record("essay", None, number, chunk.line)  # essay, numerical, short answer, matching
    weighted = any(a[1] is not None for a in answers)
    right = [
        _LABELS[i] for i, (mark, weight, _) in enumerate(answers[: len(_LABELS)])
        if (weight is not None and weight > 0) or (weight is None and mark == "=")
    ]
    kind = "multi" if weighted and len(right) > 1 else "single" if not weighted else None
    return choice_record(stem, [a[2] for a in answers], right, replace(origin, explanation=general), kind=kind)


def gift_records(text: str) -> list[Record]:
    """Every question of a GIFT file as a record, numbered in file order."""
    return [_record(chunk, str(k)) for k, chunk in enumerate(_chunks(text), start=1)]


# ---------------------------------------------------------------- writing


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _SPECIAL + "\\" else ch for ch in text).replace("\n", "\\n")


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _block(item: Item) -> list[str]:
    if item.type == "judge":
        return ["TRUE" if item.answer else "FALSE"]
    right = set(item.answer_labels)
    if item.type == "single":
        return [("=" if o.label in right else "~") + _escape(o.text) for o in item.options]
    good, bad = 100 / len(right), -100 / max(1, len(item.options) - len(right))
    return [f"~%{_weight(good if o.label in right else bad)}%{_escape(o.text)}" for o in item.options]


def _question(item: Item) -> str:
    lines = [f"// [id:{item.id}] [tag:difficulty:{item.difficulty}]", f"::{_escape(item.id)}::[plain]{_escape(item.stem)}{{"]
    lines += [f"\t{answer}" for answer in _block(item)]
    if item.explanation:
        lines.append(f"\t####{_escape(item.explanation)}")
    return "\n".join(lines + ["}"])


def write_gift(bank: Bank) -> str:
    """A bank as GIFT text: one ``$CATEGORY`` per topic, every item (GIFT holds all three types)."""
    parts = [f"// {bank.title} ({bank.id}), written by papergen"]
    for topic in bank.topics:
        items = [i for i in bank.items if i.topic == topic.code]
        if items:
            parts.append(f"$CATEGORY: $course$/top/{bank.id}/{topic.code} {topic.name}")
            parts += [_question(item) for item in items]
    return "\n\n".join(parts) + "\n"
