"""Checks of dates: every interval fits its precision, and nothing an article reports starts
after the article was published."""

from __future__ import annotations

import calendar

import pandas as pd

from analysis.data.checks.rows import numbered_rows, table_file
from analysis.data.problems import Problem

# Date intervals by table: (column prefix, precisions that need no start date).
INTERVALS = {
    "sources": ["published"],
    "claims": ["stated", "period"],
    "events": ["date"],
}
SEASON_MAX_DAYS = 92


def check_intervals(ds) -> list[Problem]:
    """Start <= end, and the span matches the stated precision."""
    problems = []
    for table, prefixes in INTERVALS.items():
        name = table_file(ds, table)
        for row, r in numbered_rows(ds.tables[table]):
            for prefix in prefixes:
                found = _interval_problem(r[f"{prefix}_start"], r[f"{prefix}_end"], r[f"{prefix}_precision"])
                if found:
                    which, code, message = found
                    problems.append(Problem(name, row, f"{prefix}_{which}", code, message))
    return problems


def _interval_problem(start, end, precision: str) -> tuple[str, str, str] | None:
    """What is wrong with one interval as (``"start"`` or ``"end"``, code, message), or None."""
    has_start, has_end = pd.notna(start), pd.notna(end)
    if precision == "unspecified":
        if has_start or has_end:
            which = "start" if has_start else "end"
            return which, "interval-date-unexpected", "precision 'unspecified' needs empty start and end dates"
        return None
    if not has_end:
        return "end", "interval-end-missing", f"end date is required for precision '{precision}'"
    if precision == "on_or_before":
        if has_start:
            return "start", "interval-date-unexpected", "precision 'on_or_before' needs an empty start date"
        return None
    if not has_start:
        return "start", "interval-start-missing", f"start date is required for precision '{precision}'"
    if start > end:
        return "start", "interval-reversed", f"start {start:%Y-%m-%d} is after end {end:%Y-%m-%d}"
    fits, rule = PRECISION_RULES[precision]
    if fits(start, end, (end - start).days):
        return None
    message = f"dates {start:%Y-%m-%d}..{end:%Y-%m-%d} do not fit precision '{precision}': {rule}"
    return "end", "interval-precision-mismatch", message


# What a start..end interval of each precision spans (``span``: days from start to end),
# and the rule in words; only the precision at hand is evaluated.
PRECISION_RULES = {
    "day": (lambda start, end, span: span == 0, "a day needs start == end"),
    "week": (lambda start, end, span: span == 6, "a week spans 7 days"),
    "month": (
        lambda start, end, span: (
            start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1])
        ),
        "a month runs from its first to its last day",
    ),
    "season": (
        lambda start, end, span: start.day == 1 and span <= SEASON_MAX_DAYS and (end + pd.Timedelta(days=1)).day == 1,
        "a season is whole months, at most three",
    ),
    "year": (
        lambda start, end, span: start.month == start.day == 1 and end == start.replace(month=12, day=31),
        "a year runs from 1 January to 31 December",
    ),
    "interval": (lambda start, end, span: True, ""),
}


def check_dates_before_publication(ds) -> list[Problem]:
    """Nothing an article reports can start after the article was published."""
    published = dict(zip(ds.sources["source_id"], ds.sources["published_end"], strict=False))
    problems = []
    for table, col in (("claims", "stated_start"), ("events", "date_start")):
        name = table_file(ds, table)
        for row, r in numbered_rows(ds.tables[table]):
            limit = published.get(r["source_id"])
            if pd.notna(r[col]) and limit is not None and r[col] > limit:
                problems.append(
                    Problem(
                        name,
                        row,
                        col,
                        "after-publication",
                        f"{r[col]:%Y-%m-%d} is after the article's latest publication date {limit:%Y-%m-%d}",
                    )
                )
    return problems
