"""The claims register as linked data: schema.org JSON-LD of every entry on its page.

A Sphinx extension (``sphinx.extra_extensions`` in ``_config.yml``). On a page that holds
register entries (``analysis.builder.entries`` notes them in its domain),
``html-page-context`` adds one ``<script type="application/ld+json">`` whose ``@graph`` has
a node per entry, with the entry's URL as its ``@id`` (``…/book/register.html#c014``), made from the row of
``claims.csv`` or ``events.csv`` the entry shows:

* a claim is a ``Claim``: its ``author`` the claimant, ``dateCreated`` when it was stated,
  ``temporalCoverage`` the period it covers, ``about`` the figure (a ``QuantitativeValue``),
  its ``appearance`` the verbatim ``Quotation`` (its ``text``), which ``isPartOf`` the
  article, and ``citation`` the article (a ``NewsArticle``);
* an event row is a ``Claim`` too, ``about`` an ``Event``. A row of events.csv is what one
  article says happened and when, not the event itself: two articles reporting one event
  are two rows, and may date it differently (that is what the chronology compares). An
  ``Event`` node per row would assert each dating as a fact.

Dates keep the precision the record gives them: a day ("2025-04-28"), a month ("2025-01"),
and otherwise the interval in ISO 8601 ("2025-04-28/2025-05-02"; ".." for an open end).
The context is ``{"@vocab": "https://schema.org/"}``: every term is schema.org's, and
expanding the JSON-LD needs no remote context (references between nodes are ``@id``
objects, which is what schema.org's own context would make of them).
"""

from __future__ import annotations

import csv
from pathlib import Path

from sphinx.errors import ExtensionError

from analysis.builder.entries import RegisterDomain
from analysis.builder.jsonld import script
from analysis.data.vocabulary import PRINTED_SOURCE_FIELDS
from analysis.text.anchors import anchor

VOCABULARY = "https://schema.org/"
# the register's tables, by the prefix of the entries' ids
ROWS = {"claims.csv": "claim_id", "events.csv": "event_id"}


def graph(data_dir: Path, labels: list[str], url) -> dict:
    """The JSON-LD of the entries named by ``labels``; ``url(label)`` is an entry's URL."""
    tables = {name: _rows(data_dir / name) for name in [*ROWS, "sources.csv", "claimants.csv"]}
    claims = {anchor(r["claim_id"]): r for r in tables["claims.csv"]}
    events = {anchor(r["event_id"]): r for r in tables["events.csv"]}
    sources = {r["source_id"]: r for r in tables["sources.csv"]}
    claimants = {r["claimant_id"]: r for r in tables["claimants.csv"]}
    entries, cited = [], {}
    for label in labels:
        if label in claims:
            row = claims[label]
            entries.append(_claim(row, claimants.get(row["claimant"], {}), url(label)))
        elif label in events:
            row = events[label]
            entries.append(_event(row, url(label)))
        else:
            raise ExtensionError(
                f"the register has an entry {label!r} for no claim or event of {data_dir}: "
                "the register notebook was run on other data (run `make book`)"
            )
        cited[row["source_id"]] = sources[row["source_id"]]
    articles = [_article(source) for _, source in sorted(cited.items())]
    return {"@context": {"@vocab": VOCABULARY}, "@graph": [*entries, *articles]}


def _rows(path: Path) -> list[dict]:
    # utf-8-sig and csv's own newline handling: a BOM or CRLF is fine in the data (README)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _claim(row: dict, claimant: dict, url: str) -> dict:
    node = {
        "@id": url,
        "@type": "Claim",
        "identifier": row["claim_id"],
        **_appearance(row),
        "about": _figure(row),
    }
    if row["claimant_type"] != "unattributed":
        node["author"] = {
            "@type": "Organization",
            "identifier": row["claimant"],
            "name": claimant.get("name") or row["claimant"],
        }
    for key, value in (
        ("dateCreated", _date(row["stated_start"], row["stated_end"], row["stated_precision"])),
        ("temporalCoverage", _date(row["period_start"], row["period_end"], row["period_precision"])),
        ("creativeWorkStatus", row["status"]),
    ):
        if value:
            node[key] = value
    return node


def _event(row: dict, url: str) -> dict:
    event = {"@type": "Event", "name": row["description"], "identifier": row["event_key"]}
    when = _date(row["date_start"], row["date_end"], row["date_precision"])
    if when:
        event["startDate"] = when
    return {"@id": url, "@type": "Claim", "identifier": row["event_id"], **_appearance(row), "about": event}


def _appearance(row: dict) -> dict:
    article = {"@id": _article_id(row["source_id"])}
    quotation = {"@type": "Quotation", "text": row["quote"], "isPartOf": article}
    return {"appearance": quotation, "citation": article}


def _figure(row: dict) -> dict:
    value = {"@type": "QuantitativeValue", "unitText": row["metric"]}
    for key, field in (("minValue", "value_low"), ("maxValue", "value_high")):
        if row[field]:
            value[key] = int(row[field])
    return value


def _article_id(source_id: str) -> str:
    # the articles have no URL of their own (they are archived copies): blank nodes
    return f"_:article-{source_id}"


def _article(source: dict) -> dict:
    node = {"@id": _article_id(source["source_id"]), "@type": "NewsArticle", "identifier": source["source_id"]}
    printed = {field: source[field] for field, absent in PRINTED_SOURCE_FIELDS.items() if source[field] != absent}
    if "title" in printed:
        node["headline"] = printed["title"]
    if "author" in printed:
        node["author"] = {"@type": "Person", "name": printed["author"]}
    if "outlet" in printed:
        node["publisher"] = {"@type": "Organization", "name": printed["outlet"]}
    published = _date(source["published_start"], source["published_end"], source["published_precision"])
    if published:
        node["datePublished"] = published
    return node


def _date(start: str, end: str, precision: str) -> str:
    """A dated interval of the record, at its precision, in ISO 8601 ('' when undated)."""
    if not (start or end):
        return ""
    if start == end:
        return start
    if precision == "month":
        return start[:7]
    if precision == "year":
        return start[:4]
    return f"{start or '..'}/{end or '..'}"


def _add_to_page(app, pagename, templatename, context, doctree) -> None:
    labels = [label for label, _ in app.env.get_domain(RegisterDomain.name).entries(pagename)]
    if not labels:
        return
    base = app.config.html_baseurl.rstrip("/")
    page = f"{base}/{app.builder.get_target_uri(pagename)}" if base else context["pathto"](pagename)
    data = graph(Path(app.srcdir) / "data", labels, lambda label: f"{page}#{label}")
    context["metatags"] = context.get("metatags", "") + script(data)


def setup(app) -> dict:
    app.connect("html-page-context", _add_to_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
