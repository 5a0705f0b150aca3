"""Figures, dates and lists as a sentence writes them: 'one article', 'A, B and C', 'about 14,000',
'in January 2025'."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from analysis.data.numbers import UNIT_WORDS
from analysis.data.values import figure_text, number


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'no articles', 'one article', 'five articles', '12 articles'.

    Counts below ten are spelled out, as newspaper style has it; the noun agrees.
    """
    words = "no" if n == 0 else UNIT_WORDS[n] if 0 < n < 10 else number(n)
    return f"{words} {noun if n == 1 else plural or noun + 's'}"


def listed(items, limit: int | None = None, none: str = "no one", serial: bool = False) -> str:
    """'A', 'A and B', 'A, B and C'; a long list names its first ones and counts the others
    (``first``; ``limit``: at most ``NAMED``).

    ``serial`` puts a comma before the last 'and' of three or more items, for items that
    contain an 'and' or an 'or' themselves."""
    items = list(dict.fromkeys(str(i) for i in items))
    if not items:
        return none
    cut = first(items, limit or NAMED)
    if cut.rest:
        return ", ".join(cut.shown) + f" and {cut.rest} others"
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
    return figure_text(low, high, qualifier) if has_low or has_high else "no figure"


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


# --------------------------------------------------------------------------------------
# Long lists shortened one way everywhere: the first ones named, the rest counted.
#
# A citation of hundreds of articles, a tooltip naming every report of an event, a table of
# thousands of rows: each names its first items and counts the rest ("and 12 more
# articles"). How many each kind of list names is declared here, once; the rule is the
# same for all (``first``), and the count is never "one more".

# How many items each kind of list shows before it counts the rest.
CITED_ARTICLES = 6  # one citation's articles
NAMED = 8  # names joined in a sentence: 'A, B and C'
LINKED_IDS = 12  # claim or event ids after a figure
CHART_ARTICLES = 8  # articles named under a chart and in its tooltips
CONFLICTS = 3  # figures credited to different claimants, in the summary
DISAGREEMENTS = 30  # disagreements quoted in full in the sources chapter
TABLE_ROWS = 40  # rows of a table in the book (the CSV has them all)
# Register entries: far above a curated record's growth, so that every entry of such a
# record has its anchor; the bench's synthetic record, 100 times today's, passes it.
REGISTER_ENTRIES = 500


class Shortened(NamedTuple):
    shown: list
    rest: int  # how many items are not shown

    def more(self, noun: str, plural: str | None = None) -> str:
        """'and 12 more articles', or '' when nothing was left out."""
        return f"and {counted(self.rest, 'more ' + noun, plural and 'more ' + plural)}" if self.rest else ""


def first(items: Iterable, limit: int) -> Shortened:
    """The first ``limit`` of ``items`` and the count of the rest; ``items`` whole when at
    most one would be left over (naming it takes no more room than counting it)."""
    items = list(items)
    if len(items) <= limit + 1:
        return Shortened(items, 0)
    return Shortened(items[:limit], len(items) - limit)
