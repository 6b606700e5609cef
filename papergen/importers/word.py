"""Word documents (.docx): read with python-docx, then parsed by the plain-text grammar.

Each paragraph becomes one line of text, so a problem's line number is the
paragraph number.  Word's automatic numbering (``1.`` ``2.`` or ``A.``
``B.`` lists) is not part of a paragraph's text; it is written out again
from the document's numbering definitions (format ``decimal``,
``upperLetter``, ``lowerLetter``, ``chineseCounting``… and the level's text
such as ``%1.``), so numbered questions and lettered options read as
printed.  A table whose first rows name a stem and an answer column is read
as a question table (:mod:`~papergen.importers.table`); other tables are
read cell by cell as text.  Pictures embedded in a question's paragraphs
become that item's figures; a picture whose file cannot be read is reported
with the question it belongs to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papergen.errors import ImportTextError
from papergen.importers.records import Record
from papergen.importers.table import find_header, table_records
from papergen.i18n import _

__all__ = ["DocxContent", "read_docx"]

_CHINESE_DIGITS = "零一二三四五六七八九十"


@dataclass
class DocxContent:
    """What a Word document holds: its text (one line per paragraph), question tables, picture paragraphs."""

    text: str
    tables: list[list[Record]] = field(default_factory=list)
    picture_lines: list[int] = field(default_factory=list)
    """Lines (paragraphs) that hold a picture."""
    pictures: list[tuple[int, str, bytes]] = field(default_factory=list)
    """(line, name, bytes) of every embedded picture whose file could be read, in order."""


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional") and 0 < value <= 10:
        return _CHINESE_DIGITS[value]
    return str(value)


class _Numbering:
    """Counters and formats of Word's automatic numbering (per list and level)."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[str, dict[int, int]] = defaultdict(dict)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(_w("abstractNumId")): a for a in _xpath(root, "./w:abstractNum")}
        for num in _xpath(root, "./w:num"):
            ids = _xpath(num, "./w:abstractNumId/@w:val")
            definition = abstract.get(ids[0]) if ids else None
            if definition is None:
                continue
            for level in _xpath(definition, "./w:lvl"):
                fmt = (_xpath(level, "./w:numFmt/@w:val") or ["decimal"])[0]
                text = (_xpath(level, "./w:lvlText/@w:val") or ["%1."])[0]
                start = int((_xpath(level, "./w:start/@w:val") or ["1"])[0])
                self.levels[(num.get(_w("numId")), level.get(_w("ilvl")))] = (fmt, text, start)

    def prefix(self, num_id: str, ilvl: str) -> str:
        """The number Word prints before the next paragraph of list ``num_id`` at level ``ilvl``."""
        fmt, text, start = self.levels.get((num_id, ilvl), ("decimal", "%1.", 1))
        level = int(ilvl)
        counters = self.counters[num_id]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""
        out = text
        for k in range(level + 1):
            out = out.replace(f"%{k + 1}", _format_number(counters.get(k, start), fmt if k == level else "decimal"))
        return out + " "


_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


def _xpath(element: Any, expression: str) -> list[Any]:
    """``element.xpath`` with the WordprocessingML prefix, for python-docx's and plain lxml elements alike."""
    from lxml import etree

    return etree._Element.xpath(element, expression, namespaces=_NS)


def _w(name: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + name


def _num_pr(paragraph: Any) -> tuple[str, str] | None:
    """(numId, ilvl) of a paragraph's list numbering, from the paragraph or its style."""
    for element in [paragraph._p, *_style_chain(paragraph.style)]:
        ids = _xpath(element, "./w:pPr/w:numPr/w:numId/@w:val")
        if ids and ids[0] != "0":
            levels = _xpath(element, "./w:pPr/w:numPr/w:ilvl/@w:val")
            return ids[0], levels[0] if levels else "0"
    return None


def _style_chain(style: Any) -> Iterator[Any]:
    while style is not None:
        yield style.element
        style = style.base_style


def _blocks(document: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag == _w("p"):
            yield Paragraph(child, document)
        elif child.tag == _w("tbl"):
            yield Table(child, document)


def read_docx(path: str | Path) -> DocxContent:
    """The text, question tables and picture paragraphs of a Word document.

    Raises
    ------
    ImportTextError
        If the file is not a readable .docx document.
    """
    import docx  # python-docx; imported here: only .docx sources need it

    path = Path(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise ImportTextError(_("{path}: not a readable Word .docx document ({reason})").format(
                path=path, reason=exc)) from exc
    numbering, lines, content = _Numbering(document), [], DocxContent("")
    for block in _blocks(document):
        if hasattr(block, "rows"):
            rows = [[cell.text for cell in row.cells] for row in block.rows]
            if find_header(rows) is not None:
                content.tables.append(table_records(rows, f"{path} table {len(content.tables) + 1}"))
            else:
                lines += [cell for row in rows for cell in dict.fromkeys(row) if cell.strip()]
            continue
        found = _num_pr(block)
        prefix = numbering.prefix(*found) if found and block.text.strip() else ""
        lines.append(prefix + block.text)
        if _xpath(block._p, ".//w:drawing | .//w:pict"):
            content.picture_lines.append(len(lines))
            content.pictures += [(len(lines), *picture) for picture in _pictures(document, block)]
    content.text = "\n".join(lines)
    return content


def _pictures(document: Any, paragraph: Any) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the pictures embedded in a paragraph (DrawingML ``a:blip`` references), in order."""
    related = document.part.related_parts
    parts = [related[rid] for rid in _xpath(paragraph._p, ".//a:blip/@r:embed") if rid in related]
    return [(str(part.partname).rsplit("/", 1)[-1], part.blob) for part in parts if hasattr(part, "blob")]
