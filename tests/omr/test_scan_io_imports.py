"""The page source loads a file kind's decoder only when a file of that kind comes."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from omr.scan_io import count_pages, iter_pages
paths = sys.argv[1:]
count_pages(paths)
for page in iter_pages(paths):
    assert page.error is None, page.error
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in ("pypdfium2", "PIL"))))
"""


def _loaded(*paths: Path) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *map(str, paths)], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    return set(result.stdout.split())


def test_an_empty_folder_loads_neither_pdfium_nor_pillow(tmp_path):
    assert _loaded(tmp_path) == set()


def test_jpeg_files_load_pillow_for_their_headers_but_not_pdfium(tmp_path):
    import cv2
    import numpy as np

    cv2.imwrite(str(tmp_path / "a.jpg"), np.full((40, 30), 200, np.uint8))
    loaded = _loaded(tmp_path)
    assert "PIL.JpegImagePlugin" in loaded and not any(m.startswith("pypdfium2") for m in loaded)


def test_a_pdf_loads_pdfium(tmp_path):
    import numpy as np

    from omr import synth

    synth.write_pdf(tmp_path / "a.pdf", [synth.PdfPage(np.full((400, 300), 200, np.uint8), 100.0)])
    assert "pypdfium2" in _loaded(tmp_path)
