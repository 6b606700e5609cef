"""Question banks: the file format, loading, validation, quotas and statistics.

The bank file is the pydantic model (:mod:`~papergen.bank.model`), loaded and
saved by :mod:`~papergen.bank.io` and checked in full by
:mod:`~papergen.bank.validate`.  :mod:`~papergen.bank.blueprint` turns a bank
and a format into per-section topic and difficulty quotas, which
:mod:`~papergen.bank.capacity` (how many non-overlapping papers) and
assembly share; :mod:`~papergen.bank.schema` writes the JSON Schemas of the
bank, format and layout files.
"""

from papergen.bank.blueprint import Blueprint, SectionBlueprint, load_blueprint_overrides, make_blueprint
from papergen.bank.capacity import CapacityReport, SectionCapacity, capacity, format_capacity_table
from papergen.bank.io import bank_sha256, load_bank, save_bank
from papergen.bank.model import (
    BANK_SCHEMA_VERSION,
    OPTION_LABELS,
    Bank,
    Difficulty,
    Item,
    ItemStats,
    ItemType,
    Option,
    Provenance,
    Topic,
)
from papergen.bank.schema import write_schemas
from papergen.bank.validate import Problem, ValidationParams, ValidationReport, validate_bank, validate_bank_file

__all__ = [
    "BANK_SCHEMA_VERSION",
    "OPTION_LABELS",
    "Bank",
    "Blueprint",
    "CapacityReport",
    "Difficulty",
    "Item",
    "ItemStats",
    "ItemType",
    "Option",
    "Problem",
    "Provenance",
    "SectionBlueprint",
    "SectionCapacity",
    "Topic",
    "ValidationParams",
    "ValidationReport",
    "bank_sha256",
    "capacity",
    "format_capacity_table",
    "load_bank",
    "load_blueprint_overrides",
    "make_blueprint",
    "save_bank",
    "validate_bank",
    "validate_bank_file",
    "write_schemas",
]
