"""What an import returns: items, per-file counts, problems and exclusions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from papergen.bank.model import Item, type_name
from papergen.bank.problems import labelled
from papergen.i18n import _, pgettext

__all__ = [
    "SKIP_REASONS", "HELD_OUT_REASONS", "LeftOut", "ImportProblem", "FileCounts", "Exclusion", "ImportResult",
    "reason_name", "type_name",
]

SKIP_REASONS = ("knowledge", "essay", "fill_in", "no_answer", "malformed")
"""Why source text yields no item.

knowledge
    Non-question text: a numbered statement, or an unnumbered line, of notes.
essay
    Short-answer, essay, case-study, term-definition and calculation questions.
fill_in
    Fill-in-the-blank questions.
no_answer
    A choice or true/false question whose answer the source does not give.
malformed
    A question the source prints incompletely or inconsistently (options
    missing, answer letter not among the options, conflicting answers, lines
    missing around it).
"""


HELD_OUT_REASONS = ("conflict", "excluded", "in_bank")
"""Why a question read with its answer still makes no item (besides being a repeat).

conflict
    Printed elsewhere as the same question with another answer: held out.
excluded
    Kept out by the exclusion list or the paper format's option limit.
in_bank
    The bank merged into already has the question.
"""


def reason_name(reason: str) -> str:
    """A reason of :data:`SKIP_REASONS` or :data:`HELD_OUT_REASONS` as a person reads it, in the language in use."""
    names = {
        "knowledge": pgettext("left out", "knowledge"), "essay": pgettext("left out", "essay"),
        "fill_in": pgettext("left out", "fill_in"), "no_answer": pgettext("left out", "no_answer"),
        "malformed": pgettext("left out", "malformed"), "conflict": pgettext("left out", "conflict"),
        "excluded": pgettext("left out", "excluded"), "in_bank": pgettext("left out", "in_bank"),
    }
    return names.get(reason, reason)


@dataclass(frozen=True)
class LeftOut:
    """A block of a source that became no item: where it is and why."""

    document: str
    line: int | None
    number: str | None
    reason: str
    message: str | None = None

    def where(self) -> str:
        """``document:line`` (or the document alone)."""
        return f"{self.document}:{self.line}" if self.line else self.document


@dataclass(frozen=True)
class ImportProblem:
    """Something a person should look at: a question left out (error) or imported with a doubt (warning)."""

    document: str
    line: int | None
    number: str | None
    message: str
    severity: Literal["error", "warning"] = "error"
    item_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.document}:{self.line}" if self.line else self.document
        if self.number:
            where = _("{where} item {number}").format(where=where, number=self.number)
        ident = f" [{self.item_id}]" if self.item_id else ""
        return _("{where}: {problem}").format(where=where + ident, problem=self.message)

    def labelled(self) -> str:
        """``error: <problem>`` or ``warning: <problem>``, in the language in use."""
        return labelled(self.severity, self)


@dataclass
class FileCounts:
    """Per source file: questions parsed by type, text skipped by reason, duplicates merged.

    ``parsed`` counts every question read with its answer, before questions
    repeated within or across files are merged (``duplicates`` counts those
    folded into an earlier printing).
    """

    document: str
    parsed: dict[str, int] = field(default_factory=lambda: {"single": 0, "multi": 0, "judge": 0})
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))
    duplicates: int = 0
    left_out: list[LeftOut] = field(default_factory=list)
    """Every skipped block with its line and reason (``skipped`` counts them by reason)."""

    def skip(self, reason: str, line: int | None, number: str | None = None, message: str | None = None) -> None:
        """Count a block that yields no item and remember where it is."""
        self.skipped[reason] += 1
        self.left_out.append(LeftOut(self.document, line, number, reason, message))

    @property
    def parsed_total(self) -> int:
        """Questions parsed, all types."""
        return sum(self.parsed.values())

    @property
    def skipped_total(self) -> int:
        """Blocks skipped, all reasons."""
        return sum(self.skipped.values())

    @property
    def blocks_seen(self) -> int:
        """Blocks read: questions parsed plus blocks skipped."""
        return self.parsed_total + self.skipped_total

    def summary(self) -> str:
        """One line: ``name: 113 blocks: parsed 41 (single 38, …); skipped 72 (knowledge 27, …)``."""
        parsed = _(", ").join(f"{type_name(k)} {v}" for k, v in self.parsed.items())
        skipped = _(", ").join(f"{reason_name(k)} {v}" for k, v in self.skipped.items())
        line = _("{document}: {blocks} blocks: parsed {parsed} ({types}); skipped {skipped} ({reasons})").format(
            document=self.document, blocks=self.blocks_seen, parsed=self.parsed_total, types=parsed,
            skipped=self.skipped_total, reasons=skipped)
        return line + (_("; {count} repeated").format(count=self.duplicates) if self.duplicates else "")


@dataclass(frozen=True)
class Exclusion:
    """An imported item kept out of the bank, and why."""

    item_id: str
    reason: str
    where: str
    line: int | None = None


@dataclass
class ImportResult:
    """The outcome of importing one or more sources.

    ``items`` are deduplicated, with ids, topics and difficulty estimates;
    ``excluded`` lists items read correctly but kept out (format limits, an
    exclusion list); ``problems`` name file, line and item number.
    """

    items: list[Item]
    files: list[FileCounts]
    problems: list[ImportProblem] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    held_out: list[LeftOut] = field(default_factory=list)
    """Questions read with their answer that make no item (:data:`HELD_OUT_REASONS`)."""
    added: int | None = None
    """Items this import added (``len(items)`` unless merged into an existing bank)."""

    def errors(self) -> list[ImportProblem]:
        """Problems that left a question out."""
        return [p for p in self.problems if p.severity == "error"]

    def left_out(self) -> list[LeftOut]:
        """Every block that became no item: the skipped ones file by file, then those held out."""
        return [entry for counts in self.files for entry in counts.left_out] + self.held_out

    def accounting(self) -> str:
        """How the blocks read add up: ``341 blocks = 114 questions + 227 skipped; 114 questions = 110 items + …``."""
        parsed = sum(f.parsed_total for f in self.files)
        skipped = sum(f.skipped_total for f in self.files)
        repeated = sum(f.duplicates for f in self.files)
        added = len(self.items) if self.added is None else self.added
        held = Counter(entry.reason for entry in self.held_out)
        held_text = _(", ").join(f"{reason_name(reason)} {held[reason]}" for reason in HELD_OUT_REASONS)
        return _("{blocks} blocks = {parsed} questions + {skipped} skipped; {parsed} questions = {added} items + "
                 "{repeated} repeated + {held} held out ({reasons})").format(
                     blocks=parsed + skipped, parsed=parsed, skipped=skipped, added=added, repeated=repeated,
                     held=len(self.held_out), reasons=held_text)
