"""A disk that fills up during the notebooks or the HTML build: the build stops with a
message that says the disk is full and where, the published folder is left as it was, no
partial file is left that a later build would take as current, and once space is freed
the next build reruns what was stale.

The book is built on a small tmpfs of its own, filled with a ballast file to leave less
room than the step needs; where a tmpfs cannot be mounted (not root, a container without
the capability) the tests skip, saying why.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from books import small_record
from faults import Build, edit_claim_notes, tree

from analysis.builder import book
from analysis.builder.diskfull import DiskFull, is_disk_full, step
from analysis.builder.pipeline import BuildError
from analysis.builder.site import SiteError
from analysis.paths import ROOT

NOTEBOOKS = len(book.notebooks(ROOT))


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory):
    mount = tmp_path_factory.mktemp("small-disk")
    try:
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True, text=True
        )
    except FileNotFoundError:
        pytest.skip("no mount command to mount a small tmpfs with")
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill ({result.stderr.strip() or result.returncode})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)


@pytest.fixture(scope="module")
def built(small_disk, tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """A variant book of a small record with its HTML edition on the small disk; a copy of
    its data elsewhere, and the flags that name its archive."""
    tmp = tmp_path_factory.mktemp("full-disk")
    return small_record(small_disk / "book", tmp / "data", tmp / "record")


def size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` with a ballast file until ``leave`` bytes are free."""
    stats = os.statvfs(disk)
    ballast = disk / "ballast"
    with ballast.open("wb") as fh:
        fh.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return ballast


def stamps(root: Path) -> dict:
    """The steps stamps.json says are current, with what they ran from (validation aside:
    it completes before the disk fills)."""
    steps = json.loads((root / "_build" / "stamps.json").read_text())
    return {step: entry for step, entry in steps.items() if step != "validation"}


def test_a_full_disk_stops_the_build_saying_so_and_leaves_nothing_half_written(built, small_disk):
    """One edit, then a build that fills the disk while running the notebooks; then one with
    room for the notebooks, which reruns them all (the first left them stale), and fills it
    while building the HTML; then one with room, which builds only the HTML."""
    root, data, record = built
    html = root / "_build" / "html"
    notebooks, pages = size(root / "book"), size(html)
    assert 2 * notebooks < pages, "this book's HTML is too small for the HTML case"
    cases = {
        # less room than the staging copy of book/
        "running the notebooks": (notebooks // 4, root / "book", None),
        # room for the notebooks' staging copy, not for the HTML's
        "building the HTML edition": ((2 * notebooks + pages) // 2, html, f"Running {NOTEBOOKS} notebooks"),
    }
    edit_claim_notes(data, f"full disk {uuid.uuid4().hex[:8]}")
    for stage, (leave, kept, reran) in cases.items():
        before_book, before_html, before_stamps = tree(root / "book"), tree(html), stamps(root)
        ballast = fill(small_disk, leave)
        try:
            build = Build(root, data, *record, "--html")
            assert build.finish() == 1, build.output
        finally:
            ballast.unlink()

        assert reran is None or build.printed(reran), f"{stage}: the stale notebooks ran first\n{build.output}"
        message = next(line for line in build.lines if line.startswith("Build failed"))
        assert "the disk is full" in message and f"holding {root}" in message and stage in message, build.output
        assert f"({kept} left as it was)" in message and "Traceback" not in build.output
        assert tree(html) == before_html
        if stage == "running the notebooks":
            assert tree(root / "book") == before_book
        # nothing the full disk stopped is stamped current (the HTML's stop leaves the notebooks' stamped)
        stopped = before_stamps if stage == "running the notebooks" else {"edition:html": before_stamps["edition:html"]}
        assert {name: stamps(root).get(name) for name in stopped} == stopped
        assert not list(root.glob(".book-next-*")) and not list((root / "_build").glob(".html-next-*"))
        assert not list((root / "_build").glob("*.tmp")), "no partial stamps file"
        assert not build.survivors(within=5.0)

    again = Build(root, data, *record, "--html")
    assert again.finish() == 0, again.output
    assert again.printed("notebooks are up to date") and again.printed("The HTML edition built"), again.output


def test_a_full_disk_is_recognised_however_it_surfaces(tmp_path):
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "figures/troops.svg")
    assert is_disk_full(full) and is_disk_full(OSError(errno.EDQUOT, "quota"))
    assert is_disk_full(shutil.Error([("a", "b", str(full))]))  # copytree's list of failures
    # a notebook's exception, as papermill passes it on: only its text
    assert is_disk_full(BuildError(f"troops.ipynb: OSError: {full} (book/ left unchanged)"))
    assert is_disk_full(SiteError(f"the html build failed (exit status 2); from html.log:\nOSError: {full}"))
    try:
        raise ValueError("while writing") from full
    except ValueError as chained:
        assert is_disk_full(chained)
    assert not is_disk_full(OSError(errno.EACCES, os.strerror(errno.EACCES)))
    assert not is_disk_full(BuildError("troops.ipynb: KeyError: 'claims'"))

    with pytest.raises(DiskFull, match=f"the disk is full: .* holding {tmp_path} while running the notebooks"):
        with step(tmp_path, "running the notebooks", tmp_path / "book"):
            raise full
    with pytest.raises(PermissionError):  # any other failure passes through as it was
        with step(tmp_path, "running the notebooks", tmp_path / "book"):
            raise PermissionError(errno.EACCES, "denied")
