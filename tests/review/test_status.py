"""papergen status: where a sitting stands and what to do next, without changing the store."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner
from review_sitting import graded_sitting

from papergen.cli import main
from papergen.grading import FlagCounts
from papergen.i18n import using_language
from papergen.review import Sitting, next_steps


def _digest(folder) -> str:
    return hashlib.sha256((folder / "results.sqlite").read_bytes()).hexdigest()


def test_status_lists_the_sitting_and_the_next_step_and_changes_nothing(tmp_path):
    graded_sitting(tmp_path)
    before = _digest(tmp_path)
    result = CliRunner().invoke(main, ["status", str(tmp_path)])
    assert result.exit_code == 3, result.output
    assert "present" in result.output and "to review:" in result.output
    assert "Next: review the 6 items left" in result.output and f"papergen review {tmp_path}" in result.output
    chinese = CliRunner().invoke(main, ["--lang", "zh", "status", str(tmp_path)])
    assert chinese.exit_code == 3, chinese.output
    assert "到考" in chinese.output and "待复核" in chinese.output and "present" not in chinese.output
    assert "下一步：复核剩余 6 处" in chinese.output and "review.csv 的“复核决定”列" in chinese.output
    assert "未评分：" in chinese.output and "（已搁置：" in chinese.output  # the page status in Chinese
    assert _digest(tmp_path) == before


def test_status_of_a_folder_without_results_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["status", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output and str(tmp_path) in result.output


def test_a_settled_sitting_is_sent_to_the_report():
    settled = Sitting(exams=(), not_graded=(), flags=FlagCounts(0, 0, 0, 0), decisions=3, graded=10)
    assert settled.settled
    assert next_steps(settled, "results") == [
        "everything is settled: papergen report results --out reports/ writes the reports"]
    with using_language("zh"):
        assert next_steps(settled, "results") == ["全部复核完毕：papergen report results --out reports/ 生成成绩报告"]
    pending = Sitting(exams=(), not_graded=(), flags=FlagCounts(2, 1, 1, 1), decisions=0, graded=10)
    steps = next_steps(pending, "results")
    assert steps[0].startswith("review the 4 items left") and "pending" in steps[1]
    with using_language("zh"):
        steps = next_steps(pending, "results")
    assert steps[0].startswith("复核剩余 4 处") and "待定" in steps[1]


def test_a_big5_roster_is_read_by_detection_or_as_told(tmp_path):
    graded_sitting(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_bytes("number,name,variant\n2024000001,王小明,A\n2024000002,李華,B\n2024000005,陳大文,A\n"
                       .encode("big5"))
    for extra in ([], ["--roster-encoding", "big5"]):
        result = CliRunner().invoke(main, ["--lang", "zh", "status", str(tmp_path), "--roster", str(roster), *extra])
        assert result.exit_code == 3, result.output
        assert "2024000002 李華" in result.output and "2024000005 陳大文" in result.output
    wrong = CliRunner().invoke(main, ["status", str(tmp_path), "--roster", str(roster), "--roster-encoding", "nope"])
    assert wrong.exit_code == 1 and "unknown encoding" in wrong.output and "Traceback" not in wrong.output
