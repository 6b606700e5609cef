"""Reading and writing files: loaders name the file, the JSON position or path and their stage's error; writers are atomic."""

from __future__ import annotations

import json

import pytest
from paper_builders import bundled_paper_format

from papergen.bank.blueprint import load_blueprint_overrides
from papergen.errors import AssemblyError, FormatError, ImportTextError, ManifestError, ReportError
from papergen.importers.classify import load_topic_keywords
from papergen.importers.sources import load_exclusions
from papergen.files import read_json, write_atomically, write_json, write_text
from papergen.exam.manifest import load_manifest
from papergen.exam.format import load_format
from papergen.grading import load_corrections


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_names_the_file_and_what_it_should_hold(tmp_path):
    with pytest.raises(FormatError, match=r"absent\.json: cannot read paper format \(No such file or directory\)"):
        load_format(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("load", "error"),
    [
        (load_format, FormatError),
        (load_manifest, ManifestError),
        (load_corrections, ManifestError),
        (load_blueprint_overrides, AssemblyError),
        (load_topic_keywords, ImportTextError),
        (load_exclusions, ImportTextError),
    ],
)
def test_every_loader_reports_broken_json_by_line_and_column(tmp_path, load, error):
    path = _write(tmp_path, "broken.json", '{\n  "a": 1,\n  "b" 2\n}')
    with pytest.raises(error, match=r"broken\.json: not valid JSON \(line 3, column 7: Expecting ':' delimiter\)"):
        load(path)


def test_a_file_in_no_known_encoding_names_the_line_and_first_bad_byte(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('{"x": "café"}'.encode("latin-1"))
    with pytest.raises(AssemblyError, match=r"latin\.json:1: byte 0xE9 at offset 10 is not valid utf-8"):
        read_json(path, AssemblyError, "blueprint")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_json_saved_with_a_bom_or_in_gbk_or_utf16_is_read(tmp_path, encoding):
    path = tmp_path / "notepad.json"
    path.write_bytes('{"说明": "客户服务管理师"}'.encode(encoding))
    assert read_json(path, AssemblyError, "blueprint") == {"说明": "客户服务管理师"}


def test_an_invalid_format_names_the_json_path_of_the_problem(tmp_path):
    data = bundled_paper_format().model_dump(mode="json")
    data["sections"][1]["count"] = "many"
    path = _write(tmp_path, "fmt.json", json.dumps(data, ensure_ascii=False))
    with pytest.raises(FormatError, match=r"fmt\.json: not a valid paper format: sections\.1\.count: Input should be"):
        load_format(path)


def test_an_invalid_key_manifest_lists_ten_problems_and_counts_the_rest(tmp_path):
    fields = ["exam_id", "title", "mode", "seed", "bank_id", "bank_version", "bank_sha256", "format",
              "layout_id", "layout_sha256", "versions", "variants"]
    path = _write(tmp_path, "key.json", json.dumps({"extra_field": 1}))
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: not a valid key manifest: exam_id: Field required; ")
    assert message.count("Field required") == 10
    assert message.endswith(f"; and {len(fields) + 1 - 10} more")


def test_atomic_writes_use_unique_temporary_files_beside_the_target(tmp_path):
    seen = []

    def write(tmp):
        seen.append(tmp)
        tmp.write_text(str(len(seen)), encoding="utf-8")

    write_atomically(tmp_path / "a.csv", write, ReportError)
    write_atomically(tmp_path / "a.csv", write, ReportError)
    assert seen[0] != seen[1] and all(p.parent == tmp_path and p.suffix == ".csv" for p in seen)
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "2"


def test_a_failed_write_raises_the_stage_error_and_leaves_nothing(tmp_path, unwritable):
    (tmp_path / "key.json").write_text("old", encoding="utf-8")
    unwritable(tmp_path)
    with pytest.raises(ManifestError, match=r"key\.json: cannot write key manifest \(Permission denied\); ask"):
        write_text(tmp_path / "key.json", "new", ManifestError, "key manifest", hint="; ask")
    assert [p.name for p in tmp_path.iterdir()] == ["key.json"]
    assert (tmp_path / "key.json").read_text(encoding="utf-8") == "old"


def test_a_writer_that_fails_otherwise_leaves_nothing_and_its_error_passes(tmp_path):
    def broken(tmp):
        tmp.write_text("half", encoding="utf-8")
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        write_atomically(tmp_path / "a.csv", broken, ReportError)
    assert list(tmp_path.iterdir()) == []


def test_json_is_written_as_readable_utf8(tmp_path):
    path = write_json(tmp_path / "a.json", {"题": [1, 2]}, ReportError)
    assert read_json(path, ReportError, "test") == {"题": [1, 2]}
    assert "题" in path.read_text(encoding="utf-8")
