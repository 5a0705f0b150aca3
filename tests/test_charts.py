"""The charts as a reader meets them: legible at phone and desktop width, nothing cut or
overlapping, colours that do not shift, every mark linked to its register entry, and a
CSV of exactly what is drawn."""

from __future__ import annotations

import csv
import io
import itertools
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from analysis import charts
from analysis.chapters import chronology
from analysis.charts import credits, lettering, styles
from analysis.charts import estimates as chart_estimates
from analysis.compute.chronology import timeline, window_start
from analysis.compute.estimates import estimates
from analysis.data.vocabulary import metrics_of
from analysis.text import anchors

NS = {"svg": "http://www.w3.org/2000/svg"}
# The book's text column in CSS px (sphinx-book-theme, as the reader audit measures it)
# and the smallest chart text a reader should meet there.
COLUMN = {390: 342.0, 1280: 672.0}
FLOOR = {390: 9.0, 1280: 11.0}


@pytest.fixture(scope="module")
def drawn(dataset, tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts")
    return {
        "troops": charts.troop_chart(
            dataset, estimates(dataset, metrics_of(dataset, "troops")), folder / "troops", alt="Troops."
        ),
        "casualties": charts.casualty_chart(
            dataset, estimates(dataset, metrics_of(dataset, "casualties")), folder / "casualties", alt="Casualties."
        ),
        "chronology": charts.timeline_chart(dataset, timeline(dataset), folder / "chronology", alt="Events."),
    }


def texts(svg: ET.Element, tips: bool = False) -> list[dict]:
    """Every <text> with its position, size and anchor; tooltips only when asked for."""
    parents = {child: parent for parent in svg.iter() for child in parent}
    out = []
    for el in svg.iter(f"{{{NS['svg']}}}text"):
        node, in_tip = el, False
        while node in parents:
            node = parents[node]
            in_tip = in_tip or node.get("class") == "tip"
        if in_tip and not tips:
            continue
        style = el.get("style", "")
        moved = re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", el.get("transform", ""))
        x, y = map(float, moved.groups() if moved else (el.get("x"), el.get("y")))
        out.append(
            {
                "text": el.text or "",
                "size": float(re.search(r"font-size: ([\d.]+)px", style).group(1)),
                "anchor": (re.search(r"text-anchor: (\w+)", style) or [None, "start"])[1],
                "x": x,
                "y": y,
            }
        )
    return out


def inline(chart) -> ET.Element:
    return ET.fromstring(chart.inline_svg())


@pytest.mark.parametrize("name", ["troops", "casualties", "chronology"])
@pytest.mark.parametrize("viewport", [390, 1280])
def test_chart_text_meets_the_legibility_floor(drawn, name, viewport):
    svg = inline(drawn[name])
    view_width = float(svg.get("viewBox").split()[2])
    natural = float(re.search(r"max-width: ([\d.]+)px", svg.get("style")).group(1))
    shown = min(COLUMN[viewport], natural)  # width: 100%, up to its natural size
    sizes = [t["size"] * shown / view_width for t in texts(svg, tips=True)]
    assert len(sizes) > 10
    assert min(sizes) >= FLOOR[viewport], f"{name}: {min(sizes):.1f} px at {viewport}"


@pytest.mark.parametrize("name", ["troops", "casualties", "chronology"])
def test_no_label_is_cut_and_none_overlaps_another(drawn, name):
    shown = texts(ET.fromstring(drawn[name].svg))
    assert not [t["text"] for t in shown if t["text"].rstrip(" †").endswith(("…", "..."))]
    boxes = []
    for t in shown:
        width = lettering.text_width(t["text"], t["size"])
        left = t["x"] - {"start": 0, "middle": width / 2, "end": width}[t["anchor"]]
        # baseline at y: ascenders above, descenders below
        boxes.append((left, t["y"] - 0.76 * t["size"], left + width, t["y"] + 0.24 * t["size"], t["text"]))
    clashes = [
        (a[4], b[4])
        for a, b in itertools.combinations(boxes, 2)
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
    ]
    assert clashes == []
    # and everything stays inside the chart
    view = [float(v) for v in ET.fromstring(drawn[name].svg).get("viewBox").split()]
    assert all(b[0] >= 0 and b[2] <= view[2] for b in boxes), [b[4] for b in boxes if b[2] > view[2]]


def test_month_and_day_ticks_never_collide_whatever_the_span(dataset, tmp_path):
    tl = timeline(dataset)
    for days in (40, 400, 4000):  # a short, a year-long and a decade-long window
        stretched = tl.copy()
        stretched.loc[0, "date_end"] = tl["date_end"].max() - pd.Timedelta(days=days)
        chart = charts.timeline_chart(dataset, stretched, tmp_path / f"tl{days}")
        test_no_label_is_cut_and_none_overlaps_another({"x": chart}, "x")


def mark_colours(chart) -> dict[str, set[str]]:
    """The fill and stroke colours inside each mark's link, by link id (tooltips aside)."""
    svg = ET.fromstring(chart.svg)
    out = {}
    for a in svg.iter(f"{{{NS['svg']}}}a"):
        colours = set()
        for el in a.iter():
            if el.get("class") == "tip" or el.tag.endswith("text"):
                continue
            colours |= set(re.findall(r"(?:fill|stroke): (#[0-9a-f]{6})", el.get("style", "")))
        out[a.get("id")] = colours - {"#ffffff", "#ffffe8", "#444444"}
    return out


def test_a_new_claimant_changes_no_other_marks_colour(dataset, tmp_path):
    troops = estimates(dataset, metrics_of(dataset, "troops"))
    before = mark_colours(charts.troop_chart(dataset, troops, tmp_path / "before"))
    # a claimant whose id sorts first and whose figure sorts first: the old palette by
    # position recoloured every other claimant
    newcomer = troops.iloc[0].copy()
    newcomer.update(
        {
            "claimant": "aaa_new",
            "claimant_name": "A new claimant",
            "claimant_type": "media",
            "value_low": 99000,
            "value_high": 99000,
            "claim_ids": ["C999"],
            "figure": "99,000",
        }
    )
    after = mark_colours(
        charts.troop_chart(dataset, pd.concat([troops, pd.DataFrame([newcomer.to_dict()])]), tmp_path / "after")
    )
    assert set(after) == set(before) | {"chart-troops-c999"}
    assert {k: after[k] for k in before} == before
    assert all(len(c) >= 1 for c in before.values())
    # colour follows the kind of claimant, and each kind has its own marker shape too
    kinds = styles.TYPE_STYLES.values()
    assert len({s["color"] for s in kinds}) == len({s["marker"] for s in kinds}) == len(styles.TYPE_STYLES)


@pytest.mark.parametrize("name", ["troops", "casualties"])
def test_every_mark_links_to_its_register_entry_and_says_what_it_is(drawn, dataset, name):
    chart = drawn[name]
    svg = inline(chart)
    links = svg.findall(".//svg:a", NS)
    assert len(links) == len(chart.rows) > 0
    for a, (_, row) in zip(links, chart.rows.iterrows(), strict=True):
        assert a.get("href") == anchors.href(row["claim_ids"][0])
        title = a.find("svg:title", NS).text
        assert row["claimant_name"] in title and row["figure"] in title
        for sid in row["source_ids"]:  # the article, by its author or outlet, and its key
            assert f"{credits.article_names(dataset)[sid]} ({sid})" in title
        assert a.get("aria-label") == title
        # the tooltip shown on hover and keyboard focus says the same
        tip = a.find(".//*[@class='tip']")
        assert tip is not None and row["claimant_name"] in " ".join(t.text or "" for t in tip.iter())


@pytest.mark.parametrize("name", ["troops", "casualties", "chronology"])
def test_inline_svg_is_a_valid_accessible_html_fragment(drawn, name):
    html = drawn[name].inline_svg()
    assert not html.startswith("<?xml") and "<!DOCTYPE" not in html and "<metadata" not in html
    svg = ET.fromstring(html)
    name = f"chart-{name}"  # the page's own ids come from its headings ("chronology")
    assert svg.get("id") == name and svg.get("role") == "group" and svg.get("aria-label")
    assert "width" not in svg.attrib and "height" not in svg.attrib
    ids = [el.get("id") for el in svg.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i == name or i.startswith(f"{name}-") for i in ids)
    # every reference points inside this chart
    refs = re.findall(r'(?:url\(#|href="#)([\w.-]+)', html)
    assert refs and set(refs) <= set(ids)
    # the style sheet styles this chart only
    css = svg.find("svg:defs/svg:style", NS).text
    assert all(rule.strip().startswith(f"svg#{name}") for rule in css.split("}") if rule.strip())


def test_two_charts_on_one_page_share_no_id(drawn):
    ids = [{el.get("id") for el in inline(c).iter() if el.get("id")} for c in drawn.values()]
    assert not set.intersection(*ids[:2]) and not ids[0] & ids[2]


@pytest.mark.parametrize("name", ["troops", "casualties"])
def test_csv_holds_exactly_the_plotted_estimates(drawn, name):
    chart = drawn[name]
    rows = list(csv.DictReader(io.StringIO(chart.csv.read_text(encoding="utf-8"))))
    links = inline(chart).findall(".//svg:a", NS)
    assert [r["register"] for r in rows] == [a.get("href") for a in links]
    for r, (_, plotted) in zip(rows, chart.rows.iterrows(), strict=True):
        assert r["claim_ids"].split() == list(plotted["claim_ids"])
        for bound in ("value_low", "value_high"):
            assert r[bound] == ("" if pd.isna(plotted[bound]) else str(int(plotted[bound])))
        assert r["figure"] in chart.svg


def test_estimates_are_sorted_by_figure_and_unquantified_ones_left_out(dataset):
    troops = estimates(dataset, metrics_of(dataset, "troops"))
    unquantified = troops.iloc[[0]].assign(value_low=None, value_high=None, claim_ids=[["C998"]])
    rows = chart_estimates.plotted_estimates(pd.concat([troops, unquantified], ignore_index=True))
    assert "C998" not in {c for ids in rows["claim_ids"] for c in ids}
    for _, group in rows.groupby("metric"):
        tops = [chart_estimates.sort_value(r) for _, r in group.iterrows()]
        assert tops == sorted(tops, reverse=True)


def test_chronology_csv_and_numbers_match_the_events_table(drawn, dataset):
    chart = drawn["chronology"]
    rows = list(csv.DictReader(io.StringIO(chart.csv.read_text(encoding="utf-8"))))
    tl = timeline(dataset)
    window = tl[tl["date_end"] >= window_start(tl)]
    assert len(rows) == sum(len(d) for d in window["datings"])
    table = chronology.timeline_table(window, numbered=True)
    cells = re.findall(r"^\* - (\d+)\n  - .*\n  - (.*)$", table, re.M)
    assert [int(n) for n, _ in cells] == list(range(1, len(window) + 1))
    events = dataset.events.set_index("event_id")
    for r in rows:
        ids = r["event_ids"].split()
        assert ids, r
        assert all(events.loc[i, "date_precision"] == r["date_precision"] for i in ids)
        assert r["label"] == window.iloc[int(r["number"]) - 1]["label"]
    # each numbered row links to its first event's register entry
    links = inline(chart).findall(".//svg:a", NS)
    assert [a.get("href") for a in links] == [anchors.href(ids[0]) for ids in window["event_ids"]]


def test_a_selection_without_figures_says_so(dataset, tmp_path):
    empty = dataset.filtered("2024-01-01")
    chart = charts.troop_chart(empty, estimates(empty, metrics_of(empty, "troops")), tmp_path / "troops")
    assert "No estimate with a figure in this selection." in chart.svg and "Sources:" not in chart.svg
    assert chart.csv.read_text(encoding="utf-8").count("\n") == 1  # the header only
    chronology = charts.timeline_chart(empty, timeline(empty), tmp_path / "tl")
    assert len(chronology.rows) == 0 and "<a " not in chronology.svg


def test_planted_markup_in_the_data_stays_text(dataset, tmp_path):
    troops = estimates(dataset, metrics_of(dataset, "troops"))
    planted = '<script>alert(1)</script> & "quoted" {cite}`x`'
    troops.loc[0, "claimant_name"] = planted
    html = charts.troop_chart(dataset, troops, tmp_path / "troops").inline_svg()
    assert "<script" not in html and "&lt;script&gt;" in html
    svg = ET.fromstring(html)
    assert any(planted in (a.get("aria-label") or "") for a in svg.iter(f"{{{NS['svg']}}}a"))


def greedy_wrap(text, width, size, weight="normal"):
    """Wrapping as the definition has it: measure the line after every word."""
    lines = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and lettering.text_width(candidate, size, weight) > width * 0.95:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def test_wrapping_breaks_lines_where_measuring_every_word_would(dataset):
    """wrap() measures about two candidates a line; its lines must be those of measuring them all."""
    ids = " ".join(f"s{i:03d}," for i in range(60))
    texts = [
        *dataset.events["description"],
        *dataset.claims["quote"],
        ids,
        "a " * 80,
        "W" * 90 + " i i i i " + "M" * 40 + " mmm mmm",
        "Sources: one; two;\n\nthree four five six seven eight nine ten eleven twelve thirteen",
        "",
        "   ",
    ]
    for text in texts:
        for width, size, weight in [
            (318.0, 10.0, "normal"),
            (120.0, 11.0, "normal"),
            (200.0, 12.0, "bold"),
            (40, 9.0, "normal"),
        ]:
            assert lettering.wrap(text, width, size, weight) == greedy_wrap(text, width, size, weight), text
