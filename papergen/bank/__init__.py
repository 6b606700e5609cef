"""Question banks: the file format, loading, validation, quotas and statistics.

The bank file is the pydantic model (:mod:`~papergen.bank.model`), loaded and
saved by :mod:`~papergen.bank.io` and checked in full by
:mod:`~papergen.bank.validate`.  :mod:`~papergen.bank.blueprint` turns a bank
and a format into per-section topic and difficulty quotas, which
:mod:`~papergen.bank.paper_capacity` (how many non-overlapping papers) and
assembly share; :mod:`~papergen.bank.schema` writes the JSON Schemas of the
bank, format and layout files.

The names below are loaded on first use (PEP 562), so importing one module of
the package (say :mod:`papergen.bank.model` for the file format) does not load
validation, capacity and MinHash code with it.
"""

from __future__ import annotations

from papergen import lazy_names

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

_HOMES = {
    "BANK_SCHEMA_VERSION": "papergen.bank.model",
    "DEFAULT_MIN_STATUS": "papergen.bank.review",
    "DRAWABLE_STATUSES": "papergen.bank.review",
    "OPTION_LABELS": "papergen.bank.model",
    "Bank": "papergen.bank.model",
    "Blueprint": "papergen.bank.blueprint",
    "CapacityReport": "papergen.bank.paper_capacity",
    "Difficulty": "papergen.bank.model",
    "Item": "papergen.bank.model",
    "ItemStats": "papergen.bank.model",
    "ItemType": "papergen.bank.model",
    "Option": "papergen.bank.model",
    "Problem": "papergen.bank.validate",
    "Provenance": "papergen.bank.model",
    "ReviewStatus": "papergen.bank.model",
    "SectionBlueprint": "papergen.bank.blueprint",
    "SectionCapacity": "papergen.bank.paper_capacity",
    "Topic": "papergen.bank.model",
    "ValidationParams": "papergen.bank.validate",
    "ValidationReport": "papergen.bank.validate",
    "bank_sha256": "papergen.bank.io",
    "capacity": "papergen.bank.paper_capacity",
    "format_capacity_table": "papergen.bank.paper_capacity",
    "format_longest_option_cue": "papergen.bank.cues",
    "format_status_counts": "papergen.bank.review",
    "live_bank": "papergen.bank.review",
    "load_bank": "papergen.bank.io",
    "load_blueprint_overrides": "papergen.bank.blueprint",
    "make_blueprint": "papergen.bank.blueprint",
    "review_notice": "papergen.bank.review",
    "save_bank": "papergen.bank.io",
    "suggest_enemy_groups": "papergen.bank.validate",
    "validate_bank": "papergen.bank.validate",
    "validate_bank_file": "papergen.bank.validate",
    "write_group_patch": "papergen.bank.validate",
    "write_schemas": "papergen.bank.schema",
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES)
