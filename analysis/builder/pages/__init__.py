"""The HTML pages as readers and assistive technology meet them: a Sphinx extension.

Registered in ``_config.yml`` (``sphinx.extra_extensions``). It corrects what the theme and
the extensions Jupyter Book loads get wrong, through Sphinx's own seams only:

* templates (``templates/``, searched before the theme's): the landing page that sends a
  visitor on to the first chapter, as a page with a language and a title (Sphinx's
  ``html_additional_pages``; the table-of-contents extension otherwise writes a bare
  redirect without either); the search and colour-mode buttons, whose accessible names
  now contain their visible text; the primary sidebar inside a navigation landmark;
* a translator (``app.set_translator``): the bibliography as a list of list items, not
  docutils' deprecated ``doc-biblioentry`` role inside a list that has no items; and every
  table's body cells labelled with their column headers (``tables.py``), so that on a phone
  a row can be set as a card;
* ``html-page-context``: each inline script once (Sphinx 7.4 adds the inline scripts
  that extensions register after the builder starts a second time, and the second
  ``const THEBE_JS_URL`` is a SyntaxError in every browser);
* ``html_context`` ``default_mode``: the colour mode the theme starts in (left empty, its
  script logs "Got invalid theme mode" on every first visit);
* ``static/pages.css``: tables that fit the text column on a desktop and read as a card
  per row on a phone, footer links that fit a phone, and figure captions (which carry the
  sources) in the body's colour.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.writers.html5 import HTML5Translator

from analysis.builder.pages.tables import LabelledCells

ASSETS = Path(__file__).parent
TEMPLATES = ASSETS / "templates"
STATIC = ASSETS / "static"
STYLESHEET = "pages.css"
# The landing page (index.html) when the book's first page is not called index.
LANDING = "landing.html"
# Charts are drawn for a light page: a reader may still switch to dark with the button.
DEFAULT_MODE = "light"


class ListedCitations(HTML5Translator):
    """Citations as ``role=list`` of ``role=listitem``: docutils writes each entry with
    the deprecated ``doc-biblioentry`` role, so the list has no items a reader can count."""

    def visit_citation(self, node) -> None:
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


class PageTranslator(LabelledCells, ListedCitations):
    """The HTML translator of the book's pages (the theme adds its own mixin in front)."""


def _configure(app, config) -> None:
    config.templates_path = [str(TEMPLATES), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.html_context = {"default_mode": DEFAULT_MODE, **config.html_context}


def _landing(app) -> None:
    # once the table of contents has named the first page (it sets root_doc on config-inited)
    if app.config.root_doc != "index":
        app.config.html_additional_pages = {"index": LANDING, **app.config.html_additional_pages}


def _scripts_once(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        seen, kept = set(), []
        for script in scripts:
            key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
            if key not in seen:
                seen.add(key)
                kept.append(script)
        context["script_files"] = kept


def setup(app) -> dict:
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _landing)
    app.connect("html-page-context", _scripts_once)
    app.set_translator("html", PageTranslator)
    app.add_css_file(STYLESHEET)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
