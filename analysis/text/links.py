"""Links from the book's figures to their entries in the claims register.

A table's figure links to the register entry of the claim that printed it
(``analysis.text.anchors``); a row that merges several claims links the figure to the first
and then lists every claim's id, each a link. Labels are escaped here with ``markup.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.text.anchors import anchor
from analysis.text.markup import text
from analysis.text.prose import LINKED_IDS, first


def link(label: str, record_id: str) -> str:
    """``label`` (already MyST) as a link to the register entry of ``record_id``."""
    return f"[{label}](#{anchor(record_id)})"


def linked(figure: str, claim_ids: Sequence[str], listed: set[str] | None = None) -> str:
    """A table's figure as a link to the register: to the entry of its claim, or, when
    the row merges several claims, to the first, followed by every claim's id, each a
    link: '14,000 [C006, C017]'. ``figure`` is plain text (escaped here). With ``listed``
    (``register.listed``), only claims that have an entry are linked."""
    ids = [i for i in dict.fromkeys(str(i) for i in claim_ids) if listed is None or i in listed]
    shown = text(figure)
    if not ids:
        return shown
    out = link(shown, ids[0])
    if len(ids) > 1:
        out += " \\[" + ", ".join(link(text(i), i) for i in ids) + "\\]"
    return out


def shown_ids(record_ids: Iterable[str], listed: set[str] | None = None) -> tuple[list[tuple[str, bool]], str]:
    """Which of ``record_ids`` a list names, each with whether it links to its register
    entry (with ``listed``, only the ids that have one), and the words counting the rest:
    a long list names its first ones (``prose.first``)."""
    cut = first(dict.fromkeys(str(i) for i in record_ids), LINKED_IDS)
    shown = [(i, listed is None or i in listed) for i in cut.shown]
    return shown, f" {cut.more('id')}" if cut.rest else ""


def linked_ids(record_ids: Iterable[str], listed: set[str] | None = None) -> str:
    """Claim or event ids in Markdown, each a link to its register entry: 'C006, C017'
    (see ``shown_ids``)."""
    shown, rest = shown_ids(record_ids, listed)
    return ", ".join(link(text(i), i) if linked else text(i) for i, linked in shown) + rest


def with_value(estimates: pd.DataFrame, value) -> list[str]:
    """The claims behind the estimates (rows of ``estimates.estimates``) that print
    ``value`` as either bound: where a table's lowest or highest figure comes from."""
    hit = estimates[(estimates["value_low"] == value) | (estimates["value_high"] == value)]
    return [claim for ids in hit["claim_ids"] for claim in ids]
