"""Looking into rendered PDFs from tests: fonts, text per page, rasters."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from pypdf import PdfReader

__all__ = ["font_report", "page_texts", "squash", "render_gray"]


def font_report(path: Path) -> dict[str, bool]:
    """Every font used by any page: base font name -> True if its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        resources = page.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return fonts


def page_texts(path: Path) -> list[str]:
    """The text of every page as pdfium extracts it (lines end with CR LF)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def squash(text: str) -> str:
    """Text with line breaks and spaces removed (U+3000 kept), for substring checks across wrapped lines."""
    return re.sub(r"[\r\n ]", "", text)


def render_gray(path: Path, page_index: int, dpi: float) -> np.ndarray:
    """One page as a uint8 grayscale array, shape (rows, cols), 255 = white."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        bitmap = pdf[page_index].render(scale=dpi / 72.0, grayscale=True)
        return np.array(bitmap.to_numpy()[..., 0] if bitmap.to_numpy().ndim == 3 else bitmap.to_numpy())
    finally:
        pdf.close()
