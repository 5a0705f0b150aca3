"""The words under and over a chart that name its articles: the source line, so a chart stays
attributed when shared alone, and the tooltips' lists of articles."""

from __future__ import annotations

import pandas as pd

from analysis.charts.lettering import wrap
from analysis.charts.styles import MARGIN, SMALL, WIDTH
from analysis.data.vocabulary import PRINTED_SOURCE_FIELDS
from analysis.text.prose import CHART_ARTICLES, first


def _sources_text(ds, source_ids) -> str:
    articles = article_names(ds)
    return "Sources: " + first_few([f"{articles[sid]} ({sid})" for sid in source_ids], "article", "; ") + "."


def first_few(items: list[str], noun: str, sep: str = ", ") -> str:
    """``items`` joined by ``sep``; a long list, its first ones and a count of the rest
    (``prose.first``): a tooltip listing every one of hundreds of articles would stand far
    taller than its chart."""
    cut = first(items, CHART_ARTICLES)
    return sep.join([*cut.shown, cut.more(noun)] if cut.rest else cut.shown)


def article_names(ds) -> dict[str, str]:
    """Every article as a chart names it (its author, else its outlet), by source id."""
    return {
        sid: next(
            (str(v) for field, v in (("author", author), ("outlet", outlet)) if v != PRINTED_SOURCE_FIELDS[field]),
            f"unsigned article {archive_file[:3]}",
        )
        for sid, author, outlet, archive_file in zip(
            ds.sources["source_id"], ds.sources["author"], ds.sources["outlet"], ds.sources["archive_file"], strict=True
        )
    }


def ordered_sources(ds, frame: pd.DataFrame) -> list[str]:
    used = {s for ids in frame["source_ids"] for s in ids}
    return [s for s in ds.sources["source_id"] if s in used]


def source_lines(ds, source_ids, data_file: str, width: float = WIDTH, size: float = SMALL) -> list[str]:
    """The source line under a chart, so it stays attributed when shared alone."""
    cited = _sources_text(ds, source_ids) + " " if source_ids else ""
    line = cited + f"Data: {data_file}, from this report's data package."
    return wrap(line, width - 2 * MARGIN, size)
