"""Charts of estimates and of the chronology, saved as SVG (HTML) and PDF (LaTeX).

Every claimant has a colour from the Okabe-Ito palette (safe for colour-blind readers)
*and* its own marker, and marks carry text labels, so colour never carries meaning
alone. Figures have a white background so they stay readable in a dark theme. Output
is byte-for-byte reproducible: fixed SVG ids, no dates in the files.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.chronology import window_start  # noqa: E402
from analysis.formatting import CLAIMANT_TYPES, claimant_kind, counted, number, shortened  # noqa: E402

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "h", "*", "<", ">", "p"]
# Charts are drawn at the width they are shown (the book's text column), so 8 pt stays 8 pt.
PAGE_WIDTH = 7.8
CATEGORY_HATCH = {
    "background": "",
    "treaty": "",
    "deployment": "//",
    "combat": "xx",
    "acknowledgement": "",
    "statement": "..",
    "reaction": "\\\\",
}

matplotlib.rcParams.update(
    {
        "svg.hashsalt": "nk-kursk-claims",
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
    }
)


def plain(value) -> str:
    """Text for a chart label: '$' would otherwise start matplotlib mathtext."""
    return str(value).replace("$", r"\$")


def claimant_styles(ds) -> dict[str, dict]:
    """A fixed colour and marker per claimant, the same in every chart."""
    ids = sorted(ds.claimants["claimant_id"])
    return {
        cid: {"color": OKABE_ITO[i % len(OKABE_ITO)], "marker": MARKERS[i % len(MARKERS)]} for i, cid in enumerate(ids)
    }


# Above this many estimates a chart groups them by kind of claimant instead of drawing
# (and labelling) one mark per claimant.
AGGREGATE_ABOVE = 24
# The source line under a chart names at most this many articles.
MAX_NAMED_SOURCES = 8
# The chronology's right panel shows this many days before the latest event, day by day.
ZOOM_DAYS = 10


def _for_legibility(ds, table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The estimates as drawn, and their styles: per claimant, or per kind of claimant when many."""
    if len(table) <= AGGREGATE_ABOVE:
        return table, claimant_styles(ds)
    return aggregate_by_type(table), {
        t: {"color": OKABE_ITO[i], "marker": MARKERS[i]} for i, t in enumerate(CLAIMANT_TYPES)
    }


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
            claimant_name=f"{kind} ({counted(len(g), 'claimant')})",
            source_ids=sorted({s for ids in g["source_ids"] for s in ids}),
        )
        rows.append(first)
    return pd.DataFrame(rows)


def save(fig, stem: str | Path) -> list[Path]:
    """Write ``stem.svg`` and ``stem.pdf`` reproducibly and close the figure."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".svg"), stem.with_suffix(".pdf")]
    # labels kept out of the layout must still be inside the saved image
    extra = fig.get_default_bbox_extra_artists()
    extra += [t for t in fig.findobj(matplotlib.text.Text) if not t.get_in_layout() and t.get_text()]
    # one layout pass for both files: "tight" would draw the figure again for each format
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer(), bbox_extra_artists=extra).padded(0.1)
    fig.savefig(paths[0], format="svg", metadata={"Date": None}, bbox_inches=box)
    fig.savefig(paths[1], format="pdf", metadata={"CreationDate": None, "ModDate": None}, bbox_inches=box)
    plt.close(fig)
    return paths


def _source_line(fig, ds, source_ids) -> None:
    """Name the source articles under the chart, so it stays attributed when shared alone."""
    names = []
    more = max(0, len(source_ids) - MAX_NAMED_SOURCES)
    source_ids = source_ids[:MAX_NAMED_SOURCES] if more else source_ids
    for sid in source_ids:
        row = ds.sources[ds.sources["source_id"] == sid].iloc[0]
        who = next(
            (v for v in (row["author"], row["outlet"]) if not str(v).startswith("not stated")),
            f"unsigned article {row['archive_file'][:3]}",
        )
        names.append(f"{who} ({sid})")
    listed = "; ".join(names) + (f"; and {counted(more, 'more article')}" if more else "")
    line = "Sources: " + listed + ". Data: claims.csv and events.csv of this report's data package."
    fig.text(0.0, 0.0, plain(textwrap.fill(line, 125)), fontsize=7.5, ha="left", va="top", color="#333333")


def _record_dates(ds) -> pd.Series:
    """When the claims were stated and the articles published: the span of a chart with nothing to draw."""
    columns = [ds.claims[c] for c in ("stated_start", "stated_end")]
    columns += [ds.sources[c] for c in ("published_start", "published_end")]
    return pd.concat(columns).dropna()


def _draw_estimate(ax, x, row, style, x_is_value=False) -> None:
    """A point as a marker, a range as a bar, 'up to' as a bar from zero with a dashed body."""
    low, high = row["value_low"], row["value_high"]
    kw = {"color": style["color"], "linewidth": 3}
    if x_is_value:
        line, point = ax.hlines, lambda v: ax.plot(v, x, style["marker"], color=style["color"], markersize=8, zorder=3)
    else:
        line, point = ax.vlines, lambda v: ax.plot(x, v, style["marker"], color=style["color"], markersize=8, zorder=3)
    if pd.notna(low) and pd.notna(high) and low != high:
        line(x, low, high, **kw)
        point(low)
        point(high)
    elif pd.isna(low) and pd.notna(high):
        line(x, 0, high, linestyles="dashed", **{**kw, "linewidth": 1.5})
        point(high)
    elif pd.notna(low):
        point(low)


def troop_chart(ds, table: pd.DataFrame, stem) -> list[Path]:
    """Estimates by claimant over time, one panel per metric.

    An estimate stands at the last day it can have been stated (the rule ``as_of``
    uses); a line runs back to the first day of its statement window, or a short
    dotted arrow when only that last day is known. Labels sit in a column on the right
    with leader lines, so they never collide.
    """
    table, styles = _for_legibility(ds, _with_figures(table))
    metrics = list(dict.fromkeys(table["metric"]))
    heights = [3 if m == "deployed" else 1.4 for m in metrics] or [1]
    fig_height = 1.9 + 1.4 * sum(heights)
    fig, axes = plt.subplots(
        len(metrics) or 1,
        1,
        figsize=(PAGE_WIDTH, fig_height),
        squeeze=False,
        sharex=True,
        gridspec_kw={"height_ratios": heights, "hspace": 0.28},
    )
    # a fixed layout: the right third of the figure is the column for the labels
    fig.subplots_adjust(left=0.1, right=0.7, top=1 - 0.75 / fig_height, bottom=0.9 / fig_height)
    starts = pd.concat([table["stated_start"].dropna(), table["stated_end"]])
    ends = table["stated_end"].dropna()
    if ends.empty:  # no estimate to draw: the axis spans the record instead
        starts = ends = _record_dates(ds)
    pending = []
    for ax, metric in zip(axes[:, 0], metrics, strict=False):
        rows = table[table["metric"] == metric].sort_values(["stated_end", "claimant"]).reset_index(drop=True)
        top = max(rows[["value_low", "value_high"]].max().max() * 1.12, 1)
        ax.set_ylim(0, top)
        seen: dict = {}
        marks = []
        for _, row in rows.iterrows():
            style = styles[row["claimant"]]
            end = row["stated_end"]
            nudge = seen.get(end, 0)
            seen[end] = nudge + 1
            x = end + pd.Timedelta(days=4 * nudge)
            y = row["value_high"] if pd.notna(row["value_high"]) else row["value_low"]
            if pd.notna(row["stated_start"]):
                ax.hlines(y, row["stated_start"], x, color=style["color"], linewidth=1.2, alpha=0.9)
            else:
                ax.annotate(
                    "",
                    xy=(x - pd.Timedelta(days=25), y),
                    xytext=(x, y),
                    arrowprops={"arrowstyle": "->", "color": style["color"], "linestyle": "dotted"},
                )
            _draw_estimate(ax, x, row, style)
            marks.append((y, x, plain(textwrap.fill(f"{row['claimant_name']}: {row['figure']}", 24)), style["color"]))
        pending.append((ax, marks, top))
        ax.set_title(plain(rows["metric_label"].iloc[0]), loc="left")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v)))
        ax.set_ylabel("Troops (persons)")
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    last = axes[-1, 0]
    if not ends.empty:
        last.set_xlim(starts.min() - pd.Timedelta(days=30), ends.max() + pd.Timedelta(days=10))
    last.xaxis.set_major_locator(mdates.MonthLocator())
    last.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    last.set_xlabel("When the claimant made the estimate (its latest possible date)")
    handles = [
        plt.Line2D([], [], color="#444444", marker="o", linestyle="", label="point figure"),
        plt.Line2D([], [], color="#444444", linewidth=3, label="range"),
        plt.Line2D([], [], color="#444444", linestyle="dashed", label="'up to' figure"),
        plt.Line2D([], [], color="#444444", linewidth=1.2, label="window in which it was stated"),
        plt.Line2D([], [], color="#444444", linestyle="dotted", label="stated on or before that date"),
    ]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.02, 1.0), ncol=3, frameon=False, fontsize=8)
    for ax, marks, top in pending:
        _label_column(ax, marks, top)
    _source_line(fig, ds, _ordered_sources(ds, table))
    return save(fig, stem)


def _label_column(ax, marks, top) -> None:
    """Label each mark just right of it; labels are spread vertically so none collide."""
    if not marks:
        return
    height_in = ax.get_position().height * ax.figure.get_figheight()
    line = (8 * 1.3 / 72) / height_in  # one 8 pt text line, as a fraction of the axes height
    marks = sorted(marks, key=lambda m: m[0])
    positions = []
    previous_lines = 0
    for y, _, label, _ in marks:
        lines = label.count("\n") + 1
        want = y / top
        if positions:
            want = max(want, positions[-1] + line * (previous_lines + lines) / 2 + line * 0.6)
        positions.append(want)
        previous_lines = lines
    overflow = positions[-1] - 0.98
    if overflow > 0:
        positions = [p - overflow for p in positions]
    for (y, x, label, color), pos in zip(marks, positions, strict=False):
        note = ax.annotate(
            label,
            xy=(x, y),
            xycoords="data",
            xytext=(x + pd.Timedelta(days=8), pos),
            textcoords=("data", "axes fraction"),
            fontsize=8,
            va="center",
            ha="left",
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": color, "linewidth": 0.6, "alpha": 0.7, "shrinkB": 4},
        )
        note.set_in_layout(False)  # the layout leaves them a column instead (see troop_chart)


def _ordered_sources(ds, frame: pd.DataFrame) -> list[str]:
    used = {s for ids in frame["source_ids"] for s in ids}
    return [s for s in ds.sources["source_id"] if s in used]


def _with_figures(table: pd.DataFrame) -> pd.DataFrame:
    """The estimates that have a figure: a claim without one has no place on a value axis
    (the chapter's tables and the summary list it)."""
    return table[table["value_low"].notna() | table["value_high"].notna()]


def casualty_chart(ds, table: pd.DataFrame, stem) -> list[Path]:
    """Every casualty estimate on one shared scale, one row per estimate, grouped under its metric."""
    table, styles = _for_legibility(ds, _with_figures(table))
    table = table.reset_index(drop=True)
    groups = list(dict.fromkeys(table["metric"]))
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 0.42 * (len(table) + len(groups)) + 1.6), layout="constrained")
    ticks, labels, pos = [], [], 0
    for metric in groups:
        rows = table[table["metric"] == metric]
        ax.annotate(
            plain(rows["metric_label"].iloc[0]),
            xy=(0, pos),
            xycoords=("axes fraction", "data"),
            xytext=(-6, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8.5,
            fontweight="bold",
        )
        pos += 1
        for _, row in rows.iterrows():
            ticks.append(pos)
            labels.append(plain(textwrap.fill(row["claimant_name"], 34)))
            _draw_estimate(ax, pos, row, styles[row["claimant"]], x_is_value=True)
            value = row["value_high"] if pd.notna(row["value_high"]) else row["value_low"]
            ax.annotate(row["figure"], (value, pos), xytext=(8, -3), textcoords="offset points", fontsize=8)
            pos += 1
        pos += 0.4
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.set_ylim(pos - 0.4, -0.8)
    top = table[["value_low", "value_high"]].max().max()  # NaN with no figure in the selection
    ax.set_xlim(0, max(top * 1.15, 1) if pd.notna(top) else 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v)))
    ax.set_xlabel("North Korean soldiers (persons)")
    ax.set_title("Casualty estimates by metric and claimant", loc="left")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    _source_line(fig, ds, _ordered_sources(ds, table))
    return save(fig, stem)


def timeline_chart(ds, timeline: pd.DataFrame, stem) -> list[Path]:
    """One row per event since the chronology's window starts, in two panels: month by
    month, then the last ``ZOOM_DAYS`` before the latest event day by day.

    A day is a dot, a longer span a bar (hatched by kind of event), an event known
    only to precede a date a dotted line ending in a bar. Events the articles date
    differently carry a dagger and show every dating.
    """
    lo = window_start(timeline)
    shown = timeline[timeline["date_end"] >= lo].reset_index(drop=True)
    # no event to draw: the panels span the record instead
    latest = shown["date_end"].max() if not shown.empty else _record_dates(ds).max()
    lo = latest.to_period("M").to_timestamp() if pd.isna(lo) else lo
    mid = latest - pd.Timedelta(days=ZOOM_DAYS)
    # two days past the latest event leave room for its dot and its end bar
    hi = latest + pd.Timedelta(days=2)
    # a window shorter than the zoom still gets a month-by-month panel, if an empty one
    lo = min(lo, (mid - pd.Timedelta(days=1)).to_period("M").to_timestamp())
    # every other day back from the latest event, inside the day-by-day panel
    ticks = pd.date_range(end=latest, periods=ZOOM_DAYS // 2, freq="2D")
    fig, (left, right) = plt.subplots(
        1,
        2,
        figsize=(PAGE_WIDTH, 0.3 * len(shown) + 2.4),
        sharey=True,
        layout="constrained",
        gridspec_kw={"width_ratios": [3, 2], "wspace": 0.02},
    )
    cat_colors = {c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(CATEGORY_HATCH)}
    for ax in (left, right):
        for i, row in shown.iterrows():
            color = cat_colors.get(row["category"], "#000000")
            for dating in row["datings"]:
                s, e, precision = dating["start"], dating["end"], dating["precision"]
                if precision == "day":
                    ax.plot(s + pd.Timedelta(hours=12), i, "o", color=color, markersize=5, zorder=3)
                elif precision == "on_or_before" or pd.isna(s):
                    ax.hlines(
                        i,
                        lo - pd.Timedelta(days=30),
                        e + pd.Timedelta(days=1),
                        color=color,
                        linewidth=1,
                        linestyles="dotted",
                    )
                    ax.plot(e + pd.Timedelta(days=1), i, "|", color=color, markersize=9, markeredgewidth=2)
                else:
                    ax.barh(
                        i,
                        (e - s).days + 1,
                        left=s,
                        height=0.55,
                        color=color,
                        alpha=0.85,
                        hatch=CATEGORY_HATCH.get(row["category"], ""),
                        edgecolor="white",
                        linewidth=0,
                    )
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    left.set_xlim(lo, mid)
    right.set_xlim(mid, hi)
    left.xaxis.set_major_locator(mdates.MonthLocator())
    left.xaxis.set_major_formatter(mdates.ConciseDateFormatter(left.xaxis.get_major_locator(), show_offset=False))
    right.set_xticks(ticks)
    right.xaxis.set_major_formatter(mdates.DateFormatter("%a\n%d"))
    right.set_xlabel(" – ".join(dict.fromkeys(f"{d:%B %Y}" for d in (ticks[0], ticks[-1]))), fontsize=9)
    right.spines["left"].set_linestyle((0, (2, 2)))
    right.tick_params(axis="y", length=0)
    labels = [plain(shortened(r["label"], 46)) + (" †" if len(r["datings"]) > 1 else "") for _, r in shown.iterrows()]
    left.set_yticks(range(len(shown)), labels, fontsize=8)
    left.set_ylim(len(shown) - 0.5, -0.5)
    left.set_title(f"{lo:%B %Y} to {mid - pd.Timedelta(days=1):%d %B %Y}", loc="left", fontsize=10)
    right.set_title(f"{mid:%d %B} to {hi:%d %B %Y}, day by day", loc="left", fontsize=10)
    handles = [
        matplotlib.patches.Patch(facecolor=cat_colors[c], hatch=h, edgecolor="white", label=c)
        for c, h in CATEGORY_HATCH.items()
        if c in set(shown["category"])
    ]
    handles += [
        plt.Line2D([], [], color="#555555", marker="o", linestyle="", label="dated to the day"),
        plt.Line2D([], [], color="#555555", linestyle="dotted", marker="|", label="on or before a date"),
        plt.Line2D([], [], color="white", label="† articles date it differently"),
    ]
    fig.legend(handles=handles, loc="outside upper center", ncol=4, frameon=False, fontsize=8)
    _source_line(fig, ds, _ordered_sources(ds, shown))
    return save(fig, stem)
