"""The review server's API over a graded folder with real scans: token, queue, decisions, pictures, set-aside pages."""

from __future__ import annotations

import csv
import io

import cv2
import numpy as np
import pytest
from fake_grading import small_layout
from review_sitting import SCAN_DPI, TORN, scanned_sitting
from starlette.testclient import TestClient

from omr.layout import MM_PER_INCH
from papergen.i18n import using_language
from papergen.review.app import TOKEN_HEADER, ReviewConfig, create_app

TOKEN = "test-token"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return scanned_sitting(tmp_path_factory.mktemp("sitting"))


@pytest.fixture
def fresh(tmp_path):
    return scanned_sitting(tmp_path)


def client_for(results):
    app = create_app(ReviewConfig(results, TOKEN, "审核员甲", layout=small_layout(), export_delay_s=0.0))
    client = TestClient(app)
    client.headers[TOKEN_HEADER] = TOKEN
    return client, app


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_every_request_needs_the_token(results):
    app = create_app(ReviewConfig(results, TOKEN, "a", layout=small_layout()))
    bare = TestClient(app)
    for path in ("/", "/api/summary", "/static/review.js", "/img/grid/1"):
        assert bare.get(path).status_code == 403
    assert bare.get("/api/summary", headers={TOKEN_HEADER: "wrong"}).status_code == 403
    first = bare.get(f"/?token={TOKEN}")
    assert first.status_code == 200 and "<title>复核</title>" in first.text
    assert bare.get("/api/summary").status_code == 200  # the cookie set by the first visit


def test_the_summary_reconciles_and_counts(results):
    client, _ = client_for(results)
    summary = client.get("/api/summary").json()
    assert summary["counts"] == {"questions": 2, "identity": 1, "sheets": 2, "set_aside": 1, "total": 4}
    [exam] = summary["exams"]
    assert [p["number"] for p in exam["present"]] == ["2024000001"]
    assert [p["number"] for p in exam["absent"]] == ["2024000002", "2024000003", "2024000004"]
    assert [p["file"] for p in summary["set_aside"]] == [TORN]


def test_the_queue_gives_items_and_crops_of_the_scan(results):
    client, _ = client_for(results)
    sheets = client.get("/api/queue").json()["sheets"]
    assert [(s["file"], [q["number"] for q in s["questions"]], bool(s["identity"])) for s in sheets] == [
        ("a.png", [3, 5], False), ("b.png", [], True)]
    q5 = sheets[0]["questions"][1]
    assert (q5["read"], q5["reasons"], q5["labels"]) == ("A", ["erasure"], ["A", "B", "C", "D"])
    assert q5["fills"][0] > 0.5 > q5["fills"][2]
    crop = client.get(q5["image"])
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/png"
    image = cv2.imdecode(np.frombuffer(crop.content, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image.shape[1] > 3 * image.shape[0]  # a row: wider than tall
    # the crop is dark where A is marked and light where C is not
    layout = small_layout()
    width = image.shape[1]
    row = image[image.shape[0] // 3:]  # question 5's row; the crop's top edge shows a little of question 4
    darkest = [np.sort(half.mean(axis=0))[:5].mean() for half in (row[:, : width // 2], row[:, width // 2:])]
    assert darkest[0] < darkest[1] - 20  # the darkest columns: A's fill against C's and D's outlines
    grid = client.get(sheets[1]["identity"]["image"])
    assert grid.status_code == 200 and sheets[1]["identity"]["digits"] == "20240?0002"
    assert layout.candidate_id.digits == 10


def test_decisions_round_trip_undo_and_rewrite_the_exports(fresh):
    client, app = client_for(fresh)
    sheets = client.get("/api/queue").json()["sheets"]
    a, b = sheets
    answer = client.post("/api/decide", json={"kind": "answer", "sha256": a["sha256"], "question": 3, "after": "c"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["counts"]["questions"] == 1 and body["decision"]["who"] == "审核员甲"
    assert [q["decided"] for q in body["sheet"]["questions"]] == ["C", None]
    number = client.post("/api/decide", json={"kind": "candidate", "sha256": b["sha256"], "after": "2024000002"})
    assert number.json()["counts"]["identity"] == 0
    undo = client.post("/api/decide", json={"kind": "answer", "sha256": a["sha256"], "question": 3, "after": None})
    assert undo.json()["counts"]["questions"] == 2
    bad = client.post("/api/decide", json={"kind": "answer", "sha256": a["sha256"], "question": 3, "after": "Q"})
    assert bad.status_code == 400 and "question 3: answer names options" in bad.json()["error"]
    assert app.state.exports.flush()
    app.state.exports.close()
    scores = {r[0]: r for r in read_csv(fresh / "scores.csv")[1:]}
    assert scores["2024000002"][-1] == "1" and scores["2024000001"][-1] == "0"
    audit = client.get("/api/audit").json()["decisions"]
    assert [(d["kind"], d["before"], d["after"]) for d in audit] == [
        ("answer", "C", None), ("candidate", "20240?0002", "2024000002"), ("answer", "", "C")]


def test_absences_are_confirmed_and_withdrawn(fresh):
    client, _ = client_for(fresh)
    assert client.post("/api/absent", json={"exam_id": "EX1", "candidate": "2024000004"}).status_code == 200
    exam = client.get("/api/summary").json()["exams"][0]
    assert [p["number"] for p in exam["confirmed_absent"]] == ["2024000004"]
    client.post("/api/absent", json={"exam_id": "EX1", "candidate": "2024000004", "absent": False})
    assert client.get("/api/summary").json()["exams"][0]["confirmed_absent"] == []


def fiducial_clicks(offset=(3.0, -2.0)):
    layout = small_layout()
    scale = SCAN_DPI / MM_PER_INCH
    return [[x * scale + offset[0], y * scale + offset[1]] for x, y in layout.fiducials.centres_mm]


def test_a_set_aside_sheet_is_registered_from_four_clicks(fresh):
    client, _ = client_for(fresh)
    [page] = client.get("/api/summary").json()["set_aside"]
    meta = client.get(f"/api/page/{page['page_id']}").json()
    assert meta["status"] == "quarantined" and 0 < meta["scale"] <= 1
    assert client.get(f"/img/page/{page['page_id']}").headers["content-type"] == "image/jpeg"
    wrong = client.post(f"/api/register/{page['page_id']}", json={"corners": fiducial_clicks()[::-1]})
    assert wrong.status_code == 400 and "convex" in wrong.json()["error"]
    done = client.post(f"/api/register/{page['page_id']}", json={"corners": fiducial_clicks()}).json()
    assert (done["status"], done["candidate"], done["flagged"]) == ("graded", "2024000003", 0)
    summary = client.get("/api/summary").json()
    assert summary["counts"]["set_aside"] == 0
    assert "2024000003" in [p["number"] for p in summary["exams"][0]["present"]]
    assert "registered by hand" in done["reason"]
    assert client.get(f"/api/sheet/{done['page_id']}").json()["status"] == "graded"
    audit = client.get("/api/audit?limit=1").json()["decisions"][0]
    assert (audit["kind"], audit["before"], audit["source"].endswith(TORN)) == ("register", "quarantined", True)


def test_a_set_aside_sheet_is_keyed_in_twice(fresh):
    from fake_grading import ANSWERS_A

    client, _ = client_for(fresh)
    [page] = client.get("/api/summary").json()["set_aside"]
    first = {str(n): a for n, a in ANSWERS_A.items()}
    second = {**first, "7": "错"}
    differ = client.post(f"/api/manual/{page['page_id']}", json={
        "exam_id": "EX1", "variant": "A", "candidate": "2024000003", "first": first, "second": second})
    assert differ.status_code == 400
    assert "question 7: the two entries differ (first 对, second 错)" in differ.json()["error"]
    done = client.post(f"/api/manual/{page['page_id']}", json={
        "exam_id": "EX1", "variant": "A", "candidate": "2024000003", "first": first, "second": first}).json()
    assert done == {"page_id": done["page_id"], "status": "graded", "reason": "keyed in by hand (two entries agreed)",
                    "candidate": "2024000003", "flagged": 0}
    audit = client.get("/api/audit?limit=1").json()["decisions"][0]
    assert audit["kind"] == "manual" and '"7": "对"' in audit["after"]


def test_a_page_not_graded_can_be_looked_at(fresh):
    import shutil

    from fake_grading import sheet_qr
    from review_sitting import EXAM

    from omr.synth import SheetMarks, draw_sheet
    from papergen.grading import grade_batch

    other = EXAM.model_copy(update={"exam_id": "OTHER"})  # a sheet of an exam not graded here is refused
    scans = fresh.parent / "scans"
    shutil.rmtree(scans)
    scans.mkdir()
    cv2.imwrite(str(scans / "other.png"), draw_sheet(small_layout(), dpi=SCAN_DPI, qr_text=sheet_qr(other, "A"),
                                                     marks=SheetMarks()))
    grade_batch([scans], [EXAM], fresh, layout=small_layout())
    client, _ = client_for(fresh)
    [refused] = [p for p in client.get("/api/summary").json()["not_graded"] if p["status"] == "refused"]
    assert client.get(f"/api/page/{refused['page_id']}").json()["status"] == "refused"
    preview = client.get(f"/img/page/{refused['page_id']}")
    assert preview.status_code == 200 and preview.content[:2] == b"\xff\xd8"  # a JPEG


def test_a_set_aside_sheet_gives_the_readers_reason_in_the_workstations_language(results):
    client, _ = client_for(results)
    english = client.get("/api/summary").json()["set_aside"][0]["reason"]
    with using_language("zh"):
        chinese = client.get("/api/summary").json()["set_aside"][0]["reason"]
    assert "fiducials found" in english and "top-left" in english
    assert "定位标记" in chinese and "左上" in chinese and "fiducials" not in chinese
