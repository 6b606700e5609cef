"""Problems found in a bank, and how schema errors become problems.

:func:`schema_problems` turns pydantic's validation errors into
:class:`Problem` values with the same JSON paths the cross-field checks use,
so that a bank's schema and cross-field problems are reported together.
"""

from __future__ import annotations

import difflib
import json
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from papergen.bank.model import Bank
from papergen.files import schema_error_message
from papergen.i18n import N_, _, ngettext

__all__ = ["Severity", "Problem", "ValidationReport", "schema_problems", "json_path", "labelled"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem of a bank.

    Attributes
    ----------
    severity : {"error", "warning"}
        Errors make the bank unusable; warnings are weaknesses worth fixing.
    path : str
        JSON path of the offending value, e.g. ``items[12].answer``.
    item_id : str or None
        The id of the item concerned, if any.
    message : str
        What is wrong (with the value found) and how to fix it.
    """

    severity: Severity
    path: str
    item_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path} [{self.item_id}]" if self.item_id else self.path
        return _("{where}: {problem}").format(where=where, problem=self.message)

    def labelled(self) -> str:
        """``error: <problem>`` or ``warning: <problem>``, in the language in use."""
        return labelled(self.severity, self)


_SEVERITY_LINES = {"error": N_("error: {problem}"), "warning": N_("warning: {problem}")}


def labelled(severity: Severity, problem: object) -> str:
    """``error: <problem>`` or ``warning: <problem>``, in the language in use."""
    return _(_SEVERITY_LINES[severity]).format(problem=problem)


@dataclass
class ValidationReport:
    """Every problem found in one bank.

    Attributes
    ----------
    source : str
        Where the bank came from (its file name), for messages.
    problems : list of Problem
        Ordered by item, bank-level problems first.
    item_count : int
        Number of items in the bank (as written, valid or not).
    bank : Bank or None
        The bank as loaded; None when it failed schema validation.
    """

    source: str
    problems: list[Problem] = field(default_factory=list)
    item_count: int = 0
    bank: Bank | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the bank unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Fixable weaknesses."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        """One line: ``<source>: <n> errors, <n> warnings in <n> items``."""
        errors, warnings = len(self.errors), len(self.warnings)
        return _("{source}: {errors}, {warnings} in {items}").format(
            source=self.source,
            errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
            warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
            items=ngettext("{n} item", "{n} items", self.item_count).format(n=self.item_count),
        )


_ANSWER_HELP = N_('not a valid answer: write one label "A"-"F" (single), a list of labels (multi) '
                  "or true/false (judge) (got {value})")


def json_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a JSON path: ``("items", 3, "answer")`` -> ``items[3].answer``."""
    parts = [f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(loc)]
    return "".join(parts) or "<root>"


def schema_problems(exc: ValidationError, data: object) -> list[Problem]:
    """One error problem per schema violation, naming the JSON path and the item id.

    The three failures pydantic reports for an answer that fits none of its
    forms (label, list, boolean) become one problem.

    Parameters
    ----------
    exc : ValidationError
        From ``Bank.model_validate(data)``.
    data : object
        The parsed JSON that failed, to look up item ids and the value found.
    """
    problems: list[Problem] = []
    answered: set[tuple[int | str, ...]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        item_id = _raw_item_id(data, loc)
        if len(loc) > 3 and loc[0] == "items" and loc[2] == "answer":
            if loc[:3] not in answered:
                answered.add(loc[:3])
                value = _value_at(data, loc[:3])
                problems.append(Problem("error", json_path(loc[:3]), item_id, _(_ANSWER_HELP).format(value=_show(value))))
            continue
        problems.append(Problem("error", json_path(loc), item_id, _schema_message(err, loc)))
    return problems


def _schema_message(err: Any, loc: tuple[int | str, ...]) -> str:
    if err["type"] == "extra_forbidden":
        return _unknown_key_message(loc)
    if err["type"] == "missing":
        return _('missing required key "{key}"').format(key=loc[-1]) if loc else _("missing value")
    value = err.get("input")
    if isinstance(value, (dict, list)):
        return schema_error_message(err)
    return _("{problem} (got {value})").format(problem=schema_error_message(err), value=_show(value))


def _unknown_key_message(loc: tuple[int | str, ...]) -> str:
    key = str(loc[-1])
    model = _model_at(loc[:-1])
    allowed = list(model.model_fields) if model else []
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return _('unknown key "{key}"; did you mean "{close}"?').format(key=key, close=close[0])
    if allowed:
        return _('unknown key "{key}" (allowed: {allowed})').format(key=key, allowed=", ".join(allowed))
    return _('unknown key "{key}"').format(key=key)


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class describing the object at a location inside a bank, if one does."""
    model: type[BaseModel] | None = Bank
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
    return model


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The first pydantic model class inside a type annotation (``list[Item]`` -> ``Item``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _value_at(data: object, loc: tuple[int | str, ...]) -> object:
    for part in loc:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _raw_item_id(data: object, loc: tuple[int | str, ...]) -> str | None:
    if len(loc) < 2 or loc[0] != "items" or not isinstance(loc[1], int):
        return None
    item = _value_at(data, loc[:2])
    item_id = item.get("id") if isinstance(item, dict) else None
    return item_id if isinstance(item_id, str) else None


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
