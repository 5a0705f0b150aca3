"""The built pages in a real browser (headless Chromium, axe-core; see ``chromium.py``), on
a desktop (1280 px) and a phone (390 px): no serious or critical accessibility violation,
no console error, nothing cut off, no box scrolling sideways, tables drawn as tables on a
desktop and as a labelled card per row on a phone (and tables to a screen reader at both
widths), and chart text a reader can read. ``make browser`` installs the browser and axe-core; without them these
tests are skipped, saying what is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import chromium
import pytest

from analysis.builder import book, site
from analysis.builder.pages import tables
from analysis.paths import ROOT

WIDTHS = (1280, 390)
# The smallest chart text a reader can read at each width, in CSS px.
LEGIBLE_PX = {1280: 11, 390: 9}
SERIOUS = ("serious", "critical")
PAGES = ["index.html", *(f"book/{name}.html" for name in book.chapters(ROOT))]

pytestmark = pytest.mark.skipif(
    bool(chromium.missing()), reason=f"browser checks need {chromium.missing()}: run `make browser` (as root)"
)


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> Path:
    """The HTML edition of the committed book: ``make book``'s own when it is current, else
    a build of a copy (this repository's is test_book.py's to build, in another process)."""
    if site.is_current(ROOT, "html"):
        return site.output_dir(ROOT, "html")
    copy = tmp_path_factory.mktemp("browser")
    for name in site.INPUTS:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, copy / name)
    site.build(copy, "html")
    return site.output_dir(copy, "html")


@pytest.fixture(scope="module")
def seen(html) -> dict[tuple[str, int], dict]:
    """Every page at every width, as the browser measured it."""
    with chromium.Browser() as browser:
        return {(page, width): browser.visit(html / page, width) for page in PAGES for width in WIDTHS}


def _each(seen, page, check) -> list[str]:
    return [f"@{width}px: {problem}" for width in WIDTHS for problem in check(seen[page, width], width)]


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violation(seen, page):
    def check(result, width):
        return [
            f"{v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'][:3])}"
            for v in result["axe"]
            if v["impact"] in SERIOUS
        ]

    assert _each(seen, page, check) == []


@pytest.mark.parametrize("page", PAGES)
def test_no_console_error(seen, page):
    assert _each(seen, page, lambda result, width: result["console"]) == []


@pytest.mark.parametrize("page", PAGES)
def test_nothing_is_cut_off(seen, page):
    def check(result, width):
        cut = [f"{c['element']} in '{c['section']}' cuts {c['cut']} px off {c['what']}" for c in result["clipped"]]
        if result["pageOverflow"]:
            cut.append(f"the page is {result['pageOverflow']} px wider than the window")
        return cut

    assert _each(seen, page, check) == []


@pytest.mark.parametrize("page", PAGES)
def test_nothing_scrolls_sideways(seen, page):
    """Not on a desktop, and not on a phone either: a table too wide for a phone is set as
    a card per row instead of scrolling inside its box."""

    def check(result, width):
        return [
            f"{s['element']} in '{s['section']}'{' (a table)' if s['table'] else ''}: "
            f"content {s['content']} px in a {s['box']} px box"
            for s in result["scrolling"]
        ]

    assert _each(seen, page, check) == []


@pytest.mark.parametrize("page", PAGES)
def test_tables_are_rows_on_a_desktop_and_cards_on_a_phone(seen, page):
    """At 1280 px a row's cells sit side by side; at 390 px, in a table of three or more
    columns, they are stacked, each introduced by its column's header."""
    problems = []
    for table in seen[page, 1280]["tables"]:
        if table["stacked"]:
            problems.append(f"@1280px: '{table['section']}' stacks {table['stacked']} of {table['rows']} rows")
    for table in seen[page, 390]["tables"]:
        if len(table["headers"]) < tables.MIN_COLUMNS:
            continue  # stays a table, which must fit (test_nothing_scrolls_sideways)
        if table["stacked"] != table["rows"]:
            problems.append(f"@390px: '{table['section']}' stacks {table['stacked']} of {table['rows']} rows")
        problems += [
            f"@390px: '{table['section']}': {c['cell']!r} is labelled {c['shown']!r}, not {c['header']!r}"
            for c in table["mislabelled"]
        ]
    assert problems == []


@pytest.mark.parametrize("page", PAGES)
def test_tables_are_tables_to_a_screen_reader(seen, page):
    """Set as cards or not, every table, row, header and cell is one in the accessibility
    tree, which is what a screen reader reads."""

    def check(result, width):
        count, roles = result["tableElements"], result["tableRoles"]
        expected = {"table": count["table"], "row": count["tr"], "header": count["th"], "cell": count["td"]}
        found = {
            **{k: roles[k] for k in ("table", "row", "cell")},
            "header": roles["columnheader"] + roles["rowheader"],
        }
        return [f"{found[k]} {k} nodes for {expected[k]} elements" for k in expected if found[k] != expected[k]]

    assert _each(seen, page, check) == []


@pytest.mark.parametrize("page", PAGES)
def test_chart_text_is_legible(seen, page):
    def check(result, width):
        small = []
        for chart in result["charts"]:
            if chart.get("error"):
                small.append(f"{chart['chart']}: {chart['error']}")
            tiny = [t for t in chart["texts"] if t["px"] < LEGIBLE_PX[width]]
            if tiny:
                worst = min(tiny, key=lambda t: t["px"])
                small.append(
                    f"{chart['chart']}: {len(tiny)} of {len(chart['texts'])} texts under {LEGIBLE_PX[width]} px, "
                    f"smallest {worst['px']} px ('{worst['text']}')"
                )
        return small

    assert _each(seen, page, check) == []


def test_the_checks_catch_what_they_look_for(tmp_path):
    """A page with one of each defect: every check must see it (a check that cannot fail
    is no check)."""
    (tmp_path / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 400" width="800pt" height="400pt">'
        + "".join(f'<text x="10" y="{20 + 30 * i}" style="font-size: 10px">label {i}</text>' for i in range(5))
        + "</svg>"
    )
    wide = "<tr>" + "".join(f"<td>{'x' * 40}</td>" for _ in range(6)) + "</tr>"
    (tmp_path / "defects.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Defects</title></head><body><main>'
        "<h1>Defects</h1>"
        '<img src="photo.png">'  # no alt text: a critical axe violation
        '<div style="width: 120px; overflow: hidden; white-space: nowrap">A title far too long for its box</div>'
        f'<div style="width: 600px; overflow-x: auto"><table>{wide}</table></div>'
        # a table that is no table to a screen reader, and cards with the wrong labels
        '<table role="presentation"><tr><td>layout</td><td>only</td></tr></table>'
        "<style>.cards, .cards tbody, .cards tr, .cards td { display: block } "
        '.cards td::before { content: "Wrong" }</style>'
        '<table class="cards"><thead><tr><th>Right</th><th>Also right</th></tr></thead>'
        "<tbody><tr><td>a value</td><td>another</td></tr></tbody></table>"
        '<img src="chart.svg" alt="A chart" style="width: 600px">'
        "<script>console.error('broken'); undefinedFunction();</script>"
        '<meta http-equiv="refresh" content="0; url=elsewhere.html">'
        "</main></body></html>"
    )
    with chromium.Browser() as browser:
        result = browser.visit(tmp_path / "defects.html", 1280)
        phone = browser.visit(tmp_path / "defects.html", 390)
    assert result["url"].endswith("defects.html"), "a page that redirects is measured itself"
    assert "image-alt" in {v["id"] for v in result["axe"] if v["impact"] in SERIOUS}
    assert any("broken" in c for c in result["console"]) and any("undefinedFunction" in c for c in result["console"])
    assert [c["what"] for c in result["clipped"]] and "A title far too long" in result["clipped"][0]["what"]
    assert [s["table"] for s in result["scrolling"]] == [True]
    assert [s["table"] for s in phone["scrolling"]] == [True], "a table scrolling sideways on a phone is seen"
    # only the cards have headers: Chromium takes the other two for layout tables
    assert result["tableElements"]["table"] == 3 and result["tableRoles"]["table"] == 1
    cards = result["tables"][2]
    assert (cards["rows"], cards["stacked"]) == (1, 1)
    assert [(c["header"], c["shown"]) for c in cards["mislabelled"]] == [("Right", "Wrong"), ("Also right", "Wrong")]
    # 10 px text in an 800-unit-wide chart drawn 600 px wide: 7.5 px
    assert [(c["chart"], {t["px"] for t in c["texts"]}) for c in result["charts"]] == [("chart.svg", {7.5})]
