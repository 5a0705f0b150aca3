"""The claims register: an entry under a stable anchor for every claim and event, in both
editions, and every figure of the troop, casualty and summary tables linked to it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import records
from docutils import nodes
from helpers import link_targets, parts_text, pdf_text, register_entries

from analysis.builder import entries, site
from analysis.chapters import estimate_tables, register, summary
from analysis.compute.estimates import estimates
from analysis.data.numbers import as_printed
from analysis.data.values import figure_text, when_text
from analysis.data.vocabulary import DISAGREEMENT_KINDS, metrics_of
from analysis.paths import ROOT
from analysis.text import anchors, markup, prose
from analysis.text.anchors import anchor
from analysis.text.links import linked, linked_ids

# ----------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("quote", "values", "expected"),
    [
        ("between 10,000 and 12,000 North Korean troops", [10000, 12000], "10,000 and 12,000"),
        ("around 1,000 of the 11,000 North Korean soldiers", [1000], "1,000"),
        ("around 1,000 of the 11,000 North Korean soldiers", [11000], "11,000"),
        ("captured around ninety-two settlements", [92], "ninety-two"),
        ("dozens of soldiers", [12], ""),
    ],
)
def test_as_printed_finds_the_figure_in_the_quote(quote, values, expected):
    assert as_printed(quote, values) == expected


def test_linked_links_a_figure_to_its_claim_and_lists_merged_claims():
    assert linked("14,000", ["C006"]) == "[14\\,000](#c006)"
    assert linked("14,000", ["C006", "C017"]) == "[14\\,000](#c006) \\[[C006](#c006), [C017](#c017)\\]"
    assert linked("not quantified", []) == "not quantified"
    # the label is data: it is escaped, so it cannot close the link or open markup
    assert linked("1](http://x) **b**", ["C001"]) == "[1\\]\\(http\\:\\/\\/x\\) \\*\\*b\\*\\*](#c001)"
    assert linked_ids(["E001", "E002", "E001"], listed={"E001"}) == "[E001](#e001), E002"


def _fields(entry: dict) -> dict:
    return dict((name, value) for name, value in entry["fields"])


def test_every_claim_and_event_has_an_entry_with_its_quote(dataset):
    claims = register_entries(register.claim_entries(dataset))
    events = register_entries(register.event_entries(dataset))
    for table, listed_entries, id_field in ((dataset.claims, claims, "claim_id"), (dataset.events, events, "event_id")):
        assert [e["label"] for e in listed_entries] == sorted(anchors.anchor(i) for i in table[id_field])
        quotes = {e["label"]: parts_text(_fields(e)["Quote"]) for e in listed_entries}
        for row in table.to_dict("records"):
            assert quotes[anchors.anchor(row[id_field])] == f"“{markup.flat(row['quote'])}”", row[id_field]


def test_a_claim_entry_holds_what_the_record_says_about_it(dataset):
    """The first attributed claim with a figure that a disagreement quotes, read back from its entry."""
    linked = dataset.disagreement_quotes.dropna(subset=["claim_id"])
    claims = dataset.claims.sort_values("claim_id")
    candidates = claims[claims["value_high"].notna() & claims["attribution"].notna()]
    claim = candidates[candidates["claim_id"].isin(linked["claim_id"])].iloc[0]
    entry = next(e for e in register_entries(register.claim_entries(dataset)) if e["label"] == anchor(claim.claim_id))
    fields = _fields(entry)
    figure = figure_text(claim.value_low, claim.value_high, claim.qualifier)
    label = dataset.metrics.set_index("metric_id").loc[claim.metric, "label"]
    assert entry["title"] == f"{claim.claim_id} · {figure} · {label}"
    assert fields["Figure"][0] == {"strong": figure}
    values = [v for v in (claim.value_low, claim.value_high) if pd.notna(v)]
    printed = as_printed(claim.quote, values)
    assert printed and printed in claim.quote and f"printed “{printed}”" in parts_text(fields["Figure"])
    # attribution as printed
    assert fields["Attribution"] == [f"“{markup.flat(claim.attribution)}”"]
    assert fields["Article"] == [{"cite": [claim.source_id]}, ""]
    when = when_text(claim.stated_start, claim.stated_end, claim.stated_precision)
    assert parts_text(fields["Stated"]).startswith(f"{when} ({claim.stated_precision.replace('_', ' ')}); basis: ")
    # each disagreement quoting it sets it against the rows quoted on the other sides, each linked to its entry
    for did in sorted(set(linked[linked["claim_id"] == claim.claim_id]["disagreement_id"])):
        d = dataset.disagreements.set_index("disagreement_id").loc[did]
        item = next(i for i in fields["Disagreements"]["items"] if i[0] == {"strong": did})
        kind = DISAGREEMENT_KINDS[d["kind"]].lower()
        assert parts_text(item).startswith(f"{did} ({kind}): {markup.flat(d['topic'])}.")
        others = set(linked[linked["disagreement_id"] == did]["claim_id"]) - {claim.claim_id}
        assert others and all({"link": [o, anchor(o)]} in item for o in others), (did, others)


def test_entries_link_the_same_report_in_other_articles(tmp_path):
    """In a generated record, Ukrainian officials' 14,000 deployed is in the first and the third article."""
    many = records.build(tmp_path, records.scenario("many"))
    same = many.claims[(many.claims["claimant"] == "ua_officials") & (many.claims["metric"] == "deployed")]
    assert list(same["source_id"]) == ["article000", "article002"]
    first, third = same["claim_id"]
    entries = {e["label"]: _fields(e) for e in register_entries(register.claim_entries(many))}
    assert entries[anchor(first)]["Also reported as"] == [{"link": [third, anchor(third)]}]
    assert entries[anchor(third)]["Also reported as"] == [{"link": [first, anchor(first)]}]
    # no other claim of the record reports the same thing
    assert [label for label, fields in entries.items() if "Also reported as" in fields] == sorted(
        map(anchor, same["claim_id"])
    )


def test_entry_text_is_data_not_markup():
    """A field's text reaches the page as text, whatever markup it looks like."""
    literal = "**not bold** [x](#c001) <script>alert(1)</script> {cite:p}`key`"
    node = entries.entry_fields(fields=[["Quote", [literal]], ["Figure", [{"strong": "1,000"}, " (about)"]]])
    built = entries.field_list(node)
    assert built.astext() == f"Quote\n\n{literal}\n\nFigure\n\n1,000 (about)"
    assert len(list(built.findall(nodes.strong))) == 1 and not list(built.findall(nodes.reference))


def test_a_larger_record_lists_the_first_events_and_links_only_listed_ones(dataset):
    many = pd.concat([dataset.events] * (prose.REGISTER_ENTRIES // len(dataset.events) + 2), ignore_index=True)
    many["event_id"] = [f"E{i:04d}" for i in range(len(many))]
    big = type(dataset)({**dataset.tables, "events": many}, dataset.descriptor, dataset.data_dir, dataset.archive_dir)
    text_ = register.event_entries(big)
    events = register_entries(text_)
    assert len(events) == prose.REGISTER_ENTRIES < len(many)
    assert f"The first {prose.REGISTER_ENTRIES} of {len(many)} events" in text_
    last = many["event_id"].iloc[-1].lower()
    claims = register_entries(register.claim_entries(big))
    assert last not in link_targets(events + claims) | {e["label"] for e in events}
    assert link_targets(events + claims) <= {e["label"] for e in events + claims}


def _figure_links(markdown: str) -> list[tuple[str, str]]:
    """(label, claim id) of every linked figure in a table's Markdown."""
    return [
        (m.group(1), m.group(2).upper())
        for m in re.finditer(r"(?<!\\)\[\*{0,2}([^\[\]]*?)\*{0,2}\]\(#(c\d+)\)", markdown)
    ]


def test_table_figures_link_to_a_claim_with_that_figure(dataset):
    claims = dataset.claims.set_index("claim_id")
    printed = {
        cid: text_
        for cid, r in claims.iterrows()
        for text_ in [markup.text(figure_text(r["value_low"], r["value_high"], r["qualifier"]))]
    }
    for group in ("troops", "casualties"):
        est = estimates(dataset, metrics_of(dataset, group))
        for md in (estimate_tables.estimates_table(est), estimate_tables.attribution_table(est)):
            figures = [(label, cid) for label, cid in _figure_links(md) if not re.fullmatch(r"C\d+", label)]
            assert len(figures) == len(est)
            for label, cid in figures:
                assert printed[cid] == label, (label, cid)
    headline = summary.headline_table(dataset)
    for label, cid in _figure_links(headline):
        if not re.fullmatch(r"C\d+", label):
            bounds = {claims.loc[cid, "value_low"], claims.loc[cid, "value_high"]}
            assert int(label.replace("\\,", "")) in bounds, (label, cid)


# ----------------------------------------------------------------------------- editions


class _Cells(HTMLParser):
    """The cells of every table of a page, each as its text and the hrefs of its links."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[tuple[str, list[str]]]]] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = ["", []]
        elif tag == "a" and self._cell is not None:
            self._cell[1].append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append((" ".join(self._cell[0].split()), self._cell[1]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data


@pytest.fixture(scope="module")
def html() -> Path:
    site.build(ROOT, "html")
    return site.output_dir(ROOT, "html") / "book"


def test_every_claim_and_event_has_an_anchor_in_the_html_register(html, dataset):
    page = (html / "register.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', page))
    for record_id in [*dataset.claims["claim_id"], *dataset.events["event_id"]]:
        assert anchors.anchor(record_id) in ids, record_id


@pytest.mark.parametrize("chapter", ["troops", "casualties"])
def test_every_figure_cell_links_to_the_register_entry_of_a_claim_with_that_figure(html, dataset, chapter):
    claims = dataset.claims.set_index("claim_id")
    parser = _Cells()
    parser.feed((html / f"{chapter}.html").read_text(encoding="utf-8"))
    checked = 0
    for table in parser.tables:
        header = [text_ for text_, _ in table[0]]
        if "Figure" not in header:
            continue
        column = header.index("Figure")
        for row in table[1:]:
            shown, hrefs = row[column]
            assert hrefs, f"{chapter}: figure {shown!r} links nowhere"
            target = re.fullmatch(r"register\.html#(c\d+)", hrefs[0])
            assert target, hrefs[0]
            claim = claims.loc[target.group(1).upper()]
            assert shown.startswith(figure_text(claim["value_low"], claim["value_high"], claim["qualifier"]))
            checked += 1
    assert checked >= 2 * len(estimates(dataset, metrics_of(dataset, chapter)))


def test_register_targets_resolve_in_html(html):
    """Every link into the register names an anchor the register page has."""
    anchors_ = set(re.findall(r'id="([^"]+)"', (html / "register.html").read_text(encoding="utf-8")))
    for page in html.glob("*.html"):
        for target in re.findall(r'href="register\.html#([^"]+)"', page.read_text(encoding="utf-8")):
            assert target in anchors_, (page.name, target)


@pytest.fixture(scope="module")
def pdf() -> Path:
    site.build(ROOT, "pdf")
    return site.pdf_path(ROOT)


def _squashed(value: str) -> str:
    """Text without spaces and hyphens: LaTeX breaks lines (and words) where it likes."""
    return re.sub(r"[\s\-‐­]", "", value)


def test_every_quote_is_in_the_pdf_register_appendix(pdf, dataset):
    pages = pdf_text(pdf).split("\f")
    start = next(i for i, page in enumerate(pages) if re.search(r"^\s*A\s+Claims register\s*$", page, re.M))
    appendix = "\f".join(pages[start:])
    flat = _squashed(appendix)
    for table, id_field in ((dataset.claims, "claim_id"), (dataset.events, "event_id")):
        for row in table.to_dict("records"):
            assert f"{row[id_field]} ·" in appendix, row[id_field]
            assert _squashed(row["quote"]) in flat, row[id_field]


def test_pdf_register_is_an_appendix_and_its_entries_are_link_targets(pdf, dataset):
    tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
    assert tex.index("\\appendix") < tex.index("\\chapter{Claims register}")
    # the tables' figures are hyperlinks to the entries' labels: the troop table's first figure too
    first = anchor(estimates(dataset, metrics_of(dataset, "troops"))["claim_ids"].iloc[0][0])
    assert f"\\hyperref[\\detokenize{{book/register:{first}}}]" in tex
    assert f"\\label{{\\detokenize{{book/register:{first}}}}}" in tex


def test_each_entry_stays_on_its_line_whatever_the_data_holds(dataset):
    """The directive reads one entry per line: no character of the data may break one."""
    claims = dataset.claims.copy()
    first = claims["claim_id"].idxmin()  # the first entry
    claims.loc[first, "notes"] = "a\u2028b\x0cc\x1ed\u0085e 김정은 {\n}"
    odd = type(dataset)({**dataset.tables, "claims": claims}, dataset.descriptor, dataset.data_dir, dataset.archive_dir)
    text_ = register.claim_entries(odd)
    assert len(text_.splitlines()) == len(text_.split("\n"))
    notes = _fields(register_entries(text_)[0])["Notes"]
    assert notes == [markup.flat(claims.loc[first, "notes"])] and "김정은" in notes[0]
