"""Simulated cohorts shared by the report tests: built once per size for the whole run.

A test module sets ``COUNT`` (candidates) and asks for ``report`` or ``store_path``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sim_cohort import EXAM_ID, cohort_store

from papergen.grading import Store
from papergen.report.run import exam_report
from papergen.report.summary import CohortReport


@pytest.fixture(scope="session")
def simulated_report(tmp_path_factory) -> Callable[[int], tuple[Path, CohortReport]]:
    """``simulated_report(count)`` -> the results store of ``count`` simulated candidates and its report.

    Tests only read them: the store and the report are shared by every test asking for the same count.
    """
    built: dict[int, tuple[Path, CohortReport]] = {}

    def build(count: int) -> tuple[Path, CohortReport]:
        if count not in built:
            path, _ = cohort_store(tmp_path_factory.mktemp(f"cohort{count}"), count)
            with Store.open(path) as store:
                built[count] = (path, exam_report(store, EXAM_ID))
        return built[count]

    return build


@pytest.fixture(scope="module")
def store_path(simulated_report, request) -> Path:
    """The results store of the module's ``COUNT`` simulated candidates."""
    return simulated_report(request.module.COUNT)[0]


@pytest.fixture(scope="module")
def report(simulated_report, request) -> CohortReport:
    """The cohort report of the module's ``COUNT`` simulated candidates."""
    return simulated_report(request.module.COUNT)[1]
