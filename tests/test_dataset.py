"""The curated dataset itself: it validates, and it holds the figures the articles print."""

import pandas as pd

from analysis.dataset import load
from analysis.numbers import numbers_in


def test_counts(dataset):
    assert len(dataset.sources) == 5
    assert len(dataset.claims) >= 20
    assert len(dataset.events) >= 50
    assert len(dataset.disagreements) >= 10


def test_types_are_pandas_types(dataset):
    assert str(dataset.claims["value_low"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(dataset.events["date_start"])


def _claims(ds, **where):
    c = ds.claims
    for col, value in where.items():
        c = c[c[col] == value]
    return c


def test_every_troop_total_the_articles_print_is_a_row(dataset):
    deployed = _claims(dataset, metric="deployed", subject="north_korea")
    shapes = {
        (None if pd.isna(r.value_low) else int(r.value_low), int(r.value_high), r.source_id)
        for r in deployed.itertuples()
    }
    assert (11000, 11000, "suciu2025") in shapes
    assert (14000, 14000, "defencetalks2025") in shapes
    assert (14000, 14000, "pandit2025") in shapes
    assert (None, 12000, "martel2025") in shapes  # "up to 12,000": no lower bound
    assert (10000, 10000, "martel2025") in shapes
    assert (10000, 12000, "unsigned2025") in shapes  # "between 10,000 and 12,000"


def test_the_4000_figure_is_attributed_differently_by_two_articles(dataset):
    kw = _claims(dataset, metric="killed_or_wounded", value_high=4000)
    attributed = dict(zip(kw["source_id"], kw["claimant"], strict=True))
    assert attributed == {"unsigned2025": "sk_jcs", "pandit2025": "zelensky"}


def test_casualty_figures(dataset):
    assert set(_claims(dataset, metric="killed")["value_high"]) == {300, 1000}
    assert list(_claims(dataset, metric="wounded")["value_high"]) == [2700]
    assert list(_claims(dataset, metric="casualties")["value_high"]) == [1200]
    assert set(_claims(dataset, metric="reinforcements")["claimant"]) == {"ua_officials", "sk_military"}


def test_context_and_incident_figures(dataset):
    metrics = set(dataset.claims["metric"])
    assert {"incursion_settlements", "incursion_area", "captured", "lost_single_incident", "deserted"} <= metrics


def test_every_quote_carries_its_figure(dataset):
    for r in dataset.claims.itertuples():
        for v in (r.value_low, r.value_high):
            if not pd.isna(v):
                assert int(v) in numbers_in(r.quote), r.claim_id


def test_monday_is_28_april_2025(dataset):
    ack = dataset.events[dataset.events["event_key"] == "nk_acknowledgement"]
    assert set(ack["date_start"]) == {pd.Timestamp("2025-04-28")}
    assert set(ack["date_precision"]) == {"day"}
    assert set(ack["source_id"]) == set(dataset.sources["source_id"])


def test_relative_dates_resolved(dataset):
    ev = dataset.events.set_index("event_id")
    by_key = dataset.events.groupby("event_key")
    first_confirmation = by_key.get_group("russia_first_confirmation")
    assert pd.Timestamp("2025-04-26") in set(first_confirmation["date_start"])  # "on Saturday"
    october = by_key.get_group("zelensky_october_estimate").iloc[0]
    assert (october.date_start, october.date_end) == (pd.Timestamp("2024-10-01"), pd.Timestamp("2024-10-31"))
    assert ev["date_basis"].str.len().min() > 10  # every dating carries its reasoning


def test_every_disagreement_has_quotes_on_every_side(dataset):
    q = dataset.disagreement_quotes
    for d in dataset.disagreements.itertuples():
        sides = q[q["disagreement_id"] == d.disagreement_id]
        assert len(sides) >= (1 if d.kind == "error" else 2), d.disagreement_id


def test_as_of_keeps_only_what_was_stated_by_then(dataset):
    early = dataset.filtered("2025-01-31")
    assert (early.claims["stated_end"] <= pd.Timestamp("2025-01-31")).all()
    assert set(early.claims["value_high"].dropna()) >= {10000, 300, 2700}
    assert 14000 not in set(early.claims["value_high"].dropna())
    assert (early.events["date_end"] <= pd.Timestamp("2025-01-31")).all()
    assert early.filtered(None) is early


def test_load_accepts_bom_and_crlf(data_copy):
    for path in data_copy.glob("*.csv"):
        raw = path.read_bytes().replace(b"\n", b"\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + raw)
    ds = load(data_copy)
    assert len(ds.claims) == len(load().claims)
    assert list(ds.claims.columns)[0] == "claim_id"
