"""The HTML edition built in the pipeline's process: only when its inputs changed, and
failing loudly on a Sphinx warning."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import pipeline, site
from analysis.dataset import ROOT


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "variant"
    pipeline.build(out_root=out, html=True)
    return out


def test_the_build_writes_the_site_and_its_input_stamp(variant):
    html = site.html_dir(variant)
    assert (html / "book" / "troops.html").is_file() and (html / "index.html").is_file()
    assert (html / ".inputs").read_text() == site.inputs_key(variant)
    assert site.is_current(variant)


def test_nothing_changed_skips_sphinx(variant, capsys):
    page = site.html_dir(variant) / "book" / "troops.html"
    before = page.stat().st_mtime_ns
    pipeline.build(out_root=variant, html=True)
    printed = capsys.readouterr().out
    assert "The HTML is up to date" in printed and "Running Sphinx" not in printed
    assert page.stat().st_mtime_ns == before


@pytest.mark.parametrize("changed", ["book/bibliography.md", "data/references.bib", "_config.yml"])
def test_any_input_of_the_site_makes_it_stale(variant, changed):
    path = variant / changed
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n")
        assert not site.is_current(variant)
    finally:
        path.write_bytes(original)
    assert site.is_current(variant)


def test_a_sphinx_warning_fails_the_site_build(variant):
    page = variant / "book" / "bibliography.md"
    original = page.read_text()
    try:
        page.write_text(original + "\nSee {ref}`no-such-label`.\n")
        with pytest.raises(site.SiteError, match="HTML build .* failed"):
            site.build(variant)
        assert not site.is_current(variant), "a failed build must not be stamped current"
    finally:
        page.write_text(original)


def test_the_command_reports_a_failed_site_build(variant):
    """Through ``python -m analysis build --html``: exit 1, one line, no traceback."""
    page = variant / "book" / "bibliography.md"
    original = page.read_text()
    (site.html_dir(variant) / ".inputs").unlink()
    try:
        broken = subprocess.run(
            [sys.executable, "-c", BREAK_THEN_BUILD, str(variant)], capture_output=True, text=True, cwd=ROOT
        )
    finally:
        page.write_text(original)
    assert broken.returncode == 1, broken.stdout[-2000:] + broken.stderr[-2000:]
    assert "Build failed: the HTML build" in broken.stderr and "Traceback" not in broken.stderr


# the command, with a page broken just before Sphinx reads it (the build itself would
# otherwise restore the page from book/)
BREAK_THEN_BUILD = """
import sys
from analysis import site
from analysis.__main__ import main

build = site.build
def break_then_build(root):
    page = root / "book" / "bibliography.md"
    page.write_text(page.read_text() + "\\nSee {ref}`no-such-label`.\\n")
    build(root)
site.build = break_then_build
sys.exit(main(["build", "--out", sys.argv[1], "--html"]))
"""
