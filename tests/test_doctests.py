"""Every example in a docstring runs and shows what it claims."""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil

import pytest

import omr
import papergen

MODULES = sorted(
    [package.__name__ for package in (papergen, omr)]
    + [info.name for package in (papergen, omr)
       for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
)


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [test for test in doctest.DocTestFinder().find(module, name) if test.examples]


WITH_EXAMPLES = [name for name in MODULES if _examples(name)]


def test_the_examples_are_found():
    assert len(WITH_EXAMPLES) >= 15


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    for test in _examples(name):
        runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()
