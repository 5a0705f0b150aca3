"""Charts of estimates and of the chronology, drawn for the page they are read on.

Mobile first: a chart is drawn at the width of a phone's text column (``WIDTH`` points,
shown at 1:1 on a 390 px screen) with text of at least ``SMALL`` points, and laid out by
hand on a canvas measured in points, so no label is cut and none collides. The HTML shows
the SVG inline (its marks link to the claims register and explain themselves on hover or
keyboard focus); the PDF takes the same chart as vector PDF.

Colour encodes the kind of claimant (``claimant_type``, a closed vocabulary) from a fixed
table, so a claimant's colour never depends on who else is in the data; every kind also
has its own marker shape, and every mark is labelled with its claimant, so colour never
carries meaning alone. Output is byte-for-byte reproducible: fixed SVG ids, no dates.
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from analysis.anchors import href  # noqa: E402
from analysis.chronology import window_start  # noqa: E402
from analysis.formatting import claimant_kind, counted, number  # noqa: E402

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

# Above this many estimates a chart groups them by kind of claimant instead of drawing
# (and labelling) one mark per claimant.
AGGREGATE_ABOVE = 24
# The source line under a chart names at most this many articles.
MAX_NAMED_SOURCES = 8
# The chronology's right panel shows this many days before the latest event, day by day.
ZOOM_DAYS = 10


def plain(value) -> str:
    """Text for a chart label: '$' would otherwise start matplotlib mathtext."""
    return str(value).replace("$", r"\$")


def style_of(claimant_type: str) -> dict:
    """The colour and marker of a kind of claimant: fixed, whoever else is in the data."""
    return TYPE_STYLES.get(claimant_type, OTHER_STYLE)


# --------------------------------------------------------------------------------------
# Text measured in points, so the layout knows every label's size before it draws


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 72)  # 72 dpi: one pixel is one point


# Unbounded: a measurement costs about a millisecond per 60 characters (matplotlib lays
# the glyphs out), and a chart at 100 times the data measures tens of thousands of strings.
@cache
def text_width(text: str, size: float = FONT, weight: str = "normal") -> float:
    font = FontProperties(family=FAMILY, size=size, weight=weight)
    return _renderer().get_text_width_height_descent(plain(text), font, ismath=False)[0]


def wrap(text: str, width: float, size: float = FONT, weight: str = "normal") -> list[str]:
    """``text`` in lines no wider than ``width`` points (a word longer than that stands alone)."""
    limit = width * 0.95  # 5% to spare: a reader's browser may set the same font a little wider
    per_char = size * 0.55  # a first guess at the width of a character; each measurement updates it
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
        start = 0
        while start < len(words):
            end, per_char = _line_end(words, start, limit, per_char, size, weight)
            lines.append(" ".join(words[start:end]))
            start = end
    return lines


def _line_end(words: list[str], start: int, limit: float, per_char: float, size, weight) -> tuple[int, float]:
    """Where the line that begins with ``words[start]`` ends: it takes as many words as fit
    in ``limit`` points, and at least one. Also returns the width per character measured last.

    A line only grows wider as words are added, so rather than measure the line after
    every word, the search starts from a guess (by characters, at ``per_char``) and steps
    from there: about two measurements a line instead of one a word.
    """

    def fits(end: int) -> bool:
        nonlocal per_char
        if end == start + 1:
            return True
        line = " ".join(words[start:end])
        measured = text_width(line, size, weight)
        per_char = measured / len(line)
        return measured <= limit

    end, chars = start + 1, len(words[start])
    while end < len(words) and (chars + 1 + len(words[end])) * per_char <= limit:
        chars += 1 + len(words[end])
        end += 1
    if fits(end):
        while end < len(words) and fits(end + 1):
            end += 1
    else:
        end -= 1
        while not fits(end):
            end -= 1
    return end, per_char


def line_height(size: float) -> float:
    return size * LEADING


# --------------------------------------------------------------------------------------
# The chart object: files on disk, inline SVG for the HTML, PDF for LaTeX


@dataclass
class Chart:
    """A drawn chart: its files, the rows it plots (also written as CSV) and its markup."""

    name: str  # unique per book: the SVG's id (with "chart-") and the prefix of every id inside it
    stem: Path
    rows: pd.DataFrame
    svg: str  # the standalone SVG file's text
    pdf: bytes
    alt: str = ""
    paths: list[Path] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The myst-nb glue key under which the chapter pastes the chart."""
        return f"{self.name}-chart"

    @property
    def csv(self) -> Path:
        return self.stem.with_suffix(".csv")

    def inline_svg(self) -> str:
        """The SVG as an HTML fragment: no XML prolog, sized by CSS, labelled for assistive technology."""
        root = ET.fromstring(self.svg)
        width = float(root.get("width", "0pt").removesuffix("pt"))
        for attribute in ("width", "height"):
            root.attrib.pop(attribute, None)
        # as wide as the column allows, never wider than the chart's natural size
        root.set("style", f"width: 100%; max-width: {width * 4 / 3:.0f}px; height: auto")
        root.set("role", "group")  # not "img": its links must stay reachable
        root.set("aria-label", self.alt or self.name)
        return ET.tostring(root, encoding="unicode")

    def _repr_mimebundle_(self, include=None, exclude=None):
        # HTML builders take text/html, the LaTeX builder application/pdf (myst-nb's default priorities)
        return {
            "text/html": self.inline_svg(),
            "application/pdf": base64.b64encode(self.pdf).decode("ascii"),
            "text/plain": f"Chart {self.name}: {len(self.rows)} rows plotted",
        }

    def glue(self) -> None:
        from myst_nb import glue

        glue(self.key, self, display=False)


# --------------------------------------------------------------------------------------
# A canvas measured in points, top-down


TIP_PAD = 4.0


class Canvas:
    """A figure whose one axes maps points to points, y growing downward."""

    def __init__(self, height: float, width: float = WIDTH):
        self.width, self.height = width, height
        self.fig = plt.figure(figsize=(width / 72, height / 72))
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(height, 0)
        self.ax.axis("off")
        self.tips: list = []
        self.links: list[tuple[str, str, str]] = []  # (gid of a mark's parts, link, tooltip text)

    def text(self, x, y, lines, size=FONT, color=INK, weight="normal", ha="left", gid=None, **kw):
        """Lines of text whose first line's top is at ``y``; returns the y below the last line."""
        lines = [lines] if isinstance(lines, str) else lines
        artist = self.ax.text(
            x,
            y,
            plain("\n".join(lines)),
            fontsize=size,
            color=color,
            fontweight=weight,
            ha=ha,
            va="top",
            linespacing=LEADING,
            gid=gid,
            **kw,
        )
        return y + line_height(size) * len(lines), artist

    def tip(self, x, y_bottom, lines, gid):
        """A box of text standing above ``y_bottom``, shown in the HTML on hover and focus only.

        It stands above its mark, over marks drawn before it; near the top it moves down
        just enough to stay inside the chart.
        """
        y_bottom = max(y_bottom, line_height(SMALL) * len(lines) + 2 * TIP_PAD + 2)
        artist = self.ax.text(
            x,
            y_bottom,
            plain("\n".join(lines)),
            fontsize=SMALL,
            color=INK,
            ha="left",
            va="bottom",
            linespacing=LEADING,
            gid=gid,
            bbox={
                "boxstyle": f"round,pad={TIP_PAD / SMALL}",
                "facecolor": "#ffffe8",
                "edgecolor": "#444444",
                "linewidth": 0.8,
            },
            zorder=10,
        )
        self.tips.append(artist)
        return artist


def _sources_text(ds, source_ids) -> str:
    names = []
    more = max(0, len(source_ids) - MAX_NAMED_SOURCES)
    articles = _articles(ds)
    for sid in source_ids[:MAX_NAMED_SOURCES]:
        names.append(f"{articles[sid]} ({sid})")
    listed = "; ".join(names) + (f"; and {counted(more, 'more article')}" if more else "")
    return "Sources: " + listed + "."


def _first_few(items: list[str], noun: str, sep: str = ", ") -> str:
    """``items`` joined by ``sep``; past ``MAX_NAMED_SOURCES``, the first of them and a count of the rest.

    A tooltip listing every one of hundreds of articles would stand far taller than its chart.
    """
    more = len(items) - MAX_NAMED_SOURCES
    if more <= 0:
        return sep.join(items)
    return sep.join(items[:MAX_NAMED_SOURCES]) + f"{sep}and {counted(more, 'more ' + noun)}"


def _articles(ds) -> dict[str, str]:
    """Every article as a chart names it (its author, else its outlet), by source id."""
    return {
        sid: next(
            (str(v) for v in (author, outlet) if not str(v).startswith("not stated")),
            f"unsigned article {archive_file[:3]}",
        )
        for sid, author, outlet, archive_file in zip(
            ds.sources["source_id"], ds.sources["author"], ds.sources["outlet"], ds.sources["archive_file"], strict=True
        )
    }


def _ordered_sources(ds, frame: pd.DataFrame) -> list[str]:
    used = {s for ids in frame["source_ids"] for s in ids}
    return [s for s in ds.sources["source_id"] if s in used]


def _source_lines(ds, source_ids, data_file: str, width: float = WIDTH, size: float = SMALL) -> list[str]:
    """The source line under a chart, so it stays attributed when shared alone."""
    cited = _sources_text(ds, source_ids) + " " if source_ids else ""
    line = cited + f"Data: {data_file}, from this report's data package."
    return wrap(line, width - 2 * MARGIN, size)


# --------------------------------------------------------------------------------------
# Estimates: one row per claimant's estimate, sorted by figure, on one scale


def aggregate_by_type(table: pd.DataFrame) -> pd.DataFrame:
    """One row per kind of claimant, figure and statement window, counting the estimates merged."""
    keys = [
        "metric",
        "metric_label",
        "claimant_type",
        "value_low",
        "value_high",
        "stated_start",
        "stated_end",
        "stated_precision",
    ]
    rows = []
    for _, g in table.groupby(keys, dropna=False, sort=False):
        first = g.iloc[0].to_dict()
        kind = claimant_kind(first["claimant_type"], group=True)
        first.update(
            claimant=first["claimant_type"],
            claimant_name=f"{kind} ({counted(g['claimant'].nunique(), 'claimant')})",
            claim_ids=sorted({c for ids in g["claim_ids"] for c in ids}),
            source_ids=sorted({s for ids in g["source_ids"] for s in ids}),
        )
        rows.append(first)
    return pd.DataFrame(rows)


def _sort_value(row) -> float:
    return row["value_high"] if pd.notna(row["value_high"]) else row["value_low"]


def approximate(row) -> bool:
    return "approximately" in str(row["qualifier"]).split(" / ")


def mark_text(row) -> str:
    """The figure as the chart prints it beside its mark."""
    return ("about " if approximate(row) else "") + row["figure"]


def plotted_estimates(table: pd.DataFrame) -> pd.DataFrame:
    """The rows an estimate chart draws, in its order: per metric, largest figure first.

    Estimates without a figure ('dozens') have nothing to draw and are left out; many
    estimates are grouped by kind of claimant (``AGGREGATE_ABOVE``).
    """
    if len(table) > AGGREGATE_ABOVE:
        table = aggregate_by_type(table)
    table = table[table["value_low"].notna() | table["value_high"].notna()].copy()
    if table.empty:
        return table.assign(row=pd.Series(dtype=int))
    order = {m: i for i, m in enumerate(dict.fromkeys(table["metric"]))}
    table["_m"] = table["metric"].map(order)
    table["_v"] = table.apply(_sort_value, axis=1)
    table["_low"] = table["value_low"].fillna(-1)
    table = table.sort_values(["_m", "_v", "_low", "claimant_name"], ascending=[True, False, False, True])
    table = table.drop(columns=["_m", "_v", "_low"]).reset_index(drop=True)
    table["row"] = range(1, len(table) + 1)
    return table


def estimates_csv(rows: pd.DataFrame) -> pd.DataFrame:
    """The plotted estimates as the chart's data file: one line per mark, with its claim ids."""
    out = pd.DataFrame(
        {
            "row": rows["row"],
            "metric": rows["metric"],
            "claimant": rows["claimant"],
            "claimant_name": rows["claimant_name"],
            "claimant_type": rows["claimant_type"],
            "value_low": rows["value_low"].astype("Int64"),
            "value_high": rows["value_high"].astype("Int64"),
            "qualifier": rows["qualifier"],
            "figure": rows.apply(mark_text, axis=1) if len(rows) else [],
            "stated_start": pd.to_datetime(rows["stated_start"]).dt.strftime("%Y-%m-%d"),
            "stated_end": pd.to_datetime(rows["stated_end"]).dt.strftime("%Y-%m-%d"),
            "stated_precision": rows["stated_precision"],
            "claim_ids": rows["claim_ids"].map(" ".join),
            "source_ids": rows["source_ids"].map(" ".join),
            "register": rows["claim_ids"].map(lambda ids: href(ids[0])),
        }
    )
    return out


def _nice_ticks(top: float) -> list[float]:
    ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10], integer=True).tick_values(0, top)
    return [t for t in ticks if 0 <= t <= top]


def _scale(rows: pd.DataFrame, plot_width: float) -> float:
    """The axis's top value: every figure's label fits right of its mark (or left of a long range)."""
    top = 1.0
    for _, r in rows.iterrows():
        value = _sort_value(r)
        room = plot_width - 6 - text_width(mark_text(r), SMALL)
        top = max(top, value * plot_width / max(room, plot_width * 0.4), value * 1.04)
    return top


ROW_GAP = 7.0
MARK_BAND = 14.0  # the height of the line a mark stands on


def _estimate_rows_layout(rows: pd.DataFrame, width: float) -> list[dict]:
    """Each row's label lines and heights."""
    out = []
    for _, r in rows.iterrows():
        when = f"stated {r['when']}" if r["when"] != "not stated" else "date not stated"
        name = wrap(r["claimant_name"], width, FONT)
        # the date goes on the name's last line when it fits there, else on a line of its own
        if text_width(f"{name[-1]}  {when}", FONT) <= width * 0.95:
            lines = [(name, None), ([when], "inline")]
        else:
            lines = [(name, None), (wrap(when, width, SMALL), "below")]
        height = line_height(FONT) * len(name) + (
            line_height(SMALL) * len(lines[1][0]) if lines[1][1] == "below" else 0
        )
        out.append({"name": name, "when": lines[1][0], "when_pos": lines[1][1], "label_height": height})
    return out


def _key_entries(types: list[str]) -> list[tuple[str, dict]]:
    return [(claimant_kind(t), style_of(t)) for t in types]


def estimate_chart(ds, table: pd.DataFrame, stem, name: str, axis_label: str, alt: str = "") -> Chart:
    """Every estimate as a mark on one scale, one row per claimant's estimate, grouped by metric.

    A point is a marker, a range a bar between two markers, an 'up to' figure a dotted
    line from zero to its marker, an 'at least' figure a dotted line from its marker to
    the right edge; an approximate figure has a hollow marker and reads 'about'. Each
    row names the claimant and when the estimate was stated.
    """
    rows = plotted_estimates(table)
    inner = WIDTH - 2 * MARGIN
    if rows.empty:  # nothing to draw: say so, rather than draw an empty scale
        words = wrap("No estimate with a figure in this selection.", inner, FONT)
        sources = _source_lines(ds, [], f"{Path(stem).name}.csv")
        c = Canvas(2 * MARGIN + line_height(FONT) * len(words) + 8 + line_height(SMALL) * len(sources))
        y, _ = c.text(MARGIN, MARGIN, words, FONT)
        c.text(MARGIN, y + 8, sources, SMALL, color="#333333")
        empty = rows.assign(claim_ids=[], source_ids=[])
        return _finish(c, stem, name, empty, estimates_csv(empty), alt)
    layouts = _estimate_rows_layout(rows, inner)
    top_value = _scale(rows, inner)

    # heights first: the key, each metric's heading and rows, the axis, the source line
    present = set(rows["claimant_type"])
    types = [t for t in TYPE_STYLES if t in present] + sorted(present - set(TYPE_STYLES))
    key = _key_entries(types)
    key_cols = 2
    key_height = line_height(SMALL) * (math.ceil(len(key) / key_cols) + 2) + 6
    metrics = list(dict.fromkeys(rows["metric"]))
    labels = {m: rows.loc[rows["metric"] == m, "metric_label"].iloc[0] for m in metrics}
    headings = {m: wrap(labels[m], inner, HEADING, "bold") for m in metrics}
    body = sum(line_height(HEADING) * len(headings[m]) + 10 for m in metrics)
    body += sum(lay["label_height"] + MARK_BAND + ROW_GAP for lay in layouts)
    dropped = len(table[table["value_low"].isna() & table["value_high"].isna()])
    note = (
        wrap(f"Not drawn: {counted(dropped, 'estimate')} without a figure (see the table).", inner, SMALL)
        if dropped
        else []
    )
    axis_height = line_height(SMALL) * 2 + 8
    sources = _source_lines(ds, _ordered_sources(ds, rows), f"{Path(stem).name}.csv")
    height = MARGIN + key_height + body + axis_height + line_height(SMALL) * (len(sources) + len(note)) + 10

    c = Canvas(height)
    x0, x1 = MARGIN, WIDTH - MARGIN

    def x_of(v):
        return x0 + (x1 - x0) * float(v) / top_value

    # the key: kinds of claimant, then how a figure is drawn
    y = MARGIN
    for i, (label, style) in enumerate(key):
        col, line = i % key_cols, i // key_cols
        kx, ky = x0 + col * inner / key_cols, y + line * line_height(SMALL)
        c.ax.plot(kx + 5, ky + 6, style["marker"], color=style["color"], markersize=7)
        c.text(kx + 14, ky, label, SMALL)
    y += line_height(SMALL) * math.ceil(len(key) / key_cols) + 2
    shapes_y = y + 6
    c.ax.plot([x0, x0 + 22], [shapes_y, shapes_y], color=MUTED, linewidth=4, solid_capstyle="butt", alpha=0.55)
    c.text(x0 + 26, y, "range", SMALL)
    sx = x0 + 30 + text_width("range", SMALL) + 12
    c.ax.plot([sx, sx + 22], [shapes_y, shapes_y], color=MUTED, linewidth=1.5, linestyle=(0, (1.5, 1.5)))
    c.text(sx + 26, y, "'up to' / 'at least'", SMALL)
    y += line_height(SMALL)
    c.ax.plot(x0 + 5, y + 6, "o", color=MUTED, markerfacecolor="white", markeredgewidth=1.6, markersize=7)
    c.text(x0 + 14, y, "approximate ('about')", SMALL)
    y += line_height(SMALL) + 6

    ticks = _nice_ticks(top_value)
    names = _articles(ds)
    bands: list[tuple[float, float]] = []  # where marks stand
    for metric in metrics:
        c.ax.plot([x0, x1], [y + 2, y + 2], color="#999999", linewidth=0.8)
        y, _ = c.text(x0, y + 6, headings[metric], HEADING, weight="bold")
        y += 4
        for idx in rows.index[rows["metric"] == metric]:
            r, lay = rows.loc[idx], layouts[idx]
            y = _draw_estimate_row(c, names, r, lay, y, x_of, x0, x1, name)
            bands.append((y - ROW_GAP - MARK_BAND - 2, y - ROW_GAP + 2))
    # gridlines behind the marks (not through the labels), and the scale under them
    for t in ticks:
        for top, bottom in bands:
            c.ax.plot([x_of(t), x_of(t)], [top, bottom], color=GRID, linewidth=0.7, zorder=0)
    for t in ticks:
        c.ax.plot([x_of(t), x_of(t)], [y - ROW_GAP, y], color=GRID, linewidth=0.7, zorder=0)
        ha = "left" if t == 0 else "right" if x_of(t) + text_width(number(t), SMALL) / 2 > x1 else "center"
        c.text(x_of(t), y + 2, number(t), SMALL, color=MUTED, ha=ha, gid=f"{name}-tick-{int(t)}")
    y += line_height(SMALL) + 2
    y, _ = c.text(x0, y, axis_label, SMALL, color=MUTED)
    y += 6
    if note:
        y, _ = c.text(x0, y, note, SMALL, color=MUTED)
    c.text(x0, y, sources, SMALL, color="#333333")
    return _finish(c, stem, name, rows, estimates_csv(rows), alt)


def _draw_estimate_row(c: Canvas, names: dict[str, str], r, lay, y, x_of, x0, x1, chart) -> float:
    """One estimate: its claimant and date, its mark and figure, its link and tooltip."""
    gid = f"{r['claim_ids'][0]}"
    top = y
    style = style_of(r["claimant_type"])
    after_name, _ = c.text(x0, y, lay["name"], FONT, gid=f"{gid}__name")
    if lay["when_pos"] == "inline":
        last = lay["name"][-1]
        c.text(
            x0 + text_width(last + "  ", FONT),
            after_name - line_height(FONT) + (FONT - SMALL) * 0.8,
            lay["when"],
            SMALL,
            color=MUTED,
        )
        y = after_name
    else:
        y, _ = c.text(x0, after_name, lay["when"], SMALL, color=MUTED)
    ym = y + MARK_BAND / 2
    low, high = r["value_low"], r["value_high"]
    hollow = approximate(r)
    marker = {
        "marker": style["marker"],
        "color": style["color"],
        "markersize": 8,
        "markerfacecolor": "white" if hollow else style["color"],
        "markeredgewidth": 1.8 if hollow else 1.0,
        "linestyle": "",
        "zorder": 3,
    }
    n = 0

    def part(artist_list):
        nonlocal n
        for a in artist_list if isinstance(artist_list, list) else [artist_list]:
            a.set_gid(f"{gid}__{n}")
            n += 1

    if pd.notna(low) and pd.notna(high) and low != high:
        part(
            c.ax.plot(
                [x_of(low), x_of(high)],
                [ym, ym],
                color=style["color"],
                linewidth=4,
                alpha=0.55,
                solid_capstyle="butt",
                zorder=2,
            )
        )
        part(c.ax.plot([x_of(low), x_of(high)], [ym, ym], **marker))
        end = x_of(high)
    elif pd.isna(low):  # up to: anything from zero to the figure
        part(
            c.ax.plot(
                [x_of(0), x_of(high)],
                [ym, ym],
                color=style["color"],
                linewidth=1.5,
                linestyle=(0, (1.5, 1.5)),
                zorder=2,
            )
        )
        part(c.ax.plot([x_of(high)], [ym], **marker))
        end = x_of(high)
    elif pd.isna(high):  # at least: the figure or more
        part(
            c.ax.plot(
                [x_of(low), x1], [ym, ym], color=style["color"], linewidth=1.5, linestyle=(0, (1.5, 1.5)), zorder=2
            )
        )
        part(c.ax.plot([x_of(low)], [ym], **marker))
        end = x_of(low)
    else:
        part(c.ax.plot([x_of(low)], [ym], **marker))
        end = x_of(low)
    label = mark_text(r)
    if end + 7 + text_width(label, SMALL) <= x1:
        _, t = c.text(end + 7, ym - line_height(SMALL) / 2 + 0.5, label, SMALL, color=INK)
    else:  # an 'at least' figure near the edge: its label goes before the mark
        start = x_of(low if pd.notna(low) else high)
        _, t = c.text(start - 7, ym - line_height(SMALL) / 2 + 0.5, label, SMALL, color=INK, ha="right")
    part(t)
    articles = _first_few([f"{names[s]} ({s})" for s in r["source_ids"]], "article", "; ")
    ids = _first_few(r["claim_ids"], "claim")
    tip = [
        *wrap(f"{r['claimant_name']}: {label}", WIDTH - 24, SMALL),
        *wrap(f"Stated {r['when']}. Reported by {articles}.", WIDTH - 24, SMALL),
        *wrap(f"Claim {ids}: open its register entry.", WIDTH - 24, SMALL),
    ]
    c.tip(x0 + 4, top - 2, tip, gid=f"{gid}__tip")
    c.links.append((gid, href(r["claim_ids"][0]), " ".join(tip)))
    return y + MARK_BAND + ROW_GAP


def troop_chart(ds, table: pd.DataFrame, stem, alt: str = "") -> Chart:
    """Troop estimates: how many sent, and how many as reinforcements, per claimant."""
    return estimate_chart(ds, table, stem, "troops", "North Korean soldiers (persons)", alt)


def casualty_chart(ds, table: pd.DataFrame, stem, alt: str = "") -> Chart:
    """Casualty estimates, grouped by what they count, on one scale."""
    return estimate_chart(ds, table, stem, "casualties", "North Korean soldiers (persons)", alt)


# --------------------------------------------------------------------------------------
# The chronology: one numbered row per event, month by month, then the last days day by day


def _record_dates(ds) -> pd.Series:
    """When the claims were stated and the articles published: the span of a chart with nothing to draw."""
    columns = [ds.claims[c] for c in ("stated_start", "stated_end")]
    columns += [ds.sources[c] for c in ("published_start", "published_end")]
    return pd.concat(columns).dropna()


def chronology_rows(timeline: pd.DataFrame) -> pd.DataFrame:
    """The events the chronology chart draws, numbered as the events table numbers them."""
    lo = window_start(timeline)
    shown = timeline if pd.isna(lo) else timeline[timeline["date_end"] >= lo]
    shown = shown.reset_index(drop=True)
    return shown.assign(number=range(1, len(shown) + 1))


def chronology_csv(ds, shown: pd.DataFrame) -> pd.DataFrame:
    """One line per drawn dating of an event, with the events.csv rows behind it."""
    ev = ds.events
    dating = dict(
        zip(ev["event_id"], zip(ev["date_start"], ev["date_end"], ev["date_precision"], strict=True), strict=True)
    )
    lines = []
    for _, r in shown.iterrows():
        for d in r["datings"]:
            ids = [
                e
                for e in r["event_ids"]
                if dating[e][1] == d["end"]
                and dating[e][2] == d["precision"]
                and (dating[e][0] == d["start"] or (pd.isna(d["start"]) and pd.isna(dating[e][0])))
            ]
            lines.append(
                {
                    "number": r["number"],
                    "event_key": r["event_key"],
                    "label": r["label"],
                    "category": r["category"],
                    "date_start": "" if pd.isna(d["start"]) else f"{d['start']:%Y-%m-%d}",
                    "date_end": f"{d['end']:%Y-%m-%d}",
                    "date_precision": d["precision"],
                    "when": d["when"],
                    "source_ids": " ".join(d["source_ids"]),
                    "event_ids": " ".join(ids),
                    "register": href(r["event_ids"][0]),
                }
            )
    columns = [
        "number",
        "event_key",
        "label",
        "category",
        "date_start",
        "date_end",
        "date_precision",
        "when",
        "source_ids",
        "event_ids",
        "register",
    ]
    return pd.DataFrame(lines, columns=columns)


def _tick_step(labels_for, candidates, x_of, gap: float = 6.0):
    """The first step (of ``candidates``) at which no two tick labels touch."""
    for step in candidates:
        ticks = labels_for(step)
        edges = []
        for when, lines in ticks:
            w = max(text_width(line, SMALL) for line in lines)
            edges.append((x_of(when) - w / 2, x_of(when) + w / 2))
        if all(b[0] - a[1] >= gap for a, b in itertools.pairwise(edges)):
            return ticks
    return labels_for(candidates[-1])[:1]


def timeline_chart(ds, timeline: pd.DataFrame, stem, alt: str = "") -> Chart:
    """One numbered row per event since the chronology's window starts, in two panels:
    month by month, then the last ``ZOOM_DAYS`` before the latest event day by day.

    A day is a dot, a longer span a bar (coloured and hatched by kind of event), an
    event known only to precede a date a dotted line ending in a tick. Events the
    articles date differently carry a dagger and show every dating. The numbers index
    the events table under the chart, which gives each event's full description.
    """
    screen = _timeline_canvas(ds, timeline, SCREEN, f"{Path(stem).name}.csv")
    printed = _timeline_canvas(ds, timeline, PRINTED, f"{Path(stem).name}.csv")
    shown = chronology_rows(timeline)
    return _finish(screen, stem, "chronology", shown, chronology_csv(ds, shown), alt, printed=printed)


@dataclass(frozen=True)
class Layout:
    """The measures of a chart drawn for one medium."""

    width: float
    small: float
    row: float
    columns: int  # of the key


# The chronology is tall: on paper its height, capped at 60% of the text block, sets its
# scale, so the PDF gets a layout of its own, as wide as the text and with tighter rows.
SCREEN = Layout(WIDTH, SMALL, 15.0, 2)
PRINTED = Layout(440.0, 9.0, 11.0, 3)


def _timeline_canvas(ds, timeline: pd.DataFrame, p: Layout, data_file: str) -> Canvas:
    shown = chronology_rows(timeline)
    latest = shown["date_end"].max() if not shown.empty else _record_dates(ds).max()
    lo = window_start(timeline)
    lo = latest.to_period("M").to_timestamp() if pd.isna(lo) else lo
    mid = latest - pd.Timedelta(days=ZOOM_DAYS)
    hi = latest + pd.Timedelta(days=2)  # room for the latest event's dot and end tick
    # a window shorter than the zoom still gets a month-by-month panel, if an empty one
    lo = min(lo, (mid - pd.Timedelta(days=1)).to_period("M").to_timestamp())

    numw = text_width(f"{max(len(shown), 1)} †", p.small) + 6
    lx0 = MARGIN + numw
    rx1 = p.width - MARGIN
    split = lx0 + (rx1 - lx0) * 0.56
    panels = [(lx0, split - 3, lo, mid), (split + 3, rx1, mid, hi)]

    def x_in(panel, when):
        a, b, p0, p1 = panel
        return a + (b - a) * ((when - p0) / (p1 - p0))

    colw = (p.width - 2 * MARGIN) / p.columns
    categories = [c for c in CATEGORY_STYLES if c in set(shown["category"])]
    encodings = [
        "dated to the day",
        "a week, month, season or span",
        "on or before a date",
        "† the articles date it differently",
    ]
    per_encoding = max(len(wrap(label, colw - 24, p.small)) for label in encodings)
    key_lines = math.ceil(len(categories) / p.columns) + math.ceil(len(encodings) / p.columns) * per_encoding
    titles = [
        wrap(f"{lo:%b %Y} – {mid - pd.Timedelta(days=1):%-d %b %Y}", panels[0][1] - panels[0][0], p.small, "bold"),
        wrap(f"{mid:%-d %b} – {hi:%-d %b %Y}, day by day", panels[1][1] - panels[1][0], p.small, "bold"),
    ]
    title_h = line_height(p.small) * max(len(t) for t in titles) + 4
    sources = _source_lines(ds, _ordered_sources(ds, shown) if len(shown) else [], data_file, p.width, p.small)
    axis_h = line_height(p.small) * 3 + 6
    height = (
        MARGIN
        + line_height(p.small) * key_lines
        + 8
        + title_h
        + p.row * max(len(shown), 1)
        + axis_h
        + line_height(p.small) * len(sources)
        + 8
    )
    c = Canvas(height, p.width)

    # the key
    y = MARGIN
    for i, cat in enumerate(categories):
        kx, ky = MARGIN + (i % p.columns) * colw, y + (i // p.columns) * line_height(p.small)
        st = CATEGORY_STYLES[cat]
        c.ax.add_patch(
            matplotlib.patches.Rectangle(
                (kx, ky + 2), 16, 8, facecolor=st["color"], hatch=st["hatch"], edgecolor="white", linewidth=0
            )
        )
        c.text(kx + 20, ky, cat, p.small)
    y += line_height(p.small) * math.ceil(len(categories) / p.columns) + 4
    for i, label in enumerate(encodings):
        kx, ky = MARGIN + (i % p.columns) * colw, y + (i // p.columns) * line_height(p.small) * per_encoding
        lines = wrap(label, colw - 24, p.small)
        if i == 0:
            c.ax.plot(kx + 8, ky + 6, "o", color=MUTED, markersize=5)
        elif i == 1:
            c.ax.add_patch(matplotlib.patches.Rectangle((kx, ky + 2), 16, 8, facecolor=MUTED, linewidth=0))
        elif i == 2:
            c.ax.plot([kx, kx + 14], [ky + 6, ky + 6], color=MUTED, linewidth=1, linestyle=(0, (1, 1.5)))
            c.ax.plot(kx + 15, ky + 6, "|", color=MUTED, markersize=8, markeredgewidth=2)
        c.text(kx + (20 if i < 3 else 0), ky, lines, p.small)
    y += line_height(p.small) * math.ceil(len(encodings) / p.columns) * per_encoding + 4

    for panel, title in zip(panels, titles, strict=True):
        c.text(panel[0], y, title, p.small, weight="bold")
    y += title_h
    rows_top = y
    rows_bottom = rows_top + p.row * max(len(shown), 1)

    # month ticks (a year under January and the first tick), day ticks in the right panel
    def month_ticks(step):
        first = lo.to_period("M").to_timestamp()
        first = first if first >= lo else first + pd.DateOffset(months=1)
        ticks = pd.date_range(first, mid - pd.Timedelta(days=1), freq=f"{step}MS")
        return [(t, [f"{t:%b}", f"{t:%Y}"] if i == 0 or t.month <= step else [f"{t:%b}"]) for i, t in enumerate(ticks)]

    def day_ticks(step):
        ticks = pd.date_range(end=latest, periods=max(1, ZOOM_DAYS // step + 1), freq=f"{step}D")
        return [(t, [f"{t:%a}", f"{t:%-d}"]) for t in ticks if t >= mid]

    for panel, ticks in (
        (panels[0], _tick_step(month_ticks, [1, 2, 3, 4, 6, 12], lambda t: x_in(panels[0], t))),
        (panels[1], _tick_step(day_ticks, [1, 2, 3, 5, 7, 10], lambda t: x_in(panels[1], t + pd.Timedelta(hours=12)))),
    ):
        day_panel = panel is panels[1]
        for when, lines in ticks:
            x = x_in(panel, when + pd.Timedelta(hours=12) if day_panel else when)
            c.ax.plot([x, x], [rows_top, rows_bottom], color="#e5e5e5", linewidth=0.7, zorder=0)
            c.text(x, rows_bottom + 3, lines, p.small, color=MUTED, ha="center")
        c.ax.plot(
            [panel[0], panel[0]],
            [rows_top, rows_bottom],
            color="#888888",
            linewidth=0.8,
            linestyle=(0, (2, 2)) if day_panel else "-",
            zorder=1,
        )
    days = " – ".join(dict.fromkeys(f"{d:%B %Y}" for d in (mid, latest)))
    c.text(panels[1][0], rows_bottom + 3 + line_height(p.small) * 2, days, p.small, color=MUTED)

    for i, r in shown.iterrows():
        ym = rows_top + p.row * (i + 0.5)
        if i % 2 == 0:  # a faint band on every other row guides the eye from number to mark
            c.ax.add_patch(
                matplotlib.patches.Rectangle(
                    (MARGIN, ym - p.row / 2), rx1 - MARGIN, p.row, facecolor="#f4f4f4", linewidth=0, zorder=-1
                )
            )
        _draw_event_row(c, r, ym, panels, x_in, p)
    c.text(MARGIN, rows_bottom + axis_h, sources, p.small, color="#333333")
    return c


def _draw_event_row(c: Canvas, r, ym, panels, x_in, p: Layout) -> None:
    """One event: its number, a mark per dating and, on screen, its link and tooltip."""
    gid = r["event_ids"][0]
    st = CATEGORY_STYLES.get(r["category"], {"color": INK, "hatch": ""})
    color = st["color"]
    parts = []
    dagger = " †" if len(r["datings"]) > 1 else ""
    _, t = c.text(panels[0][0] - 4, ym - line_height(p.small) / 2 + 0.5, f"{r['number']}{dagger}", p.small, ha="right")
    parts.append(t)
    for d in r["datings"]:
        s, e, precision = d["start"], d["end"], d["precision"]
        for panel in panels:
            a, b, p0, p1 = panel
            if precision == "day":
                when = s + pd.Timedelta(hours=12)
                if p0 <= when < p1:
                    parts += c.ax.plot(x_in(panel, when), ym, "o", color=color, markersize=5.5, zorder=3)
            elif precision == "on_or_before" or pd.isna(s):
                end = e + pd.Timedelta(days=1)
                x_end = min(x_in(panel, end), b) if end > p0 else None
                if x_end is not None:
                    parts += c.ax.plot([a, x_end], [ym, ym], color=color, linewidth=1, linestyle=(0, (1, 1.5)))
                    if p0 <= end <= p1:
                        parts += c.ax.plot(x_in(panel, end), ym, "|", color=color, markersize=9, markeredgewidth=2)
            else:
                s0, e0 = max(s, p0), min(e + pd.Timedelta(days=1), p1)
                if s0 < e0:
                    x0, x1 = x_in(panel, s0), x_in(panel, e0)
                    parts.append(
                        c.ax.add_patch(
                            matplotlib.patches.Rectangle(
                                (x0, ym - 4),
                                max(x1 - x0, 1.5),
                                8,
                                facecolor=color,
                                alpha=0.85,
                                hatch=st["hatch"],
                                edgecolor="white",
                                linewidth=0,
                                zorder=2,
                            )
                        )
                    )
    if p is not SCREEN:
        return
    for n, artist in enumerate(parts):
        artist.set_gid(f"{gid}__{n}")
    datings = "; ".join(f"{d['when']} ({_first_few(d['source_ids'], 'article')})" for d in r["datings"])
    tip = [
        *wrap(f"{r['number']}. {r['label']}", WIDTH - 24, SMALL),
        *wrap(f"{r['category'].capitalize()}. Dated {datings}.", WIDTH - 24, SMALL),
        *wrap(f"Event {_first_few(r['event_ids'], 'report')}: open its register entry.", WIDTH - 24, SMALL),
    ]
    c.tip(MARGIN + 4, ym - p.row / 2 - 2, tip, gid=f"{gid}__tip")
    c.links.append((gid, href(gid), " ".join(tip)))


# --------------------------------------------------------------------------------------
# Saving: reproducible files, and an SVG whose marks are links


def _finish(c: Canvas, stem, name: str, rows: pd.DataFrame, csv: pd.DataFrame, alt: str, printed=None) -> Chart:
    """Write the chart's SVG (from ``c``), PDF (from ``printed``, else ``c``) and CSV."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    # the PDF is static: no tooltips
    for t in c.tips:
        t.set_visible(False)
    pdf_path = stem.with_suffix(".pdf")
    (printed or c).fig.savefig(pdf_path, format="pdf", metadata={"CreationDate": None, "ModDate": None})
    if printed is not None:
        plt.close(printed.fig)
    for t in c.tips:
        t.set_visible(True)
    svg_path = stem.with_suffix(".svg")
    with matplotlib.rc_context({"svg.hashsalt": f"nk-kursk-claims-{name}"}):
        c.fig.savefig(svg_path, format="svg", metadata={"Date": None})
    plt.close(c.fig)
    svg = linked_svg(svg_path.read_text(encoding="utf-8"), name, c.links)
    svg_path.write_text(svg, encoding="utf-8")
    csv_path = stem.with_suffix(".csv")
    csv.to_csv(csv_path, index=False, lineterminator="\n")
    return Chart(name, stem, rows, svg, pdf_path.read_bytes(), alt, [svg_path, pdf_path, csv_path])


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _css(name: str) -> str:
    """The chart's own style sheet, scoped to it: inline in a page it must style nothing else."""
    s = f"svg#{name}"
    return (
        f"{s} * {{stroke-linejoin: round; stroke-linecap: butt}} "
        f"{s} .tip {{visibility: hidden}} "
        f"{s} a:hover .tip, {s} a:focus .tip {{visibility: visible}} "
        f"{s} a:focus {{outline: 2px solid #1a5fb4; outline-offset: 1px}} "
        f"{s} a {{cursor: pointer; text-decoration: none}}"
    )


def linked_svg(svg: str, name: str, links: list[tuple[str, str, str]]) -> str:
    """matplotlib's SVG made fit for a web page.

    Every id gets the chart's name as prefix (two charts on one page never share an id);
    the parts of each mark (``gid__n`` groups) move into one ``<a>`` to its register
    entry, with a ``<title>`` and its tooltip box, after everything else so the tooltip
    is drawn on top; the style sheet is scoped to the chart; no XML prolog or metadata.
    """
    root = ET.fromstring(svg)
    # "chart-": the page's own ids come from its headings ("chronology")
    name = f"chart-{name}"
    root.set("id", name)
    for meta in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(meta)
    ids = {el.get("id") for el in root.iter() if el.get("id")} - {name}

    def renamed(value: str) -> str:
        return re.sub(r"#([\w.-]+)", lambda m: f"#{name}-{m.group(1)}" if m.group(1) in ids else m.group(0), value)

    for el in root.iter():
        for attr, value in list(el.attrib.items()):
            if attr == "id" and value in ids:
                el.set(attr, f"{name}-{value}")
            elif "#" in value and attr != "id":
                el.set(attr, renamed(value))
        if el.tag == f"{{{SVG_NS}}}text":
            el.set(
                "style", el.get("style", "").replace(f"font-family: '{FAMILY}'", f"font-family: {FALLBACK_FAMILIES}")
            )
    for style in root.iter(f"{{{SVG_NS}}}style"):
        style.text = _css(name)
    parents = {child: parent for parent in root.iter() for child in parent}
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    for gid, target, title in links:
        a = ET.SubElement(root, f"{{{SVG_NS}}}a", {"href": target, "aria-label": title, "id": f"{name}-{gid.lower()}"})
        ET.SubElement(a, f"{{{SVG_NS}}}title").text = title
        n = 0
        parts = [f"{name}-{gid}__name"] + [f"{name}-{gid}__{i}" for i in range(64)] + [f"{name}-{gid}__tip"]
        for part in parts:
            el = by_id.get(part)
            if el is None:
                continue
            parents[el].remove(el)
            del el.attrib["id"]
            if part.endswith("__tip"):
                el.set("class", "tip")
            a.append(el)
            n += 1
    return ET.tostring(root, encoding="unicode", xml_declaration=False) + "\n"
