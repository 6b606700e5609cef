"""The checked-in JSON Schemas equal what the models produce, and they document every key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from papergen.bank.schema import SCHEMA_FILES, schema_texts, write_schemas

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("relative", sorted(SCHEMA_FILES))
def test_checked_in_schema_equals_the_model(relative):
    expected = schema_texts()[relative]
    actual = (REPO / relative).read_text(encoding="utf-8")
    assert actual == expected, f"{relative} is stale; run: python -m papergen.bank.schema"


def test_schema_text_is_sorted_indented_and_ends_with_a_newline():
    text = schema_texts()["banks/bank.schema.json"]
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_bank_schema_forbids_unknown_keys_and_describes_every_key():
    schema = json.loads(schema_texts()["banks/bank.schema.json"])
    objects = {"Bank": schema, **schema["$defs"]}
    for name, definition in objects.items():
        assert definition["additionalProperties"] is False, name
        undocumented = [key for key, prop in definition["properties"].items() if "description" not in prop]
        assert undocumented == [], f"{name}: {undocumented}"


def test_module_run_writes_the_three_files(tmp_path):
    subprocess.run([sys.executable, "-m", "papergen.bank.schema", str(tmp_path)], check=True, capture_output=True)
    for relative, text in schema_texts().items():
        assert (tmp_path / relative).read_text(encoding="utf-8") == text


def test_write_schemas_returns_the_paths_written(tmp_path):
    written = write_schemas(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(SCHEMA_FILES)
