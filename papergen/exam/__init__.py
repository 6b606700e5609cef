"""The values passed between stages: paper format, papers, key manifest, sheet code and roster.

A format (:mod:`~papergen.exam.format`) says what a paper holds; assembly
turns a bank into :class:`Paper` values (:mod:`~papergen.exam.paper`); the
key manifest (:mod:`~papergen.exam.manifest`, ``key.json``) records every
variant's key for grading; the sheet code (:mod:`~papergen.exam.sheet_code`)
is the QR payload that ties a scanned sheet to its key; the roster
(:mod:`~papergen.exam.roster`) names the candidates; and
:func:`resolve_layout` (:mod:`~papergen.exam.layout`) finds the sheet layout
a set of keys was printed with.
"""

from papergen.exam.format import PaperFormat, Scoring, Section, Wording, load_format, wording_problems
from papergen.exam.layout import manifest_layout, resolve_layout
from papergen.exam.manifest import (
    Candidate,
    ExamManifest,
    KeyQuestion,
    VariantKey,
    check_key,
    checksum_mismatches,
    key_digest,
    key_problems,
    load_manifest,
    manifest_from_papers,
    save_manifest,
    seal_manifest,
    variant_checksum,
)
from papergen.exam.paper import JUDGE_LABELS, Paper, PaperFigure, PaperOption, PaperQuestion
from papergen.exam.roster import RosterEntry, assign_variants, load_roster, read_roster
from papergen.exam.sheet_design import AUTO_LAYOUT, design_layout, is_generated_layout_id, readability_problems, save_layout
from papergen.exam.sheet_code import SheetCode, SheetCodeError, decode_sheet_code, encode_sheet_code, exam_checksum

__all__ = [
    "AUTO_LAYOUT",
    "JUDGE_LABELS",
    "Candidate",
    "ExamManifest",
    "KeyQuestion",
    "Paper",
    "PaperFormat",
    "PaperFigure",
    "PaperOption",
    "PaperQuestion",
    "RosterEntry",
    "Scoring",
    "Section",
    "SheetCode",
    "SheetCodeError",
    "VariantKey",
    "Wording",
    "assign_variants",
    "check_key",
    "checksum_mismatches",
    "decode_sheet_code",
    "design_layout",
    "encode_sheet_code",
    "key_digest",
    "key_problems",
    "exam_checksum",
    "is_generated_layout_id",
    "load_format",
    "load_manifest",
    "load_roster",
    "manifest_layout",
    "manifest_from_papers",
    "read_roster",
    "readability_problems",
    "resolve_layout",
    "save_layout",
    "save_manifest",
    "seal_manifest",
    "variant_checksum",
    "wording_problems",
]
