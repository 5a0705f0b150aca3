"""The sources chapter: the archived articles, which article reported which figure, and every
disagreement with the quotes of its sides."""

from __future__ import annotations

import pandas as pd

from analysis.compute.estimates import claims_with_vocab
from analysis.data import languages
from analysis.data.values import figure_text, when_text
from analysis.data.vocabulary import DISAGREEMENT_KINDS
from analysis.text.markup import capped, cite, in_language, table, text
from analysis.text.prose import DISAGREEMENTS, first

# Beyond this many articles a column per article no longer fits the page: at 1280 px six
# article columns make the table 692 px in the text column's 688 (a phone shows cards).
MATRIX_LIMIT = 5


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
        top = g.iloc[0]
        label = f"{top['metric_label']}: {figure_text(top['value_low'], top['value_high'], top['qualifier'])}"
        claim_ids: dict[str, list[str]] = {}  # by article, read once (a filter per cell dominated)
        for source, claim in zip(g["source_id"], g["claim_id"], strict=True):
            claim_ids.setdefault(source, []).append(claim)
        cells = [text(", ".join(claim_ids.get(s, []))) for s in sources]
        rows.append([text(label), text(top["claimant_name"]), *cells])
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
    cut = first(range(len(shown)), DISAGREEMENTS)
    if cut.rest:
        counts = shown["kind"].value_counts()
        parts.append(
            table(["Kind", "Disagreements"], [[text(DISAGREEMENT_KINDS[k]), str(n)] for k, n in counts.items()])
        )
        parts.append(
            f"\n*The first {len(cut.shown)} of {len(shown)} disagreements follow; all of them are in "
            "disagreements.csv and disagreement_quotes.csv (see Method and data).*\n"
        )
        shown = shown.head(len(cut.shown))
    # each disagreement's quotes by item, read once (a filter per disagreement dominated)
    sides: dict[str, list[dict]] = {}
    for quote in quotes.sort_values("item", kind="stable").to_dict("records"):
        sides.setdefault(quote["disagreement_id"], []).append(quote)
    for d in shown.to_dict("records"):
        kind = text(DISAGREEMENT_KINDS[d["kind"]])
        parts.append(f"**{text(d['disagreement_id'])}. {text(d['topic'])}** ({kind})\n")
        parts.append(text(d["summary"]) + "\n")
        if d["basis"] != "in-text":
            parts.append(f"*Basis:* {text(d['basis'])}\n")
        rows = [
            [text(r["position"]), _quote_cell(r), cite([r["source_id"]])] for r in sides.get(d["disagreement_id"], [])
        ]
        parts.append(table(["Side", "Quote", "Source"], rows, widths=[24, 62, 14]) + "\n")
    return "\n".join(parts)


def _quote_cell(r) -> str:
    """The side's quote as the article prints it, marked with its language; after a quote in
    another language, its English translation and who made it."""
    tag = languages.tag_of(r[languages.LANG])
    cell = f"“{in_language(r['quote'], tag)}”"
    if pd.isna(r[languages.TRANSLATION]):
        return cell
    credit = f"translated from {languages.name(tag)} by {r[languages.TRANSLATOR]}"
    return f"{cell} ({text(credit)}: “{text(r[languages.TRANSLATION])}”)"
