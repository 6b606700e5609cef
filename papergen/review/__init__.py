"""Settling what the reader flagged: roster reconciliation, review.csv round trips and the review workstation.

Decisions themselves are data of the results store (:mod:`papergen.grading.decisions`);
this package is how people make them.  The names below are loaded on first use
(PEP 562), so importing the package loads no web framework: the workstation
(:mod:`papergen.review.app`) imports Starlette only when it is served.
"""

from __future__ import annotations

from papergen import lazy_names

__all__ = [
    "DEFAULT_HOST",
    "ApplyResult",
    "RosterPerson",
    "Sitting",
    "apply_review_csv",
    "key_in_by_hand",
    "next_steps",
    "reconcile",
    "register_by_corners",
    "serve_review",
]

_HOMES = {
    "DEFAULT_HOST": "papergen.review.serve",
    "ApplyResult": "papergen.review.apply",
    "RosterPerson": "papergen.review.sitting",
    "Sitting": "papergen.review.sitting",
    "apply_review_csv": "papergen.review.apply",
    "key_in_by_hand": "papergen.review.setaside",
    "next_steps": "papergen.review.sitting",
    "reconcile": "papergen.review.sitting",
    "register_by_corners": "papergen.review.setaside",
    "serve_review": "papergen.review.serve",
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES)
