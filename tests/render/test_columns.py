"""Entries in side-by-side column groups: the answer key, missed questions, key figures."""

from __future__ import annotations

from papergen.render.columns import column_major_rows


def test_column_major_rows_read_down_each_group_and_leave_the_last_short():
    entries = [[str(n), f"x{n}"] for n in range(1, 8)]
    rows = column_major_rows(entries, 3)
    assert rows == [
        ["1", "x1", "4", "x4", "7", "x7"],
        ["2", "x2", "5", "x5", "", ""],
        ["3", "x3", "6", "x6", "", ""],
    ]


def test_column_major_rows_keep_every_entry_once_in_reading_order():
    entries = [[str(n)] for n in range(1, 181)]
    rows = column_major_rows(entries, 6)
    assert len(rows) == 30
    read_down = [rows[r][g] for g in range(6) for r in range(30)]
    assert read_down == [str(n) for n in range(1, 181)]


def test_column_major_rows_of_no_entries_are_no_rows():
    assert column_major_rows([], 4) == []
