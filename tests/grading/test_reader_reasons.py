"""The reader's reasons, stored in English, are shown in the language in use."""

from __future__ import annotations

import re
import string

import pytest

from omr.reasons import NESTED_FIELDS, TEMPLATES, reason
from papergen.grading.labels import page_reason, reader_reason
from papergen.i18n import using_language


def _filled(name: str) -> str:
    fields = {field: "7" for _, field, _, _ in string.Formatter().parse(TEMPLATES[name]) if field}
    for field in fields.keys() & NESTED_FIELDS:
        fields[field] = reason("fiducials_found", found=3, missing="bottom-left")
    if "corner" in fields:
        fields["corner"] = "top-right"
    return reason(name, **fields)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_reader_reason_reads_in_chinese(name):
    text = _filled(name)
    with using_language("zh"):
        shown = reader_reason(text)
    assert re.search(r"[\u4e00-\u9fff]", shown)
    assert not re.findall(r"\b(?!(?:QR|RMS|dpi|mm|px)\b)[A-Za-z]{3,}", shown), shown


def test_english_shows_the_reason_as_stored():
    text = _filled("anchors_missing")
    assert reader_reason(text) == text


def test_a_quarantined_page_reads_in_chinese():
    stored = reason("no_fiducials", reason=reason("fiducials_found", found=3, missing="top-left"))
    with using_language("zh"):
        assert page_reason("quarantined", stored) == "已搁置：没有答题卡定位标记（找到 4 个定位标记中的 3 个，缺左上）"
