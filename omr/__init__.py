"""omr: optical-mark reading of printed bubble answer sheets.

This package knows sheet geometry (:mod:`omr.layout`) and images; it knows
nothing of question banks, papers or scoring.

The names below are loaded on first use (PEP 562), so importing
:mod:`omr.layout` for the geometry alone does not load OpenCV.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "CandidateRead",
    "LayoutError",
    "MarkState",
    "PageImage",
    "PageStatus",
    "QuestionRead",
    "ReadParams",
    "SheetLayout",
    "SheetRead",
    "count_pages",
    "decode_qr",
    "iter_pages",
    "load_layout",
    "read_sheet",
]

_HOMES = {
    "CandidateRead": "omr.result",
    "LayoutError": "omr.layout",
    "MarkState": "omr.result",
    "PageImage": "omr.scan_io",
    "PageStatus": "omr.result",
    "QuestionRead": "omr.result",
    "ReadParams": "omr.params",
    "SheetLayout": "omr.layout",
    "SheetRead": "omr.result",
    "count_pages": "omr.scan_io",
    "decode_qr": "omr.qr",
    "iter_pages": "omr.scan_io",
    "load_layout": "omr.layout",
    "read_sheet": "omr.read",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'omr' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
