"""Grading and review in the language in use: CSV headings, reasons, summaries, GB18030 exports read back."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from fake_grading import small_layout
from review_sitting import graded_sitting, open_store
from starlette.testclient import TestClient

from papergen.cli import main
from papergen.errors import ReviewError
from papergen.files import CSV_ENCODINGS
from papergen.grading import GradeSummary, PageProblem, parse_candidate, write_exports
from papergen.grading.labels import question_reason
from papergen.i18n import using_language
from papergen.review.apply import apply_review_csv
from papergen.review.app import TOKEN_HEADER, ReviewConfig, create_app

ENGLISH_REVIEW = ["file", "page", "candidate", "exam_id", "variant", "question", "reason", "decision"]
CHINESE_REVIEW = ["文件", "页码", "考号", "考试", "卷别", "题号", "原因", "复核决定"]


def rows_of(path, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


@pytest.fixture
def results(tmp_path):
    folder = tmp_path / "results"
    graded_sitting(folder)
    return folder


def exports_in(results, lang):
    with using_language(lang), open_store(results) as store:
        write_exports(store, results)
    return {name: rows_of(results / name) for name in ("scores.csv", "responses.csv", "review.csv")}


def test_csv_headings_and_true_false_answers_follow_the_language(results):
    english = exports_in(results, "en")
    assert english["review.csv"][0] == ENGLISH_REVIEW
    assert english["scores.csv"][0][:4] == ["candidate", "name", "exam_id", "variant"]
    assert english["scores.csv"][0][-6:] == ["total", "max", "flags", "file", "page", "decisions"]
    assert english["responses.csv"][0][:6] == ["candidate", "name", "exam_id", "variant", "file", "page"]
    chinese = exports_in(results, "zh")
    assert chinese["review.csv"][0] == CHINESE_REVIEW
    assert chinese["scores.csv"][0][:4] == ["考号", "姓名", "考试", "卷别"]
    assert chinese["scores.csv"][0][-6:] == ["总分", "满分", "待复核标记", "文件", "页码", "复核决定数"]
    assert chinese["responses.csv"][0][:6] == ["考号", "姓名", "考试", "卷别", "文件", "页码"]
    # the sheets' section titles come from the paper format, Chinese either way
    assert english["scores.csv"][0][4:-6] == chinese["scores.csv"][0][4:-6] != []
    # true/false answers: T/F in English, 对/错 in Chinese, every other cell the same
    cells = [c for row in chinese["responses.csv"][1:] for c in row]
    assert "对" in cells or "错" in cells
    back = [[c.replace("对", "T").replace("错", "F") for c in row] for row in chinese["responses.csv"][1:]]
    assert back == english["responses.csv"][1:]


def test_review_reasons_and_flags_read_in_the_language_in_use(results):
    english = exports_in(results, "en")["review.csv"]
    chinese = exports_in(results, "zh")["review.csv"]
    reasons_en = [r[6] for r in english[1:]]
    reasons_zh = [r[6] for r in chinese[1:]]
    assert "ambiguous; read D, key D" in reasons_en and "模糊；识别 D，答案 D" in reasons_zh
    assert any(r.startswith("candidate_unreadable: ") for r in reasons_en)
    assert any(r.startswith("考号无法识别：") for r in reasons_zh)
    assert any(r.startswith("quarantined: ") for r in reasons_en) and any(r.startswith("已搁置：") for r in reasons_zh)
    assert "缺考：在考生名单上，但没有已评分的答题卡" in reasons_zh
    with using_language("zh"):
        assert question_reason(["ambiguous", "erasure"], "ABD", "ABCD") == "模糊、擦除痕迹；识别 ABD，答案 ABCD"
        assert question_reason(["multiple"], "", "T") == "多涂；识别 空白，答案 对"
    assert question_reason(["ambiguous", "erasure"], "ABD", "ABCD") == "ambiguous, erasure; read ABD, key ABCD"


def test_the_grade_summary_and_errors_speak_the_language_in_use():
    summary = GradeSummary(pages_seen=5, skipped=1, graded=3, flagged=1,
                           refused=[PageProblem("scans/a.pdf", 2, "refused", "no QR code")])
    english = summary.describe()
    assert english[:2] == ["Pages seen: 5 (1 already read, skipped)", "Sheets graded: 3, 1 flagged for review"]
    assert "Refused: 1" in english and "  scans/a.pdf page 2: no QR code" in english
    with using_language("zh"):
        chinese = summary.describe()
        with pytest.raises(ReviewError, match="考号只能由数字组成（实为 '12a'）"):
            parse_candidate("12a")
    assert chinese[:2] == ["读取页数：5（其中 1 页已读过，跳过）", "已评分答题卡：3 张，其中 1 张待复核"]
    assert "已拒收：1" in chinese and "  scans/a.pdf 第 2 页：no QR code" in chinese
    with pytest.raises(ReviewError, match=r"candidate number must be digits only \(got '12a'\)"):
        parse_candidate("12a")


def test_gb18030_exports_with_chinese_headings_are_applied_back(results, tmp_path):
    written = CliRunner().invoke(main, ["--lang", "zh", "review", str(results), "--apply", str(results / "review.csv"),
                                        "--who", "王老师", "--csv-encoding", "gb18030"])
    assert written.exit_code == 0, written.output
    assert "已记录复核决定 0 条" in written.output and "缺考待确认：2024000002 李华" in written.output
    raw = (results / "review.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = rows_of(results / "review.csv", "gb18030")
    assert rows[0] == CHINESE_REVIEW
    assert rows_of(results / "scores.csv", "gb18030")[0][0] == "考号"
    row = next(r for r in rows if r[0] == "scans/a.pdf" and r[5] == "4")
    row[7] = "b"
    filled = tmp_path / "filled.csv"
    with filled.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with using_language("en"):  # read back by an English run, the encoding detected
        result = apply_review_csv(results, filled, who="王老师")
    assert [(d.question, d.after) for d in result.applied] == [(4, "B")]
    assert rows_of(results / "review.csv")[0] == ENGLISH_REVIEW  # rewritten in UTF-8, in the language in use


def test_apply_takes_old_english_headings_and_names_the_missing_ones_in_the_language_in_use(results, tmp_path):
    rows = exports_in(results, "en")["review.csv"]
    old = tmp_path / "old.csv"  # written before decisions existed: no decision column, nothing to apply
    with old.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([r[:7] for r in rows])
    assert apply_review_csv(results, old, who="a").applied == ()
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("文件,页码,考号\n", encoding="utf-8")
    with using_language("zh"), pytest.raises(ReviewError, match="不是 review.csv 的表头（缺少 考试, 题号"):
        apply_review_csv(results, wrong, who="a")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workstation_opens_in_the_language_of_the_command(results, lang):
    with using_language(lang):
        config = ReviewConfig(results, "t", "a", layout=small_layout(), export_delay_s=0.0)
    client = TestClient(create_app(config))
    page = client.get("/", headers={TOKEN_HEADER: "t"})
    assert page.status_code == 200 and f'<html lang="zh-CN" data-lang="{lang}">' in page.text


@pytest.mark.parametrize("name", ["grade", "merge", "review", "report", "rescore", "import"])
def test_every_command_that_writes_csv_files_takes_their_encoding(name):
    import click

    command = main.get_command(click.Context(main), name)
    [option] = [p for p in command.params if "--csv-encoding" in p.opts]
    assert tuple(option.type.choices) == tuple(CSV_ENCODINGS) and option.default == "utf-8"
