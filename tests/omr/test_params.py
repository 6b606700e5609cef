"""ReadParams: one frozen place for every threshold, each documented."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from omr.params import ReadParams

SOURCE = Path(__file__).resolve().parents[2] / "omr" / "params.py"


def test_read_params_cannot_be_changed_in_place() -> None:
    params = ReadParams()
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field"):
        params.blank_max_t = 0.5  # type: ignore[misc]


def test_every_threshold_has_a_docstring_saying_why() -> None:
    body = next(n for n in ast.parse(SOURCE.read_text(encoding="utf-8")).body
                if isinstance(n, ast.ClassDef) and n.name == "ReadParams").body
    undocumented = [
        node.target.id
        for node, following in zip(body, body[1:] + [None])
        if isinstance(node, ast.AnnAssign)
        and not (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                 and len(str(following.value.value)) > 30)
    ]
    assert undocumented == []
    assert len([n for n in body if isinstance(n, ast.AnnAssign)]) == len(dataclasses.fields(ReadParams))


def test_mark_thresholds_are_ordered() -> None:
    p = ReadParams()
    assert 0 < p.erasure_min_t < p.blank_max_t < p.mark_min_t < 1
    assert p.fiducial_size_range[0] < p.fiducial_size_range_known[0] < 1 < p.fiducial_size_range_known[1]
