"""Corrupted copies of the data stop the load with problems naming file, row and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import read_rows, set_cell, snapshot, write_rows

from analysis.dataset import ROOT, load
from analysis.problems import DataError


def problems_of(data_dir, archive_dir=None):
    with pytest.raises(DataError) as info:
        load(data_dir, archive_dir)
    return info.value.problems


def assert_problem(problems, file, row, field, words):
    hits = [p for p in problems if p.file == file and p.row == row and p.field == field]
    assert hits, f"no problem at {file} row {row} field {field}; got: {[str(p) for p in problems]}"
    assert any(words in p.message for p in hits), [p.message for p in hits]


def drop_column(data_dir: Path, file: str, column: str) -> None:
    rows = read_rows(data_dir / file)
    names = [c for c in rows[0] if c != column]
    write_rows(data_dir / file, [{k: r[k] for k in names} for r in rows], names)


# (id, corruption, expected file, row, field, words in the message)
CASES = [
    ("missing column", lambda d: drop_column(d, "claims.csv", "qualifier"), "claims.csv", 1, "qualifier", "missing"),
    (
        "wrong type",
        lambda d: set_cell(d, "claims.csv", 2, "value_high", "12k"),
        "claims.csv",
        4,
        "value_high",
        "not a valid integer",
    ),
    (
        "unknown enum value",
        lambda d: set_cell(d, "claims.csv", 0, "qualifier", "roughly"),
        "claims.csv",
        2,
        "qualifier",
        "not one of",
    ),
    (
        "unknown metric",
        lambda d: set_cell(d, "claims.csv", 1, "metric", "fatalities"),
        "claims.csv",
        3,
        "metric",
        "not found in metrics.csv",
    ),
    (
        "duplicate id",
        lambda d: set_cell(d, "claims.csv", 1, "claim_id", "C001"),
        "claims.csv",
        3,
        "claim_id",
        "duplicate",
    ),
    (
        "dangling source_id",
        lambda d: set_cell(d, "events.csv", 4, "source_id", "nobody2025"),
        "events.csv",
        6,
        "source_id",
        "not found in sources.csv",
    ),
    ("required field empty", lambda d: set_cell(d, "events.csv", 0, "actor", ""), "events.csv", 2, "actor", "required"),
    (
        "low above high",
        lambda d: set_cell(d, "claims.csv", 1, "value_low", "99000"),
        "claims.csv",
        3,
        "value_low",
        "greater than",
    ),
    (
        "qualifier disagrees with values",
        lambda d: set_cell(d, "claims.csv", 1, "qualifier", "up_to"),
        "claims.csv",
        3,
        "value_low",
        "up to",
    ),
    (
        "figure not in quote",
        lambda d: (
            set_cell(d, "claims.csv", 1, "value_low", "11500"),
            set_cell(d, "claims.csv", 1, "value_high", "11500"),
        ),
        "claims.csv",
        3,
        "value_low",
        "does not appear in the quote",
    ),
    (
        "reversed dates",
        lambda d: (
            set_cell(d, "events.csv", 7, "date_start", "2024-08-31"),
            set_cell(d, "events.csv", 7, "date_end", "2024-08-01"),
        ),
        "events.csv",
        9,
        "date_start",
        "after end",
    ),
    (
        "impossible date",
        lambda d: set_cell(d, "events.csv", 0, "date_end", "2025-02-30"),
        "events.csv",
        2,
        "date_end",
        "not a valid date",
    ),
    (
        "precision does not fit",
        lambda d: set_cell(d, "events.csv", 7, "date_end", "2024-08-20"),
        "events.csv",
        9,
        "date_end",
        "precision 'month'",
    ),
    (
        "date after publication",
        lambda d: (
            set_cell(d, "events.csv", 0, "date_start", "2026-04-28"),
            set_cell(d, "events.csv", 0, "date_end", "2026-04-28"),
        ),
        "events.csv",
        2,
        "date_start",
        "after the article's latest publication date",
    ),
    (
        "quote not in its article",
        lambda d: set_cell(d, "claims.csv", 0, "quote", "around 1,000 soldiers were killed, analysts said"),
        "claims.csv",
        2,
        "quote",
        "not found verbatim",
    ),
    (
        "quote with straight instead of curly quotes",
        lambda d: set_cell(
            d, "disagreement_quotes.csv", 0, "quote", read_rows(d / "disagreement_quotes.csv")[0]["quote"] + " ’"
        ),
        "disagreement_quotes.csv",
        2,
        "quote",
        "not found verbatim",
    ),
    (
        "claimant type inconsistent",
        lambda d: set_cell(d, "claims.csv", 0, "claimant_type", "government"),
        "claims.csv",
        2,
        "claimant_type",
        "differs",
    ),
    (
        "archive file missing",
        lambda d: set_cell(d, "sources.csv", 0, "archive_file", "009_0000000000000000.txt"),
        "sources.csv",
        2,
        "archive_file",
        "not found",
    ),
    (
        "bad archive file name",
        lambda d: set_cell(d, "sources.csv", 0, "archive_file", "article.txt"),
        "sources.csv",
        2,
        "archive_file",
        "pattern",
    ),
    (
        "source without bib entry",
        lambda d: (d / "references.bib").write_text(
            (d / "references.bib").read_text().replace("@misc{pandit2025,", "@misc{pandit2025x,")
        ),
        "sources.csv",
        6,
        "source_id",
        "no entry 'pandit2025'",
    ),
    (
        "disagreement quote from another article",
        lambda d: set_cell(
            d,
            "disagreement_quotes.csv",
            0,
            "claim_id",
            next(
                r["claim_id"]
                for r in read_rows(d / "claims.csv")
                if r["source_id"] != read_rows(d / "disagreement_quotes.csv")[0]["source_id"]
            ),
        ),
        "disagreement_quotes.csv",
        2,
        "claim_id",
        "is reported by",
    ),
    (
        "huge field",
        lambda d: set_cell(d, "claims.csv", 0, "notes", "x" * 200_000),
        "claims.csv",
        2,
        "notes",
        "at most 2000",
    ),
]


def edit_line(data_dir: Path, file: str, line_no: int, fn) -> None:
    """Apply ``fn`` to the bytes of one physical line (1 = header)."""
    path = data_dir / file
    lines = path.read_bytes().split(b"\n")
    lines[line_no - 1] = fn(lines[line_no - 1])
    path.write_bytes(b"\n".join(lines))


def drop_sides(data_dir: Path, disagreement_kind_not: str = "error") -> None:
    """Leave a non-error disagreement with one quoted side."""
    d_rows = read_rows(data_dir / "disagreements.csv")
    target = next(d["disagreement_id"] for d in d_rows if d["kind"] != disagreement_kind_not)
    q_rows = read_rows(data_dir / "disagreement_quotes.csv")
    kept, seen = [], False
    for q in q_rows:
        if q["disagreement_id"] == target:
            if seen:
                continue
            seen = True
        kept.append(q)
    write_rows(data_dir / "disagreement_quotes.csv", kept)


def reorder_columns(data_dir: Path, file: str) -> None:
    rows = read_rows(data_dir / file)
    names = list(rows[0])
    names[0], names[1] = names[1], names[0]
    write_rows(data_dir / file, rows, names)


def duplicate_header(data_dir: Path, file: str) -> None:
    path = data_dir / file
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace(",definition", ",label")
    path.write_text("\n".join(lines), encoding="utf-8")


CASES += [
    (
        "stray delimiter",
        lambda d: edit_line(d, "metrics.csv", 4, lambda b: b + b",extra"),
        "metrics.csv",
        4,
        None,
        "more cells",
    ),
    (
        "invalid UTF-8",
        lambda d: edit_line(d, "events.csv", 4, lambda b: b.replace(b"russia_first", b"russia\xff_first", 1)),
        "events.csv",
        4,
        "event_key",
        "not valid UTF-8",
    ),
    (
        "Latin-1 file",
        lambda d: (d / "claimants.csv").write_bytes(
            (d / "claimants.csv")
            .read_text(encoding="utf-8")
            .replace("Western analysts", "Western analystés", 1)
            .encode("latin-1", errors="replace")
        ),
        "claimants.csv",
        2,
        "name",
        "not valid UTF-8",
    ),
    (
        "UTF-16 file",
        lambda d: (d / "sources.csv").write_bytes((d / "sources.csv").read_text(encoding="utf-8").encode("utf-16")),
        "sources.csv",
        1,
        None,
        "not valid UTF-8",
    ),
    (
        "NUL byte",
        lambda d: edit_line(d, "events.csv", 6, lambda b: b.replace(b"suciu2025", b"suciu\x002025", 1)),
        "events.csv",
        6,
        "source_id",
        "NUL byte",
    ),
    (
        "unclosed quote",
        lambda d: edit_line(d, "metrics.csv", 4, lambda b: b.replace(b",", b',"', 1)),
        "metrics.csv",
        4,
        "label",
        "quote left open",
    ),
    (
        "negative figure",
        lambda d: set_cell(d, "claims.csv", 1, "value_low", "-11000"),
        "claims.csv",
        3,
        "value_low",
        "below the minimum",
    ),
    ("malformed id", lambda d: set_cell(d, "claims.csv", 1, "claim_id", "c2"), "claims.csv", 3, "claim_id", "pattern"),
    ("columns out of order", lambda d: reorder_columns(d, "metrics.csv"), "metrics.csv", 1, None, "out of order"),
    ("duplicate column", lambda d: duplicate_header(d, "metrics.csv"), "metrics.csv", 1, "label", "more than once"),
    ("one-sided disagreement", drop_sides, "disagreements.csv", 2, "disagreement_id", "needs 2"),
    (
        "unknown claimant type",
        lambda d: set_cell(d, "claimants.csv", 0, "claimant_type", "pundit"),
        "claimants.csv",
        2,
        "claimant_type",
        "not one of",
    ),
    (
        "statement never dated",
        lambda d: set_cell(d, "claims.csv", 0, "stated_precision", "unspecified"),
        "claims.csv",
        2,
        "stated_precision",
        "not one of",
    ),
    (
        "date basis missing",
        lambda d: set_cell(d, "sources.csv", 2, "date_basis", ""),
        "sources.csv",
        4,
        "date_basis",
        "required",
    ),
    ("empty file", lambda d: (d / "events.csv").write_text(""), "events.csv", None, None, "empty"),
    ("whitespace-only file", lambda d: (d / "claimants.csv").write_text(" \n\n"), "claimants.csv", None, None, "empty"),
    ("missing file", lambda d: (d / "claims.csv").unlink(), "claims.csv", None, None, "missing"),
    ("missing descriptor", lambda d: (d / "datapackage.json").unlink(), "datapackage.json", None, None, "missing"),
    (
        "broken descriptor",
        lambda d: (d / "datapackage.json").write_text("{not json"),
        "datapackage.json",
        None,
        None,
        "not a valid data package",
    ),
    ("missing bibliography", lambda d: (d / "references.bib").unlink(), "references.bib", None, None, "missing"),
]
IDS = [c[0] for c in CASES]
PARAMS = [c[1:] for c in CASES]


@pytest.mark.parametrize(("corrupt", "file", "row", "field", "words"), PARAMS, ids=IDS)
def test_corruption_is_reported_with_file_row_and_field(data_copy, corrupt, file, row, field, words):
    corrupt(data_copy)
    assert_problem(problems_of(data_copy), file, row, field, words)


def test_the_matrix_is_wide():
    assert len(set(IDS)) >= 25


@pytest.mark.parametrize(("corrupt", "file", "row", "field", "words"), PARAMS, ids=IDS)
def test_build_stops_cleanly_and_touches_nothing(data_copy, tmp_path, capsys, corrupt, file, row, field, words):
    """Through the build command: non-zero exit, the problem named, no traceback, no notebook run."""
    from analysis.__main__ import main

    out = tmp_path / "published"
    (out / "book").mkdir(parents=True)
    (out / "book" / "summary.ipynb").write_text('{"published": true}')
    (out / "_build" / "html").mkdir(parents=True)
    (out / "_build" / "html" / "index.html").write_text("<p>published</p>")
    before = snapshot(out)
    corrupt(data_copy)
    assert main(["build", "--data-dir", str(data_copy), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    where = file + (f", row {row}" if row is not None else "") + (f", field '{field}'" if field else "")
    assert any(where in line and words in line for line in err.splitlines()), err
    assert "Traceback" not in err
    assert snapshot(out) == before
    assert not list(out.glob(".book-*"))


def test_missing_archive_folder(data_copy, tmp_path):
    problems = problems_of(data_copy, tmp_path / "no-such-archive")
    assert any("archive folder not found" in p.message for p in problems)


def test_missing_data_folder(tmp_path):
    assert_problem(problems_of(tmp_path / "nothing-here"), str(tmp_path / "nothing-here"), None, None, "not found")


def test_every_problem_is_reported_not_just_the_first(data_copy):
    set_cell(data_copy, "claims.csv", 0, "qualifier", "roughly")
    set_cell(data_copy, "events.csv", 0, "category", "gossip")
    problems = problems_of(data_copy)
    assert {p.file for p in problems} >= {"claims.csv", "events.csv"}


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT)


def test_validate_command_prints_summary():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Data OK: 5 sources, ")
    assert "claims" in result.stdout and "disagreements" in result.stdout


def test_validate_command_fails_cleanly_without_traceback(data_copy):
    set_cell(data_copy, "claims.csv", 2, "value_high", "12k")
    (data_copy / "sources.csv").write_bytes((data_copy / "sources.csv").read_bytes())
    result = run_cli("validate", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert "claims.csv, row 4, field 'value_high'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_build_stops_before_any_notebook_runs(data_copy, tmp_path):
    set_cell(data_copy, "claims.csv", 0, "qualifier", "roughly")
    out = tmp_path / "variant"
    result = run_cli("build", "--data-dir", str(data_copy), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "claims.csv, row 2, field 'qualifier'" in result.stderr
    assert not out.exists()


def test_descriptor_is_a_valid_frictionless_package():
    from frictionless import Package

    report = Package(str(ROOT / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    names = [r["name"] for r in json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"]]
    assert {"sources", "claims", "events", "disagreements", "disagreement_quotes", "metrics", "claimants"} == set(names)
