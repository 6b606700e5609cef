"""Reading text and JSON files and writing files atomically, with one set of error messages.

Every text file papergen reads (rosters, banks, formats, keys, corrections,
question sources) may be UTF-8 with or without a BOM, GB18030/GBK, Big5 or
UTF-16, as Excel, WPS and Notepad on Chinese Windows save them: the encoding
is detected (:func:`detect_encoding`) unless the user names one, and a byte
that fits no encoding is named with its line (:func:`decode_text`).

Every JSON file papergen reads (formats, key manifests, corrections,
blueprints, keyword tables, topics, banks) fails the same way, naming the
file and, for a model that does not validate, the JSON path of each problem::

    formats/x.json: cannot read paper format (No such file or directory)
    formats/x.json:2: byte 0xE9 at offset 17 is not valid utf-8 (got b'\xe9"}'); correct or delete ...
    formats/x.json: not valid JSON (line 3, column 5: Expecting ',' delimiter)
    key.json: not a valid key manifest: variants.0.checksum: Field required

Every file papergen writes (keys, banks, CSV and XLSX exports, HTML
reports, change logs, schemas, truth files) is written through
:func:`write_atomically`: to a uniquely named temporary file beside the
target, then renamed over it, so a reader never sees half a file, two
writers never share a temporary file, and a failed write leaves nothing
behind and raises the stage's error::

    results/scores.csv: cannot write (Permission denied)

Each caller names its stage's exception class, so the message reaches the
user as that stage's error.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from papergen.errors import PapergenError
from papergen.i18n import N_, _, language, os_error_reason

__all__ = [
    "TEXT_ENCODINGS",
    "detect_encoding",
    "decode_text",
    "utf16_without_bom",
    "json_kind",
    "wrong_kind_message",
    "read_json",
    "parse_json",
    "load_json_model",
    "validation_problems",
    "schema_error_message",
    "write_atomically",
    "write_text",
    "write_json",
    "write_csv",
    "write_csv_files",
    "make_folder",
    "spreadsheet_text",
    "CSV_ENCODING",
    "CSV_ENCODINGS",
    "csv_encoding",
    "set_csv_encoding",
    "SPREADSHEET_HINT",
]

Model = TypeVar("Model", bound=BaseModel)

TEXT_ENCODINGS = "UTF-8 (with or without BOM), GB18030/GBK, Big5, UTF-16"
"""The encodings read without being told, as the user is told."""
_FALLBACK_ENCODINGS = ("gb18030", "big5")
_LIKELY = ((0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2000, 0x206F), (0x00A0, 0x00FF))
"""Code point ranges of a Chinese text: CJK ideographs, CJK and full-width punctuation, general punctuation."""
"""Tried in order when a file is not UTF-8; Chinese exam material is UTF-8, GBK/GB18030 or Big5."""
_UTF8_EVIDENCE = 4
"""Non-ASCII characters read as UTF-8 before a bad byte that make the file UTF-8 with one damaged byte."""
_SNIFF_BYTES = 4096
_UTF16_NUL_SHARE = 0.3
"""Share of NUL bytes at even (big-endian) or odd (little-endian) offsets that marks UTF-16 without a BOM."""

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte order mark: spreadsheet programs then detect UTF-8."""
CSV_ENCODINGS = {"utf-8": CSV_ENCODING, "gb18030": "gb18030"}
"""Encodings of CSV exports by the name a user gives (``--csv-encoding``): UTF-8 with BOM (the default), or
GB18030 for programs on Chinese Windows that take only the local code page."""
_csv_encoding = [CSV_ENCODING]
"""The encoding CSV exports are written in (see :func:`set_csv_encoding`)."""
SPREADSHEET_HINT = N_("; close it if a spreadsheet program has it open, then rerun")
"""How to fix a CSV or XLSX file that cannot be written (usually: it is open in Excel or WPS)."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet program read a cell as a formula (OWASP, CSV injection)."""


def read_json(path: str | Path, error: type[PapergenError], what: str) -> object:
    """The parsed content of a UTF-8 JSON file.

    Parameters
    ----------
    path : str or Path
        The file.
    error : type of PapergenError
        Exception raised for any problem.
    what : str
        What the file holds, for the message (``"paper format"``).

    Raises
    ------
    PapergenError
        Of class ``error``: the file cannot be read, is not UTF-8 or is not JSON.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(_("{path}: cannot read {what} ({reason})").format(
                path=path, what=_(what), reason=os_error_reason(exc))) from exc
    return parse_json(raw, path, error)


def detect_encoding(raw: bytes) -> str:
    """The encoding of a text file's bytes: by BOM, by UTF-16's NUL pattern, as UTF-8, else GB18030 or Big5.

    >>> detect_encoding("准考证号".encode("gb18030")), detect_encoding("准考证号".encode("utf-8"))
    ('gb18030', 'utf-8-sig')
    >>> detect_encoding("考號,姓名,李華,陳大文".encode("big5"))
    'big5'

    Raises
    ------
    UnicodeDecodeError
        If the bytes are UTF-8 apart from a damaged byte, or in none of the encodings.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    utf16 = utf16_without_bom(raw[:_SNIFF_BYTES])
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
    decoded = {}
    for encoding in _FALLBACK_ENCODINGS:
        try:
            decoded[encoding] = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not decoded:
        raise utf8_error
    if len(decoded) == 1:
        return next(iter(decoded))
    # GB18030 maps nearly every byte pair, so Big5 text decodes as GB18030 too, into kana, rare and
    # extension characters; take the reading with fewest such characters (GB18030 on a tie).
    return min(decoded, key=lambda encoding: _unlikely_characters(decoded[encoding]))


def _unlikely_characters(text: str) -> int:
    """Characters seldom found in a Chinese text file: neither ASCII, nor common CJK ideographs, nor punctuation.

    >>> _unlikely_characters("考号,姓名：王小明。"), _unlikely_characters("朝ゅ")
    (0, 1)
    """
    return sum(1 for ch in text if not (ch.isascii() or any(low <= ord(ch) <= high for low, high in _LIKELY)))


def utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when NUL bytes sit at every other offset, else None."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= _UTF16_NUL_SHARE * len(odd) and even.count(0) < _UTF16_NUL_SHARE * len(even) / 4:
        return "utf-16-le"
    if even.count(0) >= _UTF16_NUL_SHARE * len(even) and odd.count(0) < _UTF16_NUL_SHARE * len(odd) / 4:
        return "utf-16-be"
    return None


def decode_text(raw: bytes, path: str | Path, error: type[PapergenError], *, encoding: str | None = None) -> str:
    """The text of a file's bytes, without a BOM, in ``encoding`` or the detected one; ``path`` names the file.

    Raises
    ------
    PapergenError
        Of class ``error``: naming the line and byte that does not decode, or an unknown ``encoding``.
    """
    try:
        return raw.decode(encoding or detect_encoding(raw)).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise error(_(
            "{path}:{line}: byte 0x{byte:02X} at offset {offset} is not valid {encoding} (got {got!r}); correct or "
            "delete that character, or give the file's encoding with --encoding").format(
                path=path, line=line, byte=raw[exc.start], offset=exc.start, encoding=exc.encoding,
                got=raw[exc.start:exc.start + 4])) from exc
    except LookupError as exc:
        raise error(_("{path}: unknown encoding (got {encoding!r}); use e.g. utf-8, gb18030, utf-16").format(
            path=path, encoding=encoding)) from exc


_BINARY_KINDS = {
    b"%PDF": N_("a PDF document"),
    b"PK\x03\x04": N_("a ZIP archive (an Excel .xlsx or Word .docx file)"),
    b"\x89PNG": N_("a PNG image"),
    b"\xff\xd8\xff": N_("a JPEG image"),
    b"II*\x00": N_("a TIFF image"),
    b"MM\x00*": N_("a TIFF image"),
    b"SQLite format 3\x00": N_("an SQLite database (results.sqlite)"),
}

_JSON_KINDS = (
    ({"items", "topics"}, N_("question bank"), N_("pass it as the bank (papergen validate BANK.json)")),
    ({"sections", "total_points"}, N_("paper format"), N_("pass it with --format")),
    ({"variants", "exam_id"}, N_("key manifest (key.json)"), N_("pass it with --key")),
    ({"blocks", "fiducials"}, N_("sheet layout"), N_("pass it with --layout")),
    ({"corrections"}, N_("key corrections file"), N_("pass it with --corrections")),
)
"""papergen's JSON files, told apart by top-level keys only one kind has."""


def json_kind(data: object) -> tuple[str, str] | None:
    """Which papergen file JSON data looks like, and how such a file is passed; None if none.

    >>> json_kind({"sections": [], "total_points": 100, "id": "cs-180"})
    ('paper format', 'pass it with --format')
    """
    if not isinstance(data, dict):
        return None
    return next(((kind, how) for keys, kind, how in _JSON_KINDS if keys <= data.keys()), None)


def wrong_kind_message(path: str | Path, data: object, what: str) -> str | None:
    """``<path>: this is a <kind>, not a <what>; <how to pass it>`` when the data is another papergen file."""
    found = json_kind(data)
    kind = found[0].split(" (")[0] if found else ""
    if found is None or kind in what or what in kind:
        return None
    return _("{path}: this is a {kind}, not a {what}; {how}").format(
        path=path, kind=_(found[0]), what=_(what), how=_(found[1]))


def parse_json(raw: bytes, path: str | Path, error: type[PapergenError]) -> object:
    """The parsed content of a file's bytes; ``path`` names the file in messages.

    Raises
    ------
    PapergenError
        Of class ``error``: the bytes are text in no known encoding or not
        JSON (naming the byte, or the line and column), nest too deeply, or
        hold an integer too long to convert.
    """
    kind = next((name for magic, name in _BINARY_KINDS.items() if raw.startswith(magic)), None)
    if kind is not None:
        raise error(_("{path}: this is {kind}, not a JSON file; give the .json file (a key is key.json, "
                      "beside key.pdf)").format(path=path, kind=_(kind)))
    text = decode_text(raw, path, error)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(_("{path}: not valid JSON (line {line}, column {column}: {reason})").format(
            path=path, line=exc.lineno, column=exc.colno, reason=exc.msg)) from exc
    except RecursionError as exc:
        raise error(_("{path}: JSON nested too deeply to read (got more than {levels} levels); no papergen file "
                      "nests more than a few levels").format(path=path, levels=sys.getrecursionlimit())) from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise error(_("{path}: not usable JSON: a number has more than {most} digits (got {got})").format(
            path=path, most=sys.get_int_max_str_digits(),
            got=str(exc).rpartition("value has ")[2].split(";")[0] or exc)) from exc


def load_json_model(
    path: str | Path,
    model: type[Model],
    error: type[PapergenError],
    what: str,
    *,
    most_problems: int | None = None,
) -> Model:
    """Read a JSON file and validate it as ``model``.

    Parameters
    ----------
    path : str or Path
        The file.
    model : type of pydantic BaseModel
        What the file must be.
    error : type of PapergenError
        Exception raised for any problem.
    what : str
        What the file holds, for messages (``"key manifest"``).
    most_problems : int, optional
        List at most this many validation problems (and count the rest);
        default all.

    Raises
    ------
    PapergenError
        Of class ``error``: the file cannot be read or parsed, or does not
        validate (naming the JSON path of every problem).
    """
    data = read_json(path, error, what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        wrong = wrong_kind_message(path, data, what)
        raise error(wrong or _("{path}: not a valid {what}: {problems}").format(
            path=path, what=_(what), problems=validation_problems(exc, most_problems))) from exc


def validation_problems(exc: ValidationError, most: int | None = None) -> str:
    """``"<json path>: <message>; …"`` for the first ``most`` errors (default all), then how many more.

    The JSON path joins keys and list indices with dots (``variants.0.checksum``);
    an error of the whole document reads ``<root>``.
    """
    errors = exc.errors()
    shown = errors if most is None else errors[:most]
    # Translators: the separator between problems listed in one message
    problems = _("; ").join(
        _("{where}: {problem}").format(where=".".join(str(p) for p in err["loc"]) or "<root>",
                                        problem=schema_error_message(err))
        for err in shown)
    hidden = len(errors) - len(shown)
    return _("{problems}; and {count} more").format(problems=problems, count=hidden) if hidden else problems


_SCHEMA_ERRORS = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be an object"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "too_short": N_("should have at least {min_length} entries"),
    "too_long": N_("should have at most {max_length} entries"),
    "string_too_short": N_("String should have at least {min_length} characters"),
    "string_too_long": N_("String should have at most {max_length} characters"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
}
"""pydantic's error types papergen's files meet, worded for the catalogue (fields from the error's ``ctx``)."""


def schema_error_message(err: Any) -> str:
    """One pydantic error's message in the language in use: pydantic's own in English or for a type not listed.

    A ``value_error`` raised by one of papergen's own validators is its own
    message, already translated, without pydantic's ``Value error,`` prefix.

    >>> schema_error_message({"type": "greater_than", "msg": "Input should be greater than 0", "ctx": {"gt": 0}})
    'Input should be greater than 0'
    """
    kind, context = err.get("type"), err.get("ctx") or {}
    if language() == "en":
        return err["msg"]
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    try:
        return _(_SCHEMA_ERRORS[kind]).format(**context) if kind in _SCHEMA_ERRORS else err["msg"]
    except KeyError:  # a context field missing in this pydantic version
        return err["msg"]


def write_atomically(
    path: str | Path,
    write: Callable[[Path], None],
    error: type[PapergenError],
    what: str = "",
    *,
    hint: str = "",
) -> Path:
    """Write a file through a temporary file beside it, renamed over ``path`` when complete.

    The temporary name is unique (``.<stem>.<process id>-<random hex>.tmp<suffix>``,
    keeping the suffix for writers that choose the format by it), so two
    writers of one file never clash; it is removed if anything fails.
    The file gets the permissions any new file gets (the umask's).

    Parameters
    ----------
    path : str or Path
        The file to write.
    write : callable
        ``write(temporary_path)`` writes the whole content.
    error : type of PapergenError
        Exception raised if the file cannot be written.
    what : str
        What the file holds, for the message (``"key manifest"``); may be empty.
    hint : str
        How to fix it, appended to the message (``"; close it ..."``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    PapergenError
        Of class ``error``: ``<path>: cannot write <what> (<reason>)<hint>``.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(6)}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(path, exc, error, what, hint) from exc
        raise
    return path


def _write_error(path: Path, exc: OSError, error: type[PapergenError], what: str, hint: str) -> PapergenError:
    """``<path>: cannot write <what> (<reason>)<hint>`` as an ``error``."""
    message = _("{path}: cannot write {what} ({reason})") if what else _("{path}: cannot write ({reason})")
    message = message.format(path=path, what=_(what), reason=os_error_reason(exc))
    return error(message + (_(hint) if hint else ""))


def write_text(path: str | Path, text: str, error: type[PapergenError], what: str = "", *, hint: str = "") -> Path:
    """Write UTF-8 text atomically (see :func:`write_atomically`); returns ``path``."""
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), error, what, hint=hint)


def write_json(path: str | Path, data: Any, error: type[PapergenError], what: str = "", *,
               indent: int | None = 1) -> Path:
    """Write data as UTF-8 JSON (non-ASCII kept, newline at the end) atomically; returns ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from papergen.errors import PapergenError
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = write_json(folder / "a.json", {"题": 1}, PapergenError)
    >>> path.read_text(encoding="utf-8")
    '{\\n "题": 1\\n}\\n'
    >>> sorted(p.name for p in folder.iterdir())
    ['a.json']
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent) + "\n"
    return write_text(path, text, error, what)


def spreadsheet_text(cell: str) -> str:
    """A CSV cell a spreadsheet program shows as text, never runs as a formula.

    Following OWASP's CSV-injection guidance, a cell starting with one of
    :data:`FORMULA_STARTS` gets a leading apostrophe; a cell that is a number
    (``"-0.5"``) stays a number.

    Examples
    --------
    >>> [spreadsheet_text(c) for c in ["=SUM(A1)", "@A1", "-0.5", "王小明", ""]]
    ["'=SUM(A1)", "'@A1", '-0.5', '王小明', '']
    """
    if not cell.startswith(FORMULA_STARTS):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell if cell.strip() == cell else "'" + cell


def set_csv_encoding(name: str | None) -> str:
    """Write CSV exports in ``name`` (a key or value of :data:`CSV_ENCODINGS`; None: UTF-8 with BOM) from now on.

    Returns the Python codec now used.

    Examples
    --------
    >>> set_csv_encoding("gb18030"), set_csv_encoding(None)
    ('gb18030', 'utf-8-sig')
    """
    codec = CSV_ENCODINGS.get((name or "utf-8").lower(), (name or "").lower())
    if codec not in CSV_ENCODINGS.values():
        raise ValueError(f"unknown CSV encoding {name!r}; use one of {', '.join(CSV_ENCODINGS)}")
    _csv_encoding[:] = [codec]
    return codec


def csv_encoding() -> str:
    """The Python codec CSV exports are written in now (:func:`set_csv_encoding`)."""
    return _csv_encoding[0]


def write_csv(
    path: str | Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    error: type[PapergenError],
    *,
    hint: str = SPREADSHEET_HINT,
    encoding: str | None = None,
) -> Path:
    """Write a CSV file atomically; returns ``path``.

    The encoding is ``encoding`` (a key or value of :data:`CSV_ENCODINGS`),
    else the one chosen with :func:`set_csv_encoding`: UTF-8 with BOM
    (:data:`CSV_ENCODING`) unless asked for GB18030.  Every cell passes
    through :func:`spreadsheet_text`: names, file names and reasons from
    outside can never become live formulas.

    Raises
    ------
    PapergenError
        Of class ``error``, if the file cannot be written (both encodings hold every character).
    """
    def fill(add: Sequence[Callable[[Sequence[str]], None]]) -> None:
        for row in rows:
            add[0](row)

    return write_csv_files([(path, header)], fill, error, hint=hint, encoding=encoding)[0]


def write_csv_files(
    files: Sequence[tuple[str | Path, Sequence[str]]],
    fill: Callable[[Sequence[Callable[[Sequence[str]], None]]], None],
    error: type[PapergenError],
    *,
    hint: str = SPREADSHEET_HINT,
    encoding: str | None = None,
) -> list[Path]:
    """Write several CSV files in one pass over what fills them (as :func:`write_csv` writes one).

    ``files`` are ``(path, header)`` pairs; ``fill(add)`` writes the rows,
    ``add[i](row)`` appending one row to file ``i``, in any interleaving.
    Each file is written to a temporary file beside it and renamed into place
    once ``fill`` has returned and every file is complete: if anything fails
    before, no file is replaced.

    Raises
    ------
    PapergenError
        Of class ``error``, naming the file that cannot be written.
    """
    codec = CSV_ENCODINGS.get(encoding, encoding) if encoding else csv_encoding()
    adders: list[Callable[[Sequence[str]], None]] = []

    def nested(index: int) -> None:
        if index == len(files):
            fill(adders)
            return
        path, header = Path(files[index][0]), files[index][1]

        def write(tmp: Path) -> None:
            with tmp.open("w", encoding=codec, newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([spreadsheet_text(cell) for cell in header])
                adders.append(_row_adder(writer, path, error, hint))
                nested(index + 1)

        write_atomically(path, write, error, hint=hint)

    nested(0)
    return [Path(path) for path, _header in files]


def _row_adder(writer: Any, path: Path, error: type[PapergenError], hint: str) -> Callable[[Sequence[str]], None]:
    """``add(row)`` for one file of :func:`write_csv_files`: a failed write names that file."""
    def add(row: Sequence[str]) -> None:
        try:
            writer.writerow([spreadsheet_text(cell) for cell in row])
        except OSError as exc:
            raise _write_error(path, exc, error, "", hint) from exc

    return add


def make_folder(folder: str | Path, error: type[PapergenError], what: str, *,
                hint: str = N_("; choose another --out")) -> Path:
    """Create an output folder (and its parents) if it does not exist; returns it.

    Raises
    ------
    PapergenError
        Of class ``error``: ``<folder>: cannot create <what> (<reason>)<hint>``.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error(_("{folder}: cannot create {what} ({reason})").format(
            folder=folder, what=_(what), reason=os_error_reason(exc)) + (_(hint) if hint else "")) from exc
    return folder
