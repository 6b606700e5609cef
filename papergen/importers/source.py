"""A source document held as one normalised string with a map back to its lines."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from papergen.errors import ImportTextError
from papergen.importers.formats import SUPPORTED_FORMATS
from papergen.importers.markers import is_page_header
from papergen.importers.normalise import fold_vocabulary, normalise_source

__all__ = ["ENCODING_NAMES", "SourceText", "detect_encoding", "decode_text", "read_source", "source_from_text"]

_FALLBACK_ENCODINGS = ("gb18030", "big5")
"""Tried in order when a file is not UTF-8; Chinese exam material is UTF-8, GBK/GB18030 or Big5."""
_UTF8_EVIDENCE = 4
"""Non-ASCII characters read as UTF-8 before a bad byte that make the file UTF-8 with one damaged byte."""
_SNIFF_BYTES = 4096
_UTF16_NUL_SHARE = 0.3
"""Share of NUL bytes at even (big-endian) or odd (little-endian) offsets that marks UTF-16 without a BOM."""
ENCODING_NAMES = "UTF-8 (with or without BOM), GB18030/GBK, Big5, UTF-16"
"""The encodings read without being told, as the user is told."""


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


def _decode_error(path: Path, raw: bytes, exc: UnicodeDecodeError) -> ImportTextError:
    """An error naming the line and the byte that does not decode."""
    line = raw.count(b"\n", 0, exc.start) + 1
    byte = raw[exc.start]
    return ImportTextError(
        f"{path}:{line}: byte 0x{byte:02X} at offset {exc.start} is not valid {exc.encoding} (got {raw[exc.start:exc.start + 4]!r}); "
        f"correct or delete that character, or give the file's encoding with --encoding"
    )


def _binary_error(path: Path, raw: bytes) -> ImportTextError:
    return ImportTextError(
        f"{path}: not a text file (starts with {raw[:8]!r}); supported formats: {SUPPORTED_FORMATS}"
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when NUL bytes sit at every other offset, else None."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= _UTF16_NUL_SHARE * len(odd) and even.count(0) < _UTF16_NUL_SHARE * len(even) / 4:
        return "utf-16-le"
    if even.count(0) >= _UTF16_NUL_SHARE * len(even) and odd.count(0) < _UTF16_NUL_SHARE * len(odd) / 4:
        return "utf-16-be"
    return None


def detect_encoding(raw: bytes) -> str:
    """The encoding of a text file's bytes: by BOM, by UTF-16's NUL pattern, as UTF-8, else GB18030 or Big5.

    Raises
    ------
    UnicodeDecodeError
        If the bytes are UTF-8 apart from a damaged byte, or in none of the encodings.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    utf16 = _utf16_without_bom(raw[:_SNIFF_BYTES])
    if utf16:
        return utf16
    try:
        raw.decode("utf-8")  # offsets of an error count from the first byte, BOM included
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    prefix = raw[: utf8_error.start].decode("utf-8", errors="ignore")
    if sum(1 for ch in prefix if ord(ch) > 127) >= _UTF8_EVIDENCE:
        raise utf8_error
    for encoding in _FALLBACK_ENCODINGS:
        try:
            raw.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    raise utf8_error


def decode_text(path: str | Path, raw: bytes, encoding: str | None = None) -> str:
    """The text of a file's bytes in ``encoding``, or in the detected one (:func:`detect_encoding`).

    Raises
    ------
    ImportTextError
        Naming the line and byte that does not decode, or an unknown encoding.
    """
    path = Path(path)
    if encoding is None and b"\x00" in raw[:_SNIFF_BYTES] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        if _utf16_without_bom(raw[:_SNIFF_BYTES]) is None:
            raise _binary_error(path, raw)
    try:
        chosen = encoding or detect_encoding(raw)
        return raw.decode(chosen)
    except UnicodeDecodeError as exc:
        raise _decode_error(path, raw, exc) from exc
    except LookupError as exc:
        raise ImportTextError(f"{path}: unknown encoding (got {encoding!r}); use e.g. utf-8, gb18030, utf-16") from exc


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
        raise ImportTextError(f"{path}: cannot read source ({exc.strerror})") from exc
    text = decode_text(path, raw, encoding)
    return source_from_text(path.name, text.lstrip("\ufeff"))
