"""JSON Schemas of the data files, generated from the pydantic models.

Editors validate and complete bank, format and layout files against these
schemas.  Run ``python -m papergen.bank.schema [OUT_DIR]`` (default: the
current directory, i.e. a source checkout's root) to write::

    banks/bank.schema.json       papergen.bank.model.Bank
    formats/format.schema.json   papergen.exam.format.PaperFormat
    layouts/layout.schema.json   omr.layout.SheetLayout

The output is deterministic (sorted keys, indent 2, trailing newline), and a
test keeps the checked-in files equal to what the models produce.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from omr.layout import SheetLayout
from papergen.bank.model import Bank
from papergen.errors import FormatError
from papergen.exam import PaperFormat
from papergen.files import write_text

__all__ = ["SCHEMA_FILES", "JSON_SCHEMA_DIALECT", "schema_text", "schema_texts", "write_schemas"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "banks/bank.schema.json": Bank,
    "formats/format.schema.json": PaperFormat,
    "layouts/layout.schema.json": SheetLayout,
}
"""Schema file (relative to the repository root) -> the model it describes."""


def schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema of a model as deterministic text (sorted keys, indent 2, final newline)."""
    schema = {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema(mode="validation")}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def schema_texts() -> dict[str, str]:
    """Relative path -> schema text, for every schema file."""
    return {path: schema_text(model) for path, model in SCHEMA_FILES.items()}


def write_schemas(out_dir: str | Path = ".") -> list[Path]:
    """Write every schema file under ``out_dir``, creating folders as needed.

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    for relative, text in schema_texts().items():
        path = Path(out_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_text(path, text, FormatError, "JSON Schema"))
    return written


if __name__ == "__main__":
    for written_path in write_schemas(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(written_path)
