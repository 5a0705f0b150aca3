"""The Revisions chapter: every release of the data package and what it changed, computed
from the changelog and the releases' snapshots (``analysis.data.releases``), never typed.

A release lists the rows it added (articles, claims, events, other tables' rows), those it
corrected, field by field with the value before and after and why (a claim's
``status_note``, any other row's note in the changelog), and those it retired or removed,
with why. The first release is the record as first published, so it is counted rather
than listed. Changes made since the last release are shown apart, as not yet released.
"""

from __future__ import annotations

import os

import pandas as pd

from analysis.chapters.register import listed
from analysis.data import releases as rel
from analysis.data.values import number, shortened
from analysis.text.links import linked_ids
from analysis.text.markup import capped, cite, text
from analysis.text.prose import counted, long_day
from analysis.text.prose import listed as joined

# How each table's rows are named in a sentence, and whether they have a register entry
NOUNS = {"sources": "article", "claims": "claim", "events": "event"}
IN_REGISTER = {"claims", "events"}
# The fields that describe a claim's change rather than being the change
DESCRIBING = {"status", "status_note"}
# A value before or after, in a table cell: a quote can be long, so a long one is shown
# around what changed, with this many characters of what did not on either side
VALUE_CHARACTERS = 160
CONTEXT = 40


def current(ds) -> str:
    """The release this record is, in a sentence."""
    label = rel.label(ds.data_dir)
    if label == "unreleased":
        return "*This record has not been released yet: releases.csv lists no release.*"
    return f"*This book is built from release {text(label)} of the data package.*"


def revisions(ds) -> str:
    """Every release, newest first, after the changes not yet released."""
    releases = rel.releases(ds.data_dir)
    if not releases:
        return "*No release yet.*"
    blocks = []
    pending = rel.unreleased(ds.data_dir)
    if pending:
        heading = f"**Not yet released**: changed since {text(releases[-1].version)}."
        blocks.append(heading + "\n\n" + _changes(ds, pending, {}))
    for i, release in reversed(list(enumerate(releases))):
        when = long_day(pd.Timestamp(release.date))
        head = f"**Release {text(release.version)}**, {text(when)}. {text(release.description)}"
        body = _first(ds, release) if i == 0 else _changes(ds, release.changes, release.notes)
        blocks.append(head + "\n\n" + body)
    return "\n\n".join(blocks)


def _first(ds, release: rel.Release) -> str:
    tables = rel.read_tables(rel.snapshot_dir(ds.data_dir, release.version), rel.descriptor(ds.data_dir))
    rows = {name: tables.get(name, ([], {}))[1] for name in NOUNS}
    counts = {name: counted(len(rows[name]), noun) for name, noun in NOUNS.items()}
    retired = sum(r.get("status") == "retired" for r in rows["claims"].values())
    if retired:
        counts["claims"] += f" ({number(retired)} of them retired)"
    return f"It held {text(joined(list(counts.values())))}."


def _changes(ds, changes: list[rel.Change], notes: dict) -> str:
    parts = []
    added = [c for c in changes if c.change == rel.ADDED]
    if added:
        parts.append("Added: " + "; ".join(_added(ds, name, ids) for name, ids in _by_table(added).items()) + ".")
    corrected = [c for c in changes if c.change == rel.CORRECTED]
    if corrected:
        rows = [row for c in corrected for row in _corrected_rows(ds, c, notes)]
        header = ["Row", "Field", "Before", "After", "Why"]
        parts.append("Corrected:\n\n" + capped(header, rows, widths=[14, 14, 24, 24, 24]))
    gone = [c for c in changes if c.change in (rel.RETIRED, rel.REMOVED)]
    if gone:
        rows = [[_row(ds, c), text(c.change), text(_why(c, notes))] for c in gone]
        parts.append("Retired or removed:\n\n" + capped(["Row", "Change", "Why"], rows, widths=[20, 15, 65]))
    return "\n\n".join(parts)


def _by_table(changes: list[rel.Change]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in changes:
        out.setdefault(c.table, []).append(c.id)
    return out


def _added(ds, table: str, ids: list[str]) -> str:
    noun = NOUNS.get(table)
    if table == "sources":
        known = [i for i in ids if i in set(ds.sources["source_id"])]
        return text(counted(len(ids), "article")) + (f" {cite(known)}" if known else "")
    if table in IN_REGISTER:
        return f"{text(counted(len(ids), noun))} ({linked_ids(ids, listed(ds))})"
    return f"{text(counted(len(ids), 'row'))} of {text(table)}.csv ({text(joined(ids))})"


def _row(ds, c: rel.Change) -> str:
    noun = NOUNS.get(c.table, f"{c.table}.csv row")
    ids = linked_ids([c.id], listed(ds)) if c.table in IN_REGISTER else text(c.id)
    return f"{text(noun)} {ids}"


def _corrected_rows(ds, c: rel.Change, notes: dict) -> list[list[str]]:
    fields = [f for f in c.fields if c.table not in rel.SELF_DESCRIBED or f[0] not in DESCRIBING]
    why = text(_why(c, notes))
    if not fields:  # only its description changed
        return [[_row(ds, c), "—", "—", "—", why]]
    return [[_row(ds, c), text(name), *map(text, around_change(before, after)), why] for name, before, after in fields]


def around_change(before: str, after: str) -> tuple[str, str]:
    """``before`` and ``after`` as a table shows them: whole when short, otherwise the part
    that differs with some context, an ellipsis marking what is left out (a cut at a fixed
    length could hide the very change)."""
    if max(len(before), len(after)) <= VALUE_CHARACTERS:
        return before, after
    head = len(os.path.commonprefix([before, after]))
    tail = len(os.path.commonprefix([before[head:][::-1], after[head:][::-1]]))
    start = max(0, head - CONTEXT)

    def cut(value: str) -> str:
        end = min(len(value), len(value) - tail + CONTEXT)
        middle = shortened(value[start:end], VALUE_CHARACTERS)
        return ("…" if start else "") + middle + ("…" if end < len(value) else "")

    return cut(before), cut(after)


def _why(c: rel.Change, notes: dict) -> str:
    if c.table in rel.SELF_DESCRIBED:
        return (c.after or {}).get(rel.SELF_DESCRIBED[c.table]) or "—"
    return notes.get((c.table, c.id)) or "—"
