"""The text carried by an answer sheet's QR code.

``PG1|<exam id>|<variant>|<checksum>|<candidate number or empty>``, kept
short (about 30 characters) so that a 30 mm code reads from 150 dpi scans.
A generic sheet, printed once for every variant, leaves the variant empty
and carries the exam's checksum (:func:`exam_checksum`); the candidate marks
the variant in its 试卷类型 bubbles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from papergen.i18n import _

__all__ = ["SheetCode", "encode_sheet_code", "decode_sheet_code", "SheetCodeError", "exam_checksum"]

_PREFIX = "PG1"


class SheetCodeError(ValueError):
    """A QR payload is not a papergen sheet code."""


@dataclass(frozen=True, slots=True)
class SheetCode:
    """What a sheet's QR code says."""

    exam_id: str
    variant: str
    checksum: str
    candidate: str = ""

    @property
    def generic(self) -> bool:
        """True for a generic sheet: no variant, the exam's checksum."""
        return not self.variant


def exam_checksum(variant_checksums: Sequence[str]) -> str:
    """8 hex digits identifying a whole build: the SHA-256 of its variants' checksums, in order."""
    return hashlib.sha256("|".join(variant_checksums).encode("ascii")).hexdigest()[:8]


def encode_sheet_code(code: SheetCode) -> str:
    """The QR payload of a sheet."""
    for name in ("exam_id", "variant", "checksum", "candidate"):
        if "|" in getattr(code, name):
            raise SheetCodeError(_("sheet code {name} may not contain '|' (got {code!r})").format(
                    name=name, code=getattr(code, name)))
    return "|".join((_PREFIX, code.exam_id, code.variant, code.checksum, code.candidate))


def decode_sheet_code(payload: str) -> SheetCode:
    """Parse a QR payload.

    Raises
    ------
    SheetCodeError
        If the payload is not a papergen sheet code.
    """
    parts = payload.split("|")
    if len(parts) != 5 or parts[0] != _PREFIX:
        raise SheetCodeError(_("QR code is not a papergen sheet code (got {payload!r})").format(
                payload=payload[:40]))
    _prefix, exam_id, variant, checksum, candidate = parts
    if not exam_id or len(checksum) != 8:
        raise SheetCodeError(_("QR code lacks exam or checksum (got {payload!r})").format(
                payload=payload[:40]))
    return SheetCode(exam_id, variant, checksum, candidate)
