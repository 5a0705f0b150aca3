"""Figures computed from claims, each with its formula and its input claims."""

from __future__ import annotations

import pandas as pd

from analysis.compute.estimates import claims_with_vocab
from analysis.data.values import figure_text
from analysis.data.vocabulary import CASUALTIES, DEPLOYED, KILLED, KILLED_OR_WOUNDED, SUBJECT, WOUNDED

# Figures derived from two metrics one claimant gave in one statement.
SAME_STATEMENT = [
    ((KILLED, WOUNDED), "Killed plus wounded, one statement", f"{KILLED} + {WOUNDED}", lambda k, w: k + w, "persons"),
    (
        (KILLED, DEPLOYED),
        "Share of deployed troops killed, one statement",
        f"{KILLED} ÷ {DEPLOYED}",
        lambda k, d: k / d,
        "share",
    ),
]
# Totals each shown as a share of the lowest and highest deployment figure.
SHARE_OF_DEPLOYED = [KILLED_OR_WOUNDED, CASUALTIES]


def derived_figures(ds) -> pd.DataFrame:
    """Figures computed from claims, each with its formula and inputs.

    - killed + wounded, where one claimant gave both in one statement;
    - killed as a share of deployed, where one claimant gave both in one statement;
    - each killed-or-wounded and casualty figure as a share of the lowest and highest
      deployment figure any claimant gave (a cross-claimant range, flagged as such).
    """
    claims = claims_with_vocab(ds)
    claims = claims[claims["subject"] == SUBJECT]
    rows = []
    statements: dict[tuple, dict[str, dict]] = {}
    for record in claims.to_dict("records"):
        key = tuple(str(record[k]) for k in ("source_id", "claimant", "stated_start", "stated_end"))
        statements.setdefault(key, {}).setdefault(record["metric"], record)
    for _, by_metric in sorted(statements.items()):
        for (first, second), name, formula, compute, unit in SAME_STATEMENT:
            if {first, second} <= by_metric.keys():
                x, y = by_metric[first], by_metric[second]
                if _is_point(x) and _is_point(y):
                    result = compute(int(x["value_high"]), int(y["value_high"]))
                    rows.append(_derived(name, formula, [x, y], result, None, unit))
    deployed = claims[claims["metric"] == DEPLOYED]
    bounds = pd.concat([deployed["value_low"], deployed["value_high"]]).dropna()
    if not bounds.empty:
        d_low = deployed.loc[(deployed["value_low"] == bounds.min()) | (deployed["value_high"] == bounds.min())].iloc[0]
        d_high = deployed.loc[(deployed["value_low"] == bounds.max()) | (deployed["value_high"] == bounds.max())].iloc[
            0
        ]
        for c in claims[claims["metric"].isin(SHARE_OF_DEPLOYED)].to_dict("records"):
            if not _is_point(c):
                continue
            value = int(c["value_high"])
            rows.append(
                _derived(
                    f"{c['metric_label']} ({c['claimant_name']}) as a share of deployed, across claimants",
                    f"{c['metric']} ÷ {DEPLOYED} (highest to lowest deployment figure)",
                    [c, d_high, d_low],
                    value / int(bounds.max()),
                    value / int(bounds.min()),
                    "share",
                )
            )
    columns = ["name", "formula", "input_claims", "inputs", "sources", "low", "high", "unit"]
    return pd.DataFrame(rows, columns=columns)


def _is_point(claim) -> bool:
    return pd.notna(claim["value_low"]) and claim["value_low"] == claim["value_high"]


def _derived(name, formula, inputs, low, high, unit) -> dict:
    described = [
        f"{c['metric']} = {figure_text(c['value_low'], c['value_high'], c['qualifier'])} "
        f"({c['claim_id']}, {c['claimant_name']})"
        for c in inputs
    ]
    return {
        "name": name,
        "formula": formula,
        "input_claims": [c["claim_id"] for c in inputs],
        "inputs": described,
        "sources": list(dict.fromkeys(c["source_id"] for c in inputs)),
        "low": low,
        "high": high if high is not None else low,
        "unit": unit,
    }
