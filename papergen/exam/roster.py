"""Candidate rosters: a CSV of who sits the exam, turned into personalised answer sheets.

The file is UTF-8 (with or without a byte-order mark) with a header row.
Columns, in any order (English or Chinese names):

=========  ===================  ========================================
column     also accepted        meaning
=========  ===================  ========================================
number     准考证号              candidate number, digits only (required)
name       姓名                  candidate name (required)
variant    试卷, 卷别             variant letter; empty: assigned in turn
room       考场, 考场号           exam room
seat       座位, 座位号           seat
=========  ===================  ========================================

Candidates without a variant get the variants in turn (A, B, C, A, ...) in
roster order.  Every problem of every row is reported at once.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from papergen.errors import RosterError
from papergen.files import decode_text
from papergen.exam.manifest import Candidate
from papergen.i18n import _, os_error_reason

__all__ = ["RosterEntry", "assign_variants", "load_roster", "read_roster"]

COLUMN_ALIASES = {
    "number": "number", "准考证号": "number",
    "name": "name", "姓名": "name",
    "variant": "variant", "试卷": "variant", "卷别": "variant",
    "room": "room", "考场": "room", "考场号": "room",
    "seat": "seat", "座位": "seat", "座位号": "seat",
}
REQUIRED = ("number", "name")


@dataclass(frozen=True)
class RosterEntry:
    """One row of a roster, as written (variant may be empty)."""

    line: int
    number: str
    name: str
    variant: str = ""
    room: str = ""
    seat: str = ""


def _read_rows(path: Path, encoding: str | None) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the file line each starts on (the encoding detected unless given)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(_("{path}: cannot read roster ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc
    text = decode_text(raw, path, RosterError, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    line = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((line, row))
        line = reader.line_num + 1
    return rows


def _columns(path: Path, line: int, header: list[str]) -> dict[str, int]:
    columns, unknown = {}, []
    for index, title in enumerate(header):
        key = COLUMN_ALIASES.get(title.strip().lower())
        if key is None:
            unknown.append(title)
        elif key in columns:
            raise RosterError(_("{path}: line {line}: column {key!r} appears twice (got {header})").format(
                    path=path, line=line, key=key, header=header))
        else:
            columns[key] = index
    missing = [c for c in REQUIRED if c not in columns]
    if unknown or missing:
        raise RosterError(
            _(
                "{path}: line {line}: header must name the columns number, name[, variant][, room][, seat] (got "
                "{header}; unknown {unknown}, missing {missing})").format(
                    path=path, line=line, header=header, unknown=unknown, missing=missing)
        )
    return columns


def _entry(line: int, row: list[str], columns: dict[str, int]) -> RosterEntry:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    return RosterEntry(line, cell("number"), cell("name"), cell("variant").upper(), cell("room"), cell("seat"))


def _row_problems(path: Path, entry: RosterEntry, max_digits: int | None) -> list[str]:
    where = _("{path}: line {line}").format(path=path, line=entry.line)
    problems = []
    if not entry.number.isdigit() or not entry.number.isascii():
        problems.append(_("{where}: candidate number must be digits only (got {number!r})").format(
                where=where, number=entry.number))
    elif max_digits is not None and len(entry.number) > max_digits:
        problems.append(_("{where}: candidate number has more than {max_digits} digits (got {number!r})").format(
                where=where, max_digits=max_digits, number=entry.number))
    if not entry.name:
        problems.append(_("{where}: candidate name is empty (number {number!r})").format(
                where=where, number=entry.number))
    return problems


def read_roster(path: str | Path, *, max_digits: int | None = None, encoding: str | None = None) -> list[RosterEntry]:
    """Read and check a roster CSV.

    Parameters
    ----------
    max_digits : int, optional
        Longest candidate number the answer sheet's digit grid holds.
    encoding : str, optional
        The file's encoding; default: detected (UTF-8 with or without BOM, GB18030/GBK as Excel and WPS
        save CSV on Chinese Windows, Big5, UTF-16).

    Raises
    ------
    RosterError
        Listing every bad row (number not digits or too long, empty name,
        repeated number), or a bad header.
    """
    path = Path(path)
    rows = _read_rows(path, encoding)
    if not rows:
        raise RosterError(_("{path}: the roster is empty; expected a header row and one row per candidate").format(
                path=path))
    columns = _columns(path, rows[0][0], rows[0][1])
    entries = [_entry(n, row, columns) for n, row in rows[1:]]
    if not entries:
        raise RosterError(_("{path}: the roster has a header but no candidates").format(path=path))
    problems = [p for e in entries for p in _row_problems(path, e, max_digits)]
    repeated = [number for number, count in Counter(e.number for e in entries).items() if count > 1 and number]
    problems += [_("{path}: candidate number {number} appears more than once").format(
            path=path, number=number) for number in repeated]
    if problems:
        raise RosterError("\n".join(problems))
    return entries


def assign_variants(entries: Sequence[RosterEntry], variants: Sequence[str], *, source: str = "roster") -> list[Candidate]:
    """Candidates with their variants: as written, or in turn for rows without one.

    Raises
    ------
    RosterError
        If a row names a variant the exam does not have.
    """
    unknown = [_("{source}: line {line}: variant {variant!r} is not one of {variants}").format(
            source=source, line=e.line, variant=e.variant, variants=list(variants))
               for e in entries if e.variant and e.variant not in variants]
    if unknown:
        raise RosterError("\n".join(unknown))
    candidates, turn = [], 0
    for e in entries:
        variant = e.variant
        if not variant:
            variant, turn = variants[turn % len(variants)], turn + 1
        candidates.append(Candidate(number=e.number, name=e.name, variant=variant, room=e.room, seat=e.seat))
    return candidates


def load_roster(
    path: str | Path, variants: Sequence[str], *, max_digits: int | None = None, encoding: str | None = None
) -> list[Candidate]:
    """Read a roster and give every candidate a variant (see :func:`read_roster`, :func:`assign_variants`)."""
    return assign_variants(read_roster(path, max_digits=max_digits, encoding=encoding), variants, source=str(path))
