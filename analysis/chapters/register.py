"""The claims register: one entry per claim and per event, each under its stable anchor.

An entry gathers everything the dataset holds about one row: the figure and how the
article printed it, who claimed it and in what words, what the metric counts, the
verbatim quote and its article, when it was stated and what period it covers (with the
precision and the reasoning of each dating), the curator's notes, the other articles
reporting the same thing, every disagreement the row takes part in, and its history across
the data package's releases (first released in, corrected in).

The entries reach the book as data, not as Markdown: one JSON line per entry inside a
``register-entries`` directive, which ``analysis.builder.entries`` turns into docutils
nodes directly (a title, a Sphinx label named by :func:`analysis.text.anchors.anchor`, and a
field list), so ``[14,000](#c014)`` reaches an entry from any chapter of either edition.
At a thousand entries, MyST parsing the same entries as Markdown was most of the HTML
build. A field's value is a list of parts, each plain text (shown as it is: data needs
no escaping here) or one of ``{"strong": text}``, ``{"link": [label, entry_label]}`` and
``{"cite": [key, ...]}`` and ``{"lang": [tag, text]}`` (text in another language than the
book's, with its BCP 47 tag); the disagreements field is ``{"items": [parts, ...]}``, a
bulleted list. ``analysis.text.links`` writes the tables' links to the entries.
"""

from __future__ import annotations

import json

import pandas as pd

from analysis.compute.estimates import claims_with_vocab
from analysis.data import languages, releases
from analysis.data.numbers import as_printed
from analysis.data.values import figure_text, grouped, number, when_text
from analysis.data.vocabulary import DISAGREEMENT_KINDS, claimant_kind, qualifier_words
from analysis.text.anchors import anchor
from analysis.text.links import shown_ids
from analysis.text.markup import cited, flat
from analysis.text.prose import REGISTER_ENTRIES, first

# Beyond ``prose.REGISTER_ENTRIES`` claims (or events) the register lists the first ones in
# id order, and says so: a record a hundred times ours (the bench's) would otherwise make
# one page of thousands of entries. The tables link a figure only to a listed entry
# (``listed``).


def listed(ds) -> set[str]:
    """The ids of the claims and events that have an entry."""
    claims = first(sorted(ds.claims["claim_id"]), REGISTER_ENTRIES).shown
    events = first(sorted(ds.events["event_id"]), REGISTER_ENTRIES).shown
    return set(claims) | set(events)


def claim_entries(ds) -> str:
    """An entry for every claim (the first ones of a larger record), in id order."""
    ids = listed(ds)
    claims = claims_with_vocab(ds).sort_values("claim_id")
    if claims.empty:
        return "*No claim in this selection.*"
    reported = _same_report(claims, ["claimant", "subject", "metric", "value_low", "value_high"], "claim_id")
    shown = claims[claims["claim_id"].isin(ids)]
    sides = _sides(ds, set(shown["claim_id"]), ids)
    history = releases.history(ds.data_dir)
    entries = [_claim_entry(c, sides, reported, ids, history) for c in shown.to_dict("records")]
    return _cap_note(len(shown), len(claims), "claims") + _container(entries)


def event_entries(ds) -> str:
    """An entry for every event (the first ones of a larger record), in id order."""
    ids = listed(ds)
    events = ds.events.sort_values("event_id")
    if events.empty:
        return "*No event in this selection.*"
    same_event = _same_report(events, ["event_key"], "event_id")
    shown = events[events["event_id"].isin(ids)]
    sides = _sides(ds, set(shown["event_id"]), ids)
    history = releases.history(ds.data_dir)
    entries = [_event_entry(e, sides, same_event, ids, history) for e in shown.to_dict("records")]
    return _cap_note(len(shown), len(events), "events") + _container(entries)


def _cap_note(shown: int, total: int, what: str) -> str:
    if shown == total:
        return ""
    return (
        f"*The first {number(shown)} of {number(total)} {what}; all of them are in {what}.csv of the data package "
        "(see Method and data).*\n\n"
    )


def _claim_entry(c: dict, sides: dict, reported: dict, listed: set[str], history: dict) -> dict:
    figure = figure_text(c["value_low"], c["value_high"], c["qualifier"])
    values = [v for v in (c["value_low"], c["value_high"]) if pd.notna(v)]
    figure_field = [{"strong": flat(figure)}]
    if c["qualifier"] != "unquantified":
        figure_field.append(f" ({flat(qualifier_words(c['qualifier']))})")
    figure_field += _printed(c, values)
    attribution = _quoted(c["attribution"], c) if pd.notna(c["attribution"]) else ["none: the article names no source"]
    fields = [
        ("Figure", figure_field),
        ("Claimant", [_claimant(c)]),
        ("Attribution", attribution),
        (
            "Metric",
            [f"{flat(c['metric_label'])}, counting {flat(_subject(c['subject']))}: {flat(c['definition'])}"],
        ),
        *_quote_fields(c),
        ("Article", _citation([c["source_id"]])),
        ("Stated", [_dating(c["stated_start"], c["stated_end"], c["stated_precision"], c["stated_basis"])]),
        ("Period covered", [_dating(c["period_start"], c["period_end"], c["period_precision"], c["period_basis"])]),
    ]
    fields += _optional(c, sides, reported.get(c["claim_id"], []), "claim_id", listed)
    fields.append(("Released", [released_in(history.get(("claims", c["claim_id"])))]))
    title = f"{c['claim_id']} · {figure} · {c['metric_label']}"
    return _entry(c["claim_id"], title, fields)


def _event_entry(e: dict, sides: dict, same_event: dict, listed: set[str], history: dict) -> dict:
    fields = [
        ("Event", [flat(e["description"])]),
        ("Actor", [f"{flat(e['actor'])} ({flat(str(e['category']).replace('_', ' '))})"]),
        *_quote_fields(e),
        ("Article", _citation([e["source_id"]])),
        ("Dated", [_dating(e["date_start"], e["date_end"], e["date_precision"], e["date_basis"])]),
    ]
    fields += _optional(e, sides, same_event.get(e["event_id"], []), "event_id", listed)
    fields.append(("Released", [released_in(history.get(("events", e["event_id"])))]))
    title = f"{e['event_id']} · {when_text(e['date_start'], e['date_end'], e['date_precision'])} · {e['actor']}"
    return _entry(e["event_id"], title, fields)


def released_in(steps: list[tuple[str, str]] | None) -> str:
    """A row's history across the releases (``releases.history``): 'first in 1.0.0;
    corrected in 1.0.1'."""
    if not steps:
        return "not yet: added since the last release (see Revisions)"
    return "; ".join(
        f"first in {version}" if change == "added" else f"{change} in {version}" for version, change in steps
    )


def _quoted(words, row: dict) -> list:
    """Words of the article, in curly quotes, marked with the quote's language when it is
    not the book's (a ``lang`` part: the HTML sets ``lang``, for screen readers and fonts)."""
    tag = languages.tag_of(row[languages.LANG])
    if tag == languages.BOOK_LANGUAGE:
        return [f"“{flat(words)}”"]
    return ["“", {"lang": [tag, flat(words)]}, "”"]


def _quote_fields(row: dict) -> list[tuple]:
    """The quote as the article prints it and, for another language, its English translation
    with its language and translator."""
    fields = [("Quote", _quoted(row["quote"], row))]
    if pd.notna(row[languages.TRANSLATION]):
        language = languages.name(languages.tag_of(row[languages.LANG]))
        credit = f" (translated from {flat(language)} by {flat(row[languages.TRANSLATOR])})"
        fields.append(("Translation", [f"“{flat(row[languages.TRANSLATION])}”{credit}"]))
    return fields


def _printed(c: dict, values: list) -> list:
    """How the quote prints the figure; from the translation when the original prints it in
    words of its own language (validation looks for it there too)."""
    if not values:
        return []
    printed = as_printed(str(c["quote"]), values)
    if printed:
        first, *rest = _quoted(printed, c)
        return [f"; printed {first}", *rest]
    if pd.notna(c[languages.TRANSLATION]):
        printed = as_printed(str(c[languages.TRANSLATION]), values)
        if printed:
            return [f"; translated “{flat(printed)}”"]
    return []


def _optional(row: dict, sides: dict, others: list[str], id_field: str, listed: set[str]) -> list[tuple]:
    fields = []
    if pd.notna(row["notes"]):
        fields.append(("Notes", [flat(row["notes"])]))
    if others:
        fields.append(("Also reported as", _linked_ids(others, listed)))
    for_row = sides.get(row[id_field], [])
    if for_row:
        # one item per disagreement: a bulleted list in the field's body
        fields.append(("Disagreements", {"items": for_row}))
    return fields


def _container(entries: list[dict]) -> str:
    """The entries as a ``register-entries`` directive (``analysis.builder.entries``), one
    JSON line each; the directive sets them in a container of class ``register``, which
    the PDF sets compactly (the ``sphinxclassregister`` environment in ``_config.yml``'s
    preamble)."""
    # ASCII only (other characters escaped): no character of the data can end a line early
    lines = [json.dumps(entry) for entry in entries]
    return "::::{register-entries}\n" + "\n".join(lines) + "\n::::"


def _entry(record_id: str, title: str, fields: list[tuple]) -> dict:
    # the title is a rubric, not a heading: headings cannot open sections inside a
    # notebook's output; the fields are a field list: a compact name/value layout in
    # HTML, a description list in LaTeX
    return {"label": anchor(record_id), "title": flat(title), "fields": fields}


def _citation(source_ids: list[str]) -> list:
    keys, rest = cited(source_ids)
    return [{"cite": keys}, rest] if keys else []


def _linked_ids(record_ids: list[str], listed: set[str]) -> list:
    """Claim or event ids as entry parts, as ``links.linked_ids`` writes them in Markdown."""
    shown, rest = shown_ids(record_ids, listed)
    parts: list = []
    for i, (record_id, linked) in enumerate(shown):
        parts += [", "] if i else []
        parts.append({"link": [flat(record_id), anchor(record_id)]} if linked else flat(record_id))
    return [*parts, rest] if rest else parts


def _claimant(c: dict) -> str:
    name = flat(c["claimant_name"])
    kind = claimant_kind(c["claimant_type"])
    return name if kind.lower() in str(c["claimant_name"]).lower() else f"{name} ({flat(kind)})"


def _dating(start, end, precision, basis) -> str:
    when = when_text(start, end, precision)
    out = f"{flat(when)} ({flat(str(precision).replace('_', ' '))})"
    return out + (f"; basis: {flat(basis)}" if pd.notna(basis) else "")


def _subject(subject: str) -> str:
    return str(subject).replace("_", " ").title() + "'s forces or territory"


def _same_report(frame: pd.DataFrame, key: list[str], id_field: str) -> dict[str, list[str]]:
    """For each row, the other rows reporting the same thing (the same estimate, the same event)."""
    groups = grouped(frame[[*key, id_field]].to_dict("records"), key).values()
    same = [[row[id_field] for row in group] for group in groups]
    return {i: [j for j in ids if j != i] for ids in same if len(ids) > 1 for i in ids}


def _sides(ds, wanted: set[str], listed: set[str]) -> dict[str, list[list]]:
    """For each id in ``wanted``, the disagreements it is quoted in: kind, topic, its side,
    and the other rows the disagreement quotes."""
    topics = {d["disagreement_id"]: d for d in ds.disagreements.to_dict("records")}
    quotes: dict[str, list[dict]] = {}
    # plain dicts: pandas row access dominated the run time at scale
    columns = ["disagreement_id", "position", "claim_id", "event_id"]
    for q in ds.disagreement_quotes[columns].to_dict("records"):
        q["rows"] = [q[k] for k in ("claim_id", "event_id") if pd.notna(q[k])]
        quotes.setdefault(q["disagreement_id"], []).append(q)
    out: dict[str, list[list]] = {}
    for did in sorted(quotes):
        if did not in topics:
            continue
        d, group = topics[did], quotes[did]
        for q in group:
            own = [r for r in q["rows"] if r in wanted]
            if not own:
                continue
            others = [r for other in group for r in other["rows"] if r not in q["rows"]]
            line = [
                {"strong": flat(did)},
                f" ({flat(DISAGREEMENT_KINDS[d['kind']].lower())}): {flat(d['topic'])}. "
                f"This row's side: “{flat(q['position'])}”.",
            ]
            if others:
                line += [" Also quoted: ", *_linked_ids(others, listed), "."]
            for record_id in own:
                out.setdefault(record_id, []).append(line)
    return out
