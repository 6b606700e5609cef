"""Only the same question is merged; similar questions are enemies; a conflict is held out with both places."""

from __future__ import annotations

from papergen.importers import import_sources, load_bank_header

from import_files import FIXTURES

HEADER = load_bank_header(FIXTURES / "topics.json")


def test_similar_but_different_questions_are_both_kept_in_one_enemy_group(import_fixture):
    items = import_fixture("lookalikes_a.txt").items
    assert [i.answer for i in items] == ["B", "C", "C", "A"]
    assert items[0].enemy_group == items[1].enemy_group is not None
    assert items[2].enemy_group == items[3].enemy_group is not None
    assert items[0].enemy_group != items[2].enemy_group


def test_the_same_question_with_another_key_is_held_out_naming_both_sources():
    result = import_sources([FIXTURES / "lookalikes_a.txt", FIXTURES / "lookalikes_b.txt"], HEADER).result
    stems = [i.stem for i in result.items]
    assert not any("500千米" in s or "24,16" in s for s in stems)
    assert any("1000千米" in s for s in stems) and any("81,17" in s for s in stems)
    conflicts = [p for p in result.errors() if "disagree" in p.message]
    assert any("lookalikes_a.txt#1 B=5" in p.message and "lookalikes_b.txt#1 B=2" in p.message for p in conflicts)
    assert any("lookalikes_a.txt#3 C=8" in p.message and "lookalikes_b.txt#2 D=16" in p.message for p in conflicts)
    held = sorted((e.document, e.line) for e in result.held_out if e.reason == "conflict")
    assert held == [("lookalikes_a.txt", 2), ("lookalikes_a.txt", 8), ("lookalikes_b.txt", 2), ("lookalikes_b.txt", 5)]


def test_the_same_question_with_the_same_key_is_merged_whatever_the_option_order(tmp_path):
    again = tmp_path / "again.txt"
    again.write_text("一、单选题\n9. 快递车以每小时100千米的速度匀速行驶，跑完1000千米需要（ ）小时。\nA. 10 B. 2 C. 5 D. 50\n答案：A\n", "utf-8")
    result = import_sources([FIXTURES / "lookalikes_a.txt", again], HEADER).result
    merged = [i for i in result.items if "1000千米" in i.stem]
    assert len(merged) == 1 and merged[0].provenance.also_in == ["again.txt#9"]
    assert result.files[1].duplicates == 1
