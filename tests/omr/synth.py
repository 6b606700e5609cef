"""The synthetic-sheet drawer, for tests that load it by path: see :mod:`omr.synth`."""

from omr.synth import *  # noqa: F401,F403  (re-exported for path-based loaders)
from omr.synth import __all__  # noqa: F401
