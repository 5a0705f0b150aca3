"""Markdown for the book's tables and lists, built from the dataset.

Notebooks display these strings with ``IPython.display.Markdown``; myst-nb parses them
as MyST, so ``{cite:p}`` roles resolve against references.bib. Data values always pass
through ``markup.text`` first.
"""

from __future__ import annotations

import pandas as pd

from analysis.chronology import ACKNOWLEDGEMENT
from analysis.estimates import claims_with_vocab
from analysis.formatting import (
    capitalised,
    claimant_kind,
    counted,
    figure_text,
    listed,
    number,
    percent,
    when_phrase,
    when_text,
)
from analysis.links import link, linked, linked_ids, with_value
from analysis.markup import LIST_LIMIT, capped, cite, download, glued_figure, table, text

QUALIFIER_WORDS = {
    "exact": "exact",
    "approximately": "approximately",
    "up_to": "up to",
    "between": "between",
    "at_least": "at least",
    "unquantified": "not quantified",
}
# Beyond this many articles a column per article no longer fits the page.
MATRIX_LIMIT = 8
# Beyond this many disagreements the chapter counts them by kind and quotes the first ones.
DISAGREEMENT_LIMIT = 30
KIND_WORDS = {
    "attribution": "Conflicting attribution",
    "figure": "Conflicting figures",
    "date": "Conflicting dates",
    "place": "Conflicting place",
    "self_contradiction": "An article contradicts itself",
    "error": "Error in an article",
    "wording": "Different wording of the same statement",
}


def parameters_note(as_of, claimants=None, ds=None, filters_claimants: bool = True) -> str:
    """What the page is computed from: everything, or what was stated by ``as_of``, and whose claims.

    Claimants are named by their display names when ``ds`` is given; a chapter that does
    not filter by claimant (``filters_claimants=False``) says so instead of pretending to.
    """
    scope = (
        f"claims and events stated by {pd.Timestamp(as_of).day} {pd.Timestamp(as_of):%B %Y}"
        if as_of
        else "every claim and event in the dataset"
    )
    note = f"Computed from {text(scope)}"
    if claimants:
        names = dict(zip(ds.claimants["claimant_id"], ds.claimants["name"], strict=True)) if ds is not None else {}
        who = listed([names.get(c, c) for c in claimants])
        if filters_claimants:
            note += f"; estimates limited to those of {text(who)}"
        else:
            note += f". The claimant selection ({text(who)}) does not apply to this chapter"
    return f"*{note}.*"


def _qualifier(q: str) -> str:
    return " / ".join(QUALIFIER_WORDS.get(part, part) for part in q.split(" / "))


def by_figure(est: pd.DataFrame) -> pd.DataFrame:
    """Estimates metric by metric as given, and within a metric by figure, lowest first
    (its lower bound, or its upper one when it has none; unquantified last): the spread
    between claimants reads down the table."""
    metric = est["metric"].map({m: i for i, m in enumerate(dict.fromkeys(est["metric"]))})
    return (
        est.assign(_metric=metric, _figure=est["value_low"].fillna(est["value_high"]))
        .sort_values(["_metric", "_figure", "value_high"], na_position="last", kind="stable")
        .drop(columns=["_metric", "_figure"])
    )


def estimates_table(est: pd.DataFrame, entries: set[str] | None = None) -> str:
    """``entries``: the claims with a register entry (``register.listed``), which figures link to."""
    if est.empty:
        return "*No estimate in this selection.*"
    est = by_figure(est)
    rows = [
        [
            text(r["claimant_name"]),
            text(r["metric_label"]),
            linked(r["figure"], r["claim_ids"][:1], listed=entries),
            text(_qualifier(r["qualifier"])),
            text(r["when"]),
            linked_ids(r["claim_ids"], entries),
            cite(r["source_ids"]),
        ]
        for _, r in est.head(LIST_LIMIT).iterrows()
    ]
    shown = capped(
        ["Claimant", "Metric", "Figure", "Qualifier", "Stated", "Rows", "Sources"],
        rows,
        widths=[22, 16, 12, 13, 14, 9, 14],
        source="claims.csv",
        total=len(est),
    )
    return by_type_table(est, entries) + "\n\n" + shown if len(est) > LIST_LIMIT else shown


def by_type_table(est: pd.DataFrame, entries: set[str] | None = None) -> str:
    """Per metric and kind of claimant: how many estimates, the lowest and the highest."""
    rows = []
    for (label, kind), g in est.groupby(["metric_label", "claimant_type"], sort=False):
        values = pd.concat([g["value_low"], g["value_high"]]).dropna()
        low, high = (
            (linked(number(v), with_value(g, v), listed=entries) for v in (values.min(), values.max()))
            if not values.empty
            else ("—", "—")
        )
        sources = [s for ids in g["source_ids"] for s in ids]
        rows.append(
            [
                text(label),
                text(claimant_kind(kind)),
                str(len(g)),
                low,
                high,
                str(len(set(sources))),
            ]
        )
    return table(
        ["Metric", "Kind of claimant", "Estimates", "Lowest", "Highest", "Articles"],
        rows,
        widths=[22, 22, 14, 14, 14, 14],
    )


def attribution_table(est: pd.DataFrame, entries: set[str] | None = None) -> str:
    """How each article words the attribution of each estimate."""
    est = by_figure(est)
    rows = [
        [
            text(r["claimant_name"]),
            linked(r["figure"], r["claim_ids"], listed=entries),
            text("; ".join(f"“{a}”" for a in r["attributions"]) or "unattributed"),
            cite(r["source_ids"]),
        ]
        for _, r in est.head(LIST_LIMIT).iterrows()
    ]
    return capped(
        ["Claimant", "Figure", "Attribution as printed", "Reported by"],
        rows,
        widths=[28, 14, 40, 18],
        source="claims.csv",
        total=len(est),
    )


def metric_definitions(ds, metrics: list[str]) -> str:
    m = ds.metrics.set_index("metric_id")
    return "\n".join(
        f"- **{text(m.loc[k, 'label'])}** (`{k}`): {text(m.loc[k, 'definition'])}" for k in metrics if k in m.index
    )


def derived_table(derived: pd.DataFrame, entries: set[str] | None = None) -> str:
    if derived.empty:
        return "*No derived figure can be computed from this selection.*"
    rows = []
    for _, r in derived.head(LIST_LIMIT).iterrows():
        if r["unit"] == "share":
            result = (
                percent(r["low"])
                if r["low"] == r["high"]
                else f"{percent(min(r['low'], r['high']))}–{percent(max(r['low'], r['high']))}"
            )
        else:
            result = number(r["low"])
        rows.append(
            [
                text(r["name"]),
                text(r["formula"]),
                "; ".join(
                    link(text(i), c) if entries is None or c in entries else text(i)
                    for i, c in zip(r["inputs"], r["input_claims"], strict=True)
                ),
                text(result),
                cite(r["sources"]),
            ]
        )
    return capped(
        ["Derived figure", "Formula", "Inputs (claim rows)", "Result", "Sources"],
        rows,
        widths=[22, 16, 34, 12, 16],
        source="claims.csv (inputs)",
        total=len(derived),
    )


def timeline_table(tl: pd.DataFrame, numbered: bool = False) -> str:
    """The events; ``numbered``: with the numbers the chronology chart gives its rows."""
    if tl.empty:
        return "*No event in this selection.*"
    rows = []
    for n, (_, r) in enumerate(tl.iterrows(), 1):
        if len(r["datings"]) == 1:
            when = text(r["datings"][0]["when"])
        else:
            when = "; ".join(f"{text(d['when'])} {cite(d['source_ids'])}" for d in r["datings"])
        row = [when, text(r["label"]), text(r["actor"]), text(r["category"]), cite(r["source_ids"])]
        rows.append([str(n), *row] if numbered else row)
    header, widths = ["Date", "Event", "Actor", "Kind", "Reported by"], [22, 38, 16, 10, 14]
    if numbered:
        header, widths = ["No.", *header], [5, 20, 36, 16, 10, 14]
    return capped(header, rows, widths=widths, source="events.csv")


def timeline_caption(window: pd.DataFrame, background: pd.DataFrame) -> str:
    """The chronology chart's caption: what it draws, how, and what it leaves to the tables."""
    if window.empty:
        drawn = "No event in this selection."
    elif len(window) == 1:
        d = window.iloc[0]["datings"][0]
        drawn = f"The chart shows one event, {text(when_phrase(d['start'], d['end'], d['precision']))}."
    else:
        first, last = window["date_end"].min(), window["date_end"].max()
        drawn = f"The {counted(len(window), 'event')} from {first:%B %Y} to {last.day} {last:%B %Y}."
    how = (
        " A dot is an event dated to the day; a bar spans the week, month, season or interval the wording "
        "allows; a dotted line ending in a tick marks an event known only to precede a date. The numbers "
        "are those of the events table below, which describes each event."
    )
    n, verb = len(background), "is" if len(background) == 1 else "are"
    left_out = f" {counted(n, 'earlier background event').capitalize()} {verb} listed in the table only." if n else ""
    return drawn + how + left_out


def chronology_intro(ds, tl: pd.DataFrame) -> str:
    """The chronology's opening from the data: how many events, from when to when, and how
    many of the articles carry a publication date of their own."""
    if tl.empty:
        span = "This selection holds no dated event."
    elif len(tl) == 1:
        d = tl.iloc[0]["datings"][0]
        span = f"The record dates one event, {text(when_phrase(d['start'], d['end'], d['precision']))}."
    else:
        first = tl["date_start"].fillna(tl["date_end"]).min()
        last = tl["date_end"].max()
        span = f"The record dates {counted(len(tl), 'event')}, from {first:%B %Y} to {last.day} {last:%B %Y}."
    n = len(ds.sources)
    dated = int((ds.sources["published_precision"] == "day").sum())
    if n == 1:
        dateline = "The article carries a publication date." if dated else "The article carries no publication date."
    elif dated == n:
        dateline = f"Each of the {counted(n, 'article').split()[0]} articles carries a publication date."
    elif dated == 0:
        dateline = f"None of the {counted(n, 'article').split()[0]} articles carries a publication date."
    else:
        verb = "carries" if dated == 1 else "carry"
        dateline = f"{capitalised(counted(dated, 'article'))} of {n} {verb} a publication date."
    return f"{span} {dateline}"


def date_anchor(ds) -> str:
    """How the day the articles' relative dates hang on was resolved, in the words the
    curators recorded with that event (its ``date_basis``); empty when the record has no
    such event dated to the day."""
    events = ds.events
    anchors = events[(events["event_key"] == ACKNOWLEDGEMENT) & (events["date_precision"] == "day")]
    if anchors.empty:
        return ""
    e = anchors.sort_values("event_id").iloc[0]
    what = str(e["description"]).strip()
    what += "" if what.endswith((".", "!", "?")) else "."
    return (
        f'**The anchor.** The articles\' relative dates ("on Monday", "last week") count from one '
        f"event, {link(text(e['event_id']), e['event_id'])}: {text(what)} It falls on "
        f"{text(when_text(e['date_start'], e['date_end'], 'day'))}, by this reasoning: {text(e['date_basis'])}"
    )


def date_resolution_table(ds) -> str:
    """Each distinct relative dating, how it was resolved, and the basis given."""
    ev = ds.events
    seen, rows = set(), []
    for _, r in ev.sort_values(["date_end", "event_id"]).iterrows():
        key = (r["date_start"], r["date_end"], r["date_precision"], r["date_basis"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            [
                text(when_text(r["date_start"], r["date_end"], r["date_precision"])),
                text(r["date_precision"]),
                text(r["date_basis"]),
                cite([r["source_id"]]),
            ]
        )
    # the method chapter lists every distinct dating: a short list unless the data is huge
    return capped(
        ["Resolved to", "Precision", "Basis in the text", "Example"],
        rows,
        widths=[16, 12, 60, 12],
        limit=4 * LIST_LIMIT,
        source="events.csv",
    )


def source_matrix(ds) -> str:
    """Which article reported which figure: claim ids in the cells, one row per figure and
    claimant, in the report's order of metrics and, within a metric, by figure."""
    claims = _in_report_order(ds, claims_with_vocab(ds))
    sources = list(ds.sources["source_id"])
    if len(sources) > MATRIX_LIMIT:
        return _reports_per_figure(claims)
    header = ["Figure", "Claimant"] + [cite([s]) for s in sources]
    rows = []
    grouped = claims.groupby(["metric", "value_low", "value_high", "claimant"], dropna=False, sort=False)
    for _, g in grouped:
        first = g.iloc[0]
        label = f"{first['metric_label']}: {figure_text(first['value_low'], first['value_high'], first['qualifier'])}"
        cells = [text(", ".join(g[g["source_id"] == s]["claim_id"])) for s in sources]
        rows.append([text(label), text(first["claimant_name"]), *cells])
    return table(header, rows, widths=[26, 24] + [10] * len(sources))


def _in_report_order(ds, claims: pd.DataFrame) -> pd.DataFrame:
    """Claims by metric as metrics.csv lists them (the order of the chapters), then by
    figure (its lower bound, or its upper bound when it has none, then its upper bound;
    unquantified last), then by claimant and claim id."""
    position = {metric: i for i, metric in enumerate(ds.metrics["metric_id"])}
    return claims.assign(
        _metric=claims["metric"].map(position),
        _figure=claims["value_low"].fillna(claims["value_high"]),
    ).sort_values(["_metric", "_figure", "value_high", "claimant_name", "claim_id"], na_position="last", kind="stable")


def _reports_per_figure(claims: pd.DataFrame) -> str:
    """With too many articles for a column each: per figure, how many articles report it."""
    rows = []
    grouped = claims.groupby(["metric_label", "value_low", "value_high", "qualifier"], dropna=False, sort=False)
    for (label, low, high, qualifier), g in grouped:
        rows.append(
            [
                text(f"{label}: {figure_text(low, high, qualifier)}"),
                str(g["claimant"].nunique()),
                str(g["source_id"].nunique()),
                cite(g["source_id"]),
            ]
        )
    return capped(
        ["Figure", "Claimants", "Articles", "Reported by"],
        rows,
        widths=[40, 15, 15, 30],
        source="claims.csv",
    )


def sources_table(ds) -> str:
    rows = [
        [
            cite([r["source_id"]]),
            text(r["author"]),
            text(r["outlet"]),
            text(r["title"]),
            text(when_text(r["published_start"], r["published_end"], r["published_precision"])),
            text(r["archive_file"]),
        ]
        for _, r in ds.sources.iterrows()
    ]
    return capped(
        ["Article", "Author", "Outlet", "Title", "Published", "Archived copy"],
        rows,
        widths=[9, 14, 17, 24, 14, 22],
        source="sources.csv",
    )


def disagreements(ds) -> str:
    """Every disagreement: what is at stake, then the quotes of every side in a table."""
    if ds.disagreements.empty:
        return "*No disagreement in this selection.*"
    quotes = ds.disagreement_quotes
    parts = []
    shown = ds.disagreements
    if len(shown) > DISAGREEMENT_LIMIT:
        counts = shown["kind"].value_counts()
        parts.append(
            table(["Kind", "Disagreements"], [[text(KIND_WORDS.get(k, k)), str(n)] for k, n in counts.items()])
        )
        parts.append(
            f"\n*The first {DISAGREEMENT_LIMIT} of {len(shown)} disagreements follow; all of them are in "
            "disagreements.csv and disagreement_quotes.csv (see Method and data).*\n"
        )
        shown = shown.head(DISAGREEMENT_LIMIT)
    for _, d in shown.iterrows():
        q = quotes[quotes["disagreement_id"] == d["disagreement_id"]].sort_values("item")
        parts.append(
            f"**{text(d['disagreement_id'])}. {text(d['topic'])}** ({text(KIND_WORDS.get(d['kind'], d['kind']))})\n"
        )
        parts.append(text(d["summary"]) + "\n")
        if d["basis"] != "in-text":
            parts.append(f"*Basis:* {text(d['basis'])}\n")
        rows = [[text(r["position"]), f"“{text(r['quote'])}”", cite([r["source_id"]])] for _, r in q.iterrows()]
        parts.append(table(["Side", "Quote", "Source"], rows, widths=[24, 62, 14]) + "\n")
    return "\n".join(parts)


def vocabulary_table(ds, resource: str, columns: list[str], labels: list[str], widths: list[int] | None = None) -> str:
    frame = ds.tables[resource]
    rows = [[text(r[c]) for c in columns] for _, r in frame.iterrows()]
    return capped(labels, rows, widths=widths, source=f"{resource}.csv")


def claimants_table(ds) -> str:
    """The claimant vocabulary: the name the report uses, and the other names the articles use."""
    rows = [
        [
            text(r["claimant_id"]),
            text(capitalised(r["name"])),
            text(r["alternate_names"]),
            text(claimant_kind(r["claimant_type"])),
            text(r["country"]),
            text(r["description"]),
        ]
        for r in ds.claimants.to_dict("records")
    ]
    return capped(
        ["Claimant", "Name", "Also called", "Kind", "Country", "Description"],
        rows,
        widths=[14, 18, 12, 12, 10, 34],
        source="claimants.csv",
    )


def data_dictionary(descriptor: dict) -> str:
    """One table per resource: every field, its type, constraints and meaning."""
    parts = []
    for res in descriptor["resources"]:
        schema = res["schema"]
        parts.append(f"**{text(res['path'])}**: {text(res.get('description', ''))}")
        keys = [f"primary key: {', '.join(schema.get('primaryKey', []))}"]
        keys += [
            f"{fk['fields']} → {fk['reference']['resource']}.{fk['reference']['fields']}"
            for fk in schema.get("foreignKeys", [])
        ]
        parts.append(f"*Keys:* {text('; '.join(keys))}\n")
        rows = []
        for f in schema["fields"]:
            c = f.get("constraints", {})
            cons = []
            if c.get("required"):
                cons.append("required")
            if "enum" in c:
                cons.append("one of: " + ", ".join(c["enum"]))
            for k in ("pattern", "maxLength", "minimum"):
                if k in c:
                    cons.append(f"{k} {c[k]}")
            rows.append(
                [f"`{f['name']}`", text(f["type"]), text("; ".join(cons) or "—"), text(f.get("description", ""))]
            )
        parts.append(table(["Field", "Type", "Constraints", "Meaning"], rows, widths=[18, 9, 30, 43]) + "\n")
    return "\n".join(parts)


def downloads(descriptor: dict, data_prefix: str = "../data") -> str:
    items = [
        f"- {{download}}`datapackage.json <{data_prefix}/datapackage.json>`: "
        "the Frictionless Data Package descriptor (schema of every table)"
    ]
    items += [
        f"- {{download}}`{r['path']} <{data_prefix}/{r['path']}>`: {text(r.get('description', ''))}"
        for r in descriptor["resources"]
    ]
    items.append(f"- {{download}}`references.bib <{data_prefix}/references.bib>`: every archived article in BibTeX")
    return "\n".join(items)


def alt_summary(est: pd.DataFrame) -> str:
    """Plain-text list of what a chart shows, for its alt text."""
    if len(est) > 15:
        values = pd.concat([est["value_low"], est["value_high"]]).dropna()
        return (
            f"{len(est)} estimates from {counted(est['claimant'].nunique(), 'claimant')}, grouped by kind of "
            f"claimant; lowest {number(values.min())}, highest {number(values.max())}."
        )
    return (
        "; ".join(f"{r['metric_label']}, {r['claimant_name']}: {r['figure']} ({r['when']})" for _, r in est.iterrows())
        + "."
    )


def figure_block(ds, est: pd.DataFrame, chart, name: str, caption: str, source_ids=None) -> str:
    """A glued chart (``charts.Chart``) whose caption cites every article it draws on and
    offers the rows it plots as CSV."""
    if source_ids is None:
        source_ids = [s for ids in est["source_ids"] for s in ids]
    sources = cite(sorted(set(source_ids), key=list(ds.sources["source_id"]).index))
    csv = download(chart.csv.as_posix(), chart.csv.name)
    data = f"Data: {csv}, the rows this chart plots, with their ids in the data package."
    full = f"{text(caption)} Sources: {sources}. {data}"
    return glued_figure(chart.key, full, name)
