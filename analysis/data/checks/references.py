"""Checks of what rows refer to: the rows of one event agree, every source has its BibTeX entry,
and every disagreement quotes its sides from the articles that print them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.data.checks.rows import numbered_rows, table_file
from analysis.data.problems import Problem
from analysis.paths import BIBLIOGRAPHY


def check_event_keys(ds) -> list[Problem]:
    """The rows of one event (one event_key) agree on its category: the chronology shows one."""
    name = table_file(ds, "events")
    first: dict[str, tuple[str, str]] = {}
    problems = []
    for row, e in numbered_rows(ds.events):
        key = e["event_key"]
        if key not in first:
            first[key] = (e["category"], e["event_id"])
        elif e["category"] != first[key][0]:
            category, event_id = first[key]
            problems.append(
                Problem(
                    name,
                    row,
                    "category",
                    "event-category-mismatch",
                    f"'{e['category']}' differs from '{category}' of {event_id}, another report of the same "
                    f"event '{key}': one event has one category (or give this row its own event_key)",
                )
            )
    return problems


def check_bibliography(ds) -> list[Problem]:
    """Every source has a BibTeX entry under its source_id, and every entry is a source."""
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexError

    path = Path(ds.data_dir) / BIBLIOGRAPHY
    if not path.is_file():
        return [Problem(BIBLIOGRAPHY, None, None, "missing-file", f"file is missing from {ds.data_dir}")]
    try:
        entries = parse_file(str(path), bib_format="bibtex").entries
    except PybtexError as exc:
        return [Problem(BIBLIOGRAPHY, None, None, "bib-unparsable", f"cannot be parsed: {exc}")]
    keys = set(entries.keys())
    ids = list(ds.sources["source_id"])
    problems = [
        Problem(table_file(ds, "sources"), row, "source_id", "bib-entry-missing", f"no entry '{sid}' in references.bib")
        for row, sid in ((i + 2, sid) for i, sid in enumerate(ids))
        if sid not in keys
    ]
    problems += [
        Problem(BIBLIOGRAPHY, None, key, "bib-entry-orphan", "entry has no row in sources.csv")
        for key in sorted(keys - set(ids))
    ]
    for key in sorted(keys & set(ids)):
        missing = _bib_gaps(entries[key])
        if missing:
            problems.append(
                Problem(BIBLIOGRAPHY, None, key, "bib-entry-incomplete", "entry needs " + "; ".join(missing))
            )
    return problems


def _bib_gaps(entry) -> list[str]:
    """What the bibliography needs of an entry and it lacks (an add-source scaffold lacks all)."""
    fields = {name.lower(): str(value).strip() for name, value in entry.fields.items()}
    gaps = []
    if not entry.persons.get("author") and not fields.get("key"):
        gaps.append("an author, or when the article names none a key (the outlet, or 'Unsigned') to sort it by")
    if not fields.get("title"):
        gaps.append("a title (the headline, or a bracketed description if untitled; brace proper nouns: {North Korea})")
    if not re.fullmatch(r"[0-9]{4}", fields.get("year", "")):
        gaps.append("a year (four digits, from published_start)")
    return gaps


def check_disagreement_links(ds) -> list[Problem]:
    """A quote's claim or event comes from the same article as the quote."""
    name = table_file(ds, "disagreement_quotes")
    owners = {
        "claim_id": dict(zip(ds.claims["claim_id"], ds.claims["source_id"], strict=False)),
        "event_id": dict(zip(ds.events["event_id"], ds.events["source_id"], strict=False)),
    }
    problems = []
    for row, q in numbered_rows(ds.disagreement_quotes):
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
    name = table_file(ds, "disagreements")
    sides = ds.disagreement_quotes.groupby("disagreement_id")["position"].nunique()
    problems = []
    for row, d in numbered_rows(ds.disagreements):
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
