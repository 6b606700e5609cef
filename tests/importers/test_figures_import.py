"""Pictures in Moodle XML and Word sources become item figures, stored beside the imported bank."""

from __future__ import annotations

import base64
import hashlib
import io

import docx
from import_files import FIXTURES
from PIL import Image

from papergen.bank import validate_bank_file
from papergen.bank.figures import figure_file
from papergen.importers import import_to_bank_file


def _picture(fmt: str = "PNG", shade: int = 60) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), (shade, 120, 200)).save(buffer, format=fmt)
    return buffer.getvalue()


def _moodle(tmp_path, chart: bytes, inline: bytes) -> object:
    chart64, inline64 = base64.b64encode(chart).decode(), base64.b64encode(inline).decode()
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>图表</text></name>
    <questiontext format="html"><text><![CDATA[<p>下图中投诉最多的月份是（ ）。</p>
      <img src="@@PLUGINFILE@@/chart%201.png"><img src="data:image/jpeg;base64,{inline64}">]]></text>
      <file name="chart 1.png" path="/" encoding="base64">{chart64}</file></questiontext>
    <single>true</single>
    <answer fraction="100"><text>三月</text></answer>
    <answer fraction="0"><text>六月</text></answer>
  </question>
  <question type="truefalse">
    <name><text>缺图</text></name>
    <questiontext format="html"><text><![CDATA[<p>图中流程先登记后处理。</p><img src="@@PLUGINFILE@@/gone.png">]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
"""
    path = tmp_path / "quiz.xml"
    path.write_text(xml, encoding="utf-8")
    return path


def test_moodle_pictures_become_figures_written_beside_the_bank(tmp_path):
    chart, inline = _picture("PNG"), _picture("JPEG", 200)
    out = tmp_path / "out" / "bank.json"
    imported = import_to_bank_file([_moodle(tmp_path, chart, inline)], out, topics_path=FIXTURES / "topics.json")
    first, second = imported.bank.items
    assert [f.sha256 for f in first.figures] == [hashlib.sha256(chart).hexdigest(), hashlib.sha256(inline).hexdigest()]
    assert [f.path[-4:] for f in first.figures] == [".png", ".jpg"]
    assert all(figure_file(out, f).read_bytes() in (chart, inline) for f in first.figures)
    assert second.figures == []
    missing = [p for p in imported.result.problems if p.item_id == second.id]
    assert any("gone.png" in p.message and "does not carry" in p.message for p in missing)
    assert validate_bank_file(out).errors == []


def test_a_word_picture_becomes_its_questions_figure(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、单选题")
    document.add_paragraph("1. 下图中满意度最高的月份是（ ）。")
    document.add_paragraph().add_run().add_picture(io.BytesIO(_picture()))
    document.add_paragraph("A. 三月 B. 六月")
    document.add_paragraph("答案：A")
    document.add_paragraph("2. 客户关系管理的核心是（ ）。")
    document.add_paragraph("A. 产品 B. 客户")
    document.add_paragraph("答案：B")
    source = tmp_path / "bank.docx"
    document.save(source)
    out = tmp_path / "bank.json"
    imported = import_to_bank_file([source], out, topics_path=FIXTURES / "topics.json")
    pictured, plain = imported.bank.items
    assert len(pictured.figures) == 1 and plain.figures == []
    assert figure_file(out, pictured.figures[0]).read_bytes() == _picture()
    assert validate_bank_file(out).errors == []


def test_a_picture_the_booklet_cannot_print_is_named_and_not_kept(tmp_path):
    gif = io.BytesIO()
    Image.new("P", (40, 40)).save(gif, format="GIF")
    out = tmp_path / "bank.json"
    imported = import_to_bank_file([_moodle(tmp_path, gif.getvalue(), _picture("JPEG"))], out,
                                   topics_path=FIXTURES / "topics.json")
    item = imported.bank.items[0]
    assert len(item.figures) == 1 and item.figures[0].path.endswith(".jpg")
    assert any("chart 1.png" in p.message and "not PNG or JPEG" in p.message for p in imported.result.problems)
