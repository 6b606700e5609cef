"""Millimetres to PDF points, and the top-left to bottom-left origin flip.

Every geometry in papergen is in millimetres with the origin at the page's
top-left corner and y growing downwards (the layout and image convention).
PDF user space is in points (1/72 inch) with the origin at the bottom-left
corner and y growing upwards.  This module is the one place where one turns
into the other; the renderers never multiply by 72 / 25.4 themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PT_PER_MM", "mm_to_pt", "PageSpace", "RectPt"]

PT_PER_MM = 72.0 / 25.4
"""PDF points per millimetre."""


def mm_to_pt(length_mm: float) -> float:
    """A length in millimetres as PDF points (no origin change)."""
    return length_mm * PT_PER_MM


@dataclass(frozen=True, slots=True)
class RectPt:
    """A rectangle in PDF user space: bottom-left corner and size, points."""

    x_pt: float
    y_pt: float
    width_pt: float
    height_pt: float


@dataclass(frozen=True, slots=True)
class PageSpace:
    """Maps top-left millimetre coordinates of one page to PDF points.

    Parameters
    ----------
    page_width_mm, page_height_mm : float
        Page size, mm.

    Examples
    --------
    >>> space = PageSpace(210.0, 297.0)
    >>> [round(v, 3) for v in space.point(0.0, 297.0)]
    [0.0, 0.0]
    >>> round(space.point(10.0, 0.0)[1], 3)
    841.89
    """

    page_width_mm: float
    page_height_mm: float

    @property
    def size_pt(self) -> tuple[float, float]:
        """Page (width, height), points."""
        return mm_to_pt(self.page_width_mm), mm_to_pt(self.page_height_mm)

    def point(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        """PDF (x, y) in points of the point (x_mm, y_mm) measured from the top-left."""
        return mm_to_pt(x_mm), mm_to_pt(self.page_height_mm - y_mm)

    def rect(self, x_mm: float, y_mm: float, width_mm: float, height_mm: float) -> RectPt:
        """PDF rectangle of a box whose top-left corner is (x_mm, y_mm), size in mm."""
        return RectPt(
            mm_to_pt(x_mm),
            mm_to_pt(self.page_height_mm - y_mm - height_mm),
            mm_to_pt(width_mm),
            mm_to_pt(height_mm),
        )

    def centred_rect(self, cx_mm: float, cy_mm: float, width_mm: float, height_mm: float) -> RectPt:
        """PDF rectangle of a box of the given size centred on (cx_mm, cy_mm)."""
        return self.rect(cx_mm - width_mm / 2, cy_mm - height_mm / 2, width_mm, height_mm)
