"""The book builds with zero warnings, and the rendered pages show what a reader needs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from helpers import pdf_text, read_rows, snapshot, visible_text, write_rows

from analysis import summary
from analysis.builder import book, site
from analysis.paths import ROOT


def chapter_titles() -> dict[str, str]:
    """Each chapter of _toc.yml with the title its page opens with."""
    titles = {}
    for name in book.chapters(ROOT):
        notebook, page_file = ROOT / "book" / f"{name}.ipynb", ROOT / "book" / f"{name}.md"
        source = nbformat.read(notebook, as_version=4).cells[0].source if notebook.is_file() else page_file.read_text()
        titles[name] = re.search(r"^# (.+)$", source, re.M).group(1).strip()
    return titles


CHAPTERS = chapter_titles()


@pytest.fixture(scope="module")
def built() -> tuple[Path, str]:
    """The HTML edition of the committed book, built as ``make book`` builds it (or, when
    its inputs are unchanged since that build, as it built it), and Sphinx's log."""
    site.build(ROOT, "html")
    return site.output_dir(ROOT, "html"), (ROOT / "_build" / "logs" / "html.log").read_text()


def page(built, name: str) -> str:
    return (built[0] / "book" / f"{name}.html").read_text(encoding="utf-8")


def test_build_has_zero_warnings(built):
    assert not re.search(r"WARNING|ERROR", built[1]), [
        line for line in built[1].splitlines() if "WARNING" in line or "ERROR" in line
    ]


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_renders_with_citations_resolved(built, name):
    html = page(built, name)
    text = visible_text(html)
    assert CHAPTERS[name] in text
    assert "??" not in text
    assert "{cite" not in text and "{glue" not in text and ":::" not in text
    if name not in ("bibliography",):
        assert 'class="reference internal"' in html


CHART_PAGES = [name for name in book.notebooks(ROOT) if (ROOT / "book" / "figures" / f"{name}.svg").is_file()]


@pytest.mark.parametrize("name", CHART_PAGES)
def test_chart_pages_show_a_captioned_figure_with_alt_text_and_sources(built, name):
    html = page(built, name)
    img = re.search(r'<img alt="([^"]+)" src="([^"]+\.svg)"', html)
    assert img and len(img.group(1)) > 40, "an SVG chart with a real alt text"
    assert (built[0] / "book" / img.group(2)).resolve().is_file()
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    assert "Sources:" in caption and 'href="bibliography.html#id' in caption


def test_bibliography_lists_the_five_articles(built):
    text = visible_text(page(built, "bibliography"))
    for label in ("Suc25", "Def25", "Mar25", "Uns25", "Pan25"):
        assert f"[{label}]" in text
    assert "North Korea admits its forces are on the front lines of Ukraine" in text


def test_summary_numbers_match_the_dataset(built, dataset):
    text = visible_text(page(built, "summary"))
    values = summary.headlines(dataset)
    for key in (
        "deployed_range",
        "killed_range",
        "killed_or_wounded_range",
        "casualties_range",
        "ack_date",
        "n_claims",
    ):
        assert values[key] in text, key
    assert f"put the number of North Korean troops sent at {values['deployed_range']}" in text
    # single figures with a thousands separator must not turn into tuples such as "(3, 0)"
    assert f"Reinforcements. {values['reinforcements_range']} additional troops" in text
    assert values["reinforcements_range"] == "3,000" and values["wounded_range"] == "2,700"
    assert f"is {values['wounded_range']} (" in text and f"total of {values['casualties_range']} comes" in text
    assert not re.search(r"\(\d+, \d+\)", text), "a glued number was rendered as a tuple"


def test_tables_show_every_estimate(built, dataset):
    text = visible_text(page(built, "troops"))
    for figure in ("14,000", "11,000", "10,000–12,000", "up to 12,000", "3,000"):
        assert figure in text


def test_data_is_downloadable(built):
    html = page(built, "method")
    for name in ("claims.csv", "events.csv", "sources.csv", "datapackage.json", "references.bib"):
        link = re.search(rf'href="([^"]*_downloads/[^"]*/{re.escape(name)})"', html)
        assert link, name
        assert (built[0] / "book" / link.group(1)).resolve().is_file()


def test_no_sample_launch_buttons(built):
    html = page(built, "summary")
    assert "mybinder.org" not in html and "executablebooks/jupyter-book" not in html
    # no launch link anywhere a reader can click (sphinx-thebe's inert config script aside)
    assert "colab.research.google.com" not in html
    assert not re.search(r'href="[^"]*(binder|colab)[^"]*"', html)


@pytest.fixture(scope="module")
def pdf() -> Path:
    site.build(ROOT, "pdf")
    return site.pdf_path(ROOT)


def test_pdf_has_every_chapter_bibliography_and_figures(pdf, dataset):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 25 <= pages <= 80
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for title in CHAPTERS.values():
        assert title.upper() in flat.upper(), title
    for label in ("[Suc25]", "[Def25]", "[Mar25]", "[Uns25]", "[Pan25]"):
        assert label in flat
    assert "North Korea admits its forces are on the front lines of Ukraine" in flat
    assert summary.headlines(dataset)["deployed_range"] in flat
    assert "??" not in flat and "{cite" not in flat and ":::" not in flat
    # curly quotes and dashes survive, and every chart is embedded as vector graphics
    assert "’" in text and "–" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "FreeSerif" in fonts


def test_pdf_tables_fit_the_page(pdf):
    log = pdf.with_suffix(".log").read_text(errors="replace")
    too_wide = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert not [w for w in too_wide if w > 30], sorted(too_wide)[-5:]


def test_footer_states_licences_and_pdf_is_offered(built):
    html = page(built, "summary")
    assert "CC BY 4.0" in html and "MIT" in html
    assert 'href="../kursk-claims.pdf"' in html


def test_make_book_with_bad_data_stops_before_notebooks_and_site(tmp_path):
    bad = tmp_path / "data"
    shutil.copytree(ROOT / "data", bad)
    rows = read_rows(bad / "claims.csv")
    rows[0]["value_high"] = "lots"
    write_rows(bad / "claims.csv", rows)
    book_before = snapshot(ROOT / "book")
    site = ROOT / "_build" / "html"
    site_before = snapshot(site) if site.exists() else {}
    result = subprocess.run(
        ["make", "--no-print-directory", "book", f"DATA_DIR={bad}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "claims.csv, row 2, field 'value_high'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "papermill" not in result.stdout
    assert snapshot(ROOT / "book") == book_before
    assert (snapshot(site) if site.exists() else {}) == site_before
