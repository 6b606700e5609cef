"""Bar charts as geometry: computed once, drawn by the PDF and the HTML renderer alike.

Coordinates are points with the origin at the chart's top-left corner and y
growing downwards (SVG's convention); the PDF renderer flips them.  Keeping
the layout out of the drawing code lets both outputs show the same chart and
lets a test check the bars without rendering anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = ["ChartStyle", "ChartBar", "ChartText", "ChartLine", "Chart", "bar_chart"]

_MIDDLE_EM = 0.35
"""Height of the visual middle of digits above their baseline, em: centres a tick label on its grid line."""


@dataclass(frozen=True)
class ChartStyle:
    """Geometry (points) and greys (0 = black, 1 = white) of a bar chart."""

    width_pt: float = 480.0
    height_pt: float = 170.0
    margin_left_pt: float = 30.0
    margin_right_pt: float = 8.0
    margin_top_pt: float = 22.0
    margin_bottom_pt: float = 30.0
    bar_gap: float = 0.18
    """Gap between bars as a share of a slot's width."""
    title_size_pt: float = 9.5
    title_baseline_pt: float = 11.5
    """Baseline of the title below the chart's top edge."""
    tick_size_pt: float = 7.0
    count_size_pt: float = 7.0
    axis_width_pt: float = 0.6
    grid_width_pt: float = 0.3
    grid_grey: float = 0.82
    bar_grey: float = 0.55
    highlight_grey: float = 0.3
    marker_width_pt: float = 1.0
    marker_dash_pt: float = 3.0
    label_gap_pt: float = 3.0
    tick_counts: tuple[int, ...] = (4, 5, 2, 3, 1)
    """Preferred numbers of count-axis intervals; the first that divides the axis's top is used."""


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar: top-left corner and size, points; ``highlight`` bars print darker."""

    x: float
    y: float
    width: float
    height: float
    highlight: bool = False


@dataclass(frozen=True, slots=True)
class ChartText:
    """One text: anchor point (baseline), size, and which point of the text the anchor is."""

    x: float
    y: float
    text: str
    size: float
    anchor: Literal["start", "middle", "end"] = "middle"


@dataclass(frozen=True, slots=True)
class ChartLine:
    """One straight line; ``grey`` 0 = black; ``dash`` 0 = solid, else dash length, points."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    grey: float = 0.0
    dash: float = 0.0


@dataclass(frozen=True)
class Chart:
    """A laid-out bar chart: ``grid`` lies under the bars, ``lines`` (axes, marker) over them."""

    width: float
    height: float
    grid: tuple[ChartLine, ...]
    bars: tuple[ChartBar, ...]
    texts: tuple[ChartText, ...]
    lines: tuple[ChartLine, ...]
    style: ChartStyle


def bar_chart(
    labels: Sequence[str],
    counts: Sequence[int],
    *,
    title: str,
    marker: tuple[float, str] | None = None,
    highlight: Sequence[bool] | None = None,
    style: ChartStyle = ChartStyle(),
) -> Chart:
    """Lay out a bar chart of counts with category labels under the bars.

    Parameters
    ----------
    labels : sequence of str
        One label per bar, printed under it.
    counts : sequence of int
        Bar heights; each is printed above its bar.
    title : str
        Printed above the plot area.
    marker : (position, text), optional
        A dashed vertical line at ``position`` in bar units (0 = left edge of
        the first bar's slot, n = right edge of the last), labelled ``text``.
    highlight : sequence of bool, optional
        Bars to print darker.
    style : ChartStyle
        Geometry.

    Raises
    ------
    ValueError
        If labels and counts differ in length or are empty.
    """
    if len(labels) != len(counts) or not labels:
        raise ValueError(f"bar chart needs as many labels as counts, at least one (got {len(labels)}, {len(counts)})")
    plot = _PlotArea(style)
    top = _axis_top(max(counts))
    slot = plot.width / len(counts)
    bars, texts = [], [ChartText(plot.left, style.title_baseline_pt, title, style.title_size_pt, "start")]
    for i, (label, count) in enumerate(zip(labels, counts)):
        height = plot.height * count / top
        x = plot.left + slot * (i + style.bar_gap / 2)
        bars.append(ChartBar(x, plot.bottom - height, slot * (1 - style.bar_gap), height,
                             bool(highlight[i]) if highlight is not None else False))
        centre = plot.left + slot * (i + 0.5)
        texts.append(ChartText(centre, plot.bottom + style.label_gap_pt + style.tick_size_pt, label, style.tick_size_pt))
        if count:
            texts.append(ChartText(centre, plot.bottom - height - style.label_gap_pt, str(count), style.count_size_pt))
    grid = _grid(plot, top, style, texts)
    lines = _axes(plot, style)
    if marker is not None:
        lines.append(_marker_line(plot, slot * marker[0], style))
        texts.append(ChartText(plot.left + slot * marker[0] + style.label_gap_pt, plot.top + style.tick_size_pt,
                               marker[1], style.tick_size_pt, "start"))
    return Chart(style.width_pt, style.height_pt, tuple(grid), tuple(bars), tuple(texts), tuple(lines), style)


@dataclass(frozen=True)
class _PlotArea:
    style: ChartStyle

    @property
    def left(self) -> float:
        return self.style.margin_left_pt

    @property
    def top(self) -> float:
        return self.style.margin_top_pt

    @property
    def bottom(self) -> float:
        return self.style.height_pt - self.style.margin_bottom_pt

    @property
    def width(self) -> float:
        return self.style.width_pt - self.style.margin_left_pt - self.style.margin_right_pt

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _axis_top(largest: int) -> int:
    """A round upper end of the count axis, >= largest and >= 1."""
    if largest <= 4:
        return max(1, largest)
    step = 10 ** int(np.floor(np.log10(largest)))
    for multiple in (1, 2, 2.5, 5, 10):
        candidate = multiple * step
        if candidate >= largest and float(candidate).is_integer():
            return int(candidate)
    return int(10 * step)


def _axes(plot: _PlotArea, style: ChartStyle) -> list[ChartLine]:
    return [
        ChartLine(plot.left, plot.bottom, plot.left + plot.width, plot.bottom, style.axis_width_pt),
        ChartLine(plot.left, plot.top, plot.left, plot.bottom, style.axis_width_pt),
    ]


def _grid(plot: _PlotArea, top: int, style: ChartStyle, texts: list[ChartText]) -> list[ChartLine]:
    """Horizontal grid lines at round counts; their labels are appended to ``texts``."""
    lines = []
    ticks = next((t for t in style.tick_counts if t <= top and top % t == 0), 1)
    for k in range(1, ticks + 1):
        value = top * k / ticks
        y = plot.bottom - plot.height * k / ticks
        lines.append(ChartLine(plot.left, y, plot.left + plot.width, y, style.grid_width_pt, style.grid_grey))
        texts.append(ChartText(plot.left - style.label_gap_pt, y + style.tick_size_pt * _MIDDLE_EM, f"{value:g}",
                               style.tick_size_pt, "end"))
    texts.append(ChartText(plot.left - style.label_gap_pt, plot.bottom + style.tick_size_pt * _MIDDLE_EM, "0",
                           style.tick_size_pt, "end"))
    return lines


def _marker_line(plot: _PlotArea, offset: float, style: ChartStyle) -> ChartLine:
    x = plot.left + offset
    return ChartLine(x, plot.top, x, plot.bottom, style.marker_width_pt, 0.0, style.marker_dash_pt)
