"""Where the importer tests' source files live."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
"""Hand-written exam material in every supported format (tests/fixtures/import)."""
