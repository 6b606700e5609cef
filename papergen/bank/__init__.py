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
from papergen.bank.cues import format_longest_option_cue
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
    ReviewStatus,
    Topic,
)
from papergen.bank.review import DEFAULT_MIN_STATUS, DRAWABLE_STATUSES, format_status_counts, live_bank, review_notice
from papergen.bank.schema import write_schemas
from papergen.bank.validate import (
    Problem,
    ValidationParams,
    ValidationReport,
    suggest_enemy_groups,
    validate_bank,
    validate_bank_file,
    write_group_patch,
)

__all__ = [
    "BANK_SCHEMA_VERSION",
    "DEFAULT_MIN_STATUS",
    "DRAWABLE_STATUSES",
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
    "ReviewStatus",
    "SectionBlueprint",
    "SectionCapacity",
    "Topic",
    "ValidationParams",
    "ValidationReport",
    "bank_sha256",
    "capacity",
    "format_capacity_table",
    "format_longest_option_cue",
    "format_status_counts",
    "live_bank",
    "load_bank",
    "load_blueprint_overrides",
    "make_blueprint",
    "review_notice",
    "save_bank",
    "suggest_enemy_groups",
    "validate_bank",
    "validate_bank_file",
    "write_group_patch",
    "write_schemas",
]
