"""Reading and writing bank files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import ValidationError

from papergen.bank.model import Bank
from papergen.errors import BankError
from papergen.files import parse_json, schema_error_message, write_text, wrong_kind_message
from papergen.i18n import N_, _, os_error_reason

__all__ = ["load_bank", "save_bank", "bank_sha256", "format_validation_errors"]


def format_validation_errors(source: str, exc: ValidationError, data: object = None) -> list[str]:
    """One message per pydantic error: ``<file>: <json path> [item id]: <message> (got <value>)``."""
    messages = []
    for err in exc.errors():
        loc = err["loc"]
        path = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(loc))
        item_hint = ""
        if isinstance(data, dict) and len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            items = data.get("items")
            if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
                item_hint = _(" (item {item})").format(item=items[loc[1]].get("id", "?"))
        got = err.get("input")
        problem = schema_error_message(err)
        if not isinstance(got, (dict, list)):
            problem = _("{problem} (got {value!r})").format(problem=problem, value=got)
        messages.append(_("{source}: {where}: {problem}").format(
            source=source, where=(path or "<root>") + item_hint, problem=problem))
    return messages


def read_bank_json(path: str | Path) -> tuple[object, str]:
    """The parsed JSON of a bank file and its SHA-256 (of the file bytes)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BankError(_("{path}: cannot read bank ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc
    return parse_json(raw, path, BankError), hashlib.sha256(raw).hexdigest()


def load_bank(path: str | Path) -> Bank:
    """Read and schema-validate a bank file.

    Cross-field rules (answers among options, duplicates, glyphs...) are
    checked by :func:`papergen.bank.validate.validate_bank`.

    Raises
    ------
    BankError
        Listing every schema problem with its JSON path and item id.
    """
    data, _ = read_bank_json(path)
    try:
        return Bank.model_validate(data)
    except ValidationError as exc:
        wrong = wrong_kind_message(path, data, N_("question bank"))
        raise BankError(wrong or "\n".join(format_validation_errors(str(path), exc, data))) from exc


def bank_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a bank file's bytes, recorded in key manifests."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def save_bank(bank: Bank, path: str | Path) -> None:
    """Write a bank as indented UTF-8 JSON, atomically, omitting default-valued fields.

    Raises
    ------
    BankError
        If the file cannot be written.
    """
    path = Path(path)
    text = json.dumps(
        bank.model_dump(mode="json", exclude_defaults=True),
        ensure_ascii=False,
        indent=1,
    )
    write_text(path, text + "\n", BankError, N_("the bank"))
