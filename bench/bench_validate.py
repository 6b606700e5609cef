"""Time bank validation and the capacity count on a synthetic 20,000-item bank.

Run from the repository root::

    python bench/bench_validate.py [--items 20000] [--seed 1]

The baseline is schema validation of the same bank (``Bank.model_validate``),
measured in the same run; the cross-field checks and the capacity count are
reported as ratios against it.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from papergen.bank.paper_capacity import capacity
from papergen.bank.model import Bank
from papergen.bank.validate import validate_bank
from papergen.exam.format import load_format
from papergen.resources import bundled_format_path


@dataclass(frozen=True)
class SyntheticBankParams:
    """Shape of the synthetic bank."""

    items: int = 20_000
    topics: int = 20
    vocabulary: int = 3_000
    """Distinct words stems and options are built from."""
    stem_words: tuple[int, int] = (6, 12)
    option_words: tuple[int, int] = (1, 3)
    near_duplicate_share: float = 0.02
    """Share of items that copy an earlier stem with one word changed (in one enemy group)."""
    type_shares: tuple[tuple[str, float], ...] = (("single", 0.7), ("judge", 0.15), ("multi", 0.15))
    difficulty_shares: tuple[tuple[str, float], ...] = (("easy", 0.6), ("medium", 0.3), ("hard", 0.1))


_FIRST_GB2312_HANZI = 0xB0A1
_HANZI_ROWS = range(0xB0, 0xD8)
_HANZI_COLS = range(0xA1, 0xFF)


def _common_hanzi() -> list[str]:
    """The 3,755 level-1 GB2312 characters (all in the bundled font)."""
    chars = []
    for row in _HANZI_ROWS:
        for col in _HANZI_COLS:
            try:
                chars.append(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def synthetic_bank(params: SyntheticBankParams, seed: int) -> dict[str, Any]:
    """A schema-valid bank as JSON data, built from a seeded generator."""
    rng = random.Random(seed)
    hanzi = _common_hanzi()
    words = ["".join(rng.choices(hanzi, k=rng.choice((2, 2, 3, 4)))) for _ in range(params.vocabulary)]
    topics = [{"code": f"{i + 1:02d}", "name": f"知识点{i + 1:02d}", "weight": rng.randint(1, 5)} for i in range(params.topics)]
    items = []
    for index in range(params.items):
        item = _synthetic_item(index, rng, words, params)
        if items and rng.random() < params.near_duplicate_share:
            _make_near_duplicate(item, items[rng.randrange(len(items))], rng, words)
        items.append(item)
    return {"schema_version": 1, "id": "synthetic", "title": "合成题库", "version": "1", "topics": topics, "items": items}


def _synthetic_item(index: int, rng: random.Random, words: list[str], params: SyntheticBankParams) -> dict[str, Any]:
    item_type = _pick(rng, params.type_shares)
    stem = "".join(rng.choices(words, k=rng.randint(*params.stem_words))) + "（　）。"
    item: dict[str, Any] = {
        "id": f"syn-{index:05d}",
        "type": item_type,
        "stem": stem,
        "topic": f"{rng.randint(1, params.topics):02d}",
        "difficulty": _pick(rng, params.difficulty_shares),
        "provenance": {"kind": "source", "document": "synthetic.txt", "number": str(index + 1)},
    }
    if item_type == "judge":
        item["answer"] = rng.random() < 0.5
        return item
    labels = "ABCD" if item_type == "single" else "ABCDE"
    texts: dict[str, None] = {}
    while len(texts) < len(labels):
        texts.setdefault("".join(rng.choices(words, k=rng.randint(*params.option_words))))
    item["options"] = [{"label": x, "text": text} for x, text in zip(labels, texts)]
    item["answer"] = rng.choice(labels) if item_type == "single" else sorted(rng.sample(labels, rng.randint(2, 4)))
    return item


def _make_near_duplicate(item: dict[str, Any], original: dict[str, Any], rng: random.Random, words: list[str]) -> None:
    """Turn ``item`` into a one-word variation of ``original``, both in one enemy group."""
    group = original.setdefault("enemy_group", f"g-{original['id']}")
    item.update({k: original[k] for k in ("type", "stem", "topic", "difficulty")})
    item["stem"] = rng.choice(words) + original["stem"]
    if "options" in original:
        item["options"] = [dict(o) for o in original["options"]]
        item["answer"] = original["answer"]
    else:
        item.pop("options", None)
        item["answer"] = original["answer"]
    item["enemy_group"] = group


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in shares], weights=[w for _, w in shares])[0]


def _timed(func: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=SyntheticBankParams.items)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = synthetic_bank(SyntheticBankParams(items=args.items), args.seed)
    bank, schema_s = _timed(lambda: Bank.model_validate(data))
    fmt = load_format(bundled_format_path("cs-180"))
    report, validate_s = _timed(lambda: validate_bank(bank, source="synthetic", paper_format=fmt))
    cap, capacity_s = _timed(lambda: capacity(bank, fmt))
    print(f"items: {len(bank.items)}; {report.summary()}; capacity {cap.papers} papers")
    print(f"schema validation (baseline): {schema_s:6.2f} s")
    print(f"cross-field validation:       {validate_s:6.2f} s  ({validate_s / schema_s:.2f}x baseline)")
    print(f"capacity count:               {capacity_s:6.2f} s  ({capacity_s / schema_s:.2f}x baseline)")


if __name__ == "__main__":
    main()
