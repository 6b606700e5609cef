"""Shared helpers of the importer tests: fixture folder, topics, one-file import."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_files import FIXTURES

from papergen.importers import import_text, load_bank_header


@pytest.fixture(scope="session")
def topics():
    """The customer-service topics of the fixtures."""
    return list(load_bank_header(FIXTURES / "topics.json").topics)


@pytest.fixture
def import_fixture(topics):
    """Import one fixture file (or any path) as plain text."""

    def run(name: str | Path, **kwargs):
        path = name if isinstance(name, Path) else FIXTURES / name
        return import_text(path, bank_id="customer-service", topics=topics, **kwargs)

    return run
