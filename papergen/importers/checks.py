"""Checks on imported items that do not leave them out: characters the bundled font cannot print."""

from __future__ import annotations

from collections.abc import Sequence

from papergen.render.glyphs import missing_glyphs
from papergen.importers.merge import Candidate
from papergen.importers.result import ImportProblem
from papergen.i18n import _

__all__ = ["glyph_warnings"]


def glyph_warnings(candidates: Sequence[Candidate]) -> list[ImportProblem]:
    """A warning per item whose stem or options hold characters the bundled font cannot print.

    Such characters print as nothing; ``papergen validate`` refuses them, so
    they are named at import, where the source can still be checked.
    """
    texts = {id(c): c.item.stem + "".join(o.text for o in c.item.options) for c in candidates}
    unprintable = frozenset(missing_glyphs("".join(sorted(set("".join(texts.values()))))))
    if not unprintable:
        return []
    problems = []
    for candidate in candidates:
        missing = [ch for ch in dict.fromkeys(texts[id(candidate)]) if ch in unprintable]
        if missing:
            shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)
            message = _("the bundled font cannot print {shown}; they would print as nothing").format(
                    shown=shown)
            item = candidate.item
            problems.append(ImportProblem(candidate.document, candidate.line, item.provenance.number, message, "warning", item.id))
    return problems
