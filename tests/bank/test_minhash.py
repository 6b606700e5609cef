"""MinHash candidate search for low similarity thresholds, against the exact prefix filter."""

from __future__ import annotations

import random

import pytest

from papergen.bank.similarity import MinHashParams, SimilarityParams, minhash_pairs, near_duplicate_pairs

_WORDS = ["客户", "服务", "满意", "忠诚", "投诉", "管理", "企业", "价值", "沟通", "流程", "质量", "营销", "渠道", "数据"]


def _texts(seed: int, count: int = 300) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        if texts and rng.random() < 0.3:
            words = list(rng.choice(texts))
            words[rng.randrange(len(words))] = rng.choice("甲乙丙丁戊己庚辛")
            texts.append("".join(words))
        else:
            texts.append("".join(rng.choices(_WORDS, k=rng.randint(4, 9))) + rng.choice("子丑寅卯辰巳午未"))
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_minhash_finds_the_pairs_the_exact_search_finds(seed):
    texts = _texts(seed)
    exact = near_duplicate_pairs(texts, SimilarityParams(threshold=0.5))
    assert exact and minhash_pairs(texts, 0.5) == exact


def test_every_reported_pair_reaches_the_threshold_even_with_a_tiny_signature():
    texts = _texts(4)
    exact = {(i, j) for i, j, _ in near_duplicate_pairs(texts, SimilarityParams(threshold=0.6))}
    found = minhash_pairs(texts, 0.6, MinHashParams(bands=2, rows=4))
    assert found and {(i, j) for i, j, _ in found} <= exact
    assert all(similarity >= 0.6 for _, _, similarity in found)


def test_empty_and_single_texts_give_no_pairs():
    assert minhash_pairs([], 0.5) == [] and minhash_pairs(["客户"], 0.5) == [] and minhash_pairs(["", "。"], 0.5) == []
