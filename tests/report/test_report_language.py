"""The instructor's documents speak the language in use; ``write_reports`` tells its progress."""

from __future__ import annotations

from papergen.report.run import write_reports

COUNT = 24


def test_write_reports_tells_its_progress_file_by_file(store_path, tmp_path):
    calls = []
    run = write_reports(store_path.parent, tmp_path, formats=["pdf", "html"],
                        progress=lambda done, total: calls.append((done, total)))
    assert calls == [(done, 6) for done in range(7)]  # report and slips in two formats, the CSV, the workbook
    assert len(run.written) == 6
