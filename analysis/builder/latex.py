"""What the PDF edition takes from its data rather than from the clock: its date and its
data version.

The date is the data's own: the latest date in ``sources.csv`` (the newest archived
article's last possible publication day). The LaTeX step runs with it as
``SOURCE_DATE_EPOCH`` (``environment``), so XeLaTeX and xdvipdfmx write the same creation
date and document ID on every build, and the same data gives the same PDF, byte for byte.

As a Sphinx extension (``sphinx.extra_extensions`` in ``_config.yml``) this module gives
the LaTeX preamble ``\\reportdataversion`` (the data package's release and a hash of its files), which
the title page prints, and makes Sphinx's own ``\\date`` that date, not the build day.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from analysis.data import releases
from analysis.fingerprint import data_hash

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# the data package's file that dates it (the archived articles it was curated from)
DATED_BY = "sources.csv"


def data_date(data_dir: Path) -> dt.date:
    with (Path(data_dir) / DATED_BY).open(encoding="utf-8-sig", newline="") as fh:
        dates = [cell for row in csv.reader(fh) for cell in row if ISO_DATE.fullmatch(cell)]
    if not dates:
        raise ValueError(f"{Path(data_dir) / DATED_BY} holds no ISO date to date the PDF edition by")
    return dt.date.fromisoformat(max(dates))


def environment(data_dir: Path) -> dict[str, str]:
    """The LaTeX step's environment: TeX's and xdvipdfmx's clock set to the data's date."""
    moment = dt.datetime.combine(data_date(data_dir), dt.time(), tzinfo=dt.timezone.utc)
    return {"SOURCE_DATE_EPOCH": str(int(moment.timestamp())), "FORCE_SOURCE_DATE": "1"}


def data_version(data_dir: Path) -> str:
    """'release 1.0.1 of 10 May 2025, SHA-256 1a2b3c4d5e6f': the data package's release
    (``releases.label``) and the start of a hash of its files; a record never released is
    named by the data's date."""
    release = releases.label(data_dir)
    if release == "unreleased":
        when = data_date(data_dir)
        release = f"unreleased, data of {when.day} {when:%B %Y}"
    else:
        release = f"release {release}"
    return f"{release}, SHA-256 {data_hash(data_dir)[:12]}"


def _declare(app, config) -> None:
    data_dir = Path(app.srcdir) / "data"
    # Sphinx would otherwise write the build day into the .tex (its \date)
    config.today = data_date(data_dir).isoformat()
    elements = dict(config.latex_elements)
    macro = "\\newcommand{\\reportdataversion}{" + data_version(data_dir) + "}\n"
    elements["preamble"] = macro + elements.get("preamble", "")
    config.latex_elements = elements


def setup(app) -> dict:
    app.connect("config-inited", _declare)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
