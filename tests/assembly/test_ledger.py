"""The usage ledger: append-only JSON Lines, exclusion of recent items, the overlap cap."""

from __future__ import annotations

import json

import pytest
from small_banks import item_ids, small_bank, small_format

from papergen.assembly import (
    ExposureRule,
    Ledger,
    LedgerEntry,
    assemble_exam,
    exposure_limits,
    ledger_entry,
)
from papergen.errors import AssemblyError

SHA = "0" * 64


def entry(exam_id: str, items: list[str], bank_id: str = "synthetic") -> LedgerEntry:
    return LedgerEntry(exam_id=exam_id, date="2026-11-01", bank_id=bank_id, bank_sha256=SHA, mode="shuffle",
                       seed=1, variants={"A": items})


def build(bank, exam_id, seed, ledger=None, exposure=None, variants=1):
    return assemble_exam(bank, small_format(), variants=variants, seed=seed, exam_id=exam_id, bank_sha256=SHA,
                         ledger=ledger, exposure=exposure)


def test_appending_never_rewrites_earlier_lines(tmp_path):
    ledger = Ledger(tmp_path / "usage.jsonl")
    ledger.append(entry("e1", ["a", "b"]))
    before = ledger.path.read_bytes()
    ledger.append(entry("e2", ["c"]))
    after = ledger.path.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert [e.exam_id for e in ledger.entries()] == ["e1", "e2"]
    assert all(json.loads(line) for line in after.decode("utf-8").splitlines())


def test_a_missing_final_newline_is_repaired_before_appending(tmp_path):
    path = tmp_path / "usage.jsonl"
    path.write_text(entry("e1", ["a"]).model_dump_json(), encoding="utf-8")
    Ledger(path).append(entry("e2", ["b"]))
    assert [e.exam_id for e in Ledger(path).entries()] == ["e1", "e2"]


def test_a_ledger_that_does_not_exist_yet_is_empty(tmp_path):
    assert Ledger(tmp_path / "none.jsonl").entries() == []


def test_unreadable_lines_are_named_with_their_number(tmp_path):
    path = tmp_path / "usage.jsonl"
    path.write_text(entry("e1", ["a"]).model_dump_json() + "\n{broken\n", encoding="utf-8")
    with pytest.raises(AssemblyError, match=r"usage.jsonl line 2: .*\n.*fix or remove the lines above"):
        Ledger(path).entries()


def test_sittings_keep_the_latest_line_per_exam_and_ignore_other_banks(tmp_path):
    ledger = Ledger(tmp_path / "usage.jsonl")
    for e in (entry("e1", ["a"]), entry("e2", ["b"]), entry("x", ["z"], bank_id="other"), entry("e1", ["c"])):
        ledger.append(e)
    sittings = ledger.sittings("synthetic", last=5)
    assert [(s.exam_id, s.variants["A"]) for s in sittings] == [("e2", ["b"]), ("e1", ["c"])]
    assert [s.exam_id for s in ledger.sittings("synthetic", last=1)] == ["e1"]
    assert [s.exam_id for s in ledger.sittings("synthetic", last=5, excluding="e1")] == ["e2"]


def test_exclude_last_covers_exactly_the_last_n_sittings(tmp_path):
    ledger = Ledger(tmp_path / "usage.jsonl")
    for k in range(3):
        ledger.append(entry(f"e{k}", [f"i{k}"]))
    limits = exposure_limits(ExposureRule(exclude_last=2), ledger, bank_id="synthetic", exam_id="new")
    assert limits.excluded == {"i1", "i2"}


def test_items_of_recent_sittings_are_excluded_from_a_new_exam(tmp_path):
    bank, ledger = small_bank(300, topics=2), Ledger(tmp_path / "usage.jsonl")
    first = build(bank, "e1", seed=1, variants=2)
    ledger.append(ledger_entry(first, date="2026-10-01", mode="shuffle"))
    second = build(bank, "e2", seed=2, ledger=ledger, exposure=ExposureRule(exclude_last=1))
    assert not item_ids(second[0]) & item_ids(first[0])


def test_the_overlap_cap_limits_reuse_that_would_otherwise_happen(tmp_path):
    bank, ledger = small_bank(100, topics=2, seed=1), Ledger(tmp_path / "usage.jsonl")
    first = build(bank, "e1", seed=1)
    ledger.append(ledger_entry(first, date="2026-10-01", mode="shuffle"))
    uncapped = build(bank, "e2", seed=2)
    capped = build(bank, "e2", seed=2, ledger=ledger, exposure=ExposureRule(max_overlap_pct=10))
    assert len(item_ids(uncapped[0]) & item_ids(first[0])) > 3
    assert len(item_ids(capped[0]) & item_ids(first[0])) <= 3  # 10 % of 30 questions


def test_an_overlap_cap_the_bank_cannot_meet_names_the_shortfall(tmp_path):
    bank, ledger = small_bank(60, topics=2, seed=1), Ledger(tmp_path / "usage.jsonl")
    ledger.append(ledger_entry(build(bank, "e1", seed=1, variants=1), date="2026-10-01", mode="shuffle"))
    ledger.append(ledger_entry(build(bank, "e2", seed=2, variants=1), date="2026-10-02", mode="shuffle"))
    with pytest.raises(AssemblyError, match=r"at most 0 of 30 items may come from the recent sittings, so 30 must be new"):
        build(bank, "e3", seed=3, ledger=ledger, exposure=ExposureRule(max_overlap_pct=0, overlap_last=2))


def test_rebuilding_an_exam_ignores_its_own_ledger_lines(tmp_path):
    bank, ledger = small_bank(300, topics=2), Ledger(tmp_path / "usage.jsonl")
    rule = ExposureRule(exclude_last=1)
    first = build(bank, "e1", seed=1, ledger=ledger, exposure=rule)
    ledger.append(ledger_entry(first, date="2026-10-01", mode="shuffle"))
    again = build(bank, "e1", seed=1, ledger=ledger, exposure=rule)
    assert again[0].questions == first[0].questions


def test_the_ledger_entry_records_every_variant():
    papers = build(small_bank(300), "e1", seed=1, variants=2)
    recorded = ledger_entry(papers, date="2026-10-01", mode="shuffle")
    assert recorded.variants == {p.variant: [q.item_id for q in p.questions] for p in papers}
    assert recorded.bank_id == "synthetic" and recorded.exam_id == "e1"


@pytest.mark.parametrize(("rule", "message"), [
    ({"exclude_last": -1}, r"exclude_last must be 0 or more \(got -1\)"),
    ({"max_overlap_pct": 120}, r"max_overlap_pct must be within 0-100 \(got 120\)"),
    ({"overlap_last": 0}, r"overlap_last must be 1 or more \(got 0\)"),
])
def test_exposure_rules_are_checked(rule, message):
    with pytest.raises(AssemblyError, match=message):
        ExposureRule(**rule)


def test_an_exposure_rule_without_a_ledger_is_refused():
    with pytest.raises(AssemblyError, match="an exposure rule needs a usage ledger"):
        build(small_bank(300), "e1", seed=1, exposure=ExposureRule(exclude_last=1))


def test_a_bad_ledger_date_is_refused():
    with pytest.raises(ValueError, match="date"):
        LedgerEntry(exam_id="e", date="1 Nov", bank_id="b", bank_sha256=SHA, mode="shuffle", seed=1, variants={})


def test_a_ledger_that_cannot_be_written_says_so_with_the_line(tmp_path):
    folder = tmp_path / "ledger-is-a-folder"
    folder.mkdir()
    with pytest.raises(AssemblyError, match=r"cannot append to the usage ledger \(.*\); add this line by hand: .*\"e1\""):
        Ledger(folder).append(entry("e1", ["a"]))
