"""A build killed outright (``kill -9``: a CI timeout, the OOM killer, a closed laptop) leaves
nothing running and nothing half-written, and the next build recovers by rerunning only
what is stale; two builds of one book at once survive one of them being killed.

One chain of builds of a variant book in a scratch folder, in both modes, kills each at a
point it detects (a line of the build's output, a file it writes, a process it starts),
never after a fixed delay. It starts with an edit of the data, so that every step is
stale, and compares the published folders with their versions before the edit and after
the build that completes, which runs beside the last one killed and waits on its lock.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from books import small_record
from faults import MARK, Build, edit_claim_notes, marked, survivors, tree

from analysis.builder import book, lifeline, site
from analysis.paths import ROOT

NOTEBOOKS = len(book.notebooks(ROOT))
PDF = site.pdf_path(ROOT).name


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """A variant book of a small record with its HTML edition (the PDF is first built by the
    cases), a copy of its data to edit, and the flags that name its archive."""
    tmp = tmp_path_factory.mktemp("faults")
    return small_record(tmp / "book", tmp / "data", tmp / "record")


def staging_html(root: Path) -> list[Path]:
    return list((root / "_build").glob(".html-next-*"))


def sphinx_writing(build: Build) -> bool:
    """A page of the new HTML edition has been written (the staging copy keeps old times)."""
    return any(
        page.stat().st_mtime > build.started for stage in staging_html(build.root) for page in stage.rglob("*.html")
    )


def published(root: Path) -> dict[str, dict]:
    """The published folders' contents; the PDF beside the HTML apart (it follows the PDF edition)."""
    html = root / "_build" / "html"
    return {"book/": tree(root / "book"), "_build/html": tree(html, skip=(PDF,)), PDF: tree(html).get(PDF)}


# each point, and what detects it
POINTS = {
    # the zygote and the forkserver are started before validation; "Data OK" ends it
    "validating": lambda b: len(b.seen) >= 2 and not b.printed("Data OK"),
    "notebooks": lambda b: b.printed("Running ") and not b.printed("All notebooks ran"),
    "sphinx": sphinx_writing,
    "latex": lambda b: "xelatex" in b.seen.values(),
}
# what the build after a kill at each point prints before it reaches the next point: it
# reruns only what was stale
RERUN = {
    "validating": [f"Running {NOTEBOOKS} notebooks"],
    "notebooks": [f"Running {NOTEBOOKS} notebooks"],
    "sphinx": [f"All {NOTEBOOKS} notebooks are up to date", "The HTML edition built"],
    "latex": [f"All {NOTEBOOKS} notebooks are up to date", "The HTML edition is up to date"],
}
# how many processes each point must have started, at least, for the case to prove anything
HELPERS = {
    "validating": 2,  # the zygote, the forkserver
    "notebooks": 4,  # the forkserver, the resource tracker, two workers (and their kernels)
    "sphinx": 2,  # the forkserver and the resource tracker; Sphinx itself runs in the build
    "latex": 4,  # the guard, make, latexmk, xelatex
}
# The builds killed, in turn, each at its point and in its mode (plain: ordinary kernels,
# the jupyter-book command); then the one that completes. Each mode is killed at its
# notebooks and in LaTeX, and the modes alternate, so each build after a kill picks up
# what a build of the other mode left, as a curator switching modes would.
CHAIN = [
    ("fast", "validating"),
    ("fast", "notebooks"),
    ("plain", "notebooks"),
    ("fast", "sphinx"),
    ("plain", "latex"),
    ("fast", "latex"),
]
LAST = "plain"


def test_a_build_killed_leaves_nothing_running_and_nothing_half_written(built):
    """One edit, then a build killed at each point of ``CHAIN`` in turn, each after the build
    before it was killed at the previous point; then one that completes. Every kill must
    leave no process behind within 5 s and the published folders old or new, and every
    build after a kill must rerun just what the kill left stale.

    A build killed in LaTeX holds the editions' lock: the build after it is started before
    the kill, so two builds of the book run at once, and it must wait on the lock, then
    take it and build. So a plain build waits on a fast one and a fast on a plain one, and
    the last leaves the lock free."""
    root, data, record = built

    def start(mode: str) -> Build:
        return Build(root, data, *record, "--html", "--pdf", *(["--plain"] if mode == "plain" else []))

    old = published(root)
    edit_claim_notes(data, uuid.uuid4().hex[:8])  # never validated before
    killed, previous = {}, None
    build = start(CHAIN[0][0])
    for index, (mode, point) in enumerate(CHAIN):
        where = f"the {point} point ({mode} mode)"
        build.wait_for(lambda: POINTS[point](build), where)  # noqa: B023 (called at once)
        for step in RERUN.get(previous, []):
            assert build.printed(step), f"after a kill at the {previous} point, expected {step!r}:\n{build.output}"
        marked = build.marked()
        assert len(build.seen) >= HELPERS[point] and len(marked) > HELPERS[point], (where, build.seen, marked)
        following = CHAIN[index + 1][0] if index + 1 < len(CHAIN) else LAST
        after = start(following) if point == "latex" else None
        if after:
            after.wait_for(lambda: after.printed("Waiting for another build"), "wait on the lock")  # noqa: B023
        build.kill()
        killed[where] = published(root)
        left = build.survivors(within=5.0)
        assert not left, f"still running 5 s after the build was killed at {where}: {left}"
        build = after or start(following)
        previous = point

    assert build.finish() == 0, build.output
    for step in [*RERUN[previous], "The PDF edition built"]:
        assert build.printed(step), f"after a kill at the {previous} point, expected {step!r}:\n{build.output}"
    assert not build.survivors(within=5.0)
    assert site.is_current(root, "html") and site.is_current(root, "pdf")
    with (root / "_build" / ".site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if still held
    new = published(root)
    assert new["book/"] != old["book/"] and new["_build/html"] != old["_build/html"], "the edit changed both"
    for where, state in killed.items():
        for folder, files in state.items():
            assert files in (old[folder], new[folder]), f"{folder} after a kill at {where} is a mix"
    assert not list(root.glob(".book-next-*")) and not staging_html(root), "staging folders must be removed"


def test_a_guarded_commands_whole_tree_dies_with_the_process_that_ran_it():
    """Even a grandchild that left the command's session (``setsid``): the guard is a
    subreaper, so it inherits the orphan and kills it."""
    mark = uuid.uuid4().hex
    command = ["sh", "-c", "setsid sleep 300 & sleep 300"]
    script = f"from analysis.builder import lifeline; lifeline.run({command!r})"
    runner = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, MARK: mark})
    deadline = time.monotonic() + 60
    while sum("sleep 300" in line for line in marked(mark).values()) < 2:
        assert time.monotonic() < deadline and runner.poll() is None, marked(mark)
        time.sleep(0.02)
    runner.kill()
    runner.wait()
    assert not survivors(mark, within=5.0)


def test_a_guarded_command_reports_its_exit_status():
    assert lifeline.run(["sh", "-c", "exit 3"]) == 3
    assert lifeline.run(["sh", "-c", "kill -TERM $$"]) == 128 + 15  # as a shell reports a signal
