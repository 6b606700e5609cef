"""The sheet layout of a set of keys: the layout their sheets were printed with, checked.

Grading reads with it and the reports draw on scans with it, so both resolve
it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omr.layout import LayoutError, SheetLayout, load_layout
from papergen.errors import GradeError
from papergen.errors import FormatError
from papergen.exam.manifest import ExamManifest
from papergen.exam.sheet_design import design_layout, is_generated_layout_id
from papergen.resources import bundled_layout_path

__all__ = ["resolve_layout", "manifest_layout"]


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
        raise GradeError(
            f"grade: keys use different sheet layouts ({first.exam_id}: {first.layout_id}, "
            f"{other.exam_id}: {other.layout_id}); grade each layout's sheets in its own run"
        )
    sheet_layout = _load_layout(first, layout)
    if sheet_layout.sha256 != first.layout_sha256:
        raise GradeError(
            f"grade: layout {sheet_layout.id} (sha256 {sheet_layout.sha256[:12]}) is not the layout the sheets "
            f"of exam {first.exam_id} were printed with ({first.layout_id}, sha256 {first.layout_sha256[:12]}); "
            "pass the layout file used at build time with --layout"
        )
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
        raise GradeError(
            f"grade: the keys name layout {layout_id!r}, which is not bundled; pass its file with --layout"
        ) from None
    except LayoutError as exc:
        raise GradeError(f"grade: {exc}") from exc
    except FormatError as exc:
        raise GradeError(f"grade: {exc}; pass the layout file used at build time with --layout") from exc


def _check_key_fits(manifests: Sequence[ExamManifest], layout: SheetLayout) -> None:
    for manifest in manifests:
        for variant in manifest.variants:
            last = max((q.number for q in variant.questions), default=0)
            if last > layout.question_count:
                raise GradeError(
                    f"grade: exam {manifest.exam_id} variant {variant.variant} has question {last}, "
                    f"layout {layout.id} only {layout.question_count}"
                )
