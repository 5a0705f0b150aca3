"""Load the claim dataset (a Frictionless Data Package) into typed pandas DataFrames.

``load()`` validates before it returns: first the files themselves (present, non-empty,
UTF-8, the right columns), then the schema with the ``frictionless`` library (types,
enums, required fields, primary and foreign keys), then what a schema cannot say
(``analysis.data.checks``). Any problem raises ``DataError`` listing every problem with its
file, row and field.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data.problems import DataError, Problem
from analysis.data.values import shortened
from analysis.fingerprint import validation_key

DESCRIPTOR = "datapackage.json"
# Python's csv module refuses fields over 128 KiB by default; a huge field should
# instead be reported against the schema's maxLength, naming its row.
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class Dataset:
    """The validated tables, keyed by resource name, plus the package descriptor.

    ``claims`` holds the claims the book counts (status current or corrected); the
    retired ones are in ``retired``, kept with their ids and the reason in ``status_note``,
    for the pages that list them. Every chapter reads ``claims``, so none counts a
    retired claim.
    """

    tables: dict[str, pd.DataFrame]
    descriptor: dict
    data_dir: Path
    archive_dir: Path
    as_of: pd.Timestamp | None = None
    retired: pd.DataFrame | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def filtered(self, as_of: str | pd.Timestamp | None) -> Dataset:
        """Only the claims and events known to have been stated by ``as_of``.

        A claim counts when the latest possible date of its statement is on or before
        ``as_of``; an event, when it ended by then. Disagreement quotes that concern a
        dropped claim or event are dropped too, and so are disagreements left with
        fewer than two sides (errors keep their single side).
        """
        if as_of is None or as_of == "":
            return self
        cutoff = pd.Timestamp(as_of)
        t = dict(self.tables)
        t["claims"] = t["claims"][t["claims"]["stated_end"] <= cutoff].reset_index(drop=True)
        t["events"] = t["events"][t["events"]["date_end"] <= cutoff].reset_index(drop=True)
        q = t["disagreement_quotes"]
        keep = (q["claim_id"].isna() | q["claim_id"].isin(t["claims"]["claim_id"])) & (
            q["event_id"].isna() | q["event_id"].isin(t["events"]["event_id"])
        )
        q = q[keep]
        d = t["disagreements"]
        sides = q.groupby("disagreement_id")["position"].nunique()
        need = d["kind"].map(lambda k: 1 if k == "error" else 2)
        d = d[d["disagreement_id"].map(sides).fillna(0).to_numpy() >= need.to_numpy()]
        t["disagreements"] = d.reset_index(drop=True)
        t["disagreement_quotes"] = q[q["disagreement_id"].isin(d["disagreement_id"])].reset_index(drop=True)
        return replace(self, tables=t, as_of=cutoff)


def load(
    data_dir: str | os.PathLike | None = None, archive_dir: str | os.PathLike | None = None, cache: bool = True
) -> Dataset:
    """Validate the data package in ``data_dir`` and return it as a ``Dataset``.

    ``archive_dir`` is the folder of archived articles the quotes are checked against.
    Raises ``DataError`` naming file, row and field of every problem found.

    A dataset that validated is cached under ``_build/cache`` by a fingerprint of every
    input (data files, archived articles, the validation code, library versions), so the
    notebooks of one build validate once between them, not once each.
    """
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    archive_dir = Path(archive_dir) if archive_dir else paths.archive_dir()
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), None, None, "data-folder-missing", "data folder not found")])
    key = validation_key(data_dir, archive_dir) if cache else None
    cached = _read_cache(key) if key else None
    if cached is not None:
        return replace(cached, data_dir=data_dir, archive_dir=archive_dir)
    dataset = _validate(data_dir, archive_dir)
    if key:
        _write_cache(key, dataset)
    return dataset


CACHE_DIR = paths.BUILD_DIR / "cache"


def _read_cache(key: str) -> Dataset | None:
    path = CACHE_DIR / f"dataset-{key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def _write_cache(key: str, dataset: Dataset) -> None:
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = CACHE_DIR / f".dataset-{key}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(dataset, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, CACHE_DIR / f"dataset-{key}.pickle")
        for old in CACHE_DIR.glob("dataset-*.pickle"):
            if old.name != f"dataset-{key}.pickle" and old.stat().st_mtime < time.time() - 3600:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout simply validates every time


def _validate(data_dir: Path, archive_dir: Path) -> Dataset:
    from analysis.data import checks

    descriptor = _read_descriptor(data_dir)
    with tempfile.TemporaryDirectory(prefix="claims-") as tmp:
        problems = _normalise_files(data_dir, descriptor, Path(tmp))
        if problems:
            raise DataError(problems)
        problems = _frictionless_problems(descriptor, Path(tmp))
        if problems:
            raise DataError(problems)
        tables = {r["name"]: _typed_frame(Path(tmp) / r["path"], r["schema"]) for r in descriptor["resources"]}
    dataset = Dataset(tables, descriptor, data_dir, archive_dir)
    problems = checks.run_all(dataset)
    if problems:
        raise DataError(problems)
    return _without_retired(dataset)


def _without_retired(dataset: Dataset) -> Dataset:
    """Set the retired claims apart: validated with the rest, counted nowhere."""
    claims = dataset.tables["claims"]
    retired = claims["status"] == "retired"
    tables = {**dataset.tables, "claims": claims[~retired].reset_index(drop=True)}
    return replace(dataset, tables=tables, retired=claims[retired].reset_index(drop=True))


def _read_descriptor(data_dir: Path) -> dict:
    path = data_dir / DESCRIPTOR
    if not path.is_file():
        raise DataError([Problem(DESCRIPTOR, None, None, "missing-file", f"file is missing from {data_dir}")])
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
        names = [(r["name"], r["path"], r["schema"]["fields"]) for r in descriptor["resources"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(
            [Problem(DESCRIPTOR, None, None, "descriptor-invalid", f"not a valid data package descriptor ({exc})")]
        ) from None
    if not names:
        raise DataError([Problem(DESCRIPTOR, None, None, "descriptor-invalid", "describes no resources")])
    return descriptor


def _normalise_files(data_dir: Path, descriptor: dict, out: Path) -> list[Problem]:
    """Copy each CSV into ``out`` as BOM-less UTF-8 with LF endings; report file-level problems."""
    problems: list[Problem] = []
    for resource in descriptor["resources"]:
        name = resource["path"]
        src = data_dir / name
        if not src.is_file():
            problems.append(Problem(name, None, None, "missing-file", f"file is missing from {data_dir}"))
            continue
        raw = src.read_bytes()
        if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
            problems.append(Problem(name, None, None, "empty-file", "file is empty (a header row is required)"))
            continue
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(_encoding_problem(name, raw, exc))
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        structure = _structure_problems(name, text)
        if structure:
            problems += structure
            continue
        header = next(csv.reader(io.StringIO(text)))
        expected = [f["name"] for f in resource["schema"]["fields"]]
        problems += _header_problems(name, header, expected)
        (out / name).write_text(text, encoding="utf-8")
    return problems


def _structure_problems(name: str, text: str) -> list[Problem]:
    """NUL bytes, unclosed quotes and cells spanning lines, reported where they start.

    Left to the CSV parser, an unclosed quote swallows the rest of the file and shows up
    as errors far from its cause; a cell spanning lines would also shift row numbers.
    """
    problems = []
    lines = text.split("\n")
    for number, line in enumerate(lines if "\x00" in text else [], 1):
        if "\x00" in line:
            problems.append(
                Problem(name, number, _column_at(lines[0], line, "\x00"), "nul-byte", "contains a NUL byte")
            )
    if problems:
        return problems
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] = []
    start = 1
    try:
        for record in reader:
            header = header or record
            for label, value in zip(header + [""] * len(record), record, strict=False):
                if "\n" in value:
                    return [
                        Problem(
                            name,
                            start,
                            label or None,
                            "open-quote",
                            'cell runs over several lines: is a " quote left open?',
                        )
                    ]
            start = reader.line_num + 1
    except csv.Error as exc:
        return [
            Problem(
                name,
                start,
                _stray_quote_column(lines[0], lines[start - 1]),
                "open-quote",
                f'malformed CSV ({exc}): is a " quote left open?',
            )
        ]
    return []


def _stray_quote_column(header_line: str, line: str) -> str | None:
    """Best guess at the cell holding a misplaced quote: a lenient parse leaves it in the text."""
    header = next(csv.reader([header_line.lstrip("\ufeff")]), [])
    cells = next(csv.reader([line]), [])
    for label, value in zip(header, cells, strict=False):
        if '"' in value:
            return label
    return header[min(len(cells), len(header)) - 1] if cells and len(cells) < len(header) else None


def _column_at(header_line: str, line: str, marker: str) -> str | None:
    """The header label of the cell of ``line`` that contains ``marker``."""
    header = next(csv.reader([header_line.lstrip("\ufeff")]), [])
    cells = next(csv.reader([line.replace("\x00", "\ufffd") if marker == "\x00" else line]), [])
    probe = "\ufffd" if marker == "\x00" else marker
    for label, value in zip(header, cells, strict=False):
        if probe in value:
            return label
    return None


def _encoding_problem(name: str, raw: bytes, exc: UnicodeDecodeError) -> Problem:
    row = raw.count(b"\n", 0, exc.start) + 1
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    line_end = raw.find(b"\n", exc.start)
    line = raw[line_start : None if line_end < 0 else line_end].decode("utf-8", errors="replace")
    header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    column = None if row == 1 else _column_at(header, line, "\ufffd")
    byte = raw[exc.start : exc.start + 1].hex()
    return Problem(name, row, column, "not-utf8", f"is not valid UTF-8 (byte 0x{byte}); save the file as UTF-8")


def _header_problems(name: str, header: list[str], expected: list[str]) -> list[Problem]:
    problems = [
        Problem(name, 1, col, "header-missing-column", "column is missing from the header")
        for col in expected
        if col not in header
    ]
    problems += [
        Problem(name, 1, col or f"#{i + 1}", "header-unexpected-column", "unexpected column in the header")
        for i, col in enumerate(header)
        if col not in expected
    ]
    dupes = {c for c in header if header.count(c) > 1}
    problems += [
        Problem(name, 1, col, "header-duplicate-column", "column appears more than once in the header")
        for col in sorted(dupes)
    ]
    if not problems and header != expected:
        problems.append(
            Problem(name, 1, None, "header-order", "columns are out of order; expected: " + ", ".join(expected))
        )
    return problems


def _frictionless_problems(descriptor: dict, basepath: Path) -> list[Problem]:
    from frictionless import FrictionlessException, Package

    try:
        package = Package(descriptor, basepath=str(basepath))
        report = package.validate()
    except FrictionlessException as exc:
        return [
            Problem(
                DESCRIPTOR,
                None,
                None,
                "descriptor-invalid",
                f"frictionless could not read the package: {exc.error.message}",
            )
        ]
    schemas = {r["name"]: r for r in descriptor["resources"]}
    problems = []
    for task in report.tasks:
        resource = schemas.get(task.name, {"path": task.name, "schema": {}})
        for error in task.errors:
            problems.append(_from_frictionless(resource, error, schemas))
    for error in report.errors:
        problems.append(Problem(DESCRIPTOR, None, None, "descriptor-invalid", error.message))
    return problems


# frictionless error types reported under their own name as the code, with our wording
_ROW_MESSAGES = {
    "extra-cell": "row has more cells than the header (a stray delimiter or an unquoted comma?)",
    "missing-cell": "row has fewer cells than the header",
    "blank-row": "blank row",
}


def _from_frictionless(resource: dict, error, schemas: dict) -> Problem:
    """Turn a frictionless error into a Problem with a message a contributor can act on."""
    name = resource["path"]
    row = getattr(error, "row_number", None)
    field_name = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    kind = error.type
    fields = {f["name"]: f for f in resource["schema"].get("fields", [])}
    if kind == "type-error":
        ftype = fields.get(field_name, {}).get("type", "value")
        hint = " (YYYY-MM-DD, a real calendar date)" if ftype == "date" else ""
        return Problem(name, row, field_name, "type-error", f"'{shortened(cell)}' is not a valid {ftype}{hint}")
    if kind == "constraint-error":
        code, message = _constraint_problem(fields.get(field_name, {}), cell, error.note)
        return Problem(name, row, field_name, code, message)
    if kind == "primary-key":
        key = ", ".join(resource["schema"].get("primaryKey", []))
        return Problem(name, row, key, "primary-key", f"duplicate key: {error.note}")
    if kind == "foreign-key":
        key = ", ".join(getattr(error, "field_names", None) or []) or None
        values = ", ".join(f"'{shortened(v)}'" for v in (getattr(error, "field_cells", None) or []))
        ref = getattr(error, "reference_name", "") or ""
        target = schemas.get(ref, {}).get("path", ref)
        return Problem(name, row, key, "foreign-key", f"{values} not found in {target}")
    if kind in _ROW_MESSAGES:
        return Problem(name, row, field_name, kind, _ROW_MESSAGES[kind])
    return Problem(name, row, field_name, "frictionless-other", error.message)


def _constraint_problem(spec: dict, cell, note: str) -> tuple[str, str]:
    """The code and message of a broken field constraint; frictionless names it only in ``note``."""
    constraints = spec.get("constraints", {})
    if '"required"' in note:
        # the field's description says what to write, e.g. in a row add-source scaffolded
        what = spec.get("description")
        return "required", "is required but empty" + (f" (this field: {what})" if what else "")
    if '"enum"' in note:
        return "enum", f"'{shortened(cell)}' is not one of: " + ", ".join(constraints.get("enum", []))
    if '"pattern"' in note:
        return "pattern", f"'{shortened(cell)}' does not match the pattern {constraints.get('pattern')}"
    if '"maxLength"' in note:
        return "max-length", f"is {len(str(cell))} characters long; at most {constraints.get('maxLength')} allowed"
    if '"minimum"' in note:
        return "minimum", f"'{shortened(cell)}' is below the minimum {constraints.get('minimum')}"
    return "constraint", f"'{shortened(cell)}' breaks the constraint: {note}"


def _typed_frame(path: Path, schema: dict) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    for spec in schema["fields"]:
        col = spec["name"]
        if spec["type"] == "integer":
            frame[col] = frame[col].astype("Int64")
        elif spec["type"] == "date":
            frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
        else:
            frame[col] = frame[col].astype("string")
    return frame
