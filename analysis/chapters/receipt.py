"""The reproducibility receipt: what a reader needs to rebuild the book and get the same
numbers: the data package's release and content hash, the parameters the notebooks ran with, and
the versions of the software that ran them.

Nothing in it comes from the clock: the same inputs give the same receipt, byte for byte.
The hash is ``fingerprint.data_hash`` of the data folder, the one the PDF's title page and
the pages' JSON-LD give too.
"""

from __future__ import annotations

import platform
from importlib.metadata import version

from analysis.data.releases import label
from analysis.fingerprint import data_hash
from analysis.text.markup import table, text

# The software whose version decides what the book shows, as pip names it.
KEY_PACKAGES = ["pandas", "matplotlib", "papermill", "jupyter-book", "myst-nb", "sphinx"]


def versions() -> dict[str, str]:
    return {"Python": platform.python_version(), **{name: version(name) for name in KEY_PACKAGES}}


def values(data_dir, as_of: str = "", claimants: list[str] | None = None) -> dict[str, str]:
    """The receipt as strings, keyed for myst-nb ``glue`` (the PDF's front page pastes them)."""
    return {
        "receipt_release": label(data_dir),
        "receipt_data_hash": data_hash(data_dir),
        "receipt_as_of": as_of or "none (every claim and event)",
        "receipt_claimants": ", ".join(claimants) if claimants else "none (every claimant)",
        "receipt_versions": ", ".join(f"{name} {v}" for name, v in versions().items()),
    }


def markdown(receipt: dict[str, str]) -> str:
    rows = [
        ["Data release", text(receipt["receipt_release"])],
        ["Data package, SHA-256", f"`{receipt['receipt_data_hash']}`"],
        ["Parameter `as_of`", text(receipt["receipt_as_of"])],
        ["Parameter `claimants`", text(receipt["receipt_claimants"])],
        ["Software", text(receipt["receipt_versions"])],
    ]
    return table(["What", "Value"], rows, widths=[18, 82])
