"""The record's values as a table cell prints them: figures, shares, dates at their precision,
and names; and rows grouped by their values."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.data.vocabulary import QUALIFIERS


def number(value) -> str:
    return f"{int(value):,}"


def shortened(value, limit: int = 60) -> str:
    """``value`` as text of at most ``limit`` characters, an ellipsis marking a cut."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def figure_text(low, high, qualifier: str) -> str:
    """'10,000–12,000', 'up to 12,000', 'at least 5', '14,000'; 'not quantified' for words like 'dozens'."""
    has_low, has_high = pd.notna(low), pd.notna(high)
    if has_low and has_high:
        return number(low) if low == high else f"{number(low)}–{number(high)}"
    if has_high:
        return f"{QUALIFIERS['up_to'].words} {number(high)}"
    if has_low:
        return f"{QUALIFIERS['at_least'].words} {number(low)}"
    return QUALIFIERS["unquantified"].words


def percent(share: float, digits: int = 1) -> str:
    return f"{100 * share:.{digits}f}%"


def day(ts) -> str:
    return f"{ts.day} {ts:%b %Y}"


def when_text(start, end, precision: str) -> str:
    """A date interval at its precision: '28 Apr 2025', 'Jan 2025', 'Sep–Nov 2024', 'by 28 Apr 2025'."""
    if precision == "unspecified" or pd.isna(end):
        return "not stated"
    if precision == "on_or_before" or pd.isna(start):
        return f"by {day(end)}"
    if precision == "day":
        return day(start)
    if precision == "month":
        return f"{start:%b %Y}"
    if precision == "year":
        return f"{start:%Y}"
    if precision == "week":
        return f"week of {day(start)}"
    if precision == "season":
        return f"{start:%b}–{end:%b %Y}" if start.year == end.year else f"{start:%b %Y}–{end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def capitalised(value: str) -> str:
    """``value`` with its first letter upper-cased: a name that begins a sentence or a table cell.

    Claimant names are stored as they read mid-sentence ("the US government"), so prose
    can use them anywhere; a table cell or a sentence start capitalises them.
    """
    text = str(value)
    return text[:1].upper() + text[1:]


def grouped(records: Iterable[dict], fields) -> dict[tuple, list[dict]]:
    """``records`` (``DataFrame.to_dict("records")``) by their values of ``fields``, in the
    order first met; a missing value is one value, as in pandas' ``groupby(dropna=False)``.
    Plain dicts, because pandas' groupby over a few rows costs more than the text made of them."""
    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(tuple(None if pd.isna(record[f]) else record[f] for f in fields), []).append(record)
    return groups
