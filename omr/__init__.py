"""omr: optical-mark reading of printed bubble answer sheets.

This package knows sheet geometry (:mod:`omr.layout`) and images; it knows
nothing of question banks, papers or scoring.
"""
