"""Key corrections: applied across shuffled variants, written as a new key version, rescoring the store."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sim_cohort import MISKEY_ITEM, cohort_store, cs_manifest

from papergen.errors import ManifestError, ReportError
from papergen.exam.manifest import load_manifest, save_manifest
from papergen.grading import (
    STORE_FILENAME,
    apply_corrections,
    Corrections,
    load_corrections,
    next_version_path,
    printed_to_bank,
    rescore_results,
    Store,
)
from papergen.i18n import using_language
from papergen.report.html_report import report_html
from papergen.report.run import exam_report, write_exam_exports

MANIFEST = cs_manifest()


def fixes(*corrections, reason="答案更正"):
    return Corrections.model_validate({"reason": reason, "corrections": list(corrections)})


def question_of(manifest, variant, item_id):
    return next(q for q in manifest.variant(variant).questions if q.item_id == item_id)


def printed(question, bank_labels):
    to_printed = {bank: shown for shown, bank in printed_to_bank(question).items()}
    return sorted(to_printed[label] for label in bank_labels)


@pytest.fixture
def results(tmp_path):
    """A graded results folder of 30 candidates and its key file."""
    _, manifest = cohort_store(tmp_path / "results", 30)
    save_manifest(manifest, tmp_path / "key.json")
    return tmp_path


def write_fixes(folder, *corrections, reason="第7题答案应为B"):
    path = folder / "fixes.json"
    path.write_text(json.dumps({"reason": reason, "corrections": list(corrections)}, ensure_ascii=False),
                    encoding="utf-8")
    return path


# -- applying corrections to the key ---------------------------------------------------------------


def test_a_new_answer_given_on_one_variant_reaches_every_variant_through_its_permutation():
    a_question = question_of(MANIFEST, "A", MISKEY_ITEM)
    corrected, changes = apply_corrections(MANIFEST, fixes({"variant": "A", "question": a_question.number,
                                                            "answer": "B"}))
    b_question = question_of(corrected, "B", MISKEY_ITEM)
    assert question_of(corrected, "A", MISKEY_ITEM).answer == ["B"]
    assert b_question.answer == printed(b_question, ["B"])
    assert {(c.variant, c.item_id) for c in changes} == {("A", MISKEY_ITEM), ("B", MISKEY_ITEM)}
    assert MANIFEST.variant("A").questions[a_question.number - 1].answer == ["A"], "input manifest modified"


def test_checksums_stay_those_of_the_printed_key():
    corrected, _ = apply_corrections(MANIFEST, fixes({"item": MISKEY_ITEM, "drop": True}))
    assert [v.checksum for v in corrected.variants] == [v.checksum for v in MANIFEST.variants]
    assert question_of(corrected, "B", MISKEY_ITEM).dropped


def test_also_accept_is_given_in_bank_labels_for_an_item():
    corrected, changes = apply_corrections(MANIFEST, fixes({"item": MISKEY_ITEM, "also_accept": ["B"]}))
    b_question = question_of(corrected, "B", MISKEY_ITEM)
    assert b_question.also_accept == [printed(b_question, ["B"])]
    assert changes[0].before == "A" and changes[0].after == "A/B"


def test_a_true_false_answer_may_be_written_in_chinese():
    judge = MANIFEST.variant("A").questions[140]
    flipped = "错" if judge.answer == ["T"] else "对"
    corrected, _ = apply_corrections(MANIFEST, fixes({"variant": "A", "question": 141, "answer": flipped}))
    assert corrected.variant("A").questions[140].answer == (["F"] if judge.answer == ["T"] else ["T"])


def test_every_bad_correction_is_reported_at_once():
    bad = fixes({"variant": "A", "question": 3, "answer": "E"},
                {"variant": "A", "question": 4, "answer": "AB"},
                {"variant": "C", "question": 1, "answer": "A"},
                {"item": "cs-9999", "drop": True},
                {"variant": "A", "question": 170, "answer": "A"})
    with pytest.raises(ManifestError) as caught:
        apply_corrections(MANIFEST, bad, source="fixes.json")
    message = str(caught.value)
    assert "fixes.json: corrections[0] (variant A question 3): 'E' is not an option" in message
    assert "corrections[1] (variant A question 4): answer: a single question takes one option (got AB)" in message
    assert "corrections[2] (variant C question 1): no such question" in message
    assert "corrections[3] (item cs-9999): exam CS2026A has no item 'cs-9999'" in message
    assert "corrections[4] (variant A question 170): answer: a multiple-choice answer has two or more" in message


def test_corrections_that_change_nothing_are_refused():
    current = question_of(MANIFEST, "A", MISKEY_ITEM)
    with pytest.raises(ManifestError, match="the corrections change nothing"):
        apply_corrections(MANIFEST, fixes({"item": MISKEY_ITEM, "answer": current.answer}))


def test_a_correction_names_one_question_and_one_action(tmp_path):
    path = write_fixes(tmp_path, {"item": MISKEY_ITEM, "variant": "A", "question": 7, "drop": True})
    with pytest.raises(ManifestError, match=r"fixes.json: not a valid corrections file: corrections.0: Value error, "
                                            r"name either 'variant' and 'question', or 'item'"):
        load_corrections(path)
    path = write_fixes(tmp_path, {"item": MISKEY_ITEM, "drop": True, "answer": "B"})
    with pytest.raises(ManifestError, match="'drop' cannot be combined"):
        load_corrections(path)


# -- versions, the store and the exports ---------------------------------------------------------------


def test_next_version_never_replaces_a_file(tmp_path):
    key = tmp_path / "key.json"
    assert next_version_path(key).name == "key.v2.json"
    (tmp_path / "key.v2.json").write_text("{}")
    assert next_version_path(key).name == "key.v3.json"
    assert next_version_path(tmp_path / "key.v2.json").name == "key.v3.json"


def test_rescore_writes_a_new_key_beside_the_old_and_rescores_every_sheet(results):
    old_bytes = (results / "key.json").read_bytes()
    outcome = rescore_results(results / "results", results / "key.json",
                              write_fixes(results, {"variant": "A", "question": 7, "answer": "B"}))
    assert (results / "key.json").read_bytes() == old_bytes
    assert outcome.manifest_path == results / "key.v2.json"
    assert question_of(load_manifest(outcome.manifest_path), "A", MISKEY_ITEM).answer == ["B"]
    assert outcome.rescore.sheets == 30 and outcome.rescore.changes
    assert all(c.new_total != c.old_total for c in outcome.rescore.changes)
    with Store.open(results / "results" / STORE_FILENAME) as store:
        assert [r.reason for r in store.rescore_history()] == ["第7题答案应为B"]
        assert store.manifest(MANIFEST.exam_id) == load_manifest(outcome.manifest_path)


def test_rescore_logs_the_changes_beside_the_new_key(results):
    outcome = rescore_results(results / "results", results / "key.json",
                              write_fixes(results, {"variant": "A", "question": 7, "answer": "B", "note": "教材第3章"}))
    log = json.loads(outcome.log_path.read_text(encoding="utf-8"))
    assert outcome.log_path.name == "key.v2.changes.json"
    assert log["previous_key"] == "key.json" and log["key"] == "key.v2.json"
    assert {(c["variant"], c["before"], c["note"]) for c in log["changes"]} >= {("A", "A", "教材第3章")}
    assert len(log["score_changes"]) == len(outcome.rescore.changes)


def test_every_export_follows_the_rescore(results):
    out = results / "results"
    before = exam_report_flags(out)
    assert MISKEY_ITEM in before
    outcome = rescore_results(out, results / "key.json",
                              write_fixes(results, {"variant": "A", "question": 7, "answer": "B"}),
                              exam_exports=write_exam_exports)
    names = {p.name for p in outcome.exports}
    assert {"scores.csv", "responses.csv", "review.csv", "item-analysis-CS2026A.csv", "results-CS2026A.xlsx"} <= names
    rows = list(csv.DictReader(io.StringIO((out / "scores.csv").read_text(encoding="utf-8-sig"))))
    changed = {c.candidate: c.new_total for c in outcome.rescore.changes}
    assert all(float(r["total"]) == changed[r["candidate"]] for r in rows if r["candidate"] in changed)
    items = list(csv.DictReader(io.StringIO((out / "item-analysis-CS2026A.csv").read_text(encoding="utf-8-sig"))))
    fixed = next(r for r in items if r["item_id"] == MISKEY_ITEM)
    assert fixed["key"] == "B" and fixed["miskey_suspect"] == "0"


def test_the_report_after_a_rescore_lists_the_correction(results):
    rescore_results(results / "results", results / "key.json",
                    write_fixes(results, {"variant": "A", "question": 7, "answer": "B"}))
    with Store.open(results / "results" / STORE_FILENAME) as store:
        report = exam_report(store, MANIFEST.exam_id)
    assert [r.reason for r in report.rescores] == ["第7题答案应为B"]
    with using_language("zh"):
        page = report_html(report)
    assert "第7题答案应为B：重新评分 30 份" in page and "本次成绩未经答案更正" not in page


def exam_report_flags(out):
    with Store.open(out / STORE_FILENAME) as store:
        return {a.item.item_id for a in exam_report(store, MANIFEST.exam_id).analysis.miskey_suspects}


def test_correcting_an_older_key_version_is_refused_naming_the_current_one(results):
    fix = write_fixes(results, {"variant": "A", "question": 7, "answer": "B"})
    rescore_results(results / "results", results / "key.json", fix)
    again = write_fixes(results, {"variant": "A", "question": 9, "drop": True})
    with pytest.raises(ReportError, match=r"last scored with another version of the key; .*pass .*key\.v2\.json"):
        rescore_results(results / "results", results / "key.json", again)
    assert not (results / "key.v3.json").exists()


def test_rescore_needs_a_results_folder(tmp_path):
    save_manifest(MANIFEST, tmp_path / "key.json")
    fix = write_fixes(tmp_path, {"variant": "A", "question": 7, "answer": "B"})
    with pytest.raises(ReportError, match=r"no results.sqlite here"):
        rescore_results(tmp_path, tmp_path / "key.json", fix)
