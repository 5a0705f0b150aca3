"""Unit tests of the analysis modules on the real dataset."""

from dataclasses import replace

import pytest

from analysis import charts, render, summary
from analysis.chronology import timeline, window_start
from analysis.estimates import CASUALTY_METRICS, TROOP_METRICS, derived_figures, estimates, spread
from analysis.markup import text


@pytest.fixture(scope="module")
def troops(dataset):
    return estimates(dataset, TROOP_METRICS)


def test_same_figure_from_two_articles_is_one_estimate_citing_both(troops):
    row = troops[(troops["claimant"] == "ua_officials") & (troops["metric"] == "deployed")]
    assert len(row) == 1
    assert row.iloc[0]["figure"] == "14,000"
    assert row.iloc[0]["source_ids"] == ["defencetalks2025", "pandit2025"]
    # 001 gives no date, 004 says "earlier this year": together they date the statement
    assert row.iloc[0]["when"] == "1 Jan – 27 Apr 2025"


def test_same_figure_from_different_claimants_stays_two_rows(troops):
    reinforcements = troops[troops["metric"] == "reinforcements"]
    assert sorted(reinforcements["claimant"]) == ["sk_military", "ua_officials"]
    assert set(reinforcements["figure"]) == {"3,000"}


def test_claimant_filter(dataset):
    only = estimates(dataset, TROOP_METRICS, claimants=["zelensky"])
    assert list(only["figure"]) == ["10,000"]


def test_spread_of_deployment_estimates(troops):
    s = spread(troops, "deployed")
    assert (s["low"], s["high"]) == (10000, 14000)
    assert s["ratio"] == pytest.approx(1.4)
    assert s["high_by"] == ["Ukrainian officials"]
    assert len(s["sources"]) == 5


def test_derived_figures_show_formula_inputs_and_results(dataset):
    d = derived_figures(dataset).set_index("name")
    nis = d.loc["Killed plus wounded, one statement"]
    assert (nis["low"], nis["formula"]) == (3000, "killed + wounded")
    assert nis["input_claims"] == list(dataset.claims[dataset.claims["claimant"] == "sk_nis"]["claim_id"])
    share = d.loc["Share of deployed troops killed, one statement"]
    assert share["low"] == pytest.approx(1000 / 11000)
    cross = d[d.index.str.contains("across claimants")]
    assert len(cross) == 3  # two 4,000 killed-or-wounded claims and the 1,200 casualties
    assert cross["low"].min() == pytest.approx(1200 / 14000)
    assert cross["high"].max() == pytest.approx(4000 / 10000)


def test_timeline_keeps_every_dating_of_an_event(dataset):
    tl = timeline(dataset).set_index("event_key")
    state = tl.loc["us_state_dept_statement"]
    assert {d["when"] for d in state["datings"]} == {"27 Apr 2025", "28 Apr – 29 Apr 2025"}
    assert tl.loc["nk_acknowledgement", "source_ids"] == list(
        dataset.sources["source_id"].sort_values(
            key=lambda s: s.map(
                {
                    k: i
                    for i, k in enumerate(["suciu2025", "defencetalks2025", "martel2025", "unsigned2025", "pandit2025"])
                }
            )
        )
    )
    starts = timeline(dataset)["date_start"].fillna(timeline(dataset)["date_end"])
    assert starts.is_monotonic_increasing


def test_chronology_window_starts_with_the_story_and_its_caption_counts_it(dataset):
    tl = timeline(dataset)
    start = window_start(tl)
    window, background = tl[tl["date_end"] >= start], tl[tl["date_end"] < start]
    assert (background["category"] == "background").all() and (start.day, start.month) == (1, 6)
    caption = render.timeline_caption(window, background)
    assert caption.startswith(f"The {len(window)} events from June 2024 to 29 April 2025.")
    assert "Three earlier background events are listed" in caption
    one = render.timeline_caption(window.head(1), background.head(1))
    assert one.startswith("The one event from") and "One earlier background event is listed" in one


def test_record_words_are_counted_from_the_sources(dataset):
    assert summary.record(dataset) == {
        "articles": "five archived news articles",
        "published": "published 28 Apr – 4 May 2025",
    }
    one = replace(dataset, tables={**dataset.tables, "sources": dataset.sources.head(1)})
    assert summary.record(one) == {
        "articles": "one archived news article",
        "published": "published 28 Apr – 2 May 2025",
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
    cas = estimates(dataset, CASUALTY_METRICS)
    svg = charts.casualty_chart(dataset, cas, tmp_path / "cas").svg
    for sid in {s for ids in cas["source_ids"] for s in ids}:
        assert sid in svg
    svg = charts.timeline_chart(dataset, timeline(dataset), tmp_path / "tl").svg
    assert "Sources:" in svg


def test_estimate_table_cites_every_row(troops):
    md = render.estimates_table(troops)
    rows = md.split("\n* - ")[2:]  # [0] is the directive head, [1] the header row
    assert len(rows) == len(troops)
    assert all("{cite:p}`" in row for row in rows)
    assert f"**{text('10,000–12,000')}**" in md and f"**{text('up to 12,000')}**" in md


def test_summary_numbers_match_the_tables(dataset, troops):
    values = summary.headlines(dataset)
    assert values["deployed_range"] == "10,000 to 14,000"
    assert values["killed_range"] == "300 to 1,000"
    assert values["killed_or_wounded_range"] == "4,000"
    assert values["casualties_range"] == "1,200"
    assert values["ack_date"] == "28 Apr 2025"
    assert values["n_claims"] == str(len(dataset.claims))
    assert values["n_attribution_conflicts"] == "2"
    table = summary.headline_table(dataset)
    # each figure links to the register entry of a claim that printed it
    assert "[**10\\,000**](#c014)" in table and "[**14\\,000**](#c006)" in table
    assert all(isinstance(v, str) for v in values.values())


def test_summary_survives_an_early_as_of(dataset):
    values = summary.headlines(dataset.filtered("2024-10-31"))
    assert values["deployed_range"] == "10,000"
    assert values["killed_range"] == summary.NONE


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
        render.estimates_table(estimates(ds, TROOP_METRICS)),
        render.attribution_table(estimates(ds, TROOP_METRICS)),
    ):
        assert "\\<script\\>" in md and "\\*\\*x\\*\\*" in md and "\\{cite\\:p\\}\\`suciu2025\\`" in md
        assert "<script>" not in md and "**x**" not in md
        # planted markup must not add cells or rows: every row keeps the header's cell count
        rows = md.strip(":").split("\n* - ")[1:]
        assert len({row.count("\n  - ") for row in rows}) == 1
