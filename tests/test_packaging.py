"""The wheel ships every package and the bundled data."""

import tomllib
from pathlib import Path

from papergen.resources import bundled_bank_path, bundled_format_path, bundled_layout_path, font_path

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_code_package_is_listed_for_the_wheel():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    present = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("papergen", "omr")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert present - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"


def test_bundled_data_folders_are_mapped_to_package_data():
    mapping = _pyproject()["tool"]["setuptools"]["package-dir"]
    for folder in ("banks", "formats", "layouts"):
        assert mapping[f"papergen.bundled.{folder}"] == folder


def test_bundled_files_resolve():
    assert bundled_bank_path("customer-service").is_file()
    assert bundled_format_path("cs-180").is_file()
    assert bundled_layout_path("a4-180").is_file()
    assert font_path().stat().st_size > 1_000_000


def test_the_compiled_catalogues_are_package_data():
    import fnmatch

    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["papergen"]
    catalogues = [p.relative_to(ROOT / "papergen").as_posix() for p in (ROOT / "papergen" / "locale").rglob("*.mo")]
    assert catalogues, "no compiled catalogue: run tools/catalogue.py"
    assert all(any(fnmatch.fnmatch(c, pattern) for pattern in patterns) for c in catalogues)
