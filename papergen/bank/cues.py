"""Answer cues between items, the enemy groups that keep them apart, and the longest-option cue.

Two items on one paper *cue* each other when one gives the other's answer away,
whatever their types.  Two tests find such pairs, both through an index rather
than over all pairs, so a 20,000-item bank is checked in about a second:

- **statement similarity**: an item's *statement* is its stem followed by its
  keyed option texts (a true/false item's statement is its stem).  A single
  asking 服务流程图的作用在于使服务流程（　） keyed 形象化、具体化 states what a
  true/false item asserts.  Statements whose character-bigram sets reach
  :attr:`CueParams.statement_threshold` Jaccard similarity are a pair
  (MinHash buckets, then an exact check:
  :func:`papergen.bank.similarity.minhash_pairs`).
- **key in stem**: a keyed option text of one item (at least
  :attr:`CueParams.min_key_chars` characters) printed in the stem of another
  whose stem shares at least :attr:`CueParams.key_stem_threshold` of its
  bigrams (Jaccard).  Candidate stems come from a trigram index.

:func:`suggest_group_patch` turns the pairs not yet in a shared enemy group
into an RFC 6902 JSON Patch that puts each connected set of items into one
group.  :func:`longest_option_cue` measures how often the key of a
single-choice item is its strictly longest option, against chance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from papergen.bank.model import Item, normalise_stem
from papergen.bank.similarity import MinHashParams, connected_groups, minhash_pairs
from papergen.i18n import _, pgettext

__all__ = [
    "CueParams",
    "CuePair",
    "LongestOptionCue",
    "cue_pairs",
    "suggest_group_patch",
    "longest_option_cue",
    "format_longest_option_cue",
    "cue_kind_name",
]


def cue_kind_name(kind: str) -> str:
    """A cue kind (``statement``, ``key-in-stem``) as a person reads it: the code in English, words in Chinese."""
    names = {"statement": pgettext("cue", "statement"), "key-in-stem": pgettext("cue", "key-in-stem")}
    return names.get(kind, kind)


_INDEX_GRAM = 3
"""Length of the character n-grams that index stems for the key-in-stem test."""


@dataclass(frozen=True)
class CueParams:
    """Tunables of answer-cue detection."""

    statement_threshold: float = 0.5
    """Jaccard similarity of statement bigram sets at or above which two items cue each other."""
    min_key_chars: int = 4
    """A keyed option text shorter than this (normalised characters) is too common to count in another stem."""
    key_stem_threshold: float = 0.2
    """Jaccard similarity of stem bigram sets two items need before a key in a stem counts as a cue."""
    minhash: MinHashParams = MinHashParams()
    """Signatures that find similar statements (:func:`papergen.bank.similarity.minhash_pairs`)."""


@dataclass(frozen=True)
class CuePair:
    """Two items that give each other's answers away.

    Attributes
    ----------
    first, second : int
        Positions in the sequence given to :func:`cue_pairs`, ``first < second``.
    kind : {"statement", "key-in-stem"}
        Which test found the pair.
    detail : str
        The similarity (``"62% similar"``) or the key text found in the other stem.
    """

    first: int
    second: int
    kind: Literal["statement", "key-in-stem"]
    detail: str


def _keyed_texts(item: Item) -> list[str]:
    """Normalised texts of the item's correct options (none for true/false items)."""
    if item.type == "judge":
        return []
    right = set(item.answer_labels)
    return [normalise_stem(o.text) for o in item.options if o.label in right]


def cue_pairs(items: Sequence[Item], params: CueParams = CueParams()) -> list[CuePair]:
    """Pairs of items that cue each other, each pair once, sorted by position.

    Parameters
    ----------
    items : sequence of Item
        Items of one bank (retired items are best left out by the caller).
    params : CueParams, optional
        Thresholds.

    Returns
    -------
    list of CuePair
        One entry per pair; a pair found by both tests is reported as a statement pair.
    """
    stems = [normalise_stem(item.stem) for item in items]
    keyed = [_keyed_texts(item) for item in items]
    statements = [stem + "".join(keys) for stem, keys in zip(stems, keyed)]
    found: dict[tuple[int, int], CuePair] = {}
    for i, j, similarity in minhash_pairs(statements, params.statement_threshold, params.minhash):
        found[(i, j)] = CuePair(i, j, "statement", _("{similarity:.0%} similar").format(similarity=similarity))
    for pair in _key_in_stem_pairs(stems, keyed, params):
        found.setdefault((pair.first, pair.second), pair)
    return [found[k] for k in sorted(found)]


def _key_in_stem_pairs(stems: Sequence[str], keyed: Sequence[list[str]], params: CueParams) -> list[CuePair]:
    """Pairs where a keyed option text of one item (``keyed``) is printed in the other's stem (``stems``, normalised)."""
    keys = [
        (k, key) for k, texts in enumerate(keyed) for key in texts
        if len(key) >= params.min_key_chars and key not in stems[k]
    ]
    wanted = {key[s : s + _INDEX_GRAM] for _, key in keys for s in range(len(key) - _INDEX_GRAM + 1)}
    postings: dict[str, list[int]] = defaultdict(list)
    for k, stem in enumerate(stems):
        for gram in wanted.intersection(stem[s : s + _INDEX_GRAM] for s in range(len(stem) - _INDEX_GRAM + 1)):
            postings[gram].append(k)
    stem_grams: dict[int, frozenset[str]] = {}
    seen: set[tuple[int, int]] = set()
    pairs = []
    for k, key in keys:
        for other in _stems_containing(key, stems, postings):
            pair = (min(k, other), max(k, other))
            if other == k or pair in seen:
                continue
            seen.add(pair)
            for m in pair:
                if m not in stem_grams:
                    stem_grams[m] = frozenset(stems[m][s : s + 2] for s in range(len(stems[m]) - 1))
            a, b = stem_grams[k], stem_grams[other]
            shared = len(a & b)
            if shared and shared >= params.key_stem_threshold * (len(a) + len(b) - shared):
                pairs.append(CuePair(*pair, "key-in-stem", _("key “{key}” in the stem").format(key=key)))
    return pairs


def _stems_containing(key: str, stems: Sequence[str], postings: dict[str, list[int]]) -> list[int]:
    """Positions of the stems that contain ``key``: the rarest trigram's postings, then a substring check."""
    grams = [key[s : s + _INDEX_GRAM] for s in range(len(key) - _INDEX_GRAM + 1)]
    rarest = min((postings.get(g, ()) for g in grams), key=len)
    return [k for k in rarest if key in stems[k]]


def suggest_group_patch(items: Sequence[Item], indices: Sequence[int], pairs: Sequence[CuePair]) -> list[dict]:
    """An RFC 6902 JSON Patch putting the items of each unresolved cue pair into one enemy group.

    Pairs whose items already share a group are ignored.  The other pairs are
    joined into connected sets; a set whose members already belong to groups
    keeps the first of those groups and the members of the others move into
    it, otherwise it gets the group ``cue-<id of its first item>``.  Each
    change is guarded by a ``test`` of the item's id, so the patch refuses to
    apply to a bank whose items have moved.

    Parameters
    ----------
    items : sequence of Item
        The items the pairs refer to.
    indices : sequence of int
        Each item's index in the bank file (``items[index]``).
    pairs : sequence of CuePair
        From :func:`cue_pairs` over ``items``.

    Returns
    -------
    list of dict
        Patch operations (``test`` then ``add`` per changed item), in file order; empty when nothing is to do.
    """
    joined = [(pair.first, pair.second) for pair in pairs
              if items[pair.first].enemy_group is None or items[pair.first].enemy_group != items[pair.second].enemy_group]
    group_members: dict[str, list[int]] = defaultdict(list)
    for k, item in enumerate(items):
        if item.enemy_group is not None:
            group_members[item.enemy_group].append(k)
    target: dict[int, str] = {}
    for ks in connected_groups(len(items), joined):
        if len(ks) > 1:
            _assign_group(items, ks, group_members, target)
    patch: list[dict] = []
    for k in sorted(target, key=lambda k: indices[k]):
        path = f"/items/{indices[k]}"
        patch.append({"op": "test", "path": f"{path}/id", "value": items[k].id})
        patch.append({"op": "add", "path": f"{path}/enemy_group", "value": target[k]})
    return patch


def _assign_group(
    items: Sequence[Item], connected: list[int], group_members: dict[str, list[int]], target: dict[int, str]
) -> None:
    """Record in ``target`` the group every item of one connected set (and of the groups it touches) moves to."""
    existing = list(dict.fromkeys(items[k].enemy_group for k in connected if items[k].enemy_group is not None))
    group = existing[0] if existing else f"cue-{items[connected[0]].id}"
    everyone = set(connected).union(*(group_members[g] for g in existing))
    for k in everyone:
        if items[k].enemy_group != group:
            target[k] = group


@dataclass(frozen=True)
class LongestOptionCue:
    """How often the key of a single-choice item is its strictly longest option.

    Attributes
    ----------
    items : int
        Single-choice items counted (with at least two options).
    longest_keyed : int
        Items whose key is strictly longer than every other option.
    share : float
        ``longest_keyed / items`` (0 when there are none), a ratio in [0, 1].
    chance : float
        The share expected if the key's position among lengths were random: the
        mean over items of ``1 / option count`` for items with a strictly longest option.
    """

    items: int
    longest_keyed: int
    share: float
    chance: float


def longest_option_cue(items: Sequence[Item]) -> LongestOptionCue:
    """Measure the longest-option cue over the single-choice items of a bank."""
    counted = longest = 0
    chance = 0.0
    for item in items:
        if item.type != "single" or len(item.options) < 2:
            continue
        counted += 1
        lengths = sorted((len(normalise_stem(o.text)), o.label) for o in item.options)
        if lengths[-1][0] > lengths[-2][0]:
            chance += 1 / len(item.options)
            longest += lengths[-1][1] == item.answer
    share = longest / counted if counted else 0.0
    return LongestOptionCue(counted, longest, share, chance / counted if counted else 0.0)


def format_longest_option_cue(items: Sequence[Item]) -> str:
    """One line such as ``长选项线索 longest-option cue: 49 of 437 single-choice keys (11%; chance 11%)``."""
    cue = longest_option_cue(items)
    return (
        _(
            "长选项线索 longest-option cue: {longest} of {items} single-choice keys are the strictly "
            "longest option ({share:.0%}; chance {chance:.0%})").format(
                longest=cue.longest_keyed, items=cue.items, share=cue.share, chance=cue.chance)
    )
