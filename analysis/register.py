"""The claims register: one entry per claim and per event, each under its stable anchor.

An entry gathers everything the dataset holds about one row: the figure and how the
article printed it, who claimed it and in what words, what the metric counts, the
verbatim quote and its article, when it was stated and what period it covers (with the
precision and the reasoning of each dating), the curator's notes, the other articles
reporting the same thing, and every disagreement the row takes part in.

Each entry opens with a MyST target named by :func:`analysis.anchors.anchor` (``(c014)=``),
a Sphinx label, so ``[14,000](#c014)`` reaches it from any chapter of either edition;
``analysis.links`` writes such links for the tables. Every data-derived string passes through
``markup.text``.
"""

from __future__ import annotations

import pandas as pd

from analysis.anchors import anchor
from analysis.estimates import claims_with_vocab
from analysis.formatting import claimant_kind, figure_text, when_text
from analysis.links import linked_ids
from analysis.markup import LIST_LIMIT, cite, text
from analysis.numbers import as_printed
from analysis.render import KIND_WORDS, QUALIFIER_WORDS

# Beyond this many events the register lists the first ones (the tables link claims only,
# and the chronology keeps every event); every claim always has its entry.
EVENT_LIMIT = 4 * LIST_LIMIT


def claim_entries(ds) -> str:
    """An entry for every claim, in id order."""
    claims, _, listed, sides = _context(ds)
    if claims.empty:
        return "*No claim in this selection.*"
    reported = _same_report(claims, ["claimant", "subject", "metric", "value_low", "value_high"], "claim_id")
    return _container([_claim_entry(c, sides, reported, listed) for c in claims.to_dict("records")])


def event_entries(ds) -> str:
    """An entry for every event (the first ``EVENT_LIMIT`` of a larger record), in id order."""
    _, events, listed, sides = _context(ds)
    if events.empty:
        return "*No event in this selection.*"
    parts = []
    if len(ds.events) > EVENT_LIMIT:
        parts.append(
            f"*The first {EVENT_LIMIT} of {len(ds.events)} events; all of them are in events.csv of the data "
            "package (see Method and data).*\n"
        )
    same_event = _same_report(ds.events, ["event_key"], "event_id")
    return "\n".join(parts) + _container(
        [_event_entry(e, sides, same_event, listed) for e in events.to_dict("records")]
    )


def _context(ds):
    """The claims and the events that get an entry, the ids of those entries, and each
    row's disagreements."""
    claims = claims_with_vocab(ds).sort_values("claim_id")
    events = ds.events.sort_values("event_id").head(EVENT_LIMIT)
    listed = set(claims["claim_id"]) | set(events["event_id"])
    return claims, events, listed, _sides(ds, listed)


def _claim_entry(c: dict, sides: dict, reported: dict, listed: set[str]) -> str:
    figure = figure_text(c["value_low"], c["value_high"], c["qualifier"])
    values = [v for v in (c["value_low"], c["value_high"]) if pd.notna(v)]
    printed = as_printed(str(c["quote"]), values) if values else ""
    figure_field = f"**{text(figure)}**"
    if c["qualifier"] != "unquantified":
        figure_field += f" ({text(QUALIFIER_WORDS.get(c['qualifier'], c['qualifier']))})"
    if printed:
        figure_field += f"; printed “{text(printed)}”"
    attribution = f"“{text(c['attribution'])}”" if pd.notna(c["attribution"]) else "none: the article names no source"
    fields = [
        ("Figure", figure_field),
        ("Claimant", _claimant(c)),
        ("Attribution", attribution),
        (
            "Metric",
            f"{text(c['metric_label'])}, counting {text(_subject(c['subject']))}: {text(c['definition'])}",
        ),
        ("Quote", f"“{text(c['quote'])}”"),
        ("Article", cite([c["source_id"]])),
        ("Stated", _dating(c["stated_start"], c["stated_end"], c["stated_precision"], c["stated_basis"])),
        ("Period covered", _dating(c["period_start"], c["period_end"], c["period_precision"], c["period_basis"])),
    ]
    fields += _optional(c, sides, reported.get(c["claim_id"], []), "claim_id", listed)
    title = f"{c['claim_id']} · {figure} · {c['metric_label']}"
    return _entry(c["claim_id"], title, fields)


def _event_entry(e: dict, sides: dict, same_event: dict, listed: set[str]) -> str:
    fields = [
        ("Event", text(e["description"])),
        ("Actor", f"{text(e['actor'])} ({text(str(e['category']).replace('_', ' '))})"),
        ("Quote", f"“{text(e['quote'])}”"),
        ("Article", cite([e["source_id"]])),
        ("Dated", _dating(e["date_start"], e["date_end"], e["date_precision"], e["date_basis"])),
    ]
    fields += _optional(e, sides, same_event.get(e["event_id"], []), "event_id", listed)
    title = f"{e['event_id']} · {when_text(e['date_start'], e['date_end'], e['date_precision'])} · {e['actor']}"
    return _entry(e["event_id"], title, fields)


def _optional(row: dict, sides: dict, others: list[str], id_field: str, listed: set[str]) -> list[tuple[str, str]]:
    fields = []
    if pd.notna(row["notes"]):
        fields.append(("Notes", text(row["notes"])))
    if others:
        fields.append(("Also reported as", linked_ids(others, listed)))
    for_row = sides.get(row[id_field], [])
    if for_row:
        fields.append(("Disagreements", "; ".join(for_row)))
    return fields


def _container(entries: list[str]) -> str:
    """The entries in a container of class ``register``: the PDF sets its field lists
    compactly (the ``sphinxclassregister`` environment in ``_config.yml``'s preamble)."""
    return "::::{container} register\n" + "\n".join(entries) + "\n::::"


def _entry(record_id: str, title: str, fields: list[tuple[str, str]]) -> str:
    # a field list: a compact name/value layout in HTML, a description list in LaTeX
    body = "\n".join(f":{name}: {value}" for name, value in fields)
    # a rubric, not a heading: headings cannot open sections inside a notebook's output
    heading = f":::{{rubric}} {text(title)}\n:heading-level: 3\n:::"
    return f"({anchor(record_id)})=\n{heading}\n\n{body}\n"


def _claimant(c: dict) -> str:
    name = text(c["claimant_name"])
    kind = claimant_kind(c["claimant_type"])
    return name if kind.lower() in str(c["claimant_name"]).lower() else f"{name} ({text(kind)})"


def _dating(start, end, precision, basis) -> str:
    when = when_text(start, end, precision)
    out = f"{text(when)} ({text(str(precision).replace('_', ' '))})"
    return out + (f"; basis: {text(basis)}" if pd.notna(basis) else "")


def _subject(subject: str) -> str:
    return str(subject).replace("_", " ").title() + "'s forces or territory"


def _same_report(frame: pd.DataFrame, key: list[str], id_field: str) -> dict[str, list[str]]:
    """For each row, the other rows reporting the same thing (the same estimate, the same event)."""
    others: dict[str, list[str]] = {}
    for _, group in frame.groupby(key, dropna=False, sort=False):
        ids = list(group[id_field])
        for i in ids:
            if len(ids) > 1:
                others[i] = [j for j in ids if j != i]
    return others


def _sides(ds, listed: set[str]) -> dict[str, list[str]]:
    """Per claim or event id, each disagreement it is quoted in: its kind, topic and side,
    and the other rows the disagreement sets against it."""
    quotes = ds.disagreement_quotes
    topics = ds.disagreements.set_index("disagreement_id")
    out: dict[str, list[str]] = {}
    for did, group in quotes.groupby("disagreement_id", sort=True):
        if did not in topics.index:
            continue
        d = topics.loc[did]
        for q in group.to_dict("records"):
            own = [q[k] for k in ("claim_id", "event_id") if pd.notna(q[k])]
            if not own:
                continue
            others = [
                r[k]
                for r in group.to_dict("records")
                for k in ("claim_id", "event_id")
                if pd.notna(r[k]) and r[k] not in own
            ]
            line = (
                f"{text(did)}, {text(KIND_WORDS.get(d['kind'], d['kind']).lower())}: {text(d['topic'])}; "
                f"this side: “{text(q['position'])}”"
            )
            if others:
                line += f"; other rows quoted: {linked_ids(others, listed)}"
            for record_id in own:
                out.setdefault(record_id, []).append(line)
    return out
