"""omr is the reader alone: it never imports papergen."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

OMR = Path(__file__).resolve().parents[2] / "omr"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_omr_module_imports_papergen() -> None:
    sources = sorted(OMR.glob("*.py"))
    assert len(sources) >= 10
    offenders = {p.name: sorted(m for m in _imported_modules(p) if m.split(".")[0] == "papergen") for p in sources}
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_importing_every_omr_module_loads_no_papergen_module() -> None:
    modules = ", ".join(f"omr.{p.stem}" for p in sorted(OMR.glob("*.py")) if p.stem != "__init__")
    code = f"import {modules}, sys; print(sorted(m for m in sys.modules if m.split('.')[0] == 'papergen'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=OMR.parent)
    assert result.stdout.strip() == "[]"
