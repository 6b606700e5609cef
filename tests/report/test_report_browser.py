"""The HTML report and slips in a real headless Chromium: the Chinese text renders in the embedded font.

The machine the tests run on has no Chinese system font, which is the case the embedded font exists for.
Each Chinese character of a heading is cut out of the screenshot at the box the browser laid it out in and
compared with the same character drawn from the bundled font by Pillow: every one must look most like
itself among the heading's characters.  Empty boxes (tofu) look alike for every character and fail.  The
same page with its ``@font-face`` rule removed is the control: without a Chinese system font it must
render differently, and its characters must not pass the comparison.

Chromium is Debian's ``chromium`` package driven by Playwright.  Without it (or without Playwright) the
tests skip with the reason, unless the ``CI`` variable is set: then they fail.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from review_browser import chromium_or_skip

from papergen.i18n import using_language
from papergen.report.html_report import report_html
from papergen.report.slips import slips_html
from papergen.resources import font_path

COUNT = 6
GLYPH_PX = 32
"""Side of the square every glyph is scaled to before comparing, pixels."""
SCALE = 3
"""Device pixels per CSS pixel of the screenshots."""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]

_FONT_FACE = re.compile(r"@font-face \{[^}]*\}\n?")
_CHARACTER_BOXES = """el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const boxes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const b = range.getBoundingClientRect();
      boxes.push([node.data[i], b.x, b.y, b.width, b.height]);
    }
  }
  return boxes;
}"""


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def system_has_chinese_font() -> bool:
    """True if fontconfig knows a Chinese font, which would fill in for a missing embedded one."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return False
    return bool(listed.stdout.strip())


def _render(browser, html: str, selector: str, tmp_path) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
    """Screenshot of the element (grey, device pixels) and each Chinese character of it cut out."""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=SCALE)
    try:
        page.goto(path.as_uri())
        page.evaluate("document.fonts.ready")
        element = page.locator(selector).first
        element.scroll_into_view_if_needed()
        shot = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("L"))
        boxes = element.evaluate(_CHARACTER_BOXES)
    finally:
        page.close()
    glyphs = []
    for char, x, y, width, height in boxes:
        if "\u4e00" <= char <= "\u9fff":
            crop = shot[round(y * SCALE):round((y + height) * SCALE), round(x * SCALE):round((x + width) * SCALE)]
            glyphs.append((char, crop))
    x0, y0, x1, y1 = (min(b[1] for b in boxes), min(b[2] for b in boxes),
                      max(b[1] + b[3] for b in boxes), max(b[2] + b[4] for b in boxes))
    region = shot[round(y0 * SCALE):round(y1 * SCALE), round(x0 * SCALE):round(x1 * SCALE)]
    return region, glyphs


def _normalised(grey: np.ndarray) -> np.ndarray | None:
    """The ink of a glyph image, centred in a square around its bounding box, scaled to GLYPH_PX; None if blank.

    The square keeps the glyph's proportions, so 一 stays a line and is not stretched into a block.
    """
    ink = grey < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    height, width = rows[-1] + 1 - rows[0], cols[-1] + 1 - cols[0]
    side = max(height, width)
    cut = np.zeros((side, side), dtype=bool)
    top, left = (side - height) // 2, (side - width) // 2
    cut[top:top + height, left:left + width] = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scaled = Image.fromarray((cut * 255).astype(np.uint8)).resize((GLYPH_PX, GLYPH_PX), Image.Resampling.BILINEAR)
    values = np.asarray(scaled, dtype=np.float64).ravel()
    return values - values.mean()


def _reference(char: str) -> np.ndarray:
    """The character drawn from the bundled font by Pillow, normalised like the screenshots."""
    font = ImageFont.truetype(str(font_path()), 96)
    image = Image.new("L", (140, 140), 255)
    ImageDraw.Draw(image).text((20, 10), char, font=font, fill=0)
    normalised = _normalised(np.asarray(image))
    assert normalised is not None, f"the bundled font draws nothing for {char!r}"
    return normalised


def _recognised(glyphs: list[tuple[str, np.ndarray]]) -> list[bool]:
    """For each rendered character: is it most like its own reference among the characters shown?"""
    chars = sorted({char for char, _ in glyphs})
    references = np.array([_reference(c) for c in chars])
    norms = np.linalg.norm(references, axis=1)
    out = []
    for char, crop in glyphs:
        shown = _normalised(crop)
        if shown is None or not np.linalg.norm(shown):
            out.append(False)
            continue
        similarity = references @ shown / (norms * np.linalg.norm(shown))
        out.append(chars[int(np.argmax(similarity))] == char)
    return out


@pytest.mark.parametrize(("which", "selector"), [("report", "h1"), ("report", "h2"), ("slips", "h1"),
                                                  ("slips", "table.pairs")])
def test_chinese_renders_in_the_embedded_font_and_not_without_it(browser, report, system_has_chinese_font,
                                                                  which, selector, tmp_path):
    with using_language("zh"):  # the report in Chinese, as the slips always are
        html = report_html(report) if which == "report" else slips_html(report)
    region, glyphs = _render(browser, html, selector, tmp_path)
    distinct = {char for char, _ in glyphs}
    assert len(distinct) >= 4, f"too few Chinese characters in {selector} to tell glyphs apart: {distinct}"
    recognised = _recognised(glyphs)
    assert all(recognised), [char for (char, _), ok in zip(glyphs, recognised) if not ok]

    stripped = _FONT_FACE.sub("", html, count=1)
    assert stripped != html
    control_region, control_glyphs = _render(browser, stripped, selector, tmp_path)
    if system_has_chinese_font:
        return  # a system font may stand in for the embedded one: the control says nothing here
    assert region.shape != control_region.shape or np.abs(region.astype(int) - control_region).mean() > 1.0
    # boxes that all look alike can match at most the occurrences of one character
    most_repeated = max(Counter(char for char, _ in control_glyphs).values())
    assert sum(_recognised(control_glyphs)) <= most_repeated, "without its font the page still shows Chinese"
