"""Which reader a source needs, decided by its content, and reading it into candidates.

:func:`detect_format` looks at the bytes, not the name: a ZIP holding
``xl/workbook.xml`` is an Excel workbook and one holding
``word/document.xml`` a Word document; a ``<quiz>`` root is Moodle XML;
text that parses as JSON is a JSON bank; GIFT and Aiken are recognised by
their answer blocks and ``ANSWER:`` lines, a question table by a header row
naming a stem and an answer column; anything else is read as plain-text
exam material.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papergen.bank.model import Topic
from papergen.errors import ImportTextError
from papergen.importers.aiken import aiken_records, looks_like_aiken
from papergen.importers.figures import attach_figures
from papergen.importers.gift import gift_records, looks_like_gift
from papergen.importers.items import ItemSettings
from papergen.importers.json_bank import json_records
from papergen.importers.merge import Candidate
from papergen.importers.moodle import is_moodle_xml, read_moodle_records
from papergen.importers.records import read_records
from papergen.importers.result import FileCounts, ImportProblem
from papergen.importers.formats import SUPPORTED_FORMATS
from papergen.importers.source import decode_text, read_source, source_from_text
from papergen.importers.table import csv_rows, find_header, read_csv_records, read_xlsx_sheets
from papergen.importers.text import TextParams, read_candidates
from papergen.importers.word import DocxContent, read_docx
from papergen.i18n import N_, _, os_error_reason

__all__ = ["FORMATS", "SourceOptions", "FileRead", "detect_format", "read_file"]

FORMATS = ("text", "moodle", "xlsx", "docx", "json", "csv", "gift", "aiken")
"""Source formats, as :func:`detect_format` names them."""

_SNIFF_BYTES = 8192
_KNOWN_BINARIES = {
    b"\xd0\xcf\x11\xe0": N_("an old Office file (.doc or .xls); save it as .docx or .xlsx"),
    b"%PDF": N_("a PDF; copy its text into a .txt file, or save it as .docx"),
}
"""Magic numbers of files people try, and what to do with them."""


@dataclass(frozen=True)
class SourceOptions:
    """How sources are read: a forced text encoding, a table's column names, text tunables."""

    encoding: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    mapping: Mapping[str, Any] = field(default_factory=dict)
    """Where a JSON bank keeps its questions and fields (:func:`~papergen.importers.json_bank.load_mapping`)."""
    text: TextParams = TextParams()


FileRead = tuple[list[Candidate], FileCounts, list[ImportProblem]]
"""Candidates, counts and problems of one document (a file, or one sheet of a workbook)."""


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportTextError(_("{path}: a damaged ZIP file ({reason})").format(path=path, reason=exc)) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise ImportTextError(
        _(
            "{path}: a ZIP file that is neither an Excel workbook nor a Word document (found {names} …); "
            "supported formats: {formats}").format(
                path=path, names=', '.join(sorted(names)[:3]), formats=_(SUPPORTED_FORMATS))
    )


def _is_json(text: str) -> bool:
    if text.lstrip()[:1] not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _text_format(text: str, columns: Mapping[str, str]) -> str:
    if _is_json(text):
        return "json"
    if looks_like_aiken(text):
        return "aiken"
    if looks_like_gift(text):
        return "gift"
    rows = csv_rows(text[:_SNIFF_BYTES])
    if len(rows) > 1 and max(len(r) for r in rows[:10]) > 1 and find_header(rows, columns) is not None:
        return "csv"
    return "text"


def detect_format(path: str | Path, encoding: str | None = None, columns: Mapping[str, str] | None = None) -> str:
    """The format of a source file from its content (one of :data:`FORMATS`); ``columns`` as for tables.

    Raises
    ------
    ImportTextError
        If the file cannot be read, is a ZIP of another kind, or is not text.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ImportTextError(_("{path}: cannot read ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    for magic, advice in _KNOWN_BINARIES.items():
        if head.startswith(magic):
            raise ImportTextError(_("{path}: {advice}; supported formats: {formats}").format(
                    path=path, advice=_(advice), formats=_(SUPPORTED_FORMATS)))
    if is_moodle_xml(path):
        return "moodle"
    return _text_format(decode_text(path, path.read_bytes(), encoding).lstrip("\ufeff"), columns or {})


def _attach_pictures(found: FileRead, content: DocxContent) -> None:
    """Each embedded picture made a figure of the question whose paragraphs hold it; a warning for a picture
    paragraph whose file cannot be read, or that stands before the first question."""
    candidates = sorted(found[0], key=lambda c: c.line)
    owners = {c.item.id: c for c in candidates}
    with_blob = {line for line, _, _ in content.pictures}
    for line, name, blob in content.pictures:
        owner = next((c for c in reversed(candidates) if c.line <= line), None)
        if owner is None:
            found[2].append(ImportProblem(found[1].document, line, None,
                                          _(
                                              "paragraph {line} holds a picture before the first question; "
                                              "not kept").format(line=line),
                                          "warning"))
            continue
        owners[owner.item.id], problems = attach_figures(owners[owner.item.id], [(name, blob)], _("paragraph {line}").format(line=line))
        found[2].extend(problems)
    for line in content.picture_lines:
        owner = next((c for c in reversed(candidates) if c.line <= line), None)
        if line not in with_blob and owner is not None:
            message = _(
                "paragraph {line} holds a picture whose file cannot be read; add it to the item's figures by "
                "hand").format(line=line)
            found[2].append(ImportProblem(owner.document, owner.line, owner.item.provenance.number, message, "warning",
                                          owner.item.id))
    found[0][:] = [owners.get(c.item.id, c) for c in found[0]]


def _read_word(path: Path, settings: ItemSettings, topics: Sequence[Topic], options: SourceOptions) -> list[FileRead]:
    """A Word document's text by the plain-text grammar, and each question table in it."""
    content = read_docx(path)
    found = read_candidates(source_from_text(path.name, content.text), settings, options.text)
    _attach_pictures(found, content)
    tables = [read_records(records, f"{path.name} table {k}", settings, topics) for k, records in enumerate(content.tables, 1)]
    return [found, *tables] if content.text.strip() or not tables else tables


def read_file(path: str | Path, settings: ItemSettings, topics: Sequence[Topic], options: SourceOptions = SourceOptions()) -> list[FileRead]:
    """Read one source in its detected format: one result per document (per sheet of a workbook).

    Raises
    ------
    ImportTextError
        If the file cannot be read in its format.
    """
    path = Path(path)
    fmt = detect_format(path, options.encoding, options.columns)
    if fmt == "moodle":
        return [read_records(read_moodle_records(path), path.name, settings, topics)]
    if fmt == "csv":
        return [read_records(read_csv_records(path, options.columns, options.encoding), path.name, settings, topics)]
    if fmt in ("gift", "aiken", "json"):
        text = decode_text(path, path.read_bytes(), options.encoding).lstrip("\ufeff")
        readers = {"gift": gift_records, "aiken": aiken_records, "json": lambda t: json_records(t, str(path), options.mapping)}
        return [read_records(readers[fmt](text), path.name, settings, topics)]
    if fmt == "docx":
        return _read_word(path, settings, topics, options)
    if fmt == "xlsx":
        sheets = list(read_xlsx_sheets(path, options.columns))
        names = [path.name if len(sheets) == 1 else f"{path.name}[{name}]" for name, _ in sheets]
        return [read_records(records, name, settings, topics) for name, (_, records) in zip(names, sheets, strict=True)]
    return [read_candidates(read_source(path, options.encoding), settings, options.text)]
