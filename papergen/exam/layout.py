"""The sheet layout of a set of keys: the layout their sheets were printed with, checked.

Grading reads with it and the reports draw on scans with it, so both resolve
it here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from omr.layout import LayoutError, SheetLayout, load_layout
from papergen.errors import FormatError, GradeError
from papergen.files import validation_problems
from papergen.i18n import _, os_error_reason
from papergen.exam.manifest import ExamManifest
from papergen.exam.sheet_design import design_layout, is_generated_layout_id
from papergen.resources import bundled_layout_path

__all__ = ["resolve_layout", "manifest_layout", "layout_error_message"]


def resolve_layout(manifests: Sequence[ExamManifest], layout: SheetLayout | str | Path | None) -> SheetLayout:
    """The sheet layout of a run, checked against the keys.

    Parameters
    ----------
    manifests : sequence of ExamManifest
        The run's keys; they must all name one layout.
    layout : SheetLayout or path or None
        The layout to read with; None for the bundled layout the keys name.

    Raises
    ------
    GradeError
        If the keys name different layouts, the layout cannot be loaded, its
        SHA-256 differs from the one the keys were built with, or it has fewer
        questions than a key.
    """
    first = manifests[0]
    other = next((m for m in manifests if m.layout_sha256 != first.layout_sha256), None)
    if other is not None:
        raise GradeError(_(
            "grade: keys use different sheet layouts ({exam}: {layout}, {other_exam}: {other_layout}); "
            "grade each layout's sheets in its own run").format(
                exam=first.exam_id, layout=first.layout_id, other_exam=other.exam_id, other_layout=other.layout_id))
    sheet_layout = _load_layout(first, layout)
    if sheet_layout.sha256 != first.layout_sha256:
        raise GradeError(_(
            "grade: layout {layout} (sha256 {sha}) is not the layout the sheets of exam {exam} were printed with "
            "({printed}, sha256 {printed_sha}); pass the layout file used at build time with --layout").format(
                layout=sheet_layout.id, sha=sheet_layout.sha256[:12], exam=first.exam_id, printed=first.layout_id,
                printed_sha=first.layout_sha256[:12]))
    _check_key_fits(manifests, sheet_layout)
    return sheet_layout


def manifest_layout(manifest: ExamManifest) -> SheetLayout:
    """The layout a key names: bundled, or generated again from the format the key embeds.

    A generated layout's id ends in ``-generic`` for a generic sheet, whose
    试卷类型 bubbles are the key's variants.

    Raises
    ------
    FileNotFoundError
        If the layout is neither bundled nor generated.
    LayoutError
        If the bundled file is invalid.
    FormatError
        If the format no longer gives a layout.
    """
    if is_generated_layout_id(manifest.layout_id):
        generic = manifest.layout_id.endswith("-generic")
        variants = [v.variant for v in manifest.variants] if generic else None
        return design_layout(manifest.format, variants=variants)
    return load_layout(bundled_layout_path(manifest.layout_id))


def _load_layout(manifest: ExamManifest, layout: SheetLayout | str | Path | None) -> SheetLayout:
    layout_id = manifest.layout_id
    if isinstance(layout, SheetLayout):
        return layout
    try:
        if layout is None:
            return manifest_layout(manifest)
        return load_layout(Path(layout))
    except FileNotFoundError:
        raise GradeError(_(
            "grade: the keys name layout {layout!r}, which is not bundled; pass its file with --layout").format(
                layout=layout_id)) from None
    except LayoutError as exc:
        path = Path(layout) if layout is not None else bundled_layout_path(layout_id)
        raise GradeError(_("grade: {problem}").format(problem=layout_error_message(exc, path))) from exc
    except FormatError as exc:
        raise GradeError(_("grade: {problem}; pass the layout file used at build time with --layout").format(
            problem=exc)) from exc


def _check_key_fits(manifests: Sequence[ExamManifest], layout: SheetLayout) -> None:
    for manifest in manifests:
        for variant in manifest.variants:
            last = max((q.number for q in variant.questions), default=0)
            if last > layout.question_count:
                raise GradeError(_(
                    "grade: exam {exam} variant {variant} has question {last}, layout {layout} only {count}").format(
                        exam=manifest.exam_id, variant=variant.variant, last=last, layout=layout.id,
                        count=layout.question_count))


def layout_error_message(exc: LayoutError, path: str | Path) -> str:
    """The message of a layout file ``path`` that ``omr`` could not load, in the language in use.

    ``omr`` words its errors in English; what went wrong is read from the
    exception's cause (unreadable file, bad JSON, invalid layout).
    """
    cause = exc.__cause__
    if isinstance(cause, OSError):
        return _("{path}: cannot read the layout ({reason})").format(path=path, reason=os_error_reason(cause))
    if isinstance(cause, json.JSONDecodeError):
        return _("{path}: not valid JSON (line {line}, column {column}: {reason})").format(
            path=path, line=cause.lineno, column=cause.colno, reason=cause.msg)
    if isinstance(cause, ValidationError):
        return _("{path}: not a valid layout: {problems}").format(path=path, problems=validation_problems(cause))
    return str(exc)
