"""Who may import whom inside papergen, as docs/architecture.md draws it (omr's own test: tests/omr)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAPERGEN = ROOT / "papergen"

PACKAGES = sorted(p.name for p in PAPERGEN.iterdir() if (p / "__init__.py").is_file())
"""papergen's packages (a package's face is its ``__init__``)."""
MODULES = sorted(p.stem for p in PAPERGEN.glob("*.py") if p.stem != "__init__")
"""papergen's top-level modules (each is its own face)."""

ALLOWED = {
    "i18n": set(),
    "errors": {"i18n"},
    "wording": {"i18n"},
    "files": {"errors", "i18n"},
    "resources": {"errors", "i18n"},
    "fonts": {"i18n"},
    "exam": {"errors", "files", "i18n", "resources"},
    "render": {"errors", "exam", "files", "i18n", "resources", "wording"},
    "bank": {"errors", "exam", "files", "i18n", "render"},
    "assembly": {"bank", "errors", "exam", "i18n", "wording"},
    "importers": {"bank", "errors", "exam", "files", "i18n", "render", "resources"},
    "grading": {"bank", "errors", "exam", "files", "i18n", "resources", "wording"},
    "report": {"bank", "errors", "exam", "files", "grading", "i18n", "render", "resources", "wording"},
    "simulate": {"assembly", "bank", "errors", "exam", "files", "grading", "i18n", "render", "resources", "wording"},
    "build": {"assembly", "bank", "errors", "exam", "i18n", "render", "resources"},
    "writeback": {"bank", "errors", "grading", "i18n", "report"},
    "demo": {"bank", "build", "errors", "grading", "i18n", "report", "resources", "simulate"},
    "review": {"errors", "exam", "files", "grading", "i18n", "resources", "wording"},
    "cli": set(PACKAGES + MODULES) - {"cli"},
}
"""The papergen packages and modules each part may import (besides ``papergen.__version__`` and
``papergen.lazy_names``, the package root's own)."""

STORE_WRITES = {"save_page", "save_rescore", "begin_batch", "finish_batch"}
"""Store methods that change a results store (``save_manifest`` is checked as a method call too)."""


def _sources(part: str) -> list[Path]:
    folder = PAPERGEN / part
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PAPERGEN / f"{part}.py"]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """``(module, imported names)`` of every import statement, at any depth."""
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, tuple(alias.name for alias in node.names)


def _papergen_parts(module: str, names: tuple[str, ...]) -> set[str]:
    parts = module.split(".")
    if parts[0] != "papergen":
        return set()
    if len(parts) > 1:
        return {parts[1]}
    return {n for n in names if n not in ("__version__", "lazy_names")}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_part_of_papergen_has_a_rule():
    assert set(PACKAGES + MODULES) == set(ALLOWED)


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_part_imports_only_what_it_may(part):
    offenders = {}
    for path in _sources(part):
        used = set().union(*(_papergen_parts(m, n) for m, n in _imports(path))) - {part}
        if used - ALLOWED[part]:
            offenders[_rel(path)] = sorted(used - ALLOWED[part])
    assert offenders == {}


def test_the_command_line_imports_package_faces_only():
    offenders = []
    for path in _sources("cli"):
        for module, names in _imports(path):
            parts = module.split(".")
            deep = parts[0] == "papergen" and len(parts) > 2 and parts[1] != "cli"
            named = module == "papergen" and any(n not in PACKAGES + MODULES + ["__version__"] for n in names)
            if deep or named:
                offenders.append(f"{_rel(path)}: {module} {names}")
    assert offenders == []


def test_only_the_store_speaks_sql():
    speakers = [_rel(p) for p in PAPERGEN.rglob("*.py") if any(m == "sqlite3" for m, _ in _imports(p))]
    assert speakers == ["papergen/grading/store.py"]


def test_only_rendering_and_reports_speak_reportlab():
    speakers = {_rel(p).split("/")[1] for p in PAPERGEN.rglob("*.py")
                if any(m.split(".")[0] == "reportlab" for m, _ in _imports(p))}
    assert speakers <= {"render", "report"} and "render" in speakers


def test_only_the_command_line_speaks_click():
    speakers = {_rel(p) for p in PAPERGEN.rglob("*.py") if any(m.split(".")[0] == "click" for m, _ in _imports(p))}
    assert speakers and all(s.startswith("papergen/cli/") for s in speakers)


def _calls(path: Path) -> Iterator[ast.Call]:
    yield from (node for node in ast.walk(_tree(path)) if isinstance(node, ast.Call))


def test_only_grading_creates_or_writes_a_results_store():
    offenders = []
    for path in PAPERGEN.rglob("*.py"):
        if path.is_relative_to(PAPERGEN / "grading"):
            continue
        for call in _calls(path):
            creates = any(k.arg == "create" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                          for k in call.keywords)
            method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
            if creates or method in STORE_WRITES or method == "save_manifest":
                offenders.append(f"{_rel(path)}:{call.lineno}")
    assert offenders == []


def test_reports_never_write_keys_or_banks():
    writers = {"save_manifest", "save_bank", "rescore_results", "rescore_store", "apply_corrections", "write_json"}
    offenders = [
        f"{_rel(path)}: {module} {sorted(set(names) & writers)}"
        for path in _sources("report")
        for module, names in _imports(path)
        if set(names) & writers
    ]
    assert offenders == []


def test_test_modules_cannot_shadow_each_other_or_the_packages():
    """Test folders are not packages, so every test or helper module needs a name of its own."""
    tests = ROOT / "tests"
    modules = [p for p in tests.rglob("*.py") if p.name != "conftest.py"]
    names = [p.stem for p in modules]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    assert [_rel(p) for p in tests.rglob("__init__.py")] == []
    assert not {n for n in names} & {"omr", "papergen", *PACKAGES, *MODULES}
