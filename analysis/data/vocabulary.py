"""The record's vocabularies, and the words the book gives them: each declared once.

The closed vocabularies are the enums of ``data/datapackage.json`` (a claim's qualifier, a
claimant's kind, an event's category, a disagreement's kind); every module that prints or
checks one of their values takes its words from here, and a test holds each table to its
enum. The open vocabulary of metrics is ``data/metrics.csv``: a metric's chapter is its
``group`` there, and nothing else says which metrics a chapter counts.
"""

from __future__ import annotations

from typing import NamedTuple


class Qualifier(NamedTuple):
    """How a claim's figure is qualified: its words, and which bounds it sets."""

    words: str  # as a table prints it: 'up to'
    low: bool  # value_low is set
    high: bool  # value_high is set
    shape: str  # what validation asks of the bounds, in words


QUALIFIERS = {
    "exact": Qualifier("exact", True, True, "a single figure: value_low and value_high both set and equal"),
    "approximately": Qualifier(
        "approximately", True, True, "a single figure: value_low and value_high both set and equal"
    ),
    "between": Qualifier("between", True, True, "a range: value_low below value_high"),
    "up_to": Qualifier("up to", False, True, "'up to': value_low empty, value_high set"),
    "at_least": Qualifier("at least", True, False, "'at least': value_low set, value_high empty"),
    "unquantified": Qualifier("not quantified", False, False, "no figure: value_low and value_high both empty"),
}
# The qualifiers of a single figure (value_low == value_high).
POINT_QUALIFIERS = ("exact", "approximately")

# Each kind of claimant (claimant_type) as one of them and as a group: a table row names
# the kind of one claimant, an aggregated chart mark a group of them.
CLAIMANT_TYPES = {
    "government": ("government", "governments"),
    "military": ("military", "militaries"),
    "intelligence": ("intelligence service", "intelligence services"),
    "analysts": ("analysts", "analysts"),
    "media": ("media", "media"),
    "unattributed": ("unattributed", "unattributed statements"),
}
# The claimant type whose claims name no one, and so carry no attribution.
UNATTRIBUTED = "unattributed"

# Each kind of disagreement (disagreements.csv, kind), as a heading names it.
DISAGREEMENT_KINDS = {
    "attribution": "Conflicting attribution",
    "figure": "Conflicting figures",
    "date": "Conflicting dates",
    "place": "Conflicting place",
    "self_contradiction": "An article contradicts itself",
    "error": "Error in an article",
    "wording": "Different wording of the same statement",
}

# Fields of sources.csv that copy the archived article, and the words that say it does not
# print them: validation checks the others against the article, and the book names an
# article by what it prints.
PRINTED_SOURCE_FIELDS = {
    "author": "not stated in the archived copy",
    "outlet": "not stated in the archived copy",
    "title": "untitled",
}

# The subject whose troops the report counts (claims.csv, subject): the chapters of
# estimates and the derived figures take only its claims.
SUBJECT = "north_korea"

# The event the report opens with, when the record holds it (an ``event_key`` of
# events.csv): the day the articles' other relative dates hang on.
ACKNOWLEDGEMENT = "nk_acknowledgement"

# The metrics the derived figures' formulas name (analysis.compute.derived), and the group
# of metrics.csv each must be in for the formula to mean what its words say.
DEPLOYED, KILLED, WOUNDED, KILLED_OR_WOUNDED, CASUALTIES = (
    "deployed",
    "killed",
    "wounded",
    "killed_or_wounded",
    "casualties",
)
FORMULA_METRICS = {
    DEPLOYED: "troops",
    KILLED: "casualties",
    WOUNDED: "casualties",
    KILLED_OR_WOUNDED: "casualties",
    CASUALTIES: "casualties",
}


def claimant_kind(kind: str, group: bool = False) -> str:
    """A claimant_type in words: 'intelligence service', or with ``group`` 'intelligence services'."""
    one, many = CLAIMANT_TYPES.get(kind, (kind, kind))
    return many if group else one


def qualifier_words(qualifier: str) -> str:
    """A qualifier (or an estimate's merged 'exact / approximately') as a table prints it."""
    return " / ".join(QUALIFIERS[q].words if q in QUALIFIERS else q for q in qualifier.split(" / "))


def metrics_of(ds, group: str) -> list[str]:
    """The metrics of ``group`` in metrics.csv, in its order: what that group's chapter counts."""
    return [m for m, g in zip(ds.metrics["metric_id"], ds.metrics["group"], strict=True) if g == group]


def enums(descriptor: dict) -> dict[str, list[str]]:
    """Every closed vocabulary of the data package, as ``'resource.field'``: its values."""
    return {
        f"{resource['name']}.{field['name']}": field["constraints"]["enum"]
        for resource in descriptor["resources"]
        for field in resource["schema"]["fields"]
        if "enum" in field.get("constraints", {})
    }
