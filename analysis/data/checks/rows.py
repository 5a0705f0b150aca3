"""Rows as the checks read them: numbered as in a spreadsheet (header = row 1, as frictionless
numbers them), each column converted once."""

from __future__ import annotations

import pandas as pd


def table_file(ds, table: str) -> str:
    return next(r["path"] for r in ds.descriptor["resources"] if r["name"] == table)


def numbered_rows(frame: pd.DataFrame):
    """(spreadsheet row number, row) pairs; ``row[column]`` is what ``to_dict("records")``
    would give (a missing value is None). A column is converted the first time a row asks
    for it: iterrows, and to_dict itself, are slow at scale."""
    columns = _Columns(frame)
    for i in range(len(frame)):
        yield i + 2, _Row(columns, i)


class _Columns(dict):
    def __init__(self, frame: pd.DataFrame):
        super().__init__()
        self.frame = frame

    def __missing__(self, name: str) -> list:
        values = self[name] = [None if v is pd.NA else v for v in self.frame[name].tolist()]
        return values


class _Row:
    __slots__ = ("columns", "index")

    def __init__(self, columns: _Columns, index: int):
        self.columns, self.index = columns, index

    def __getitem__(self, name: str):
        return self.columns[name][self.index]
