"""Build MyST Markdown from data without letting the data become markup.

Every data-derived string goes through ``text()``: backslash-escaping all ASCII
punctuation makes Markdown, MyST roles, raw HTML and table pipes literal, and Sphinx
then escapes the resulting text for HTML and for LaTeX alike.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.data.languages import BOOK_LANGUAGE
from analysis.text.prose import CITED_ARTICLES, TABLE_ROWS, first

# Shown in a table cell that has nothing in it (a list-table item cannot be empty).
EMPTY = "—"
_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
# Whitespace that may break a line: runs of it become one space. A no-break space (U+00A0,
# U+2007, U+202F) is a character of the text, as in a Russian "14 000", and is kept.
_BREAKING = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def flat(value) -> str:
    """``value`` as one line of plain text (missing values become an em dash)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return _BREAKING.sub(" ", str(value)).strip(" ")


def text(value) -> str:
    """``value`` as literal MyST inline text (missing values become an em dash)."""
    return _PUNCT.sub(r"\\\1", flat(value))


def in_language(value, tag: str) -> str:
    """``value`` as literal MyST text in the language ``tag`` (BCP 47): outside the book's
    language, a span of class ``language-<tag>`` (MyST's inline attributes, ``attrs_inline`` in
    _config.yml), which docutils' HTML writers give the attribute ``lang``."""
    if tag == BOOK_LANGUAGE:
        return text(value)
    if not re.fullmatch(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", tag):
        raise ValueError(f"not a language tag: {tag!r}")
    return f"[{text(value)}]{{.language-{tag}}}"


def cited(source_ids: Iterable[str]) -> tuple[list[str], str]:
    """The BibTeX keys a citation of ``source_ids`` names, in first-seen order, and the
    words that count the rest ('' when it names them all)."""
    keys = list(dict.fromkeys(str(s) for s in source_ids if s))
    for key in keys:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise ValueError(f"not a citation key: {key!r}")
    cut = first(keys, CITED_ARTICLES)
    return cut.shown, f" {cut.more('article')}" if cut.rest else ""


def cite(source_ids: Iterable[str]) -> str:
    """A parenthetical citation of the given BibTeX keys, in first-seen order."""
    keys, rest = cited(source_ids)
    return "{cite:p}`" + ",".join(keys) + "`" + rest if keys else ""


def table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int] | None = None) -> str:
    """A MyST list-table; cells must already be escaped with ``text()``.

    A list-table rather than a pipe table because it carries column widths: LaTeX then
    wraps long cells in proportional columns instead of running off the page.
    """
    widths = list(widths) if widths else [1] * len(header)
    if len(widths) != len(header):
        raise ValueError("one width per column")
    lines = ["::::{list-table}", ":header-rows: 1", f":widths: {' '.join(str(w) for w in widths)}", ""]
    for row in [list(header), *rows]:
        if len(row) != len(header):
            raise ValueError("every row needs one cell per column")
        for i, cell in enumerate(row):
            content = _BREAKING.sub(" ", str(cell)).strip(" ") or EMPTY
            lines.append(("* - " if i == 0 else "  - ") + content)
    lines.append("::::")
    return "\n".join(lines)


def capped(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths=None,
    limit: int = TABLE_ROWS,
    source: str = "",
    total: int | None = None,
) -> str:
    """``table()`` of at most ``limit`` rows (``prose.first``), saying how many more the
    full data holds: a long table is cut in the book, and the full data is a download away.

    ``total``: how many rows the full table has, when ``rows`` holds only its first ones
    (a long table need not format rows it will not show).
    """
    rows = list(rows)
    total = len(rows) if total is None else total
    cut = first(range(total), limit)
    shown = table(header, rows[: len(cut.shown)], widths)
    if not cut.rest:
        return shown
    where = f" in {source}" if source else ""
    note = (
        f"The first {len(cut.shown)} of {total} rows; all of them are{where} in the data package (see Method and data)."
    )
    return shown + f"\n\n*{note}*"


def glued_figure(key: str, caption: str, name: str) -> str:
    """A figure of an output glued under ``key`` (myst-nb): each edition takes the format it
    prefers from the output's formats, e.g. inline SVG for HTML and PDF for LaTeX."""
    return f":::{{glue:figure}} {key}\n:name: {name}\n\n{caption}\n:::"


def download(path: str, label: str) -> str:
    """A link that downloads ``path`` (relative to the page) in HTML; its label in the PDF."""
    if re.search(r"[`<>\n]", path + label):
        raise ValueError(f"not a plain file name: {path!r}")
    return f"{{download}}`{label} <{path}>`"
