"""The editions: built through one code path in either mode, only when their inputs
changed, and failing loudly, with the log lines that say why, on a Sphinx warning."""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from books import copy_of, kept_book
from helpers import snapshot

from analysis.builder import book, pipeline, site
from analysis.builder.stamps import Stamps
from analysis.paths import ROOT


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """A copy of the kept variant book of today's record (notebooks and HTML), shared by
    this module's tests."""
    return copy_of(kept_book("today"), tmp_path_factory.mktemp("site") / "variant")


@pytest.fixture
def current(tmp_path):
    """A copy of the same book for one test alone, current as built."""
    return copy_of(kept_book("today"), tmp_path / "current")


def test_a_rebuild_is_byte_identical_and_matches_the_committed_book(variant):
    first = snapshot(variant / "book")
    pipeline.build(variant, force=True)  # a real rerun, not a skip of unchanged notebooks
    second = snapshot(variant / "book")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    # and the committed book is what this code produces from the committed data
    committed = snapshot(ROOT / "book")
    assert [name for name in committed if committed[name] != first.get(name)] == [], "book/ is stale: run make book"


def test_the_build_writes_the_site_and_stamps_it_current(variant):
    html = site.output_dir(variant, "html")
    assert (html / "book" / "summary.html").is_file() and (html / "index.html").is_file()
    assert site.is_current(variant, "html")
    assert Stamps(variant).fact("edition:html", "inputs") == site.inputs_key(variant, "html")


def test_nothing_changed_skips_sphinx(variant, capsys):
    page = site.output_dir(variant, "html") / "book" / "summary.html"
    before = page.stat().st_mtime_ns
    pipeline.build(variant, editions=("html",))
    printed = capsys.readouterr().out
    assert "The HTML edition is up to date" in printed and "Running" not in printed
    assert page.stat().st_mtime_ns == before


@pytest.mark.parametrize("changed", ["book/bibliography.md", "data/references.bib", "_config.yml", "_toc.yml"])
def test_any_input_of_an_edition_makes_it_stale(variant, changed):
    path = variant / changed
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n")
        assert not site.is_current(variant, "html")
    finally:
        path.write_bytes(original)
    assert site.is_current(variant, "html")


@pytest.mark.parametrize("plain", [False, True], ids=["fast", "plain"])
def test_a_sphinx_warning_fails_the_build_and_names_it(variant, plain):
    page = variant / "book" / "bibliography.md"
    original = page.read_text()
    try:
        page.write_text(original + "\nSee {ref}`no-such-label`.\n")
        with pytest.raises(site.SiteError) as info:
            site.build(variant, "html", plain=plain)
        assert "the html build failed (exit status" in str(info.value)
        assert "no-such-label" in str(info.value), "the message quotes the warning from the log"
        assert not site.is_current(variant, "html"), "a failed build must not be stamped current"
    finally:
        page.write_text(original)


def test_builds_started_together_take_turns(variant):
    """Two builds of one book at once (two test workers, two terminals) share conf.py,
    the doctrees and _build/: the second waits for the first, then finds the edition
    current, instead of both writing the same files (which broke a LaTeX run in CI)."""
    Stamps(variant).record("edition:html", "forget", [])
    script = "import sys; from pathlib import Path; from analysis.builder import site; "
    script += "print(site.build(Path(sys.argv[1]), 'html'))"
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(variant)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    answers = sorted(run.communicate()[0].strip() for run in runs)
    assert [run.returncode for run in runs] == [0, 0]
    assert answers == ["False", "True"]  # one built, the other found it built
    assert site.is_current(variant, "html")


def test_the_cycle_collector_is_paused_only_while_sphinx_runs():
    enabled = gc.isenabled()
    try:
        gc.enable()
        with site._no_cycle_collection():
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()  # a caller that paused it keeps it paused
        with site._no_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        (gc.enable if enabled else gc.disable)()


def test_a_failing_tool_is_read_by_its_exit_status(tmp_path):
    log = tmp_path / "x.log"
    log.write_text("reading sources\n! Undefined control sequence.\nl.412 see \\badmacro\n\nall done\n")
    site._outcome(0, log, "pdf")  # success says nothing
    with pytest.raises(site.SiteError, match=r"pdf build failed \(exit status 2\)[\s\S]*Undefined control") as error:
        site._outcome(2, log, "pdf")
    # TeX names the culprit on the line after the error: the message quotes it
    assert "l.412 see \\badmacro" in str(error.value)
    assert "reading sources" not in str(error.value) and "all done" not in str(error.value)


def test_a_character_no_font_has_fails_the_pdf_build(tmp_path):
    """XeLaTeX only logs a character it cannot set, and exits 0: the build reads its log."""
    log, tex_log = tmp_path / "x.log", tmp_path / "kursk-claims.log"
    log.write_text("Latexmk: All targets are up-to-date\n")
    tex_log.write_text(
        "[12]\nMissing character: There is no \u304b (U+304B) in font [FreeSerif.otf]/OT:script=latn;!\n"
    )
    with pytest.raises(site.SiteError, match=r"no font of the PDF has \u304b \(U\+304B\) in FreeSerif.otf"):
        site._outcome(0, log, "pdf", tex_log)
    tex_log.write_text("[12]\n")
    site._outcome(0, log, "pdf", tex_log)


def test_both_modes_build_the_same_pages(current):
    """The fast route (Sphinx in-process from Jupyter Book's conf.py) and the plain
    ``jupyter-book build`` give the same pages, bar the hashed download paths, and the same
    search (its index, the query splitter), claims JSON-LD and sitemap."""
    same = ["book/sources.html", "book/register.html", "searchindex.js", "_static/language_data.js", "sitemap.xml"]
    assert not site.build(current, "html"), "the fast route built it"
    fast = {name: (site.output_dir(current, "html") / name).read_text() for name in same}
    Stamps(current).record("edition:html", "forget", [])
    site.build(current, "html", plain=True)
    plain = {name: (site.output_dir(current, "html") / name).read_text() for name in same}

    def stable(html: str) -> str:
        # download folders are named by content hashes; ?v= strings are cache busters
        return re.sub(r"[0-9a-f]{32}|\?v=[0-9a-f]{8}", "", html)

    assert [name for name in same if stable(fast[name]) != stable(plain[name])] == []
    assert "splitQuery" in plain["_static/language_data.js"] and "application/ld+json" in plain["book/register.html"]


def test_the_pdf_table_of_contents_is_derived_from_the_books():
    derived = book.pdf_toc(ROOT)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert derived["root"] == book.latex_document(ROOT)[0] == "book/pdf_front"
    assert [c["file"] for c in derived["chapters"]] == [toc["root"]] + [c["file"] for c in toc["chapters"]]
    assert book.chapters(ROOT)[0] == "summary" and "bibliography" in book.chapters(ROOT)
    assert book.notebooks(ROOT) == [n for n in book.chapters(ROOT) if n != "bibliography"]


def test_the_command_reports_a_failed_site_build(variant):
    """Through ``python -m analysis build --html``: exit 1, the warning quoted, no traceback."""
    page = variant / "book" / "bibliography.md"
    original = page.read_text()
    Stamps(variant).record("edition:html", "forget", [])
    try:
        broken = subprocess.run(
            [sys.executable, "-c", BREAK_THEN_BUILD, str(variant)], capture_output=True, text=True, cwd=ROOT
        )
    finally:
        page.write_text(original)
    assert broken.returncode == 1, broken.stdout[-2000:] + broken.stderr[-2000:]
    assert "Build failed: the html build failed" in broken.stderr and "no-such-label" in broken.stderr
    assert "Traceback" not in broken.stderr


# the command, with a page broken just before Sphinx reads it (the build itself would
# otherwise restore the page from book/)
BREAK_THEN_BUILD = """
import sys
from analysis.builder import site
from analysis.builder.cli import main

build = site.build
def break_then_build(root, edition, plain=False):
    page = root / "book" / "bibliography.md"
    page.write_text(page.read_text() + "\\nSee {ref}`no-such-label`.\\n")
    return build(root, edition, plain=plain)
site.build = break_then_build
sys.exit(main(["build", "--out", sys.argv[1], "--html"]))
"""


def test_the_pdf_is_placed_beside_the_html_whichever_was_built_last(tmp_path):
    shutil.copy2(ROOT / "_config.yml", tmp_path / "_config.yml")
    pdf = site.pdf_path(tmp_path)
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.5 first")
    html = site.output_dir(tmp_path, "html")
    html.mkdir(parents=True)
    site.place_pdf_beside_html(tmp_path)
    assert (html / pdf.name).read_bytes() == b"%PDF-1.5 first"
    pdf.write_bytes(b"%PDF-1.5 second")  # a new PDF, or an HTML folder rebuilt from scratch
    site.place_pdf_beside_html(tmp_path)
    assert (html / pdf.name).read_bytes() == b"%PDF-1.5 second"


def test_a_change_to_our_extensions_rebuilds_every_page(current, monkeypatch):
    """Sphinx rereads only the sources that changed; a change to an extension of ours (its
    code, templates or stylesheet) can change what every page is read or written as, so
    every page is read afresh and rewritten."""
    html = site.output_dir(current, "html")
    chapters = sorted(html.glob("book/*.html"))
    before = {page: page.stat().st_mtime_ns for page in chapters}
    monkeypatch.setattr(site, "extensions_key", lambda root, edition: "the extensions' code changed")
    assert not site.is_current(current, "html")
    assert site.build(current, "html")
    read = re.findall(r"^reading sources\.\.\. \[ *\d+%\] (\S+)$", site._log(current, "html").read_text(), re.M)
    assert sorted(read) == [f"book/{page.stem}" for page in chapters]
    assert [page.name for page in chapters if page.stat().st_mtime_ns == before[page]] == []


def test_a_site_url_that_is_not_an_absolute_web_address_stops_the_build_and_says_so(variant):
    config = variant / "_config.yml"
    original = config.read_text()
    base = yaml.safe_load(original)["sphinx"]["config"]["html_baseurl"]
    try:
        config.write_text(original.replace(base, "book.example.org/kursk/"))
        with pytest.raises(site.SiteError, match=r"html_baseurl in _config.yml is 'book.example.org/kursk/'"):
            site.build(variant, "html")
        assert not site.is_current(variant, "html")
    finally:
        config.write_text(original)
