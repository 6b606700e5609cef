"""Files bundled with the package: the font, banks, formats and layouts.

In a source checkout these are the top-level ``banks/``, ``formats/`` and
``layouts/`` folders; an installed wheel carries the same files as
``papergen.bundled.*`` package data.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from papergen.errors import FormatError
from papergen.i18n import _

__all__ = [
    "font_path",
    "serif_font_path",
    "bundled_file",
    "bundled_layout_path",
    "bundled_format_path",
    "bundled_bank_path",
    "format_file",
    "bundled_ids",
]

_REPO_ROOT = Path(__file__).resolve().parent.parent


def font_path() -> Path:
    """The embedded CJK TrueType font (WenQuanYi Micro Hei, subset)."""
    return Path(str(resources.files("papergen.fonts").joinpath("wqy-microhei-subset.ttf")))


def serif_font_path() -> Path:
    """The embedded serif (宋体-style) body face: Noto Serif CJK SC cut to GB2312, TrueType outlines."""
    return Path(str(resources.files("papergen.fonts").joinpath("noto-serif-sc-gb2312.ttf")))


def bundled_file(kind: str, name: str) -> Path:
    """Path of a bundled file; kind is 'banks', 'formats' or 'layouts'.

    Raises
    ------
    FileNotFoundError
        If no such bundled file exists.
    """
    checkout = _REPO_ROOT / kind / name
    if checkout.is_file():
        return checkout
    try:
        candidate = Path(str(resources.files(f"papergen.bundled.{kind}").joinpath(name)))
    except ModuleNotFoundError:
        candidate = checkout
    if not candidate.is_file():
        raise FileNotFoundError(_("no bundled {kind} named {name!r}").format(kind=kind[:-1], name=name))
    return candidate


def bundled_layout_path(layout_id: str) -> Path:
    """The bundled layout file for a layout id (``layouts/<id>.json``)."""
    return bundled_file("layouts", f"{layout_id}.json")


def bundled_format_path(format_id: str) -> Path:
    """The bundled format file for a format id (``formats/<id>.json``)."""
    return bundled_file("formats", f"{format_id}.json")


def bundled_bank_path(bank_id: str) -> Path:
    """The bundled bank file for a bank id (``banks/<id>.json``)."""
    return bundled_file("banks", f"{bank_id}.json")


def format_file(ref: str | Path) -> Path:
    """A paper-format file from a path or a bundled format id such as ``cs-180``.

    Raises
    ------
    FormatError
        If ``ref`` is neither an existing file nor a bundled format id.
    """
    if Path(ref).is_file():
        return Path(ref)
    try:
        return bundled_format_path(str(ref))
    except FileNotFoundError as exc:
        known = bundled_ids("formats")
        close = difflib.get_close_matches(str(ref), known, n=1, cutoff=0.6)
        hint = _("; did you mean {close}?").format(close=close[0]) if close else ""
        raise FormatError(_("--format {ref}: no such file or bundled format id (bundled: {known}){hint}").format(
                ref=ref, known=', '.join(known), hint=hint)) from exc


def bundled_ids(kind: str) -> list[str]:
    """Ids of the bundled files of a kind ('banks', 'formats' or 'layouts'), sorted.

    >>> "cs-180" in bundled_ids("formats")
    True
    """
    folders = [_REPO_ROOT / kind]
    try:
        folders.append(Path(str(resources.files(f"papergen.bundled.{kind}"))))
    except ModuleNotFoundError:
        pass
    return sorted({p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.json")
                   if not p.name.endswith(".schema.json")})
