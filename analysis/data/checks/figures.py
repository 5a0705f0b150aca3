"""Checks of a claim's figures and words: bounds and qualifier, the figure in the quote, the
claimant's kind, the attribution in the quote, and the status of a corrected or retired claim."""

from __future__ import annotations

import pandas as pd

from analysis.data.checks.rows import numbered_rows, table_file
from analysis.data.languages import TRANSLATION
from analysis.data.numbers import numbers_in
from analysis.data.problems import Problem
from analysis.data.values import number
from analysis.data.verbatim import difference
from analysis.data.vocabulary import FORMULA_METRICS, POINT_QUALIFIERS, QUALIFIERS, UNATTRIBUTED


def check_values(ds) -> list[Problem]:
    """Bounds are ordered, agree with the qualifier, and appear in the quote as printed.

    A quote in another language may print a figure wholly in its own words ("일만 사천",
    "четырнадцать тысяч"), which ``numbers`` does not read (only English words, and digits with
    a word for a power of ten: "1만 4천", "14 тысяч"): the figure is then looked for in the
    quote's English translation."""
    name = table_file(ds, "claims")
    problems = []
    for row, claim in numbered_rows(ds.claims):
        low, high, qualifier = claim["value_low"], claim["value_high"], claim["qualifier"]
        if pd.notna(low) and pd.notna(high) and low > high:
            problems.append(
                Problem(
                    name,
                    row,
                    "value_low",
                    "low-above-high",
                    f"value_low {number(low)} is greater than value_high {number(high)}",
                )
            )
            continue
        want_low, want_high, shape = QUALIFIERS[qualifier][1:]
        ok = pd.notna(low) == want_low and pd.notna(high) == want_high
        if qualifier in POINT_QUALIFIERS and ok:
            ok = low == high
        if qualifier == "between" and ok:
            ok = low < high
        if not ok:
            bad = "value_low" if pd.notna(low) != want_low else "value_high"
            problems.append(Problem(name, row, bad, "qualifier-shape", f"qualifier '{qualifier}' needs {shape}"))
            continue
        printed = numbers_in(str(claim["quote"]))
        translated = numbers_in(str(claim[TRANSLATION])) if claim[TRANSLATION] is not None else set()
        for col in ("value_low", "value_high"):
            value = claim[col]
            if pd.notna(value) and int(value) not in printed | translated:
                where = "the quote" + (" or its translation" if claim[TRANSLATION] is not None else "")
                problems.append(
                    Problem(name, row, col, "figure-not-in-quote", f"figure {number(value)} does not appear in {where}")
                )
                break
    return problems


def check_claimant_types(ds) -> list[Problem]:
    name = table_file(ds, "claims")
    types = dict(zip(ds.claimants["claimant_id"], ds.claimants["claimant_type"], strict=False))
    return [
        Problem(
            name,
            row,
            "claimant_type",
            "claimant-type-mismatch",
            f"'{c['claimant_type']}' differs from claimants.csv, "
            f"which gives '{types[c['claimant']]}' for '{c['claimant']}'",
        )
        for row, c in numbered_rows(ds.claims)
        if c["claimant"] in types and c["claimant_type"] != types[c["claimant"]]
    ]


def check_attributions(ds) -> list[Problem]:
    """The attribution is printed as the article's words, so it must be part of the quote.

    An attributed claim needs one; only an 'unattributed' claimant may leave it empty.
    """
    name = table_file(ds, "claims")
    problems = []
    for row, c in numbered_rows(ds.claims):
        attribution, quote = c["attribution"], str(c["quote"])
        if pd.isna(attribution):
            if c["claimant_type"] != UNATTRIBUTED:
                problems.append(
                    Problem(
                        name,
                        row,
                        "attribution",
                        "attribution-missing",
                        f"is empty, but claimant '{c['claimant']}' is {c['claimant_type']}: copy the words of "
                        "the quote that name who made the claim (only an unattributed claim leaves it empty)",
                    )
                )
        elif str(attribution) not in quote:
            problems.append(
                Problem(
                    name,
                    row,
                    "attribution",
                    "attribution-not-in-quote",
                    f"'{attribution}' does not occur verbatim in the quote: "
                    + difference(str(attribution), quote, "the attribution", "the quote"),
                )
            )
    return problems


def check_status(ds) -> list[Problem]:
    """A corrected or retired claim says why; no disagreement rests on a retired claim."""
    name = table_file(ds, "claims")
    problems = [
        Problem(
            name,
            row,
            "status_note",
            "status-note-missing",
            f"is empty, but the claim is {c['status']}: say what was wrong and why (and when), "
            "e.g. 'retired 2025-05-10: the article attributes the figure to the NIS, not to Zelensky'",
        )
        for row, c in numbered_rows(ds.claims)
        if c["status"] != "current" and pd.isna(c["status_note"])
    ]
    retired = set(ds.claims.loc[ds.claims["status"] == "retired", "claim_id"])
    quotes = table_file(ds, "disagreement_quotes")
    problems += [
        Problem(
            quotes,
            row,
            "claim_id",
            "retired-claim-linked",
            f"'{q['claim_id']}' is retired (claims.csv, status): link a current claim, or leave claim_id empty",
        )
        for row, q in numbered_rows(ds.disagreement_quotes)
        if q["claim_id"] in retired
    ]
    return problems


def check_formula_metrics(ds) -> list[Problem]:
    """Every metric a derived figure's formula names is in metrics.csv, in the group its
    formula takes it for (``vocabulary.FORMULA_METRICS``)."""
    name = table_file(ds, "metrics")
    groups = dict(zip(ds.metrics["metric_id"], ds.metrics["group"], strict=False))
    rows = {m: i + 2 for i, m in enumerate(ds.metrics["metric_id"])}
    problems = []
    for metric, group in FORMULA_METRICS.items():
        if metric not in groups:
            problems.append(
                Problem(
                    name,
                    None,
                    "metric_id",
                    "formula-metric-missing",
                    f"no row '{metric}': the derived figures' formulas name it (analysis/compute/derived.py); "
                    "add the row, with its label, unit, group, definition and words",
                )
            )
        elif groups[metric] != group:
            problems.append(
                Problem(
                    name,
                    rows[metric],
                    "group",
                    "formula-metric-group",
                    f"'{groups[metric]}' for '{metric}', which the derived figures' formulas take for a "
                    f"{group} metric: set it to '{group}'",
                )
            )
    return problems
