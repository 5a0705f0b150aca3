"""Variant books the tests build once and keep, under ``_build/test-books/``.

They are built by the project's own incremental build, so a run whose inputs (the data, the
archived articles, the code, the configuration) are those of the last run finds a kept book
current and rebuilds nothing, as ``make book`` does; an input that changed reruns what it
makes stale. A fresh clone (CI) builds every one. A test that changes a book works on a copy
(``copy_of``): a copied book is current where it lands, its stamps being hashes of contents,
not of places.
"""

from __future__ import annotations

import fcntl
import shutil
from contextlib import contextmanager
from pathlib import Path

import records

from analysis.builder import pipeline
from analysis.fingerprint import digest
from analysis.paths import BUILD_DIR

KEPT = BUILD_DIR / "test-books"


@contextmanager
def _only_one_builder(name: str):
    """Two test processes asking for one book at once: the second waits, then finds it current."""
    KEPT.mkdir(parents=True, exist_ok=True)
    with (KEPT / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def kept_book(name: str, data: Path | None = None, archive: Path | None = None, editions=("html",)) -> Path:
    """The root of the variant book ``name``, built from ``data`` and ``archive`` (this
    repository's when not given) with ``editions``. Those given are copied to a fixed place
    first: the archive's path is a parameter of the notebooks, and a scratch folder's path
    changes from run to run."""
    root = KEPT / name
    kept_data, kept_archive = inputs_of(name)
    with _only_one_builder(name):
        data, archive = _kept(data, kept_data), _kept(archive, kept_archive)
        pipeline.build(root, data_dir=data, archive_dir=archive, editions=editions)
    return root


def _kept(folder: Path | None, place: Path) -> Path | None:
    """``folder`` copied to ``place``, unless the same files are there already: a test in
    another process may be building from them."""
    if folder is None:
        return None
    if not place.is_dir() or digest([folder]) != digest([place]):
        shutil.rmtree(place, ignore_errors=True)
        shutil.copytree(folder, place)
    return place


def inputs_of(name: str) -> tuple[Path, Path]:
    """Where the kept book ``name`` has the data and the archive it was built from, when
    they are not this repository's: a build that names that archive finds the book current."""
    inputs = KEPT / f"{name}.inputs"
    return inputs / "data", inputs / "sources"


def copy_of(root: Path, target: Path) -> Path:
    """A copy of the kept book at ``root`` to change, at ``target``; as current as the
    original. Taken while no other process builds it (a build, current or not, copies the
    configuration and the data into the book afresh)."""
    with _only_one_builder(root.name):
        shutil.copytree(root, target, symlinks=True)
    return target


def small_record(book: Path, data: Path, scratch: Path) -> tuple[Path, Path, list[str]]:
    """A copy at ``book`` of the kept book of a small generated record (``records.py``: a few
    articles, figures of every qualifier) with its HTML edition; a copy of its data at
    ``data``, to edit; and the build's flags that name the record's archive (``scratch``
    holds the record as generated). For tests about processes and published folders rather
    than the record: it builds in about half the time of today's."""
    root = kept_book("small-record", *records.write(scratch, records.scenario("many")))
    kept_data, archive = inputs_of("small-record")
    shutil.copytree(kept_data, data)
    return copy_of(root, book), data, ["--archive-dir", str(archive)]
