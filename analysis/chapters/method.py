"""The method chapter: how dates were resolved, the vocabularies, the data dictionary and the
downloads."""

from __future__ import annotations

from analysis.chapters.page import chapter_of
from analysis.data.values import capitalised, when_text
from analysis.data.vocabulary import ACKNOWLEDGEMENT, claimant_kind
from analysis.text.links import link
from analysis.text.markup import capped, cite, table, text
from analysis.text.prose import TABLE_ROWS


def date_anchor(ds) -> str:
    """How the day the articles' relative dates hang on was resolved, in the words the
    curators recorded with that event (its ``date_basis``); empty when the record has no
    such event dated to the day."""
    events = ds.events
    anchors = events[(events["event_key"] == ACKNOWLEDGEMENT) & (events["date_precision"] == "day")]
    if anchors.empty:
        return ""
    e = anchors.sort_values("event_id").iloc[0]
    what = str(e["description"]).strip()
    what += "" if what.endswith((".", "!", "?")) else "."
    return (
        f'**The anchor.** The articles\' relative dates ("on Monday", "last week") count from one '
        f"event, {link(text(e['event_id']), e['event_id'])}: {text(what)} It falls on "
        f"{text(when_text(e['date_start'], e['date_end'], 'day'))}, by this reasoning: {text(e['date_basis'])}"
    )


def date_resolution_table(ds) -> str:
    """Each distinct relative dating, how it was resolved, and the basis given."""
    ev = ds.events
    seen, rows = set(), []
    for _, r in ev.sort_values(["date_end", "event_id"]).iterrows():
        key = (r["date_start"], r["date_end"], r["date_precision"], r["date_basis"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            [
                text(when_text(r["date_start"], r["date_end"], r["date_precision"])),
                text(r["date_precision"]),
                text(r["date_basis"]),
                cite([r["source_id"]]),
            ]
        )
    # the method chapter lists every distinct dating: a short list unless the data is huge
    return capped(
        ["Resolved to", "Precision", "Basis in the text", "Example"],
        rows,
        widths=[16, 12, 60, 12],
        limit=4 * TABLE_ROWS,
        source="events.csv",
    )


def metrics_table(ds) -> str:
    """The metric vocabulary, each metric with the chapter that counts it: its group's, as
    metrics.csv gives it, linked; a group no chapter counts is in the register only."""
    rows = []
    for r in ds.metrics.to_dict("records"):
        chapter = chapter_of(r["group"])
        where = f"{{doc}}`{chapter.name}`" if chapter else f"none ({text(r['group'])}: the claims register)"
        rows.append([f"`{r['metric_id']}`", text(r["label"]), text(r["unit"]), where, text(r["definition"])])
    return capped(
        ["Metric", "Label", "Unit", "Chapter", "Definition"], rows, widths=[16, 18, 10, 14, 42], source="metrics.csv"
    )


def claimants_table(ds) -> str:
    """The claimant vocabulary: the name the report uses, and the other names the articles use."""
    rows = [
        [
            text(r["claimant_id"]),
            text(capitalised(r["name"])),
            text(r["alternate_names"]),
            text(claimant_kind(r["claimant_type"])),
            text(r["country"]),
            text(r["description"]),
        ]
        for r in ds.claimants.to_dict("records")
    ]
    return capped(
        ["Claimant", "Name", "Also called", "Kind", "Country", "Description"],
        rows,
        widths=[14, 18, 12, 12, 10, 34],
        source="claimants.csv",
    )


def data_dictionary(descriptor: dict) -> str:
    """One table per resource: every field, its type, constraints and meaning."""
    parts = []
    for res in descriptor["resources"]:
        schema = res["schema"]
        parts.append(f"**{text(res['path'])}**: {text(res.get('description', ''))}")
        keys = [f"primary key: {', '.join(schema.get('primaryKey', []))}"]
        keys += [
            f"{fk['fields']} → {fk['reference']['resource']}.{fk['reference']['fields']}"
            for fk in schema.get("foreignKeys", [])
        ]
        parts.append(f"*Keys:* {text('; '.join(keys))}\n")
        rows = []
        for f in schema["fields"]:
            c = f.get("constraints", {})
            cons = []
            if c.get("required"):
                cons.append("required")
            if "enum" in c:
                cons.append("one of: " + ", ".join(c["enum"]))
            for k in ("pattern", "maxLength", "minimum"):
                if k in c:
                    cons.append(f"{k} {c[k]}")
            rows.append(
                [f"`{f['name']}`", text(f["type"]), text("; ".join(cons) or "—"), text(f.get("description", ""))]
            )
        parts.append(table(["Field", "Type", "Constraints", "Meaning"], rows, widths=[18, 9, 30, 43]) + "\n")
    return "\n".join(parts)


def downloads(descriptor: dict, data_prefix: str = "../data") -> str:
    items = [
        f"- {{download}}`datapackage.json <{data_prefix}/datapackage.json>`: "
        "the Frictionless Data Package descriptor (schema of every table)"
    ]
    items += [
        f"- {{download}}`{r['path']} <{data_prefix}/{r['path']}>`: {text(r.get('description', ''))}"
        for r in descriptor["resources"]
    ]
    items.append(f"- {{download}}`references.bib <{data_prefix}/references.bib>`: every archived article in BibTeX")
    return "\n".join(items)
