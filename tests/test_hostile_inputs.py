"""Property tests: any bank JSON, key JSON or roster CSV gives a clear error or a result, never a traceback."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_grading import make_manifest
from small_banks import small_bank
from papergen.bank import load_bank
from papergen.bank.validate import validate_bank
from papergen.errors import BankError, ManifestError, PapergenError, RosterError
from papergen.exam import key_digest, key_problems, load_manifest, load_roster, seal_manifest

FUZZ = settings(max_examples=120, deadline=None)

LEAVES = (st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
          | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
JSON = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=3), max_leaves=12)


@cache
def bank_document() -> dict:
    return small_bank(12, topics=2).model_dump(mode="json")


@cache
def key_document() -> dict:
    return seal_manifest(make_manifest()).model_dump(mode="json")


@st.composite
def mutated(draw: st.DrawFn, document: dict) -> object:
    """The document with one to three nodes replaced by arbitrary JSON or deleted."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        parent, key, node = None, None, doc
        for _ in range(draw(st.integers(0, 6))):
            if not isinstance(node, dict | list) or not node:
                break
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
            parent, node = node, node[key]
        if parent is None:
            return draw(JSON)
        if draw(st.booleans()):
            parent[key] = draw(JSON)
        elif isinstance(parent, dict):
            del parent[key]
        else:
            parent.pop(key)
    return doc


def loaded(content: bytes | str, load: Callable[[Path], Any], error: type[PapergenError]) -> Any | None:
    """What ``load`` makes of a file with this content; None if it refused it with ``error`` naming the file.

    Any other exception escapes, and fails the test.
    """
    with TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        try:
            return load(path)
        except error as exc:
            assert str(path) in str(exc)
            return None


def as_text(document: object) -> str:
    return json.dumps(document, ensure_ascii=False)


@FUZZ
@given(st.one_of(mutated(bank_document()).map(as_text), JSON.map(as_text), st.binary(max_size=200)))
def test_any_bank_file_is_loaded_and_validated_or_refused_with_a_bank_error(content):
    bank = loaded(content, load_bank, BankError)
    if bank is not None:
        validate_bank(bank, source="fuzzed bank")


@FUZZ
@given(mutated(key_document()).map(as_text) | JSON.map(as_text) | st.binary(max_size=200))
def test_any_key_file_is_refused_with_a_key_error_unless_it_is_the_key_papergen_wrote(content):
    key = loaded(content, load_manifest, ManifestError)
    if key is not None:
        assert key.digest is None or key_digest(key) == key_document()["digest"]
        assert key_problems(key) == []


CELLS = st.text(alphabet=st.sampled_from('0123456789AB王,"\n\r\t =;准考证号姓名试卷代号考场座号'), max_size=12)
HEADERS = st.sampled_from(["准考证号,姓名", "准考证号,姓名,卷别", "number,name,variant,room,seat", ""])
PLAUSIBLE_ROWS = st.lists(st.tuples(st.from_regex(r"[0-9]{1,11}", fullmatch=True),
                                    st.text(alphabet=st.sampled_from("王小明=+-@ \t"), min_size=0, max_size=6),
                                    st.sampled_from(["A", "B", "C", ""])), min_size=1, max_size=4)


@FUZZ
@given(st.one_of(
    st.tuples(HEADERS, st.lists(st.lists(CELLS, max_size=6), max_size=5)).map(
        lambda t: t[0] + "\n" + "\n".join(",".join(row) for row in t[1])),
    PLAUSIBLE_ROWS.map(lambda rows: "准考证号,姓名,卷别\n" + "\n".join(",".join(row) for row in rows)),
    st.text(max_size=120),
    st.binary(max_size=120),
))
def test_any_roster_csv_is_read_or_refused_with_a_roster_error(content):
    candidates = loaded(content, lambda path: load_roster(path, ["A", "B"], max_digits=10), RosterError) or []
    assert all(c.number.isdigit() and len(c.number) <= 10 and c.name and c.variant in "AB" for c in candidates)
