"""A source document held as one normalised string with a map back to its lines."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from papergen.errors import ImportTextError
from papergen.files import TEXT_ENCODINGS, detect_encoding, utf16_without_bom
from papergen.files import decode_text as decode_text_as
from papergen.importers.formats import SUPPORTED_FORMATS
from papergen.importers.markers import is_page_header
from papergen.importers.normalise import fold_vocabulary, normalise_source
from papergen.i18n import _, os_error_reason

__all__ = ["ENCODING_NAMES", "SourceText", "detect_encoding", "decode_text", "read_source", "source_from_text"]

ENCODING_NAMES = TEXT_ENCODINGS
"""The encodings read without being told, as the user is told."""
_SNIFF_BYTES = 4096


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


def _binary_error(path: Path, raw: bytes) -> ImportTextError:
    return ImportTextError(
        _("{path}: not a text file (starts with {raw!r}); supported formats: {formats}").format(
                path=path, raw=raw[:8], formats=_(SUPPORTED_FORMATS))
    )


def decode_text(path: str | Path, raw: bytes, encoding: str | None = None) -> str:
    """The text of a source file's bytes in ``encoding``, or in the detected one (:func:`~papergen.files.detect_encoding`).

    Raises
    ------
    ImportTextError
        Naming the line and byte that does not decode, or an unknown encoding; a binary file names the
        supported formats.
    """
    path = Path(path)
    if encoding is None and b"\x00" in raw[:_SNIFF_BYTES] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        if utf16_without_bom(raw[:_SNIFF_BYTES]) is None:
            raise _binary_error(path, raw)
    return decode_text_as(raw, path, ImportTextError, encoding=encoding)


def read_source(path: str | Path, encoding: str | None = None) -> SourceText:
    """Read a plain-text source file (:data:`ENCODING_NAMES` detected, or ``encoding``).

    Raises
    ------
    ImportTextError
        If the file cannot be read or decoded; a decoding error names line and byte.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTextError(_("{path}: cannot read source ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc
    text = decode_text(path, raw, encoding)
    return source_from_text(path.name, text.lstrip("\ufeff"))
