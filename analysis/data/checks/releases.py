"""The changelog held to the snapshots: each release is there as released, follows the one
before in version and date, changed something, and ``release_changes.csv`` lists exactly
what it changed, each change that needs a word with its note. And a released claim is
never deleted: its id is for life, so it is retired instead."""

from __future__ import annotations

from analysis.data import releases as rel
from analysis.data.problems import Problem

RELEASES, CHANGES = "releases.csv", "release_changes.csv"


def check_releases(ds) -> list[Problem]:
    package = ds.descriptor
    if "releases" not in {r["name"] for r in package["resources"]}:
        return []
    rows, change_rows = rel.changelog(ds.data_dir, package)
    if not rows:
        return []
    problems: list[Problem] = []
    if package.get("version") != rows[-1]["version"]:
        problems.append(
            Problem(
                "datapackage.json",
                None,
                "version",
                "release-version-mismatch",
                f"is '{package.get('version')}' but the last release in {RELEASES} is {rows[-1]['version']}",
            )
        )
    actual: dict[tuple[str, str, str], rel.Change] = {}
    previous, previous_row = None, None
    for number, row in enumerate(rows, 2):
        folder = rel.snapshot_dir(ds.data_dir, row["version"])
        if not folder.is_dir():
            problems.append(
                Problem(
                    RELEASES,
                    number,
                    "version",
                    "release-snapshot-missing",
                    f"has no snapshot of its tables in {rel.SNAPSHOTS}/{row['version']}/ of the data folder",
                )
            )
            previous = None
            continue
        tables = rel.read_tables(folder, package)
        if previous_row is not None and row["date"] < previous_row["date"]:
            problems.append(
                Problem(RELEASES, number, "date", "release-date-order", f"is before {previous_row['version']}'s date")
            )
        if previous is not None:
            changes = rel.diff(previous, tables)
            problems += _version_problems(number, row, previous_row, changes, rel.schema_changed(previous, tables))
            actual.update({(row["version"], c.table, c.id): c for c in changes})
            problems += _undescribed(number, row["version"], changes, change_rows)
        previous, previous_row = tables, row
    problems += _change_row_problems(change_rows, actual)
    problems += _deleted_claims(ds, package, rows[-1]["version"])
    return problems


def _version_problems(number, row, previous_row, changes, schema_changed) -> list[Problem]:
    if not changes and not schema_changed:
        return [
            Problem(
                RELEASES,
                number,
                "version",
                "release-empty",
                f"{row['version']}'s tables are those of {previous_row['version']}: a release must change something",
            )
        ]
    part = rel.bump(changes, schema_changed)
    expected = rel.next_version(previous_row["version"], part)
    if row["version"] == expected:
        return []
    why = {"major": "changes a table's columns", "minor": "adds rows", "patch": "only corrects or retires rows"}[part]
    return [
        Problem(
            RELEASES,
            number,
            "version",
            "release-version-semver",
            f"'{row['version']}' follows {previous_row['version']} in a release that {why}: "
            f"a {part} release, {expected}",
        )
    ]


def _undescribed(number, version, changes, change_rows) -> list[Problem]:
    listed = {(c["table"], c["id"]) for c in change_rows if c["version"] == version}
    missing = [c for c in changes if (c.table, c.id) not in listed]
    if not missing:
        return []
    named = "; ".join(f"{c.change} {c.table} {c.id}" for c in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    return [
        Problem(
            RELEASES,
            number,
            "version",
            "release-change-undescribed",
            f"{version} changed rows that {CHANGES} does not list: {named}{more}",
        )
    ]


def _change_row_problems(change_rows, actual) -> list[Problem]:
    problems = []
    for number, c in enumerate(change_rows, 2):
        found = actual.get((c["version"], c["table"], c["id"]))
        if found is None or found.change != c["change"]:
            what = f"was {found.change}" if found else "did not change"
            problems.append(
                Problem(
                    CHANGES,
                    number,
                    "id",
                    "release-change-unfounded",
                    f"names {c['table']} {c['id']} as {c['change']} in {c['version']}, but in that release it {what} "
                    f"(compared with the previous release's snapshot)",
                )
            )
        elif found.needs_note and not (c.get("note") or "").strip():
            problems.append(
                Problem(
                    CHANGES,
                    number,
                    "note",
                    "release-note-missing",
                    f"{c['table']} {c['id']} was {c['change']} in {c['version']}: say what and why",
                )
            )
    return problems


def _deleted_claims(ds, package, last_version) -> list[Problem]:
    released = rel.read_tables(rel.snapshot_dir(ds.data_dir, last_version), package).get("claims", ([], {}))[1]
    gone = sorted(set(released) - set(ds.claims["claim_id"]))
    return [
        Problem(
            "claims.csv",
            None,
            "claim_id",
            "released-claim-removed",
            f"{claim_id} was published in release {last_version} and is no longer in the file: keep its row "
            "and retire it (status retired, with why in status_note)",
        )
        for claim_id in gone
    ]
