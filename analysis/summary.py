"""The numbers the book's prose uses, as strings ready to glue into it: the summary
page's headlines, and the size of the record the chapters describe."""

from __future__ import annotations

import pandas as pd

from analysis.chronology import timeline
from analysis.estimates import CASUALTY_METRICS, TROOP_METRICS, estimates, spread
from analysis.formatting import counted, number, when_text
from analysis.links import linked, with_value
from analysis.markup import cite, table, text
from analysis.register import listed

HEADLINE_METRICS = TROOP_METRICS + CASUALTY_METRICS
NONE = "none stated"


def _names(names: list[str], limit: int = 8) -> str:
    if not names:
        return "no one"
    if len(names) > limit:
        rest = len(names) - limit + 1
        return ", ".join(names[: limit - 1]) + f" and {rest} others"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def headlines(ds) -> dict[str, str]:
    """Every number the summary prose uses, keyed for myst-nb ``glue``."""
    out = {
        "n_sources": str(len(ds.sources)),
        "n_claims": str(len(ds.claims)),
        "n_events": str(len(ds.events)),
        "n_disagreements": str(len(ds.disagreements)),
    }
    tl = timeline(ds)
    ack = tl[tl["event_key"] == "nk_acknowledgement"]
    out["ack_date"] = ack.iloc[0]["datings"][0]["when"] if not ack.empty else "an undated day"
    est = estimates(ds, HEADLINE_METRICS)
    for metric in HEADLINE_METRICS:
        s = spread(est, metric)
        if s["n"] == 0:
            out.update(
                {
                    f"{metric}_range": NONE,
                    f"{metric}_n": "0",
                    f"{metric}_claimants": "no one",
                    f"{metric}_low_by": "no one",
                    f"{metric}_high_by": "no one",
                    f"{metric}_ratio": "—",
                }
            )
            continue
        out[f"{metric}_range"] = (
            number(s["low"]) if s["low"] == s["high"] else f"{number(s['low'])} to {number(s['high'])}"
        )
        out[f"{metric}_n"] = str(s["n"])
        out[f"{metric}_n_claimants"] = str(len(s["claimants"]))
        out[f"{metric}_claimants"] = _names(s["claimants"])
        out[f"{metric}_low_by"] = _names(s["low_by"])
        out[f"{metric}_high_by"] = _names(s["high_by"])
        out[f"{metric}_ratio"] = f"{s['ratio']:.1f}" if s.get("ratio") else "—"
    conflicts = attribution_conflicts(ds, est)
    out["n_attribution_conflicts"] = str(len(conflicts))
    out["attribution_conflicts"] = (
        "; ".join(f"{c['figure']} {c['metric_label'].lower()}, credited to {_names(c['claimants'])}" for c in conflicts)
        or "none"
    )
    return out


def record(ds) -> dict[str, str]:
    """The record in words: 'five archived news articles', 'published 28 Apr – 4 May 2025'."""
    first = ds.sources["published_start"].fillna(ds.sources["published_end"]).min()
    last = ds.sources["published_end"].max()
    if pd.isna(last):
        published = "of unknown date"
    else:
        published = "published " + when_text(first, last, "day" if first == last else "interval")
    return {"articles": counted(len(ds.sources), "archived news article"), "published": published}


def attribution_conflicts(ds, est: pd.DataFrame | None = None) -> list[dict]:
    """Figures that different articles credit to different claimants."""
    est = estimates(ds, HEADLINE_METRICS) if est is None else est
    out = []
    for _, g in est.groupby(["metric", "value_low", "value_high"], dropna=False, sort=False):
        if g["claimant"].nunique() > 1:
            out.append(
                {
                    "metric": g["metric"].iloc[0],
                    "metric_label": g["metric_label"].iloc[0],
                    "figure": g["figure"].iloc[0],
                    "claimants": list(dict.fromkeys(g["claimant_name"])),
                    "sources": list(dict.fromkeys(s for ids in g["source_ids"] for s in ids)),
                }
            )
    return out


def headline_table(ds) -> str:
    """Lowest and highest figure per metric, with who gave them and every reporting article."""
    est = estimates(ds, HEADLINE_METRICS)
    entries = listed(ds)
    rows = []
    for metric in HEADLINE_METRICS:
        s = spread(est, metric)
        if s["n"] == 0:
            continue
        of_metric = est[est["metric"] == metric]
        label = of_metric["metric_label"].iloc[0]
        rows.append(
            [
                text(label),
                f"{_linked_bound(of_metric, s['low'], entries)} ({text(_names(s['low_by']))})",
                f"{_linked_bound(of_metric, s['high'], entries)} ({text(_names(s['high_by']))})",
                str(s["n"]),
                cite(s["sources"]),
            ]
        )
    if not rows:
        return "*No estimate in this selection.*"
    return table(
        ["Metric", "Lowest (from)", "Highest (from)", "Estimates", "Reported by"], rows, widths=[18, 30, 30, 8, 14]
    )


def _linked_bound(estimates: pd.DataFrame, value, entries: set[str]) -> str:
    """A lowest or highest figure, linked to the register entries of the claims that gave it."""
    return linked(number(value), with_value(estimates, value), strong=True, listed=entries)


def glue_all(values: dict[str, str]) -> None:
    """Glue every value as a str (never a NumPy scalar, whose repr breaks the formatter).

    ``{glue:text}`` reads a str back from its repr with ``ast.literal_eval``, so quotes
    and backslashes survive, and "3,000" stays text instead of becoming a tuple.
    """
    from myst_nb import glue

    for key, value in values.items():
        glue(key, str(value), display=False)


def as_frame(values: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"key": list(values), "value": list(values.values())})
