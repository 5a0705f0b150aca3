"""Shared fixtures: the validated dataset, and a scratch copy of the data package that a test may corrupt.

Helper functions the tests share live in ``helpers.py``; this file holds only fixtures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import load
from analysis.paths import ROOT, missing_archive

DATA = ROOT / "data"


def pytest_configure(config):
    # Without the archive nearly every test would fail with the same message: say it once.
    problem = missing_archive()
    if problem:
        raise pytest.UsageError(problem)


@pytest.fixture(scope="session")
def dataset():
    return load()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
