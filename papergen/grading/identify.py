"""Which key a read sheet belongs to, and whose sheet it is.

The QR code names the exam, variant and key checksum (see
:mod:`papergen.exam.sheet_code`); a sheet is scored only if all three match a
key manifest given to the run.  Anything else is a :class:`Refusal` with a
reason, never a guess.  The candidate number comes from the digit grid, or
from the QR code on personalised sheets (then the grid, if filled in, is
cross-checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from omr.result import CandidateRead, SheetRead
from papergen.exam import ExamManifest, SheetCode, SheetCodeError, VariantKey, decode_sheet_code, exam_checksum
from papergen.grading.labels import reasons_text
from papergen.grading.records import Flag
from papergen.i18n import _

__all__ = [
    "Identity",
    "Refusal",
    "identify_sheet",
    "resolve_candidate",
    "roster_flags",
    "CANDIDATE_MISMATCH",
    "CANDIDATE_UNREADABLE",
    "CANDIDATE_MISSING",
    "NOT_ON_ROSTER",
    "ROSTER_VARIANT",
]

CANDIDATE_MISMATCH = "candidate_mismatch"
"""The printed QR candidate number differs from the grid the candidate filled in."""
CANDIDATE_UNREADABLE = "candidate_unreadable"
"""The digit grid has a column with no clear digit (blank, ambiguous or two marks)."""
CANDIDATE_MISSING = "candidate_missing"
"""No candidate number: the grid was not read and the QR code carries none."""
NOT_ON_ROSTER = "not_on_roster"
"""The exam has a roster and the candidate number is not on it."""
ROSTER_VARIANT = "roster_variant"
"""The roster assigns the candidate another variant than the sheet's."""


@dataclass(frozen=True)
class Identity:
    """A sheet matched to a key.

    Attributes
    ----------
    manifest : ExamManifest
        The exam's key manifest.
    key : VariantKey
        The variant's key.
    candidate : str
        Candidate number as resolved (may contain ``"?"``/``"*"`` if unreadable;
        empty if none).
    flags : tuple of Flag
        Identification problems for review.
    """

    manifest: ExamManifest
    key: VariantKey
    candidate: str
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """A sheet that must not be scored, with the reason and what the QR said."""

    reason: str
    exam_id: str | None = None
    variant: str | None = None


def identify_sheet(read: SheetRead, manifests: Mapping[str, ExamManifest]) -> Identity | Refusal:
    """Match a read sheet to one of the keys given, or refuse it.

    Parameters
    ----------
    read : SheetRead
        A page read as an answer sheet.
    manifests : mapping of str to ExamManifest
        The keys of this run, by exam id.

    Returns
    -------
    Identity or Refusal
        Refusal for no QR code, a code that is not a papergen sheet code, a
        sheet of another exam, an unknown variant, or a key checksum mismatch;
        on a generic sheet (no variant in the QR code) for a 试卷类型 row without
        exactly one clear mark; on any sheet whose 缺考 mark is filled.
    """
    if not read.qr_text:
        return Refusal(_("no QR code decoded, so the sheet cannot be matched to a key; rescan the page"))
    try:
        code = decode_sheet_code(read.qr_text)
    except SheetCodeError as exc:
        return Refusal(str(exc))
    absent = _absent_refusal(read, code)
    if absent is not None:
        return absent
    found = _find_generic_key(code, manifests, read) if code.generic else _find_key(code, manifests)
    if isinstance(found, Refusal):
        return found
    manifest, key = found
    candidate, flags = resolve_candidate(code.candidate, read.candidate)
    flags += roster_flags(manifest, candidate, key.variant)
    return Identity(manifest, key, candidate, flags)


def _find_key(code: SheetCode, manifests: Mapping[str, ExamManifest]) -> tuple[ExamManifest, VariantKey] | Refusal:
    manifest = manifests.get(code.exam_id)
    if manifest is None:
        return Refusal(
            _("sheet of exam {exam}, which is not among the keys given ({given}); pass its key.json with --key")
            .format(exam=repr(code.exam_id), given=", ".join(sorted(manifests))),
            code.exam_id, code.variant,
        )
    keys = {v.variant: v for v in manifest.variants}
    key = keys.get(code.variant)
    if key is None:
        return Refusal(
            _("exam {exam}: no variant {variant} in the key (has {variants})").format(
                exam=code.exam_id, variant=repr(code.variant), variants=", ".join(keys)),
            code.exam_id, code.variant,
        )
    if key.checksum != code.checksum:
        return Refusal(
            _("exam {exam} variant {variant}: the sheet carries key checksum {sheet}, the key has {key}; the sheet "
              "was printed for another build of this exam").format(exam=code.exam_id, variant=code.variant,
                                                                   sheet=code.checksum, key=key.checksum),
            code.exam_id, code.variant,
        )
    return manifest, key


def _absent_refusal(read: SheetRead, code: SheetCode) -> Refusal | None:
    """A sheet whose 缺考 mark the proctor filled: the candidate was absent, so nothing is scored."""
    mark = read.marks.get("absent")
    if mark is None or not (mark.marked or mark.needs_review):
        return None
    if mark.marked and not mark.needs_review:
        reason = _("缺考 (absent) marked by the proctor: the candidate counts as absent, the sheet is not scored; "
                   "if the candidate did sit, clear the mark and rescan")
    else:
        reason = _("缺考 (absent) possibly marked (unclear) by the proctor: the candidate counts as absent, the "
                   "sheet is not scored; if the candidate did sit, clear the mark and rescan")
    return Refusal(reason, code.exam_id, code.variant or None)


def _find_generic_key(code: SheetCode, manifests: Mapping[str, ExamManifest],
                      read: SheetRead) -> tuple[ExamManifest, VariantKey] | Refusal:
    """The key of a generic sheet: exam from the QR code, variant from the 试卷类型 bubbles."""
    manifest = manifests.get(code.exam_id)
    if manifest is None:
        return _find_key(code, manifests)
    expected = exam_checksum([v.checksum for v in manifest.variants])
    if code.checksum != expected:
        return Refusal(_("exam {exam}: the generic sheet carries exam checksum {sheet}, the keys give {keys}; the "
                         "sheet was printed for another build of this exam").format(
                             exam=code.exam_id, sheet=code.checksum, keys=expected), code.exam_id)
    mark = read.marks.get("variant")
    if mark is None:
        return Refusal(_("exam {exam}: a generic sheet read without its 试卷类型 bubbles; grade with the layout the "
                         "sheet was printed with").format(exam=code.exam_id), code.exam_id)
    if len(mark.marked) != 1 or mark.needs_review:
        found = ", ".join(mark.marked) or _("none")
        if mark.needs_review:
            reason = _("exam {exam}: 试卷类型 needs exactly one clear mark (marked: {found}; unclear marks); check "
                       "the booklet the candidate used and mark the variant by hand")
        else:
            reason = _("exam {exam}: 试卷类型 needs exactly one clear mark (marked: {found}); check the booklet the "
                       "candidate used and mark the variant by hand")
        return Refusal(reason.format(exam=code.exam_id, found=found), code.exam_id)
    variant = mark.marked[0]
    keys = {v.variant: v for v in manifest.variants}
    if variant not in keys:
        return Refusal(_("exam {exam}: 试卷类型 marked {variant}, not a variant of the key (has {variants})").format(
            exam=code.exam_id, variant=repr(variant), variants=", ".join(keys)), code.exam_id, variant)
    return manifest, keys[variant]


def resolve_candidate(qr_candidate: str, grid: CandidateRead | None) -> tuple[str, tuple[Flag, ...]]:
    """The candidate number of a sheet and any problem with it.

    Parameters
    ----------
    qr_candidate : str
        Candidate number printed in the QR code (personalised sheets), or ``""``.
    grid : CandidateRead or None
        The digit grid as read.

    Returns
    -------
    candidate : str
        The QR number if present (it was printed, the grid was hand-filled),
        else the grid's digits; ``""`` if neither exists.
    flags : tuple of Flag
        ``candidate_mismatch`` if a filled-in grid differs from the QR number,
        ``candidate_unreadable`` if the grid (used as the number) is incomplete,
        ``candidate_missing`` if there is no number at all.
    """
    digits = grid.digits if grid is not None else ""
    if qr_candidate:
        if any(ch.isdigit() for ch in digits) and digits != qr_candidate:
            return qr_candidate, (Flag(CANDIDATE_MISMATCH, _("QR code says {qr}, grid reads {digits}").format(
                qr=qr_candidate, digits=digits)),)
        return qr_candidate, ()
    if grid is None or not digits:
        return "", (Flag(CANDIDATE_MISSING, _("no candidate number read from the grid")),)
    if not grid.complete:
        if grid.flags:
            detail = _("grid reads {digits} ({problems})").format(digits=digits, problems=reasons_text(grid.flags))
        else:
            detail = _("grid reads {digits}").format(digits=digits)
        return digits, (Flag(CANDIDATE_UNREADABLE, detail),)
    return digits, ()


def roster_flags(manifest: ExamManifest, candidate: str, variant: str) -> tuple[Flag, ...]:
    """Roster problems of a sheet: candidate not on the roster, or given another variant.

    An exam without a roster, or a sheet without a clear candidate number,
    yields no roster flags.
    """
    if not manifest.candidates or not candidate.isdigit():
        return ()
    entry = next((c for c in manifest.candidates if c.number == candidate), None)
    if entry is None:
        return (Flag(NOT_ON_ROSTER, _("candidate {candidate} is not on the roster of exam {exam}").format(
            candidate=candidate, exam=manifest.exam_id)),)
    if entry.variant != variant:
        return (Flag(ROSTER_VARIANT, _("roster assigns {name} ({candidate}) variant {roster}, the sheet is variant "
                                       "{variant}").format(name=entry.name, candidate=candidate,
                                                           roster=entry.variant, variant=variant)),)
    return ()
