"""Reading JSON files into values and models, with one set of error messages.

Every JSON file papergen reads (formats, key manifests, corrections,
blueprints, keyword tables, topics, banks) fails the same way, naming the
file and, for a model that does not validate, the JSON path of each problem::

    formats/x.json: cannot read paper format (No such file or directory)
    formats/x.json: not UTF-8 text (byte 17)
    formats/x.json: not valid JSON (line 3, column 5: Expecting ',' delimiter)
    key.json: not a valid key manifest: variants.0.checksum: Field required

Each caller names its stage's exception class, so the message reaches the
user as that stage's error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from papergen.errors import PapergenError

__all__ = ["read_json", "parse_json", "load_json_model", "validation_problems"]

Model = TypeVar("Model", bound=BaseModel)


def read_json(path: str | Path, error: type[PapergenError], what: str) -> object:
    """The parsed content of a UTF-8 JSON file.

    Parameters
    ----------
    path : str or Path
        The file.
    error : type of PapergenError
        Exception raised for any problem.
    what : str
        What the file holds, for the message (``"paper format"``).

    Raises
    ------
    PapergenError
        Of class ``error``: the file cannot be read, is not UTF-8 or is not JSON.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror})") from exc
    return parse_json(raw, path, error)


def parse_json(raw: bytes, path: str | Path, error: type[PapergenError]) -> object:
    """The parsed content of a file's bytes; ``path`` names the file in messages.

    Raises
    ------
    PapergenError
        Of class ``error``: the bytes are not UTF-8 or not JSON (naming the
        byte, or the line and column).
    """
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise error(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc


def load_json_model(
    path: str | Path,
    model: type[Model],
    error: type[PapergenError],
    what: str,
    *,
    most_problems: int | None = None,
) -> Model:
    """Read a JSON file and validate it as ``model``.

    Parameters
    ----------
    path : str or Path
        The file.
    model : type of pydantic BaseModel
        What the file must be.
    error : type of PapergenError
        Exception raised for any problem.
    what : str
        What the file holds, for messages (``"key manifest"``).
    most_problems : int, optional
        List at most this many validation problems (and count the rest);
        default all.

    Raises
    ------
    PapergenError
        Of class ``error``: the file cannot be read or parsed, or does not
        validate (naming the JSON path of every problem).
    """
    data = read_json(path, error, what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{path}: not a valid {what}: {validation_problems(exc, most_problems)}") from exc


def validation_problems(exc: ValidationError, most: int | None = None) -> str:
    """``"<json path>: <message>; …"`` for the first ``most`` errors (default all), then how many more.

    The JSON path joins keys and list indices with dots (``variants.0.checksum``);
    an error of the whole document reads ``<root>``.
    """
    errors = exc.errors()
    shown = errors if most is None else errors[:most]
    problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in shown)
    hidden = len(errors) - len(shown)
    return f"{problems}; and {hidden} more" if hidden else problems
