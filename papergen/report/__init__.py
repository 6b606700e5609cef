"""Reports for instructors, computed from the results store.

Modules
-------
cohort
    One exam's graded sheets as arrays (:func:`~papergen.report.cohort.load_cohort`).
stats, item_analysis
    Score statistics; difficulty, discrimination, distractors, reliability.
summary
    The cohort report as values (:func:`~papergen.report.summary.summarise_cohort`).
charts
    Bar-chart geometry shared by the PDF and HTML renderers.
report_charts
    The report's three charts (scores, difficulty, discrimination), laid out once for both.
pdf_report, html_report
    The cohort report as a PDF (reportlab) and as one self-contained HTML page.
slips
    Per-candidate score slips (PDF, one page per candidate, and HTML).
annotate
    Scanned sheets overlaid with what was read and how it was scored.
tables
    The item-analysis CSV and the XLSX workbook of scores and item analysis.
run
    ``papergen report``: every output for every exam of a results folder.
"""
