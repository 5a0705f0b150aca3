"""Tables a phone can read: each body cell carries its column's header as ``data-label``.

On a narrow screen ``static/pages.css`` sets each row of such a table as a card, every cell
introduced by its label ("Claimant: Volodymyr Zelensky"), instead of a row wider than the
screen that scrolls inside its box. A table set as blocks is no longer a table to every
browser's accessibility tree, so each element also names its part explicitly (ARIA
``table``, ``rowgroup``, ``row``, ``columnheader``, ``rowheader``, ``cell``): a screen reader
still announces a cell with its column header. On a desktop the table is drawn as before.
"""

from __future__ import annotations

from docutils import nodes

# The class of a table whose cells are labelled (the stylesheet reflows only those).
REFLOWED = "reflow"


def _columns(row: nodes.row) -> list[tuple[int, nodes.entry]]:
    """Each entry of ``row`` with the column it starts in (a spanning entry counts for
    every column it spans)."""
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
    """A translator mixin: the ARIA roles and ``data-label`` attributes described above,
    added where the base translator writes each table element's start tag (the theme's
    translator writes the table's own tag itself, so ``starttag`` is the one place all
    the table's elements pass through)."""

    def starttag(self, node, tagname, suffix="\n", empty=False, **attributes):
        role = _role(node, tagname)
        if role:
            attributes.setdefault("ROLE", role)
        if role == "table" and self._labels(node):
            attributes["CLASSES"] = [*attributes.get("CLASSES", []), REFLOWED]
        elif role in ("cell", "rowheader"):
            row = node.parent
            column = next(column for column, entry in _columns(row) if entry is node)
            label = self._labels(row.parent.parent).get(column)
            if label:
                attributes["DATA-LABEL"] = label
        return super().starttag(node, tagname, suffix, empty, **attributes)

    def _labels(self, node: nodes.Element) -> dict[int, str]:
        """The column labels of a table (or of its tgroup), worked out once per table."""
        tgroup = node if isinstance(node, nodes.tgroup) else next(node.findall(nodes.tgroup), None)
        if tgroup is None:
            return {}
        known = self.__dict__.setdefault("_column_labels", {})
        if tgroup not in known:
            known[tgroup] = column_labels(tgroup)
        return known[tgroup]


def _role(node: nodes.Node, tagname: str) -> str | None:
    if isinstance(node, nodes.table):
        return "table" if tagname == "table" else None
    if isinstance(node, (nodes.thead, nodes.tbody)):
        return "rowgroup"
    if isinstance(node, nodes.row):
        return "row"
    if isinstance(node, nodes.entry):
        if isinstance(node.parent.parent, nodes.thead):
            return "columnheader"
        return "rowheader" if tagname == "th" else "cell"
    return None
