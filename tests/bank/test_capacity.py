"""Capacity: how many non-overlapping papers a bank fills, the flow solver, the table."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from papergen.bank.paper_capacity import capacity, display_width, format_capacity_table, section_fits
from papergen.bank.flow import FlowNetwork
from papergen.bank.blueprint import make_blueprint
from papergen.errors import AssemblyError

TOPICS_2_1 = [{"code": "01", "name": "客户服务概述", "weight": 2}, {"code": "02", "name": "投诉处理", "weight": 1}]
EQUAL_TOPICS = [{"code": "01", "name": "客户服务概述", "weight": 1}, {"code": "02", "name": "投诉处理", "weight": 1}]


@pytest.fixture
def cell_bank(make_bank, make_item):
    """``cell_bank({(topic, difficulty): n}, topics, item_type="single", **fields)``: n items per cell."""

    def build(cells, topics, item_type="single", **fields):
        items = []
        for (topic, difficulty), n in cells.items():
            for i in range(n):
                item_id = f"{item_type}-{topic}-{difficulty}-{i}"
                items.append(make_item(item_id, item_type, topic=topic, difficulty=difficulty, **fields))
        return make_bank(items, topics)

    return build


# ------------------------------------------------------------------ flow solver


def test_max_flow_of_a_textbook_network():
    # Cormen et al., Introduction to Algorithms, figure 26.1: maximum flow 23.
    net = FlowNetwork(6)
    for tail, head, cap in [(0, 1, 16), (0, 2, 13), (1, 3, 12), (2, 1, 4), (2, 4, 14), (3, 2, 9), (3, 5, 20), (4, 3, 7), (4, 5, 4)]:
        net.add_edge(tail, head, cap)
    result = net.max_flow(0, 5)
    assert result.value == 23
    assert result.source_side == frozenset({0, 1, 2, 4})  # cut edges 1->3 (12), 4->3 (7), 4->5 (4)


def test_max_flow_is_zero_when_the_sink_is_unreachable():
    net = FlowNetwork(3)
    net.add_edge(0, 1, 5)
    result = net.max_flow(0, 2)
    assert (result.value, result.source_side) == (0, frozenset({0, 1}))


def test_negative_capacity_is_rejected():
    with pytest.raises(ValueError, match=r"edge 0->1: capacity must be >= 0 \(got -1\)"):
        FlowNetwork(2).add_edge(0, 1, -1)


# ------------------------------------------------------------------ papers per section


def test_topic_quota_limits_the_paper_count(cell_bank, make_format):
    bank = cell_bank({("01", "easy"): 5, ("02", "easy"): 3}, EQUAL_TOPICS)
    report = capacity(bank, make_format(single=4, judge=0, multi=0))
    [section] = report.sections
    assert section.quota.topics == {"01": 2, "02": 2}
    assert section.papers == report.papers == 1
    assert report.limit == "section single, topic 02: 2 papers need 4, bank has 3"


def test_difficulty_quota_limits_the_paper_count(cell_bank, make_format):
    bank = cell_bank({("01", "easy"): 9, ("01", "hard"): 2, ("02", "easy"): 9}, EQUAL_TOPICS)
    report = capacity(bank, make_format(single=4, judge=0, multi=0, mix={"easy": 3, "hard": 1}))
    assert report.papers == 2
    assert report.limit == "section single, difficulty hard: 3 papers need 3, bank has 2"


def test_joint_cells_can_limit_below_what_the_marginals_allow(cell_bank, make_format):
    # Per paper: topic 01 x2, 02 x1; easy x2, hard x1. Topic 01 has only 2 easy items, and at most
    # one of its two items per paper may be hard, so each paper needs one 01-easy item.
    cells = {("01", "easy"): 2, ("01", "hard"): 5, ("02", "easy"): 5, ("02", "hard"): 5}
    bank = cell_bank(cells, TOPICS_2_1)
    fmt = make_format(single=3, judge=0, multi=0, mix={"easy": 2, "hard": 1})
    report = capacity(bank, fmt)
    quota = report.sections[0].quota
    marginal_bound = min(
        sum(n for (t, _), n in cells.items() if t == "01") // quota.topics["01"],
        sum(n for (t, _), n in cells.items() if t == "02") // quota.topics["02"],
        sum(n for (_, d), n in cells.items() if d == "easy") // quota.difficulties["easy"],
        sum(n for (_, d), n in cells.items() if d == "hard") // quota.difficulties["hard"],
        sum(cells.values()) // quota.count,
    )
    assert marginal_bound == 3
    assert report.papers == 2
    assert report.limit == "section single, topic 01 difficulty easy: 3 papers need 3, bank has 2"


def test_total_shortage_is_worded_for_the_whole_section(cell_bank, make_format):
    bank = cell_bank({("01", "easy"): 3, ("02", "easy"): 3}, EQUAL_TOPICS)
    report = capacity(bank, make_format(single=2, judge=0, multi=0))
    assert report.papers == 3
    assert report.limit == "section single, all items: 4 papers need 8, bank has 6"


def test_enemy_group_gives_one_item_per_paper(cell_bank, make_format):
    fmt = make_format(single=2, judge=0, multi=0)
    topics = [{"code": "01", "name": "甲", "weight": 1}]
    assert capacity(cell_bank({("01", "easy"): 4}, topics), fmt).papers == 2
    grouped = capacity(cell_bank({("01", "easy"): 4}, topics, enemy_group="g"), fmt)
    assert grouped.papers == 0
    assert grouped.limit == (
        "section single, all items: 1 paper needs 2, bank has 1 (4 items, but an enemy group gives one per paper)"
    )


def test_judge_section_needs_enough_true_and_false_keys(cell_bank, make_format, make_bank, make_item):
    topics = [{"code": "01", "name": "甲", "weight": 1}]
    items = [make_item(f"t{i}", "judge", answer=True) for i in range(10)]
    items += [make_item(f"f{i}", "judge", answer=False) for i in range(3)]
    report = capacity(make_bank(items, topics), make_format(single=0, judge=4, multi=0))
    assert report.papers == 1
    assert report.limit == "section judge, false (错) keys: 2 papers need 4, bank has 3"


def test_items_wider_than_the_section_are_not_counted(make_bank, make_item, make_format):
    five = [{"label": x, "text": f"选项{x}"} for x in "ABCDE"]
    items = [make_item(f"s{i}") for i in range(3)] + [make_item(f"w{i}", options=five) for i in range(2)]
    fmt = make_format(single=1, judge=0, multi=0)
    [section] = capacity(make_bank(items, EQUAL_TOPICS[:1]), fmt).sections
    assert (section.papers, section.excluded) == (3, 2)
    assert not section_fits(make_bank(items, EQUAL_TOPICS[:1]).items[3], fmt.sections[0])


def test_the_section_with_fewest_papers_sets_the_total(cell_bank, make_format, make_bank, make_item):
    topics = [{"code": "01", "name": "甲", "weight": 1}]
    singles = [make_item(f"s{i}") for i in range(12)]
    multis = [make_item(f"m{i}", "multi") for i in range(3)]
    judges = [make_item(f"j{i}", "judge", answer=i % 2 == 0) for i in range(20)]
    report = capacity(make_bank(singles + multis + judges, topics), make_format(single=4, judge=2, multi=2))
    assert [s.papers for s in report.sections] == [3, 10, 1]
    assert report.papers == 1
    assert report.limit.startswith("section multi, all items: 2 papers need 4, bank has 3")


def test_explicit_blueprint_overrides_the_topic_quotas(cell_bank, make_format):
    bank = cell_bank({("01", "easy"): 6, ("02", "easy"): 6}, EQUAL_TOPICS)
    fmt = make_format(single=4, judge=0, multi=0)
    assert capacity(bank, fmt).papers == 3
    skewed = make_blueprint(bank, fmt, {"single": {"01": 3, "02": 1}})
    report = capacity(bank, fmt, skewed)
    assert report.papers == 2
    assert report.limit == "section single, topic 01: 3 papers need 9, bank has 6"


def test_section_type_missing_from_the_bank_raises(cell_bank, make_format):
    bank = cell_bank({("01", "easy"): 4}, EQUAL_TOPICS)
    with pytest.raises(AssemblyError, match="section judge: the bank has no judge items"):
        capacity(bank, make_format(single=1, judge=1, multi=0))


# ------------------------------------------------------------------ the table


def test_display_width_counts_chinese_characters_twice():
    assert display_width("客户ab") == 6
    assert display_width("（１）") == 6


def test_capacity_table_aligns_columns_with_chinese_topic_names(cell_bank, make_format):
    bank = cell_bank({("01", "easy"): 12, ("01", "hard"): 3, ("02", "easy"): 4}, TOPICS_2_1)
    table = format_capacity_table(capacity(bank, make_format(single=3, judge=0, multi=0, mix={"easy": 1})))
    lines = table.splitlines()
    assert lines[0] == "bank test-bank, format test-format: enough items for 4 non-overlapping papers"
    assert "单项选择题 (single): 3 per paper, enough for 4 papers" in lines
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("topic"))
    rows = lines[header : header + 4]
    assert [r.split()[0] for r in rows] == ["topic", "01", "02", "all"]
    assert len({display_width(r) for r in rows}) == 1  # right edges line up
    assert len({len(r) for r in rows}) > 1  # although the character counts differ
    assert rows[1].split() == ["01", "客户服务概述", "12", "0", "3", "15", "2"]
    assert lines[header + 4].split() == ["per", "paper", "3", "0", "0", "3"]


# ------------------------------------------------------------------ against brute force


def _brute_force_papers(caps, topic_quota, level_quota):
    """Largest k with an integer 2 x 3 table x <= caps, row sums k*topic quota, column sums k*level quota."""

    def feasible(k):
        ranges = [range(min(caps[0][d], k * level_quota[d]) + 1) for d in range(3)]
        for first_row in itertools.product(*ranges):
            second_row = [k * level_quota[d] - first_row[d] for d in range(3)]
            if sum(first_row) == k * topic_quota[0] and all(0 <= second_row[d] <= caps[1][d] for d in range(3)):
                return True
        return False

    k = 0
    while feasible(k + 1):
        k += 1
    return k


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    caps=st.lists(st.lists(st.integers(0, 4), min_size=3, max_size=3), min_size=2, max_size=2),
    weights=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    mix=st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 3)),
    count=st.integers(2, 4),
)
def test_paper_count_equals_brute_force_on_small_banks(cell_bank, make_format, caps, weights, mix, count):
    levels = ("easy", "medium", "hard")
    topics = [{"code": f"0{t + 1}", "name": "甲乙"[t], "weight": weights[t]} for t in range(2)]
    cells = {(f"0{t + 1}", levels[d]): caps[t][d] for t in range(2) for d in range(3) if caps[t][d]}
    assume(all(any(caps[t]) for t in range(2)))  # every topic has items, so each keeps its weight
    bank = cell_bank(cells, topics)
    report = capacity(bank, make_format(single=count, judge=0, multi=0, mix=dict(zip(levels, mix))))
    quota = report.sections[0].quota
    expected = _brute_force_papers(caps, [quota.topics["01"], quota.topics["02"]], [quota.difficulties[d] for d in levels])
    assert report.papers == expected
    need, have = map(int, re.search(r"needs? (\d+), bank has (\d+)$", report.limit).groups())
    assert need > have
