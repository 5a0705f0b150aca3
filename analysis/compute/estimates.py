"""Troop and casualty estimates: one row per distinct figure, citing every article that reports it.

Two claim rows are the same estimate when the same claimant gives the same figure for
the same metric, and their statement dates are compatible (one window contains the
other). The estimate keeps the narrowest window: the reports then pin the date down
together."""

from __future__ import annotations

import pandas as pd

from analysis.data.languages import LANG, tag_of
from analysis.data.values import capitalised, figure_text, grouped, when_text
from analysis.data.vocabulary import SUBJECT

_KEY = ["claimant", "subject", "metric", "value_low", "value_high"]


def claims_with_vocab(ds) -> pd.DataFrame:
    """Claims joined with their metric and claimant vocabulary rows."""
    metrics = ds.metrics.rename(columns={"label": "metric_label", "unit": "metric_unit", "group": "metric_group"})
    # a name is stored as it reads mid-sentence ("the US government"); tables and charts
    # start a cell with it, so they get it capitalised, and prose takes claimant_prose
    claimants = ds.claimants.rename(columns={"name": "claimant_prose"})[["claimant_id", "claimant_prose", "country"]]
    claimants["claimant_name"] = claimants["claimant_prose"].map(capitalised)
    out = ds.claims.merge(metrics, left_on="metric", right_on="metric_id", how="left")
    return out.merge(claimants, left_on="claimant", right_on="claimant_id", how="left")


def estimates(ds, metrics: list[str], subject: str = SUBJECT, claimants: list[str] | None = None) -> pd.DataFrame:
    """Distinct estimates for ``metrics``, in metric order, then by statement date and figure."""
    claims = claims_with_vocab(ds)
    claims = claims[claims["metric"].isin(metrics) & (claims["subject"] == subject)]
    if claimants:
        claims = claims[claims["claimant"].isin(claimants)]
    groups = grouped(claims.to_dict("records"), _KEY)
    rows = [_merge(cluster) for group in groups.values() for cluster in _compatible_clusters(group)]
    columns = [
        *_KEY,
        "metric_label",
        "claimant_name",
        "claimant_prose",
        "claimant_type",
        "qualifier",
        "stated_start",
        "stated_end",
        "stated_precision",
        "claim_ids",
        "source_ids",
        "attributions",
        "figure",
        "when",
        "n_sources",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows)[columns]
    out["_m"] = out["metric"].map({m: i for i, m in enumerate(metrics)})
    out["_sort_date"] = out["stated_start"].fillna(out["stated_end"])
    out = out.sort_values(["_m", "_sort_date", "stated_end", "value_high", "claimant"], na_position="first")
    return out.drop(columns=["_m", "_sort_date"]).reset_index(drop=True)


# Stands in for the missing start of an 'on or before' window.
_EARLIEST = pd.Timestamp("1900-01-01")


def _width(row) -> pd.Timedelta:
    start = row["stated_start"] if pd.notna(row["stated_start"]) else _EARLIEST
    return row["stated_end"] - start


def _contains(outer, inner) -> bool:
    o_start = outer["stated_start"] if pd.notna(outer["stated_start"]) else _EARLIEST
    i_start = inner["stated_start"] if pd.notna(inner["stated_start"]) else _EARLIEST
    return o_start <= i_start and inner["stated_end"] <= outer["stated_end"]


def _compatible_clusters(group: list[dict]) -> list[list[dict]]:
    clusters: list[list[dict]] = []
    for row in sorted(group, key=lambda r: (_width(r), r["claim_id"])):
        for cluster in clusters:
            if _contains(row, cluster[0]):
                cluster.append(row)
                break
        else:
            clusters.append([row])
    return clusters


def _merge(cluster: list[dict]) -> dict:
    narrowest = cluster[0]
    ordered = sorted(cluster, key=lambda r: r["claim_id"])
    qualifiers = list(dict.fromkeys(r["qualifier"] for r in ordered))
    row = {
        k: narrowest[k]
        for k in _KEY
        + [
            "metric_label",
            "claimant_name",
            "claimant_prose",
            "claimant_type",
            "stated_start",
            "stated_end",
            "stated_precision",
        ]
    }
    row.update(
        qualifier=" / ".join(qualifiers),
        claim_ids=[r["claim_id"] for r in ordered],
        source_ids=list(dict.fromkeys(r["source_id"] for r in ordered)),
        # each wording with the language its article prints it in (its quote's)
        attributions=list(
            dict.fromkeys((r["attribution"], tag_of(r[LANG])) for r in ordered if pd.notna(r["attribution"]))
        ),
        figure=figure_text(narrowest["value_low"], narrowest["value_high"], qualifiers[0]),
        when=when_text(narrowest["stated_start"], narrowest["stated_end"], narrowest["stated_precision"]),
    )
    row["n_sources"] = len(row["source_ids"])
    return row


def spread(table: pd.DataFrame, metric: str) -> dict:
    """Lowest and highest figure given for ``metric``, who gave them, and who spoke of it without a figure.

    Only estimates with a figure count towards ``n``, the range and its claimants: an
    unquantified claim ("some deaths") is listed apart, in ``unquantified``. An 'up to'
    figure counts by its upper bound only, an 'at least' one by its lower: the spread is
    of the figures the articles actually print. Names are the claimants' prose names.
    """
    # plain dicts: boolean masks over a few rows cost more than the prose built from them
    printed = [(row, _bounds(row)) for row in table.to_dict("records") if row["metric"] == metric]
    rows = [row for row, figures in printed if figures]
    vague = [row for row, figures in printed if not figures]
    out = {
        "n": len(rows),
        "low": None,
        "high": None,
        "ratio": None,
        "claimants": _claimants(rows),
        "sources": _source_ids(rows),
        "low_by": [],
        "high_by": [],
        "unquantified": _claimants(vague),
        "unquantified_sources": _source_ids(vague),
    }
    if not rows:
        return out
    values = [value for _, figures in printed for value in figures]
    low, high = min(values), max(values)
    giving_low, giving_high = ([row for row, figures in printed if value in figures] for value in (low, high))
    out.update(
        low=low,
        high=high,
        ratio=high / low if low else None,
        low_by=_claimants(giving_low),
        high_by=_claimants(giving_high),
        low_sources=_source_ids(giving_low),
        high_sources=_source_ids(giving_high),
    )
    return out


def _bounds(row: dict) -> list[int]:
    """The figures an estimate prints: its lower and upper bound, those it has."""
    return [int(row[k]) for k in ("value_low", "value_high") if not pd.isna(row[k])]


def _claimants(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(row["claimant_prose"] for row in rows))


def _source_ids(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(s for row in rows for s in row["source_ids"]))
