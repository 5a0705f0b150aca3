"""Shared fixtures: the validated dataset, and a scratch copy of the data package that a test may corrupt.

Helper functions the tests share live in ``helpers.py``; this file holds only fixtures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import load
from analysis.paths import ROOT

DATA = ROOT / "data"


@pytest.fixture(scope="session")
def dataset():
    return load()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
