"""The pages extension's table labels (analysis/builder/pages/tables.py), on docutils tables."""

from __future__ import annotations

from docutils import nodes
from docutils.core import publish_doctree

from analysis.builder.pages.tables import column_labels

SPANNING = """
+---------+-------------------+---------+
| Claim   | Figure            | Source  |
+=========+=========+=========+=========+
| C001    | 10,000  | 12,000  | [Mar25] |
+---------+---------+---------+---------+
"""

TWO_HEADER_ROWS = """
+--------+-----------+
| Group  | Group     |
+--------+-----------+
| Name   | **Value** |
+========+===========+
| a      | 1         |
+--------+-----------+
"""


def _tgroup(rst: str) -> nodes.tgroup:
    return next(publish_doctree(rst).findall(nodes.tgroup))


def test_a_header_spanning_columns_labels_each_of_them():
    assert column_labels(_tgroup(SPANNING)) == {0: "Claim", 1: "Figure", 2: "Figure", 3: "Source"}


def test_the_header_row_nearest_the_body_gives_the_labels_as_plain_text():
    assert column_labels(_tgroup(TWO_HEADER_ROWS)) == {0: "Name", 1: "Value"}


def test_a_table_without_header_has_no_labels():
    assert column_labels(_tgroup("+---+---+\n| a | b |\n+---+---+\n")) == {}
