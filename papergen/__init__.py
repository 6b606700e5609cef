"""papergen: exam papers and answer sheets for Chinese vocational certification exams.

Data flows bank -> paper -> PDF, and scan -> sheet read -> score -> report.
The optical-mark reader lives in the separate package :mod:`omr`, which knows
nothing of banks or papers.
"""

__version__ = "0.1.0"
