"""The README's promise, tested: a valid sixth article, added as "Adding an article" says
(add-source, its row of sources.csv, its BibTeX entry, a claim quoted from it), keeps every
test passing but test_todays_record.py, which alone pins today's five articles.

These tests add one (``helpers.add_article``) to copies of data/ and of the archive and
check what the other tests take from the record: it validates, from the command line too;
the archive number, rows and ids they derive move on by one; the notebooks run on it and
count its figure. Tests whose expectations depend on the record's shape also run on such a
record themselves (conftest's ``record`` fixture: the curation and planted-markup tests).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from helpers import NEW_ARTICLE, add_article, next_archive_number, read_rows, register_entries, row_index

from analysis import load, paths
from analysis.builder import pipeline
from analysis.chapters import register, summary
from analysis.compute.estimates import estimates
from analysis.data.checks.archive import archive_name
from analysis.data.vocabulary import metrics_of
from analysis.text.anchors import anchor
from analysis.text.prose import counted


@pytest.fixture(scope="module")
def sixth(tmp_path_factory):
    """(data, archive, what the record held before, the added rows)."""
    tmp = tmp_path_factory.mktemp("sixth")
    data, archive = tmp / "data", tmp / "sources"
    shutil.copytree(paths.DATA_DIR, data)
    archive.mkdir()
    for article in paths.archive_dir().glob("*.txt"):
        shutil.copyfile(article, archive / article.name)  # not the archive's read-only mode
    before = {
        "number": next_archive_number(data, archive),
        "sources": len(read_rows(data / "sources.csv")),
        "claims": len(read_rows(data / "claims.csv")),
    }
    added = add_article(data, archive, tmp / "capture.txt")
    return data, archive, before, added


def test_the_sixth_article_validates_from_the_command_line(sixth):
    data, archive, before, _ = sixth
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        env={**os.environ, "ARCHIVE_DIR": str(archive)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Data OK: {before['sources'] + 1} sources, {before['claims'] + 1} claims")


def test_it_takes_the_next_archive_number_and_the_next_row(sixth):
    data, archive, before, added = sixth
    source = added["source"]
    path = archive / source["archive_file"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert source["archive_file"] == archive_name(before["number"], digest)
    assert next_archive_number(data, archive) == before["number"] + 1
    assert row_index(data, "sources.csv", "source_id", source["source_id"]) == before["sources"]
    assert row_index(data, "claims.csv", "claim_id", added["claim"]["claim_id"]) == before["claims"]


def test_its_figure_counts_in_the_estimates_the_register_and_the_summary(sixth):
    data, archive, before, added = sixth
    ds = load(data, archive, cache=False)
    claim_id = added["claim"]["claim_id"]
    troops = estimates(ds, metrics_of(ds, "troops"))
    assert any(claim_id in ids for ids in troops["claim_ids"])
    assert anchor(claim_id) in {e["label"] for e in register_entries(register.claim_entries(ds))}
    assert summary.record(ds)["articles"] == counted(before["sources"] + 1, "archived news article")


def test_the_notebooks_run_on_it_and_show_its_figure(sixth, tmp_path):
    data, archive, _, added = sixth
    book = pipeline.build(tmp_path / "variant", data_dir=data, archive_dir=archive, only=["troops", "sources"])
    troops = nbformat.read(book / "troops.ipynb", as_version=4)
    shown = "".join(
        str(output.get("data", {}).get("text/markdown", "")) + str(output.get("text", ""))
        for cell in troops.cells
        for output in cell.get("outputs", [])
    )
    printed = NEW_ARTICLE["figure"][1].replace(",", "\\,")  # as the escaped Markdown prints it
    assert anchor(added["claim"]["claim_id"]) in shown and printed in shown
    sources = nbformat.read(book / "sources.ipynb", as_version=4)
    assert added["source"]["source_id"] in nbformat.writes(sources)
