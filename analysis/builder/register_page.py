"""The claims register's layout in the HTML: a Sphinx extension that adds a small style
sheet to the register page's head (the documented ``metatags`` of ``html-page-context``).

Each entry is a field list (``analysis.register``): Sphinx sets its names in a column at
most 30% wide, which on a phone is narrower than "Disagreements:" and breaks the word.
There, names go above their values instead; elsewhere they never break mid-word.
"""

from __future__ import annotations

from analysis.anchors import REGISTER_PAGE

STYLE = """<style>
div.register dl.field-list > dt { word-break: normal; hyphens: none; }
@media (max-width: 40em) {
  div.register dl.field-list { display: block; }
  div.register dl.field-list > dt { padding-left: 0; }
  div.register dl.field-list > dd { margin: 0 0 0.35em 0; padding-left: 1em; }
}
</style>
"""


def _style(app, pagename, templatename, context, doctree) -> None:
    if pagename.rsplit("/", 1)[-1] == REGISTER_PAGE:
        context["metatags"] = context.get("metatags", "") + STYLE


def setup(app) -> dict:
    app.connect("html-page-context", _style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
