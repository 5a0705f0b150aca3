"""The troop and casualty charts: one row per claimant's estimate, sorted by figure, on one scale."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from matplotlib.ticker import MaxNLocator

from analysis.charts.canvas import Canvas, Chart, finish
from analysis.charts.credits import article_names, first_few, ordered_sources, source_lines
from analysis.charts.lettering import line_height, text_width, wrap
from analysis.charts.styles import FONT, GRID, HEADING, INK, MARGIN, MUTED, SMALL, TYPE_STYLES, WIDTH, style_of
from analysis.data.values import number
from analysis.data.vocabulary import claimant_kind
from analysis.text.anchors import href
from analysis.text.prose import counted

# Above this many estimates a chart groups them by kind of claimant instead of drawing
# (and labelling) one mark per claimant.
AGGREGATE_ABOVE = 24


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


def sort_value(row) -> float:
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
    table["_v"] = table.apply(sort_value, axis=1)
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
        value = sort_value(r)
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
        sources = source_lines(ds, [], f"{Path(stem).name}.csv")
        c = Canvas(2 * MARGIN + line_height(FONT) * len(words) + 8 + line_height(SMALL) * len(sources))
        y, _ = c.text(MARGIN, MARGIN, words, FONT)
        c.text(MARGIN, y + 8, sources, SMALL, color="#333333")
        empty = rows.assign(claim_ids=[], source_ids=[])
        return finish(c, stem, name, empty, estimates_csv(empty), alt)
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
    sources = source_lines(ds, ordered_sources(ds, rows), f"{Path(stem).name}.csv")
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
    names = article_names(ds)
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
    return finish(c, stem, name, rows, estimates_csv(rows), alt)


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
    articles = first_few([f"{names[s]} ({s})" for s in r["source_ids"]], "article", "; ")
    ids = first_few(r["claim_ids"], "claim")
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
