"""Shared fixtures: small banks and formats built in code."""

from __future__ import annotations

import copy
import errno
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from papergen.bank.model import Bank
from papergen.exam.format import PaperFormat

# CI explores the same examples on every run (per Hypothesis release), so a gate never fails by chance;
# a developer's runs stay random and keep finding new cases.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Tests read English messages unless they ask for Chinese (``using_language("zh")`` or ``--lang zh``), whatever
# the machine's locale; worker processes inherit the variable.
os.environ["PAPERGEN_LANG"] = "en"


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Each test starts in English, and a test that switches language does not leak it to the next."""
    from papergen.cli.common import speak

    speak("en")
    yield
    speak("en")  # a fixture of the next module, made before its first test starts, is made in English too

_TOPICS = [
    {"code": "01", "name": "客户服务概述", "weight": 1},
    {"code": "02", "name": "客户投诉处理", "weight": 1},
]


def _text(seed: str, length: int) -> str:
    """Chinese characters derived from ``seed``: distinct seeds give unrelated texts."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(chr(0x4E00 + int.from_bytes(digest[2 * i : 2 * i + 2], "big") % 20000) for i in range(length))


def _item(item_id: str, item_type: str = "single", **fields: Any) -> dict[str, Any]:
    """A valid item as JSON data; keyword arguments replace its fields."""
    data: dict[str, Any] = {
        "id": item_id,
        "type": item_type,
        "stem": _text(item_id, 12) + "（　）。",
        "topic": "01",
        "difficulty": "easy",
        "provenance": {"kind": "source", "document": "复习资料.txt"},
    }
    if item_type == "judge":
        data["answer"] = True
    else:
        labels = "ABCD"
        data["options"] = [{"label": x, "text": _text(f"{item_id}|{x}", 6)} for x in labels]
        data["answer"] = "A" if item_type == "single" else ["A", "C"]
    data.update(copy.deepcopy(fields))
    return data


@pytest.fixture
def make_item() -> Callable[..., dict[str, Any]]:
    """``make_item(id, type="single", **fields)``: one valid item as JSON data."""
    return _item


@pytest.fixture
def make_bank_data() -> Callable[..., dict[str, Any]]:
    """``make_bank_data(items, topics=None)``: a bank as JSON data (two topics by default)."""

    def build(items: list[dict[str, Any]], topics: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "id": "test-bank",
            "title": "测试题库",
            "version": "1",
            "topics": copy.deepcopy(topics if topics is not None else _TOPICS),
            "items": items,
        }

    return build


@pytest.fixture
def make_bank(make_bank_data: Callable[..., dict[str, Any]]) -> Callable[..., Bank]:
    """``make_bank(items, topics=None)``: a validated :class:`Bank` from item data."""
    return lambda items, topics=None: Bank.model_validate(make_bank_data(items, topics))


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[str, Any], Path]:
    """``write_json(name, data)``: write data as UTF-8 JSON under tmp_path and return the path."""

    def write(name: str, data: Any) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_format() -> Callable[..., PaperFormat]:
    """``make_format(single=4, judge=2, multi=2, options=4, mix=None)``: a small paper format."""

    def build(single: int = 4, judge: int = 2, multi: int = 2, options: int = 4, mix: dict | None = None) -> PaperFormat:
        sections = [
            {"key": "single", "type": "single", "title": "单项选择题", "count": single, "points": 1, "options": options},
            {"key": "judge", "type": "judge", "title": "判断题", "count": judge, "points": 1, "options": 2},
            {"key": "multi", "type": "multi", "title": "多项选择题", "count": multi, "points": 2, "options": options},
        ]
        return PaperFormat.model_validate(
            {
                "id": "test-format",
                "title": "测试试卷",
                "duration_min": 60,
                "layout": "a4-180",
                "sections": [s for s in sections if s["count"]],
                "difficulty_mix": mix or {"easy": 1},
            }
        )

    return build


@pytest.fixture
def unwritable(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``unwritable(folder)``: the system refuses to put files into ``folder``, as for a read-only folder.

    Done by refusing the final rename, since the tests may run as root, which
    a read-only folder does not stop.
    """
    folders: list[Path] = []
    rename = os.replace

    def refuse(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(dst).parent in folders:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse)
    return folders.append
