"""``papergen build`` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from papergen.assembly import Ledger
from papergen.assembly.synthetic import SyntheticSpec, synthetic_bank
from papergen.bank.io import save_bank
from papergen.cli import main
from papergen.exam.manifest import load_manifest
from papergen.resources import bundled_format_path


@pytest.fixture(scope="module")
def bank_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bank") / "bank.json"
    save_bank(synthetic_bank(SyntheticSpec(items=1000, topics=20), seed=5), path)
    return path


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_build_prints_the_files_and_the_key_balance_of_each_variant(bank_file, tmp_path):
    out = tmp_path / "exam"
    result = run("build", bank_file, "--format", "cs-180", "--variants", 2, "--seed", 7, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'key.json'}" in result.output and f"wrote {out / 'booklet-B.pdf'}" in result.output
    assert "exam cs-180-7: 2 variants, 0 candidates" in result.output
    assert "variant A: single A 35 B 35 C 35 D 35, longest run 3; judge 对" in result.output
    assert load_manifest(out / "key.json").exam_id == "cs-180-7"


def test_build_accepts_a_format_file_mode_and_exam_id(bank_file, tmp_path):
    out = tmp_path / "exam"
    result = run("build", bank_file, "--format", bundled_format_path("cs-180"), "--variants", 2, "--seed", 1,
                 "--mode", "parallel", "--exam-id", "2026-spring", "--out", out)
    assert result.exit_code == 0, result.output
    manifest = load_manifest(out / "key.json")
    assert (manifest.exam_id, manifest.mode) == ("2026-spring", "parallel")
    a, b = ({q.item_id for q in v.questions} for v in manifest.variants)
    assert not a & b


def test_build_with_a_ledger_excludes_the_last_sitting(bank_file, tmp_path, monkeypatch):
    from papergen import build as build_module

    monkeypatch.setattr(build_module, "_write_outputs", lambda out_dir, papers, *args: [])
    ledger = tmp_path / "usage.jsonl"
    for seed in (1, 2):
        result = run("build", bank_file, "--format", "cs-180", "--seed", seed, "--out", tmp_path,
                     "--ledger", ledger, "--exclude-last", 1, "--date", "2026-11-01")
        assert result.exit_code == 0, result.output
    first, second = (e.item_ids() for e in Ledger(ledger).entries())
    assert not first & second


def test_an_infeasible_build_reports_the_shortfall_and_exits_1(bank_file, tmp_path):
    result = CliRunner().invoke(main, ["build", str(bank_file), "--format", "cs-180", "--variants", "9",
                                       "--mode", "parallel", "--seed", "1", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "Error: cannot assemble: section single: need 140 x 9 forms = 1260, bank has" in result.output
    assert not (tmp_path / "x").exists()


def test_exposure_options_need_a_ledger(bank_file, tmp_path):
    result = CliRunner().invoke(main, ["build", str(bank_file), "--format", "cs-180", "--seed", "1",
                                       "--out", str(tmp_path), "--max-overlap", "10"])
    assert result.exit_code == 1
    assert "Error: cannot assemble: an exposure rule needs a usage ledger" in result.output


def test_an_unknown_format_id_is_reported(bank_file, tmp_path):
    result = CliRunner().invoke(main, ["build", str(bank_file), "--format", "nope", "--seed", "1", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "Error: --format nope: no such file or bundled format id" in result.output


def test_build_help_starts_with_a_verb_and_ends_with_an_example():
    result = run("build", "-h")
    assert result.exit_code == 0
    help_text = result.output.split("Options:")[0]
    assert help_text.split("\n", 2)[2].lstrip().startswith("Assemble an exam")
    assert help_text.rstrip().endswith("--out exam/ --roster candidates.csv")


def test_build_summary_speaks_chinese_under_lang_zh(bank_file, tmp_path):
    out = tmp_path / "exam"
    result = run("--lang", "zh", "build", bank_file, "--format", "cs-180", "--variants", 2, "--seed", 7, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"已写出 {out / 'key.json'}" in result.output
    assert "考试 cs-180-7：2 套试卷，0 名考生" in result.output
    assert "A 卷：单选题 A 35 B 35 C 35 D 35，最长连续相同答案 3；判断题 对" in result.output
    assert "wrote" not in result.output and "longest run" not in result.output


def test_build_shows_its_progress_on_stderr_and_reports_each_variant(bank_file, tmp_path):
    result = run("--lang", "zh", "build", bank_file, "--format", "cs-180", "--variants", 2, "--seed", 7,
                 "--out", tmp_path / "exam")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["正在排版试卷"]  # not a terminal: the bar's label once
    assert "正在排版试卷" not in result.stdout


def test_build_exam_calls_progress_per_variant_then_the_key(bank_file, tmp_path):
    from papergen.build import build_exam

    seen: list[tuple[int, int]] = []
    build_exam(bank_file, bundled_format_path("cs-180"), out_dir=tmp_path / "exam", variants=3, seed=7,
               progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
