"""Corrupted copies of the data stop the load with problems naming file, row, field and code."""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import read_rows, set_cell, snapshot, write_rows

from analysis import load
from analysis.builder.release import cut
from analysis.data import releases as rel
from analysis.data.problems import CODES, DataError
from analysis.data.vocabulary import KILLED
from analysis.paths import ROOT


def problems_of(data_dir, archive_dir=None):
    with pytest.raises(DataError) as info:
        load(data_dir, archive_dir)
    return info.value.problems


def assert_problem(problems, file, row, field, code):
    found = {(p.file, p.row, p.field, p.code) for p in problems}
    got = "\n".join(str(p) for p in problems)
    assert (file, row, field, code) in found, f"no [{code}] at {file} row {row} field {field}; got:\n{got}"


# Declarative corruptions, for the common edits. Each fails when its target is missing,
# so a change to the data cannot quietly turn a corruption into a no-op. A corruption that
# needs a row of some shape finds the first such row (in any valid record) and returns its
# spreadsheet row number, which a case expects by giving TARGET as its row: no case names
# a line of today's CSVs by its number.

TARGET = "the row the corruption chose"


class SetCell:
    """Set cells of one data row: ``SetCell("claims.csv", 2, value_high="12k")`` (``index``
    counts data rows from 0), or of the first row that a test of its fields accepts:
    ``SetCell("claims.csv", has("value_low"), qualifier="up_to")``."""

    def __init__(self, file: str, index, **values: str):
        self.file, self.index, self.values = file, index, values

    def __call__(self, data_dir: Path) -> int:
        index = self.index
        if callable(index):
            rows = read_rows(data_dir / self.file)
            index = next((i for i, r in enumerate(rows) if self.index(r)), None)
            assert index is not None, f"no row of {self.file} is {self.index.__doc__}"
        for field, value in self.values.items():
            row = set_cell(data_dir, self.file, index, field, value)
        return row

    def __repr__(self) -> str:
        return f"SetCell({self.file!r}, {getattr(self.index, '__doc__', self.index)}, {self.values})"


def has(*fields: str, **values: str):
    """A test of a row: these fields filled in, these fields with these values."""

    def test(row: dict) -> bool:
        return all(row[f] for f in fields) and all(row[f] == v for f, v in values.items())

    test.__doc__ = " and ".join([*(f"with a {f}" for f in fields), *(f"with {f} {v!r}" for f, v in values.items())])
    return test


def differs(**values: str):
    """A test of a row: these fields with values other than these."""

    def test(row: dict) -> bool:
        return all(row[f] != v for f, v in values.items())

    test.__doc__ = " and ".join(f"with {f} other than {v!r}" for f, v in values.items())
    return test


@dataclass(frozen=True)
class DropColumn:
    file: str
    column: str

    def __call__(self, data_dir: Path) -> None:
        rows = read_rows(data_dir / self.file)
        assert self.column in rows[0]
        names = [c for c in rows[0] if c != self.column]
        write_rows(data_dir / self.file, [{k: r[k] for k in names} for r in rows], names)


@dataclass(frozen=True)
class EditLine:
    """Replace bytes within one physical line (1 = header); ``old=b""`` appends ``new``.
    Only for lines whose shape any valid record has (the header, a metric's row)."""

    file: str
    line: int
    old: bytes
    new: bytes

    def __call__(self, data_dir: Path) -> None:
        path = data_dir / self.file
        lines = path.read_bytes().split(b"\n")
        target = lines[self.line - 1]
        assert self.old in target, (self.old, target[:80])
        lines[self.line - 1] = target + self.new if not self.old else target.replace(self.old, self.new, 1)
        path.write_bytes(b"\n".join(lines))


@dataclass(frozen=True)
class WriteFile:
    file: str
    content: str

    def __call__(self, data_dir: Path) -> None:
        (data_dir / self.file).write_text(self.content, encoding="utf-8")


@dataclass(frozen=True)
class DeleteFile:
    file: str

    def __call__(self, data_dir: Path) -> None:
        (data_dir / self.file).unlink()


@dataclass(frozen=True)
class AddConstraint:
    """Tighten the schema of one field, as a future schema might."""

    resource: str
    field: str
    constraint: str
    value: object

    def __call__(self, data_dir: Path) -> None:
        path = data_dir / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        resource = next(r for r in descriptor["resources"] if r["name"] == self.resource)
        spec = next(f for f in resource["schema"]["fields"] if f["name"] == self.field)
        spec.setdefault("constraints", {})[self.constraint] = self.value
        path.write_text(json.dumps(descriptor), encoding="utf-8")


# Bespoke corruptions.


def curly_quote_appended_to_quote(data_dir: Path) -> None:
    quote = read_rows(data_dir / "disagreement_quotes.csv")[0]["quote"]
    set_cell(data_dir, "disagreement_quotes.csv", 0, "quote", quote + " ’")


def byte_in_first_row(file: str, field: str, byte: bytes):
    """Put ``byte`` into a field of the first data row, inside its value (found in the row's
    physical line, which starts with the row's id)."""

    def corrupt(data_dir: Path) -> int:
        path = data_dir / file
        first = read_rows(path)[0]
        key, value = next(iter(first.values())).encode(), first[field].encode()
        lines = path.read_bytes().split(b"\n")
        number = next(n for n, line in enumerate(lines, 1) if n > 1 and line.startswith(key + b","))
        assert value in lines[number - 1], (field, value)
        lines[number - 1] = lines[number - 1].replace(value, value[:1] + byte + value[1:], 1)
        path.write_bytes(b"\n".join(lines))
        return number

    corrupt.__name__ = f"{byte!r}_in_{field}"
    return corrupt


def bib_entry_renamed(data_dir: Path) -> int:
    source_id = read_rows(data_dir / "sources.csv")[-1]["source_id"]
    path = data_dir / "references.bib"
    text = path.read_text()
    assert f"@misc{{{source_id}," in text
    path.write_text(text.replace(f"@misc{{{source_id},", f"@misc{{{source_id}x,"))
    return len(read_rows(data_dir / "sources.csv")) + 1


def bib_entry_emptied(data_dir: Path) -> str:
    """The bibliography holds only the first source's entry, as add-source scaffolds it; its key is the field."""
    first = read_rows(data_dir / "sources.csv")[0]["source_id"]
    (data_dir / "references.bib").write_text(f"@misc{{{first},\n  author = {{}},\n  title = {{}},\n  year = {{}}\n}}\n")
    return first


def bib_entry_added(data_dir: Path) -> None:
    path = data_dir / "references.bib"
    path.write_text(path.read_text() + "\n@misc{nobody2025,\n  title = {Nothing},\n}\n")


def quote_linked_to_another_articles_claim(data_dir: Path) -> None:
    quote_source = read_rows(data_dir / "disagreement_quotes.csv")[0]["source_id"]
    other = next(r["claim_id"] for r in read_rows(data_dir / "claims.csv") if r["source_id"] != quote_source)
    set_cell(data_dir, "disagreement_quotes.csv", 0, "claim_id", other)


def linked_claim_retired(data_dir: Path) -> None:
    claim = read_rows(data_dir / "disagreement_quotes.csv")[0]["claim_id"]
    index = next(i for i, r in enumerate(read_rows(data_dir / "claims.csv")) if r["claim_id"] == claim)
    set_cell(data_dir, "claims.csv", index, "status", "retired")
    set_cell(data_dir, "claims.csv", index, "status_note", "retired 2025-05-10: misread")


def renamed_everywhere(file: str, field: str, old: str, new: str, also: tuple[str, str] | None = None):
    """Rename a vocabulary value in every row (and in its referring column), so no reference dangles."""

    def corrupt(data_dir: Path) -> None:
        for name, col in ((file, field), *([also] if also else [])):
            rows = read_rows(data_dir / name)
            assert any(r[col] == old for r in rows), (name, col, old)
            write_rows(data_dir / name, [{**r, col: new if r[col] == old else r[col]} for r in rows])

    corrupt.__name__ = f"{old}_renamed_{new}"
    return corrupt


def claimants_saved_as_latin1(data_dir: Path) -> None:
    path = data_dir / "claimants.csv"
    text = path.read_text(encoding="utf-8")
    name = read_rows(path)[0]["name"]
    path.write_bytes(text.replace(name, name + "é", 1).encode("latin-1", errors="replace"))


def id_of_the_first_row_repeated(data_dir: Path) -> int:
    first = read_rows(data_dir / "claims.csv")[0]["claim_id"]
    return set_cell(data_dir, "claims.csv", 1, "claim_id", first)


def ceiling_below_a_figure(data_dir: Path) -> int:
    """A maximum on value_high that the first claim with a figure exceeds."""
    AddConstraint("claims", "value_high", "maximum", 0)(data_dir)
    return next(i for i, c in enumerate(read_rows(data_dir / "claims.csv"), 2) if c["value_high"] not in ("", "0"))


def one_article_per_claim(data_dir: Path) -> int:
    """source_id declared unique: the first claim from an article already quoted breaks it."""
    AddConstraint("claims", "source_id", "unique", True)(data_dir)
    seen = set()
    for row, claim in enumerate(read_rows(data_dir / "claims.csv"), 2):
        if claim["source_id"] in seen:
            return row
        seen.add(claim["source_id"])
    raise AssertionError("no two claims from one article")


def one_event_given_another_category(data_dir: Path) -> int:
    """The second report of an event gets a category of its own (the first report sets the event's)."""
    events = read_rows(data_dir / "events.csv")
    keys = [e["event_key"] for e in events]
    index = next(i for i, k in enumerate(keys) if k in keys[:i])
    other = next(c for c in ("statement", "background") if c != events[index]["category"])
    return set_cell(data_dir, "events.csv", index, "category", other)


def sources_saved_as_utf16(data_dir: Path) -> None:
    path = data_dir / "sources.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def first_two_columns_swapped(data_dir: Path) -> None:
    rows = read_rows(data_dir / "metrics.csv")
    names = list(rows[0])
    names[0], names[1] = names[1], names[0]
    write_rows(data_dir / "metrics.csv", rows, names)


def definition_header_renamed_to_label(data_dir: Path) -> None:
    path = data_dir / "metrics.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert ",definition" in lines[0]
    lines[0] = lines[0].replace(",definition", ",label")
    path.write_text("\n".join(lines), encoding="utf-8")


def last_cell_dropped(data_dir: Path) -> None:
    path = data_dir / "metrics.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].rsplit(b",", 1)[0]
    path.write_bytes(b"\n".join(lines))


def one_side_left(data_dir: Path) -> None:
    """Leave the first disagreement that is not an error with a single quoted side."""
    target = next(d["disagreement_id"] for d in read_rows(data_dir / "disagreements.csv") if d["kind"] != "error")
    kept, seen = [], False
    for q in read_rows(data_dir / "disagreement_quotes.csv"):
        if q["disagreement_id"] == target:
            if seen:
                continue
            seen = True
        kept.append(q)
    write_rows(data_dir / "disagreement_quotes.csv", kept)


# The releases: a correction released after the record's last release, then the changelog
# or the snapshots corrupted. A record may hold changes not yet released (a curator's new
# article): the cases release those first, as a curator would. Rows are counted from the
# record's own changelog and pending changes, so a release added to the data moves them.
PENDING = rel.unreleased(ROOT / "data")
LAST = read_rows(ROOT / "data" / "releases.csv")[-1]
LAST_VERSION = (
    rel.next_version(LAST["version"], rel.bump(PENDING, schema_changed=False)) if PENDING else LAST["version"]
)
NEW_RELEASE_ROW = len(read_rows(ROOT / "data" / "releases.csv")) + bool(PENDING) + 2  # the cases' release's row
NEW_CHANGE_ROW = len(read_rows(ROOT / "data" / "release_changes.csv")) + len(PENDING) + 2


def _pending_released(data_dir: Path) -> None:
    """Release what the record changed since its last release, each change noted."""
    if PENDING:
        notes = {c.id: "curated since the last release" for c in PENDING if c.needs_note}
        cut(LAST_VERSION, LAST["date"], "Changes pending before the test.", notes, data_dir=data_dir)


def _next_patch() -> str:
    return rel.next_version(LAST_VERSION, "patch")


def released_event_correction(data_dir: Path) -> str:
    """Reword the first event's description and release it as the next patch; its version."""
    _pending_released(data_dir)
    set_cell(data_dir, "events.csv", 0, "description", "Reworded by a curator.")
    version = _next_patch()
    first = read_rows(data_dir / "events.csv")[0]["event_id"]
    cut(version, LAST["date"], "A reworded event.", {first: "reworded"}, data_dir=data_dir)
    return version


def _edit_rows(path: Path, edit) -> None:
    header = next(csv.reader(path.open(encoding="utf-8")))
    write_rows(path, edit(read_rows(path)), header)


def release_date_before_the_last(data_dir: Path) -> None:
    released_event_correction(data_dir)
    set_cell(data_dir, "releases.csv", NEW_RELEASE_ROW - 2, "date", "2000-01-01")


def release_without_changes(data_dir: Path) -> None:
    _pending_released(data_dir)
    version = _next_patch()
    shutil.copytree(rel.snapshot_dir(data_dir, LAST_VERSION), rel.snapshot_dir(data_dir, version))
    _edit_rows(
        data_dir / "releases.csv",
        lambda rows: [*rows, {"version": version, "date": "2030-01-01", "description": "Nothing."}],
    )
    _set_package_version(data_dir, version)


def _set_package_version(data_dir: Path, version: str) -> None:
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    package["version"] = version
    (data_dir / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")


def correction_released_as_a_minor(data_dir: Path) -> None:
    patch = released_event_correction(data_dir)
    minor = rel.next_version(LAST_VERSION, "minor")
    for name in ("releases.csv", "release_changes.csv"):
        _edit_rows(
            data_dir / name,
            lambda rows: [{**r, "version": minor if r["version"] == patch else r["version"]} for r in rows],
        )
    rel.snapshot_dir(data_dir, patch).rename(rel.snapshot_dir(data_dir, minor))
    _set_package_version(data_dir, minor)


def released_change_left_out_of_the_changelog(data_dir: Path) -> None:
    released_event_correction(data_dir)
    _edit_rows(data_dir / "release_changes.csv", lambda rows: rows[:-1])


def changelog_names_a_claim_that_did_not_change(data_dir: Path) -> None:
    version = released_event_correction(data_dir)
    claim = read_rows(data_dir / "claims.csv")[0]["claim_id"]
    row = {"version": version, "table": "claims", "id": claim, "change": "corrected", "note": ""}
    _edit_rows(data_dir / "release_changes.csv", lambda rows: [*rows, row])


def released_correction_note_blanked(data_dir: Path) -> None:
    released_event_correction(data_dir)
    _edit_rows(data_dir / "release_changes.csv", lambda rows: [*rows[:-1], {**rows[-1], "note": ""}])


def released_claim_deleted(data_dir: Path) -> None:
    _pending_released(data_dir)
    linked = {q["claim_id"] for q in read_rows(data_dir / "disagreement_quotes.csv")}
    rows = read_rows(data_dir / "claims.csv")
    gone = next(r["claim_id"] for r in reversed(rows) if r["claim_id"] not in linked)
    write_rows(data_dir / "claims.csv", [r for r in rows if r["claim_id"] != gone])


def last_snapshot_deleted(data_dir: Path) -> None:
    _pending_released(data_dir)
    shutil.rmtree(rel.snapshot_dir(data_dir, LAST_VERSION))


def _quote_in_hangul_left_english(data_dir: Path) -> None:
    """Claim 1's quote in Korean, with quote_lang left empty (it is then also not in its article)."""
    set_cell(data_dir, "claims.csv", 0, "quote", "서방 분석가들에 따르면 약 1,000명이 사망했다.")


CASES = [
    # the folders and files themselves
    pytest.param(DeleteFile("claims.csv"), "claims.csv", None, None, "missing-file", id="missing file"),
    pytest.param(
        DeleteFile("datapackage.json"), "datapackage.json", None, None, "missing-file", id="missing descriptor"
    ),
    pytest.param(DeleteFile("references.bib"), "references.bib", None, None, "missing-file", id="missing bibliography"),
    pytest.param(WriteFile("events.csv", ""), "events.csv", None, None, "empty-file", id="empty file"),
    pytest.param(WriteFile("claimants.csv", " \n\n"), "claimants.csv", None, None, "empty-file", id="whitespace-only"),
    pytest.param(
        byte_in_first_row("events.csv", "event_key", b"\xff"),
        "events.csv",
        TARGET,
        "event_key",
        "not-utf8",
        id="invalid UTF-8",
    ),
    pytest.param(claimants_saved_as_latin1, "claimants.csv", 2, "name", "not-utf8", id="Latin-1 file"),
    pytest.param(sources_saved_as_utf16, "sources.csv", 1, None, "not-utf8", id="UTF-16 file"),
    pytest.param(
        byte_in_first_row("events.csv", "source_id", b"\x00"),
        "events.csv",
        TARGET,
        "source_id",
        "nul-byte",
        id="NUL byte",
    ),
    pytest.param(EditLine("metrics.csv", 4, b",", b',"'), "metrics.csv", 4, "label", "open-quote", id="unclosed quote"),
    pytest.param(
        WriteFile("datapackage.json", "{not json"),
        "datapackage.json",
        None,
        None,
        "descriptor-invalid",
        id="broken descriptor",
    ),
    pytest.param(
        WriteFile("datapackage.json", '{"resources": []}'),
        "datapackage.json",
        None,
        None,
        "descriptor-invalid",
        id="descriptor without resources",
    ),
    # the header row
    pytest.param(
        DropColumn("claims.csv", "qualifier"),
        "claims.csv",
        1,
        "qualifier",
        "header-missing-column",
        id="missing column",
    ),
    pytest.param(
        EditLine("metrics.csv", 1, b"", b",extra"),
        "metrics.csv",
        1,
        "extra",
        "header-unexpected-column",
        id="unexpected column",
    ),
    pytest.param(
        definition_header_renamed_to_label,
        "metrics.csv",
        1,
        "label",
        "header-duplicate-column",
        id="duplicate column",
    ),
    pytest.param(first_two_columns_swapped, "metrics.csv", 1, None, "header-order", id="columns out of order"),
    # the schema
    pytest.param(
        SetCell("claims.csv", 2, value_high="12k"), "claims.csv", 4, "value_high", "type-error", id="wrong type"
    ),
    pytest.param(
        SetCell("events.csv", 0, date_end="2025-02-30"), "events.csv", 2, "date_end", "type-error", id="impossible date"
    ),
    pytest.param(SetCell("events.csv", 0, actor=""), "events.csv", 2, "actor", "required", id="required field empty"),
    pytest.param(
        SetCell("sources.csv", 2, date_basis=""), "sources.csv", 4, "date_basis", "required", id="date basis missing"
    ),
    pytest.param(
        SetCell("claims.csv", 0, qualifier="roughly"), "claims.csv", 2, "qualifier", "enum", id="unknown enum value"
    ),
    pytest.param(
        SetCell("claimants.csv", 0, claimant_type="pundit"),
        "claimants.csv",
        2,
        "claimant_type",
        "enum",
        id="unknown claimant type",
    ),
    pytest.param(
        SetCell("claims.csv", 0, stated_precision="unspecified"),
        "claims.csv",
        2,
        "stated_precision",
        "enum",
        id="statement never dated",
    ),
    pytest.param(
        SetCell("sources.csv", 0, archive_file="article.txt"),
        "sources.csv",
        2,
        "archive_file",
        "pattern",
        id="bad archive file name",
    ),
    pytest.param(SetCell("claims.csv", 1, claim_id="c2"), "claims.csv", 3, "claim_id", "pattern", id="malformed id"),
    pytest.param(
        SetCell("claims.csv", 0, notes="x" * 200_000), "claims.csv", 2, "notes", "max-length", id="huge field"
    ),
    pytest.param(
        SetCell("claims.csv", 1, value_low="-11000"), "claims.csv", 3, "value_low", "minimum", id="negative figure"
    ),
    pytest.param(
        ceiling_below_a_figure, "claims.csv", TARGET, "value_high", "constraint", id="constraint without its own code"
    ),
    pytest.param(id_of_the_first_row_repeated, "claims.csv", 3, "claim_id", "primary-key", id="duplicate id"),
    pytest.param(
        SetCell("claims.csv", 1, metric="fatalities"), "claims.csv", 3, "metric", "foreign-key", id="unknown metric"
    ),
    pytest.param(
        SetCell("events.csv", 4, source_id="nobody2025"),
        "events.csv",
        6,
        "source_id",
        "foreign-key",
        id="dangling source_id",
    ),
    pytest.param(
        EditLine("metrics.csv", 4, b"", b",extra"), "metrics.csv", 4, None, "extra-cell", id="stray delimiter"
    ),
    pytest.param(last_cell_dropped, "metrics.csv", 4, "figure_of", "missing-cell", id="missing cell"),
    pytest.param(EditLine("metrics.csv", 4, b"", b"\n"), "metrics.csv", 5, None, "blank-row", id="blank row"),
    pytest.param(
        one_article_per_claim,
        "claims.csv",
        TARGET,
        "source_id",
        "frictionless-other",
        id="frictionless error without its own code",
    ),
    # what a schema cannot say
    pytest.param(
        SetCell("claims.csv", has("value_high"), value_low="99000000"),
        "claims.csv",
        TARGET,
        "value_low",
        "low-above-high",
        id="low above high",
    ),
    pytest.param(
        SetCell("claims.csv", has("value_low", "value_high"), qualifier="up_to"),
        "claims.csv",
        TARGET,
        "value_low",
        "qualifier-shape",
        id="qualifier disagrees with values",
    ),
    pytest.param(
        SetCell("claims.csv", has("value_high", qualifier="exact"), value_low="987654", value_high="987654"),
        "claims.csv",
        TARGET,
        "value_low",
        "figure-not-in-quote",
        id="figure not in quote",
    ),
    pytest.param(
        SetCell("claims.csv", differs(claimant_type="government"), claimant_type="government"),
        "claims.csv",
        TARGET,
        "claimant_type",
        "claimant-type-mismatch",
        id="claimant type inconsistent",
    ),
    pytest.param(
        SetCell("events.csv", 0, date_precision="on_or_before", date_start="2025-04-01", date_end="2025-04-02"),
        "events.csv",
        2,
        "date_start",
        "interval-date-unexpected",
        id="start date for 'on or before'",
    ),
    pytest.param(
        SetCell("claims.csv", 0, period_precision="unspecified", period_start="2025-04-01"),
        "claims.csv",
        2,
        "period_start",
        "interval-date-unexpected",
        id="dates for an unspecified period",
    ),
    pytest.param(
        SetCell("events.csv", 0, date_precision="month", date_start="", date_end="2024-08-31"),
        "events.csv",
        2,
        "date_start",
        "interval-start-missing",
        id="month without a start",
    ),
    pytest.param(
        SetCell("events.csv", 0, date_precision="day", date_end=""),
        "events.csv",
        2,
        "date_end",
        "interval-end-missing",
        id="day without an end",
    ),
    pytest.param(
        SetCell("events.csv", 0, date_precision="month", date_start="2024-08-31", date_end="2024-08-01"),
        "events.csv",
        2,
        "date_start",
        "interval-reversed",
        id="reversed dates",
    ),
    pytest.param(
        SetCell("events.csv", 0, date_precision="month", date_start="2024-08-01", date_end="2024-08-20"),
        "events.csv",
        2,
        "date_end",
        "interval-precision-mismatch",
        id="precision does not fit",
    ),
    pytest.param(
        SetCell("events.csv", 0, date_precision="day", date_start="2026-04-28", date_end="2026-04-28"),
        "events.csv",
        2,
        "date_start",
        "after-publication",
        id="date after publication",
    ),
    pytest.param(
        SetCell("sources.csv", 0, archive_file="009_0000000000000000.txt"),
        "sources.csv",
        2,
        "archive_file",
        "archive-file-missing",
        id="archive file missing",
    ),
    pytest.param(
        SetCell("claims.csv", 0, quote="around 1,000 soldiers were killed, analysts said"),
        "claims.csv",
        2,
        "quote",
        "quote-not-in-archive",
        id="quote not in its article",
    ),
    pytest.param(
        curly_quote_appended_to_quote,
        "disagreement_quotes.csv",
        2,
        "quote",
        "quote-not-in-archive",
        id="quote with a stray curly quote",
    ),
    pytest.param(
        WriteFile("references.bib", "@misc{broken,\n title = {x\n"),
        "references.bib",
        None,
        None,
        "bib-unparsable",
        id="bibliography unparsable",
    ),
    pytest.param(
        bib_entry_renamed, "sources.csv", TARGET, "source_id", "bib-entry-missing", id="source without bib entry"
    ),
    pytest.param(
        bib_entry_added, "references.bib", None, "nobody2025", "bib-entry-orphan", id="bib entry without source"
    ),
    pytest.param(
        quote_linked_to_another_articles_claim,
        "disagreement_quotes.csv",
        2,
        "claim_id",
        "disagreement-link",
        id="disagreement quote from another article",
    ),
    pytest.param(one_side_left, "disagreements.csv", 2, "disagreement_id", "disagreement-sides", id="one-sided"),
    # what the book needs of a row (tests/test_curation.py checks the wording)
    pytest.param(
        SetCell("claims.csv", has("attribution"), attribution="Nobody the quote names"),
        "claims.csv",
        TARGET,
        "attribution",
        "attribution-not-in-quote",
        id="attribution not in quote",
    ),
    pytest.param(
        SetCell("claims.csv", has("attribution"), attribution=""),
        "claims.csv",
        TARGET,
        "attribution",
        "attribution-missing",
        id="attributed claim without attribution",
    ),
    pytest.param(
        SetCell("claims.csv", 0, status="retired"),
        "claims.csv",
        2,
        "status_note",
        "status-note-missing",
        id="retired without a reason",
    ),
    pytest.param(
        linked_claim_retired,
        "disagreement_quotes.csv",
        2,
        "claim_id",
        "retired-claim-linked",
        id="disagreement on a retired claim",
    ),
    pytest.param(
        renamed_everywhere("metrics.csv", "metric_id", KILLED, "renamed", also=("claims.csv", "metric")),
        "metrics.csv",
        None,
        "metric_id",
        "formula-metric-missing",
        id="metric a formula names renamed",
    ),
    pytest.param(
        SetCell("metrics.csv", has(metric_id=KILLED), group="incident"),
        "metrics.csv",
        TARGET,
        "group",
        "formula-metric-group",
        id="metric a formula names in another group",
    ),
    pytest.param(
        one_event_given_another_category,
        "events.csv",
        TARGET,
        "category",
        "event-category-mismatch",
        id="one event, two categories",
    ),
    # a quote's language and its translation (tests/test_languages.py has the quotes in Korean and Russian)
    pytest.param(
        SetCell("claims.csv", 0, quote_lang="korean"),
        "claims.csv",
        2,
        "quote_lang",
        "lang-tag-invalid",
        id="language tag not BCP 47",
    ),
    pytest.param(
        SetCell("events.csv", 1, quote_lang="EN"),
        "events.csv",
        3,
        "quote_lang",
        "lang-tag-noncanonical",
        id="language tag not canonical",
    ),
    pytest.param(
        _quote_in_hangul_left_english,
        "claims.csv",
        2,
        "quote_lang",
        "lang-missing",
        id="quote in Hangul given as English",
    ),
    pytest.param(
        SetCell("disagreement_quotes.csv", 0, quote_lang="ru"),
        "disagreement_quotes.csv",
        2,
        "quote_translation",
        "translation-missing",
        id="quote in another language without translation",
    ),
    pytest.param(
        SetCell("claims.csv", 1, quote_translation="Around 1,000 were killed.", translated_by="A. Translator"),
        "claims.csv",
        3,
        "quote_translation",
        "translation-without-original",
        id="translation without its original",
    ),
    pytest.param(
        SetCell("events.csv", 0, quote_lang="ko", quote_translation="Pyongyang acknowledged it."),
        "events.csv",
        2,
        "translated_by",
        "translator-missing",
        id="translation without translator",
    ),
    pytest.param(
        SetCell("claims.csv", 2, translated_by="A. Translator"),
        "claims.csv",
        4,
        "translated_by",
        "translator-without-translation",
        id="translator without translation",
    ),
    pytest.param(
        SetCell("sources.csv", 0, author="Nobody Printed-Here"),
        "sources.csv",
        2,
        "author",
        "source-field-not-in-archive",
        id="author not as printed",
    ),
    pytest.param(
        SetCell("sources.csv", 0, archive_sha256="0" * 64),
        "sources.csv",
        2,
        "archive_sha256",
        "archive-changed",
        id="archive hash differs",
    ),
    pytest.param(
        bib_entry_emptied, "references.bib", None, TARGET, "bib-entry-incomplete", id="bib entry scaffold left empty"
    ),
    # the releases
    pytest.param(
        lambda d: _set_package_version(d, "9.9.9"),
        "datapackage.json",
        None,
        "version",
        "release-version-mismatch",
        id="package version not the last release's",
    ),
    pytest.param(
        last_snapshot_deleted,
        "releases.csv",
        NEW_RELEASE_ROW - 1,
        "version",
        "release-snapshot-missing",
        id="snapshot gone",
    ),
    pytest.param(
        release_date_before_the_last,
        "releases.csv",
        NEW_RELEASE_ROW,
        "date",
        "release-date-order",
        id="release dated back",
    ),
    pytest.param(
        release_without_changes, "releases.csv", NEW_RELEASE_ROW, "version", "release-empty", id="release of nothing"
    ),
    pytest.param(
        correction_released_as_a_minor,
        "releases.csv",
        NEW_RELEASE_ROW,
        "version",
        "release-version-semver",
        id="correction released as a minor",
    ),
    pytest.param(
        released_change_left_out_of_the_changelog,
        "releases.csv",
        NEW_RELEASE_ROW,
        "version",
        "release-change-undescribed",
        id="released change not in the changelog",
    ),
    pytest.param(
        changelog_names_a_claim_that_did_not_change,
        "release_changes.csv",
        NEW_CHANGE_ROW + 1,
        "id",
        "release-change-unfounded",
        id="changelog names an unchanged claim",
    ),
    pytest.param(
        released_correction_note_blanked,
        "release_changes.csv",
        NEW_CHANGE_ROW,
        "note",
        "release-note-missing",
        id="event correction without a note",
    ),
    pytest.param(
        released_claim_deleted, "claims.csv", None, "claim_id", "released-claim-removed", id="released claim deleted"
    ),
]
# Codes about a folder rather than the data in it have their own tests below; codes about
# the archive's files need a scratch archive, and have theirs in tests/test_curation.py.
FOLDER_CODES = {"data-folder-missing", "archive-folder-missing"}
SCRATCH_ARCHIVE_CODES = {"archive-name", "archive-not-utf8"}


def corrupted(data_dir: Path, corrupt, row, field) -> tuple:
    """Corrupt ``data_dir``; return the (row, field) the case expects, TARGET being what the corruption chose."""
    chosen = corrupt(data_dir)
    return (chosen if row is TARGET else row), (chosen if field is TARGET else field)


def test_every_declared_code_has_a_case():
    covered = {case.values[4] for case in CASES} | FOLDER_CODES | SCRATCH_ARCHIVE_CODES
    assert covered == set(CODES), {"without a case": set(CODES) - covered, "undeclared": covered - set(CODES)}


def problems_raised(monkeypatch) -> list:
    """The problems the build's validation raises, collected as it raises them. The build
    starts its notebook workers while it validates; here it gets none (their kernels'
    imports cost about 0.3 s of CPU a case and prove nothing more), and running notebooks
    fails the case. ``test_build_stops_before_any_notebook_runs`` stops a build with real ones."""
    from analysis.builder import pipeline

    def notebooks_never_run(plan, pool):
        raise AssertionError("notebooks ran although the data is invalid")

    raised, validate = [], pipeline.validate

    def validate_and_note(plan):
        try:
            validate(plan)
        except DataError as error:
            raised.extend(error.problems)
            raise

    monkeypatch.setattr(pipeline, "validate", validate_and_note)
    monkeypatch.setattr(pipeline, "notebook_workers", lambda plan: contextlib.nullcontext())
    monkeypatch.setattr(pipeline, "run_notebooks", notebooks_never_run)
    return raised


@pytest.mark.parametrize(("corrupt", "file", "row", "field", "code"), CASES)
def test_corruption_is_reported_with_file_row_field_and_code(
    data_copy, tmp_path, capsys, monkeypatch, corrupt, file, row, field, code
):
    """Validation names the problem by file, row, field and code, and the build command
    stops on it: non-zero exit, the problem on a line of its own, no traceback, nothing
    published touched, no notebook run. One validation serves both: it is the costly part."""
    from analysis.builder.cli import main

    raised = problems_raised(monkeypatch)
    out = tmp_path / "published"
    (out / "book").mkdir(parents=True)
    (out / "book" / "summary.ipynb").write_text('{"published": true}')
    (out / "_build" / "html").mkdir(parents=True)
    (out / "_build" / "html" / "index.html").write_text("<p>published</p>")
    before = snapshot(out)
    row, field = corrupted(data_copy, corrupt, row, field)
    assert main(["build", "--data-dir", str(data_copy), "--out", str(out)]) == 1
    assert_problem(raised, file, row, field, code)
    err = capsys.readouterr().err
    where = file + (f", row {row}" if row is not None else "") + (f", field '{field}'" if field else "")
    lines = [line.strip() for line in err.splitlines()]
    assert any(line.startswith(f"{where}: ") and line.endswith(f"[{code}]") for line in lines), err
    assert "Traceback" not in err
    assert snapshot(out) == before
    assert not list(out.glob(".book-*"))


def test_missing_archive_folder(data_copy, tmp_path):
    archive = tmp_path / "no-such-archive"
    assert_problem(problems_of(data_copy, archive), str(archive), None, None, "archive-folder-missing")


def test_missing_data_folder(tmp_path):
    folder = tmp_path / "nothing-here"
    assert_problem(problems_of(folder), str(folder), None, None, "data-folder-missing")


def test_every_problem_is_reported_not_just_the_first(data_copy):
    set_cell(data_copy, "claims.csv", 0, "qualifier", "roughly")
    set_cell(data_copy, "events.csv", 0, "category", "gossip")
    problems = problems_of(data_copy)
    assert_problem(problems, "claims.csv", 2, "qualifier", "enum")
    assert_problem(problems, "events.csv", 2, "category", "enum")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT)


def test_validate_command_prints_summary():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Data OK: {len(load().sources)} sources, ")
    assert "claims" in result.stdout and "disagreements" in result.stdout


def test_validate_command_fails_cleanly_without_traceback(data_copy):
    set_cell(data_copy, "claims.csv", 2, "value_high", "12k")
    (data_copy / "sources.csv").write_bytes((data_copy / "sources.csv").read_bytes())
    result = run_cli("validate", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert "claims.csv, row 4, field 'value_high'" in result.stderr and "[type-error]" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_build_stops_before_any_notebook_runs(data_copy, tmp_path):
    set_cell(data_copy, "claims.csv", 0, "qualifier", "roughly")
    out = tmp_path / "variant"
    result = run_cli("build", "--data-dir", str(data_copy), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "claims.csv, row 2, field 'qualifier'" in result.stderr
    assert not out.exists()


def test_messages_say_what_would_fix_them(data_copy):
    """The code names the problem for tools; the message must still tell a contributor what to do."""
    set_cell(data_copy, "events.csv", 0, "date_end", "2025-02-30")
    set_cell(data_copy, "claims.csv", 0, "qualifier", "roughly")
    messages = {(p.file, p.field): p.message for p in problems_of(data_copy)}
    assert "YYYY-MM-DD" in messages["events.csv", "date_end"]
    assert all(q in messages["claims.csv", "qualifier"] for q in ("exact", "between", "up_to"))


def test_descriptor_is_a_valid_frictionless_package():
    from frictionless import Package

    report = Package(str(ROOT / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    names = [r["name"] for r in json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"]]
    assert {
        "sources",
        "claims",
        "events",
        "disagreements",
        "disagreement_quotes",
        "metrics",
        "claimants",
        "releases",
        "release_changes",
    } == set(names)
