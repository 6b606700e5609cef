"""Figure files of a bank: where they live, how they are stored, and what can be wrong with them.

A figure is a PNG or JPEG file beside the bank file, named in the item by a
relative path and its SHA-256 (:class:`~papergen.bank.model.Figure`).
Importers store picture bytes with :func:`store_figure`, which names each file
after its content (``figures/<first 16 hex digits of its SHA-256>.png``), so
the same picture imported twice is one file.  :func:`figure_problems` is what
``validate`` (and so ``build``) checks: every file exists, has the recorded
hash and is a picture of a usable size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from papergen.bank.model import Bank, Figure
from papergen.bank.problems import Problem
from papergen.i18n import _

__all__ = [
    "FIGURE_FOLDER",
    "MIN_FIGURE_PX",
    "figure_file",
    "figure_suffix",
    "describe_figure",
    "store_figure",
    "figure_problems",
]

FIGURE_FOLDER = "figures"
"""Folder beside the bank where importers put figure files."""
MIN_FIGURE_PX = 16
"""Smallest width and height of a usable figure, pixels (smaller ones are icons or spacers)."""

_SIGNATURES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


def figure_suffix(data: bytes) -> str | None:
    """``.png`` or ``.jpg`` from the bytes' signature; None for any other kind of file.

    >>> figure_suffix(b"\\x89PNG\\r\\n\\x1a\\n...")
    '.png'
    >>> figure_suffix(b"GIF89a") is None
    True
    """
    return next((suffix for magic, suffix in _SIGNATURES.items() if data.startswith(magic)), None)


def figure_file(bank_path: str | Path, figure: Figure) -> Path:
    """The file of a figure of the bank stored at ``bank_path``."""
    return Path(bank_path).parent / Path(*figure.path.split("/"))


def describe_figure(data: bytes) -> Figure:
    """The figure that names picture bytes: ``figures/<16 hex digits of the SHA-256>.png`` (or ``.jpg``).

    Raises
    ------
    ValueError
        If the bytes are not a PNG or JPEG file.
    """
    suffix = figure_suffix(data)
    if suffix is None:
        raise ValueError("not a PNG or JPEG picture")
    digest = hashlib.sha256(data).hexdigest()
    return Figure(path=f"{FIGURE_FOLDER}/{digest[:16]}{suffix}", sha256=digest)


def store_figure(data: bytes, bank_path: str | Path) -> Figure:
    """Write picture bytes into the bank's figure folder (if not there yet); the figure naming them.

    Raises
    ------
    ValueError
        If the bytes are not a PNG or JPEG file.
    OSError
        If the file cannot be written.
    """
    figure = describe_figure(data)
    digest = figure.sha256
    target = figure_file(bank_path, figure)
    if not target.is_file() or _sha256(target) != digest:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        partial.replace(target)
    return figure


def figure_problems(bank: Bank, bank_path: str | Path) -> list[Problem]:
    """Every figure of the bank that is missing, changed since it was recorded, or not a usable picture."""
    return [problem for index, item in enumerate(bank.items) for problem in _item_problems(index, item.id,
                                                                                           item.figures, bank_path)]


def _item_problems(index: int, item_id: str, figures: Iterable[Figure], bank_path: str | Path) -> list[Problem]:
    problems = []
    for k, figure in enumerate(figures):
        where = f"items[{index}].figures[{k}]"
        message = _figure_problem(figure_file(bank_path, figure), figure)
        if message:
            problems.append(Problem("error", where, item_id, message))
    return problems


def _figure_problem(path: Path, figure: Figure) -> str | None:
    if not path.is_file():
        return _("figure file {path} not found beside the bank (looked for {looked}); copy it there").format(
                path=figure.path, looked=path)
    digest = _sha256(path)
    if digest != figure.sha256:
        return (_(
            "figure file {path} differs from the one recorded (sha256 {digest}…, recorded {sha256}…); "
            "restore it, or record the new file's sha256 after checking it").format(
                path=figure.path, digest=digest[:16], sha256=figure.sha256[:16]))
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError) as exc:
        return _("figure file {path} is not a readable picture ({reason})").format(path=figure.path, reason=exc)
    if min(width, height) < MIN_FIGURE_PX:
        return _("figure file {path} is {width}×{height} px; at least {least} px each way is needed").format(
                path=figure.path, width=width, height=height, least=MIN_FIGURE_PX)
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
