"""The ``demo`` and ``simulate`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from bundled_exam import build_bundled_exam

from papergen.cli import demo_command, main
from papergen.simulate import load_truth_dir


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def exam_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exam")
    build_bundled_exam(folder, variants=1, seed=2)
    return folder


class FakeDemo:
    """What run_demo returns, as far as the command uses it."""

    def summary_lines(self) -> list[str]:
        return ["Graded 2 sheets", "  results (CSV)   somewhere/results"]


def test_demo_passes_its_options_to_run_demo_and_prints_progress_and_summary(tmp_path, monkeypatch):
    calls = []

    def fake_run_demo(out_dir, *, candidates, seed, progress):
        calls.append((out_dir, candidates, seed))
        progress("Building the exam from the bundled bank", 0, 1)
        progress("Building the exam from the bundled bank", 1, 1)
        progress("Grading the scans", 3, 5)
        return FakeDemo()

    monkeypatch.setattr(demo_command, "run_demo", fake_run_demo)
    result = run("demo", str(tmp_path / "first"), "--candidates", "2", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path / "first", 2, 3)]
    assert result.stdout.splitlines() == ["", "Graded 2 sheets", "  results (CSV)   somewhere/results"]
    # not a terminal: each step's label once, on stderr, so piped output stays the summary alone
    assert result.stderr.splitlines() == ["Building the exam from the bundled bank", "Grading the scans"]


def test_demo_defaults_to_a_papergen_demo_folder_30_candidates_and_seed_7(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(demo_command, "run_demo",
                        lambda out_dir, **kw: calls.append((out_dir, kw["candidates"], kw["seed"])) or FakeDemo())
    monkeypatch.chdir(tmp_path)
    assert run("demo").exit_code == 0
    assert calls == [(Path("papergen-demo"), 30, 7)]


def test_demo_into_a_folder_that_is_not_empty_exits_1(tmp_path):
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    result = run("demo", str(tmp_path))
    assert result.exit_code == 1
    assert "folder is not empty" in result.output


def test_simulate_writes_scans_and_truth(exam_dir, tmp_path):
    result = run("simulate", str(exam_dir), "--out", str(tmp_path / "sim"), "--candidates", "2", "--seed", "4",
                 "--profile", "feeder-150", "--blank-backs", "1")
    assert result.exit_code == 0, result.output
    assert "Simulated 2 candidates" in result.output
    truth = load_truth_dir(tmp_path / "sim" / "truth")
    assert sorted(truth) == sorted(p.name for p in (tmp_path / "sim" / "scans").iterdir())
    assert sum(len(t.pages) for t in truth.values()) == 3


def test_simulate_rejects_an_unknown_profile(exam_dir, tmp_path):
    result = run("simulate", str(exam_dir), "--out", str(tmp_path / "sim"), "--profile", "fax")
    assert result.exit_code == 2 and "'fax' is not one of" in result.output


def test_simulate_without_a_key_exits_1_with_the_reason(tmp_path):
    result = run("simulate", str(tmp_path), "--out", str(tmp_path / "sim"))
    assert result.exit_code == 1 and "no key.json found" in result.output


@pytest.mark.parametrize("command", ["demo", "simulate"])
def test_help_starts_with_a_verb_and_ends_with_an_example(command):
    result = run(command, "-h")
    assert result.exit_code == 0
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    assert lines[1].split()[0] in {"Build", "Simulate"}
    assert f"papergen {command} " in result.output.split("Example:")[1]


def test_simulate_speaks_chinese_and_shows_progress_on_stderr(exam_dir, tmp_path):
    result = run("--lang", "zh", "simulate", str(exam_dir), "--out", str(tmp_path / "sim"), "--candidates", "2",
                 "--seed", "4", "--profile", "feeder-150")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("已模拟考试 ") and "名考生" in result.stdout
    assert f"扫描件：{tmp_path / 'sim' / 'scans'}" in result.stdout
    assert result.stderr.splitlines() == ["正在模拟扫描页"]
