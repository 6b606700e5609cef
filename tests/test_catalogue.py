"""Every message a person reads goes through the gettext catalogue, and the Chinese catalogue is complete."""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from pathlib import Path

import pytest

from papergen.i18n import _, language, set_language, using_language

ROOT = Path(__file__).resolve().parents[1]
PAPERGEN = ROOT / "papergen"

_spec = importlib.util.spec_from_file_location("catalogue_tool", ROOT / "tools" / "catalogue.py")
catalogue_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogue_tool)

WORDS = re.compile(r"[A-Za-z]{2,}")
"""English words in a message."""

MESSAGE_CALLS = {"echo", "secho", "fail", "ClickException", "UsageError", "BadParameter", "Abort", "Flag"}
"""Calls whose text arguments a person reads, besides papergen's own exceptions."""

MESSAGE_KEYWORDS = {"message", "detail", "reason", "hint", "msg"}
"""Keyword arguments of a message call that carry text."""


@functools.cache
def _error_names() -> frozenset[str]:
    """Every exception class papergen raises to a user: :class:`~papergen.errors.PapergenError` and subclasses."""
    names = {"PapergenError"}
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in PAPERGEN.rglob("*.py")]
    while True:
        found = {node.name for tree in trees for node in ast.walk(tree)
                 if isinstance(node, ast.ClassDef)
                 and any(getattr(b, "id", getattr(b, "attr", None)) in names for b in node.bases)}
        if found <= names:
            return frozenset(names)
        names |= found


def _literal_words(node: ast.AST) -> str:
    """The English words written literally in ``node`` (a string or f-string); empty for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " ".join(WORDS.findall(node.value))
    if isinstance(node, ast.JoinedStr):
        return " ".join(w for part in node.values if isinstance(part, ast.Constant)
                        for w in WORDS.findall(str(part.value)))
    return ""


def untranslated_messages(paths: list[Path], error_names: set[str], root: Path = ROOT) -> list[str]:
    """``file:line: words`` for each message call given literal English text instead of ``_(...)``."""
    calls = MESSAGE_CALLS | error_names
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in calls:
                continue
            texts = [*node.args, *(k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS)]
            for text in texts:
                words = _literal_words(text)
                if words:
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {words[:60]}")
    return found


PARTS = sorted({p.relative_to(PAPERGEN).parts[0].removesuffix(".py") for p in PAPERGEN.glob("*")
                if p.suffix == ".py" or (p / "__init__.py").is_file()})


@pytest.mark.parametrize("part", PARTS)
def test_messages_of_each_part_go_through_the_catalogue(part):
    folder = PAPERGEN / part
    paths = sorted(folder.rglob("*.py")) if folder.is_dir() else [PAPERGEN / f"{part}.py"]
    assert untranslated_messages(paths, _error_names()) == []


def test_the_check_finds_literal_messages(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text('raise BankError(f"{path}: no items (got {n})")\n'
                      'raise BankError(_("{path}: no items").format(path=path))\n'
                      'click.echo(f"{a}: {b}")\n'
                      'click.echo("wrote the files")\n', encoding="utf-8")
    found = untranslated_messages([source], {"BankError"}, root=tmp_path)
    assert [line.split(":")[1] for line in found] == ["1", "4"]


def test_the_chinese_catalogue_is_complete_and_compiled():
    assert catalogue_tool.problems("zh") == []


def test_language_follows_the_choice_and_the_locale(monkeypatch):
    before = language()
    try:
        monkeypatch.setenv("PAPERGEN_LANG", "")
        monkeypatch.setenv("LANGUAGE", "")
        monkeypatch.setenv("LC_ALL", "")
        monkeypatch.setenv("LC_MESSAGES", "")
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
        assert set_language(None) == "zh"
        monkeypatch.setenv("LANG", "en_US.UTF-8")
        assert set_language(None) == "en"
        monkeypatch.setenv("PAPERGEN_LANG", "zh")
        assert set_language(None) == "zh"
        assert set_language("en") == "en"
    finally:
        set_language(before)


def test_chinese_and_english_differ_for_a_catalogued_message():
    with using_language("zh"):
        chinese = _("Error: {message}")
    with using_language("en"):
        english = _("Error: {message}")
    assert english == "Error: {message}"
    assert chinese != english and "{message}" in chinese


def test_a_language_given_to_one_command_does_not_carry_over_to_the_next(monkeypatch):
    from click.testing import CliRunner

    from papergen.cli import main

    monkeypatch.setenv("PAPERGEN_LANG", "en")
    chinese = CliRunner().invoke(main, ["--lang", "zh", "-h"])
    after = CliRunner().invoke(main, ["-h"])
    assert "用法：" in chinese.output and "Usage:" in after.output, after.output
