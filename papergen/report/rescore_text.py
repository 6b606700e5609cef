"""What a rescore did, as lines for the command line, in the language in use."""

from __future__ import annotations

from collections import Counter

from papergen.grading.corrections import KeyChange, RescoreOutcome
from papergen.i18n import N_, _, ngettext

__all__ = ["rescore_lines", "key_text"]

_KEY_WORDS = {"dropped": N_("dropped"), "awarded to all": N_("awarded to all (送分)")}
"""A question's key when it no longer has one, as the change log records it."""


def key_text(text: str) -> str:
    """A question's key as the change log gives it (``"B/C"``, ``"dropped"``), for people to read."""
    return _(_KEY_WORDS[text]) if text in _KEY_WORDS else text


def _change_line(change: KeyChange) -> str:
    return _("  variant {variant} question {question} ({item}): {before} -> {after}").format(
        variant=change.variant, question=change.question, item=change.item_id, before=key_text(change.before),
        after=key_text(change.after))


def rescore_lines(outcome: RescoreOutcome) -> list[str]:
    """The new key and its change log, each key change, the policies, and only the totals that changed."""
    rescore = outcome.rescore
    moved = rescore.total_changes
    lines = [_("New key: {path}").format(path=outcome.manifest_path),
             _("Change log: {path}").format(path=outcome.log_path)]
    lines += [_change_line(c) for c in outcome.changes]
    lines += outcome.policies
    lines.append(ngettext("Rescored {sheets} sheet: {changed} totals changed, {unchanged} unchanged",
                          "Rescored {sheets} sheets: {changed} totals changed, {unchanged} unchanged",
                          rescore.sheets).format(sheets=rescore.sheets, changed=len(moved),
                                                 unchanged=rescore.sheets - len(moved)))
    lines += [_("  {file} page {page} (candidate {candidate}): {old} -> {new} points").format(
        file=c.source, page=c.page_no, candidate=c.candidate or "?", old=f"{c.old_total:g}", new=f"{c.new_total:g}")
        for c in moved]
    maxima = Counter((c.old_max, c.new_max) for c in rescore.changes
                     if c.old_max is not None and c.new_max is not None and c.old_max != c.new_max)
    lines += [ngettext("Maximum of {sheets} sheet: {old} -> {new} points",
                       "Maximum of {sheets} sheets: {old} -> {new} points", n).format(
                  sheets=n, old=f"{old:g}", new=f"{new:g}")
              for (old, new), n in sorted(maxima.items())]
    if outcome.exports:
        lines.append(_("Rewritten: {paths}").format(paths=", ".join(str(p) for p in outcome.exports)))
    if outcome.exports_problem:
        lines.append(_("Problem: exports not rewritten: {problem}").format(problem=outcome.exports_problem))
    lines.append(_("Reports written earlier are out of date; rerun 'papergen report'."))
    return lines
