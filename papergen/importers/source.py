"""A source document held as one normalised string with a map back to its lines."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from papergen.errors import ImportTextError
from papergen.importers.markers import is_page_header
from papergen.importers.normalise import fold_vocabulary, normalise_source

__all__ = ["SourceText", "read_source", "source_from_text"]

_ENCODINGS = ("utf-8-sig", "gb18030", "big5")
"""Encodings tried in order; Chinese exam material is UTF-8, GBK/GB18030 or Big5."""


@dataclass(frozen=True)
class SourceText:
    """The normalised lines of one file joined by ``\\n``.

    Attributes
    ----------
    name : str
        File name (no folder), as provenance and problems cite it.
    text : str
        Normalised text (:func:`~papergen.importers.normalise.normalise_source` per line).
    folded : str
        ``text`` with the recognised traditional vocabulary simplified; same length.
    line_starts : tuple of int
        Offset in ``text`` where each line starts; line ``i + 1`` of the file starts at ``line_starts[i]``.
    """

    name: str
    text: str
    folded: str
    line_starts: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        """The 1-based line number of the file that holds ``offset``."""
        return max(1, bisect_right(self.line_starts, offset))

    def lines(self) -> list[str]:
        """The normalised lines, in file order."""
        return self.text.split("\n")


def source_from_text(name: str, raw: str) -> SourceText:
    """Build a :class:`SourceText` from the raw text of a file."""
    lines = [normalise_source(line) for line in raw.splitlines()]
    lines = ["" if is_page_header(line) else line for line in lines]
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    text = "\n".join(lines)
    return SourceText(name, text, fold_vocabulary(text), tuple(starts))


def read_source(path: str | Path) -> SourceText:
    """Read a plain-text source file (UTF-8, GB18030 or Big5).

    Raises
    ------
    ImportTextError
        If the file cannot be read or is in none of the encodings.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTextError(f"{path}: cannot read source ({exc.strerror})") from exc
    for encoding in _ENCODINGS:
        try:
            return source_from_text(path.name, raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ImportTextError(
        f"{path}: not text in {', '.join(_ENCODINGS)}; save it as UTF-8 plain text"
    )
