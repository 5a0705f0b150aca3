"""Checks the Frictionless schema cannot express: cross-field, cross-file and against the archive.

Each check returns a list of ``Problem``; ``run_all`` runs them all. Rows are numbered
as in a spreadsheet (header = row 1), like frictionless numbers them.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import pandas as pd

from analysis.formatting import number
from analysis.numbers import numbers_in
from analysis.problems import Problem

# Date intervals by table: (column prefix, precisions that need no start date).
INTERVALS = {
    "sources": ["published"],
    "claims": ["stated", "period"],
    "events": ["date"],
}
QUOTED_TABLES = ["claims", "events", "disagreement_quotes"]
SEASON_MAX_DAYS = 92


def run_all(ds) -> list[Problem]:
    problems: list[Problem] = []
    for check in (
        check_values,
        check_claimant_types,
        check_intervals,
        check_dates_before_publication,
        check_quotes,
        check_bibliography,
        check_disagreement_links,
        check_disagreement_sides,
    ):
        problems += check(ds)
    return problems


def _file(ds, table: str) -> str:
    return next(r["path"] for r in ds.descriptor["resources"] if r["name"] == table)


def _rows(frame: pd.DataFrame):
    """(spreadsheet row number, row as a dict) pairs; dicts, as iterrows is slow at scale."""
    for i, row in enumerate(frame.to_dict("records")):
        yield i + 2, row


def check_values(ds) -> list[Problem]:
    """Bounds are ordered, agree with the qualifier, and appear in the quote as printed."""
    name = _file(ds, "claims")
    problems = []
    shapes = {
        "exact": (True, True, "a single figure: value_low and value_high both set and equal"),
        "approximately": (True, True, "a single figure: value_low and value_high both set and equal"),
        "between": (True, True, "a range: value_low below value_high"),
        "up_to": (False, True, "'up to': value_low empty, value_high set"),
        "at_least": (True, False, "'at least': value_low set, value_high empty"),
        "unquantified": (False, False, "no figure: value_low and value_high both empty"),
    }
    for row, claim in _rows(ds.claims):
        low, high, qualifier = claim["value_low"], claim["value_high"], claim["qualifier"]
        if pd.notna(low) and pd.notna(high) and low > high:
            problems.append(
                Problem(
                    name,
                    row,
                    "value_low",
                    "low-above-high",
                    f"value_low {number(low)} is greater than value_high {number(high)}",
                )
            )
            continue
        want_low, want_high, shape = shapes[qualifier]
        ok = pd.notna(low) == want_low and pd.notna(high) == want_high
        if qualifier in ("exact", "approximately") and ok:
            ok = low == high
        if qualifier == "between" and ok:
            ok = low < high
        if not ok:
            bad = "value_low" if pd.notna(low) != want_low else "value_high"
            problems.append(Problem(name, row, bad, "qualifier-shape", f"qualifier '{qualifier}' needs {shape}"))
            continue
        printed = numbers_in(str(claim["quote"]))
        for col in ("value_low", "value_high"):
            value = claim[col]
            if pd.notna(value) and int(value) not in printed:
                problems.append(
                    Problem(
                        name, row, col, "figure-not-in-quote", f"figure {number(value)} does not appear in the quote"
                    )
                )
                break
    return problems


def check_claimant_types(ds) -> list[Problem]:
    name = _file(ds, "claims")
    types = dict(zip(ds.claimants["claimant_id"], ds.claimants["claimant_type"], strict=False))
    return [
        Problem(
            name,
            row,
            "claimant_type",
            "claimant-type-mismatch",
            f"'{c['claimant_type']}' differs from claimants.csv, "
            f"which gives '{types[c['claimant']]}' for '{c['claimant']}'",
        )
        for row, c in _rows(ds.claims)
        if c["claimant"] in types and c["claimant_type"] != types[c["claimant"]]
    ]


def check_intervals(ds) -> list[Problem]:
    """Start <= end, and the span matches the stated precision."""
    problems = []
    for table, prefixes in INTERVALS.items():
        name = _file(ds, table)
        for row, r in _rows(ds.tables[table]):
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
    span = (end - start).days
    last_day = calendar.monthrange(start.year, start.month)[1]
    rules = {
        "day": (span == 0, "a day needs start == end"),
        "week": (span == 6, "a week spans 7 days"),
        "month": (start.day == 1 and end == start.replace(day=last_day), "a month runs from its first to its last day"),
        "season": (
            start.day == 1 and span <= SEASON_MAX_DAYS and (end + pd.Timedelta(days=1)).day == 1,
            "a season is whole months, at most three",
        ),
        "year": (
            start.month == start.day == 1 and end == start.replace(month=12, day=31),
            "a year runs from 1 January to 31 December",
        ),
        "interval": (True, ""),
    }
    ok, rule = rules[precision]
    if ok:
        return None
    message = f"dates {start:%Y-%m-%d}..{end:%Y-%m-%d} do not fit precision '{precision}': {rule}"
    return "end", "interval-precision-mismatch", message


def check_dates_before_publication(ds) -> list[Problem]:
    """Nothing an article reports can start after the article was published."""
    published = dict(zip(ds.sources["source_id"], ds.sources["published_end"], strict=False))
    problems = []
    for table, col in (("claims", "stated_start"), ("events", "date_start")):
        name = _file(ds, table)
        for row, r in _rows(ds.tables[table]):
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


def check_quotes(ds) -> list[Problem]:
    """Every quote is found character for character in its own archived article."""
    archive = Path(ds.archive_dir)
    if not archive.is_dir():
        return [
            Problem(
                str(archive),
                None,
                None,
                "archive-folder-missing",
                "source archive folder not found (set --archive-dir)",
            )
        ]
    texts, problems = {}, []
    src_file = _file(ds, "sources")
    for row, s in _rows(ds.sources):
        path = archive / s["archive_file"]
        if path.is_file():
            texts[s["source_id"]] = path.read_text(encoding="utf-8")
        else:
            problems.append(
                Problem(
                    src_file,
                    row,
                    "archive_file",
                    "archive-file-missing",
                    f"'{s['archive_file']}' not found in {archive}",
                )
            )
    for table in QUOTED_TABLES:
        name = _file(ds, table)
        for row, r in _rows(ds.tables[table]):
            text = texts.get(r["source_id"])
            if text is not None and str(r["quote"]) not in text:
                problems.append(
                    Problem(
                        name,
                        row,
                        "quote",
                        "quote-not-in-archive",
                        f"not found verbatim in the archived article of '{r['source_id']}'",
                    )
                )
    return problems


def check_bibliography(ds) -> list[Problem]:
    """Every source has a BibTeX entry under its source_id, and every entry is a source."""
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexError

    path = Path(ds.data_dir) / "references.bib"
    if not path.is_file():
        return [Problem("references.bib", None, None, "missing-file", f"file is missing from {ds.data_dir}")]
    try:
        keys = set(parse_file(str(path), bib_format="bibtex").entries.keys())
    except PybtexError as exc:
        return [Problem("references.bib", None, None, "bib-unparsable", f"cannot be parsed: {exc}")]
    ids = list(ds.sources["source_id"])
    problems = [
        Problem(_file(ds, "sources"), row, "source_id", "bib-entry-missing", f"no entry '{sid}' in references.bib")
        for row, sid in ((i + 2, sid) for i, sid in enumerate(ids))
        if sid not in keys
    ]
    problems += [
        Problem("references.bib", None, key, "bib-entry-orphan", "entry has no row in sources.csv")
        for key in sorted(keys - set(ids))
    ]
    return problems


def check_disagreement_links(ds) -> list[Problem]:
    """A quote's claim or event comes from the same article as the quote."""
    name = _file(ds, "disagreement_quotes")
    owners = {
        "claim_id": dict(zip(ds.claims["claim_id"], ds.claims["source_id"], strict=False)),
        "event_id": dict(zip(ds.events["event_id"], ds.events["source_id"], strict=False)),
    }
    problems = []
    for row, q in _rows(ds.disagreement_quotes):
        for col, owner in owners.items():
            if pd.notna(q[col]) and owner.get(q[col]) not in (None, q["source_id"]):
                problems.append(
                    Problem(
                        name,
                        row,
                        col,
                        "disagreement-link",
                        f"'{q[col]}' is reported by '{owner[q[col]]}', not by '{q['source_id']}'",
                    )
                )
    return problems


def check_disagreement_sides(ds) -> list[Problem]:
    """A disagreement quotes at least two sides; an error in an article at least its own words."""
    name = _file(ds, "disagreements")
    sides = ds.disagreement_quotes.groupby("disagreement_id")["position"].nunique()
    problems = []
    for row, d in _rows(ds.disagreements):
        need = 1 if d["kind"] == "error" else 2
        have = int(sides.get(d["disagreement_id"], 0))
        if have < need:
            problems.append(
                Problem(
                    name,
                    row,
                    "disagreement_id",
                    "disagreement-sides",
                    f"'{d['disagreement_id']}' ({d['kind']}) has {have} side(s) "
                    f"in disagreement_quotes.csv; needs {need}",
                )
            )
    return problems
