"""Item selection and paper assembly: quotas, conflicts, modes, diagnosis, reproducibility."""

from __future__ import annotations

import dataclasses
from itertools import combinations

import pytest
from small_banks import item_ids, section_counts, small_bank, small_format

from papergen.assembly import (
    AssemblyRules,
    assemble_exam,
    default_exam_id,
    key_balance,
    variant_names,
    verify_paper,
)
from papergen.assembly.plan import make_plan
from papergen.bank.similarity import bigrams, jaccard
from papergen.bank.blueprint import make_blueprint
from papergen.errors import AssemblyError

SHA = "0" * 64


def assemble(bank, fmt, **kwargs):
    kwargs.setdefault("variants", 2)
    kwargs.setdefault("seed", 1)
    return assemble_exam(bank, fmt, bank_sha256=SHA, **kwargs)


def single_only(count: int, mix: dict[str, float]):
    return small_format(single=count, judge=0, multi=0, mix=mix)


# -- quotas ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["greedy", "ilp"])
@pytest.mark.parametrize("mode", ["shuffle", "parallel"])
def test_topic_and_difficulty_quotas_are_met_jointly_on_every_variant(method, mode):
    bank, fmt = small_bank(400, topics=4, seed=2), small_format()
    papers = assemble(bank, fmt, variants=3, mode=mode, rules=AssemblyRules(method=method))
    blueprint = make_blueprint(bank, fmt)
    for paper in papers:
        for section in blueprint.sections:
            topics = {t: n for t, n in section.topics.items() if n}
            levels = {d: n for d, n in section.difficulties.items() if n}
            assert section_counts(paper, section.section, "topic") == topics
            assert section_counts(paper, section.section, "difficulty") == levels


def test_section_counts_follow_the_format_in_order():
    fmt = small_format(single=12, judge=5, multi=3)
    paper = assemble(small_bank(300), fmt, variants=1)[0]
    assert [q.section for q in paper.questions] == ["single"] * 12 + ["judge"] * 5 + ["multi"] * 3
    assert [q.number for q in paper.questions] == list(range(1, 21))
    assert len(item_ids(paper)) == 20


def test_blueprint_overrides_replace_the_topic_quotas():
    bank, fmt = small_bank(400, topics=3), small_format()
    override = {"single": {"01": 10, "02": 6, "03": 4}}
    paper = assemble(bank, fmt, variants=1, blueprint_overrides=override)[0]
    assert section_counts(paper, "single", "topic") == {"01": 10, "02": 6, "03": 4}


# -- infeasible requests name the constraint and the shortfall ------------------


def test_topic_shortfall_is_reported_with_need_and_count(make_item, make_bank):
    items = [make_item(f"a{k}", topic="01") for k in range(6)] + [make_item(f"b{k}", topic="02") for k in range(2)]
    with pytest.raises(AssemblyError, match=r"cannot assemble: section single, topic 02: need 4, bank has 2$"):
        assemble(make_bank(items), single_only(8, {"easy": 1}), variants=1)


def test_difficulty_shortfall_is_reported(make_item, make_bank):
    items = [make_item(f"e{k}", topic=f"0{1 + k % 2}") for k in range(10)]
    items += [make_item(f"h{k}", topic=f"0{1 + k % 2}", difficulty="hard") for k in range(2)]
    with pytest.raises(AssemblyError, match=r"section single, hard: need 4, bank has 2"):
        assemble(make_bank(items), single_only(8, {"easy": 1, "hard": 1}), variants=1)


def test_joint_topic_difficulty_shortfall_is_reported_when_marginals_suffice(make_item, make_bank):
    items = [make_item(f"a{k}", topic="01", difficulty="hard") for k in range(6)]
    items += [make_item(f"b{k}", topic="02", difficulty=d) for k in range(6) for d in ("easy", "hard")]
    items = [dict(item, id=f"{item['id']}{item['difficulty'][0]}") for item in items]
    with pytest.raises(AssemblyError, match=(
        r"section single, topic 01: need 4, but the bank has only 0 easy items there "
        r"and the hard quota allows 3 \(short by 1\)"
    )):
        assemble(make_bank(items), single_only(8, {"easy": 5, "hard": 3}), variants=1)


def test_parallel_shortfall_counts_every_form(make_item, make_bank):
    items = [make_item(f"q{k}", topic=f"0{1 + k % 2}") for k in range(20)]
    with pytest.raises(AssemblyError, match=r"section single: need 8 x 3 forms = 24, bank has 20 usable items"):
        assemble(make_bank(items), single_only(8, {"easy": 1}), variants=3, mode="parallel")


def test_every_shortfall_is_listed_at_once(make_item, make_bank):
    items = [make_item(f"q{k}", topic="01") for k in range(6)] + [make_item("h", topic="01", difficulty="hard")]
    items += [make_item(f"r{k}", topic="02") for k in range(3)]
    with pytest.raises(AssemblyError, match=r"topic 02: need 4, bank has 3\n.*section single, hard: need 4, bank has 1"):
        assemble(make_bank(items), single_only(8, {"easy": 1, "hard": 1}), variants=1)


def test_judge_true_share_shortfall_is_reported(make_item, make_bank):
    items = [make_item(f"f{k}", "judge", answer=False, topic=f"0{1 + k % 2}") for k in range(10)]
    items.append(make_item("t0", "judge", answer=True))
    fmt = small_format(single=0, judge=5, multi=0, mix={"easy": 1})
    with pytest.raises(AssemblyError, match=r"section judge: need at least 2 对 items, bank has 1"):
        assemble(make_bank(items), fmt, variants=1)


def test_enemy_groups_count_once_in_the_shortfall(make_item, make_bank):
    items = [make_item(f"a{k}", topic="01", enemy_group="g1") for k in range(3)]
    items += [make_item(f"b{k}", topic="02") for k in range(5)]
    with pytest.raises(AssemblyError, match=r"section single, topic 01: need 2, bank has 1"):
        assemble(make_bank(items), single_only(4, {"easy": 1}), variants=1)


def test_near_duplicates_that_block_the_quotas_are_named_after_solving(make_item, make_bank):
    twin = "客户服务人员在处理投诉时首先应当做到的是什么（　）。"
    items = [make_item("a0", topic="01", stem=twin), make_item("a1", topic="01", stem=twin.replace("首先", "首要"))]
    items += [make_item(f"b{k}", topic="02") for k in range(5)]
    with pytest.raises(AssemblyError, match=r"can be met only by breaking the rule on near-duplicate stems"):
        assemble(make_bank(items), single_only(4, {"easy": 1}), variants=1)


# -- conflicts and fit ------------------------------------------------------------


def test_at_most_one_item_per_enemy_group_on_each_paper():
    bank = small_bank(500, enemy_share=0.8, seed=5)
    for paper in assemble(bank, small_format(), variants=3, mode="parallel"):
        by_id = {i.id: i for i in bank.items}
        groups = [by_id[q.item_id].enemy_group for q in paper.questions if by_id[q.item_id].enemy_group]
        assert len(groups) == len(set(groups))


@pytest.mark.parametrize("method", ["greedy", "ilp"])
def test_near_duplicate_stems_never_share_a_paper(method):
    bank = small_bank(600, near_duplicate_share=0.4, seed=6)
    for paper in assemble(bank, small_format(), variants=2, mode="parallel", rules=AssemblyRules(method=method)):
        grams = [bigrams(q.stem) for q in paper.questions]
        assert all(jaccard(a, b) < 0.8 for a, b in combinations(grams, 2))


def test_items_with_more_options_than_the_section_prints_are_never_drawn(make_item, make_bank):
    wide = [{"label": x, "text": f"选项{x}"} for x in "ABCDE"]
    items = [make_item(f"w{k}", topic=f"0{1 + k % 2}", options=wide) for k in range(20)]
    items += [make_item(f"n{k}", topic=f"0{1 + k % 2}") for k in range(8)]
    paper = assemble(make_bank(items), single_only(8, {"easy": 1}), variants=1)[0]
    assert item_ids(paper) == {f"n{k}" for k in range(8)}


def test_excluded_items_are_never_drawn():
    bank = small_bank(300)
    excluded = frozenset(i.id for i in bank.items[:150])
    for paper in assemble(bank, small_format(), variants=2, exclude_items=excluded):
        assert not item_ids(paper) & excluded


def test_pinned_options_stay_last_and_fixed_items_keep_their_order():
    bank = small_bank(400, pinned_share=0.4, no_shuffle_share=0.2, seed=8)
    by_id = {i.id: i for i in bank.items}
    checked = 0
    for paper in assemble(bank, small_format(), variants=3):
        for q in paper.questions:
            item = by_id[q.item_id]
            printed = [o.source_label for o in q.options]
            if item.no_shuffle:
                assert printed == list(item.labels)
            elif any(o.pinned for o in item.options):
                assert printed[-1] == item.options[-1].label
                checked += 1
    assert checked > 0


# -- modes ------------------------------------------------------------------------


def test_parallel_forms_share_no_item():
    papers = assemble(small_bank(600), small_format(), variants=4, mode="parallel")
    for a, b in combinations(papers, 2):
        assert not item_ids(a) & item_ids(b)


def test_shuffle_variants_hold_the_same_items_in_different_orders():
    papers = assemble(small_bank(300), small_format(), variants=3, mode="shuffle")
    assert item_ids(papers[0]) == item_ids(papers[1]) == item_ids(papers[2])
    orders = {tuple(q.item_id for q in p.questions) for p in papers}
    assert len(orders) == 3


def test_variants_are_named_a_b_c_and_beyond_z():
    assert variant_names(3) == ["A", "B", "C"]
    assert variant_names(27)[25:] == ["Z", "AA"]
    papers = assemble(small_bank(300), small_format(), variants=3)
    assert [p.variant for p in papers] == ["A", "B", "C"]


def test_greedy_only_fails_where_the_integer_program_succeeds(make_item, make_bank):
    items = [make_item(f"a{k}", topic="01", difficulty="hard") for k in range(4)]
    items += [make_item(f"b{k}{d[0]}", topic="02", difficulty=d) for k in range(4) for d in ("easy", "hard")]
    bank, fmt = make_bank(items), single_only(8, {"easy": 1, "hard": 1})
    with pytest.raises(AssemblyError, match="greedy passes left a quota unfilled"):
        assemble(bank, fmt, variants=1, seed=3, rules=AssemblyRules(method="greedy", greedy_attempts=1))
    paper = assemble(bank, fmt, variants=1, seed=3)[0]
    assert item_ids(paper) == {f"a{k}" for k in range(4)} | {f"b{k}e" for k in range(4)}


# -- reproducibility --------------------------------------------------------------


@pytest.mark.parametrize("mode", ["shuffle", "parallel"])
def test_same_seed_gives_identical_papers_and_keys(mode):
    bank, fmt = small_bank(400), small_format()
    first = assemble(bank, fmt, variants=2, seed=11, mode=mode)
    second = assemble(small_bank(400), fmt, variants=2, seed=11, mode=mode)
    assert [p.questions for p in first] == [p.questions for p in second]


def test_different_seeds_give_different_papers():
    bank, fmt = small_bank(400), small_format()
    a = assemble(bank, fmt, variants=1, seed=1)[0]
    b = assemble(bank, fmt, variants=1, seed=2)[0]
    assert item_ids(a) != item_ids(b)
    assert [q.answer for q in a.questions] != [q.answer for q in b.questions]


def test_the_integer_program_is_seeded_too():
    bank, fmt = small_bank(400), small_format()
    rules = AssemblyRules(method="ilp")
    a, b, c = (assemble(bank, fmt, variants=1, seed=s, rules=rules)[0] for s in (1, 1, 2))
    assert a.questions == b.questions
    assert item_ids(a) != item_ids(c)


def test_exam_id_defaults_to_format_id_and_seed():
    fmt = small_format(format_id="cs-30")
    paper = assemble(small_bank(300), fmt, variants=1, seed=42)[0]
    assert paper.exam_id == default_exam_id(fmt, 42) == "cs-30-42"


def test_exam_id_with_a_separator_is_refused():
    with pytest.raises(AssemblyError, match=r"exam id must be non-empty without '\|' or spaces \(got 'a\|b'\)"):
        assemble(small_bank(300), small_format(), exam_id="a|b")


# -- verification --------------------------------------------------------------


def _plan(bank, fmt):
    return make_plan(make_blueprint(bank, fmt), fmt, AssemblyRules())


def test_verify_paper_rejects_a_wrong_key():
    bank, fmt = small_bank(300), small_format()
    paper = assemble(bank, fmt, variants=1)[0]
    first = paper.questions[0]
    wrong = "B" if first.answer != ("B",) else "C"
    tampered = dataclasses.replace(paper, questions=(dataclasses.replace(first, answer=(wrong,)),) + paper.questions[1:])
    with pytest.raises(AssemblyError, match=r"variant A: question 1 \(.*\): key \['[BC]'\] does not match"):
        verify_paper(tampered, bank, _plan(bank, fmt))


def test_verify_paper_rejects_a_repeated_item_and_broken_quotas():
    bank, fmt = small_bank(300), small_format()
    paper = assemble(bank, fmt, variants=1)[0]
    twice = dataclasses.replace(paper.questions[1], item_id=paper.questions[0].item_id)
    tampered = dataclasses.replace(paper, questions=paper.questions[:1] + (twice,) + paper.questions[2:])
    with pytest.raises(AssemblyError, match=r"items appear twice"):
        verify_paper(tampered, bank, _plan(bank, fmt))


def test_key_balance_reports_each_section():
    paper = assemble(small_bank(300), small_format(single=20), variants=1)[0]
    balance = {b.section: b for b in key_balance(paper)}
    assert balance["single"].keys == {"A": 5, "B": 5, "C": 5, "D": 5}
    assert sum(balance["judge"].keys.values()) == 6
    assert balance["single"].describe().startswith("single A 5 B 5 C 5 D 5")


def _with_items_changed(bank, paper, **fields_of_second):
    """The bank with the paper's second item changed, and the paper with its stem updated to match."""
    first, second = paper.questions[0], paper.questions[1]
    items = [i.model_copy(update=fields_of_second) if i.id == second.item_id else i for i in bank.items]
    changed = bank.model_copy(update={"items": items})
    stem = fields_of_second.get("stem", second.stem)
    paper = dataclasses.replace(paper, questions=(first, dataclasses.replace(second, stem=stem)) + paper.questions[2:])
    return changed, paper


def test_verify_paper_finds_near_duplicates_and_enemies_on_its_own():
    bank, fmt = small_bank(300, enemy_share=0.0), small_format()
    paper = assemble(bank, fmt, variants=1)[0]
    twin_bank, twin_paper = _with_items_changed(bank, paper, stem=paper.questions[0].stem + "吗")
    with pytest.raises(AssemblyError, match=r"items \S+ and \S+ have near-duplicate stems"):
        verify_paper(twin_paper, twin_bank, _plan(twin_bank, fmt))
    enemy_bank = bank.model_copy(update={"items": [
        i.model_copy(update={"enemy_group": "g"}) if i.id in {q.item_id for q in paper.questions[:2]} else i
        for i in bank.items
    ]})
    with pytest.raises(AssemblyError, match=r"enemy group 'g' has 2 items on the paper"):
        verify_paper(paper, enemy_bank, _plan(enemy_bank, fmt))


def test_a_long_exam_id_is_refused_to_keep_the_qr_code_short():
    with pytest.raises(AssemblyError, match=r"exam id is longer than 24 characters \(got 'x{25}'\)"):
        assemble(small_bank(300), small_format(), exam_id="x" * 25)
