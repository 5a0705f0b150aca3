"""The built pages in a real browser (headless Chromium, axe-core; see ``chromium.py``), on
a desktop (1280 px) and a phone (390 px): no serious or critical accessibility violation,
no console error, nothing cut off, no box scrolling sideways on a desktop, and chart text a
reader can read. ``make browser`` installs the browser and axe-core; without them these
tests are skipped, saying what is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import chromium
import pytest

from analysis.builder import book, site
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
def test_nothing_scrolls_sideways_on_a_desktop(seen, page):
    scrolling = seen[page, 1280]["scrolling"]
    assert [
        f"{s['element']} in '{s['section']}': content {s['content']} px in a {s['box']} px box" for s in scrolling
    ] == []


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
        '<img src="chart.svg" alt="A chart" style="width: 600px">'
        "<script>console.error('broken'); undefinedFunction();</script>"
        '<meta http-equiv="refresh" content="0; url=elsewhere.html">'
        "</main></body></html>"
    )
    with chromium.Browser() as browser:
        result = browser.visit(tmp_path / "defects.html", 1280)
    assert result["url"].endswith("defects.html"), "a page that redirects is measured itself"
    assert "image-alt" in {v["id"] for v in result["axe"] if v["impact"] in SERIOUS}
    assert any("broken" in c for c in result["console"]) and any("undefinedFunction" in c for c in result["console"])
    assert [c["what"] for c in result["clipped"]] and "A title far too long" in result["clipped"][0]["what"]
    assert [s["table"] for s in result["scrolling"]] == [True]
    # 10 px text in an 800-unit-wide chart drawn 600 px wide: 7.5 px
    assert [(c["chart"], {t["px"] for t in c["texts"]}) for c in result["charts"]] == [("chart.svg", {7.5})]
