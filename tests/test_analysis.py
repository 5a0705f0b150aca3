"""Unit tests of the analysis modules, on a generated record or on what data/ holds (never pinning it)."""

from dataclasses import replace

import pandas as pd
import pytest
import records

from analysis import charts
from analysis.chapters import chronology, estimate_tables, summary
from analysis.compute.chronology import timeline, window_start
from analysis.compute.estimates import estimates, spread
from analysis.data.values import when_text
from analysis.data.vocabulary import metrics_of
from analysis.text.markup import text
from analysis.text.prose import counted


@pytest.fixture(scope="module")
def troops(dataset):
    return estimates(dataset, metrics_of(dataset, "troops"))


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A generated record of three articles (tests/records.py): shared figures, ranges, conflicts."""
    return records.build(tmp_path_factory.mktemp("many"), records.scenario("many"))


def test_same_figure_from_two_articles_is_one_estimate_citing_both(many):
    est = estimates(many, metrics_of(many, "troops"))
    row = est[(est["claimant"] == "ua_officials") & (est["metric"] == "deployed")]
    assert len(row) == 1
    assert row.iloc[0]["figure"] == "14,000"
    assert row.iloc[0]["source_ids"] == ["article000", "article002"]


def test_same_figure_from_different_claimants_stays_two_rows(many):
    est = estimates(many, metrics_of(many, "casualties"))
    kw = est[est["metric"] == "killed_or_wounded"]
    assert sorted(kw["claimant"]) == ["ua_officials", "us_government"]
    assert set(kw["figure"]) == {"4,000"}


def test_claimant_filter(many):
    only = estimates(many, metrics_of(many, "troops"), claimants=["nis"])
    assert list(only["figure"]) == ["10,000–12,000"]


def test_spread_of_deployment_estimates(many):
    s = spread(estimates(many, metrics_of(many, "troops")), "deployed")
    assert (s["low"], s["high"]) == (10000, 14000)
    assert s["ratio"] == pytest.approx(1.4)
    assert s["high_by"] == ["Ukrainian officials"]
    assert len(s["sources"]) == 3


def test_timeline_keeps_every_dating_of_an_event(many, dataset):
    ack = timeline(many).set_index("event_key").loc["nk_acknowledgement"]
    assert [(d["when"], d["source_ids"]) for d in ack["datings"]] == [
        ("27 Apr 2025", ["article002"]),
        ("28 Apr 2025", ["article000", "article001"]),
    ]
    starts = timeline(dataset)["date_start"].fillna(timeline(dataset)["date_end"])
    assert starts.is_monotonic_increasing


def test_chronology_window_starts_with_the_story_and_its_caption_counts_it(dataset):
    tl = timeline(dataset)
    start = window_start(tl)
    window, background = tl[tl["date_end"] >= start], tl[tl["date_end"] < start]
    assert (background["category"] == "background").all() and start.day == 1
    story = tl.loc[tl["category"] != "background", "date_end"].min()
    assert (start.year, start.month) == (story.year, story.month)
    caption = chronology.timeline_caption(window, background)
    last = window["date_end"].max()
    assert caption.startswith(f"The {counted(len(window), 'event')} from {start:%B %Y} to {last.day} {last:%B %Y}.")
    if len(background) > 1:
        assert f"{counted(len(background), 'earlier background event').capitalize()} are listed" in caption
    one = chronology.timeline_caption(window.head(1), background.head(1))
    assert one.startswith("The chart shows one event, ") and "One earlier background event is listed" in one


def test_record_words_are_counted_from_the_sources(dataset):
    assert summary.record(dataset)["articles"] == counted(len(dataset.sources), "archived news article")
    one = replace(dataset, tables={**dataset.tables, "sources": dataset.sources.head(1)})
    first = dataset.sources.iloc[0]
    assert summary.record(one) == {
        "articles": "one archived news article",
        "published": "published "
        + when_text(first["published_start"], first["published_end"], first["published_precision"]),
    }


def test_charts_are_byte_reproducible(dataset, tmp_path, troops):
    first = charts.troop_chart(dataset, troops, tmp_path / "a" / "troops")
    second = charts.troop_chart(dataset, troops, tmp_path / "b" / "troops")
    assert [p.suffix for p in first.paths] == [".svg", ".pdf", ".csv"]
    for a, b in zip(first.paths, second.paths, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert first.inline_svg() == second.inline_svg()
    svg = first.paths[0].read_text()
    assert "<dc:date>" not in svg and "Sources:" in svg


def test_every_chart_names_its_sources(dataset, tmp_path):
    cas = estimates(dataset, metrics_of(dataset, "casualties"))
    svg = charts.casualty_chart(dataset, cas, tmp_path / "cas").svg
    drawn = cas[cas["value_low"].notna() | cas["value_high"].notna()]  # a claim without a figure is not drawn
    for sid in {s for ids in drawn["source_ids"] for s in ids}:
        assert sid in svg
    svg = charts.timeline_chart(dataset, timeline(dataset), tmp_path / "tl").svg
    assert "Sources:" in svg


def test_estimate_table_cites_every_row(many):
    est = estimates(many, metrics_of(many, "troops"))
    md = estimate_tables.estimates_table(est)
    rows = md.split("\n* - ")[2:]  # [0] is the directive head, [1] the header row
    assert len(rows) == len(est)
    assert all("{cite:p}`" in row for row in rows)
    # each figure as printed, linked to the register entry of its claim
    assert f"- [{text('10,000–12,000')}](#" in md and f"- [{text('up to 12,000')}](#" in md
    assert "**" not in md, "figures in a table are not bold: bold is kept for the few things that need it"


def test_summary_numbers_match_the_tables(dataset, troops):
    values = summary.headlines(dataset)
    s = spread(troops, "deployed")
    expected = f"{s['low']:,}" if s["low"] == s["high"] else f"{s['low']:,} to {s['high']:,}"
    assert values["deployed_range"] == expected
    assert values["n_claims"] == str(len(dataset.claims))
    table = summary.headline_table(dataset)
    # each figure links to the register entry of a claim that printed it
    for bound in (s["low"], s["high"]):
        ids = troops.loc[(troops["metric"] == "deployed") & (troops["value_high"] == bound), "claim_ids"]
        assert any(f"](#{i.lower()})" in table for row in ids for i in row)
    assert all(isinstance(v, str) for v in values.values())


def test_summary_survives_an_as_of_before_every_claim(dataset):
    before = dataset.claims["stated_end"].min() - pd.Timedelta(days=1)
    values = summary.headlines(dataset.filtered(before))
    assert values["deployed_range"] == summary.NONE and values["killed_range"] == summary.NONE
    assert "This selection holds no estimate of the troops sent." in summary.lead(dataset.filtered(before))


def test_planted_markup_in_data_stays_literal(dataset):
    planted = "<script>alert(1)</script> **x** | {cite:p}`suciu2025` [l](u) % & _ # $ \\"
    claims = dataset.claims.copy()
    claims["attribution"] = planted
    claimants = dataset.claimants.copy()
    claimants["name"] = planted
    ds = type(dataset)(
        {**dataset.tables, "claims": claims, "claimants": claimants},
        dataset.descriptor,
        dataset.data_dir,
        dataset.archive_dir,
    )
    for md in (
        estimate_tables.estimates_table(estimates(ds, metrics_of(ds, "troops"))),
        estimate_tables.attribution_table(estimates(ds, metrics_of(ds, "troops"))),
    ):
        assert "\\<script\\>" in md and "\\*\\*x\\*\\*" in md and "\\{cite\\:p\\}\\`suciu2025\\`" in md
        assert "<script>" not in md and "**x**" not in md
        # planted markup must not add cells or rows: every row keeps the header's cell count
        rows = md.strip(":").split("\n* - ")[1:]
        assert len({row.count("\n  - ") for row in rows}) == 1
