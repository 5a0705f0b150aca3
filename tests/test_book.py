"""The book builds with zero warnings, and the rendered pages show what a reader needs."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from books import kept_book
from bs4 import BeautifulSoup
from helpers import pdf_links, pdf_text, read_rows, snapshot, visible_text, write_rows

from analysis.builder import book, latex, site
from analysis.builder.pages import tables
from analysis.chapters import page as page_facts
from analysis.chapters import summary
from analysis.compute.estimates import estimates
from analysis.data.vocabulary import SUBJECT, metrics_of
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
    # the chart inline (its marks are links), described for assistive technology
    svg = re.search(r'<figure[^>]*>\s*<div class="output text_html"><svg [^>]*id="chart-' + name + '"[^>]*>', html)
    assert svg, "an inline SVG chart in a figure"
    label = re.search(r'aria-label="([^"]+)"', svg.group(0))
    assert label and len(label.group(1)) > 40, "an SVG chart with a real description"
    assert "<?xml" not in html
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    assert "Sources:" in caption and 'href="bibliography.html#id' in caption
    # the rows it plots, a download away
    csv = re.search(r'href="(\.\./_downloads/[^"]+/' + name + r'\.csv)"', caption)
    assert csv and (built[0] / "book" / csv.group(1)).resolve().is_file()


# An alpha-style citation label: '[Suc25]', '[Def25]', '[seo25]' (from the key), '[SD+25]'.
LABEL = r"\[[A-Za-z][A-Za-z+]{1,3}\d{2}[a-z]?\]"


def test_bibliography_lists_every_article(built, dataset):
    html = page(built, "bibliography")
    body = html[html.find('<article class="bd-article"') :]
    assert body.count('<span class="label">') == len(dataset.sources)
    assert len(set(re.findall(LABEL, visible_text(html)))) == len(dataset.sources)


def test_summary_prose_is_the_leads_with_its_numbers(built, dataset):
    text = visible_text(page(built, "summary"))
    # the lead as the code writes it, cut at its citations (which the page renders as labels)
    for part in re.split(r"\{cite:p\}`[^`]*`", summary.lead(dataset)):
        for sentence in re.sub(r"\\(.)", r"\1", part).split("\n\n"):
            assert " ".join(sentence.split()).strip(" .;") in text, sentence
    values = summary.headlines(dataset)
    for key in ("deployed_range", "killed_range", "n_claims"):
        if values[key] != summary.NONE:
            assert values[key].split(" to ")[0] in text, key
    # single figures with a thousands separator must not turn into tuples such as "(3, 0)"
    assert not re.search(r"\(\d+, \d+\)", text), "a glued number was rendered as a tuple"


def test_tables_show_every_estimate(built, dataset):
    text = visible_text(page(built, "troops"))
    for figure in estimates(dataset, metrics_of(dataset, "troops"))["figure"]:
        assert figure in text


def test_every_metric_is_in_the_chapter_the_method_chapter_names(built, dataset):
    """A metric's chapter is its group in metrics.csv: the method chapter names that chapter,
    and the chapter lists every claim of the metric (the book never says a metric is in a
    chapter that leaves it out); a group with no chapter is said to have none."""
    method = page(built, "method")
    for metric, group in zip(dataset.metrics["metric_id"], dataset.metrics["group"], strict=True):
        row = re.search(rf"<code[^>]*>\s*(?:<span[^>]*>)?{metric}(?:</span>)?\s*</code>(.*?)</tr>", method, re.S)
        assert row, f"{metric} has no row in the method chapter's metrics table"
        chapter = page_facts.chapter_of(group)
        if chapter is None:
            assert "none (" in re.sub(r"<[^>]+>", "", row.group(1)), metric
            continue
        assert f"book/{chapter.name}.html" in row.group(1) or f"{chapter.name}.html" in row.group(1), metric
        shown = visible_text(page(built, chapter.name))
        claims = dataset.claims[(dataset.claims["metric"] == metric) & (dataset.claims["subject"] == SUBJECT)]
        for claim_id in claims["claim_id"]:
            assert claim_id in shown, f"{claim_id} ({metric}, group {group}) is missing from {chapter.name}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_cell_of_a_wide_table_is_labelled_with_its_column_header(built, name):
    """What a phone shows before each cell of a table set as cards (the layout itself is
    test_browser.py's); a table of fewer columns stays a table, unlabelled."""
    soup = BeautifulSoup(page(built, name), "html.parser")
    problems = []
    for number, table in enumerate(soup.select("article table"), 1):
        headers = [" ".join(th.get_text().split()) for th in table.select("thead > tr:last-of-type > th")]
        wide = len(headers) >= tables.MIN_COLUMNS
        if wide != (tables.REFLOWED in table.get("class", [])):
            problems.append(f"table {number} ({len(headers)} columns): class {table.get('class')}")
        for row in table.select("tbody > tr"):
            labels = [cell.get("data-label") for cell in row.find_all(["td", "th"], recursive=False)]
            if labels != (headers if wide else [None] * len(labels)):
                problems.append(f"table {number}: cells labelled {labels}, headers {headers}")
                break
    assert problems == []


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
    assert len(set(re.findall(LABEL, flat))) == len(dataset.sources)
    assert summary.headlines(dataset)["deployed_range"] in flat
    assert "??" not in flat and "{cite" not in flat and ":::" not in flat
    # curly quotes and dashes survive, and every chart is embedded as vector graphics
    assert "’" in text and "–" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "FreeSerif" in fonts


def pdf_pages(pdf: Path) -> list[str]:
    return pdf_text(pdf).split("\f")[:-1]  # pdftotext ends every page with a form feed


def test_pdf_has_no_blank_page(pdf):
    pages = pdf_pages(pdf)
    assert 25 <= len(pages) <= 80, "one-sided, chapters on any page: no padding pages"
    assert [n for n, text in enumerate(pages, 1) if not text.strip()] == []


def test_pdf_lines_and_figures_fit_the_page(pdf):
    log = pdf.with_suffix(".log").read_text(errors="replace")
    too_wide = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert not [w for w in too_wide if w > 3], sorted(too_wide)[-5:]
    assert "Float too large" not in log
    assert "Missing character" not in log


def test_pdf_metadata_names_the_report_and_dates_it_by_its_data(pdf):
    info = subprocess.run(["pdfinfo", "-isodates", str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(re.findall(r"^(\w+):\s+(.*)$", info, re.M))
    assert fields["Title"] == book.latex_document(ROOT)[2]
    assert fields["Author"] == book.latex_document(ROOT)[3]
    assert "North Korean troops" in fields["Subject"] and "Kursk" in fields["Keywords"]
    assert fields["CreationDate"].startswith(latex.data_date(ROOT / "data").isoformat())


def test_title_page_states_coverage_data_version_and_licence_but_no_build_day(pdf):
    first = " ".join(pdf_pages(pdf)[0].split())
    assert book.latex_document(ROOT)[2] in first
    assert latex.data_version(ROOT / "data") in first
    assert "CC BY 4.0" in first and "MIT" in first
    today = datetime.date.today()
    for shown in (today.isoformat(), f"{today:%b %d, %Y}", f"{today.day} {today:%B %Y}"):
        assert shown not in first


def test_pdf_outline_follows_the_chapters_with_one_bibliography(pdf):
    bookmarks = pdf.with_suffix(".out").read_text()
    top = [_pdf_string(title) for title in re.findall(r"\\BOOKMARK \[0\]\[-\]\{[^}]*\}\{([^}]*)\}", bookmarks)]
    assert top == list(CHAPTERS.values())
    contents = " ".join(pdf_pages(pdf)[1].split())
    assert contents.count("Bibliography") == 1
    assert " ".join(pdf_pages(pdf)[-1].split()).count("Bibliography") == 1


def _pdf_string(octal: str) -> str:
    """A hyperref bookmark title (UTF-16 with a byte-order mark, written as octal escapes)."""
    raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), octal.encode("latin-1"))
    return raw.decode("utf-16")


def test_pdf_citations_and_cross_references_are_links(pdf, dataset):
    links = pdf_links(pdf)
    cited = [target for target in links if target.startswith("cite.")]
    assert len(cited) == len(dataset.sources), "every article, cited by a link"
    # numbered chapters, then the lettered appendices (the claims register onwards)
    chapters = [n for target, n in links.items() if target.startswith(("chapter.", "appendix."))]
    assert len(chapters) == len(CHAPTERS), "the contents link every chapter"
    assert sum(chapters) > len(CHAPTERS), "and so do the chapters' references to one another"


def test_pdf_bytes_are_reproducible(pdf):
    """A build elsewhere from the same inputs writes the same bytes (dates from the data):
    the kept book of today's record (books.py), built in a folder of its own by the same
    build, from scratch on a fresh clone (as CI runs it)."""
    elsewhere = kept_book("today", editions=("html", "pdf"))
    assert site.pdf_path(elsewhere).read_bytes() == pdf.read_bytes()


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
