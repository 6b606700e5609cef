"""Clear errors instead of tracebacks: full disk, damaged store, hostile JSON, results read as scans."""

from __future__ import annotations

import json

import pytest

from fake_grading import ANSWERS_A, FakeScans, make_manifest, make_read, sheet_qr
from papergen.bank import load_bank
from papergen.errors import BankError, GradeError, ManifestError, StoreError
from papergen.exam import load_manifest, save_manifest
from papergen.grading import STORE_FILENAME, Store, grade_batch, rescore_results, scan_inputs
from papergen.grading import store as store_module
from papergen.report import write_reports

EXAM = make_manifest()


def sheets(count, start=1):
    scans = FakeScans()
    for n in range(start, start + count):
        scans.add(make_read(ANSWERS_A, qr=sheet_qr(EXAM, "A"), candidate=f"{n:010d}"), name=f"sheet-{n}")
    return scans


def test_a_full_disk_stops_grading_with_a_message_and_keeps_what_was_stored(tmp_path, monkeypatch):
    grade_batch(["scans"], [EXAM], tmp_path, **sheets(2).grade_kwargs())
    prepare = store_module._prepare

    def small_disk(connection, path, params):
        prepare(connection, path, params)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(store_module, "_prepare", small_disk)
    with pytest.raises(StoreError, match=r"results\.sqlite: cannot write results \(database or disk is full\); "
                                         r"free disk space and rerun: pages stored so far are kept"):
        grade_batch(["scans"], [EXAM], tmp_path, **sheets(40, start=3).grade_kwargs())
    monkeypatch.undo()
    with Store.open(tmp_path / STORE_FILENAME) as store:
        kept = store.pages()
    assert len(kept) >= 2 and {p.status for p in kept} == {"graded"}
    summary = grade_batch(["scans"], [EXAM], tmp_path, **sheets(40, start=3).grade_kwargs())
    assert summary.graded + summary.skipped == 40 and summary.errors == []


@pytest.fixture
def damaged(tmp_path):
    """A results folder (with key.json beside it) whose store has its later pages overwritten."""
    out = tmp_path / "out"
    grade_batch(["scans"], [EXAM], out, **sheets(30).grade_kwargs())
    save_manifest(EXAM, tmp_path / "key.json")
    raw = bytearray((out / STORE_FILENAME).read_bytes())
    page = 4096
    raw[2 * page:] = b"\xa5" * (len(raw) - 2 * page)
    (out / STORE_FILENAME).write_bytes(bytes(raw))
    return tmp_path


DAMAGED = r"results\.sqlite: the results store is damaged or unreadable \(.*\); grade the scans again into a new --out"


def test_grading_into_a_damaged_store_says_so(damaged):
    with pytest.raises(StoreError, match=DAMAGED):
        grade_batch(["scans"], [EXAM], damaged / "out", **sheets(1, start=99).grade_kwargs())


def test_report_on_a_damaged_store_says_so(damaged):
    with pytest.raises(StoreError, match=DAMAGED):
        write_reports(damaged / "out", damaged / "reports", formats=["html"])


def test_rescore_on_a_damaged_store_says_so(damaged):
    fixes = damaged / "fixes.json"
    fixes.write_text(json.dumps({"reason": "x", "corrections": [{"variant": "A", "question": 9, "drop": True}]}))
    with pytest.raises(StoreError, match=DAMAGED):
        rescore_results(damaged / "out", damaged / "key.json", fixes)
    assert sorted(p.name for p in damaged.iterdir()) == ["fixes.json", "key.json", "out"]


@pytest.mark.parametrize(("text", "problem"), [
    ('{"items": ' + "[" * 50_000 + "]" * 50_000 + "}", r"JSON nested too deeply to read"),
    ('{"id": "x", "version": ' + "7" * 5001 + "}", r"a number has more than 4300 digits \(got 5001 digits\)"),
])
def test_hostile_json_in_a_bank_or_key_is_a_clear_error(tmp_path, text, problem):
    path = tmp_path / "in.json"
    path.write_text(text)
    with pytest.raises(BankError, match=rf"in\.json: .*{problem}"):
        load_bank(path)
    with pytest.raises(ManifestError, match=rf"in\.json: .*{problem}"):
        load_manifest(path)


def test_the_results_folder_is_never_read_as_scans(tmp_path):
    scans_dir = tmp_path / "scans"
    (scans_dir / "day2").mkdir(parents=True)
    for name in ("a.pdf", "day2/b.pdf", ".hidden.pdf"):
        (scans_dir / name).write_bytes(b"%PDF-")
    out = scans_dir / "day2" / "results"
    seen = []

    def pages(paths):
        seen.extend(paths)
        return iter(())

    grade_batch([scans_dir], [EXAM], out, **{**sheets(0).grade_kwargs(), "pages": pages})
    assert seen == [scans_dir / "a.pdf", scans_dir / "day2" / "b.pdf"]
    assert (out / STORE_FILENAME).is_file()
    assert scan_inputs([scans_dir], out) == seen


def test_an_input_inside_the_results_folder_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "old.pdf").write_bytes(b"%PDF-")
    with pytest.raises(GradeError, match=r"input .*old\.pdf is inside the results folder .*choose an --out outside it"):
        grade_batch([out / "old.pdf"], [EXAM], out, **sheets(1).grade_kwargs())
    assert [p.name for p in out.iterdir()] == ["old.pdf"]
