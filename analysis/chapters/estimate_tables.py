"""The troop and casualty chapters' tables: every estimate, by kind of claimant, attributions as
printed, metric definitions and derived figures."""

from __future__ import annotations

import pandas as pd

from analysis.data.values import number, percent
from analysis.data.vocabulary import claimant_kind, qualifier_words
from analysis.text.links import link, linked, linked_ids, with_value
from analysis.text.markup import capped, cite, in_language, table, text
from analysis.text.prose import TABLE_ROWS


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
            text(qualifier_words(r["qualifier"])),
            text(r["when"]),
            linked_ids(r["claim_ids"], entries),
            cite(r["source_ids"]),
        ]
        for _, r in est.head(TABLE_ROWS).iterrows()
    ]
    shown = capped(
        ["Claimant", "Metric", "Figure", "Qualifier", "Stated", "Rows", "Sources"],
        rows,
        widths=[22, 16, 12, 13, 14, 9, 14],
        source="claims.csv",
        total=len(est),
    )
    return by_type_table(est, entries) + "\n\n" + shown if len(est) > TABLE_ROWS else shown


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
            "\\; ".join(f"“{in_language(words, tag)}”" for words, tag in r["attributions"]) or "unattributed",
            cite(r["source_ids"]),
        ]
        for _, r in est.head(TABLE_ROWS).iterrows()
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
    for _, r in derived.head(TABLE_ROWS).iterrows():
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
