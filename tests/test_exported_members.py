"""Each package face's ``__all__`` is honest: every name exists, every public name it holds is listed."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import omr
import papergen

FACES = ["omr", *(f"papergen.{info.name}" for info in pkgutil.iter_modules(papergen.__path__) if info.ispkg)]
"""Every package of the project (the bundled fonts package holds data, no code)."""

MODULES = sorted(
    info.name
    for package in (papergen, omr)
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
)


def _defined_in(value: object, package: str) -> bool:
    home = getattr(value, "__module__", None) or ""
    return home == package or home.startswith(f"{package}.")


@pytest.mark.parametrize("name", [f for f in FACES if f != "papergen.fonts"])
def test_every_face_lists_what_it_offers_and_offers_what_it_lists(name):
    face = importlib.import_module(name)
    exported = face.__all__
    assert len(exported) == len(set(exported)), "a name is listed twice"
    assert [n for n in exported if not hasattr(face, n)] == []
    public = {
        member: value for member, value in vars(face).items()
        if not member.startswith("_") and not isinstance(value, ModuleType) and _defined_in(value, name)
    }
    assert sorted(set(public) - set(exported)) == []


@pytest.mark.parametrize("name", MODULES)
def test_every_module_all_names_only_what_exists(name):
    module = importlib.import_module(name)
    listed = getattr(module, "__all__", [])
    assert [n for n in listed if not hasattr(module, n)] == []


def test_the_faces_cover_every_package():
    assert {"omr", "papergen.bank", "papergen.exam", "papergen.grading", "papergen.report"} <= set(FACES)
