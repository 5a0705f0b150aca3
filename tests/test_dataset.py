"""The curated dataset itself: it validates, and it holds the figures the articles print."""

import pandas as pd

from analysis.data.dataset import load
from analysis.data.numbers import numbers_in


def test_every_table_has_rows(dataset):
    for name in ("sources", "claims", "events", "claimants", "metrics"):
        assert len(dataset.tables[name]) >= 1, name


def test_types_are_pandas_types(dataset):
    assert str(dataset.claims["value_low"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(dataset.events["date_start"])


def _claims(ds, **where):
    c = ds.claims
    for col, value in where.items():
        c = c[c[col] == value]
    return c


def test_every_quote_carries_its_figure(dataset):
    for r in dataset.claims.itertuples():
        for v in (r.value_low, r.value_high):
            if not pd.isna(v):
                assert int(v) in numbers_in(r.quote), r.claim_id


def test_every_dating_carries_its_reasoning(dataset):
    assert dataset.events["date_basis"].str.len().min() > 10


def test_every_disagreement_has_quotes_on_every_side(dataset):
    q = dataset.disagreement_quotes
    for d in dataset.disagreements.itertuples():
        sides = q[q["disagreement_id"] == d.disagreement_id]
        assert len(sides) >= (1 if d.kind == "error" else 2), d.disagreement_id


def test_as_of_keeps_only_what_was_stated_by_then(dataset):
    early = dataset.filtered("2025-01-31")
    assert (early.claims["stated_end"] <= pd.Timestamp("2025-01-31")).all()
    later = dataset.claims[dataset.claims["stated_end"] > pd.Timestamp("2025-01-31")]
    assert set(early.claims["claim_id"]) == set(dataset.claims["claim_id"]) - set(later["claim_id"])
    assert (early.events["date_end"] <= pd.Timestamp("2025-01-31")).all()
    assert early.filtered(None) is early


def test_load_accepts_bom_and_crlf(data_copy):
    for path in data_copy.glob("*.csv"):
        raw = path.read_bytes().replace(b"\n", b"\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + raw)
    ds = load(data_copy)
    assert len(ds.claims) == len(load().claims)
    assert list(ds.claims.columns)[0] == "claim_id"


def test_checks_read_rows_as_records(dataset):
    """The checks' rows hold what ``to_dict("records")`` gives, missing values included."""
    from analysis.data.checks.rows import numbered_rows as _rows

    for name, frame in dataset.tables.items():
        records = frame.to_dict("records")
        rows = list(_rows(frame))
        assert [number for number, _ in rows] == list(range(2, len(records) + 2)), name
        for (_, row), record in zip(rows, records, strict=True):
            for column, value in record.items():
                assert type(row[column]) is type(value), (name, column)
                assert row[column] == value or (pd.isna(row[column]) and pd.isna(value)), (name, column)
