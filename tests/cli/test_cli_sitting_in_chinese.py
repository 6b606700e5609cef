"""A whole sitting run under a Chinese locale speaks Chinese: every line every command prints.

The commands run as a user in a Chinese exam centre runs them (``LANG=zh_CN.UTF-8``, no ``--lang``):
validate, build, demo's simulated scans graded again, status, review --apply, rescore with 送分 and a
dropped question, report.  What is allowed to stay Latin: paths and file names, option names, ids,
answer letters, and the names of formats (PDF, CSV, XLSX, HTML, QR, JSON, SQLite, WOFF2).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from papergen.cli import main
from papergen.resources import bundled_bank_path, bundled_format_path

LATIN_OK = {"A4", "papergen", "PDF", "CSV", "XLSX", "HTML", "QR", "JSON", "SQLite", "WOFF", "UTF", "BOM", "GB", "dpi",
            "mm", "ms", "MB", "KB", "GBK", "OK", "ID", "cs", "customer", "service", "zh", "en", "sha"}
"""Latin words a Chinese message may carry (format names, units, bundled ids)."""

_PATHISH = re.compile(r"(?:[\w.~-]*[/\\][^\s，。：；（）、]*)|(?:[\w-]+\.(?:json|pdf|csv|xlsx|html|sqlite|jpg|jpeg|png|"
                      r"tif|tiff|txt|docx|xml|mo|po)\b)|(?:--[a-z][a-z-]*)|(?:\b[a-z]+(?:-[a-z0-9]+)+\b)")
_IDS = re.compile(r"papergen [a-z-]+|[（(][a-z0-9_]+[）)]|'[a-z0-9_-]+'|\b[A-Z]{2,6}\b")
"""Commands (``papergen grade``), ids in brackets or quotes (``（single）``), acronyms of names (``CRM``)."""
_WORD = re.compile(r"[A-Za-z]{3,}")


def english_words(text: str) -> list[str]:
    """Latin words of three letters or more in ``text`` that are not paths, file names, options, commands or ids."""
    stripped = _IDS.sub(" ", _PATHISH.sub(" ", text))
    return [w for w in _WORD.findall(stripped) if w not in LATIN_OK]


def test_the_check_sees_english_and_passes_paths():
    assert english_words("错误：exam/key.json 不存在；请用 --key 指定 cs-180 的答案") == []
    assert english_words("Error: exam/key.json does not exist") == ["Error", "does", "not", "exist"]
    assert english_words("下一步：papergen review results/；单项选择题（single）；CRM 理论") == []
    assert english_words("题型 single：3 套试卷需要 252 道") == ["single"]


@pytest.fixture()
def chinese_locale(monkeypatch):
    for variable in ("PAPERGEN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.setenv(variable, "")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


def _run(args: list[str], transcript: list[str], ok=(0, 3)) -> str:
    result = CliRunner().invoke(main, args)
    transcript.append("$ papergen " + " ".join(args))
    transcript.append(result.output)
    assert result.exit_code in ok, result.output + repr(result.exception)
    return result.output


def test_a_sitting_under_a_chinese_locale_prints_chinese(tmp_path: Path, chinese_locale):
    transcript: list[str] = []
    bank, fmt = str(bundled_bank_path("customer-service")), str(bundled_format_path("cs-180"))
    _run(["validate", bank, "--format", fmt], transcript)
    _run(["demo", str(tmp_path / "demo"), "--candidates", "6"], transcript)
    demo = tmp_path / "demo"
    _run(["build", bank, "--format", fmt, "--variants", "2", "--seed", "3", "--out", str(tmp_path / "exam")],
         transcript)
    results = tmp_path / "results"
    _run(["grade", str(demo / "scans"), "--key", str(demo / "exam" / "key.json"), "--out", str(results)],
         transcript)
    _run(["status", str(results)], transcript)
    review = results / "review.csv"
    with review.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    _run(["review", str(results), "--apply", str(review)], transcript)
    fixes = tmp_path / "fixes.json"
    fixes.write_text(json.dumps({"reason": "第3题送分，第5题作废", "corrections": [
        {"variant": "A", "question": 3, "award": True}, {"variant": "A", "question": 5, "drop": True}]},
        ensure_ascii=False), encoding="utf-8")
    _run(["rescore", str(results), "--key", str(demo / "exam" / "key.json"), "--corrections", str(fixes)],
         transcript)
    _run(["report", str(results), "--out", str(tmp_path / "reports")], transcript)
    _run(["grade", str(demo / "scans"), "--key", str(tmp_path / "nope.json"), "--out", str(results)],
         transcript, ok=(1, 2))
    text = "\n".join(transcript)
    (tmp_path / "transcript.txt").write_text(text, encoding="utf-8")
    assert rows, "review.csv has its header"
    assert re.search(r"[\u4e00-\u9fff]", text)
    lines = [f"{line} -> {words}" for line in text.splitlines()
             if not line.startswith("$ ") and (words := english_words(line))]
    assert lines == [], "\n".join(lines)
