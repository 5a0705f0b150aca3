"""The chronology: one entry per event, with every article's dating of it.

Rows of events.csv that share an ``event_key`` are one event reported by several
articles. Where the articles date it differently, every dating is kept and shown.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.values import grouped, when_text

# the fields that say when an event happened: rows of one event that agree on them are one dating
_DATING = ("date_start", "date_end", "date_precision")


def timeline(ds, categories: list[str] | None = None) -> pd.DataFrame:
    events = ds.events
    if categories:
        events = events[events["category"].isin(categories)]
    # plain dicts, as in estimates: a groupby per event and per dating cost more than the
    # rest of a chapter's prose (each event is a handful of rows)
    by_event: dict[str, list[dict]] = {}
    for row in events.to_dict("records"):
        if not pd.isna(row["event_key"]):
            by_event.setdefault(row["event_key"], []).append(row)
    rows = []
    for key, group in by_event.items():
        group.sort(key=lambda row: row["event_id"])
        first = group[0]
        datings = []
        for dated in grouped(group, _DATING).values():
            start, end, precision = (dated[0][k] for k in _DATING)
            datings.append(
                {
                    "start": start,
                    "end": end,
                    "precision": precision,
                    "when": when_text(start, end, precision),
                    "source_ids": list(dict.fromkeys(row["source_id"] for row in dated)),
                    "basis": dated[0]["date_basis"],
                }
            )
        datings.sort(key=lambda d: (d["end"], d["start"] if pd.notna(d["start"]) else pd.Timestamp("1900-01-01")))
        rows.append(
            {
                "event_key": key,
                "label": first["description"],
                "actor": first["actor"],
                "category": first["category"],
                "datings": datings,
                "date_start": min((d["start"] for d in datings if pd.notna(d["start"])), default=pd.NaT),
                "date_end": min(d["end"] for d in datings),
                "source_ids": list(dict.fromkeys(row["source_id"] for row in group)),
                "event_ids": [row["event_id"] for row in group],
            }
        )
    columns = [
        "event_key",
        "label",
        "actor",
        "category",
        "datings",
        "date_start",
        "date_end",
        "source_ids",
        "event_ids",
    ]
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        return out
    out["_sort"] = out["date_start"].fillna(out["date_end"])
    return out.sort_values(["_sort", "date_end", "event_key"]).drop(columns="_sort").reset_index(drop=True)


def window_start(tl: pd.DataFrame) -> pd.Timestamp:
    """The first day of the month in which the first event that is not background ended.

    The chronology's chart and its main table start there; events that ended earlier
    are background to the story and get a table of their own.
    """
    story = tl.loc[tl["category"] != "background", "date_end"]
    if story.empty:  # background only (or nothing, NaT): the window starts after all of it
        return tl["date_end"].max() + pd.Timedelta(days=1)
    return story.min().to_period("M").to_timestamp()
