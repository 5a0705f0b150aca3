"""Shared fixtures: the validated dataset, and a scratch copy of the data package that a test may corrupt.

Helper functions the tests share live in ``helpers.py``; this file holds only fixtures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import add_article

from analysis import load, paths
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


@pytest.fixture
def archive_copy(tmp_path) -> Path:
    """A writable copy of the archived articles (the archive itself may be read-only)."""
    target = tmp_path / "sources"
    target.mkdir()
    for f in paths.archive_dir().glob("*.txt"):
        shutil.copyfile(f, target / f.name)
    return target


@pytest.fixture(params=["today", "sixth article"])
def record(request, data_copy, archive_copy, tmp_path) -> tuple[Path, Path]:
    """Scratch copies of the data and the archive: today's record, and the same with one more
    article added as the README says (tests/helpers.py, add_article). A test that takes it
    must hold for both, so it cannot lean on today's archive numbers, rows or ids."""
    if request.param == "sixth article":
        add_article(data_copy, archive_copy, tmp_path / "sixth-article.txt")
    return data_copy, archive_copy
