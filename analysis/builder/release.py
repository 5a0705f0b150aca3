"""``python -m analysis release``: cut a release of the data package.

It validates the record, compares its tables with the last release's snapshot, and
refuses a release whose changes are not described: nothing changed; a version that is
not the next patch (corrections only), minor (rows added) or major (columns changed)
after the last; a corrected or retired claim whose ``status`` does not say so or whose
``status_note`` was not rewritten for it; any other corrected or removed row without a
``--note``; a note for a row that did not change; a released claim deleted instead of
retired. Otherwise it writes the snapshot (``releases/<version>/``, the tables byte for
byte), the changelog's rows (``releases.csv``, ``release_changes.csv``) and the
package's ``version``, and validates again. Nothing is written when it refuses.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.data import releases as rel


class ReleaseError(Exception):
    """The release is refused; the message says every reason."""


@dataclass(frozen=True)
class Cut:
    version: str
    changes: list[rel.Change]
    snapshot: Path

    def report(self) -> str:
        counts: dict[str, int] = {}
        for c in self.changes:
            counts[f"{c.table} {c.change}"] = counts.get(f"{c.table} {c.change}", 0) + 1
        what = ", ".join(f"{n} {k}" for k, n in counts.items()) or "the first release"
        return f"Release {self.version}: {what}; snapshot in {self.snapshot}"


def cut(
    version: str,
    date: str,
    description: str,
    notes: dict[str, str] | None = None,
    data_dir: Path | None = None,
    archive_dir: Path | None = None,
) -> Cut:
    """Release the record in ``data_dir`` as ``version`` (see the module's docstring)."""
    from analysis.data.dataset import load

    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    notes = dict(notes or {})
    # a release of an invalid record is no release; a record validated before, unchanged, is
    # not validated again (the cache is keyed by the data, the archive and the code)
    load(data_dir, archive_dir)
    package = rel.descriptor(data_dir)
    rows, _ = rel.changelog(data_dir, package)
    reasons = _request_problems(version, date, description, rows)
    current = rel.read_tables(data_dir, package)
    changes: list[rel.Change] = []
    if rows:
        last = rel.read_tables(rel.snapshot_dir(data_dir, rows[-1]["version"]), package)
        changes = rel.diff(last, current)
        schema_changed = rel.schema_changed(last, current)
        if not changes and not schema_changed:
            reasons.append(f"nothing changed since {rows[-1]['version']}")
        elif rel.version_key(version):
            part = rel.bump(changes, schema_changed)
            expected = rel.next_version(rows[-1]["version"], part)
            if version != expected:
                reasons.append(f"these changes make a {part} release: {expected}, not {version}")
        reasons += _undescribed(changes, notes)
    elif notes:
        reasons.append("the first release describes no change: drop --note")
    if reasons:
        raise ReleaseError("release refused:\n" + "\n".join(f"  - {r}" for r in reasons))
    return _write(data_dir, package, version, date, description, changes, notes)


def _request_problems(version: str, date: str, description: str, rows: list[dict]) -> list[str]:
    reasons = []
    if not rel.version_key(version):
        reasons.append(f"'{version}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.1)")
    if any(r["version"] == version for r in rows):
        reasons.append(f"{version} is already released")
    try:
        dt.date.fromisoformat(date)
        if rows and date < rows[-1]["date"]:
            reasons.append(f"{date} is before the last release's date, {rows[-1]['date']}")
    except ValueError:
        reasons.append(f"'{date}' is not an ISO date (YYYY-MM-DD)")
    if not description.strip():
        reasons.append("the release needs a --description")
    return reasons


def _undescribed(changes: list[rel.Change], notes: dict[str, str]) -> list[str]:
    """Every change the record does not describe, and every note for no change."""
    reasons = []
    changed = {c.id for c in changes}
    for c in changes:
        if c.table == "claims" and c.change == rel.REMOVED:
            reasons.append(f"claim {c.id} was deleted: keep its row and retire it (status retired)")
        elif c.table in rel.SELF_DESCRIBED and c.change in (rel.CORRECTED, rel.RETIRED):
            reasons += _claim_undescribed(c)
        elif c.needs_note and not notes.get(c.id, "").strip():
            reasons.append(f"{c.table} {c.id} was {c.change} ({_fields(c)}): say what and why with --note {c.id}=...")
    for rid in notes:
        if rid not in changed:
            reasons.append(f"--note names {rid}, which did not change since the last release")
        elif any(c.id == rid and c.table in rel.SELF_DESCRIBED for c in changes):
            reasons.append(f"--note names claim {rid}: a claim's change is described in its status_note")
    return reasons


def _claim_undescribed(c: rel.Change) -> list[str]:
    status, note = c.after.get("status"), (c.after.get("status_note") or "").strip()
    expected = "retired" if c.change == rel.RETIRED else "corrected"
    if status != expected:
        return [f"claim {c.id} changed ({_fields(c)}) but its status is '{status}': set it to '{expected}'"]
    if not note or note == (c.before.get("status_note") or "").strip():
        return [f"claim {c.id} was {c.change} ({_fields(c)}): write when, what and why in its status_note"]
    return []


def _fields(c: rel.Change) -> str:
    return "; ".join(f"{name}: '{before}' -> '{after}'" for name, before, after in c.fields) or "a row"


def _write(data_dir, package, version, date, description, changes, notes) -> Cut:
    snapshot = rel.snapshot_dir(data_dir, version)
    paths_of = {r["name"]: r["path"] for r in package["resources"]}
    staging = snapshot.with_name(f".{version}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for resource in rel.record_resources(package):
        shutil.copyfile(data_dir / resource["path"], staging / resource["path"])
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}
    _append(
        data_dir / paths_of["releases"],
        fields["releases"],
        [{"version": version, "date": date, "description": description}],
    )
    _append(
        data_dir / paths_of["release_changes"],
        fields["release_changes"],
        [
            {"version": version, "table": c.table, "id": c.id, "change": c.change, "note": notes.get(c.id, "")}
            for c in changes
        ],
    )
    package["version"] = version
    (data_dir / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    staging.rename(snapshot)
    return Cut(version, changes, snapshot)


def _append(path: Path, fields: list[str], rows: list[dict]) -> None:
    _, existing = rel.read_csv(path)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(existing + rows)


def parse_notes(items: list[str]) -> dict[str, str]:
    """``--note ID=TEXT`` options as a dict."""
    out = {}
    for item in items:
        rid, sep, note = item.partition("=")
        if not sep:
            raise ReleaseError(f"--note {item!r}: write it as ID=what changed and why")
        out[rid.strip()] = note.strip()
    return out
