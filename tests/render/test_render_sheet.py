"""The answer sheet PDF: geometry against the layout, QR code, prefilled data, reproducibility."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from pdf_inspect import font_report, page_texts, render_gray
from paper_builders import bundled_layout, make_manifest, make_paper

from omr.layout import MM_PER_INCH
from papergen.errors import RenderError
from papergen.render import SheetPrint, render_sheets, sheet_fit_warnings
from papergen.render.sheet import SheetStyle
from papergen.render.sheet_parts import fit_field_value
from papergen.exam.sheet_code import SheetCode, encode_sheet_code

TOLERANCE_MM = 0.5
OUTLINE_DARK = (
    100  # grey level below which a pixel belongs to a printed outline (the light option text is ~140)
)


@pytest.fixture(scope="module")
def layout():
    return bundled_layout()


@pytest.fixture(scope="module")
def sheet_prints():
    paper = make_paper()
    checksum = make_manifest([paper]).variants[0].checksum

    def sheet(candidate: str = "", **fields) -> SheetPrint:
        payload = encode_sheet_code(SheetCode(paper.exam_id, paper.variant, checksum, candidate))
        return SheetPrint(
            paper.format.title,
            paper.exam_id,
            paper.variant,
            checksum,
            payload,
            candidate_number=candidate,
            **fields,
        )

    return [sheet(), sheet("2026000017", candidate_name="王喆", room="03", seat="17")]


@pytest.fixture(scope="module")
def sheet_pdf(layout, sheet_prints, tmp_path_factory):
    path = tmp_path_factory.mktemp("sheet") / "sheet-A.pdf"
    render_sheets(layout, sheet_prints, path)
    return path


@pytest.fixture(scope="module")
def raster_300(sheet_pdf):
    return render_gray(sheet_pdf, 0, 300)


def _px(mm: float, dpi: float) -> float:
    return mm * dpi / MM_PER_INCH


def _outline_centre(
    image: np.ndarray, x_mm: float, y_mm: float, half_w_mm: float, half_h_mm: float, dpi: float
):
    """Centroid (x_mm, y_mm) and extent (w_mm, h_mm) of the dark pixels in a window around a point."""
    x0, x1 = int(_px(x_mm - half_w_mm, dpi)), int(_px(x_mm + half_w_mm, dpi)) + 1
    y0, y1 = int(_px(y_mm - half_h_mm, dpi)), int(_px(y_mm + half_h_mm, dpi)) + 1
    rows, cols = np.nonzero(image[y0:y1, x0:x1] < OUTLINE_DARK)
    assert rows.size, f"nothing printed near ({x_mm:.1f}, {y_mm:.1f}) mm"
    scale = MM_PER_INCH / dpi
    centre = ((cols.mean() + x0 + 0.5) * scale, (rows.mean() + y0 + 0.5) * scale)
    extent = ((cols.max() - cols.min() + 1) * scale, (rows.max() - rows.min() + 1) * scale)
    return centre, extent


def test_sheet_has_one_page_per_sheet_print(sheet_pdf, sheet_prints):
    assert len(page_texts(sheet_pdf)) == len(sheet_prints)


def test_sheet_embeds_every_font(sheet_pdf):
    fonts = font_report(sheet_pdf)
    assert fonts and all(fonts.values())


@pytest.mark.parametrize("page", [0, 1])
def test_sheet_qr_code_decodes_from_a_150_dpi_raster(sheet_pdf, sheet_prints, layout, page):
    image = render_gray(sheet_pdf, page, 150)
    x0, y0, x1, y1 = layout.pixel_geometry(150).qr_box
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(np.ascontiguousarray(image[y0:y1, x0:x1]))
    assert text == sheet_prints[page].qr_payload


def test_sheet_qr_code_fills_the_layout_box_inside_its_quiet_zone(raster_300, layout):
    qr = layout.qr
    half = qr.size_mm / 2
    (cx, cy), (w, h) = _outline_centre(raster_300, qr.x_mm + half, qr.y_mm + half, half, half, 300)
    assert abs(cx - (qr.x_mm + half)) <= TOLERANCE_MM and abs(cy - (qr.y_mm + half)) <= TOLERANCE_MM
    quiet_zone_mm = 4 * qr.size_mm / (4 + 29 + 4)  # at least 4 modules of a version-3 code
    assert 0.7 * qr.size_mm <= w <= qr.size_mm - 2 * quiet_zone_mm + TOLERANCE_MM
    assert h == pytest.approx(w, abs=TOLERANCE_MM)


def test_sheet_bubbles_sit_where_the_layout_says(raster_300, layout):
    half_w = min(b.option_pitch_mm for b in layout.blocks) / 2
    half_h = min(b.row_pitch_mm for b in layout.blocks) / 2
    errors, sizes = [], []
    for spot in layout.bubbles():
        (cx, cy), extent = _outline_centre(raster_300, spot.x_mm, spot.y_mm, half_w, half_h, 300)
        errors.append(max(abs(cx - spot.x_mm), abs(cy - spot.y_mm)))
        sizes.append(extent)
    assert len(errors) == sum(b.count * len(b.options) for b in layout.blocks)
    assert max(errors) <= TOLERANCE_MM
    widths, heights = np.array(sizes).T
    assert np.allclose(widths, layout.bubble.width_mm, atol=TOLERANCE_MM)
    assert np.allclose(heights, layout.bubble.height_mm, atol=TOLERANCE_MM)


def test_sheet_digit_bubbles_sit_where_the_layout_says(raster_300, layout):
    grid = layout.candidate_id
    errors = []
    for _, _, x_mm, y_mm in layout.digit_bubbles():
        (cx, cy), _ = _outline_centre(
            raster_300, x_mm, y_mm, grid.col_pitch_mm / 2, grid.row_pitch_mm / 2, 300
        )
        errors.append(max(abs(cx - x_mm), abs(cy - y_mm)))
    assert len(errors) == grid.digits * 10
    assert max(errors) <= TOLERANCE_MM


def test_sheet_fiducials_are_solid_squares_where_the_layout_says(raster_300, layout):
    size = layout.fiducials.size_mm
    for cx_mm, cy_mm in layout.fiducials.centres_mm:
        (cx, cy), (w, h) = _outline_centre(raster_300, cx_mm, cy_mm, size, size, 300)
        assert abs(cx - cx_mm) <= TOLERANCE_MM and abs(cy - cy_mm) <= TOLERANCE_MM
        assert w == pytest.approx(size, abs=TOLERANCE_MM) and h == pytest.approx(size, abs=TOLERANCE_MM)
        inner = raster_300[
            int(_px(cy_mm - size / 3, 300)) : int(_px(cy_mm + size / 3, 300)),
            int(_px(cx_mm - size / 3, 300)) : int(_px(cx_mm + size / 3, 300)),
        ]
        assert inner.max() < OUTLINE_DARK


def test_sheet_keeps_the_page_margins_clear(raster_300, layout):
    fid = layout.fiducials
    margin_mm = min(min(x, y, layout.page_width_mm - x, layout.page_height_mm - y) for x, y in fid.centres_mm)
    margin_px = int(_px(margin_mm - fid.size_mm / 2 - 1.0, 300))
    assert margin_px > 0
    border = np.concatenate(
        [
            raster_300[:margin_px].ravel(),
            raster_300[-margin_px:].ravel(),
            raster_300[:, :margin_px].ravel(),
            raster_300[:, -margin_px:].ravel(),
        ]
    )
    assert border.min() == 255


def test_sheet_prints_exam_variant_and_checksum_as_text(sheet_pdf, sheet_prints):
    text = page_texts(sheet_pdf)[0]
    sheet = sheet_prints[0]
    assert sheet.exam_id in text and f"试卷代号 {sheet.variant}" in text and sheet.checksum in text
    assert "正确填涂" in text and "错误填涂" in text and "注" in text


def test_sheet_prefills_candidate_data_without_filling_digit_bubbles(
    sheet_pdf, sheet_prints, layout, raster_300
):
    text = page_texts(sheet_pdf)[1].replace(" ", "").replace("\r\n", "")
    assert "王喆" in text and "2026000017" in text
    personal = render_gray(sheet_pdf, 1, 300)
    grid = layout.candidate_id
    for _, _, x_mm, y_mm in layout.digit_bubbles():
        window = np.s_[
            int(_px(y_mm - grid.row_pitch_mm / 2, 300)) : int(_px(y_mm + grid.row_pitch_mm / 2, 300)),
            int(_px(x_mm - grid.col_pitch_mm / 2, 300)) : int(_px(x_mm + grid.col_pitch_mm / 2, 300)),
        ]
        assert np.array_equal(personal[window], raster_300[window])


def test_sheet_is_byte_identical_when_rendered_again(layout, sheet_prints, sheet_pdf, tmp_path):
    again = tmp_path / "again.pdf"
    render_sheets(layout, sheet_prints, again)
    assert again.read_bytes() == sheet_pdf.read_bytes()


def test_sheet_rejects_a_candidate_number_longer_than_the_grid(layout, sheet_prints, tmp_path):
    too_long = SheetPrint(**{**sheet_prints[1].__dict__, "candidate_number": "202600001799"})
    with pytest.raises(
        RenderError, match=r"sheet 2 \(candidate 202600001799\): candidate number must be at most 10 digits"
    ):
        render_sheets(layout, [sheet_prints[0], too_long], tmp_path / "bad.pdf")


def test_sheet_rejects_a_character_the_font_lacks_naming_every_sheet(layout, sheet_prints, tmp_path):
    bad = [SheetPrint(**{**s.__dict__, "candidate_name": "王😀"}) for s in sheet_prints]
    with pytest.raises(
        RenderError,
        match=(
            r"2 problem\(s\): sheet 1 \(variant A\) candidate_name.*U\+1F600; "
            r"sheet 2 \(candidate 2026000017\) candidate_name"
        ),
    ):
        render_sheets(layout, bad, tmp_path / "bad.pdf")


def test_sheet_reports_number_and_glyph_problems_together(layout, sheet_prints, tmp_path):
    bad_number = SheetPrint(**{**sheet_prints[1].__dict__, "candidate_number": "20A6"})
    bad_room = SheetPrint(**{**sheet_prints[0].__dict__, "room": "😀"})
    with pytest.raises(
        RenderError, match=r"2 problem\(s\): sheet 1 \(candidate 20A6\).*'20A6'.*sheet 2 \(variant A\) room"
    ):
        render_sheets(layout, [bad_number, bad_room], tmp_path / "bad.pdf")


def test_render_sheets_refuses_an_empty_batch(layout, tmp_path):
    with pytest.raises(RenderError, match="no answer sheets to render"):
        render_sheets(layout, [], tmp_path / "empty.pdf")


def test_overlong_roster_text_stays_inside_its_box_and_out_of_every_keep_out_zone(layout, sheet_prints, tmp_path):
    """Text never enters the QR code, a corner mark or a bubble: what long names change lies in their boxes."""
    base = sheet_prints[1]
    long = SheetPrint(base.title, base.exam_id, base.variant, base.checksum, base.qr_payload,
                      candidate_number=base.candidate_number, candidate_name="欧阳" * 150, room="第三考场东楼" * 20,
                      seat="17" * 40)
    empty = SheetPrint(base.title, base.exam_id, base.variant, base.checksum, base.qr_payload,
                       candidate_number=base.candidate_number)
    render_sheets(layout, [empty, long], tmp_path / "sheets.pdf")
    dpi = 150
    changed = render_gray(tmp_path / "sheets.pdf", 0, dpi) != render_gray(tmp_path / "sheets.pdf", 1, dpi)
    inside_boxes = np.zeros_like(changed)
    for box in layout.fields:
        inside_boxes[int(_px(box.y_mm, dpi)):int(_px(box.y_mm + box.height_mm, dpi)) + 1,
                     int(_px(box.x_mm, dpi)):int(_px(box.x_mm + box.width_mm, dpi)) + 1] = True
    assert changed.any() and not (changed & ~inside_boxes).any()
    qr = layout.qr
    keep_out = [(qr.x_mm, qr.y_mm, qr.size_mm, qr.size_mm)]
    size = layout.fiducials.size_mm
    keep_out += [(x - size, y - size, 2 * size, 2 * size) for x, y in layout.fiducials.centres_mm]
    for x0, y0, w, h in keep_out:
        window = changed[int(_px(y0, dpi)):int(_px(y0 + h, dpi)), int(_px(x0, dpi)):int(_px(x0 + w, dpi))]
        assert not window.any()


def test_fit_warnings_name_each_shrunk_or_cut_value_and_nothing_else(layout, sheet_prints):
    base = sheet_prints[1]
    long = SheetPrint(base.title, base.exam_id, base.variant, base.checksum, base.qr_payload,
                      candidate_number="2026000018", candidate_name="欧阳" * 150, room="03", seat="17")
    warnings = sheet_fit_warnings(layout, [base, long])
    assert len(warnings) == 1
    assert warnings[0].startswith("sheet 2 (candidate 2026000018) name") and "300 characters" in warnings[0]
    assert "cut" in warnings[0]


def test_a_name_a_little_too_long_is_shrunk_not_cut(layout):
    box = next(field for field in layout.fields if field.key == "name")
    style = SheetStyle()
    name = "欧"
    while fit_field_value(box, name, style).size_pt == style.value_size_pt:
        name += "阳"
    fitted = fit_field_value(box, name, style)
    assert fitted.text == name and fitted.shrunk and not fitted.cut
    assert style.value_min_size_pt <= fitted.size_pt < style.value_size_pt
