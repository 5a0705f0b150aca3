"""The few facts about today's record (the five archived articles of April-May 2025) worth pinning.

Every other test runs on its own fixture or generated record, or derives what it expects
from data/, so a valid change to data/ (a sixth article, a corrected figure, an extra
unquantified claim) followed by `make book` passes `make test`, except here. A failure in
this file is not a bug: it says which fact of the record changed. Review that the change
is intended (the quote, the figure, the claimant, the date), look at the regenerated pages
that show it (named in the message), then update the pinned value below.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters import summary
from analysis.compute.chronology import timeline
from analysis.compute.derived import derived_figures
from analysis.compute.estimates import estimates, spread
from analysis.data.vocabulary import metrics_of


def changed(what: str, review: str) -> str:
    return f"today's record changed: {what}. Review {review}; if intended, update tests/test_todays_record.py."


def differences(expected: dict, got: dict) -> str:
    """Only what changed: 'deployed: was (10000, 14000), now (10000, 15000)'."""
    return "; ".join(f"{k}: was {expected[k]!r}, now {got[k]!r}" for k in expected if got.get(k) != expected[k])


@pytest.fixture(scope="module")
def troops(dataset):
    return estimates(dataset, metrics_of(dataset, "troops"))


def test_five_articles(dataset):
    assert len(dataset.sources) == 5, changed(
        f"{len(dataset.sources)} articles instead of five", "sources.csv and the Sources chapter"
    )


def test_troop_figures_the_articles_print(dataset):
    deployed = dataset.claims[(dataset.claims["metric"] == "deployed") & (dataset.claims["subject"] == "north_korea")]
    shapes = {
        (None if pd.isna(r.value_low) else int(r.value_low), int(r.value_high), r.source_id)
        for r in deployed.itertuples()
    }
    expected = {
        (11000, 11000, "suciu2025"),
        (14000, 14000, "defencetalks2025"),
        (14000, 14000, "pandit2025"),
        (None, 12000, "martel2025"),  # "up to 12,000": no lower bound
        (10000, 10000, "martel2025"),
        (10000, 12000, "unsigned2025"),  # "between 10,000 and 12,000"
    }
    added, removed = sorted(shapes - expected, key=str), sorted(expected - shapes, key=str)
    assert shapes == expected, changed(f"deployment figures added {added}, removed {removed}", "Troop estimates")


def test_no_claim_corrected_or_retired(dataset):
    statuses = sorted(set(dataset.claims["status"]) | set(dataset.retired["status"]))
    assert statuses == ["current"], changed(f"claims now have the statuses {statuses}", "claims.csv and the register")


def test_context_and_incident_figures(dataset):
    expected = {"incursion_settlements", "incursion_area", "captured", "lost_single_incident", "deserted"}
    missing = expected - set(dataset.claims["metric"])
    assert not missing, changed(f"no claim counts {sorted(missing)} any more", "claims.csv and the Claims register")


def test_casualty_figures(dataset):
    c = dataset.claims
    got = {
        m: sorted(int(v) for v in c[c["metric"] == m]["value_high"].dropna())
        for m in ("killed", "wounded", "killed_or_wounded", "casualties", "reinforcements")
    }
    expected = {
        "killed": [300, 1000],
        "wounded": [2700],
        "killed_or_wounded": [4000, 4000],
        "casualties": [1200],
        "reinforcements": [3000, 3000, 3000],
    }
    assert got == expected, changed(f"casualty and reinforcement figures {got}", "Casualty estimates and Summary")


def test_the_4000_figure_is_attributed_differently_by_two_articles(dataset):
    kw = dataset.claims[(dataset.claims["metric"] == "killed_or_wounded") & (dataset.claims["value_high"] == 4000)]
    attributed = dict(zip(kw["source_id"], kw["claimant"], strict=True))
    assert attributed == {"unsigned2025": "sk_jcs", "pandit2025": "zelensky"}, changed(
        f"the 4,000 killed or wounded is now credited {attributed}", "Sources and disagreements"
    )


def test_merged_estimate_and_its_dating(troops):
    row = troops[(troops["claimant"] == "ua_officials") & (troops["metric"] == "deployed")]
    got = [(r["figure"], r["source_ids"], r["when"]) for _, r in row.iterrows()]
    # 001 gives no date, 004 says "earlier this year": together they date the statement
    assert got == [("14,000", ["defencetalks2025", "pandit2025"], "1 Jan – 27 Apr 2025")], changed(
        f"Ukrainian officials' deployment estimate is {got}", "Troop estimates"
    )


def test_spreads_and_summary_values(dataset, troops):
    s = spread(troops, "deployed")
    values = summary.headlines(dataset)
    got = {
        "deployed": (s["low"], s["high"], s["high_by"]),
        "killed_range": values["killed_range"],
        "ack_date": values.get("ack_date"),
        "conflicts": values["n_attribution_conflicts"],
        "early": summary.headlines(dataset.filtered("2024-10-31"))["deployed_range"],
    }
    expected = {
        "deployed": (10000, 14000, ["Ukrainian officials"]),
        "killed_range": "300 to 1,000",
        "ack_date": "28 Apr 2025",
        "conflicts": "2",
        "early": "10,000",
    }
    assert got == expected, changed(f"summary values ({differences(expected, got)})", "the Summary")


def test_derived_figures(dataset):
    d = derived_figures(dataset).set_index("name")
    cross = d[d.index.str.contains("across claimants")]
    got = {
        "killed + wounded": float(d.loc["Killed plus wounded, one statement", "low"]),
        "share killed": round(float(d.loc["Share of deployed troops killed, one statement", "low"]), 4),
        "cross-claimant shares": len(cross),
        "lowest share": round(float(cross["low"].min()), 4),
        "highest share": round(float(cross["high"].max()), 4),
    }
    expected = {
        "killed + wounded": 3000.0,
        "share killed": round(1000 / 11000, 4),
        "cross-claimant shares": 3,
        "lowest share": round(1200 / 14000, 4),
        "highest share": round(4000 / 10000, 4),
    }
    assert got == expected, changed(
        f"derived figures ({differences(expected, got)})", "Casualty estimates, Derived figures"
    )


def test_chronology_facts(dataset):
    tl = timeline(dataset).set_index("event_key")
    state = {d["when"] for d in tl.loc["us_state_dept_statement", "datings"]}
    ack = dataset.events[dataset.events["event_key"] == "nk_acknowledgement"]
    got = (state, set(ack["date_start"]), set(ack["date_precision"]))
    expected = ({"27 Apr 2025", "28 Apr – 29 Apr 2025"}, {pd.Timestamp("2025-04-28")}, {"day"})
    assert got == expected, changed(f"event datings {got}", "the Chronology and Method and data")
    october = dataset.events[dataset.events["event_key"] == "zelensky_october_estimate"].iloc[0]
    assert (october.date_start, october.date_end) == (pd.Timestamp("2024-10-01"), pd.Timestamp("2024-10-31"))
