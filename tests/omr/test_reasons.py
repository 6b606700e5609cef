"""Every reason the reader gives is made from one template and can be taken apart again."""

from __future__ import annotations

import string

import pytest

from omr.reasons import NESTED_FIELDS, TEMPLATES, join, parse, reason


def _sample(name: str) -> tuple[str, dict[str, str]]:
    fields = {field: f"<{field}>" for _, field, _, _ in string.Formatter().parse(TEMPLATES[name]) if field}
    for field in fields.keys() & NESTED_FIELDS:
        fields[field] = reason("fiducials_found", found=2, missing="top-left, bottom-left")
    return reason(name, **fields), fields


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_each_reason_parses_back_to_its_template_and_fields(name):
    text, fields = _sample(name)
    assert parse(text) == [(name, fields)]


def test_notes_joined_on_a_page_part_again_even_when_a_note_holds_the_separator():
    notes = [reason("dpi_mismatch", stated="300", measured="200"), reason("no_clear_marks"),
             reason("manual_corner", corner="top-left")]
    assert [name for name, _ in parse(join(notes))] == ["dpi_mismatch", "no_clear_marks", "manual_corner"]


def test_text_no_template_makes_is_kept_whole():
    assert parse("OSError cannot identify image file") == [(None, {"text": "OSError cannot identify image file"})]
    assert parse("") == []
