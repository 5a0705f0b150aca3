"""At many times the data, the book stays usable: charts aggregate, tables summarise."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import link_targets, register_entries

from analysis import charts, load
from analysis.builder.synthetic import generate
from analysis.chapters import estimate_tables, sources, summary
from analysis.charts import estimates as chart_estimates
from analysis.compute.chronology import timeline
from analysis.compute.estimates import estimates
from analysis.data.vocabulary import metrics_of
from analysis.text import prose

FACTOR = 20
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    data, archive = generate(tmp_path_factory.mktemp("synthetic"), factor=FACTOR)
    return load(data, archive)


def test_synthetic_package_is_valid_and_larger(big, dataset):
    assert len(big.sources) == FACTOR * len(dataset.sources)
    assert len(big.claims) == FACTOR * len(dataset.claims)
    assert len(big.events) == FACTOR * len(dataset.events)
    assert len(big.claimants) == FACTOR * len(dataset.claimants)


def _svg_texts(svg: Path) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text()) or re.findall(r"<!-- (.*?) -->", svg.read_text())


def test_charts_aggregate_instead_of_overplotting(big, tmp_path):
    troops = estimates(big, metrics_of(big, "troops"))
    assert len(troops) > chart_estimates.AGGREGATE_ABOVE
    drawn = chart_estimates.aggregate_by_type(troops)
    assert len(drawn) <= 12
    svg = charts.troop_chart(big, troops, tmp_path / "troops").svg
    assert "claimants)" in svg and f"{FACTOR} claimants" in svg
    assert svg.count("Sources:") == 1 and "more articles" in svg
    cas = charts.casualty_chart(big, estimates(big, metrics_of(big, "casualties")), tmp_path / "cas").svg
    assert "claimants)" in cas
    charts.timeline_chart(big, timeline(big), tmp_path / "tl")


def test_tables_summarise_and_point_to_the_data(big):
    troops = estimates(big, metrics_of(big, "troops"))
    md = estimate_tables.estimates_table(troops)
    assert "Kind of claimant" in md  # the per-type summary comes first
    assert md.count("\n* - ") <= prose.TABLE_ROWS + 20
    assert f"of {len(troops)} rows" in md
    matrix = sources.source_matrix(big)
    assert "Articles" in matrix and matrix.count("{cite:p}") <= prose.TABLE_ROWS + 1
    dis = sources.disagreements(big)
    assert f"The first {prose.DISAGREEMENTS} of {len(big.disagreements)} disagreements" in dis


def test_citations_and_names_are_capped(big):
    from analysis.text.markup import cite

    text = cite(list(big.sources["source_id"]))
    assert text.count(",") == prose.CITED_ARTICLES - 1 and "more articles" in text
    values = summary.headlines(big)
    assert "others" in values["deployed_claimants"]
    assert values["deployed_claimants"].count("#") == prose.NAMED  # the first synthetic names, then a count


def test_small_data_is_not_summarised(dataset):
    troops = estimates(dataset, metrics_of(dataset, "troops"))
    md = estimate_tables.estimates_table(troops)
    assert "Kind of claimant" not in md and "rows; all of them" not in md


def test_register_lists_the_first_entries_and_figures_link_only_to_listed_ones(big):
    from analysis.chapters import register
    from analysis.compute.derived import derived_figures
    from analysis.data.values import number
    from analysis.text.anchors import anchor

    listed = register.listed(big)
    text_ = register.claim_entries(big) + register.event_entries(big)
    entries = register_entries(text_)
    assert len(big.events) > prose.REGISTER_ENTRIES, "the synthetic record passes the limit"
    assert f"The first {prose.REGISTER_ENTRIES} of {number(len(big.events))} events" in text_
    shown = min(len(big.claims), prose.REGISTER_ENTRIES) + prose.REGISTER_ENTRIES
    assert len(entries) == shown
    troops = estimates(big, metrics_of(big, "troops"))
    tables = (
        estimate_tables.estimates_table(troops, listed)
        + estimate_tables.attribution_table(troops, listed)
        + estimate_tables.derived_table(derived_figures(big), listed)
        + summary.headline_table(big)
    )
    targets = set(re.findall(r"\]\(#([ce]\d+)\)", tables)) | link_targets(entries)
    assert targets and targets <= {anchor(i) for i in listed}


def test_tooltips_name_the_first_articles_and_stand_inside_the_chart(big, tmp_path):
    """A mark reported by many articles: its tooltip names the first few and counts the rest."""
    ids = "|".join(map(re.escape, big.sources["source_id"]))
    for chart, cited in (
        # an event's tooltip cites the articles behind each dating in parentheses
        (charts.timeline_chart(big, timeline(big), tmp_path / "tl"), r"\(([^()]*)\)"),
        # an estimate's names each article, then its id in parentheses
        (charts.troop_chart(big, estimates(big, metrics_of(big, "troops")), tmp_path / "troops"), r"Reported by (.*)"),
    ):
        svg = ET.fromstring(chart.svg)
        height = float(svg.get("height").removesuffix("pt"))
        tips = [el for el in svg.iter() if el.get("class") == "tip"]
        assert tips
        for tip in tips:
            text = " ".join(t.text or "" for t in tip.iter(f"{SVG}text"))
            assert "more articles" in text
            for group in re.findall(cited, text):
                assert len(re.findall(rf"\b(?:{ids})\b", group)) <= prose.CHART_ARTICLES, group
            box = tip.find(f".//{SVG}path")
            ys = [float(y) for y in re.findall(r"[\d.]+ ([\d.]+)", box.get("d"))]
            assert 0 <= min(ys) and max(ys) <= height, (min(ys), max(ys), height)
