"""Pictures found in sources, kept as bank figures beside the imported bank.

Readers hand over the bytes of each picture a question shows; a PNG or JPEG
becomes a :class:`~papergen.bank.model.Figure` of the item (its bytes travel
with the candidate and are written beside the bank when it is saved); any
other kind of picture is named in a warning, since the booklet cannot print it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, UnidentifiedImageError

from papergen.bank.figures import MIN_FIGURE_PX, describe_figure
from papergen.bank.model import Figure
from papergen.importers.merge import Candidate
from papergen.importers.result import ImportProblem
from papergen.i18n import _

__all__ = ["attach_figures"]


def attach_figures(
    candidate: Candidate, pictures: Sequence[tuple[str, bytes]], where: str
) -> tuple[Candidate, list[ImportProblem]]:
    """The candidate with its pictures as figures, and a warning for each picture that cannot be one.

    ``pictures`` are (name, bytes) pairs; ``where`` says where they were found
    (``"question text"``, ``"paragraph 12"``; translated here), for messages.
    """
    figures, data, problems = list(candidate.item.figures), dict(candidate.figure_data), []
    for name, picture in pictures:
        figure, why = _figure(picture)
        if figure is None:
            message = _("picture {name} in the {where} {why}; save it as PNG and add it to the item's figures").format(
                name=name, where=_(where), why=why)
            problems.append(ImportProblem(candidate.document, candidate.line or None, candidate.item.provenance.number,
                                          message, "warning", candidate.item.id))
        elif figure.sha256 not in data:
            figures.append(figure)
            data[figure.sha256] = picture
    if not data:
        return candidate, problems
    item = candidate.item.model_copy(update={"figures": figures})
    return Candidate(item, candidate.verified, candidate.document, candidate.line, data), problems


def _figure(picture: bytes) -> tuple[Figure | None, str]:
    """The figure naming a usable PNG or JPEG, or None and why it is not one."""
    try:
        figure = describe_figure(picture)
        with Image.open(io.BytesIO(picture)) as image:
            image.load()
            width, height = image.size
    except ValueError:
        return None, _("is not PNG or JPEG ({head!r}…)").format(head=picture[:4])
    except (OSError, UnidentifiedImageError) as exc:
        return None, _("is not a readable picture ({reason})").format(reason=exc)
    if min(width, height) < MIN_FIGURE_PX:
        return None, _("is only {width}×{height} px").format(width=width, height=height)
    return figure, ""
