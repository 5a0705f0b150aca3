"""Tables a phone can read: each body cell of a table of three or more columns carries its
column's header as ``data-label``.

On a narrow screen ``static/pages.css`` sets each row of such a table as a card, every cell
introduced by its label ("Claimant: Volodymyr Zelensky"), instead of a row wider than the
screen that scrolls inside its box. The elements stay ``table``, ``tr``, ``th`` and ``td``
with no ARIA roles added: Chromium keeps their table semantics when they are displayed as
blocks (``tests/test_browser.py`` checks the accessibility tree at 390 px), and an explicit
``role="cell"`` on a ``td`` is invalid HTML (the Nu HTML Checker reports an error for each).
"""

from __future__ import annotations

from docutils import nodes

# The class of a table whose cells are labelled (the stylesheet reflows only those).
REFLOWED = "reflow"
# Two columns fit a phone's width once their text wraps, and a card of two labelled lines
# ("What: Software", "Value: Python 3.11 …") reads worse than the two-column row it replaces.
MIN_COLUMNS = 3


def _columns(row: nodes.row) -> list[tuple[int, nodes.entry]]:
    """Each entry of ``row`` with the column it starts in (an entry spanning columns
    moves the next one along)."""
    placed, column = [], 0
    for entry in row.children:
        placed.append((column, entry))
        column += 1 + entry.get("morecols", 0)
    return placed


def column_labels(tgroup: nodes.tgroup) -> dict[int, str]:
    """The header text over each column, from the last header row (the one nearest the
    body). A header spanning several columns labels each of them."""
    theads = [child for child in tgroup.children if isinstance(child, nodes.thead)]
    if not theads or not theads[0].children:
        return {}
    labels = {}
    for column, entry in _columns(theads[0].children[-1]):
        text = " ".join(entry.astext().split())
        for spanned in range(column, column + 1 + entry.get("morecols", 0)):
            labels[spanned] = text
    return labels


class LabelledCells:
    """A translator mixin: the ``reflow`` class and the ``data-label`` attributes described
    above, added where the base translator writes a table's and a body cell's start tag
    (the theme's translator writes the table's tag itself, without calling the base's
    ``visit_table``, so ``starttag`` is where every translator's tags pass through)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._column_labels: dict[nodes.tgroup, dict[int, str]] = {}

    def starttag(self, node, tagname, suffix="\n", empty=False, **attributes):
        if isinstance(node, nodes.table) and tagname == "table" and self._labels(node):
            attributes["CLASSES"] = [*attributes.get("CLASSES", []), REFLOWED]
        elif isinstance(node, nodes.entry) and isinstance(node.parent.parent, nodes.tbody):
            row = node.parent
            column = next(column for column, entry in _columns(row) if entry is node)
            label = self._labels(row.parent.parent).get(column)
            if label:
                attributes["DATA-LABEL"] = label
        return super().starttag(node, tagname, suffix, empty, **attributes)

    def _labels(self, node: nodes.Element) -> dict[int, str]:
        """The column labels of a table (or of its tgroup) to be set as cards, worked out
        once per table; none for a table of fewer than ``MIN_COLUMNS`` columns."""
        tgroup = node if isinstance(node, nodes.tgroup) else next(node.findall(nodes.tgroup), None)
        if tgroup is None:
            return {}
        if tgroup not in self._column_labels:
            wide = tgroup.get("cols", 0) >= MIN_COLUMNS
            self._column_labels[tgroup] = column_labels(tgroup) if wide else {}
        return self._column_labels[tgroup]
