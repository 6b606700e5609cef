"""The dependency locks agree with pyproject.toml, carry hashes, and pin the tested versions for users too."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
LOCKS = {"lock.txt": [], "lock-test.txt": ["test"]}  # lock file -> extras it covers
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def _pins(name: str) -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes) of one lock file."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (REPO / "requirements" / name).read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def _requirements(extras: list[str]) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_dependency_is_pinned_inside_its_range(lock: str) -> None:
    pins = _pins(lock)
    for requirement in _requirements(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"requirements/{lock}: {requirement.name} is not pinned; regenerate the lock"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock}: {requirement.name}=={version} is outside pyproject's {requirement.specifier}")


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_a_hash(lock: str) -> None:
    pins = _pins(lock)
    assert pins, f"requirements/{lock} pins nothing"
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == []


def test_users_get_the_versions_the_tests_ran_with() -> None:
    runtime, tested = _pins("lock.txt"), _pins("lock-test.txt")
    assert {name: pin[0] for name, pin in runtime.items()} == {name: tested[name][0] for name in runtime}


@pytest.mark.parametrize("lock", LOCKS)
def test_lock_names_the_command_that_regenerates_it(lock: str) -> None:
    header = (REPO / "requirements" / lock).read_text(encoding="utf-8").splitlines()[:3]
    assert any(line.startswith("#    uv pip compile pyproject.toml") and f"-o requirements/{lock}" in line
               for line in header)
