"""The usage ledger: which items each past sitting used, and the exposure rules it feeds.

A ledger is an append-only JSON Lines file, one line per build::

    {"exam_id": "cs-180-7", "date": "2026-11-24", "bank_id": "customer-service", "bank_sha256": "…",
     "mode": "parallel", "seed": 7, "variants": {"A": ["cs-0001", …], "B": […]}}

A sitting is one exam id (a rebuild of the same exam appends another line
and the latest line counts); sittings are ordered as they appear in the
file.  Lines of other banks are ignored, and so are earlier lines of the
exam being built, so a rebuild reproduces the same papers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from papergen.errors import AssemblyError
from papergen.i18n import _, os_error_reason
from papergen.exam import Paper

__all__ = ["ExposureLimits", "ExposureRule", "Ledger", "LedgerEntry", "exposure_limits", "ledger_entry"]


@dataclass(frozen=True)
class ExposureRule:
    """How much a new exam may reuse items of recent sittings."""

    exclude_last: int = 0
    """Items used in the last N sittings are not drawn at all (0: no exclusion)."""
    max_overlap_pct: float | None = None
    """At most this percentage of each paper's items may come from the last ``overlap_last`` sittings."""
    overlap_last: int = 1
    """How many recent sittings the overlap cap looks at."""

    def __post_init__(self) -> None:
        if self.exclude_last < 0:
            raise AssemblyError(_("exposure rule: exclude_last must be 0 or more (got {value})").format(
                value=self.exclude_last))
        if self.max_overlap_pct is not None and not 0 <= self.max_overlap_pct <= 100:
            raise AssemblyError(_("exposure rule: max_overlap_pct must be within 0-100 (got {value})").format(
                value=self.max_overlap_pct))
        if self.overlap_last < 1:
            raise AssemblyError(_("exposure rule: overlap_last must be 1 or more (got {value})").format(
                value=self.overlap_last))


@dataclass(frozen=True)
class ExposureLimits:
    """An exposure rule applied to a ledger: what one build may not draw, and what it may draw sparingly."""

    excluded: frozenset[str] = frozenset()
    recent: frozenset[str] = frozenset()
    max_recent_share: float | None = None
    """Largest share in [0, 1] of a paper's items that may be in ``recent``."""


class LedgerEntry(BaseModel):
    """One line of the ledger: the items one build used."""

    model_config = ConfigDict(extra="forbid")

    exam_id: str = Field(min_length=1)
    date: str = Field(description="Date of the sitting, ISO 8601 (YYYY-MM-DD).", pattern=r"^\d{4}-\d{2}-\d{2}$")
    bank_id: str
    bank_sha256: str
    mode: Literal["shuffle", "parallel"]
    seed: int
    variants: dict[str, list[str]] = Field(description="Variant name -> item ids it used.")

    def item_ids(self) -> frozenset[str]:
        """Every item the sitting used."""
        return frozenset(i for ids in self.variants.values() for i in ids)


class Ledger:
    """An append-only usage ledger file (it need not exist yet)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def entries(self) -> list[LedgerEntry]:
        """Every line, in file order.

        Raises
        ------
        AssemblyError
            Naming the file and line of every unreadable entry.
        """
        if not self.path.exists():
            return []
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise AssemblyError(_("{path}: cannot read usage ledger ({reason})").format(
                path=self.path, reason=exc)) from exc
        entries, problems = [], []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entries.append(LedgerEntry.model_validate_json(line))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "<line>"
                problems.append(_("{path} line {line}: {where}: {problem}").format(
                    path=self.path, line=number, where=where, problem=first["msg"]))
        if problems:
            problems.append(_("{path}: fix or remove the lines above; the ledger is otherwise append-only").format(
                path=self.path))
            raise AssemblyError("\n".join(problems))
        return entries

    def sittings(self, bank_id: str, *, last: int, excluding: str | None = None) -> list[LedgerEntry]:
        """The latest entry of each of the last ``last`` sittings of a bank, oldest first."""
        latest: dict[str, LedgerEntry] = {}
        for entry in self.entries():
            if entry.bank_id == bank_id and entry.exam_id != excluding:
                latest.pop(entry.exam_id, None)
                latest[entry.exam_id] = entry
        return list(latest.values())[-last:] if last > 0 else []

    def append(self, entry: LedgerEntry) -> None:
        """Add one line at the end, never rewriting what is there.

        Raises
        ------
        AssemblyError
            If the file cannot be written, with the line that was to be added.
        """
        line = entry.model_dump_json() + "\n"
        try:
            self._append_line(line)
        except OSError as exc:
            raise AssemblyError(_(
                "{path}: cannot append to the usage ledger ({reason}); add this line by hand: {line}").format(
                    path=self.path, reason=os_error_reason(exc), line=line)) from exc

    def _append_line(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    line = "\n" + line
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())


def exposure_limits(rule: ExposureRule, ledger: Ledger, *, bank_id: str, exam_id: str) -> ExposureLimits:
    """What the rule forbids or caps for a new exam, given the ledger."""
    excluded = frozenset().union(*(e.item_ids() for e in ledger.sittings(bank_id, last=rule.exclude_last, excluding=exam_id)))
    if rule.max_overlap_pct is None:
        return ExposureLimits(excluded=excluded)
    recent_entries = ledger.sittings(bank_id, last=rule.overlap_last, excluding=exam_id)
    recent = frozenset().union(*(e.item_ids() for e in recent_entries))
    return ExposureLimits(excluded=excluded, recent=recent - excluded, max_recent_share=rule.max_overlap_pct / 100)


def ledger_entry(papers: list[Paper], *, date: str, mode: Literal["shuffle", "parallel"]) -> LedgerEntry:
    """The ledger line recording the items of an exam's papers."""
    if not papers:
        raise AssemblyError(_("usage ledger: an exam with no variants has nothing to record"))
    first = papers[0]
    return LedgerEntry(
        exam_id=first.exam_id,
        date=date,
        bank_id=first.bank_id,
        bank_sha256=first.bank_sha256,
        mode=mode,
        seed=first.seed,
        variants={p.variant: [q.item_id for q in p.questions] for p in papers},
    )
