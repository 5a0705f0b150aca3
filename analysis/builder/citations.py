"""Citations resolved without rereading every installed package's metadata: a Sphinx extension.

Registered in ``_config.yml`` (``sphinx.extra_extensions``). sphinxcontrib-bibtex asks
pybtex for its plain-text backend once per citation it resolves, and for the
bibliography's formatting style once per bibliography; pybtex's ``find_plugin`` answers
each time by scanning the entry points of every installed distribution (about 13 ms here).
With one citation per register entry, that was a third of the HTML build of a record 100
times today's. pybtex's documented ``register_plugin`` keeps a plugin in the store it reads
before the entry points: each plugin is looked up once, the usual way, and what was found
is registered, so the same classes answer, only without the scan.
"""

from __future__ import annotations

import pybtex.plugin


def remember(group: str, name: str) -> None:
    """Keep the plugin ``find_plugin(group, name)`` finds now in pybtex's runtime store.
    An empty or unknown name is left to pybtex and sphinxcontrib-bibtex to report."""
    if not name:
        return
    try:
        found = pybtex.plugin.find_plugin(group, name)
    except pybtex.plugin.PluginNotFound:
        return
    pybtex.plugin.register_plugin(group, name, found, force=True)


def _configured(app, config) -> None:
    remember("pybtex.backends", "plaintext")
    remember("pybtex.style.formatting", config.bibtex_default_style)
    remember("pybtex.style.formatting", config.bibtex_tooltips_style)


def setup(app) -> dict:
    app.connect("config-inited", _configured)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
