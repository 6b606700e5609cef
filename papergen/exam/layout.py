"""The sheet layout of a set of keys: the layout their sheets were printed with, checked.

Grading reads with it and the reports draw on scans with it, so both resolve
it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omr.layout import LayoutError, SheetLayout, load_layout
from papergen.errors import GradeError
from papergen.exam.manifest import ExamManifest
from papergen.resources import bundled_layout_path

__all__ = ["resolve_layout"]


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
    sheet_layout = _load_layout(first.layout_id, layout)
    if sheet_layout.sha256 != first.layout_sha256:
        raise GradeError(
            f"grade: layout {sheet_layout.id} (sha256 {sheet_layout.sha256[:12]}) is not the layout the sheets "
            f"of exam {first.exam_id} were printed with ({first.layout_id}, sha256 {first.layout_sha256[:12]}); "
            "pass the layout file used at build time with --layout"
        )
    _check_key_fits(manifests, sheet_layout)
    return sheet_layout


def _load_layout(layout_id: str, layout: SheetLayout | str | Path | None) -> SheetLayout:
    if isinstance(layout, SheetLayout):
        return layout
    try:
        path = Path(layout) if layout is not None else bundled_layout_path(layout_id)
        return load_layout(path)
    except FileNotFoundError:
        raise GradeError(
            f"grade: the keys name layout {layout_id!r}, which is not bundled; pass its file with --layout"
        ) from None
    except LayoutError as exc:
        raise GradeError(f"grade: {exc}") from exc


def _check_key_fits(manifests: Sequence[ExamManifest], layout: SheetLayout) -> None:
    for manifest in manifests:
        for variant in manifest.variants:
            last = max((q.number for q in variant.questions), default=0)
            if last > layout.question_count:
                raise GradeError(
                    f"grade: exam {manifest.exam_id} variant {variant.variant} has question {last}, "
                    f"layout {layout.id} only {layout.question_count}"
                )
