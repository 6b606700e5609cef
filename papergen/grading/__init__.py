"""Grading: scanned pages → stored scores, and the results folder they live in.

:func:`grade_batch` reads, identifies (:mod:`~papergen.grading.identify`) and
scores (:mod:`~papergen.grading.scoring`) every page into the results store
(:mod:`~papergen.grading.store`, the only module that speaks SQL) and writes
the CSV exports (:mod:`~papergen.grading.exports`).  :func:`open_results`
opens a results folder; only grading creates one.  A corrected key rescores
stored sheets without reading a scan again (:mod:`~papergen.grading.rescore`,
:mod:`~papergen.grading.corrections`).  The values passed around are in
:mod:`~papergen.grading.records`.
"""

from papergen.grading.batch import (
    EXIT_ATTENTION,
    EXIT_EXPORTS_FAILED,
    EXIT_OK,
    GradeParams,
    GradeSummary,
    PageImageLike,
    PageProblem,
    count_input_pages,
    default_page_source,
    default_reader,
    grade_batch,
    grade_stored_read,
    scan_inputs,
)
from papergen.grading.corrections import (
    Correction,
    Corrections,
    ExamExports,
    KeyChange,
    RescoreOutcome,
    apply_corrections,
    load_corrections,
    next_version_path,
    printed_to_bank,
    rescore_results,
)
from papergen.grading.decisions import (
    ABSENT,
    ABSENT_WORD,
    BLANK_WORD,
    DECISION_KINDS,
    Decision,
    DecisionKind,
    NewDecision,
    decided_read,
    format_answer,
    format_options,
    parse_answer,
    parse_candidate,
    score_with_decisions,
)
from papergen.grading.exports import RESPONSES_CSV, REVIEW_CSV, SCORES_CSV, write_exports
from papergen.grading.lock import LOCK_FILENAME, LockParams, results_lock
from papergen.grading.identify import Identity, Refusal, identify_sheet
from papergen.grading.pending import IDENTITY_FLAGS, FlagCounts, flag_counts
from papergen.grading.merge import MergeSummary, merge_results
from papergen.grading.records import (
    DUPLICATE_CANDIDATE,
    DUPLICATE_SCAN,
    PROBLEM_STATUSES,
    Flag,
    GradedSheet,
    PageRecord,
    PageRow,
    StoredStatus,
    RescoreResult,
    ScoreChange,
    StoredMarks,
)
from papergen.grading.rescore import check_rescorable, plan_rescore, rescore_store, score_change
from papergen.grading.scoring import POINT_DECIMALS, QuestionScore, SectionScore, SheetScore, score_sheet
from papergen.grading.store import SCHEMA_VERSION, STORE_FILENAME, Store, StoreParams, open_results

__all__ = [
    "ABSENT",
    "ABSENT_WORD",
    "BLANK_WORD",
    "DECISION_KINDS",
    "Decision",
    "DecisionKind",
    "NewDecision",
    "decided_read",
    "format_answer",
    "format_options",
    "parse_answer",
    "parse_candidate",
    "score_with_decisions",
    "IDENTITY_FLAGS",
    "FlagCounts",
    "flag_counts",
    "grade_stored_read",
    "Correction",
    "Corrections",
    "DUPLICATE_CANDIDATE",
    "DUPLICATE_SCAN",
    "EXIT_ATTENTION",
    "EXIT_EXPORTS_FAILED",
    "EXIT_OK",
    "ExamExports",
    "Flag",
    "GradeParams",
    "GradeSummary",
    "GradedSheet",
    "Identity",
    "KeyChange",
    "LOCK_FILENAME",
    "LockParams",
    "MergeSummary",
    "POINT_DECIMALS",
    "PROBLEM_STATUSES",
    "PageImageLike",
    "PageProblem",
    "PageRecord",
    "PageRow",
    "StoredStatus",
    "QuestionScore",
    "RESPONSES_CSV",
    "REVIEW_CSV",
    "Refusal",
    "RescoreOutcome",
    "RescoreResult",
    "SCHEMA_VERSION",
    "SCORES_CSV",
    "STORE_FILENAME",
    "ScoreChange",
    "SectionScore",
    "SheetScore",
    "Store",
    "StoreParams",
    "StoredMarks",
    "apply_corrections",
    "check_rescorable",
    "count_input_pages",
    "default_page_source",
    "default_reader",
    "grade_batch",
    "identify_sheet",
    "load_corrections",
    "merge_results",
    "next_version_path",
    "open_results",
    "plan_rescore",
    "printed_to_bank",
    "rescore_results",
    "results_lock",
    "rescore_store",
    "scan_inputs",
    "score_change",
    "score_sheet",
    "write_exports",
]
