"""Trustworthy builds: interruptions, byte-identical reruns, and data that never becomes markup."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from books import kept_book
from helpers import as_in_a_terminal, pdf_text, read_rows, rearchive, snapshot, visible_text, write_rows

from analysis import load, paths
from analysis.builder import book, site
from analysis.paths import ROOT

PLANTED = (
    "<script>alert('x')</script> **bold** | `tick` [link](http://example.org) {cite:p}`suciu2025` % & _ # $ \\ ~ ^"
)
# Claimant names future articles may bring: Hangul, which FreeFont lacks, and Cyrillic.
FOREIGN_NAMES = ("김정은", "Зеленский")


def published_variant(tmp_path: Path) -> Path:
    out = tmp_path / "published"
    (out / "book").mkdir(parents=True)
    (out / "book" / "summary.ipynb").write_text('{"published": true}')
    return out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_build_leaves_book_as_it_was(tmp_path, sig):
    out = published_variant(tmp_path)
    before = snapshot(out / "book")
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "build", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=as_in_a_terminal,
    )
    # Interrupt once papermill is running notebooks (a worker opens its kernel log as it
    # starts one), not after a fixed delay: with forked kernels the whole run can take
    # under two seconds, so a fixed delay would sometimes miss it.
    deadline = time.monotonic() + 60
    while not list((out / "_build" / "logs").glob("*.log")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(out.glob(".book-next-*")), "the build should have started staging"
    time.sleep(0.2)
    assert proc.poll() is None, "the build should still be running when interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert snapshot(out / "book") == before
    assert not list(out.glob(".book-*")), "staging folders must be removed"


def plant(data_dir: Path, archive_dir: Path) -> None:
    """Put markup into every free-text field the book displays.

    The fields validation checks against the article (author, outlet, title, and the
    attribution, which must be part of the quote) get their markup printed in a copy of
    the archive, as an article that prints such text would.
    """
    fields = {
        "sources.csv": ["author", "outlet", "title"],
        "claimants.csv": ["name", "description", "country"],
        "metrics.csv": ["label", "definition"],
        "claims.csv": ["attribution", "stated_basis", "period_basis", "notes"],
        "events.csv": ["actor", "description", "date_basis", "notes"],
        "disagreements.csv": ["topic", "summary", "basis"],
        "disagreement_quotes.csv": ["position"],
    }
    for file, columns in fields.items():
        rows = read_rows(data_dir / file)
        for i, row in enumerate(rows):
            for col in columns:
                row[col] = f"{PLANTED} {col} {i}"
        write_rows(data_dir / file, rows)
    _print_in_archive(data_dir, archive_dir)
    claimants = read_rows(data_dir / "claimants.csv")
    for row in claimants:
        row["name"] += " " + " ".join(FOREIGN_NAMES)
    write_rows(data_dir / "claimants.csv", claimants)
    descriptor = json.loads((data_dir / "datapackage.json").read_text())
    descriptor["resources"][0]["description"] = PLANTED
    (data_dir / "datapackage.json").write_text(json.dumps(descriptor, indent=2))


def _print_in_archive(data_dir: Path, archive_dir: Path) -> None:
    sources, claims = read_rows(data_dir / "sources.csv"), read_rows(data_dir / "claims.csv")
    printed = {s["source_id"]: [s["author"], s["outlet"], s["title"]] for s in sources}
    for claim in claims:
        claim["quote"] = f"{claim['attribution']} {claim['quote']}"
        printed[claim["source_id"]].append(claim["quote"])
    write_rows(data_dir / "claims.csv", claims)
    for source in sources:
        text = (archive_dir / source["archive_file"]).read_text(encoding="utf-8")
        text += "\n".join(["", *printed[source["source_id"]], ""])
        rearchive(data_dir, archive_dir, source["source_id"], text.encode())


def test_planted_record_is_valid(record):
    """What the planted book is built from passes validation, whatever the record holds (an
    article named by its content too): otherwise the tests below would test nothing."""
    data, archive = record
    plant(data, archive)
    planted = load(data, archive, cache=False)
    assert len(planted.sources) == len(read_rows(data / "sources.csv"))
    assert all(PLANTED in title for title in planted.sources["title"])


@pytest.fixture(scope="module")
def planted_book(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("planted")
    data, archive = tmp / "data-planted", tmp / "sources-planted"
    shutil.copytree(ROOT / "data", data)
    archive.mkdir()
    for article in paths.archive_dir().glob("*.txt"):
        shutil.copyfile(article, archive / article.name)  # not the archive's read-only mode
    plant(data, archive)
    return kept_book("planted", data, archive, editions=("html", "pdf")) / "_build"


@pytest.mark.parametrize("name", book.notebooks(ROOT))
def test_planted_markup_renders_literally_in_html(planted_book, name):
    html = (planted_book / "html" / "book" / f"{name}.html").read_text(encoding="utf-8")
    body = html[html.find('<article class="bd-article"') :]
    assert "<script>alert(" not in body
    assert "<strong>bold</strong>" not in body and 'href="http://example.org"' not in body
    text = visible_text(html)
    assert PLANTED in text, name


def test_planted_markup_renders_literally_in_pdf(planted_book):
    text = " ".join(pdf_text(site.pdf_path(planted_book.parent)).split())
    # pdftotext may break lines inside the string; compare it unbroken
    assert PLANTED in text or PLANTED.replace(" ", "") in text.replace(" ", "")
    assert text.count("alert('x')") >= 20


def test_claimant_names_in_hangul_and_cyrillic_are_set_in_the_pdf(planted_book):
    """The fonts cover them (a character no font has would fail the build, see test_site)."""
    pdf = site.pdf_path(planted_book.parent)
    assert "Missing character" not in pdf.with_suffix(".log").read_text(errors="replace")
    text = pdf_text(pdf)
    for name in FOREIGN_NAMES:
        assert name in text, name


def test_planted_markup_in_the_descriptor_stays_data_in_the_json_ld(planted_book):
    html = (planted_book / "html" / "book" / "method.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in html
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(found.group(1))["distribution"][0]["description"] == PLANTED
