"""Every threshold of the reader, named, with its unit and the reason for its value.

One frozen :class:`ReadParams` travels through the reading pipeline; no stage
reads a number from anywhere else.  Darkness values are ratios in [0, 1]:
0 = the local paper, 1 = the sheet's solid black (its fiducials).  Mark
thresholds named ``*_t`` are positions on the sheet's own blank-to-marked
scale: 0 = the typical blank bubble of this sheet, 1 = its typical mark.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ReadParams"]


@dataclass(frozen=True)
class ReadParams:
    """Tunables of :func:`omr.read.read_sheet`."""

    # -- page triage and paper level (on a thumbnail) -------------------------------------------------------------
    thumb_dpi: float = 25.0
    """Thumbnail resolution, dpi.  A 7 mm fiducial spans 7 px there, enough to find solid squares (each is
    re-measured at full resolution).  The thumbnail is a point subsampling, so ink shares stay unbiased
    (thin text is not averaged away); labelling its ink costs ~0.4 ms where 50 dpi costs ~2 ms."""
    background_window_mm: float = 12.0
    """Window of the max filter that estimates the paper level, mm.  Must exceed the largest solid dark
    thing on a sheet (7 mm fiducials, 6 mm QR finder patterns) so paper shows in every window."""
    page_ink_percentile: float = 99.5
    """Percentile of the page's darkness taken as its print's darkness (its contrast), percent: a sheet
    prints > 5 % of its area solid or in text, so the darkest 0.5 % is print, never paper or blur."""
    min_page_contrast: float = 0.25
    """A page whose darkest 0.5 % is lighter than this (darkness ratio) has no print: the show-through of
    a duplex back reaches ~0.1; a washed-out copy (ink 150 on paper 250) still prints 0.4."""
    ink_darkness: float = 0.5
    """Thumbnail pixels at least this dark, relative to the page's own print, count as ink (fiducials,
    text, marks); bleed-through of a duplex back and uneven light stay well below it."""
    blank_max_ink_fraction: float = 0.002
    """A page whose ink covers less than this share of its area is blank (a duplex back) unless corner marks
    are found on it; a printed sheet has > 5 % ink, a stray page number or a few specks < 0.1 %."""
    edge_margin_mm: float = 6.0
    """Border ignored when deciding blankness, mm: scanner lids and page edges leave dark strips there."""

    # -- fiducials ------------------------------------------------------------------------------------------------
    dpi_guess_fill: float = 0.95
    """Share of the image's long side assumed covered by the page when the dpi is unknown or implausible; a
    scan covers ~100 %, a phone photo 60-95 %, hence the wide size tolerance below."""
    fiducial_size_range: tuple[float, float] = (0.45, 1.45)
    """Accepted side of a fiducial candidate relative to the expected side (ratio, low and high): covers a
    wrong dpi guess (a photo where the page fills half the frame) and perspective."""
    fiducial_size_range_known: tuple[float, float] = (0.7, 1.35)
    """The same when the dpi comes from the file and is plausible: perspective and print scaling only.
    Keeps 3-4 mm answer marks out of the candidates, which saves their full-resolution checks."""
    fiducial_min_solidity: float = 0.82
    """Least share of a candidate's minimum-area rectangle inside its outer outline: a printed square is
    ~0.95 (a square hollowed into a ring by a bitonal driver too: it counts by its outline), a letter or
    an ellipse (0.79) less."""
    fiducial_max_aspect: float = 1.3
    """Largest long/short side ratio of a candidate square: perspective of a phone photo stays < 1.15."""
    corner_candidates: int = 3
    """Candidates kept per image quadrant (nearest to that corner) when choosing the four fiducials."""
    fiducial_size_spread: float = 1.35
    """Largest ratio between the sides of the four chosen fiducials (perspective makes them differ)."""
    rectangle_tolerance: float = 0.15
    """Largest relative deviation of the fiducial quadrilateral's aspect ratio and of its spacing/size ratio
    from the layout's: 10 % perspective passes, a random blob in a corner does not."""
    min_fiducials_for_sheet: int = 3
    """With at least this many fiducials found a page is taken for a sheet and quarantined when unreadable;
    with fewer it is ``blank`` if it carries almost no ink, ``quarantined`` if a QR code is found on it,
    else ``not_a_sheet``."""
    qr_search_dpi: float = 100.0
    """Resolution of the whole-page QR search on a page without corner marks, dpi: a 30 mm code of ~33
    modules has 3.5 px per module there, enough for the detector, at ~50-60 ms per page."""
    dpi_mismatch_note: float = 0.1
    """A dpi from metadata that differs from the fiducial spacing by more than this share is noted (the
    fiducial spacing is used; phone photos carry 72 dpi)."""

    # -- orientation ----------------------------------------------------------------------------------------------
    orientation_min_contrast: float = 0.15
    """Least darkness difference between the QR box and the box's position on the page turned by 180 degrees
    for that cue alone to decide (ratio).  A printed QR code is ~0.45 dark, the bubbles opposite it
    0.1-0.25 depending on marks; below this the anchor bubbles are located under both orientations."""

    # -- registration fit -----------------------------------------------------------------------------------------
    anchor_px_per_mm: float = 4.0
    """Resolution of the canonical patches in which anchor bubbles are located, px/mm: 0.25 mm steps, with
    sub-sample peak interpolation well under the 0.35 mm fit limit, at ~10 us per anchor."""
    anchor_search_mm: float = 1.25
    """How far from its predicted place an anchor bubble is searched, mm: a good fiducial fit is within
    0.3 mm; half the 4.6 mm row pitch would reach the next row."""
    anchor_ring_mm: float = 0.4
    """Width of the printed-outline band and of the paper band outside it in the anchor template, mm."""
    anchor_min_score: float = 0.15
    """Least darkness contrast (outline band minus the paper band outside it) for an anchor to count as
    found: a printed 0.25 mm outline gives 0.3-0.6, plain paper or a uniform smudge ~0."""
    anchor_min_found: float = 0.6
    """Least share of anchor bubbles found; fewer means the page is not this layout or is badly distorted."""
    anchor_inlier_mm: float = 0.45
    """Anchors farther than this from the refined fit are outliers (smudged or over-filled), mm."""
    min_anchor_fit: int = 8
    """Least anchors for a fit on anchors alone (fiducials then only checked); with fewer, fiducials join
    the fit."""
    anchor_min_span: float = 0.6
    """Least share of the fiducial rectangle's width and of its height that the found anchors must span for a
    fit on anchors alone: a full sheet's anchors span > 80 % both ways; a short generated sheet's first rows
    (40 % of the height) extrapolated to the far corners misplace them by ~0.6 mm, so its fiducials join."""
    max_fit_error_mm: float = 0.35
    """Largest RMS residual of the refined homography over fiducials and anchors, mm: one tenth of a bubble
    height; a folded or curled page exceeds it and is quarantined rather than misread."""
    min_inlier_share: float = 0.75
    """Least share of found anchors that fit the refined homography."""

    # -- bubble sampling ------------------------------------------------------------------------------------------
    sample_grid: tuple[int, int] = (12, 9)
    """Samples per bubble across and down (bilinear) over the interior's bounding box: ~85 inside the
    ellipse, 0.28 mm apart on a 4 x 2.8 mm bubble (pen and pencil strokes are >= 0.3 mm wide); the cost
    is the same at any dpi."""
    interior_margin_mm: float = 0.2
    """Gap kept between the sampled interior and the outline's inner edge, mm: absorbs registration error
    so the printed outline never enters the fill measure."""
    paper_probes: int = 10
    """Paper samples per bubble (half above, half below it); the second brightest is the paper level, so a
    speck or an over-filled mark in one probe does not matter."""
    paper_neighbourhood_mm: float = 10.0
    """Radius over which the paper levels of neighbouring bubbles (of one printed region) are pooled, mm:
    each bubble's own probes are noisy (photocopy grain, JPEG), and a mis-estimated paper level shifts
    the whole bubble's darkness like a faint smear; light changes < 1 % across 10 mm even on a phone
    photo, and their median is robust to probes darkened by an over-filled mark."""
    paper_probe_mm: float = 0.5
    """Distance of the paper probes beyond the outline's outer edge, mm: inside the 1.1-1.5 mm gap between
    rows of the layout, clear of the next row's outline."""
    outline_angles: int = 16
    """Angles at which each bubble's printed outline is checked."""
    outline_band_mm: float = 0.12
    """Radial offsets (inside and outside the outline's centre line) also sampled, mm: the darkest of the
    three counts, which tolerates 0.1 mm of registration error and a stroke blurred by the scan."""
    outline_min_darkness: float = 0.3
    """Least darkness for a ring sample to be on the printed outline (a black 0.25 mm stroke reads 0.5-0.9
    at 100-300 dpi)."""
    min_outline_share: float = 0.9
    """Least share of unmarked bubbles whose outline is found (on >= 75 % of the angles); below it the page
    is quarantined: curled, folded, or printed from another layout."""
    outline_found_angles: float = 0.75
    """Share of a bubble's outline angles that must be found for the bubble to count as registered."""
    template_share: float = 0.3
    """Share of each bubble group (same block and option, or same digit) used to estimate the blank bubble's
    printed pattern: the blankest 30 % are blank unless 70 % of the group is marked."""
    template_max_spread: float = 0.12
    """A bubble joins its group's blank template only if its mean darkness is within this of the group's
    blankest bubble (ratio).  Blank bubbles of one group differ by < 0.09 on every simulated capture (a noisy
    photocopy spreads most); a light fill lies >= 0.17 above them.  Without it, a column most candidates
    marked lets marks into its template, and a light fill there reads as clean paper."""
    max_template_excess: float = 0.25
    """A group's blank template may be at most this much darker (mean darkness) than the sheet's blankest
    group; otherwise the group is mostly marked and its single blankest bubble is used."""
    template_tolerance_samples: int = 1
    """Dilation of the blank template, samples: registration error moves printed letters by up to one
    sample; a stroke must show beyond the dilated letter to count as extra ink."""

    # -- per-sheet calibration ------------------------------------------------------------------------------------
    min_mark_fill: float = 0.3
    """Least typical mark fill for the sheet's marked cluster to be trusted (ratio); a sheet whose upper
    cluster is lighter has no confident marks and is read against ``nominal_mark_fill``."""
    min_cluster_separation: float = 0.25
    """Least gap between the blank and marked cluster centres (ratio) for the split to be real."""
    nominal_mark_fill: float = 0.75
    """Typical mark fill assumed when a sheet has no confident marks (ratio): a 2B pencil fill on a scan."""

    # -- bubble states --------------------------------------------------------------------------------------------
    blank_max_t: float = 0.22
    """A bubble below this position on the blank-to-marked scale may be blank: blanks measure < 0.03,
    rubbed-out pencil 0.1-0.2, a light but deliberate fill 0.25 and up."""
    mark_min_t: float = 0.6
    """A bubble at or above this position may be marked (if its ink also covers the bubble)."""
    mark_min_coverage: float = 0.72
    """Least share of the interior darker than half the sheet's mark level for a full mark: a pen or pencil
    fill covers > 85 %, half a bubble, a tick or a cross < 60 %."""
    rim_inner_radius: float = 0.55
    """Inner edge of the interior's outer ring, as a share of the interior ellipse's radius."""
    rim_sectors: int = 8
    """Angular sectors of that ring: 8 resolve the four white wedges a cross leaves."""
    mark_min_rim: float = 0.55
    """Least coverage of the rim sectors (all but ``mark_rim_gaps``) for a full mark: a fill reaches all
    sides (> 0.85 measured), a half fill leaves four sectors white (< 0.1), a cross four (< 0.4 even blurred
    at 150 dpi), a tick more."""
    mark_rim_gaps: int = 2
    """Rim sectors a full mark may leave below ``mark_min_rim``: a fill pushed to one side leaves a white
    crescent over one or two sectors."""
    mark_min_rim_floor: float = 0.2
    """Least coverage of the emptiest rim sector of a full mark: a crescent is still partly inked, the
    empty quarter of a three-quarter fill is not."""
    light_mark_min_t: float = 0.5
    """A fill at or above this position that covers the bubble at half its own darkness is a mark, though
    lighter than the sheet's typical one: a lightly pressed complete fill among 2B pencil marks measures
    0.45-0.7, a very faint wash < 0.47 and stays for review, erasure residue < 0.3, a stray dot < 0.2."""
    light_ink_quantile: float = 0.9
    """Quantile of a bubble's interior darkness taken as the darkness of its own ink (ratio in [0, 1]):
    the darkest tenth is the ink of an even fill and the strokes of a tick, a cross or a half fill."""
    min_full_marks: int = 3
    """Full marks needed to take the sheet's mark level from full marks only (else the upper cluster)."""
    stroke_darkness_ratio: float = 0.4
    """Extra ink (beyond the blank template) at least this share of the sheet's mark level is a stroke."""
    min_stroke_darkness: float = 0.2
    """Floor of the stroke darkness (ratio), so that scan noise on a light-pencil sheet is not a stroke."""
    max_stray_ink: float = 0.05
    """Largest share of a blank bubble's interior covered by strokes: specks and dust stay < 3 %; a tick or
    a cross covers 10-35 %."""
    erasure_min_t: float = 0.07
    """A non-marked bubble at or above this position (on the darker of the sheet's and its own grid's
    scale) is erasure residue (flag ``erasure``) when it sits beside a mark or is read as blank: with the
    paper level pooled over neighbours, blank bubbles stay below 0.05 even on photocopies and phone
    photos, residue starts at 0.05-0.07."""
    clear_mark_min_t: float = 0.75
    """A mark at or above this position stands clearly apart from erasure residue, which stays below the
    blank cut (< 0.23 measured over every grey capture profile, where the lightest full fills measure
    0.79): residue read as blank beside the one such mark of a single-answer question is an answer
    changed and is not flagged.  Light washes can measure as low as residue, so beside the marks of a
    multiple-choice question, or beside a lighter mark, residue stays flagged (``erasure``)."""

    # -- QR code --------------------------------------------------------------------------------------------------
    qr_px_per_mm: float = 5.0
    """Resolution of the warped QR box, px/mm: 4 px per module for a version-3 code (the ~30-character
    sheet code) in 30 mm with its quiet zone; decoding at known corners then takes ~1.3 ms."""
    qr_retry_px_per_mm: float = 12.0
    """Resolution of the second, slower attempt (full detector on an upscaled box), px/mm."""
