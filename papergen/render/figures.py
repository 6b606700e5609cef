"""Question figures in the booklet: the bank's picture files, checked and sized to the text column.

A figure prints at the width its item gives (``width_mm``), else at its own
size taken at :data:`NATURAL_DPI`, never wider than the text column; its
caption, if any, is centred under it.  The file must still have the SHA-256
the bank recorded, so a picture changed after review is never printed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image as PilImage
from PIL import UnidentifiedImageError
from reportlab.platypus import Flowable, Image, Spacer

from papergen.errors import RenderError
from papergen.exam import PaperFigure
from papergen.render.fonts import CjkParagraph, TextStyle, markup, paragraph_style
from papergen.render.units import PT_PER_MM
from papergen.i18n import _, os_error_reason

__all__ = ["NATURAL_DPI", "figure_flowables"]

NATURAL_DPI = 150.0
"""Resolution at which a figure without ``width_mm`` is printed at its own size, dots per inch."""
_GAP_PT = 3.0  # space above a figure and between it and its caption, points


def figure_flowables(
    figures: Sequence[PaperFigure], root: str | Path | None, *, width_pt: float, caption: TextStyle, where: str
) -> list[Flowable]:
    """The flowables of a question's figures, each followed by its caption.

    Parameters
    ----------
    figures : sequence of PaperFigure
        The question's figures, paths relative to ``root``.
    root : path or None
        Folder of the bank file the paper was drawn from.
    width_pt : float
        Width available (the text column beside the question number), points.
    caption : TextStyle
        Type of the captions (``align='centre'`` centres them).
    where : str
        The question, for messages (``item cs-… (question 12)``).

    Raises
    ------
    RenderError
        If a figure file is missing, differs from the recorded SHA-256, or is not a picture.
    """
    if figures and root is None:
        raise RenderError(_("{where}: has figures but the bank's folder is unknown; build from the bank file").format(
                where=where))
    parts: list[Flowable] = []
    for figure in figures:
        path = Path(root) / Path(*figure.path.split("/"))  # type: ignore[arg-type]
        width_px, height_px = _checked_size(path, figure, where)
        width = min(width_pt, figure.width_mm * PT_PER_MM if figure.width_mm else width_px / NATURAL_DPI * 72.0)
        image = Image(str(path), width=width, height=width * height_px / width_px)
        image.hAlign = "CENTER"
        parts += [Spacer(1, _GAP_PT), image]
        if figure.caption:
            parts += [Spacer(1, _GAP_PT), CjkParagraph(markup(figure.caption), paragraph_style(caption))]
    return parts


def _checked_size(path: Path, figure: PaperFigure, where: str) -> tuple[int, int]:
    """Pixel size of a figure file that still has its recorded hash."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RenderError(_("{where}: figure {path} cannot be read ({reason}); looked for {looked}").format(
                where=where, path=figure.path, reason=os_error_reason(exc), looked=path)) from exc
    if hashlib.sha256(data).hexdigest() != figure.sha256:
        raise RenderError(_(
            "{where}: figure {path} differs from the file the bank recorded (sha256); run papergen validate "
            "on the bank").format(where=where, path=figure.path))
    try:
        with PilImage.open(path) as picture:
            return picture.size
    except (OSError, UnidentifiedImageError) as exc:
        raise RenderError(_("{where}: figure {path} is not a readable picture ({reason})").format(
                where=where, path=figure.path, reason=exc)) from exc
