"""Tables whose order carries meaning: the matrix of which article reported which figure
lists metrics in the report's order (metrics.csv, the order of the chapters) and, within a
metric, its figures from the lowest up, for any order the vocabulary declares; the tables
of estimates list claimants by figure."""

from __future__ import annotations

import dataclasses
import re

from analysis.chapters import estimate_tables, sources
from analysis.compute.estimates import estimates
from analysis.text.markup import text


def matrix_rows(ds) -> list[str]:
    """The first cell of each body row of the matrix (its 'Metric: figure' label)."""
    cells = re.findall(r"^\* - (.*)$", sources.source_matrix(ds), re.M)
    return cells[1:]


def metric_of(label: str, ds) -> str:
    for _, m in ds.metrics.iterrows():
        if label.startswith(text(m["label"]) + "\\:"):
            return m["metric_id"]
    raise AssertionError(f"no metric label starts {label!r}")


def test_matrix_lists_metrics_in_the_vocabulary_order_and_figures_upward(dataset):
    rows = matrix_rows(dataset)
    metrics = [metric_of(label, dataset) for label in rows]
    declared = [m for m in dataset.metrics["metric_id"] if m in set(metrics)]
    assert list(dict.fromkeys(metrics)) == declared
    for metric in declared:
        # the first number of each figure ("10,000–12,000", "up to 12,000"): its lower bound,
        # or its upper one when it has no lower; an unquantified figure comes last
        firsts = [first_number(label) for label, m in zip(rows, metrics, strict=True) if m == metric]
        numbers = [n for n in firsts if n is not None]
        assert numbers == sorted(numbers) and firsts[: len(numbers)] == numbers, (metric, firsts)
    assert len(rows) > len(declared), "some metric has more than one figure: the order is tested"


def first_number(label: str) -> int | None:
    found = re.search(r"\d[\d\\,]*", label.split("\\:", 1)[1])
    return int(re.sub(r"\D", "", found.group())) if found else None


def test_matrix_follows_the_vocabulary_when_it_is_reordered(dataset):
    reversed_metrics = dataset.metrics.iloc[::-1].reset_index(drop=True)
    ds = dataclasses.replace(dataset, tables={**dataset.tables, "metrics": reversed_metrics})
    metrics = list(dict.fromkeys(metric_of(label, ds) for label in matrix_rows(ds)))
    assert metrics == [m for m in reversed_metrics["metric_id"] if m in set(metrics)]
    assert metrics[0] != metrics[-1]


def test_estimate_tables_list_claimants_by_figure_within_each_metric(dataset):
    est = estimates(dataset, list(dataset.metrics["metric_id"]))
    shuffled = est.sample(frac=1, random_state=7)
    listed = estimate_tables.by_figure(shuffled)
    for metric, group in listed.groupby("metric", sort=False):
        firsts = list(group["value_low"].fillna(group["value_high"]).dropna())
        assert firsts == sorted(firsts), metric
    # metric by metric, in the order the estimates came in
    assert list(dict.fromkeys(listed["metric"])) == list(dict.fromkeys(shuffled["metric"]))
    # the table shows that order
    figures = re.findall(r"^  - \[(?!C\d+\])(.+?)\]\(#c\d+\)$", estimate_tables.estimates_table(shuffled), re.M)
    assert figures == [text(f) for f in listed["figure"]]
