"""What an import tells its user: the blocks left out, how the counts add up, sources that gave nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from papergen.errors import ImportTextError
from papergen.files import write_csv
from papergen.importers.formats import SUPPORTED_FORMATS
from papergen.i18n import _
from papergen.importers.result import FileCounts, ImportResult, LeftOut, reason_name

__all__ = [
    "LEFT_OUT_COLUMNS",
    "left_out_lines",
    "write_left_out_csv",
    "empty_sources",
    "empty_sources_message",
]

LEFT_OUT_COLUMNS = ("file", "line", "number", "reason", "message")
"""Columns of the ``--skipped`` CSV file, one row per block that became no item."""


def left_out_lines(result: ImportResult) -> list[str]:
    """One line per file and reason listing the lines left out: ``left out essay 3: a.txt:12, 15, 40``."""
    groups: dict[tuple[str, str], list[LeftOut]] = defaultdict(list)
    for entry in result.left_out():
        groups[(entry.document, entry.reason)].append(entry)
    lines = []
    for (document, reason), entries in groups.items():
        places = [str(e.line) if e.line else f"#{e.number}" if e.number else "?" for e in entries]
        lines.append(_("left out {reason} {count}: {document}:{places}").format(
            reason=reason_name(reason), count=len(entries), document=document, places=", ".join(places)))
    return lines


def write_left_out_csv(result: ImportResult, path: str | Path) -> Path:
    """Write every block that became no item to a CSV file (UTF-8 with BOM, :data:`LEFT_OUT_COLUMNS`).

    Raises
    ------
    ImportTextError
        If the file cannot be written.
    """
    rows = [
        [e.document, "" if e.line is None else str(e.line), e.number or "", e.reason, e.message or ""]
        for e in result.left_out()
    ]
    return write_csv(Path(path), LEFT_OUT_COLUMNS, rows, ImportTextError)


def empty_sources(files: Sequence[FileCounts]) -> list[str]:
    """The sources that gave no question with its answer."""
    return [counts.document for counts in files if counts.parsed_total == 0]


def empty_sources_message(files: Sequence[FileCounts]) -> str | None:
    """What to tell the user when some sources gave no question; None when all gave some."""
    empty = empty_sources(files)
    if not empty:
        return None
    return _("no question with its answer found in {sources}; supported formats: {formats}").format(
        sources=", ".join(empty), formats=_(SUPPORTED_FORMATS))
