"""Common mistakes get messages that say what the file is and what was expected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from papergen.cli import main

REPO = Path(__file__).resolve().parents[2]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("path, kind, how", [
    (REPO / "formats" / "cs-180.json", "paper format", "pass it with --format"),
    (REPO / "layouts" / "a4-180.json", "sheet layout", "pass it with --layout"),
])
def test_validating_another_papergen_file_names_what_it_is(path, kind, how):
    result = run("validate", path)
    assert result.exit_code == 1
    assert f"this is a {kind}, not a question bank; {how}" in result.output


def test_a_bank_given_as_the_key_names_what_it_is(tmp_path):
    result = run("grade", tmp_path, "--key", REPO / "banks" / "customer-service.json", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "this is a question bank, not a key manifest" in result.output


def test_the_key_pdf_given_as_the_key_points_to_key_json(tmp_path):
    pdf = tmp_path / "key.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%...")
    result = run("grade", tmp_path, "--key", pdf, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{pdf}: this is a PDF document, not a JSON file; give the .json file (a key is key.json" in result.output


def test_a_mistyped_format_id_lists_the_bundled_ones_and_suggests_the_closest(tmp_path):
    result = run("build", REPO / "banks" / "customer-service.json", "--format", "cs180", "--variants", "1",
                 "--seed", "1", "--out", tmp_path / "exam")
    assert result.exit_code == 1
    assert "--format cs180: no such file or bundled format id (bundled: cs-180); did you mean cs-180?" in result.output
    assert not (tmp_path / "exam").exists()


def test_a_corrections_file_given_as_a_key_names_what_it_is(tmp_path):
    fixes = tmp_path / "fixes.json"
    fixes.write_text(json.dumps({"reason": "x", "corrections": []}), encoding="utf-8")
    result = run("grade", tmp_path, "--key", fixes, "--out", tmp_path / "out")
    assert "this is a key corrections file, not a key manifest; pass it with --corrections" in result.output
