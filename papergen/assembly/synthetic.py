"""Reproducible synthetic banks for benchmarks, tests and demonstrations.

Stems are random strings over a few hundred common characters, so no two are
near-duplicates unless asked for; every other property (topic weights,
difficulty shares, enemy groups, pinned and fixed-order options) is drawn
from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from papergen.bank.model import OPTION_LABELS, Bank, Item, Option, Provenance, Topic

__all__ = ["SyntheticSpec", "synthetic_bank"]

_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
    "气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则"
    "任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美"
    "再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元"
    "客户服务企业营销投诉满意沟通渠道品牌价值需求质量员工培训"
)
_PINNED_TEXT = "以上都对"


@dataclass(frozen=True)
class SyntheticSpec:
    """Shape of a synthetic bank."""

    items: int = 5000
    """Number of items."""
    topics: int = 20
    """Number of topics, coded "01", "02", ..."""
    type_shares: tuple[float, float, float] = (0.7, 0.15, 0.15)
    """Shares of single, judge and multi items."""
    difficulty_shares: tuple[float, float, float] = (0.7, 0.2, 0.1)
    """Shares of easy, medium and hard items."""
    enemy_share: float = 0.05
    """Share of items placed in enemy groups of two or three."""
    near_duplicate_share: float = 0.0
    """Share of items that copy another item's stem with one character changed."""
    pinned_share: float = 0.05
    """Share of choice items whose last option is pinned (以上都对)."""
    no_shuffle_share: float = 0.02
    """Share of choice items whose options keep their order."""
    stem_chars: tuple[int, int] = (18, 40)
    """Shortest and longest stem, characters."""


def synthetic_bank(spec: SyntheticSpec = SyntheticSpec(), *, seed: int = 0, bank_id: str = "synthetic") -> Bank:
    """A bank drawn from ``spec`` with ``random.Random(seed)``.

    Examples
    --------
    >>> bank = synthetic_bank(SyntheticSpec(items=50, topics=3), seed=1)
    >>> len(bank.items), [t.code for t in bank.topics]
    (50, ['01', '02', '03'])
    """
    rng = random.Random(seed)
    topics = [Topic(code=f"{k + 1:02d}", name=f"主题{k + 1}", weight=rng.uniform(1, 3)) for k in range(spec.topics)]
    items = [_item(rng, spec, index, topics) for index in range(spec.items)]
    _add_enemies(rng, spec, items)
    _add_near_duplicates(rng, spec, items)
    return Bank(schema_version=1, id=bank_id, title="合成题库", version="1", topics=topics, items=items)


def _stem(rng: random.Random, spec: SyntheticSpec) -> str:
    length = rng.randint(*spec.stem_chars)
    return "".join(rng.choice(_CHARS) for _ in range(length)) + "（　）。"


def _item(rng: random.Random, spec: SyntheticSpec, index: int, topics: list[Topic]) -> Item:
    kind = rng.choices(("single", "judge", "multi"), weights=spec.type_shares)[0]
    fields = {
        "id": f"q{index:05d}",
        "type": kind,
        "stem": _stem(rng, spec),
        "topic": rng.choices([t.code for t in topics], weights=[t.weight for t in topics])[0],
        "difficulty": rng.choices(("easy", "medium", "hard"), weights=spec.difficulty_shares)[0],
        "provenance": Provenance(kind="authored", document="synthetic", quote="合成"),
    }
    if kind == "judge":
        return Item(options=[], answer=rng.random() < 0.5, **fields)
    count = 4 if kind == "single" else rng.choice((4, 5, 5))
    pinned = rng.random() < spec.pinned_share
    options = [
        Option(label=OPTION_LABELS[k], text=_PINNED_TEXT if pinned and k == count - 1 else _stem(rng, spec)[:8])
        for k in range(count)
    ]
    if pinned:
        options[-1] = Option(label=options[-1].label, text=_PINNED_TEXT, pinned=True)
    if kind == "single":
        answer: object = rng.choice(OPTION_LABELS[:count])
    else:
        answer = sorted(rng.sample(OPTION_LABELS[:count], rng.randint(2, count)))
    return Item(options=options, answer=answer, no_shuffle=rng.random() < spec.no_shuffle_share, **fields)


def _add_enemies(rng: random.Random, spec: SyntheticSpec, items: list[Item]) -> None:
    chosen = rng.sample(range(len(items)), int(spec.enemy_share * len(items)))
    group = 0
    while chosen:
        size = min(rng.choice((2, 3)), len(chosen))
        for _ in range(size):
            k = chosen.pop()
            items[k] = items[k].model_copy(update={"enemy_group": f"g{group:04d}"})
        group += 1


def _add_near_duplicates(rng: random.Random, spec: SyntheticSpec, items: list[Item]) -> None:
    for _ in range(int(spec.near_duplicate_share * len(items))):
        source, target = rng.sample(range(len(items)), 2)
        stem = items[source].stem
        cut = rng.randrange(len(stem) - 4)
        copy = stem[:cut] + rng.choice(_CHARS) + stem[cut + 1 :]
        items[target] = items[target].model_copy(update={"stem": copy})
