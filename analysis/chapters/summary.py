"""The summary's prose and numbers: the opening of the report, written from the data.

Every sentence is built here, not in the notebook, because its grammar depends on the
record: one estimate or several, one claimant or many, a date known to the day or only
"by" a day, a claim with a figure or without one. Each sentence states only what the
data holds and leaves out what it does not (no "undated day", no range that includes a
claim without a figure).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from analysis.chapters import register
from analysis.chapters.page import ESTIMATE_CHAPTERS, chapter_metrics, headline_metrics
from analysis.compute.chronology import timeline
from analysis.compute.estimates import estimates, spread
from analysis.data.values import capitalised, number, when_text
from analysis.data.vocabulary import ACKNOWLEDGEMENT
from analysis.text.links import linked, with_value
from analysis.text.markup import cite, table, text
from analysis.text.prose import CONFLICTS, counted, figure_words, first, listed, when_phrase

NONE = "none stated"


class Words(NamedTuple):
    """How a sentence names a metric: metrics.csv's columns of the same names."""

    estimates_of: str  # "Estimates of {estimates_of} range from ..."
    spoken_of: str  # "{claimant} spoke of {spoken_of} without giving a figure"
    figure_of: str  # "the 4,000 {figure_of}"


def metric_words(ds) -> dict[str, Words]:
    """Every metric's words, from metrics.csv."""
    columns = [ds.metrics[f] for f in ("metric_id", *Words._fields)]
    return {metric: Words(*words) for metric, *words in zip(*columns, strict=True)}


def _est(ds, claimants=None) -> pd.DataFrame:
    return estimates(ds, headline_metrics(ds), claimants=claimants or None)


def _quantified(est: pd.DataFrame, metric: str) -> pd.DataFrame:
    rows = est[est["metric"] == metric]
    return rows[rows["value_low"].notna() | rows["value_high"].notna()]


def _sources(rows: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(s for ids in rows["source_ids"] for s in ids))


def _cited(source_ids) -> str:
    """A citation preceded by a space, or nothing when there is no source."""
    c = cite(source_ids)
    return f" {c}" if c else ""


def metric_sentences(est: pd.DataFrame, metric: str, words: Words) -> list[str]:
    """What the estimates of one metric say: the only figure, the shared figure, or the range
    and who gave its ends; then who spoke of it without a figure."""
    s = spread(est, metric)
    rows = _quantified(est, metric)
    out = []
    if s["n"] == 1:
        r = rows.iloc[0]
        figure = figure_words(r["value_low"], r["value_high"], r["qualifier"])
        out.append(
            f"The only estimate of {text(words.estimates_of)} is {text(figure)}, "
            f"from {text(r['claimant_prose'])}{_cited(r['source_ids'])}."
        )
    elif s["n"] > 1:
        shapes = rows[["value_low", "value_high"]].drop_duplicates()
        who = _from_whom(s["n"], s["claimants"])
        if len(shapes) == 1:
            r = rows.iloc[0]
            # "about" only when every estimate hedges: one exact report of the figure is exact
            hedged = "approximately" if (rows["qualifier"] == "approximately").all() else "exact"
            figure = figure_words(r["value_low"], r["value_high"], hedged)
            every = "Both" if s["n"] == 2 else f"All {counted(s['n'], 'estimate').split()[0]}"
            out.append(
                f"{every} estimates of {text(words.estimates_of)}, {who}, give {text(figure)}{_cited(s['sources'])}."
            )
        else:
            out.append(
                f"{capitalised(counted(s['n'], 'estimate'))} of {text(words.estimates_of)}, {who}, range from "
                f"{number(s['low'])} to {number(s['high'])}{_cited(s['sources'])}."
            )
            if len(s["claimants"]) == 1:
                pass  # one claimant: named already, no one else to compare with
            elif s["low_by"] == s["high_by"]:
                out.append(f"{text(capitalised(listed(s['high_by'])))} gave both the lowest and the highest figure.")
            else:
                out.append(
                    f"The highest, {number(s['high'])}, comes from {text(listed(s['high_by']))}"
                    f"{_cited(s['high_sources'])}; the lowest, {number(s['low'])}, "
                    f"from {text(listed(s['low_by']))}{_cited(s['low_sources'])}."
                )
    if s["unquantified"]:
        also = "also " if s["n"] else ""
        out.append(
            f"{text(capitalised(listed(s['unquantified'])))} {also}spoke of {text(words.spoken_of)} "
            f"without giving a figure{_cited(s['unquantified_sources'])}."
        )
    return out


def _from_whom(n: int, claimants: list[str]) -> str:
    if len(claimants) == 1:
        return f"{'both' if n == 2 else 'all'} from {text(claimants[0])}"
    if len(claimants) == n:
        return "each from a different claimant"
    return f"from {counted(len(claimants), 'claimant')}"


def opening(ds) -> str | None:
    """North Korea's acknowledgement, dated as the articles date it; None without the event."""
    tl = timeline(ds)
    ack = tl[tl["event_key"] == ACKNOWLEDGEMENT]
    if ack.empty:
        return None
    what = "that its troops had fought for Russia in the Kursk region"
    datings = ack.iloc[0]["datings"]
    if len(datings) > 1:
        each = "; ".join(
            f"{text(when_phrase(d['start'], d['end'], d['precision']))}{_cited(d['source_ids'])}" for d in datings
        )
        return f"North Korea acknowledged {what}. The articles date the acknowledgement differently: {each}."
    d = datings[0]
    when = when_phrase(d["start"], d["end"], d["precision"])
    cited = _cited(d["source_ids"])
    if when.startswith("by "):
        return f"{text(capitalised(when))}, North Korea had acknowledged {what}{cited}."
    return f"North Korea acknowledged {text(when)} {what}{cited}."


def _differs(rows: pd.DataFrame) -> bool:
    return len(rows[["value_low", "value_high"]].drop_duplicates()) > 1


def _disputed(ds, est: pd.DataFrame, conflicts: list[dict]) -> str | None:
    """What the articles disagree on, from the figures: only the parts that are true. A
    chapter's figures disagree when one metric has differing figures or, where its metrics
    are rival accounts of one thing, when more than one of them has figures."""
    parts = []
    for chapter in ESTIMATE_CHAPTERS:
        rows = [_quantified(est, m) for m in chapter_metrics(ds, chapter)]
        rival = chapter.rival_figures and sum(not r.empty for r in rows) > 1
        if rival or any(_differs(r) for r in rows):
            parts.append(chapter.question)
    if conflicts:
        parts.append("who said so")
    return f"The accounts differ on {listed(parts, serial=True)}." if parts else None


def why_they_differ(ds, est: pd.DataFrame, conflicts: list[dict]) -> list[str]:
    """Reasons the figures differ that the data shows: what they count, when, and who is credited."""
    out = []
    words = metric_words(ds)
    for chapter in ESTIMATE_CHAPTERS:
        kinds = [words[m].estimates_of for m in chapter_metrics(ds, chapter) if not _quantified(est, m).empty]
        if chapter.rival_figures and len(kinds) > 1:
            out.append(
                f"The {text(chapter.rival_figures)} count different things: "
                f"{text(listed(kinds, serial=True))}. They cannot be compared one for one."
            )
    disputed = [rows for rows in (_quantified(est, m) for m in headline_metrics(ds)) if _differs(rows)]
    if disputed:
        rows = pd.concat(disputed)
        earliest = rows["stated_start"].fillna(rows["stated_end"]).min()
        latest = rows["stated_end"].max()
        if (earliest.year, earliest.month) != (latest.year, latest.month):
            out.append(
                f"The differing estimates were stated at different times, from {earliest:%B %Y} to {latest:%B %Y}."
            )
    if conflicts:
        n = len(conflicts)
        verb = "is" if n == 1 else "are"
        cut = first(conflicts, CONFLICTS)
        named = [
            f"the {text(c['figure'])} {text(words[c['metric']].figure_of)} to "
            + " and to ".join(f"{text(name)}{_cited(ids)}" for name, ids in c["credits"])
            for c in cut.shown
        ]
        rest = f"; {cut.more('figure')}, listed under Sources and disagreements" if cut.rest else ""
        out.append(
            f"{capitalised(counted(n, 'figure'))} {verb} credited to different claimants "
            f"by different articles: {'; '.join(named)}{rest}."
        )
    if out:
        out.append("The report shows every figure and picks none.")
    return out


def lead(ds, claimants: list[str] | None = None) -> str:
    """The summary's opening paragraphs, as MyST Markdown with citations."""
    est = _est(ds, claimants)
    conflicts = attribution_conflicts(ds, est)
    opening_sentences = [s for s in (opening(ds), _disputed(ds, est, conflicts)) if s]
    if ds.as_of is not None or claimants:
        missing = "This selection holds no estimate of {}."
    else:
        missing = ("The article gives" if len(ds.sources) == 1 else "The articles give") + " no estimate of {}."
    paragraphs = [" ".join(opening_sentences)] if opening_sentences else []
    metric = metric_words(ds)
    for chapter in ESTIMATE_CHAPTERS:
        sentences = [s for m in chapter_metrics(ds, chapter) for s in metric_sentences(est, m, metric[m])]
        paragraphs.append(" ".join(sentences) or missing.format(chapter.subject))
    paragraphs.append(" ".join(why_they_differ(ds, est, conflicts)))
    words = record(ds)
    articles = f"the {text(words['articles'])} {text(words['published'])}"
    if ds.claims.empty:
        paragraphs.append(f"The record holds no claim yet: {counted(len(ds.events), 'dated event')} from {articles}.")
    else:
        paragraphs.append(
            "This report lays the claims side by side, each traced to the words of the article that "
            f"printed it: {counted(len(ds.claims), 'claim')}, {counted(len(ds.events), 'dated event')} "
            f"and {counted(len(ds.disagreements), 'disagreement')} from {articles}."
        )
    return "\n\n".join(p for p in paragraphs if p)


def headlines(ds, claimants: list[str] | None = None) -> dict[str, str]:
    """Every number the summary states, keyed for myst-nb ``glue`` and for tests."""
    out = {
        "n_sources": str(len(ds.sources)),
        "n_claims": str(len(ds.claims)),
        "n_events": str(len(ds.events)),
        "n_disagreements": str(len(ds.disagreements)),
    }
    tl = timeline(ds)
    ack = tl[tl["event_key"] == ACKNOWLEDGEMENT]
    if not ack.empty:
        out["ack_date"] = "; ".join(d["when"] for d in ack.iloc[0]["datings"])
    est = _est(ds, claimants)
    for metric in headline_metrics(ds):
        s = spread(est, metric)
        out[f"{metric}_n"] = str(s["n"])
        out[f"{metric}_n_claimants"] = str(len(s["claimants"]))
        out[f"{metric}_claimants"] = listed(s["claimants"])
        out[f"{metric}_unquantified_by"] = listed(s["unquantified"])
        if s["n"] == 0:
            out[f"{metric}_range"] = NONE
            continue
        out[f"{metric}_range"] = (
            number(s["low"]) if s["low"] == s["high"] else f"{number(s['low'])} to {number(s['high'])}"
        )
        out[f"{metric}_low_by"] = listed(s["low_by"])
        out[f"{metric}_high_by"] = listed(s["high_by"])
    conflicts = attribution_conflicts(ds, est)
    out["n_attribution_conflicts"] = str(len(conflicts))
    return out


def record(ds) -> dict[str, str]:
    """The record in words: 'five archived news articles', 'published 28 Apr – 4 May 2025'."""
    earliest = ds.sources["published_start"].fillna(ds.sources["published_end"]).min()
    last = ds.sources["published_end"].max()
    if pd.isna(last):
        published = "of unknown date"
    else:
        published = "published " + when_text(earliest, last, "day" if earliest == last else "interval")
    return {"articles": counted(len(ds.sources), "archived news article"), "published": published}


def attribution_conflicts(ds, est: pd.DataFrame | None = None) -> list[dict]:
    """Figures that different articles credit to different claimants, with who is credited where."""
    est = _est(ds) if est is None else est
    est = est[est["value_low"].notna() | est["value_high"].notna()]
    out = []
    for _, g in est.groupby(["metric", "value_low", "value_high"], dropna=False, sort=False):
        if g["claimant"].nunique() > 1:
            credits = {}
            for r in g.to_dict("records"):
                credits.setdefault(r["claimant_prose"], []).extend(r["source_ids"])
            out.append(
                {
                    "metric": g["metric"].iloc[0],
                    "metric_label": g["metric_label"].iloc[0],
                    "figure": g["figure"].iloc[0],
                    "claimants": list(credits),
                    "credits": [(name, list(dict.fromkeys(ids))) for name, ids in credits.items()],
                    "sources": _sources(g),
                }
            )
    return out


def headline_table(ds, claimants: list[str] | None = None) -> str:
    """Lowest and highest figure per metric, with who gave them and every reporting article."""
    est = _est(ds, claimants)
    entries = register.listed(ds)
    rows = []
    for metric in headline_metrics(ds):
        s = spread(est, metric)
        if s["n"] == 0:
            continue
        of_metric = est[est["metric"] == metric]
        label = of_metric["metric_label"].iloc[0]
        rows.append(
            [
                text(label),
                f"{_linked_bound(of_metric, s['low'], entries)} ({text(listed(s['low_by']))})",
                f"{_linked_bound(of_metric, s['high'], entries)} ({text(listed(s['high_by']))})",
                str(s["n"]),
                cite(s["sources"]),
            ]
        )
    if not rows:
        return "*No estimate in this selection.*"
    return table(
        ["Metric", "Lowest (from)", "Highest (from)", "Estimates", "Reported by"], rows, widths=[18, 30, 30, 8, 14]
    )


def _linked_bound(estimates: pd.DataFrame, value, entries: set[str]) -> str:
    """A lowest or highest figure, linked to the register entries of the claims that gave it."""
    return linked(number(value), with_value(estimates, value), listed=entries)


def glue_all(values: dict[str, str]) -> None:
    """Glue every value as a str (never a NumPy scalar, whose repr breaks the formatter).

    ``{glue:text}`` reads a str back from its repr with ``ast.literal_eval``, so quotes
    and backslashes survive, and "3,000" stays text instead of becoming a tuple.
    """
    from myst_nb import glue

    for key, value in values.items():
        glue(key, str(value), display=False)
