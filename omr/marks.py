"""Bubble fill measures and their per-sheet, relative classification.

Measuring.  Each bubble's interior (the ellipse inside its printed outline,
less a registration margin) is sampled on a fixed grid through the
homography (:mod:`omr.sampling`) and turned into darkness: 0 = the paper
just above and below the bubbles of its neighbourhood (so uneven light and
tinted bands cancel, while the grain of one bubble's few paper probes does
not pass for a faint smear), 1 = this sheet's black (its fiducials).  Samples on the printed outline
check, bubble by bubble, that the homography puts it where it is printed.

Subtracting the print.  Bubbles that print the same thing (same block and
option, or same digit) share a blank pattern: the per-sample mean of the
group's blankest members.  A bubble's ``fill`` is its mean darkness above
that pattern's, rescaled to [0, 1]; its *stray ink* is the share of samples
darker than the (slightly dilated) pattern by a stroke's darkness, which is
how ticks and crosses show even when their mean is low.

Classifying.  Fills of the whole sheet split into a blank and a marked
cluster (Otsu on the fills, as OMRChecker splits a question's sorted fills at
their largest gap, but over all bubbles so that a question with one mark is
still judged against the sheet's own marks).  Positions ``t`` on the sheet's
blank-to-marked scale decide: a full mark needs a high ``t`` and ink over
most of the bubble; a lighter fill still counts when it stands half-way up
the scale, far above every blank, and its ink covers the bubble evenly as a
fill does; a blank needs a low ``t`` and no strokes; everything in between
(faint washes, partial fills, ticks, crosses) is ambiguous and flagged
for review, and residue beside a mark is flagged as an erasure, except
beside the one clear mark of a single-answer question (an answer changed:
the new one is read without review).  A bubble
whose outline is missing is flagged as misaligned.  The reader never
guesses silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from omr.layout import SheetLayout
from omr.params import ReadParams
from omr.result import CandidateRead, MarkState, QuestionRead
from omr.sampling import patch_offsets, sample_patches

__all__ = [
    "BubbleTable",
    "BubbleMeasures",
    "SheetCalibration",
    "bubble_table",
    "measure_bubbles",
    "calibrate",
    "read_questions",
    "read_candidate",
    "MARKED_CODE",
    "FLAG_AMBIGUOUS",
    "FLAG_MULTIPLE",
    "FLAG_ERASURE",
    "FLAG_MISALIGNED",
]

FLAG_AMBIGUOUS = "ambiguous"
"""A bubble of the question is neither clearly blank nor clearly marked."""
FLAG_MULTIPLE = "multiple"
"""Several marks on a question that takes one."""
FLAG_ERASURE = "erasure"
"""Residue of an erased mark: beside a mark, or on a question read as unanswered."""
FLAG_MISALIGNED = "misaligned"
"""A bubble's printed outline is not where it was sampled (a local crease or fold): its fill is unreliable."""

_STATE_CODES = (MarkState.BLANK, MarkState.AMBIGUOUS, MarkState.MARKED)
_BLANK, _AMBIGUOUS, _MARKED = 0, 1, 2
MARKED_CODE = _MARKED
"""Value of :attr:`SheetCalibration.states` for a marked bubble (0 blank, 1 ambiguous)."""
_DIGIT_VALUES = 10


@dataclass(frozen=True)
class BubbleTable:
    """Every bubble of a layout in reading order: answer bubbles by question, then digit bubbles.

    Attributes
    ----------
    centres_mm : ndarray, shape (n, 2)
        Bubble centres, layout mm.
    group : ndarray of int, shape (n,)
        Print group: bubbles of one block and option (or of one digit value) print the same thing.
    question_start : ndarray of int, shape (questions + 1,)
        Answer bubbles of question ``k`` (0-based) are ``question_start[k]:question_start[k + 1]``.
    numbers, options, multiple : tuple
        Per question: number, option keys, whether several marks are expected.
    answer_count : int
        Number of answer bubbles (digit bubbles follow them).
    digits : int
        Candidate-number columns (10 bubbles each, digit-major).
    option_bit : ndarray of int, shape (answer_count,)
        ``1 << k`` for the k-th option of its question: summed over a question's marked bubbles, it
        names the marked options.
    runs : tuple of (int, int, int)
        Runs of consecutive questions with equally many options (a block each): (first bubble,
        questions, options per question).
    region : ndarray of int, shape (n,)
        Printed region: the block of an answer bubble, one more than the last block for the digit grid
        (regions differ in background: multiple-choice blocks print on a tinted band).
    """

    centres_mm: np.ndarray
    group: np.ndarray
    question_start: np.ndarray
    numbers: tuple[int, ...]
    options: tuple[tuple[str, ...], ...]
    multiple: tuple[bool, ...]
    answer_count: int
    digits: int
    option_bit: np.ndarray
    runs: tuple[tuple[int, int, int], ...]
    region: np.ndarray


@dataclass(frozen=True)
class BubbleMeasures:
    """What was measured in every bubble of :class:`BubbleTable` order.

    Attributes
    ----------
    darkness : ndarray of float32, shape (n, ny, nx)
        Darkness samples over each bubble's interior box.
    inside_weights : ndarray of float32, shape (ny * nx,)
        1 / count for samples inside the interior ellipse, 0 outside: ``flat @ inside_weights`` is
        the mean over the interior.
    sector_weights : ndarray of float32, shape (sectors, ny * nx)
        The same per angular sector of the interior's outer ring (one row per sector: matrix-vector
        products stay single-threaded and fast, where a small BLAS matrix product can stall on threads).
    outline : ndarray of float32, shape (n,)
        Share of the printed outline found where the homography puts it: ~1 for a registered bubble
        (blank or filled), low where the page is curled or folded and the bubble sits elsewhere.
    """

    darkness: np.ndarray
    inside_weights: np.ndarray
    sector_weights: np.ndarray
    outline: np.ndarray

    @property
    def flat(self) -> np.ndarray:
        """Darkness as (n, ny * nx)."""
        return self.darkness.reshape(len(self.darkness), -1)


@dataclass(frozen=True)
class SheetCalibration:
    """The sheet's own scale for marks, and every bubble's position on it.

    Attributes
    ----------
    fill : ndarray, shape (n,)
        Darkness above the printed pattern, rescaled to [0, 1] (reported as the bubble's fill).
    t : ndarray, shape (n,)
        Position on the bubble's scale: 0 = typical blank, 1 = typical mark (of the sheet's answers, or
        for the candidate-number grid of its own marks when they are clear).
    coverage : ndarray, shape (n,)
        Share of the interior darker than half the typical mark's darkness.
    rim : ndarray, shape (n, sectors)
        Coverage of each angular sector of the interior's outer ring, sorted ascending: a fill
        reaches every side (a fill pushed aside misses one or two), a tick, a cross or a half fill
        leaves three or more sectors white.  0 where ``coverage`` is below ``mark_min_coverage``
        (not measured: such a bubble is no full mark whatever its rim).
    stray : ndarray, shape (n,)
        Share of the interior covered by strokes beyond the printed pattern.
    blank_level, mark_level : float
        Cluster centres of ``fill``.
    confident_marks : bool
        False when the sheet shows no clear marked cluster (nominal levels used).
    aligned : ndarray of bool, shape (n,)
        Whether the bubble's printed outline was found where it was sampled.
    states : ndarray of int, shape (n,)
        0 blank, 1 ambiguous, 2 marked.
    confidence : ndarray, shape (n,)
        Per-bubble confidence in [0, 1].
    residue : ndarray of bool, shape (n,)
        Not marked, but darker than blank paper by ``erasure_min_t`` of the darker of the sheet's scale
        and the bubble's own (the digit grid's): erasure residue if beside a mark.  A number filled
        lighter or darker than the answers does not make the grain of its blank bubbles residue.
    """

    fill: np.ndarray
    t: np.ndarray
    coverage: np.ndarray
    rim: np.ndarray
    stray: np.ndarray
    blank_level: float
    mark_level: float
    confident_marks: bool
    aligned: np.ndarray
    states: np.ndarray
    confidence: np.ndarray
    residue: np.ndarray


# -- the table ---------------------------------------------------------------------------------------


def bubble_table(layout: SheetLayout) -> BubbleTable:
    """The layout's bubbles in reading order (cached per layout)."""
    return _bubble_table(layout)


@lru_cache(maxsize=16)
def _bubble_table(layout: SheetLayout) -> BubbleTable:
    centres: list[tuple[float, float]] = []
    groups: list[int] = []
    bits: list[int] = []
    runs: list[tuple[int, int, int]] = []
    starts, numbers, options, multiple, regions = [0], [], [], [], []
    group = 0
    blocks = sorted(layout.blocks, key=lambda b: b.first)  # blocks number questions 1..N in order
    for region, block in enumerate(blocks):
        width = len(block.options)
        regions += [region] * (block.count * width)
        runs.append((len(centres), block.count, width))
        for index in range(block.count):
            x, y = block.row_centre(index)
            centres += [(x + k * block.option_pitch_mm, y) for k in range(width)]
            groups += range(group, group + width)
            bits += (1 << k for k in range(width))
            starts.append(len(centres))
            numbers.append(block.first + index)
            options.append(block.options)
            multiple.append(block.multiple)
        group += width
    answer_count = len(centres)
    for _, value, x, y in layout.digit_bubbles():
        centres.append((x, y))
        groups.append(group + value)
        regions.append(len(blocks))
    return BubbleTable(np.array(centres, np.float64), np.array(groups, np.int64), np.array(starts, np.int64),
                       tuple(numbers), tuple(options), tuple(multiple), answer_count, layout.candidate_id.digits,
                       np.array(bits, np.int64), tuple(runs), np.array(regions, np.int64))


# -- measuring ---------------------------------------------------------------------------------------


def measure_bubbles(image: np.ndarray, homography: np.ndarray, table: BubbleTable, layout: SheetLayout, *,
                    black_grey: float, params: ReadParams) -> BubbleMeasures:
    """Sample every bubble's interior, its paper and its printed outline; convert to darkness.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page.
    homography : ndarray, shape (3, 3)
        Layout mm -> image px.
    table : BubbleTable
        Which bubbles.
    layout : SheetLayout
        Bubble shape (mm).
    black_grey : float
        Grey of solid black on this page (its fiducials).
    params : ReadParams
        Sample grid and probe geometry.
    """
    half_w, half_h = _interior_half_axes(layout, params)
    nx, ny = params.sample_grid
    inside_weights, sector_weights = _sample_weights(half_w, half_h, nx, ny, params.rim_inner_radius,
                                                     params.rim_sectors)
    samples = sample_patches(image, homography, table.centres_mm, _all_offsets(layout, params))[:, 0, :]
    interior, probes = nx * ny, params.paper_probes
    probed = samples[:, interior:interior + probes].astype(np.float32)  # float32 partitions faster than uint8
    paper = np.partition(probed, probes - 2, axis=1)[:, probes - 2]  # the second brightest probe
    paper = _neighbourhood_median(paper, _neighbours(table, params.paper_neighbourhood_mm))
    paper = np.maximum(paper, np.float32(black_grey) + 1.0)[:, None]
    span = paper - np.float32(black_grey)
    darkness = _darkness(samples[:, :interior], paper, span).reshape(-1, ny, nx)
    ring, angles = samples[:, interior + probes:], params.outline_angles
    darkest = np.minimum.reduce([ring[:, b * angles:(b + 1) * angles] for b in range(_OUTLINE_BANDS)])
    on_outline = (_darkness(darkest, paper, span) >= params.outline_min_darkness).astype(np.float32)
    found = on_outline @ np.ones(angles, np.float32)  # a count: exact, and far faster than a sum along rows
    return BubbleMeasures(darkness, inside_weights, sector_weights, found / np.float32(angles))


def _neighbourhood_median(values: np.ndarray, neighbourhood: _Neighbourhood) -> np.ndarray:
    """Per bubble, the median (lower middle) of ``values`` over its neighbours."""
    padded = np.append(values, np.float32(np.inf))  # index -1 reads +inf: sorted past every real value
    ordered = np.sort(padded[neighbourhood.rows], axis=1)
    return ordered.ravel()[neighbourhood.median_at]


class _Neighbourhood(NamedTuple):
    """Each bubble's neighbours: ``rows`` of indices padded with -1, shape (n, most neighbours), and
    ``median_at``, shape (n,), the flat index of each row's median once every row is sorted."""

    rows: np.ndarray
    median_at: np.ndarray


def _neighbours(table: BubbleTable, radius_mm: float) -> _Neighbourhood:
    """The bubbles of the same region within ``radius_mm`` of each bubble, itself included (cached per table)."""
    return _per_table(table, ("neighbours", radius_mm), lambda: _find_neighbours(table, radius_mm))


def _find_neighbours(table: BubbleTable, radius_mm: float) -> _Neighbourhood:
    """:func:`_neighbours`, computed."""
    centres = table.centres_mm
    near = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1)) <= radius_mm
    near &= table.region[:, None] == table.region[None, :]
    width = int(near.sum(axis=1).max())
    rows = np.full((len(centres), width), -1, np.int64)
    for i, row in enumerate(near):
        found = np.flatnonzero(row)
        rows[i, :len(found)] = found
    median_at = np.arange(len(rows)) * width + (np.count_nonzero(rows >= 0, axis=1) - 1) // 2
    rows.setflags(write=False)
    median_at.setflags(write=False)
    return _Neighbourhood(rows, median_at)


def _per_table(table: BubbleTable, key: tuple, build: Callable[[], Any]) -> Any:
    """``build()``, made once per bubble table and ``key`` (tables hold arrays: they are kept by identity)."""
    cached = _TABLE_CACHE.get((id(table), key))
    if cached is None or cached[0] is not table:
        if len(_TABLE_CACHE) >= _TABLE_CACHE_SIZE:
            _TABLE_CACHE.clear()  # a few entries per table bubble_table caches; a new layout set starts afresh
        cached = _TABLE_CACHE[id(table), key] = (table, build())
    return cached[1]


_TABLE_CACHE: dict[tuple[int, tuple], tuple[BubbleTable, Any]] = {}
_TABLE_CACHE_SIZE = 64


def _darkness(samples: np.ndarray, paper: np.ndarray, span: np.ndarray) -> np.ndarray:
    """``(paper - samples) / span`` clipped to [0, 1], per row (float32; ``samples`` is not modified).

    Non-increasing in the sample, so the darkest of several samples is the darkness of the least grey.
    """
    darkness = np.subtract(paper, samples)
    darkness /= span
    return np.clip(darkness, 0.0, 1.0, out=darkness)


_OUTLINE_BANDS = 3  # inside, on and outside the outline's centre line


@lru_cache(maxsize=16)
def _all_offsets(layout: SheetLayout, params: ReadParams) -> np.ndarray:
    """Every sample offset of a bubble, shape (1, k, 2) mm: interior grid, paper probes, outline ring.

    The interior grid covers the interior ellipse's bounding box (row-major, ``sample_grid``); paper
    probes sit ``paper_probe_mm`` beyond the outline's outer edge, above and below the bubble; ring
    samples lie on the outline's centre line and ``outline_band_mm`` inside and outside it (band-major,
    ``outline_angles`` per band).
    """
    half_w, half_h = _interior_half_axes(layout, params)
    nx, ny = params.sample_grid
    interior = patch_offsets(half_w, half_h, nx, ny).reshape(-1, 2)
    shape = layout.bubble
    outer_w, outer_h, line = shape.width_mm / 2, shape.height_mm / 2, shape.line_width_mm
    xs = np.linspace(-0.6 * outer_w, 0.6 * outer_w, params.paper_probes // 2)
    gap = outer_h + line / 2 + params.paper_probe_mm
    paper = np.array([(x, -gap) for x in xs] + [(x, gap) for x in xs])
    angles = np.arange(params.outline_angles) * 2 * np.pi / params.outline_angles
    bands = (-params.outline_band_mm, 0.0, params.outline_band_mm)
    ring = np.array([((outer_w + b) * np.cos(a), (outer_h + b) * np.sin(a)) for b in bands for a in angles])
    offsets = np.concatenate([interior, paper, ring])[None, :, :]
    offsets.setflags(write=False)
    return offsets


@lru_cache(maxsize=16)
def _sample_weights(half_w: float, half_h: float, nx: int, ny: int, rim_inner: float,
                    sectors: int) -> tuple[np.ndarray, np.ndarray]:
    """Averaging weights over the interior ellipse and over each rim sector of a sample grid."""
    offsets = patch_offsets(half_w, half_h, nx, ny)
    u, v = (offsets[..., 0] / half_w).ravel(), (offsets[..., 1] / half_h).ravel()
    radius = np.hypot(u, v)
    inside = radius <= 1.0
    sector = np.floor((np.arctan2(v, u) + np.pi) / (2 * np.pi) * sectors).astype(np.int64) % sectors
    rim = inside & (radius >= rim_inner)
    onehot = (rim[:, None] & (sector[:, None] == np.arange(sectors)[None, :])).astype(np.float32)
    inside_weights = inside.astype(np.float32) / np.float32(inside.sum())
    sector_weights = np.ascontiguousarray((onehot / np.maximum(onehot.sum(axis=0, keepdims=True), 1.0)).T)
    inside_weights.setflags(write=False)
    sector_weights.setflags(write=False)
    return inside_weights, sector_weights


def _interior_half_axes(layout: SheetLayout, params: ReadParams) -> tuple[float, float]:
    shape = layout.bubble
    inset = shape.line_width_mm / 2 + params.interior_margin_mm
    return shape.width_mm / 2 - inset, shape.height_mm / 2 - inset


# -- calibrating and classifying -----------------------------------------------------------------------


def calibrate(measures: BubbleMeasures, table: BubbleTable, params: ReadParams) -> SheetCalibration:
    """Subtract the print, find the sheet's blank and marked levels, classify every bubble."""
    flat, weights = measures.flat, measures.inside_weights
    raw = flat @ weights
    templates = _blank_templates(measures.darkness, raw, table, weights, params)
    base = (templates.reshape(len(templates), -1) @ weights)[table.group]
    fill = np.clip((raw - base) / np.maximum(1.0 - base, 1e-3), 0.0, 1.0)
    ordered = np.sort(fill)
    split = _otsu_split(ordered)
    levels = _levels(fill, raw, ordered, split, None, params)
    coverage, rim = _spread(measures, levels.mark_darkness, params)
    full = (fill >= levels.split) & _filled(coverage, rim, params)
    if levels.confident and np.count_nonzero(full) >= params.min_full_marks:
        typical = _levels(fill, raw, ordered, split, full, params)  # the typical mark: full fills, not ticks or halves
        if typical.mark_darkness != levels.mark_darkness:  # on most sheets every upper fill is full: the same
            coverage, rim = _spread(measures, typical.mark_darkness, params)
        levels = typical
    mark, darkness = _per_bubble_scale(fill, raw, table, levels, params)
    if darkness[-1] != levels.mark_darkness:  # the digit grid has a scale of its own
        coverage, rim = _spread(measures, darkness, params)
    t = (fill - levels.blank) / np.maximum(mark - levels.blank, 1e-3)
    stray = _stray_ink(measures, templates, table.group, darkness, params)
    light = _light_fills(measures, t, (t >= params.mark_min_t) & _filled(coverage, rim, params), params)
    states, confidence = _states(t, coverage, rim, stray, light, params)
    weak = (mark < levels.mark) & (fill < params.min_mark_fill) & (states == _MARKED)
    states[weak], confidence[weak] = _AMBIGUOUS, 0.0  # on a lighter grid scale, never a mark lighter than this
    darker_t = (fill - levels.blank) / np.maximum(np.maximum(mark, levels.mark) - levels.blank, 1e-3)
    residue = (states != _MARKED) & (darker_t >= params.erasure_min_t)
    aligned = measures.outline >= params.outline_found_angles
    return SheetCalibration(fill, t, coverage, rim, stray, levels.blank, levels.mark, levels.confident, aligned, states,
                            confidence, residue)


def _per_bubble_scale(fill: np.ndarray, raw: np.ndarray, table: BubbleTable, levels: "_Levels",
                      params: ReadParams) -> tuple[np.ndarray, np.ndarray]:
    """Per bubble, the typical mark's fill and raw darkness it is judged against (shape (n,) each).

    Answer bubbles use the sheet's.  The candidate-number grid is judged on its own scale, as a careful
    reader reads a column: one digit per column, so the darkest bubble of each column is that column's
    mark, and their median is the grid's typical mark, if it is a clear one (``min_mark_fill`` and
    ``min_cluster_separation`` above the sheet's blanks).  A number written lighter or darker than the
    answers is then read against its own marks.
    """
    n, start = len(fill), table.answer_count
    mark = np.full(n, levels.mark, np.float64)
    darkness = np.full(n, levels.mark_darkness, np.float32)
    if not levels.confident or table.digits == 0:
        return mark, darkness
    columns = fill[start:].reshape(table.digits, _DIGIT_VALUES)
    best = start + np.arange(table.digits) * _DIGIT_VALUES + columns.argmax(axis=1)
    grid_mark = _median(fill[best])
    if grid_mark >= params.min_mark_fill and grid_mark - levels.blank >= params.min_cluster_separation:
        mark[start:], darkness[start:] = grid_mark, _median(raw[best])
    return mark, darkness


@dataclass(frozen=True)
class _Levels:
    blank: float
    mark: float
    split: float
    confident: bool
    mark_darkness: float


def _per_row(level: np.ndarray) -> np.ndarray:
    """A scalar, or one value per bubble as a column, in float32 (broadcasts over a bubble's samples)."""
    level = np.asarray(level, np.float32)
    return level[:, None] if level.ndim else level


def _spread(measures: BubbleMeasures, mark_darkness: float | np.ndarray, params: ReadParams) -> tuple[np.ndarray, np.ndarray]:
    """Coverage of the interior and of each rim sector (sorted ascending), at half the mark's darkness.

    Rim sectors are measured only where the coverage could make a full mark (``mark_min_coverage``);
    elsewhere they are 0, which decides nothing: such a bubble is no full mark whatever its rim.
    """
    dark = (measures.flat >= _per_row(0.5 * np.asarray(mark_darkness))).astype(np.float32)
    coverage = dark @ measures.inside_weights
    rim = np.zeros((len(dark), len(measures.sector_weights)), np.float32)
    covered = np.flatnonzero(coverage >= params.mark_min_coverage)
    if len(covered):
        inked = dark[covered]
        rim[covered] = np.sort(np.stack([inked @ w for w in measures.sector_weights], axis=1), axis=1)
    return coverage, rim


def _filled(coverage: np.ndarray, rim: np.ndarray, params: ReadParams) -> np.ndarray:
    """Whether ink covers a bubble like a fill: most of the interior, and all but a few rim sectors."""
    return ((coverage >= params.mark_min_coverage) & (rim[:, params.mark_rim_gaps] >= params.mark_min_rim)
            & (rim[:, 0] >= params.mark_min_rim_floor))


def _blank_templates(darkness: np.ndarray, raw: np.ndarray, table: BubbleTable, weights: np.ndarray,
                     params: ReadParams) -> np.ndarray:
    """Per print group, the blank bubble's darkness pattern, shape (groups, ny, nx).

    The mean of the group's blankest ``template_share``, leaving out any of them darker than the group's
    blankest bubble by more than ``template_max_spread`` (in a column most candidates marked, those are
    marks); a group whose pattern is much darker than the lightest group's is mostly marked and falls back
    to its single blankest bubble, then to the lightest group's pattern.
    """
    starts, sizes, keep = _per_table(table, ("groups", params.template_share),
                                     lambda: _group_shares(table.group, params.template_share))
    count = len(starts)
    order = _order_in_groups(raw, table)
    near = raw[order] <= np.repeat(raw[order[starts]], sizes) + params.template_max_spread
    keep = np.minimum(keep, np.add.reduceat(near.astype(np.int64), starts))  # sorted: a prefix of each group
    offsets = np.concatenate([[0], np.cumsum(keep)[:-1]])
    blankest = order[np.arange(int(keep.sum())) + np.repeat(starts - offsets, keep)]  # each group's first ``keep``
    templates = (np.add.reduceat(darkness[blankest], offsets, axis=0) / keep[:, None, None]).astype(np.float32)
    single = darkness[order[starts]]
    means = templates.reshape(count, -1) @ weights
    limit = float(means.min()) + params.max_template_excess
    heavy = means > limit
    templates[heavy] = single[heavy]
    still = templates.reshape(count, -1) @ weights > limit
    templates[still] = templates[int(np.argmin(means))]
    return templates


def _order_in_groups(raw: np.ndarray, table: BubbleTable) -> np.ndarray:
    """Bubble indices by print group, then by ``raw``, ties in index order: ``np.lexsort((raw, group))``.

    Non-negative float32 values sort as their bit patterns do (-0.0 made +0.0 first), so one stable sort of
    64-bit keys, the group above those bits, gives the same order at half the cost; other values are
    lexsorted.
    """
    if raw.dtype != np.float32 or not raw.min() >= 0:  # NaN fails the comparison too
        return np.lexsort((raw, table.group))
    high = _per_table(table, ("group key",), lambda: table.group.astype(np.uint64) << np.uint64(32))
    return np.argsort(high | (raw + np.float32(0)).view(np.uint32).astype(np.uint64), kind="stable")


def _group_shares(group: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each print group starts among the bubbles sorted by group, its size, and its ``share`` (at least
    one bubble), each of shape (groups,)."""
    bounds = np.searchsorted(np.sort(group), np.arange(int(group.max()) + 2))
    sizes = np.diff(bounds)
    shares = (bounds[:-1], sizes, np.maximum(1, np.ceil(share * sizes).astype(np.int64)))
    for array in shares:
        array.setflags(write=False)
    return shares


def _levels(fill: np.ndarray, raw: np.ndarray, ordered: np.ndarray, split: int, marks: np.ndarray | None,
            params: ReadParams) -> _Levels:
    """Blank and mark levels of ``fill`` by a two-cluster split; the mark level from ``marks`` only.

    ``ordered`` is ``fill`` sorted and ``split`` its Otsu split; ``marks`` None means every bubble.
    If the split shows no real marked cluster, the mark level is ``nominal_mark_fill``.
    """
    if 0 < split < len(ordered):
        threshold = float(ordered[split])
        upper = fill >= threshold if marks is None else marks & (fill >= threshold)
        blank = _sorted_median(ordered[:split])
        if marks is None:  # the upper cluster, ties with the threshold included, is a tail of ``ordered``
            mark = _sorted_median(ordered[np.searchsorted(ordered, threshold):])
        else:
            mark = _median(fill[upper]) if upper.any() else _sorted_median(ordered[split:])
        if mark >= params.min_mark_fill and mark - blank >= params.min_cluster_separation:
            darkness = _median(raw[upper]) if upper.any() else mark
            return _Levels(blank, mark, threshold, True, darkness)
    return _Levels(_sorted_median(ordered), params.nominal_mark_fill, np.inf, False, params.nominal_mark_fill)


def _median(values: np.ndarray) -> float:
    """Median of values in any order, as :func:`numpy.median` gives it (a sort costs less for a few hundred)."""
    return _sorted_median(np.sort(values))


def _sorted_median(ordered: np.ndarray) -> float:
    """Median of ascending values, computed as :func:`numpy.median` does (mean of the middle two if even)."""
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return float((ordered[middle - 1] + ordered[middle]) / 2)


def _otsu_split(ordered: np.ndarray) -> int:
    """Index splitting sorted values into two classes of maximal between-class variance."""
    n = len(ordered)
    if n < 2:
        return n
    cumulative = np.cumsum(ordered)
    counts = np.arange(1, n)
    mean_low = cumulative[:-1] / counts
    mean_high = (cumulative[-1] - cumulative[:-1]) / (n - counts)
    between = counts * (n - counts) * (mean_high - mean_low) ** 2
    return int(np.argmax(between)) + 1


def _stray_ink(measures: BubbleMeasures, templates: np.ndarray, group: np.ndarray,
               mark_darkness: float | np.ndarray, params: ReadParams) -> np.ndarray:
    """Share of each interior where ink exceeds the (dilated) printed pattern by a stroke's darkness
    (``mark_darkness``: the typical mark's, one for the sheet or one per bubble)."""
    tolerant = _dilate(templates, params.template_tolerance_samples).reshape(len(templates), -1)
    level = _per_row(np.maximum(params.min_stroke_darkness, params.stroke_darkness_ratio * np.asarray(mark_darkness)))
    strokes = ((measures.flat - tolerant[group]) >= level).astype(np.float32)
    return strokes @ measures.inside_weights


def _dilate(stack: np.ndarray, radius: int) -> np.ndarray:
    """Grey dilation (max over a (2r+1)-square) of every image in a (k, ny, nx) stack, edges repeated.

    Repeating the edge adds no new value to a window, so the square's maximum is the maximum over its
    part inside the image: ``radius`` steps of one sample along x and along y.
    """
    result = stack
    for _ in range(radius):
        result = _grow(_grow(result, axis=2), axis=1)
    return result


def _grow(stack: np.ndarray, axis: int) -> np.ndarray:
    """Maximum of every sample and its neighbours along ``axis`` (those inside the image)."""
    grown = stack.copy()
    lead = (slice(None),) * axis
    later, earlier = lead + (slice(1, None),), lead + (slice(None, -1),)
    np.maximum(grown[later], stack[earlier], out=grown[later])
    np.maximum(grown[earlier], stack[later], out=grown[earlier])
    return grown


def _light_fills(measures: BubbleMeasures, t: np.ndarray, full: np.ndarray,
                 params: ReadParams) -> np.ndarray:
    """Complete fills lighter than the sheet's typical mark: ``t >= light_mark_min_t`` and ink over the
    bubble at half the darkness of its own ink, as a fill covers it (most of the interior, every side).

    The bubble's own ink is the darkness of its darkest tenth (``light_ink_quantile``): a light fill is
    even, so half of that still covers it; a half fill, a tick or a cross is drawn with dark strokes,
    and half of their darkness leaves sides white.  A careful reader takes a lightly pressed but complete
    fill, far above the sheet's blank bubbles, for a mark; erasure residue and stray dots stay far below
    the cut.
    """
    light = np.zeros(len(t), bool)
    candidates = np.flatnonzero(~full & (t >= params.light_mark_min_t))
    if len(candidates):
        samples = measures.flat[candidates]
        ink = np.quantile(samples[:, measures.inside_weights > 0], params.light_ink_quantile, axis=1)
        dark = (samples >= (0.5 * ink).astype(np.float32)[:, None]).astype(np.float32)
        coverage = dark @ measures.inside_weights
        rim = np.sort(np.stack([dark @ w for w in measures.sector_weights], axis=1), axis=1)
        light[candidates] = _filled(coverage, rim, params)
    return light


def _states(t: np.ndarray, coverage: np.ndarray, rim: np.ndarray, stray: np.ndarray, light: np.ndarray,
            params: ReadParams) -> tuple[np.ndarray, np.ndarray]:
    """Bubble states (0 blank, 1 ambiguous, 2 marked) and confidences in [0, 1].

    Confidence is the smallest margin of the bubble's measures past the thresholds of its state, each
    margin relative to the way from the threshold to the typical value (a full mark: t = 1, full
    coverage; a blank: t = 0, no strokes); half that way or more is full confidence.  A light fill's
    confidence is its margin past ``light_mark_min_t``.  Ambiguous bubbles have confidence 0.
    """
    full = (t >= params.mark_min_t) & _filled(coverage, rim, params)
    marked = full | light
    blank = (t < params.blank_max_t) & (stray < params.max_stray_ink)
    states = np.full(t.shape, _AMBIGUOUS, np.int8)
    states[marked] = _MARKED
    states[blank] = _BLANK
    mark_margin = np.minimum.reduce([
        (t - params.mark_min_t) / (1.0 - params.mark_min_t),
        (coverage - params.mark_min_coverage) / (1.0 - params.mark_min_coverage),
        (rim[:, params.mark_rim_gaps] - params.mark_min_rim) / (1.0 - params.mark_min_rim),
    ])
    blank_margin = np.minimum((params.blank_max_t - t) / params.blank_max_t,
                              (params.max_stray_ink - stray) / params.max_stray_ink)
    light_margin = (t - params.light_mark_min_t) / (1.0 - params.light_mark_min_t)
    margin = np.where(full, mark_margin, np.where(light, light_margin, np.where(blank, blank_margin, 0.0)))
    return states, np.clip(margin / _HALF_WAY, 0.0, 1.0)


_HALF_WAY = 0.5  # a margin of half the way from threshold to typical value is full confidence


# -- reads -------------------------------------------------------------------------------------------


def read_questions(table: BubbleTable, calibration: SheetCalibration, params: ReadParams) -> tuple[QuestionRead, ...]:
    """One :class:`QuestionRead` per question, with flags."""
    n = table.answer_count
    states = calibration.states[:n]
    starts = table.question_start[:-1]
    marked = states == _MARKED
    residue = calibration.residue[:n]
    marks = np.add.reduceat(marked.astype(np.int64), starts)
    ambiguous = np.add.reduceat((states == _AMBIGUOUS).astype(np.int64), starts) > 0
    residue_blank = np.add.reduceat((residue & (states == _BLANK)).astype(np.int64), starts) > 0
    residue_any = np.add.reduceat(residue.astype(np.int64), starts) > 0
    # On a single-answer question, one mark standing clearly apart (full, far up the scale) with residue
    # read as blank beside it is an answer rubbed out and replaced: a careful reader takes the mark, as
    # nobody marks a second answer faintly on purpose.  On a multiple-choice question a faint wash beside
    # marks may be a light extra choice, and residue beside a lighter mark or dark enough to be ambiguous
    # may be the answer meant: those still go to a person.
    single = ~np.array(table.multiple, bool)
    clear_mark = marked & (calibration.t[:n] >= params.clear_mark_min_t)
    one_clear = single & (marks == 1) & (np.add.reduceat(clear_mark.astype(np.int64), starts) == 1)
    dark_residue = np.add.reduceat((residue & (states != _BLANK)).astype(np.int64), starts) > 0
    changed = one_clear & ~dark_residue
    erasure = (residue_blank & (marks == 0)) | (residue_any & (marks > 0) & ~changed)
    multiple = (marks >= 2) & single
    misaligned = np.add.reduceat((~calibration.aligned[:n]).astype(np.int64), starts) > 0
    flag_codes = (multiple.astype(np.int64) * 8 + ambiguous * 4 + erasure * 2 + misaligned).tolist()
    confidence = np.round(np.minimum.reduceat(calibration.confidence[:n], starts), 3).tolist()
    fills = _per_question(np.round(calibration.fill[:n], 3), table.runs)
    names = _per_question(_STATE_OBJECTS[states], table.runs)
    chosen = np.add.reduceat(np.where(marked, table.option_bit, 0), starts).tolist()
    return tuple(map(QuestionRead, table.numbers, table.options, fills, names,
                     map(_marked_options, table.options, chosen), map(_FLAG_SETS.__getitem__, flag_codes),
                     confidence))


def _per_question(values: np.ndarray, runs: tuple[tuple[int, int, int], ...]) -> list[tuple]:
    """Per-bubble values as one tuple per question (a reshape per run of equally wide questions)."""
    rows: list[tuple] = []
    for first, count, width in runs:
        rows.extend(zip(*values[first:first + count * width].reshape(count, width).T.tolist()))  # tuples at once
    return rows


@lru_cache(maxsize=1024)
def _marked_options(options: tuple[str, ...], chosen: int) -> tuple[str, ...]:
    """The options whose bit (1 << position) is set in ``chosen``."""
    return tuple(option for position, option in enumerate(options) if chosen >> position & 1)


_STATE_OBJECTS = np.array(_STATE_CODES, dtype=object)


_FLAG_SETS = tuple(
    tuple(flag for bit, flag in ((8, FLAG_MULTIPLE), (4, FLAG_AMBIGUOUS), (2, FLAG_ERASURE), (1, FLAG_MISALIGNED))
          if code & bit)
    for code in range(16)
)


def read_candidate(table: BubbleTable, calibration: SheetCalibration, params: ReadParams) -> CandidateRead:
    """The candidate number: a digit per column with exactly one clear mark, else "?" or "*" and a flag."""
    start, shape = table.answer_count, (table.digits, _DIGIT_VALUES)
    states = calibration.states[start:].reshape(shape)
    residue = calibration.residue[start:].reshape(shape).any(axis=1)
    misaligned = (~calibration.aligned[start:].reshape(shape)).any(axis=1)
    fills = np.round(calibration.fill[start:], 3).reshape(shape)
    digits, flags = [], []
    for column, (values, erased, moved) in enumerate(zip(states.tolist(), residue.tolist(), misaligned.tolist())):
        char, flag = _digit(values, erased, moved)
        digits.append(char)
        flags.extend(f"digit {column + 1}: {f}" for f in flag)
    return CandidateRead("".join(digits), tuple(flags), tuple(map(tuple, fills.tolist())))


def _digit(states: list[int], residue: bool, misaligned: bool) -> tuple[str, list[str]]:
    """One column's digit ("?" unclear or missing, "*" several) and what is wrong with it."""
    if misaligned:
        return "?", [FLAG_MISALIGNED]
    if _AMBIGUOUS in states:
        return "?", ["unclear mark"]
    marked = [value for value, state in enumerate(states) if state == _MARKED]
    if not marked:
        return "?", ["no mark"]
    if len(marked) > 1:
        return "*", [f"{len(marked)} marks"]
    return str(marked[0]), [FLAG_ERASURE] if residue else []
