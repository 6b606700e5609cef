"""Dropping and awarding (送分) a question: each with its full-marks and pass-mark policy, stated;
rescore lists only the totals that changed."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from sim_cohort import MISKEY_ITEM, cohort_store, cs_manifest

from omr.result import MarkState, QuestionRead
from papergen.exam.manifest import save_manifest
from papergen.grading import STORE_FILENAME, Corrections, Store, apply_corrections, rescore_results
from papergen.grading.scoring import score_question
from papergen.i18n import using_language
from papergen.report.html_report import report_html
from papergen.report.run import exam_report
from papergen.report.slips import slips_of

MANIFEST = cs_manifest()
QUESTION = 7  # MISKEY_ITEM's number on variant A


@pytest.fixture
def results(tmp_path):
    _, manifest = cohort_store(tmp_path / "results", 30)
    save_manifest(manifest, tmp_path / "key.json")
    return tmp_path


def _rescore(folder, correction):
    path = folder / "fixes.json"
    path.write_text(json.dumps({"reason": "第7题", "corrections": [correction]}, ensure_ascii=False), encoding="utf-8")
    return rescore_results(folder / "results", folder / "key.json", path)


def _report(folder):
    with Store.open(folder / "results" / STORE_FILENAME) as store:
        return exam_report(store, MANIFEST.exam_id)


def test_award_reaches_every_variant_and_cannot_be_combined_with_another_action():
    corrected, changes = apply_corrections(MANIFEST, Corrections.model_validate(
        {"reason": "送分", "corrections": [{"variant": "A", "question": QUESTION, "award": True}]}))
    assert all(q.awarded and not q.dropped for v in corrected.variants for q in v.questions if q.item_id == MISKEY_ITEM)
    assert {c.after for c in changes} == {"awarded to all"} and len(changes) == 2
    for bad in ({"item": MISKEY_ITEM, "award": True, "drop": True}, {"item": MISKEY_ITEM, "award": True, "answer": "B"}):
        with pytest.raises(ValidationError, match="cannot be combined"):
            Corrections.model_validate({"reason": "x", "corrections": [bad]})


def test_an_awarded_question_gives_its_points_whatever_was_marked():
    question = MANIFEST.variant("A").questions[QUESTION - 1].model_copy(update={"awarded": True})
    blank = QuestionRead(number=QUESTION, options=tuple("ABCD"), fills=(0.0,) * 4, states=(MarkState.BLANK,) * 4,
                         marked=())
    score = score_question(question, blank, MANIFEST.format.section("single").scoring)
    assert (score.points, score.max_points, score.status) == (0.5, 0.5, "awarded")


def test_rescore_after_a_drop_lists_only_changed_totals_and_states_the_policy(results):
    outcome = _rescore(results, {"variant": "A", "question": QUESTION, "drop": True})
    lines = outcome.describe()
    moved = outcome.rescore.total_changes
    assert moved and len(moved) < outcome.rescore.sheets
    assert f"Rescored 30 sheets: {len(moved)} totals changed, {30 - len(moved)} unchanged" in lines
    listed = [line for line in lines if " points" in line and "->" in line and "Maximum" not in line]
    assert len(listed) == len(moved) and all(c.old_total != c.new_total for c in moved)
    assert "Maximum of 30 sheets: 100 -> 99.5 points" in lines
    assert any("question(s) 7 dropped: full marks 100 -> 99.5, the pass mark 60 -> 59.7 in proportion" in line
               for line in lines)
    log = json.loads(outcome.log_path.read_text(encoding="utf-8"))
    assert len(log["score_changes"]) == len(moved) and log["policies"] == list(outcome.policies)


def test_the_report_and_slips_after_a_drop_give_the_pass_mark_in_proportion(results):
    _rescore(results, {"variant": "A", "question": QUESTION, "drop": True})
    report = _report(results)
    with using_language("zh"):
        page = report_html(report)
    assert "每份答卷的满分减去其分值（100 → 99.5），及格线按比例降低（60 → 59.7）" in page
    assert "60（作废题目后 59.7）" in page
    slip = slips_of(report)[0]
    assert (slip.max_total, slip.cut) == (99.5, pytest.approx(59.7))


def test_rescore_after_an_award_keeps_full_marks_and_pass_mark(results):
    outcome = _rescore(results, {"variant": "A", "question": QUESTION, "award": True})
    lines = outcome.describe()
    assert not any(line.startswith("Maximum") for line in lines)
    assert any("awarded to all (送分): every candidate gets the points; full marks 100 and pass mark 60 unchanged by it"
               in line for line in lines)
    assert all(c.new_total == c.old_total + 0.5 for c in outcome.rescore.total_changes)
    report = _report(results)
    with using_language("zh"):
        page = report_html(report)
    row = next(r for r in page.split("<tr>") if MISKEY_ITEM in r and "已送分" in r)
    assert "—" in row
    assert "满分（100）和及格线（60）不变" in page
    assert all(q.number != QUESTION for s in slips_of(report) if s.variant == "A" for q in s.questions)
