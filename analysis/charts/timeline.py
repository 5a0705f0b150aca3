"""The chronology chart: every event drawn at its date precision (a day a dot, a month a bar,
'by' a date a dotted line), the latest days zoomed in a panel of their own."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pandas as pd

from analysis.charts.canvas import Canvas, Chart, finish
from analysis.charts.credits import first_few, ordered_sources, source_lines
from analysis.charts.lettering import line_height, text_width, wrap
from analysis.charts.styles import CATEGORY_STYLES, INK, MARGIN, MUTED, SMALL, WIDTH
from analysis.compute.chronology import window_start
from analysis.text.anchors import href

# The chronology's right panel shows this many days before the latest event, day by day.
ZOOM_DAYS = 10


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
    return finish(screen, stem, "chronology", shown, chronology_csv(ds, shown), alt, printed=printed)


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
    sources = source_lines(ds, ordered_sources(ds, shown) if len(shown) else [], data_file, p.width, p.small)
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
    datings = "; ".join(f"{d['when']} ({first_few(d['source_ids'], 'article')})" for d in r["datings"])
    tip = [
        *wrap(f"{r['number']}. {r['label']}", WIDTH - 24, SMALL),
        *wrap(f"{r['category'].capitalize()}. Dated {datings}.", WIDTH - 24, SMALL),
        *wrap(f"Event {first_few(r['event_ids'], 'report')}: open its register entry.", WIDTH - 24, SMALL),
    ]
    c.tip(MARGIN + 4, ym - p.row / 2 - 2, tip, gid=f"{gid}__tip")
    c.links.append((gid, href(gid), " ".join(tip)))
