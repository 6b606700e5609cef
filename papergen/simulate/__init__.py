"""Simulated sittings: a cohort's answers, their marks, scanner captures and exact truth.

:func:`simulate_scans` writes scan files of a built exam with the ground
truth of every page beside them; :mod:`papergen.simulate.accuracy` compares what the
reader and the grader made of them with that truth.
"""

from papergen.simulate.capture import CaptureProfile, PageCapture, capture_profile, profile_names
from papergen.simulate.cohort import CohortParams, SimCandidate, simulate_cohort
from papergen.simulate.marks import MARK_MIXES, MarkMix, mark_mix
from papergen.simulate.scans import SimExtras, SimResult, simulate_scans
from papergen.simulate.truth import TruthFile, TruthPage, TruthQuestion, load_truth, load_truth_dir

__all__ = [
    "simulate_scans",
    "SimExtras",
    "SimResult",
    "CohortParams",
    "SimCandidate",
    "simulate_cohort",
    "MarkMix",
    "MARK_MIXES",
    "mark_mix",
    "CaptureProfile",
    "PageCapture",
    "capture_profile",
    "profile_names",
    "TruthFile",
    "TruthPage",
    "TruthQuestion",
    "load_truth",
    "load_truth_dir",
]
