"""``sitemap.xml`` for the HTML edition: every page of the book at its published URL.

A Sphinx extension (``sphinx.extra_extensions`` in ``_config.yml``), on ``build-finished``.
Not sphinx-sitemap: it lists the pages written by the build at hand, so an incremental
build (ours rewrite only the pages whose notebooks changed) leaves out every other page
(its issue #13, open since 2018), and it lists them in the order they were written. This
lists every document of the environment, sorted, so the file depends on the book alone.
The URLs start at ``html_baseurl`` (``_config.yml``), which the sitemap protocol requires
to be absolute; without one, there is no sitemap.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from sphinx.errors import ConfigError

NAME = "sitemap.xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(base: str, uris: list[str]) -> bytes:
    """The sitemap of the pages at ``uris`` (relative to ``base``)."""
    root = ElementTree.Element("urlset", xmlns=NAMESPACE)
    for uri in sorted(uris):
        ElementTree.SubElement(ElementTree.SubElement(root, "url"), "loc").text = f"{base.rstrip('/')}/{uri}"
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def check_base_url(base: str) -> None:
    """``html_baseurl`` is empty or an absolute http(s) URL: the sitemap, the pages'
    OpenGraph URLs and the JSON-LD's ids are made from it, and a relative or mistyped one
    would publish links that lead nowhere."""
    parts = urlsplit(base)
    if base and not (parts.scheme in ("http", "https") and parts.netloc and not parts.query and not parts.fragment):
        raise ConfigError(
            f"html_baseurl in _config.yml is {base!r}: it must be the absolute URL the HTML is "
            "published at (https://host/path/), or empty for no sitemap"
        )


def _check(app, config) -> None:
    check_base_url(config.html_baseurl)


def _write(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.html_baseurl:
        return
    uris = [app.builder.get_target_uri(docname) for docname in app.env.found_docs]
    path, data = Path(app.outdir) / NAME, sitemap(app.config.html_baseurl, uris)
    if not (path.is_file() and path.read_bytes() == data):  # an unchanged file keeps its timestamp
        path.write_bytes(data)


def setup(app) -> dict:
    app.connect("config-inited", _check)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
