"""Key integrity: sealed keys, keys checked against their format, corrections as versions never undone."""

from __future__ import annotations

import json
import sqlite3

import pytest

from fake_grading import ANSWERS_A, FULL_MARKS, FakeScans, make_manifest, make_read, sheet_qr, small_layout
from papergen.errors import GradeError, ManifestError, StoreError
from papergen.exam import check_key, key_digest, key_problems, load_manifest, save_manifest
from papergen.grading import corrections as corrections_module
from papergen.grading import STORE_FILENAME, Store, grade_batch, open_results, rescore_results
from papergen.report import write_reports

EXAM = make_manifest()


def key_file(folder, manifest=EXAM, *, sealed=True, edit=None):
    """key.json of ``manifest``; ``edit(data)`` changes the JSON after papergen wrote it."""
    folder.mkdir(exist_ok=True)
    path = folder / "key.json"
    save_manifest(manifest, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not sealed:
        del data["digest"]
    if edit is not None:
        edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def question(data, variant, number):
    return next(q for q in data["variants"][variant]["questions"] if q["number"] == number)


def grade(scans, out, *keys):
    return grade_batch(["scans"], list(keys), out, **scans.grade_kwargs())


def one_sheet(candidate="0000000001"):
    scans = FakeScans()
    scans.add(make_read({**ANSWERS_A, 9: "B"}, qr=sheet_qr(EXAM, "A"), candidate=candidate), name=candidate)
    return scans


def test_a_key_papergen_writes_is_sealed_and_loads_back(tmp_path):
    loaded = load_manifest(key_file(tmp_path))
    assert loaded.digest == key_digest(loaded) and loaded.key_version == 1


@pytest.mark.parametrize("edit", [
    lambda d: question(d, 0, 3).update(answer=["D"]),
    lambda d: question(d, 0, 9).update(points=50.0),
    lambda d: question(d, 1, 2).update(permutation=["B", "A", "C", "D"]),
    lambda d: question(d, 0, 5).update(dropped=True),
    lambda d: question(d, 0, 5).update(also_accept=[["C"]]),
    lambda d: d["format"]["sections"][2]["scoring"].update(rule="per_option"),
    lambda d: d.update(layout_sha256="0" * 64),
], ids=["answer", "points", "permutation", "dropped", "also_accept", "rule", "layout"])
def test_a_key_edited_by_hand_is_refused_with_how_to_correct_it(tmp_path, edit):
    path = key_file(tmp_path, edit=edit)
    with pytest.raises(ManifestError, match=r"key\.json: the key was changed after papergen wrote it .*papergen rescore"):
        load_manifest(path)


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda d: question(d, 0, 3).update(answer=["Z"]), r"question 3: answer 'Z' is not a printed option \(options A, B, C, D\)"),
    (lambda d: question(d, 0, 7).update(answer=["T", "F"]), r"question 7: answer must be one option"),
    (lambda d: question(d, 0, 4).update(points=-0.5), r"question 4: points must be a number >= 0 \(got -0.5\)"),
    (lambda d: question(d, 0, 9).update(points=44.5), r"variant A: points add up to 49.5, the format's full marks are 6"),
    (lambda d: d["variants"][0]["questions"].pop(4), r"variant A: question numbers missing \(got no 5\)"),
    (lambda d: question(d, 0, 6).update(number=5), r"variant A: question numbers missing \(got no 6\); variant A: question numbers repeated \(5\)"),
    (lambda d: question(d, 1, 9).update(also_accept=[["F"]]), r"variant B question 9: also_accept 'F' is not a printed option"),
], ids=["answer-Z", "two-judge-answers", "negative-points", "total", "gap", "duplicate", "also-accept"])
def test_a_key_that_does_not_fit_its_format_is_refused(tmp_path, edit, problem):
    path = key_file(tmp_path, sealed=False, edit=edit)
    with pytest.raises(ManifestError, match=rf"key\.json: the key does not fit format test-10: .*{problem}"):
        load_manifest(path)


def test_the_layout_decides_the_printed_options_when_given():
    assert key_problems(EXAM, small_layout()) == []
    data = small_layout().model_dump(mode="json")
    data["blocks"][0]["options"] = ["A", "B", "C"]
    narrow = type(small_layout()).model_validate(data)
    problems = key_problems(EXAM, narrow)
    assert "variant A question 4: answer 'D' is not a printed option (options A, B, C)" in problems
    with pytest.raises(ManifestError, match="grade: the key does not fit"):
        check_key(EXAM, "grade", narrow)


def test_a_key_without_digest_is_accepted_once_with_a_notice_and_sealed_in_the_store(tmp_path):
    legacy = load_manifest(key_file(tmp_path / "exam", sealed=False))
    assert legacy.digest is None
    summary = grade(one_sheet(), tmp_path / "out", legacy)
    assert summary.graded == 1
    assert any("has no digest" in note and "later edits of it will be refused" in note for note in summary.notices)
    with open_results(tmp_path / "out") as store:
        assert store.manifest("EX1").digest == key_digest(legacy)
    assert not any("QR checksum" in note for note in summary.notices)
    edited = load_manifest(key_file(tmp_path / "exam", sealed=False, edit=lambda d: question(d, 0, 9).update(answer=["B"])))
    with pytest.raises(GradeError, match="differs from the stored version 1"):
        grade(one_sheet("0000000002"), tmp_path / "out", edited)


def test_an_unsealed_key_edited_before_its_first_use_is_pointed_out(tmp_path):
    edited = load_manifest(key_file(tmp_path / "exam", sealed=False, edit=lambda d: question(d, 0, 9).update(answer=["B"])))
    summary = grade(one_sheet(), tmp_path / "out", edited)
    [note] = summary.notices
    assert "differ from those the sheets' QR checksum was made from (variants A): edited by hand" in note


def corrections_file(folder):
    path = folder / "fixes.json"
    path.write_text(json.dumps({"reason": "第9题作废", "corrections": [{"variant": "A", "question": 9, "drop": True}]},
                               ensure_ascii=False), encoding="utf-8")
    return path


def test_grading_with_a_superseded_key_is_refused_naming_the_current_version(tmp_path):
    exam, out = tmp_path / "exam", tmp_path / "out"
    key = key_file(exam)
    grade(one_sheet(), out, load_manifest(key))
    outcome = rescore_results(out, key, corrections_file(exam))
    assert outcome.manifest_path.name == "key.v2.json" and load_manifest(outcome.manifest_path).key_version == 2
    with pytest.raises(GradeError, match=r"version 1, superseded by version 2 .*pass the current key \(key\.v2\.json"):
        grade(one_sheet("0000000002"), out, load_manifest(key))
    summary = grade(one_sheet("0000000002"), out, load_manifest(outcome.manifest_path))
    assert summary.rescored == [] and summary.graded == 1
    with Store.open(out / STORE_FILENAME) as store:
        assert [s.score.max_total for s in store.graded_sheets()] == [FULL_MARKS - 1.0] * 2


@pytest.mark.parametrize("failing", ["store", "log"])
def test_a_failed_rescore_leaves_no_key_version_behind(tmp_path, monkeypatch, failing):
    exam, out = tmp_path / "exam", tmp_path / "out"
    key = key_file(exam)
    grade(one_sheet(), out, load_manifest(key))

    def full_disk(*args, **kwargs):
        raise (StoreError if failing == "store" else ManifestError)("cannot write (No space left on device)")

    target = (Store, "save_rescore") if failing == "store" else (corrections_module, "_write_log")
    monkeypatch.setattr(*target, full_disk)
    with pytest.raises((StoreError, ManifestError), match="No space left"):
        rescore_results(out, key, corrections_file(exam))
    assert sorted(p.name for p in exam.iterdir()) == ["fixes.json", "key.json"]
    with open_results(out) as store:
        assert store.manifest("EX1").key_version == 1 and store.rescore_history() == []
    monkeypatch.undo()
    assert rescore_results(out, key, corrections_file(exam)).manifest_path.name == "key.v2.json"


def test_report_refuses_a_key_changed_inside_the_store(tmp_path):
    out = tmp_path / "out"
    grade(one_sheet(), out, load_manifest(key_file(tmp_path)))
    with sqlite3.connect(out / STORE_FILENAME) as db:
        [(text,)] = db.execute("SELECT manifest FROM exam").fetchall()
        data = json.loads(text)
        question(data, 0, 9)["answer"] = ["B"]
        db.execute("UPDATE exam SET manifest = ?", (json.dumps(data, ensure_ascii=False),))
    db.close()
    with pytest.raises(StoreError, match="stored key of exam EX1 was changed outside papergen"):
        write_reports(out, tmp_path / "reports")
