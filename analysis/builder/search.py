"""Searching the HTML book by a figure as printed: a Sphinx extension.

Sphinx's own search splits "14,000" into "14" and "000", and its JavaScript drops every term
made of digits alone, so a figure as a reader types it ("14,000", "14000") found nothing.
Through Sphinx's documented seam for this, a search language (``app.add_search_language``),
English search is replaced by the same search with one more kind of word: a number. A
number, in the pages as in the query, becomes one term written the same way whatever way it
was printed: its digits grouped by thousands with commas ("14000" and "14,000" both give
"14,000"; "1.5" stays "1.5"), and "#" before a number below 1,000 ("#92"), which would
otherwise be digits alone and dropped by Sphinx's JavaScript. ``split`` does this for the
index (Python); ``js_splitter_code`` defines ``splitQuery``, which Sphinx's searchtools.js
calls on the typed query, doing the same in the browser. Words are split as Sphinx splits
them, in either language, and stemmed as before.

Both builds get it: the extension is in ``_config.yml``'s ``sphinx.extra_extensions``.
"""

from __future__ import annotations

import re

from sphinx.search.en import SearchEnglish

# A number as printed: digits, optionally grouped by thousands, optionally with decimals.
# ASCII digits only, in both languages (Python's \d would also take other scripts' digits).
NUMBER = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
# Sphinx's own word patterns: Python's for the index, searchtools.js's for the query.
PY_WORD = r"\w+"
JS_WORD = r"[\p{Letter}\p{Number}_\p{Emoji_Presentation}]+"
# Before a number that would be digits alone (below 1,000, no decimals).
SMALL = "#"

_TOKEN = re.compile(f"({NUMBER})|{PY_WORD}")


def figure_term(number: str) -> str:
    """The one search term of a number printed as ``number`` ("14000" -> "14,000")."""
    whole, _, decimals = number.replace(",", "").partition(".")
    whole = whole.lstrip("0") or "0"
    grouped = re.sub(r"\B(?=(?:[0-9]{3})+$)", ",", whole)
    term = grouped + (f".{decimals}" if decimals else "")
    return SMALL + term if term.isdigit() else term


def split(text: str) -> list[str]:
    """The search terms of ``text``: its words, and each number as :func:`figure_term`."""
    return [figure_term(m.group(1)) if m.group(1) else m.group(0) for m in _TOKEN.finditer(text)]


# The same in the browser: searchtools.js calls splitQuery(query) on what the reader typed
# (Sphinx puts this code into language_data.js, loaded before searchtools.js).
JS_SPLITTER = f"""
var splitQuery = (query) => {{
  const figureTerm = (number) => {{
    let [whole, decimals] = number.replace(/,/g, "").split(".");
    whole = whole.replace(/^0+/, "") || "0";
    const term = whole.replace(/\\B(?=(?:[0-9]{{3}})+$)/g, ",") + (decimals ? "." + decimals : "");
    return /^[0-9]+$/.test(term) ? "{SMALL}" + term : term;
  }};
  return [...query.matchAll(/({NUMBER})|{JS_WORD}/gu)].map((m) => (m[1] ? figureTerm(m[1]) : m[0]));
}};
"""


class FigureSearch(SearchEnglish):
    """English search, with numbers as figures (see the module's description)."""

    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's name for the argument)
        return split(input)


def setup(app) -> dict:
    app.add_search_language(FigureSearch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
