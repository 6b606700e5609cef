"""Capture profiles: how a batch of sheets was scanned or photographed.

A :class:`CaptureProfile` describes a scanning setup by ranges (resolution,
skew, page turns, perspective, blur, noise, uneven light, paper and ink
levels, JPEG quality, bitonal threshold, folds) and the files it writes.
:func:`sample_capture` draws one page's concrete :class:`PageCapture` from a
profile; :func:`apply_capture` turns an upright page raster into the image
the scanner delivered (via :func:`omr.synth.capture`).

Named profiles (:data:`PROFILES`) cover 150, 200 and 300 dpi, document
feeders and flatbeds, JPEG quality 40-95, bitonal CCITT G4, pages turned by
90 and 180 degrees, phone photos, photocopies and folded pages.  ``mixed``
stands for a realistic batch: every file comes from one of the others.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

import numpy as np

from omr.synth import Scan, binarise, capture
from papergen.errors import SimulationError
from papergen.i18n import _

__all__ = [
    "CaptureProfile",
    "PageCapture",
    "PROFILES",
    "MIXED",
    "capture_profile",
    "profile_names",
    "mixed_profile",
    "sample_capture",
    "apply_capture",
    "FILE_FORMATS",
]

FILE_FORMATS = ("pdf-jpeg", "pdf-g4", "tiff-g4", "jpeg", "png")
"""What a profile writes: multi-page PDFs of JPEG or CCITT G4 images, multi-page G4 TIFF, image files."""
MULTI_PAGE_FORMATS = ("pdf-jpeg", "pdf-g4", "tiff-g4")
MIXED = "mixed"
"""Name of the profile that draws every file from one of the named profiles."""

Span = tuple[float, float]


@dataclass(frozen=True)
class CaptureProfile:
    """A scanning setup, as ranges from which each page's capture is drawn uniformly.

    Attributes
    ----------
    name, description : str
        Identifier and one-line description.
    dpi : float
        Resolution of the delivered images, dots per inch.
    file_format : str
        One of :data:`FILE_FORMATS`.
    sheets_per_file : int
        Answer sheets per multi-page file (image formats: 1).
    duplex : bool
        True if every sheet is followed by its (blank) back.
    skew_deg : float
        Largest page rotation on the bed, degrees (either direction).
    turn_share : float
        Share of pages fed turned; a turned page gets one of ``turns``.
    turns : tuple of int
        Counter-clockwise quarter turns a turned page may get (1 = 90 degrees, 2 = 180).
    perspective_mm : float
        Largest corner displacement of a photographed page, mm.
    margin_mm : float
        Scan area beyond the page on every side, mm.
    background : Span
        Grey (0-255) of the area around the page.
    lighting : Span
        Depth of the uneven-light gradient, ratio in [0, 1).
    blur_sigma_px : Span
        Gaussian blur, pixels of the delivered image.
    noise_sigma : Span
        Additive noise, grey levels.
    paper, ink : Span
        Grey of clean paper and of solid black after capture.
    jpeg_quality : tuple of int
        JPEG quality range (JPEG formats only).
    bitonal_threshold : float or None
        Bitonal capture: pixels darker than ``ink + t * (paper - ink)`` turn black; None for grey.
    bend_mm : Span
        Depth of a fold across the page, mm (0 = flat).
    dog_ear_share : float
        Share of pages with a folded-over corner.
    dog_ear_mm : Span
        Leg of a folded corner, mm.
    may_quarantine : bool
        True if a careful reader may refuse the pages (folded pages), rather than read them.
    """

    name: str
    description: str
    dpi: float
    file_format: str
    sheets_per_file: int = 1
    duplex: bool = False
    skew_deg: float = 0.0
    turn_share: float = 0.0
    turns: tuple[int, ...] = (2,)
    perspective_mm: float = 0.0
    margin_mm: float = 0.0
    background: Span = (255.0, 255.0)
    lighting: Span = (0.0, 0.0)
    blur_sigma_px: Span = (0.0, 0.0)
    noise_sigma: Span = (0.0, 0.0)
    paper: Span = (244.0, 252.0)
    ink: Span = (12.0, 30.0)
    jpeg_quality: tuple[int, int] = (85, 95)
    bitonal_threshold: float | None = None
    bend_mm: Span = (0.0, 0.0)
    dog_ear_share: float = 0.0
    dog_ear_mm: Span = (0.0, 0.0)
    may_quarantine: bool = False

    def __post_init__(self) -> None:
        if self.file_format not in FILE_FORMATS:
            raise SimulationError(_("capture profile {name}: unknown file format (got {value!r}); use one of {known}")
                                  .format(name=self.name, value=self.file_format, known=", ".join(FILE_FORMATS)))
        bitonal_format = self.file_format in ("pdf-g4", "tiff-g4")
        if bitonal_format != (self.bitonal_threshold is not None):
            raise SimulationError(_("capture profile {name}: G4 formats need a bitonal_threshold and grey formats none "
                                    "(got {format}, {threshold})").format(
                name=self.name, format=self.file_format, threshold=self.bitonal_threshold))

    @property
    def bitonal(self) -> bool:
        """True if the profile delivers black-and-white images."""
        return self.bitonal_threshold is not None

    @property
    def multi_page(self) -> bool:
        """True if the profile writes several pages per file."""
        return self.file_format in MULTI_PAGE_FORMATS


@dataclass(frozen=True)
class PageCapture:
    """How one page was captured: the profile's draw for this page.

    Attributes
    ----------
    profile : str
        Name of the profile drawn from.
    dpi : float
        Resolution, dots per inch.
    scan : Scan
        Geometry and degradations applied by :func:`omr.synth.capture`.
    jpeg_quality : int
        JPEG quality of the written image (ignored for PNG and G4).
    bitonal_threshold : float or None
        Grey level (0-255) below which the delivered image is black; None for grey.
    may_quarantine : bool
        From the profile.
    """

    profile: str
    dpi: float
    scan: Scan
    jpeg_quality: int
    bitonal_threshold: float | None
    may_quarantine: bool = False

    def tags(self, file_format: str) -> tuple[str, ...]:
        """Degradation labels of the page, for accuracy breakdowns (e.g. ``"skew >1 deg"``, ``"jpeg q<60"``)."""
        s = self.scan
        tags = [f"{self.dpi:g} dpi"]
        tags += ["skew >1 deg"] if abs(s.skew_deg) > 1.0 else []
        tags += [f"turned {90 * (s.quarter_turns % 4)} deg"] if s.quarter_turns % 4 else []
        tags += ["perspective"] if s.perspective_mm else []
        tags += ["blur"] if s.blur_sigma_px >= 1.0 else []
        tags += ["noise"] if s.noise_sigma >= 6.0 else []
        tags += ["uneven light"] if s.lighting >= 0.2 else []
        tags += ["low contrast"] if s.paper - s.ink < 180 else []
        tags += ["folded"] if s.bend_mm else []
        tags += ["dog-ear"] if s.dog_ear_mm else []
        if self.bitonal_threshold is not None:
            tags.append("bitonal g4")
        elif file_format in ("pdf-jpeg", "jpeg"):
            q = self.jpeg_quality
            tags.append("jpeg q<60" if q < 60 else ("jpeg q60-79" if q < 80 else "jpeg q80+"))
        else:
            tags.append("png")
        return tuple(tags)

    def to_json(self) -> dict:
        """The capture as JSON-ready values (recorded in the truth files)."""
        data = asdict(self)
        data["scan"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in data["scan"].items()}
        return data


PROFILES: dict[str, CaptureProfile] = {
    p.name: p
    for p in (
        CaptureProfile(
            "flatbed-300", "flatbed scanner, 300 dpi grey, JPEG in PDF, nearly square", 300, "pdf-jpeg",
            sheets_per_file=10, skew_deg=0.6, blur_sigma_px=(0.3, 0.7), noise_sigma=(1, 3), jpeg_quality=(85, 95),
        ),
        CaptureProfile(
            "feeder-200", "duplex document feeder, 200 dpi grey, JPEG in PDF, some pages upside down", 200, "pdf-jpeg",
            sheets_per_file=10, duplex=True, skew_deg=2.5, turn_share=0.15, turns=(2,), blur_sigma_px=(0.4, 0.9),
            noise_sigma=(2, 5), jpeg_quality=(60, 90),
        ),
        CaptureProfile(
            "feeder-150", "fast feeder, 150 dpi grey, one low-quality JPEG per page", 150, "jpeg",
            skew_deg=2.0, blur_sigma_px=(0.4, 0.8), noise_sigma=(2, 6), jpeg_quality=(40, 70),
        ),
        CaptureProfile(
            "bitonal-200", "feeder in black-and-white mode, 200 dpi CCITT G4 in PDF", 200, "pdf-g4",
            sheets_per_file=10, skew_deg=1.5, turn_share=0.1, blur_sigma_px=(0.3, 0.6), noise_sigma=(1, 4),
            bitonal_threshold=0.5,
        ),
        CaptureProfile(
            "bitonal-300", "black-and-white scans, 300 dpi multi-page G4 TIFF", 300, "tiff-g4",
            sheets_per_file=10, skew_deg=1.0, blur_sigma_px=(0.4, 0.8), noise_sigma=(1, 4), bitonal_threshold=0.55,
        ),
        CaptureProfile(
            "sideways-200", "pages fed sideways or upside down, 200 dpi PNG", 200, "png",
            skew_deg=1.5, turn_share=1.0, turns=(1, 2, 3), blur_sigma_px=(0.3, 0.7), noise_sigma=(1, 4),
        ),
        CaptureProfile(
            "phone", "phone photo on a desk: perspective, uneven light, dark surround, JPEG", 150, "jpeg",
            skew_deg=4.0, perspective_mm=4.0, margin_mm=12.0, background=(40, 120), lighting=(0.2, 0.45),
            blur_sigma_px=(0.6, 1.2), noise_sigma=(4, 9), paper=(200, 240), ink=(25, 50), jpeg_quality=(50, 80),
        ),
        CaptureProfile(
            "photocopy", "a photocopy scanned: grey paper, weak black, uneven toner, 200 dpi JPEG", 200, "pdf-jpeg",
            sheets_per_file=10, skew_deg=1.5, lighting=(0.1, 0.3), blur_sigma_px=(0.6, 1.1), noise_sigma=(5, 10),
            paper=(200, 225), ink=(50, 75), jpeg_quality=(55, 80),
        ),
        CaptureProfile(
            "folded", "sheets bent or dog-eared before scanning, 200 dpi JPEG in PDF", 200, "pdf-jpeg",
            sheets_per_file=5, skew_deg=1.0, blur_sigma_px=(0.4, 0.8), noise_sigma=(2, 4), jpeg_quality=(75, 90),
            bend_mm=(0.5, 2.5), dog_ear_share=0.5, dog_ear_mm=(15, 30), may_quarantine=True,
        ),
    )
}
"""Named capture profiles; ``mixed`` (see :data:`MIXED`) draws each file from one of them."""

MIXED_WEIGHTS: dict[str, float] = {
    "flatbed-300": 1.0, "feeder-200": 3.0, "feeder-150": 1.5, "bitonal-200": 1.0, "bitonal-300": 0.5,
    "sideways-200": 0.5, "phone": 0.5, "photocopy": 1.0,
}
"""How often each profile supplies a file of a ``mixed`` batch (folded pages are added on purpose, not drawn)."""


def profile_names() -> tuple[str, ...]:
    """Every profile name accepted by :func:`capture_profile`, ``mixed`` last."""
    return (*PROFILES, MIXED)


def capture_profile(name: str) -> CaptureProfile:
    """A named profile from :data:`PROFILES`.

    Raises
    ------
    SimulationError
        If no profile has that name (``mixed`` is resolved per file by :func:`mixed_profile`).
    """
    try:
        return PROFILES[name]
    except KeyError:
        raise SimulationError(_("unknown capture profile (got {value!r}); use one of {known}").format(
            value=name, known=", ".join(profile_names()))) from None


def mixed_profile(rng: random.Random) -> CaptureProfile:
    """One profile drawn for a file of a ``mixed`` batch."""
    names = list(MIXED_WEIGHTS)
    return PROFILES[rng.choices(names, weights=[MIXED_WEIGHTS[n] for n in names])[0]]


def sample_capture(profile: CaptureProfile, rng: random.Random) -> PageCapture:
    """Draw one page's capture from a profile's ranges."""
    turned = rng.random() < profile.turn_share
    paper, ink = rng.uniform(*profile.paper), rng.uniform(*profile.ink)
    dog_ear = rng.uniform(*profile.dog_ear_mm) if rng.random() < profile.dog_ear_share else 0.0
    scan = Scan(
        quarter_turns=rng.choice(profile.turns) if turned else 0,
        skew_deg=rng.uniform(-profile.skew_deg, profile.skew_deg),
        perspective_mm=profile.perspective_mm,
        margin_mm=profile.margin_mm,
        background=int(rng.uniform(*profile.background)),
        lighting=rng.uniform(*profile.lighting),
        paper=int(paper),
        ink=int(ink),
        blur_sigma_px=rng.uniform(*profile.blur_sigma_px),
        noise_sigma=rng.uniform(*profile.noise_sigma),
        bend_mm=0.0 if dog_ear else rng.uniform(*profile.bend_mm),
        dog_ear_mm=dog_ear,
    )
    threshold = None
    if profile.bitonal_threshold is not None:
        threshold = ink + profile.bitonal_threshold * (paper - ink)
    return PageCapture(profile.name, profile.dpi, scan, rng.randint(*profile.jpeg_quality), threshold,
                       profile.may_quarantine)


def apply_capture(page: np.ndarray, page_capture: PageCapture, seed: int) -> np.ndarray:
    """The image a scanner delivers of an upright page raster.

    Parameters
    ----------
    page : ndarray, shape (H, W), uint8
        The upright page at ``page_capture.dpi``, 255 = paper.
    page_capture : PageCapture
        What to apply.
    seed : int
        Seed of the capture's noise, light direction and perspective.

    Returns
    -------
    ndarray, shape (H', W'), uint8
        The delivered image; only 0 and 255 for a bitonal capture.
    """
    image = capture(page, page_capture.dpi, page_capture.scan, seed=seed)
    if page_capture.bitonal_threshold is not None:
        image = binarise(image, page_capture.bitonal_threshold)
    return image
