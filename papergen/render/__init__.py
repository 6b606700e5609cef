"""PDF output: the question booklet, the answer sheet and the instructors' key.

Only this package speaks reportlab.  Each renderer writes a reproducible PDF
(identical input gives identical bytes) with the bundled font embedded.
"""

from papergen.render.booklet import render_booklet
from papergen.render.exam_sheets import GENERIC, GENERIC_SHEET_PDF, exam_sheet_print
from papergen.render.key_pdf import render_key
from papergen.render.sheet import SheetPrint, render_sheets, sheet_fit_warnings

__all__ = ["GENERIC", "GENERIC_SHEET_PDF", "exam_sheet_print", "render_booklet", "render_sheets", "render_key", "SheetPrint", "sheet_fit_warnings"]
