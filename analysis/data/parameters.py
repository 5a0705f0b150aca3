"""The notebooks' parameters, checked before anything runs.

``as_of`` and ``claimants`` reach the notebooks from ``make rerun``, from ``python -m
analysis build`` and from a reader's own ``papermill -p``. A mistyped value must stop the
run with a message that lists what is valid, never give an empty chapter or a variant
folder named after a malformed date. The command line checks them before a kernel
starts; each template checks them again in its first cell, for papermill run by hand.
Both read the claimant ids straight from ``claimants.csv``, so no pandas is needed.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from pathlib import Path

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ParameterError(ValueError):
    """A parameter value the notebooks cannot run with; the message says what is valid."""


def as_of(value: str | None) -> str | None:
    """``value`` as an ISO date string, or ``None`` for "everything"."""
    value = (value or "").strip()
    if not value:
        return None
    if ISO_DATE.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError as err:
            raise ParameterError(f"as_of {value!r} is not a real date ({err}).") from None
    raise ParameterError(
        f"as_of {value!r} is not an ISO date. Write it as YYYY-MM-DD, e.g. as_of=2025-01-31 "
        "(make rerun AS_OF=2025-01-31); leave it empty for every claim and event."
    )


def claimant_ids(data_dir: str | Path) -> dict[str, str] | None:
    """Every claimant id of the data package, with its name, in the file's order; ``None``
    when the file cannot be read as a table of claimants (validation then says why)."""
    try:
        with open(Path(data_dir) / "claimants.csv", encoding="utf-8-sig", newline="") as fh:
            return {row["claimant_id"]: row["name"] for row in csv.DictReader(fh)}
    except (OSError, UnicodeDecodeError, KeyError, csv.Error):
        return None


def claimants(value: str | list[str] | None, data_dir: str | Path) -> list[str]:
    """The claimant ids named by ``value`` (comma-separated), each checked against
    ``claimants.csv``; an empty list means every claimant."""
    if isinstance(value, str):
        value = value.split(",")
    wanted = [c.strip() for c in value or [] if c.strip()]
    known = claimant_ids(data_dir)
    if known is None:  # a malformed claimants.csv: the dataset's validation names the problem
        return wanted
    unknown = [c for c in wanted if c not in known]
    if unknown:
        hints = []
        for c in unknown:
            close = difflib.get_close_matches(c, known, n=1)
            hints.append(f"{c!r} (did you mean {close[0]!r}?)" if close else repr(c))
        listing = "\n".join(f"  {cid:<24} {name}" for cid, name in known.items())
        raise ParameterError(
            f"claimants: no claimant {', '.join(hints)} in {(Path(data_dir) / 'claimants.csv').resolve()}. "
            f"Valid ids (comma-separate several, e.g. CLAIMANTS={next(iter(known), 'id')}):\n{listing}"
        )
    return wanted


def variant_name(as_of_value: str | None, claimant_list: list[str]) -> str:
    """The folder a variant book is written to, from its checked parameters."""
    name = f"as-of-{as_of_value or 'all'}"
    if claimant_list:
        name += "_claimants-" + "+".join(claimant_list)
    return name


def checked_dataset(data_dir, archive_dir, as_of_value, claimants_value):
    """What a template's first cell needs: the parameters checked, then the dataset
    loaded and cut at ``as_of``; returns it with the list of claimant ids to keep."""
    from analysis.data.dataset import load  # pandas: only once the parameters are known good

    cutoff = as_of(as_of_value)
    keep = claimants(claimants_value, data_dir)
    return load(data_dir, archive_dir or None).filtered(cutoff), keep
