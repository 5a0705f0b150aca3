"""Shared fixtures: a scratch copy of the data package that a test may corrupt."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from analysis.dataset import ROOT, load

DATA = ROOT / "data"


@pytest.fixture(scope="session")
def dataset():
    return load()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, to prove a step left it untouched."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0].keys())
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(data_dir: Path, file: str, index: int, field: str, value: str) -> int:
    """Set one cell (``index`` counts data rows from 0); return its spreadsheet row number."""
    path = data_dir / file
    rows = read_rows(path)
    rows[index][field] = value
    write_rows(path, rows)
    return index + 2
