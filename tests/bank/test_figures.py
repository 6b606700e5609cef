"""Figures of a bank: stored beside it by content, checked by validate (missing, changed, not a picture)."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from pydantic import ValidationError

from papergen.bank import validate_bank_file
from papergen.bank.figures import describe_figure, figure_file, store_figure
from papergen.bank.model import Figure


def png(width: int = 120, height: int = 80, shade: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), shade).save(buffer, format="PNG")
    return buffer.getvalue()


def _bank_with_figure(tmp_path, make_item, make_bank_data, write_json, data: bytes):
    bank_path = tmp_path / "bank.json"
    figure = store_figure(data, bank_path)
    item = make_item("q1", figures=[figure.model_dump(exclude_none=True)])
    return write_json("bank.json", make_bank_data([item])), figure


def test_a_stored_figure_is_named_by_its_content_and_validates(tmp_path, make_item, make_bank_data, write_json):
    data = png()
    path, figure = _bank_with_figure(tmp_path, make_item, make_bank_data, write_json, data)
    digest = hashlib.sha256(data).hexdigest()
    assert figure.path == f"figures/{digest[:16]}.png" and figure.sha256 == digest
    assert figure_file(path, figure).read_bytes() == data
    assert validate_bank_file(path).errors == []


def test_storing_the_same_picture_twice_writes_one_file(tmp_path):
    first, second = store_figure(png(), tmp_path / "b.json"), store_figure(png(), tmp_path / "b.json")
    assert first == second and len(list((tmp_path / "figures").iterdir())) == 1


@pytest.mark.parametrize("damage, message", [
    ("missing", "not found beside the bank"),
    ("changed", "differs from the one recorded"),
    ("not a picture", "not a readable picture"),
    ("tiny", "at least 16 px"),
])
def test_validate_names_every_broken_figure_by_its_json_path(tmp_path, make_item, make_bank_data, write_json,
                                                             damage, message):
    data = png(8, 8) if damage == "tiny" else png()
    path, figure = _bank_with_figure(tmp_path, make_item, make_bank_data, write_json, data)
    target = figure_file(path, figure)
    if damage == "missing":
        target.unlink()
    elif damage == "changed":
        target.write_bytes(png(shade=200))
    elif damage == "not a picture":
        broken = data[:12]
        target.write_bytes(broken)
        bank = path.read_text(encoding="utf-8").replace(figure.sha256, hashlib.sha256(broken).hexdigest())
        path.write_text(bank, encoding="utf-8")
    errors = validate_bank_file(path).errors
    assert len(errors) == 1 and errors[0].path == "items[0].figures[0]" and message in errors[0].message


@pytest.mark.parametrize("path", ["../outside.png", "figures/../../x.png", "/etc/x.png", "figures/a.gif"])
def test_a_figure_path_stays_inside_the_bank_folder_and_names_a_png_or_jpeg(path):
    with pytest.raises(ValidationError):
        Figure(path=path, sha256="0" * 64)


def test_only_png_and_jpeg_bytes_describe_a_figure():
    assert describe_figure(png()).path.endswith(".png")
    with pytest.raises(ValueError, match="not a PNG or JPEG"):
        describe_figure(b"GIF89a" + bytes(20))
