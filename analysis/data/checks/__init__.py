"""Checks the Frictionless schema cannot express: cross-field, cross-file and against the archive.

Each check returns a list of ``Problem``; ``run_all`` runs them all, by subject: the figures
and words of claims (``figures``), dates (``dates``), the archive (``archive``), a quote's language
(``languages``), what rows refer to (``references``), and the changelog against the releases'
snapshots (``releases``)."""

from __future__ import annotations

from analysis.data.checks.archive import check_quotes
from analysis.data.checks.dates import check_dates_before_publication, check_intervals
from analysis.data.checks.figures import (
    check_attributions,
    check_claimant_types,
    check_formula_metrics,
    check_status,
    check_values,
)
from analysis.data.checks.languages import check_languages
from analysis.data.checks.references import (
    check_bibliography,
    check_disagreement_links,
    check_disagreement_sides,
    check_event_keys,
)
from analysis.data.checks.releases import check_releases
from analysis.data.problems import Problem


def run_all(ds) -> list[Problem]:
    problems: list[Problem] = []
    for check in (
        check_values,
        check_claimant_types,
        check_attributions,
        check_status,
        check_formula_metrics,
        check_event_keys,
        check_intervals,
        check_dates_before_publication,
        check_quotes,
        check_languages,
        check_bibliography,
        check_disagreement_links,
        check_disagreement_sides,
        check_releases,
    ):
        problems += check(ds)
    return problems
