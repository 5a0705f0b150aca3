"""The environment every build step runs in, declared once.

Dates render in one time zone, text sorts in one locale, hashing and set order are the
same in every process, and matplotlib never looks for a display: rerunning on unchanged
inputs then writes the same bytes on any machine. Kernels, Sphinx and LaTeX inherit it
from the build command, which applies it before anything else (``ensure``).
"""

from __future__ import annotations

import os
import sys
import time

from analysis import paths

DETERMINISTIC = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}


def apply() -> None:
    """Set the deterministic environment in this process (and so in its children), and
    name the project root for them: a kernel of an installed (not editable) package runs
    in a staging folder and would otherwise take that for the project."""
    os.environ.update(DETERMINISTIC)
    os.environ[paths.ROOT_VARIABLE] = str(paths.ROOT)
    time.tzset()


def ensure(module: str) -> None:
    """Restart ``python -m module`` with the deterministic environment unless it has it:
    the hash seed of a running interpreter cannot be changed, and forked kernels share it."""
    if any(os.environ.get(k) != v for k, v in DETERMINISTIC.items()):
        os.execve(sys.executable, [sys.executable, "-m", module, *sys.argv[1:]], {**os.environ, **DETERMINISTIC})
