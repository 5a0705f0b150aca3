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

from analysis.builder import pipeline
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
    repository's when not given) with ``editions``. Other inputs are copied to a fixed place
    first: the archive's path is a parameter of the notebooks, and a scratch folder's path
    changes from run to run."""
    root = KEPT / name
    with _only_one_builder(name):
        if data is not None or archive is not None:
            kept_data, kept_archive = inputs_of(name)
            shutil.rmtree(kept_data.parent, ignore_errors=True)
            kept_data.parent.mkdir()
            data = Path(shutil.copytree(data, kept_data)) if data is not None else None
            archive = Path(shutil.copytree(archive, kept_archive)) if archive is not None else None
        pipeline.build(root, data_dir=data, archive_dir=archive, editions=editions)
    return root


def inputs_of(name: str) -> tuple[Path, Path]:
    """Where the kept book ``name`` has the data and the archive it was built from, when
    they are not this repository's: a build that names that archive finds the book current."""
    inputs = KEPT / f"{name}.inputs"
    return inputs / "data", inputs / "sources"


def copy_of(root: Path, target: Path) -> Path:
    """A copy of the book at ``root`` to change, at ``target``; as current as the original."""
    shutil.copytree(root, target, symlinks=True)
    return target
