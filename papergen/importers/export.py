"""A bank written back out for learning platforms and spreadsheets: Moodle XML, GIFT, Aiken, Excel.

Every format is read back by ``papergen import`` (:mod:`~papergen.importers.readers`).
What each holds (:data:`CARRIES`):

moodle
    every item; id (``idnumber``), difficulty (a tag), topic (the category), explanation.
gift
    every item; id and difficulty in Moodle's ``// [id:…] [tag:…]`` comment,
    topic as ``$CATEGORY``, explanation as ``####`` feedback.
xlsx
    every item, one row each in the platform template's columns
    (:data:`XLSX_COLUMNS`); 编号 keeps the id, 难度 易/中/难, 知识点 the topic.
aiken
    single-choice and true/false (as ``A. 对 B. 错``) items without
    explanation, topic, difficulty or id; multiple-choice items are left out
    and reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from papergen.bank.io import load_bank
from papergen.bank.model import OPTION_LABELS, Bank, Item
from papergen.errors import ImportTextError
from papergen.importers.aiken import write_aiken
from papergen.importers.gift import write_gift
from papergen.importers.moodle import export_moodle
from papergen.i18n import _, os_error_reason

__all__ = ["EXPORT_FORMATS", "CARRIES", "XLSX_COLUMNS", "Exported", "write_xlsx", "export_bank", "export_bank_file"]

EXPORT_FORMATS = ("moodle", "gift", "aiken", "xlsx")
CARRIES: dict[str, frozenset[str]] = {
    "moodle": frozenset({"type", "stem", "options", "answer", "explanation", "id", "difficulty", "topic"}),
    "gift": frozenset({"type", "stem", "options", "answer", "explanation", "id", "difficulty", "topic"}),
    "xlsx": frozenset({"type", "stem", "options", "answer", "explanation", "id", "difficulty", "topic"}),
    "aiken": frozenset({"type", "stem", "options", "answer"}),
}
"""The item fields each format keeps through an export and import."""
XLSX_COLUMNS = ("编号", "题型", "题干", *(f"选项{label}" for label in OPTION_LABELS), "答案", "解析", "难度", "知识点")
_SHOWN_IDS = 10
"""Ids of left-out items named on screen; the rest are counted."""
_TYPE_NAMES = {"single": "单选题", "multi": "多选题", "judge": "判断题"}
_DIFFICULTY_NAMES = {"easy": "易", "medium": "中", "hard": "难"}


@dataclass
class Exported:
    """What an export wrote: the bank, the items the format could not hold, and notes for the user."""

    bank: Bank
    written: int
    left_out: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _answer_cell(item: Item) -> str:
    if isinstance(item.answer, bool):
        return "对" if item.answer else "错"
    return "".join(item.answer_labels)


def _xlsx_row(item: Item, topic_names: dict[str, str]) -> list[str]:
    options = [o.text for o in item.options] + [""] * (len(OPTION_LABELS) - len(item.options))
    topic = f"{item.topic} {topic_names.get(item.topic, '')}".strip()
    return [item.id, _TYPE_NAMES[item.type], item.stem, *options, _answer_cell(item), item.explanation or "",
            _DIFFICULTY_NAMES[item.difficulty], topic]


def write_xlsx(bank: Bank, path: str | Path) -> None:
    """Write a bank as an Excel workbook in the exam platforms' template columns (:data:`XLSX_COLUMNS`).

    Raises
    ------
    ImportTextError
        If the file cannot be written.
    """
    from openpyxl import Workbook  # imported here: only this export needs it

    book = Workbook()
    sheet = book.active
    sheet.title = "试题"
    sheet.append(list(XLSX_COLUMNS))
    names = bank.topic_names()
    for item in bank.items:
        sheet.append(_xlsx_row(item, names))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula
    try:
        book.save(path)
    except OSError as exc:
        raise ImportTextError(_("{path}: cannot write the workbook ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc


def _write_text(path: str | Path, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ImportTextError(_("{path}: cannot write ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc


def _aiken(bank: Bank, path: str | Path) -> list[Item]:
    written = write_aiken(bank)
    _write_text(path, written.text)
    return written.left_out


_WRITERS: dict[str, Callable[[Bank, str | Path], list[Item] | None]] = {
    "moodle": export_moodle,
    "gift": lambda bank, path: _write_text(path, write_gift(bank)),
    "xlsx": write_xlsx,
    "aiken": _aiken,
}


def export_bank(bank: Bank, path: str | Path, to: str) -> Exported:
    """Write ``bank`` to ``path`` in format ``to`` (one of :data:`EXPORT_FORMATS`).

    Raises
    ------
    ImportTextError
        If the format is unknown or the file cannot be written.
    """
    if to not in _WRITERS:
        raise ImportTextError(_("export: unknown format {to!r}; use one of {formats}").format(
                to=to, formats=', '.join(EXPORT_FORMATS)))
    left_out = _WRITERS[to](bank, path) or []
    exported = Exported(bank, len(bank.items) - len(left_out), list(left_out))
    lost = sorted({"explanation", "id", "difficulty", "topic"} - CARRIES[to])
    if lost:
        exported.notes.append(_("{to} does not hold {lost}: they are not written").format(
                to=to, lost=', '.join(lost)))
    pictured = [item.id for item in bank.items if item.figures and item not in left_out]
    if pictured:
        shown = ", ".join(pictured[:_SHOWN_IDS]) + (", …" if len(pictured) > _SHOWN_IDS else "")
        exported.notes.append(_(
            "{to} export does not carry figures: {count} items need theirs added by hand ({shown}); the "
            "files are in the bank's figures folder").format(to=to, count=len(pictured), shown=shown))
    if left_out:
        shown = ", ".join(i.id for i in left_out[:_SHOWN_IDS]) + (", …" if len(left_out) > _SHOWN_IDS else "")
        exported.notes.append(_("{to} cannot hold multiple-choice items: {count} left out ({shown})").format(
                to=to, count=len(left_out), shown=shown))
    return exported


def export_bank_file(bank_path: str | Path, out: str | Path, to: str) -> Exported:
    """Read a bank file and write it in format ``to`` (what ``papergen export`` does).

    Raises
    ------
    BankError
        If the bank file is invalid.
    ImportTextError
        If the format is unknown or the file cannot be written.
    """
    return export_bank(load_bank(bank_path), out, to)
