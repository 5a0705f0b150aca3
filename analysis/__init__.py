"""Analysis package for the report on claims about North Korean troops in Kursk.

The notebooks under ``analysis/templates`` call into these modules; keeping the logic
here lets pytest reach it. ``load`` and the data types are imported on first use, so that
``python -m analysis`` and the build machinery start without importing pandas.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "load": "analysis.data.dataset",
    "Dataset": "analysis.data.dataset",
    "DataError": "analysis.data.problems",
    "Problem": "analysis.data.problems",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
