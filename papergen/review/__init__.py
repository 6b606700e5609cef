"""Settling what the reader flagged: decisions, roster reconciliation and the review workstation.

Importing this package loads nothing heavy: the web application
(:mod:`papergen.review.app`) imports its web framework only when it is used.
"""
