"""The chronology chapter's words and tables: its opening, the chart's caption and the events."""

from __future__ import annotations

import pandas as pd

from analysis.data.values import capitalised
from analysis.text.markup import capped, cite, text
from analysis.text.prose import counted, when_phrase


def timeline_table(tl: pd.DataFrame, numbered: bool = False) -> str:
    """The events; ``numbered``: with the numbers the chronology chart gives its rows."""
    if tl.empty:
        return "*No event in this selection.*"
    rows = []
    for n, (_, r) in enumerate(tl.iterrows(), 1):
        if len(r["datings"]) == 1:
            when = text(r["datings"][0]["when"])
        else:
            when = "; ".join(f"{text(d['when'])} {cite(d['source_ids'])}" for d in r["datings"])
        row = [when, text(r["label"]), text(r["actor"]), text(r["category"]), cite(r["source_ids"])]
        rows.append([str(n), *row] if numbered else row)
    header, widths = ["Date", "Event", "Actor", "Kind", "Reported by"], [22, 38, 16, 10, 14]
    if numbered:
        header, widths = ["No.", *header], [5, 20, 36, 16, 10, 14]
    return capped(header, rows, widths=widths, source="events.csv")


def timeline_caption(window: pd.DataFrame, background: pd.DataFrame) -> str:
    """The chronology chart's caption: what it draws, how, and what it leaves to the tables."""
    if window.empty:
        drawn = "No event in this selection."
    elif len(window) == 1:
        d = window.iloc[0]["datings"][0]
        drawn = f"The chart shows one event, {text(when_phrase(d['start'], d['end'], d['precision']))}."
    else:
        first, last = window["date_end"].min(), window["date_end"].max()
        drawn = f"The {counted(len(window), 'event')} from {first:%B %Y} to {last.day} {last:%B %Y}."
    how = (
        " A dot is an event dated to the day; a bar spans the week, month, season or interval the wording "
        "allows; a dotted line ending in a tick marks an event known only to precede a date. The numbers "
        "are those of the events table below, which describes each event."
    )
    n, verb = len(background), "is" if len(background) == 1 else "are"
    left_out = f" {counted(n, 'earlier background event').capitalize()} {verb} listed in the table only." if n else ""
    return drawn + how + left_out


def chronology_intro(ds, tl: pd.DataFrame) -> str:
    """The chronology's opening from the data: how many events, from when to when, and how
    many of the articles carry a publication date of their own."""
    if tl.empty:
        span = "This selection holds no dated event."
    elif len(tl) == 1:
        d = tl.iloc[0]["datings"][0]
        span = f"The record dates one event, {text(when_phrase(d['start'], d['end'], d['precision']))}."
    else:
        first = tl["date_start"].fillna(tl["date_end"]).min()
        last = tl["date_end"].max()
        span = f"The record dates {counted(len(tl), 'event')}, from {first:%B %Y} to {last.day} {last:%B %Y}."
    n = len(ds.sources)
    dated = int((ds.sources["published_precision"] == "day").sum())
    if n == 1:
        dateline = "The article carries a publication date." if dated else "The article carries no publication date."
    elif dated == n:
        dateline = f"Each of the {counted(n, 'article').split()[0]} articles carries a publication date."
    elif dated == 0:
        dateline = f"None of the {counted(n, 'article').split()[0]} articles carries a publication date."
    else:
        verb = "carries" if dated == 1 else "carry"
        dateline = f"{capitalised(counted(dated, 'article'))} of {n} {verb} a publication date."
    return f"{span} {dateline}"
