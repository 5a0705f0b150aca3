"""What every chapter page is and shows besides its own content: the facts each chapter
declares once (``CHAPTERS``), what it was computed from, and its charts as cited figures.

A template opens its chapter with ``page.opened(name, <its parameters>)``: the parameters
are checked, the record loaded and, for a chapter that narrows by claimant, the selection
kept; the chapter's note then says what the page shows, from the chapter's own facts.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from analysis.data import parameters
from analysis.data.values import number
from analysis.data.vocabulary import metrics_of
from analysis.text.markup import cite, download, glued_figure, text
from analysis.text.prose import counted, listed


class Chapter(NamedTuple):
    """What a chapter is, declared once: the ``_toc.yml`` chapter of the same name."""

    name: str
    # the group of metrics.csv whose metrics this chapter counts (its metrics' chapter)
    metric_group: str | None = None
    # the selection CLAIMANTS= narrows what this chapter shows
    filters_claimants: bool = False
    # what the articles' figures of this group disagree on, in the summary's words
    question: str = ""
    # what this chapter's figures estimate, for "no estimate of ..."
    subject: str = ""
    # the name of its figures when its metrics are rival accounts of one thing (killed, and
    # killed or wounded, are rival tolls); empty when they are not (troops deployed, and
    # reinforcements, are two things)
    rival_figures: str = ""


CHAPTERS = {
    c.name: c
    for c in (
        Chapter("summary", filters_claimants=True),
        Chapter("troops", "troops", True, "how many troops were sent", "the troops sent"),
        Chapter("casualties", "casualties", True, "how many were killed or wounded", "casualties", "casualty figures"),
        Chapter("chronology"),
        Chapter("sources"),
        Chapter("method"),
        Chapter("register"),
        Chapter("revisions"),
    )
}
# The chapters of estimates, in the book's order: the summary ranges their metrics.
ESTIMATE_CHAPTERS = [c for c in CHAPTERS.values() if c.metric_group]


def chapter_of(group: str) -> Chapter | None:
    """The chapter that counts the metrics of ``group`` (None: the register and sources only)."""
    return next((c for c in ESTIMATE_CHAPTERS if c.metric_group == group), None)


def chapter_metrics(ds, chapter: Chapter) -> list[str]:
    """The metrics a chapter counts, as metrics.csv groups them."""
    return metrics_of(ds, chapter.metric_group) if chapter.metric_group else []


def headline_metrics(ds) -> list[str]:
    """Every metric of a chapter of estimates, in the book's order: what the summary ranges."""
    return [m for c in ESTIMATE_CHAPTERS for m in chapter_metrics(ds, c)]


class Opened(NamedTuple):
    """A chapter's record, as its parameters select it."""

    chapter: Chapter
    ds: object  # analysis.data.dataset.Dataset
    selected: list[str]  # the claimant ids the parameters name; empty: every claimant
    as_of: str

    @property
    def keep(self) -> list[str]:
        """The claimants this chapter is limited to; empty: every claimant."""
        return self.selected if self.chapter.filters_claimants else []

    @property
    def metrics(self) -> list[str]:
        return chapter_metrics(self.ds, self.chapter)

    def note(self) -> str:
        return parameters_note(self.chapter, self.as_of, self.selected, self.ds)


def opened(name: str, data_dir, archive_dir, as_of, claimants) -> Opened:
    """Chapter ``name`` on the record its parameters select (checked first, with a clear error)."""
    chapter = CHAPTERS[name]
    ds, selected = parameters.checked_dataset(data_dir, archive_dir, as_of, claimants)
    return Opened(chapter, ds, selected, as_of or "")


def parameters_note(chapter: Chapter, as_of, claimants=None, ds=None) -> str:
    """What the page is computed from: everything, or what was stated by ``as_of``, and whose claims.

    Claimants are named by their display names when ``ds`` is given. A chapter that does
    not narrow by claimant (its ``filters_claimants``) says that it shows every claimant's.
    """
    scope = (
        f"claims and events stated by {pd.Timestamp(as_of).day} {pd.Timestamp(as_of):%B %Y}"
        if as_of
        else "every claim and event in the dataset"
    )
    note = f"Computed from {text(scope)}"
    if claimants:
        names = dict(zip(ds.claimants["claimant_id"], ds.claimants["name"], strict=True)) if ds is not None else {}
        who = text(listed([names.get(c, c) for c in claimants]))
        if chapter.filters_claimants:
            note += f"; estimates limited to those of {who}"
        else:
            note += f". The claimant selection ({who}) does not narrow this chapter: it shows every claimant's"
    return f"*{note}.*"


def alt_summary(est: pd.DataFrame) -> str:
    """Plain-text list of what a chart shows, for its alt text."""
    if len(est) > 15:
        values = pd.concat([est["value_low"], est["value_high"]]).dropna()
        return (
            f"{len(est)} estimates from {counted(est['claimant'].nunique(), 'claimant')}, grouped by kind of "
            f"claimant; lowest {number(values.min())}, highest {number(values.max())}."
        )
    return (
        "; ".join(f"{r['metric_label']}, {r['claimant_name']}: {r['figure']} ({r['when']})" for _, r in est.iterrows())
        + "."
    )


def figure_block(ds, est: pd.DataFrame, chart, name: str, caption: str, source_ids=None) -> str:
    """A glued chart (``charts.canvas.Chart``) whose caption cites every article it draws on and
    offers the rows it plots as CSV."""
    if source_ids is None:
        source_ids = [s for ids in est["source_ids"] for s in ids]
    sources = cite(sorted(set(source_ids), key=list(ds.sources["source_id"]).index))
    csv = download(chart.csv.as_posix(), chart.csv.name)
    data = f"Data: {csv}, the rows this chart plots, with their ids in the data package."
    full = f"{text(caption)} Sources: {sources}. {data}"
    return glued_figure(chart.key, full, name)
