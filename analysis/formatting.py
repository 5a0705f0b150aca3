"""Human-readable figures and dates, as the tables and the prose print them."""

from __future__ import annotations

import pandas as pd

from analysis.numbers import UNIT_WORDS

# Each kind of claimant (claimant_type in claimants.csv) as one of them and as a group:
# a table row names the kind of one claimant, an aggregated chart mark a group of them.
CLAIMANT_TYPES = {
    "government": ("government", "governments"),
    "military": ("military", "militaries"),
    "intelligence": ("intelligence service", "intelligence services"),
    "analysts": ("analysts", "analysts"),
    "media": ("media", "media"),
    "unattributed": ("unattributed", "unattributed statements"),
}


def number(value) -> str:
    return f"{int(value):,}"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'no articles', 'one article', 'five articles', '12 articles'.

    Counts below ten are spelled out, as newspaper style has it; the noun agrees.
    """
    words = "no" if n == 0 else UNIT_WORDS[n] if 0 < n < 10 else number(n)
    return f"{words} {noun if n == 1 else plural or noun + 's'}"


def claimant_kind(kind: str, group: bool = False) -> str:
    """A claimant_type in words: 'intelligence service', or with ``group`` 'intelligence services'."""
    one, many = CLAIMANT_TYPES.get(kind, (kind, kind))
    return many if group else one


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
        return f"up to {number(high)}"
    if has_low:
        return f"at least {number(low)}"
    return "not quantified"


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


def listed(items, limit: int = 8, none: str = "no one", serial: bool = False) -> str:
    """'A', 'A and B', 'A, B and C'; beyond ``limit`` items, the first ones and 'N others'.

    ``serial`` puts a comma before the last 'and' of three or more items, for items that
    contain an 'and' or an 'or' themselves."""
    items = list(dict.fromkeys(str(i) for i in items))
    if not items:
        return none
    if len(items) > limit:
        rest = len(items) - limit + 1
        return ", ".join(items[: limit - 1]) + f" and {rest} others"
    last = ", and " if serial and len(items) > 2 else " and "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + last + items[-1]


# How prose writes a figure by its qualifier: 'about 14,000', 'up to 12,000', '10,000 to 12,000'.
def figure_words(low, high, qualifier: str) -> str:
    """A figure as a sentence states it; 'no figure' for an unquantified claim."""
    has_low, has_high = pd.notna(low), pd.notna(high)
    if has_low and has_high and low != high:
        return f"{number(low)} to {number(high)}"
    if has_low and has_high:
        return ("about " if qualifier == "approximately" else "") + number(low)
    return figure_text(low, high, qualifier).replace("not quantified", "no figure")


def when_phrase(start, end, precision: str) -> str | None:
    """A date interval as prose with its preposition: 'on 28 April 2025', 'in January 2025',
    'between September and November 2024', 'by 28 April 2025'; None when nothing is known,
    so that the sentence leaves the date out instead of inventing one."""
    if precision == "unspecified" or pd.isna(end):
        return None
    if precision == "on_or_before" or pd.isna(start):
        return f"by {long_day(end)}"
    if precision == "day" or start == end:
        return f"on {long_day(start)}"
    if precision == "month":
        return f"in {start:%B %Y}"
    if precision == "year":
        return f"in {start:%Y}"
    if precision == "week":
        return f"in the week of {long_day(start)}"
    if start.year != end.year:
        return f"between {long_day(start)} and {long_day(end)}"
    if precision == "season":
        return f"between {start:%B} and {end:%B %Y}"
    if start.month == end.month:
        return f"between {start.day} and {long_day(end)}"
    return f"between {start.day} {start:%B} and {long_day(end)}"


def long_day(ts) -> str:
    return f"{ts.day} {ts:%B %Y}"
