"""run_demo end to end: from the bundled bank to graded scores that match what the candidates meant."""

from __future__ import annotations

import csv
import re

import pytest

from papergen.demo import DemoParams, run_demo
from papergen.errors import SimulationError
from papergen.bank import load_bank
from papergen.files import CSV_ENCODING
from papergen.grading import open_results
from papergen.i18n import using_language
from papergen.report import exam_report
from papergen.resources import bundled_bank_path


PROGRESS: list[tuple[str, int, int]] = []
"""What the module's demo told its progress callback."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo") / "out", candidates=5, seed=11, params=DemoParams(workers=1),
                    progress=lambda label, done, total: PROGRESS.append((label, done, total)))


def test_the_demo_writes_the_exam_the_scans_the_results_and_the_reports(demo):
    assert sorted(p.name for p in demo.exam_dir.iterdir()) == [
        "booklet-A.pdf", "booklet-B.pdf", "key.json", "key.pdf", "sheet-A.pdf", "sheet-B.pdf"]
    assert len(list(demo.scans_dir.iterdir())) == len(demo.simulation.files) > 0
    written = {p.name for p in demo.results_dir.iterdir()}
    assert {"scores.csv", "responses.csv", "review.csv", "results.sqlite"} <= written
    assert any(demo.reports_dir.glob("report-*.pdf")) and any(demo.reports_dir.glob("*.xlsx"))


def test_graded_scores_equal_the_intended_answers_scores_on_every_unflagged_sheet(demo):
    assert demo.scores.sheets == demo.grading.graded >= 3
    assert demo.scores.unflagged >= 1
    assert demo.scores.differences == []
    assert demo.scores.unflagged_equal == demo.scores.unflagged


def test_the_scores_file_lists_every_graded_candidate(demo):
    with (demo.results_dir / "scores.csv").open(encoding=CSV_ENCODING, newline="") as handle:
        rows = list(csv.DictReader(handle))
    graded = {c.number for c in demo.simulation.candidates}
    assert len(rows) == demo.grading.graded and {row["candidate"] for row in rows} <= graded


def test_the_foreign_sheet_is_refused_and_the_blank_back_counted(demo):
    assert [p.reason for p in demo.grading.refused if "other-exam" in p.reason] != []
    assert len(demo.grading.blank) >= 1


def test_no_bubble_is_misread_without_a_flag(demo):
    assert demo.accuracy.overall.bubbles >= 700 * demo.grading.graded
    assert demo.accuracy.silent_errors == 0, "\n".join(c.describe() for c in demo.accuracy.misreads)


def test_the_summary_says_where_everything_is(demo):
    text = "\n".join(demo.summary_lines())
    for folder in (demo.exam_dir, demo.scans_dir, demo.results_dir, demo.reports_dir):
        assert str(folder) in text
    assert f"Graded {demo.grading.graded} sheets" in text


def test_the_summary_speaks_chinese_with_the_folders_lined_up(demo):
    with using_language("zh"):
        lines = demo.summary_lines()
    assert lines[2].startswith(f"已评分 {demo.grading.graded} 张答题卡（")
    folders = [line for line in lines if line.startswith("  ")]
    assert [line.split()[0] for line in folders] == ["试卷", "扫描件", "成绩（CSV）", "报告"]
    starts = {line.index(str(folder)) + sum(c > "\u2e7f" for c in line[:line.index(str(folder))])
              for line, folder in zip(folders, (demo.exam_dir, demo.scans_dir, demo.results_dir, demo.reports_dir))}
    assert len(starts) == 1  # the same column on a terminal, a Chinese character being two columns wide
    assert lines[-1].startswith("用时 ") and "papergen grade" in lines[-1]


def test_each_step_tells_its_progress_in_order_up_to_its_total(demo):
    labels = list(dict.fromkeys(label for label, _, _ in PROGRESS))
    assert labels == ["Building the exam from the bundled bank", "Simulating the candidates' scanned sheets",
                      "Grading the scans", "Writing the reports"]
    for label in labels:
        steps = [(done, total) for name, done, total in PROGRESS if name == label]
        assert [done for done, _ in steps] == sorted(done for done, _ in steps)
        assert steps[-1][0] == steps[-1][1] > 0, (label, steps)


def test_the_demo_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SimulationError, match="folder is not empty; run the demo into a new folder"):
        run_demo(tmp_path, candidates=1)


def test_the_summary_counts_every_blank_back_the_grader_found(demo):
    simulated = demo.summary_lines()[1]
    assert f"{_blank_backs(len(demo.grading.blank))}" in simulated, simulated


def _blank_backs(n: int) -> str:
    return f"{n} blank back" if n == 1 else f"{n} blank backs"


def test_the_demo_report_numbers_its_parts_without_gaps_and_needs_no_bank_for_topics(demo):
    page = next(demo.reports_dir.glob("report-*.html")).read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"<h2>(\d+)\. ", page)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 7
    names = load_bank(bundled_bank_path("customer-service")).topic_names()
    with open_results(demo.results_dir) as store:
        [exam_id] = store.manifests()
        without_bank = exam_report(store, exam_id)
    assert without_bank.topics and all(g.title == names[g.key] for g in without_bank.topics)
