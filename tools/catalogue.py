"""Keep papergen's message catalogue in step with the source: extract, update, compile, check.

Usage (needs Babel, part of the ``test`` extra)::

    python tools/catalogue.py          # extract messages, update the .po files, compile the .mo files
    python tools/catalogue.py --check  # change nothing; exit 1 naming every untranslated or stale message
    python tools/catalogue.py --fill zh words.json  # take translations from a JSON object or another .po

A JSON file maps each English message to its translation (a list of forms
for a plural message); ``--fill`` with a ``.po`` file takes every translation
that file has and the catalogue lacks (e.g. the other side of a merge).

New messages appear in ``papergen/locale/<lang>/LC_MESSAGES/papergen.po`` with an
empty translation; fill them in and run the first command again.  The files
are written sorted and without source locations, so two people adding
messages rarely touch the same lines.
"""

from __future__ import annotations

import argparse
import gettext
import io
import json
import re
import string
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "papergen"
SOURCES = (SOURCE, ROOT / "omr")
"""Where messages are marked: papergen, and the reader's reasons (``omr/reasons.py``), which papergen shows."""
LOCALE_DIR = SOURCE / "locale"
DOMAIN = "papergen"
TRANSLATED = ("zh",)
"""Languages with a catalogue (English is the source language)."""

_STAMP = datetime(2026, 1, 1, tzinfo=timezone.utc)
"""Fixed header dates, so the files change only when a message does."""


def template() -> Catalog:
    """Every message marked in papergen's and omr's source (``_``, ``N_``, ``ngettext``, ``pgettext``)."""
    catalog = Catalog(project="papergen", domain=DOMAIN, creation_date=_STAMP, revision_date=_STAMP,
                      charset="utf-8")
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                folder, comment_tags=("Translators:",), strip_comment_tags=True):
            catalog.add(message, locations=[(f"{folder.name}/{filename}", lineno)], auto_comments=comments,
                        context=context)
    return catalog


def po_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> Catalog:
    """The ``.po`` catalogue of ``lang`` (empty if there is none yet)."""
    path = po_path(lang)
    if not path.is_file():
        catalog = Catalog(locale=lang, domain=DOMAIN, project="papergen", creation_date=_STAMP,
                          revision_date=_STAMP, copyright_holder="the papergen authors",
                          msgid_bugs_address="", last_translator="the papergen authors",
                          language_team=lang)
        catalog.header_comment = f"# papergen's messages in {lang}; kept by tools/catalogue.py."
        return catalog
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def updated(lang: str) -> Catalog:
    """The catalogue of ``lang`` brought in step with the source: new messages added, gone ones dropped."""
    catalog = read(lang)
    catalog.update(template(), no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = _STAMP
    catalog.fuzzy = False
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    """``catalog`` as ``.po`` text: sorted, no source locations, no wrapping."""
    out = io.BytesIO()
    write_po(out, catalog, width=0, no_location=True, sort_output=True, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """``catalog`` compiled to a ``.mo`` file (fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _fields(text: str) -> set[str]:
    """The ``{name}`` and ``%(name)s`` fields of a message."""
    try:
        braces = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        braces = {"<unbalanced braces>"}
    return braces | set(re.findall(r"%\((\w+)\)", text))


def problems(lang: str) -> list[str]:
    """What is wrong with the committed catalogue of ``lang``: one line per message; empty if nothing."""
    committed = read(lang)
    wanted = updated(lang)
    found = []
    for message in wanted:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            found.append(f"{lang}: untranslated: {ids[0]!r}")
            continue
        allowed = set().union(*map(_fields, ids))
        for text in strings:  # a plural's forms may use the fields of either English form
            fields = _fields(text)
            if fields != _fields(ids[0]) if len(ids) == 1 else not fields <= allowed:
                found.append(f"{lang}: placeholders differ: {ids[0]!r} -> {text!r}")
    gone = {m.id for m in committed if m.id} - {m.id for m in wanted if m.id}
    found += [f"{lang}: no longer in the source: {message!r}" for message in sorted(map(str, gone))]
    mo = po_path(lang).with_suffix(".mo")
    if not mo.is_file() or _mo_messages(mo.read_bytes()) != _mo_messages(mo_bytes(committed)):
        found.append(f"{lang}: {mo.relative_to(ROOT)} is not compiled from the .po: run tools/catalogue.py")
    return found


def _mo_messages(data: bytes) -> dict:
    """The translations a ``.mo`` file holds, without its header (which names the Babel version)."""
    catalog = gettext.GNUTranslations(io.BytesIO(data))._catalog  # noqa: SLF001 - the parsed table
    return {key: value for key, value in catalog.items() if key not in ("", ("", 0))}


def fill(lang: str, path: Path) -> int:
    """Take translations for ``lang`` from ``path`` (JSON object or ``.po``); returns how many were taken."""
    catalog = updated(lang)
    if path.suffix == ".po":
        with path.open("rb") as handle:
            other = read_po(handle, locale=lang, domain=DOMAIN)
        given = {m.id: m.string for m in other if m.id and not m.fuzzy}
    else:
        given = {key: tuple(value) if isinstance(value, list) else value
                 for key, value in json.loads(path.read_text(encoding="utf-8")).items()}
    taken = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        text = given.get(message.id, given.get(key))
        current = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and text and (path.suffix != ".po" or not all(current)):
            message.string = text
            taken += 1
    po_path(lang).write_bytes(po_bytes(catalog))
    po_path(lang).with_suffix(".mo").write_bytes(mo_bytes(catalog))
    return taken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of step")
    parser.add_argument("--fill", nargs=2, metavar=("LANG", "FILE"), help="take translations from FILE")
    args = parser.parse_args(argv)
    if args.fill:
        lang, path = args.fill
        print(f"{po_path(lang).relative_to(ROOT)}: {fill(lang, Path(path))} translations taken from {path}")
        return main([])
    if args.check:
        found = [line for lang in TRANSLATED for line in problems(lang)]
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    for lang in TRANSLATED:
        catalog = updated(lang)
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        po_path(lang).write_bytes(po_bytes(catalog))
        po_path(lang).with_suffix(".mo").write_bytes(mo_bytes(catalog))
        missing = sum(1 for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,)))
        print(f"{po_path(lang).relative_to(ROOT)}: {len(catalog)} messages, {missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
