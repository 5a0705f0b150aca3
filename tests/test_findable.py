"""The book found by what it prints: search by a figure as printed ("14,000", "14000"), in
the index and in the browser alike; the register's entries as schema.org Claims in JSON-LD
(expanded by a JSON-LD processor, not matched as strings); OpenGraph and Twitter metadata on
every page; and a sitemap of every page. Figures and claims come from the data, so these
hold for any valid record."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree

import chromium
import pandas as pd
import pytest
import yaml
from pyld import jsonld
from sphinx.errors import ConfigError, ExtensionError
from sphinx.search import SearchLanguage

from analysis.builder import book, claims_jsonld, search, site, sitemap
from analysis.chapters import register
from analysis.data.numbers import figures_in
from analysis.data.values import figure_text
from analysis.paths import ROOT
from analysis.text import anchors

SCHEMA = "https://schema.org/"
BASE_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["html_baseurl"]
needs_browser = pytest.mark.skipif(
    bool(chromium.missing()), reason=f"browser checks need {chromium.missing()}: run `make browser` (as root)"
)


@pytest.fixture(scope="module")
def html() -> Path:
    site.build(ROOT, "html")
    return site.output_dir(ROOT, "html")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for this module's browser tests (each opens its own tab)."""
    with chromium.Browser() as running:
        yield running


def some_figures(ds) -> list[tuple[str, int, str]]:
    """``printed_figures``, or a skip when no claim of the record prints one (all unquantified)."""
    figures = printed_figures(ds)
    if not figures:
        pytest.skip("no claim of this record prints a figure")
    return figures


def printed_figures(ds) -> list[tuple[str, int, str]]:
    """Each figure of a listed claim as its quote prints it, with its value and the word
    printed after it ("3,000", 3000, "reinforcements"), first printing of each."""
    out: dict[str, tuple[str, int, str]] = {}
    listed = register.listed(ds)
    for claim in ds.claims.sort_values("claim_id").to_dict("records"):
        if claim["claim_id"] not in listed:
            continue
        quote = str(claim["quote"])
        values = {int(v) for v in (claim["value_low"], claim["value_high"]) if pd.notna(v)}
        for start, end, value in figures_in(quote):
            if value in values:
                after = re.match(r"\W*([A-Za-z]{4,})", quote[end:])
                out.setdefault(quote[start:end], (quote[start:end], value, after.group(1) if after else ""))
    return list(out.values())


# ----------------------------------------------------------------------------- search terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("14,000 troops", ["14,000", "troops"]),
        ("14000 troops", ["14,000", "troops"]),
        ("around 1,000 of the 11,000", ["around", "1,000", "of", "the", "11,000"]),
        ("1.5 million; 0.25", ["1.5", "million", "0.25"]),
        ("92 killed, 007", ["#92", "killed", "#7"]),
        ("C014 and E028", ["C014", "and", "E028"]),
    ],
)
def test_a_number_is_one_search_term_however_it_is_printed(text, terms):
    assert search.split(text) == terms


def test_words_are_split_as_sphinx_splits_them():
    text = "North Korea’s troops: Kim Jong-un, 김정은 and Zelensky"
    assert search.split(text) == SearchLanguage({}).split(text)


# ----------------------------------------------------------------------------- search in the browser


def _index(html: Path) -> dict:
    """Sphinx's search index, as searchtools.js reads it."""
    return json.loads((html / "searchindex.js").read_text(encoding="utf-8").removeprefix("Search.setIndex(")[:-1])


def test_the_index_holds_each_printed_figure_for_the_register(html, dataset):
    index = _index(html)
    register_doc = index["docnames"].index("book/register")
    for printed, _, _ in some_figures(dataset):
        for term in search.split(printed):
            if term.isalpha():  # a figure in words: its words are indexed as words are
                continue
            docs = index["terms"].get(term)
            assert docs is not None, (printed, term)
            assert register_doc in (docs if isinstance(docs, list) else [docs]), (printed, term)


@needs_browser
def test_the_browser_splits_a_query_as_the_index_does(html, browser):
    samples = ["14,000", "14000", "3,000 reinforcements", "92 killed", "1.5 million", "Kim Jong-un’s C014 007"]
    split = browser.evaluate(html / "search.html", f"{json.dumps(samples)}.map((q) => splitQuery(q))")
    assert split == [search.split(sample) for sample in samples]


@needs_browser
def test_searching_a_figure_as_printed_finds_the_register_and_the_pages_printing_it(html, dataset, browser):
    figures = some_figures(dataset)[:6]
    claims = dataset.claims[dataset.claims["claim_id"].isin(register.listed(dataset))].to_dict("records")
    queries, showing = [], {}
    for printed, value, word in figures:
        forms = [printed]
        if any(ch.isdigit() for ch in printed):
            forms.append(str(value))  # typed without its thousands separators
        if word:
            forms.append(f"{printed} {word}")
        # the entries whose title shows this figure are results themselves, linked to
        term = search.split(printed)[0]
        entries = [
            f"book/{anchors.href(c['claim_id'])}"
            for c in claims
            if term in search.split(figure_text(c["value_low"], c["value_high"], c["qualifier"]))
        ]
        for query in forms:
            # Sphinx lists an entry when its title has every word: not for the figure and its word
            showing.setdefault(query, set()).update(entries if query != f"{printed} {word}" else [])
        queries += forms
    # one after another in one tab, each typed over the last, as a reader searches again
    for query, found in zip(queries, browser.searches(html / "search.html", queries), strict=True):
        assert found["query"] == query and found["console"] == [], found
        links = [r["href"] for r in found["results"]]
        pages = [link.split("#")[0] for link in links]
        assert f"book/{anchors.REGISTER_PAGE}.html" in pages, (query, found["summary"], links)
        assert showing[query] <= set(links), (query, showing[query], links)
        assert re.search(r"found [1-9]\d* page", found["summary"]), found["summary"]


@needs_browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_results_of_a_figure_search_are_readable_on_a_desktop_and_a_phone(html, dataset, width, browser):
    printed = some_figures(dataset)[0][0]
    seen = browser.visit(html / "search.html", width, urlencode({"q": printed}))
    assert [v["id"] for v in seen["axe"] if v["impact"] in ("serious", "critical")] == []
    assert seen["console"] == [] and seen["clipped"] == [] and not seen["pageOverflow"]


@needs_browser
def test_a_figure_the_book_does_not_print_finds_nothing(html, browser):
    terms = _index(html)["terms"]
    absent = next(n for n in range(987_654, 10**7) if not any(search.figure_term(f"{n}") in t for t in terms))
    found = browser.search(html / "search.html", f"{absent:,}")
    assert found["results"] == [], found


# ----------------------------------------------------------------------------- JSON-LD


def _scripts(page: Path) -> list:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    return [json.loads(text) for text in found]


def _no_network(url, options=None):
    raise AssertionError(f"the JSON-LD asked for a remote document: {url}")


@pytest.fixture(scope="module")
def claims_graph(html) -> dict[str, dict]:
    """The register page's claims JSON-LD, expanded by PyLD, its nodes by @id."""
    graphs = [d for d in _scripts(html / "book" / "register.html") if "@graph" in d]
    assert len(graphs) == 1, "one script holds every entry"
    expanded = jsonld.expand(graphs[0], {"documentLoader": _no_network})
    return {node["@id"]: node for node in expanded}


def _one(node: dict, prop: str) -> dict:
    values = node.get(SCHEMA + prop, [])
    assert len(values) == 1, (node.get("@id"), prop, values)
    return values[0]


def _value(node: dict, prop: str):
    return _one(node, prop)["@value"]


def test_every_listed_claim_is_a_claim_with_its_quotation_claimant_and_article(claims_graph, dataset):
    listed = register.listed(dataset)
    claimants = dataset.claimants.set_index("claimant_id")
    sources = dataset.sources.set_index("source_id")
    claims = dataset.claims[dataset.claims["claim_id"].isin(listed)]
    for claim in claims.to_dict("records"):
        node = claims_graph[f"{BASE_URL}book/register.html#{anchors.anchor(claim['claim_id'])}"]
        assert node["@type"] == [SCHEMA + "Claim"]
        assert _value(node, "identifier") == claim["claim_id"]
        quotation = _one(node, "appearance")
        assert quotation["@type"] == [SCHEMA + "Quotation"]
        assert _value(quotation, "text") == claim["quote"]
        article = claims_graph[_one(quotation, "isPartOf")["@id"]]
        assert _one(node, "citation")["@id"] == article["@id"]
        assert article["@type"] == [SCHEMA + "NewsArticle"]
        assert _value(article, "identifier") == claim["source_id"]
        title = sources.loc[claim["source_id"], "title"]
        assert [h["@value"] for h in article.get(SCHEMA + "headline", [])] == ([] if title == "untitled" else [title])
        if claim["claimant_type"] == "unattributed":
            assert SCHEMA + "author" not in node
        else:
            assert _value(_one(node, "author"), "name") == claimants.loc[claim["claimant"], "name"]
        figure = _one(node, "about")
        assert figure["@type"] == [SCHEMA + "QuantitativeValue"]
        for prop, field in (("minValue", "value_low"), ("maxValue", "value_high")):
            expected = [] if pd.isna(claim[field]) else [int(claim[field])]
            assert [v["@value"] for v in figure.get(SCHEMA + prop, [])] == expected
        if pd.notna(claim["stated_end"]):
            assert str(claim["stated_end"].date())[:4] in _value(node, "dateCreated")


def test_every_listed_event_row_is_a_claim_about_an_event(claims_graph, dataset):
    listed = register.listed(dataset)
    for event in dataset.events[dataset.events["event_id"].isin(listed)].to_dict("records"):
        node = claims_graph[f"{BASE_URL}book/register.html#{anchors.anchor(event['event_id'])}"]
        assert node["@type"] == [SCHEMA + "Claim"]
        assert _value(_one(node, "appearance"), "text") == event["quote"]
        about = _one(node, "about")
        assert about["@type"] == [SCHEMA + "Event"] and _value(about, "name") == event["description"]


def test_the_graph_holds_only_the_register_entries_and_their_articles(claims_graph, dataset):
    entries_ = {n for n in claims_graph if n.startswith(BASE_URL)}
    assert len(entries_) == len(register.listed(dataset))
    articles = {n for n in claims_graph if not n.startswith(BASE_URL)}
    assert {_value(claims_graph[a], "identifier") for a in articles} <= set(dataset.sources["source_id"])


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("2025-04-28", "2025-04-28", "day", "2025-04-28"),
        ("2025-01-01", "2025-01-31", "month", "2025-01"),
        ("1943-01-01", "1943-12-31", "year", "1943"),
        ("2025-04-28", "2025-05-02", "interval", "2025-04-28/2025-05-02"),
        ("", "2025-04-28", "on_or_before", "../2025-04-28"),
        ("", "", "unspecified", ""),
    ],
)
def test_dates_keep_their_precision(start, end, precision, expected):
    assert claims_jsonld._date(start, end, precision) == expected


def test_a_register_entry_for_no_row_of_the_data_is_a_clear_error(tmp_path):
    """Bad input: a register built from other data than the book's."""
    data = ROOT / "data"
    with pytest.raises(ExtensionError, match=r"entry 'c999' for no claim or event of .*run `make book`"):
        claims_jsonld.graph(data, ["c999"], lambda label: f"#{label}")


# ----------------------------------------------------------------------------- page metadata, sitemap


def _meta(page: Path) -> dict[str, str]:
    text = page.read_text(encoding="utf-8")
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', text))


def test_every_page_has_opengraph_and_twitter_metadata(html):
    for name in ["index", *(f"book/{c}" for c in book.chapters(ROOT))]:
        meta = _meta(html / f"{name}.html")
        assert meta.get("og:url") == f"{BASE_URL}{name}.html", name
        assert meta.get("og:title") and meta.get("og:type") and meta.get("og:site_name"), (name, meta)
        assert meta.get("twitter:card") == "summary", name
    assert _meta(html / "book" / "troops.html")["og:title"] == "Troop estimates"


def test_the_sitemap_lists_every_page_at_its_published_url(html):
    tree = ElementTree.parse(html / sitemap.NAME)
    urls = [loc.text for loc in tree.getroot().iter(f"{{{sitemap.NAMESPACE}}}loc")]
    expected = sorted(f"{BASE_URL}book/{chapter}.html" for chapter in book.chapters(ROOT))
    assert urls == expected


def test_the_sitemap_is_sorted_and_independent_of_the_build_order():
    assert sitemap.sitemap("https://example.org/b/", ["z.html", "a/b.html"]) == sitemap.sitemap(
        "https://example.org/b", ["a/b.html", "z.html"]
    )


@pytest.mark.parametrize("base", ["nk-kursk-claims.github.io/book/", "/book/", "ftp://host/book/", "https:///book/"])
def test_a_site_url_that_is_not_an_absolute_web_address_is_refused(base):
    with pytest.raises(ConfigError, match=r"html_baseurl in _config.yml is .*absolute URL"):
        sitemap.check_base_url(base)


@pytest.mark.parametrize("base", ["", "https://example.org/", "http://localhost:8000/book"])
def test_a_site_url_that_is_an_absolute_web_address_is_taken(base):
    sitemap.check_base_url(base)
