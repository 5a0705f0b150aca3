"""How every chart looks: its size in points, its type, and a fixed colour and marker per kind of
claimant and per kind of event (closed vocabularies, so adding a claimant recolours nothing)."""

from __future__ import annotations

import matplotlib

# The chart's width in points: the text column of a 390 px phone (342 CSS px), so on a
# phone one point of the chart is one CSS pixel, and on a desktop the chart is shown at
# its natural size (1 pt = 4/3 px).
WIDTH = 342.0
MARGIN = 4.0
HEADING = 12.0  # a chart's section headings
FONT = 11.0  # labels
SMALL = 10.0  # notes, ticks, keys and the source line: the smallest text of any chart
LEADING = 1.25
FAMILY = "DejaVu Sans"
# what a reader's browser may use instead; all are narrower than DejaVu Sans
FALLBACK_FAMILIES = "'DejaVu Sans', Verdana, Arial, sans-serif"
INK, MUTED, GRID = "#222222", "#555555", "#dddddd"

# One colour (Okabe-Ito, safe for colour-blind readers) and one marker per kind of
# claimant: claimants.csv's closed vocabulary, so adding a claimant recolours nothing.
TYPE_STYLES = {
    "government": {"color": "#0072B2", "marker": "o"},
    "military": {"color": "#D55E00", "marker": "s"},
    "intelligence": {"color": "#009E73", "marker": "D"},
    "analysts": {"color": "#CC79A7", "marker": "^"},
    "media": {"color": "#E69F00", "marker": "v"},
    "unattributed": {"color": "#000000", "marker": "X"},
}
OTHER_STYLE = {"color": "#777777", "marker": "P"}
# One colour and hatch per kind of event (events.csv's closed vocabulary).
CATEGORY_STYLES = {
    "background": {"color": "#999999", "hatch": ""},
    "treaty": {"color": "#D55E00", "hatch": ""},
    "deployment": {"color": "#009E73", "hatch": "//"},
    "combat": {"color": "#CC79A7", "hatch": "xx"},
    "acknowledgement": {"color": "#E69F00", "hatch": ""},
    "statement": {"color": "#56B4E9", "hatch": ".."},
    "reaction": {"color": "#000000", "hatch": "\\\\"},
}

matplotlib.rcParams.update(
    {
        "svg.hashsalt": "nk-kursk-claims",
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "font.family": FAMILY,
        "font.size": FONT,
        "hatch.linewidth": 0.8,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
    }
)


def plain(value) -> str:
    """Text for a chart label: '$' would otherwise start matplotlib mathtext."""
    return str(value).replace("$", r"\$")


def style_of(claimant_type: str) -> dict:
    """The colour and marker of a kind of claimant: fixed, whoever else is in the data."""
    return TYPE_STYLES.get(claimant_type, OTHER_STYLE)
