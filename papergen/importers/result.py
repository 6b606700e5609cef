"""What an import returns: items, per-file counts, problems and exclusions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from papergen.bank.model import Item

__all__ = ["SKIP_REASONS", "ImportProblem", "FileCounts", "Exclusion", "ImportResult"]

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
        number = f" item {self.number}" if self.number else ""
        ident = f" [{self.item_id}]" if self.item_id else ""
        return f"{where}{number}{ident}: {self.message}"


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

    @property
    def parsed_total(self) -> int:
        """Questions parsed, all types."""
        return sum(self.parsed.values())

    @property
    def skipped_total(self) -> int:
        """Blocks skipped, all reasons."""
        return sum(self.skipped.values())

    def summary(self) -> str:
        """One line: ``name: parsed 41 (single 38, multi 3, judge 0); skipped 72 (knowledge 27, …)``."""
        parsed = ", ".join(f"{k} {v}" for k, v in self.parsed.items())
        skipped = ", ".join(f"{k} {v}" for k, v in self.skipped.items())
        dup = f"; {self.duplicates} repeated" if self.duplicates else ""
        return (
            f"{self.document}: parsed {self.parsed_total} ({parsed}); "
            f"skipped {self.skipped_total} ({skipped}){dup}"
        )


@dataclass(frozen=True)
class Exclusion:
    """An imported item kept out of the bank, and why."""

    item_id: str
    reason: str
    where: str


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

    def errors(self) -> list[ImportProblem]:
        """Problems that left a question out."""
        return [p for p in self.problems if p.severity == "error"]
