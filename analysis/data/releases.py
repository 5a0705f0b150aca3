"""The record's releases: the changelog kept as data and the tables as each release published them.

A release is a row of ``releases.csv`` (version, date, description) and a snapshot of the
record's tables as released, ``releases/<version>/`` in the data folder (the CSV files
byte for byte). What a release changed is not typed by anyone: it is the difference, row
by row and field by field, between its snapshot and the previous release's (by each
table's primary key). ``release_changes.csv`` lists those changes as data (for readers
of the package who do not diff snapshots), and validation holds it to the snapshots: it
may neither name a change that did not happen nor leave one out.

A claim's correction or retirement is described by its own ``status_note`` (as the
release published it); any other row's change by the change's ``note``.

Plain ``csv``, no pandas: the PDF's title page and the build read the release label.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

# The changelog's own tables: they describe releases, so no snapshot holds them.
CHANGELOG = ("releases", "release_changes")
SNAPSHOTS = "releases"  # the snapshots' folder in the data folder
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
# What a table's row can undergo between two releases. A retired claim keeps its row
# (its status says so); any other row that is gone was removed.
ADDED, CORRECTED, RETIRED, REMOVED = "added", "corrected", "retired", "removed"
# The tables whose rows describe their own changes (status, status_note)
SELF_DESCRIBED = {"claims": "status_note"}


@dataclass(frozen=True)
class Change:
    """One row's change between two releases: ``fields`` are (name, before, after)."""

    table: str
    id: str
    change: str
    before: dict | None = None
    after: dict | None = None
    fields: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def needs_note(self) -> bool:
        """Whether the change's ``note`` must say why (a row that cannot say it itself)."""
        return self.change in (CORRECTED, REMOVED) and self.table not in SELF_DESCRIBED


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    description: str
    changes: list[Change]  # against the previous release; the first release's: none
    notes: dict[tuple[str, str], str]  # (table, id) -> the changelog's note


def version_key(version: str) -> tuple[int, int, int] | None:
    m = SEMVER.fullmatch(version or "")
    return tuple(int(part) for part in m.groups()) if m else None


def bump(changes: list[Change], schema_changed: bool) -> str:
    """Which part of the version a set of changes raises: a new column is a major release,
    a new row (an article, a claim) a minor one, corrections alone a patch."""
    if schema_changed:
        return "major"
    return "minor" if any(c.change == ADDED for c in changes) else "patch"


def next_version(previous: str, part: str) -> str:
    major, minor, patch = version_key(previous)
    return {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }[part]


def descriptor(data_dir: Path) -> dict:
    return json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8-sig"))


def record_resources(package: dict) -> list[dict]:
    """The resources a snapshot holds: every table but the changelog's."""
    return [r for r in package["resources"] if r["name"] not in CHANGELOG]


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    """A CSV's header and rows as text, as saved (BOM and CRLF allowed); a missing file is empty."""
    if not path.is_file():
        return [], []
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def row_id(row: dict, key: list[str]) -> str:
    return "/".join(row.get(k) or "" for k in key)


def read_tables(folder: Path, package: dict) -> dict[str, tuple[list[str], dict[str, dict]]]:
    """Each record table in ``folder``: its header and its rows keyed by primary key."""
    out = {}
    for resource in record_resources(package):
        key = resource["schema"].get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        header, rows = read_csv(Path(folder) / resource["path"])
        out[resource["name"]] = (header, {row_id(r, key): r for r in rows})
    return out


def diff(before: dict, after: dict) -> list[Change]:
    """The rows added, corrected, retired and removed from ``before`` to ``after`` (tables
    as ``read_tables`` gives them), in table order, then id order."""
    changes = []
    for name in dict.fromkeys([*after, *before]):
        old = before.get(name, ([], {}))[1]
        new = after.get(name, ([], {}))[1]
        for rid in sorted(set(old) | set(new)):
            if rid not in old:
                changes.append(Change(name, rid, ADDED, None, new[rid]))
            elif rid not in new:
                changes.append(Change(name, rid, REMOVED, old[rid], None))
            else:
                a, b = old[rid], new[rid]
                fields = [(f, a.get(f) or "", b.get(f) or "") for f in dict.fromkeys([*a, *b])]
                fields = [f for f in fields if f[1] != f[2]]
                if not fields:
                    continue
                retired = b.get("status") == "retired" and a.get("status") != "retired"
                changes.append(Change(name, rid, RETIRED if retired else CORRECTED, a, b, fields))
    return changes


def schema_changed(before: dict, after: dict) -> bool:
    """Whether a table's columns differ (a table that is new counts as no change of columns)."""
    return any(before[name][0] and header != before[name][0] for name, (header, _) in after.items() if name in before)


def snapshot_dir(data_dir: Path, version: str) -> Path:
    return Path(data_dir) / SNAPSHOTS / version


def changelog(data_dir: Path, package: dict | None = None) -> tuple[list[dict], list[dict]]:
    """The rows of releases.csv and release_changes.csv (empty when the package has none)."""
    package = package or descriptor(data_dir)
    paths = {r["name"]: r["path"] for r in package["resources"]}
    releases = read_csv(Path(data_dir) / paths["releases"])[1] if "releases" in paths else []
    changes = read_csv(Path(data_dir) / paths["release_changes"])[1] if "release_changes" in paths else []
    return releases, changes


def releases(data_dir: Path) -> list[Release]:
    """Every release in the changelog's order, each with what it changed since the one before."""
    package = descriptor(data_dir)
    rows, change_rows = changelog(data_dir, package)
    out, previous = [], None
    for row in rows:
        tables = read_tables(snapshot_dir(data_dir, row["version"]), package)
        changes = diff(previous, tables) if previous is not None else []
        notes = {(c["table"], c["id"]): c.get("note") or "" for c in change_rows if c["version"] == row["version"]}
        out.append(Release(row["version"], row["date"], row["description"], changes, notes))
        previous = tables
    return out


def unreleased(data_dir: Path) -> list[Change]:
    """What the record's tables change since its last release (everything, when never released)."""
    package = descriptor(data_dir)
    rows, _ = changelog(data_dir, package)
    before = read_tables(snapshot_dir(data_dir, rows[-1]["version"]), package) if rows else {}
    return diff(before, read_tables(data_dir, package))


def label(data_dir: Path) -> str:
    """The release a build is made from: '1.0.1 of 12 May 2025', with '(and changes since)'
    when the tables differ from its snapshot, or 'unreleased'."""
    rows, _ = changelog(data_dir)
    if not rows:
        return "unreleased"
    last = rows[-1]
    year, month, day = (int(p) for p in last["date"].split("-"))
    months = "January February March April May June July August September October November December".split()
    out = f"{last['version']} of {day} {months[month - 1]} {year}"
    return out + (" (with changes not yet released)" if unreleased(data_dir) else "")


def history(data_dir: Path) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """For each (table, id), its (version, change) in every release: 'added' in the one that
    first published it, then each correction, retirement or removal."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    package = descriptor(data_dir)
    for i, release in enumerate(releases(data_dir)):
        if i == 0:
            tables = read_tables(snapshot_dir(data_dir, release.version), package)
            changes = [Change(name, rid, ADDED) for name, (_, rows) in tables.items() for rid in rows]
        else:
            changes = release.changes
        for c in changes:
            out.setdefault((c.table, c.id), []).append((release.version, c.change))
    return out
