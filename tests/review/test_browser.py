"""End to end in a real headless Chromium: a proctor settles a sitting with the keyboard and the mouse."""

from __future__ import annotations

import csv
import io

import pytest
from review_browser import CHROMIUM_ARGS, chromium_or_skip, running_review
from review_sitting import SCAN_DPI, TORN, graded_sitting, open_store, scanned_sitting

from papergen.cli import main
from papergen.grading import flag_counts


@pytest.fixture(scope="module")
def browser():
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    errors = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def results(tmp_path):
    return scanned_sitting(tmp_path)


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def answer_decisions(results):
    with open_store(results) as store:
        return [(d.kind, d.question, d.before, d.after, d.who) for d in store.decisions()]


def test_flags_are_settled_with_the_keyboard_alone(page, results):
    with running_review(results) as review:
        page.goto(review.at())
        page.wait_for_selector("#start")
        assert page.title() == "复核" and "待复核 4" in page.inner_text("#left-badge")
        page.keyboard.press("Enter")
        item = page.wait_for_selector(".item[data-question='3']")
        assert "擦除" not in item.inner_text() and "模糊" in item.inner_text()
        page.wait_for_function("(img => img && img.complete && img.naturalWidth > 100)"
                               "(document.querySelector('img.crop.question'))")
        page.keyboard.press("c")
        assert page.get_attribute(".option.selected", "data-key") == "C"
        page.keyboard.press("Enter")
        page.wait_for_selector(".item[data-question='5']")
        page.keyboard.press("u")  # undo question 3: back to it, undecided
        page.wait_for_selector(".item[data-question='3']:not(:has(#decided))")
        page.keyboard.press("c")
        page.keyboard.press("Enter")
        page.wait_for_selector(".item[data-question='5']")
        page.keyboard.press("Enter")  # the erasure was right to leave A as read
        page.wait_for_selector(".item[data-kind='candidate']")
        page.fill("#number", "2024000002")
        page.keyboard.press("Enter")
        page.wait_for_selector("#queue-done")
        page.keyboard.press("ArrowLeft")  # back to the number: its decision shows
        assert "2024000002" in page.inner_text("#decided")
        assert review.app.state.exports.flush()
    assert answer_decisions(results) == [
        ("answer", 3, "", "C", "监考甲"), ("answer", 3, "C", None, "监考甲"), ("answer", 3, "", "C", "监考甲"),
        ("answer", 5, "A", "A", "监考甲"), ("candidate", None, "20240?0002", "2024000002", "监考甲")]
    with open_store(results) as store:
        counts = flag_counts(store)
    assert (counts.questions, counts.identity) == (0, 0)
    scores = {r[0]: r for r in read_csv(results / "scores.csv")[1:]}
    assert scores["2024000001"][-1] == "2" and scores["2024000002"][-1] == "1"


def test_space_means_blank_and_the_key_stays_hidden_until_asked(page, results):
    with running_review(results) as review:
        page.goto(review.at("#/queue"))
        page.wait_for_selector(".item[data-question='3']")
        assert "已隐藏" in page.inner_text("#key")
        page.keyboard.press("k")
        assert page.inner_text("#key") == "C"
        page.keyboard.press(" ")
        page.wait_for_selector(".item[data-question='5']")
    assert answer_decisions(results) == [("answer", 3, "", "", "监考甲")]


def test_a_candidate_number_is_corrected_from_the_dashboard_link(page, tmp_path):
    results = tmp_path / "results"
    graded_sitting(results)  # fake scans: no pictures, but every flag kind
    with running_review(results) as review:
        with open_store(results) as store:
            [page_id] = [p.page_id for p in store.pages(["graded"]) if p.candidate == "20240?0002"]
        page.goto(review.at())
        page.click(f"a[href='#/sheet/{page_id}']")  # listed under numbers not on the roster
        page.wait_for_selector("#number")
        assert page.input_value("#number") == "20240?0002"
        page.fill("#number", "2024000002")
        page.keyboard.press("Enter")
        page.wait_for_selector("#queue-done")
        page.goto(review.at("#/"))
        page.wait_for_selector(".roster")
        present = page.inner_text(".roster")
        assert "到考 3 / 4" in present
    with open_store(results) as store:
        assert store.page(page_id).candidate == "2024000002"


def test_a_set_aside_sheet_is_registered_by_clicking_its_corners(page, results):
    from fake_grading import small_layout

    from omr.layout import MM_PER_INCH

    layout = small_layout()
    with running_review(results) as review:
        page.goto(review.at())
        page.click("#not-graded a")
        image = page.wait_for_selector("#page-image")
        page.wait_for_function("document.getElementById('page-image').naturalWidth > 0")
        image.scroll_into_view_if_needed()
        box = image.bounding_box()
        natural = page.eval_on_selector("#page-image", "img => img.naturalWidth")
        meta_scale = page.evaluate("state.page.scale")
        shown = box["width"] / natural * meta_scale  # screen px per scan px
        for x_mm, y_mm in layout.fiducials.centres_mm:
            x = x_mm * SCAN_DPI / MM_PER_INCH * shown + 2
            y = y_mm * SCAN_DPI / MM_PER_INCH * shown - 1
            page.mouse.click(box["x"] + x, box["y"] + y)
        assert page.locator(".marker").count() == 4
        page.click("#register")
        result = page.wait_for_selector("#register-result .ok")
        assert "考号 2024000003" in result.inner_text() and "待复核 0 项" in result.inner_text()
        page.click("#to-sheet")
        page.wait_for_selector("#queue-done")
    with open_store(results) as store:
        [sheet] = [p for p in store.pages(["graded"]) if p.source.endswith(TORN)]
        assert sheet.candidate == "2024000003"
        assert [d.kind for d in store.decisions()] == ["register"]


def test_a_csv_applied_shows_on_the_dashboard_and_survives_regrading(page, tmp_path):
    from click.testing import CliRunner
    from fake_grading import small_layout
    from review_sitting import EXAM

    from papergen.grading import grade_batch

    results = scanned_sitting(tmp_path)
    rows = read_csv(results / "review.csv")
    for row in rows[1:]:
        if row[0].endswith("a.png") and row[5] == "3":
            row[7] = "C"
        elif row[2] == "2024000004" and not row[0]:
            row[7] = "缺考"
    filled = tmp_path / "filled.csv"
    with filled.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    outcome = CliRunner().invoke(main, ["review", str(results), "--apply", str(filled), "--who", "教务乙"])
    assert outcome.exit_code == 0, outcome.output
    grade_batch([tmp_path / "scans"], [EXAM], results, layout=small_layout())  # the same scans again
    with running_review(results) as review:
        page.goto(review.at())
        page.wait_for_selector(".roster")
        roster = page.inner_text(".roster")
        assert "已确认缺考 1" in roster and "2024000004" in roster
        audit = page.inner_text("section.card:last-of-type")
        assert "教务乙" in audit and "→ C" in audit
        page.goto(review.at("#/queue"))
        page.wait_for_selector(".item[data-question='5']")  # question 3 stays settled after regrading
    scores = {r[0]: r for r in read_csv(results / "scores.csv")[1:]}
    assert scores["2024000001"][-1] == "1"


def test_english_is_one_click_or_one_parameter_away(page, results):
    with running_review(results) as review:
        page.goto(review.at(lang="en"))
        page.wait_for_selector("#start")
        assert page.title() == "Review" and "Questions to settle" in page.inner_text("main")
        page.click("#lang-toggle")
        # #start is on the page in both languages: wait for the Chinese text itself, not for the element
        page.wait_for_function("document.title === '复核' && document.querySelector('main').innerText.includes('待复核题目')")
        assert page.title() == "复核" and "待复核题目" in page.inner_text("main")


def test_the_workstation_opens_in_the_language_of_the_command_and_the_toggle_lasts_the_tab(page, results):
    with running_review(results, lang="en") as review:
        page.goto(review.at())
        page.wait_for_selector("#start")
        assert page.title() == "Review" and "Questions to settle" in page.inner_text("main")
        page.click("#lang-toggle")
        page.wait_for_function("document.title === '复核' && document.querySelector('main').innerText.includes('待复核题目')")
        page.reload()
        page.wait_for_function("document.querySelector('main').innerText.includes('待复核题目')")
        assert page.title() == "复核"


def test_the_reviewer_names_themselves_and_notes_why(page, results):
    with running_review(results) as review:
        page.goto(review.at())
        page.wait_for_selector("#change-who")
        page.once("dialog", lambda dialog: dialog.accept("王老师"))
        page.click("#change-who")
        page.wait_for_function("document.getElementById('who').innerText === '王老师'")
        page.keyboard.press("Enter")
        page.wait_for_selector(".item[data-question='3']")
        page.once("dialog", lambda dialog: dialog.accept("勾选，按意图计"))
        page.keyboard.press("n")
        page.wait_for_selector("#note")
        page.keyboard.press("c")
        page.keyboard.press("Enter")
        page.wait_for_selector(".item[data-question='5']")
        assert page.query_selector("#note") is None
    with open_store(results) as store:
        [decision] = store.decisions()
    assert (decision.who, decision.why, decision.after) == ("王老师", "勾选，按意图计", "C")


def test_a_missing_scan_is_said_in_place_of_its_crop(page, tmp_path):
    results = tmp_path / "results"
    graded_sitting(results)  # fake scans: no files to crop from
    with running_review(results) as review:
        page.goto(review.at("#/queue"))
        page.wait_for_selector(".no-scan")
        assert "找不到这张答题卡的扫描文件" in page.inner_text(".item")
