"""The claims register's entries as docutils nodes: a Sphinx extension.

Registered in ``_config.yml`` (``sphinx.extra_extensions``). The register notebook writes
its entries as data, one JSON line each, inside a ``register-entries`` directive
(``analysis.chapters.register`` describes the format). This extension builds from them the nodes
MyST would build from the same entries written as Markdown: in a container of class
``register``, for each entry a label, a rubric and a field list. A text part becomes a
text node as it is, so data needs no escaping; a citation goes through sphinxcontrib-bibtex's
``cite:p`` role, as ``{cite:p}`` in Markdown does.

Why not Markdown: at a thousand entries (a record a hundred times today's), the register
was most of the HTML build, and not only MyST's parsing. Every transform Sphinx and the
extensions apply walks every node of a page, several dozen times between reading and
writing, and the register's field lists are most of the book's nodes. So an entry's fields
stay data (an ``entry_fields`` node) while the page is read, numbered, stored and its
references resolved, and become the field list on ``doctree-resolved``, the documented
moment to change a doctree before it is written: the label and the rubric are nodes from
the start (other chapters link to the label), and so is each citation, which the
bibliography must count and Sphinx resolve.
"""

from __future__ import annotations

import json

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.util.docutils import SphinxDirective

# The container's class: the PDF sets its field lists compactly (the ``sphinxclassregister``
# environment in _config.yml's preamble), and pages.css styles them in the HTML.
CLASS = "register"
# The entries' titles are rubrics at this heading level (below the chapter's sections).
HEADING_LEVEL = 3


class entry_fields(nodes.Element):  # noqa: N801 (docutils names node classes in lower case)
    """An entry's fields as data (``fields``) until the doctree is resolved; its children
    are the nodes of the entry's citations, in order (``made`` in each ``cite`` part counts
    them)."""


class RegisterDomain(Domain):
    """The entries of each page, by label and title, as the objects of a Sphinx domain: the
    HTML search lists an entry by its title, so a figure typed as the book prints it finds
    the entries that show it (``analysis.builder.search``), and the register's JSON-LD
    (``analysis.builder.claims_jsonld``) finds a page's entries here."""

    name = "register"
    label = "Claims register"
    object_types = {"entry": ObjType("entry")}  # "Claims register entry" in the search results
    initial_data = {"entries": {}}  # docname -> [(label, title), ...] in page order

    def note_entry(self, docname: str, label: str, title: str) -> None:
        self.data["entries"].setdefault(docname, []).append((label, title))

    def entries(self, docname: str) -> list[tuple[str, str]]:
        return self.data["entries"].get(docname, [])

    def clear_doc(self, docname: str) -> None:
        self.data["entries"].pop(docname, None)

    def merge_domaindata(self, docnames, otherdata: dict) -> None:
        for docname in docnames:
            if docname in otherdata["entries"]:
                self.data["entries"][docname] = otherdata["entries"][docname]

    def get_objects(self):
        for docname, entries in self.data["entries"].items():
            for label, title in entries:
                yield title, title, "entry", docname, label, 1


class RegisterEntries(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        container = nodes.container(classes=[CLASS])
        self.set_source_info(container)
        for offset, line in enumerate(self.content):
            try:
                entry = json.loads(line)
            except ValueError as err:
                raise self.error(f"register entry {offset + 1}: {err}") from err
            container += self._entry(entry, container)
        return [container]

    def _entry(self, entry: dict, container: nodes.Element) -> list[nodes.Node]:
        target = nodes.target(entry["label"], names=[entry["label"]])
        self.set_source_info(target)
        self.state.document.note_explicit_target(target, container)
        title = nodes.rubric(entry["title"], "", nodes.Text(entry["title"]), **{"heading-level": HEADING_LEVEL})
        self.env.get_domain(RegisterDomain.name).note_entry(self.env.docname, entry["label"], entry["title"])
        fields = entry_fields(fields=entry["fields"])
        for part in _parts(entry["fields"]):
            if isinstance(part, dict) and "cite" in part:
                made = self._cite(part["cite"])
                part["made"] = len(made)
                fields += made
        return [target, title, fields]

    def _cite(self, keys: list[str]) -> list[nodes.Node]:
        text = ",".join(keys)
        role = self.env.get_domain("cite").role("p")
        made, messages = role("cite:p", f"{{cite:p}}`{text}`", text, self.lineno, self.state.inliner)
        return [*made, *messages]


def _parts(fields: list) -> list:
    """Every part of every field's value, in order."""
    return [
        part
        for _, value in fields
        for paragraph in (value["items"] if isinstance(value, dict) else [value])
        for part in paragraph
    ]


def field_list(node: entry_fields) -> nodes.field_list:
    """The field list ``node`` stands for, as MyST builds it from a Markdown field list."""
    citations = list(node.children)
    out = nodes.field_list(classes=["myst", "field-list"])
    for name, value in node["fields"]:
        body = nodes.field_body()
        if isinstance(value, dict):
            items = [nodes.list_item("", _paragraph(item, citations)) for item in value["items"]]
            body += nodes.bullet_list("", *items, bullet="-")
        else:
            body += _paragraph(value, citations)
        out += nodes.field("", nodes.field_name(name, name), body)
    return out


def _paragraph(parts: list, citations: list[nodes.Node]) -> nodes.paragraph:
    """A paragraph of parts; adjacent texts make one text node, as in parsed Markdown."""
    paragraph = nodes.paragraph()
    text = ""
    for part in parts:
        if isinstance(part, str):
            text += part
            continue
        if text:
            paragraph += nodes.Text(text)
            text = ""
        if "strong" in part:
            paragraph += nodes.strong(part["strong"], part["strong"])
        elif "link" in part:
            label, target = part["link"]
            paragraph += nodes.reference(label, label, refid=target)
        elif "lang" in part:
            paragraph += language_span(*part["lang"])
        elif "cite" in part:
            made, citations[:] = citations[: part["made"]], citations[part["made"] :]
            paragraph += made
        else:
            raise ValueError(f"not a register entry part: {part!r}")
    if text:
        paragraph += nodes.Text(text)
    return paragraph


def language_span(tag: str, text: str) -> nodes.inline:
    """Text in the language ``tag``: docutils' writers read a class ``language-<tag>`` as the
    element's language (the HTML writers set ``lang`` from it; Sphinx's LaTeX writer passes it
    to ``\\DUrole``, which sets the text as it is: XeTeX's fonts already cover Hangul and Cyrillic)."""
    return nodes.inline(text, text, classes=[f"language-{tag}"])


def _expand(app, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(entry_fields)):
        node.replace_self(field_list(node))


def setup(app) -> dict:
    app.add_domain(RegisterDomain)
    app.add_node(entry_fields)
    app.add_directive("register-entries", RegisterEntries)
    # after the other handlers: none of them concerns these nodes, nor need they walk them
    app.connect("doctree-resolved", _expand, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
