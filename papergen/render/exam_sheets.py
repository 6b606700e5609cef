"""What each printed answer sheet of an exam says: per variant, or one generic sheet for all variants.

Used by the build and by the simulator, so a simulated scan carries exactly
the sheet the build prints.
"""

from __future__ import annotations

from papergen.exam import Candidate, ExamManifest, SheetCode, encode_sheet_code, exam_checksum
from papergen.render.sheet import SheetPrint

__all__ = ["exam_sheet_print", "GENERIC", "GENERIC_SHEET_PDF"]

GENERIC = ""
"""The variant of a generic sheet: none (the candidate marks it in 试卷类型)."""
GENERIC_SHEET_PDF = "sheet.pdf"
"""File name of an exam's generic sheet."""


def exam_sheet_print(manifest: ExamManifest, variant: str, candidate: Candidate | None = None, *,
                     exam_id: str | None = None, checksum: str | None = None) -> SheetPrint:
    """One sheet of an exam: variant ``GENERIC`` for the generic sheet, else that variant's.

    Parameters
    ----------
    manifest : ExamManifest
        The exam's key (title, variants and their checksums).
    variant : str
        A variant name, or :data:`GENERIC`.
    candidate : Candidate, optional
        Roster entry printed on a personalised sheet.
    exam_id, checksum : str, optional
        Printed instead of the manifest's (a sheet of another exam, for tests and simulation).
    """
    if checksum is None:
        checksum = (exam_checksum([v.checksum for v in manifest.variants]) if variant == GENERIC
                    else manifest.variant(variant).checksum)
    exam_id = exam_id or manifest.exam_id
    number = candidate.number if candidate else ""
    return SheetPrint(
        title=manifest.title, exam_id=exam_id, variant=variant, checksum=checksum,
        qr_payload=encode_sheet_code(SheetCode(exam_id, variant, checksum, number)),
        candidate_number=number, candidate_name=candidate.name if candidate else "",
        room=candidate.room if candidate else "", seat=candidate.seat if candidate else "",
        instructions=manifest.format.sheet_instructions(), legend_note=manifest.format.legend_note(),
    )
