"""Shared fixtures (the validated dataset, scratch copies of the data package and the
archive that a test may corrupt), the order the test files run in, and nbval's kernels.

Helper functions the tests share live in ``helpers.py``.
"""

from __future__ import annotations

import gc
import math
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers import add_article

from analysis import load, paths
from analysis.builder import kernels
from analysis.builder.pipeline import KERNEL_PRELOAD
from analysis.paths import ROOT, missing_archive

DATA = ROOT / "data"


# How long each test file took in the last run that ran it, kept in pytest's cache.
SECONDS = "kursk-claims/seconds-per-file"


def pytest_configure(config):
    # Without the archive nearly every test would fail with the same message: say it once.
    problem = missing_archive()
    if problem:
        raise pytest.UsageError(problem)
    # in the process that reports the tests (not an xdist worker), unless the cache is off
    if getattr(config, "cache", None) is not None and not hasattr(config, "workerinput"):
        config.pluginmanager.register(FileTimes(config))
    if config.getoption("nbval_kernel_name", None) == kernels.KERNEL_NAME and kernels.supported():
        config.pluginmanager.register(ForkedKernels())


def pytest_collection_modifyitems(config, items):
    """The longest files first (a file not timed yet before all), each file's tests in their
    own order. ``make test``'s two workers each take a whole file when they are free
    (``--dist loadfile --no-loadscope-reorder``), so a long file taken last would keep one
    worker busy while the other has nothing left to do."""
    cache = getattr(config, "cache", None)
    seconds = cache.get(SECONDS, {}) if cache is not None else {}
    items.sort(key=lambda item: -seconds.get(item.nodeid.split("::")[0], math.inf))


def pytest_collection_finish(session):
    """What collecting imported (pandas, matplotlib, Sphinx, the test modules) lives as long as
    this process: frozen out of the cycle collector's sight, so that its collections, set
    off again and again by the tests' own allocations, stop walking it each time."""
    gc.freeze()


class FileTimes:
    """Adds up each file's time (set-up, call, tear-down) in the process that reports the
    tests, xdist's controller or the only one, and keeps it in the cache at the end."""

    def __init__(self, config):
        self.cache, self.seconds = config.cache, Counter()

    def pytest_runtest_logreport(self, report):
        self.seconds[report.nodeid.split("::")[0]] += report.duration

    def pytest_sessionfinish(self):
        timed = {name: round(seconds, 1) for name, seconds in self.seconds.items()}
        self.cache.set(SECONDS, {**self.cache.get(SECONDS, {}), **timed})


class ForkedKernels:
    """nbval's kernels forked from a zygote, as the build's are (``analysis.builder.kernels``),
    when ``make test`` names the kernelspec the zygote writes (``--nbval-kernel-name
    python3``): a notebook cannot tell (test_kernels.py), and each starts without a second
    of imports. The zygote starts with the first notebook a test process runs; the
    kernelspec is on ``JUPYTER_PATH`` only while nbval starts a notebook's kernel, so the
    builds the other tests start, plain ones included, start theirs as they would anyway."""

    def __init__(self):
        self.zygote = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item):
        if item.path.suffix != ".ipynb":
            return (yield)
        if self.zygote is None:
            self.zygote = kernels.Zygote(KERNEL_PRELOAD)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("JUPYTER_PATH", os.environ.get("JUPYTER_PATH", ""))  # as it was, afterwards
            kernels.use_forked_kernels(self.zygote.jupyter_path)
            return (yield)

    def pytest_unconfigure(self):
        if self.zygote is not None:
            self.zygote.close()


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
