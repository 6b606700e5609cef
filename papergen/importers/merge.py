"""Merging questions read from several places: duplicates, conflicting answers, look-alikes.

- The same question (same stem and option texts, in any order, after
  normalisation) printed twice becomes one item, the first printing; the
  others are listed in ``provenance.also_in`` as ``document#number``
  (``document:line`` for unnumbered questions).
- Printings of the same question that disagree on the answer are a
  conflict: all are held out and reported with every place named, unless
  exactly one answer is backed by a self-checking key (the key printed the
  option text beside the letter and it matched): that one is kept and the
  others are reported.
- Questions that are only similar (``500 km`` vs ``1000 km``, another option
  set) are different questions: both are kept, and, when their stems or
  whole texts are nearly the same (bigram similarity, as the bank validator
  measures it), they share an ``enemy_group`` so a paper holds at most one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from papergen.bank.model import Item
from papergen.bank.similarity import SimilarityParams, connected_groups, near_duplicate_pairs
from papergen.importers.items import question_key
from papergen.importers.normalise import content_key
from papergen.importers.result import ImportProblem, LeftOut
from papergen.i18n import _

__all__ = ["Candidate", "MergeOutcome", "merge_candidates", "assign_enemy_groups"]



@dataclass(frozen=True)
class Candidate:
    """One printing of a question: the item it makes and where it was printed."""

    item: Item
    verified: bool
    document: str
    line: int
    figure_data: Mapping[str, bytes] = field(default_factory=dict)
    """Bytes of the item's figures by SHA-256, written beside the bank when it is saved."""

    @property
    def location(self) -> str:
        """``document#number`` or, for unnumbered questions, ``document:line``."""
        number = self.item.provenance.number
        return f"{self.document}#{number}" if number else f"{self.document}:{self.line}"


@dataclass
class MergeOutcome:
    """Merged items, problems, how many printings of each document were folded into others, and those held out."""

    items: list[Item]
    problems: list[ImportProblem]
    duplicates: dict[str, int]
    held_out: list[LeftOut]


def _answer_key(item: Item) -> object:
    """The answer independent of option order and type."""
    if isinstance(item.answer, bool):
        return item.answer
    right = set(item.answer_labels)
    return frozenset(content_key(o.text) for o in item.options if o.label in right)


def _show(item: Item) -> str:
    """The answer as printed: ``对`` / ``错``, or the labels and their texts (``B=5``, ``AC=电话/网络``)."""
    if isinstance(item.answer, bool):
        return "对" if item.answer else "错"
    right = set(item.answer_labels)
    texts = "/".join(o.text for o in item.options if o.label in right)
    return f"{''.join(item.answer_labels)}={texts}"


def _with_also_in(first: Candidate, others: Sequence[Candidate]) -> Item:
    places = sorted({c.location for c in others} - {first.location})
    provenance = first.item.provenance.model_copy(update={"also_in": places})
    return first.item.model_copy(update={"provenance": provenance})


def _conflict(group: list[Candidate]) -> tuple[Candidate | None, list[ImportProblem]]:
    """The printing to keep when answers disagree (a verified one), and the problems to report."""
    answers = {_answer_key(c.item) for c in group}
    verified = [c for c in group if c.verified]
    verified_answers = {_answer_key(c.item) for c in verified}
    listing = ", ".join(f"{c.location} {_show(c.item)}" for c in group)
    if len(verified_answers) == 1 and len(answers) > 1:
        keep = verified[0]
        message = _("printings disagree on the answer ({listing}); kept the self-checking key {location}").format(
                listing=listing, location=keep.location)
        return keep, [ImportProblem(keep.document, keep.line, keep.item.provenance.number, message, "warning", keep.item.id)]
    first = group[0]
    message = _("printings disagree on the answer ({listing}); left out").format(listing=listing)
    return None, [ImportProblem(first.document, first.line, first.item.provenance.number, message, "error", first.item.id)]


def merge_candidates(candidates: Sequence[Candidate]) -> MergeOutcome:
    """One item per question, in order of first printing (see the module docstring)."""
    groups: dict[tuple[str, frozenset[str]], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        item = candidate.item
        groups[question_key(item.stem, [o.text for o in item.options])].append(candidate)
    items, problems, held_out = [], [], []
    duplicates: dict[str, int] = defaultdict(int)
    for group in groups.values():
        keep = group[0]
        if len({_answer_key(c.item) for c in group}) > 1 or len({c.item.type for c in group}) > 1:
            keep, found = _conflict(group)
            problems += found
            if keep is None:
                held_out += [_held_out(c, found[0].message) for c in group]
                continue
        others = [c for c in group if c is not keep]
        for other in others:
            duplicates[other.document] += 1
        items.append(_with_also_in(keep, others))
    problems += _id_collisions(items)
    return MergeOutcome(items, problems, dict(duplicates), held_out)


def _held_out(candidate: Candidate, message: str) -> LeftOut:
    number = candidate.item.provenance.number
    return LeftOut(candidate.document, candidate.line, number, "conflict", message)


def _id_collisions(items: Sequence[Item]) -> list[ImportProblem]:
    seen: dict[str, Item] = {}
    problems = []
    for item in items:
        if item.id in seen:
            message = _("two different questions hash to the same id {id}; rename one by hand").format(
                    id=item.id)
            problems.append(ImportProblem(item.provenance.document, None, item.provenance.number, message, "error", item.id))
        seen.setdefault(item.id, item)
    return problems


def assign_enemy_groups(items: Sequence[Item], params: SimilarityParams = SimilarityParams()) -> list[Item]:
    """Items with look-alike stems or questions put into one enemy group, named after the group's smallest id.

    Items that already carry an enemy group keep it.
    """
    texts = [" ".join([item.stem, *(o.text for o in item.options)]) for item in items]
    pairs = near_duplicate_pairs(texts, params) + near_duplicate_pairs([item.stem for item in items], params)
    out = list(items)
    for group in connected_groups(len(items), ((i, j) for i, j, _ in pairs)):
        if len(group) < 2:
            continue
        name = "dup-" + min(items[i].id for i in group)
        for i in group:
            if out[i].enemy_group is None:
                out[i] = out[i].model_copy(update={"enemy_group": name})
    return out
