"""papergen: exam papers and answer sheets for Chinese vocational certification exams.

Data flows bank -> paper -> PDF, and scan -> sheet read -> score -> report.
The optical-mark reader lives in the separate package :mod:`omr`, which knows
nothing of banks or papers.
"""

__version__ = "0.1.0"


def lazy_names(package: str, homes: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for a package face whose names load on first use (PEP 562).

    ``homes`` maps each public name to the module defining it; a name is imported from there
    the first time it is asked for and then kept on the package, so importing one module
    of a package does not load the others.

    >>> getattr_, dir_ = lazy_names("papergen.demo_face", {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0)
    3.0
    """
    import importlib
    import sys

    def __getattr__(name: str):
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(homes[name]), name)
        module = sys.modules.get(package)
        if module is not None:
            setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        module = sys.modules.get(package)
        return sorted({*(vars(module) if module is not None else ()), *homes})

    return __getattr__, __dir__
