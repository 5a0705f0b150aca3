"""The data package described for search engines and data catalogues: schema.org
``Dataset`` JSON-LD in every HTML page, made from ``data/datapackage.json`` (the one
description of the data), and the package's files published beside the pages.

As a Sphinx extension (``sphinx.extra_extensions`` in ``_config.yml``) it hooks two
documented events: ``html-page-context``, to add the JSON-LD to the page's ``metatags``
(rendered in its ``<head>``), and ``build-finished``, to copy the package's descriptor and
CSV files into the HTML's ``data/`` folder, where each ``DataDownload``'s ``contentUrl``
points. ``dateModified`` is the data's own date (``latex.data_date``), never the build's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from analysis.builder.latex import data_date
from analysis.fingerprint import data_hash

DESCRIPTOR = "datapackage.json"
# where the package's files are published, relative to the HTML's root
PUBLISHED = "data"
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}


def descriptor(data_dir: Path) -> dict:
    return json.loads((Path(data_dir) / DESCRIPTOR).read_text(encoding="utf-8-sig"))


def published_files(data_dir: Path) -> list[str]:
    """The descriptor and every resource's file, as the HTML publishes them."""
    return [DESCRIPTOR, *(r["path"] for r in descriptor(data_dir)["resources"])]


def dataset(data_dir: Path, url) -> dict:
    """The schema.org Dataset; ``url(name)`` is the link to a published file."""
    package = descriptor(data_dir)
    licences = package.get("licenses", [])
    creators = [
        {"@type": "Organization", "name": c["title"]} for c in package.get("contributors", []) if c.get("title")
    ]
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": package.get("title") or package["name"],
        "alternateName": package["name"],
        "description": package.get("description", ""),
        "license": licences[0].get("path", licences[0].get("name")) if licences else None,
        "creator": creators,
        "keywords": package.get("keywords", []),
        "version": package.get("version"),
        "identifier": "sha256:" + data_hash(data_dir),
        "dateModified": data_date(data_dir).isoformat(),
        "isAccessibleForFree": True,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": r["path"],
                "description": r.get("description", ""),
                "encodingFormat": r.get("mediatype") or MEDIA_TYPES.get(Path(r["path"]).suffix.lstrip("."), ""),
                "contentUrl": url(r["path"]),
                "sha256": hashlib.sha256((Path(data_dir) / r["path"]).read_bytes()).hexdigest(),
            }
            for r in package["resources"]
        ],
    }


def script(data: dict) -> str:
    """``data`` as a JSON-LD script element; '<', '>' and '&' are escaped so that no text in
    the data can end the element early."""
    body = json.dumps(data, ensure_ascii=False, indent=1)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{body}\n</script>\n'


def _data_dir(app) -> Path:
    return Path(app.srcdir) / "data"


def _add_to_page(app, pagename, templatename, context, doctree) -> None:
    base = app.config.html_baseurl.rstrip("/")
    if base:
        url = lambda name: f"{base}/{PUBLISHED}/{name}"  # noqa: E731
    else:
        url = lambda name: context["pathto"](f"{PUBLISHED}/{name}", 1)  # noqa: E731
    context["metatags"] = context.get("metatags", "") + script(dataset(_data_dir(app), url))


def _publish(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / PUBLISHED
    target.mkdir(parents=True, exist_ok=True)
    for name in published_files(_data_dir(app)):
        source, copy = _data_dir(app) / name, target / name
        if not (copy.is_file() and copy.read_bytes() == source.read_bytes()):
            shutil.copy2(source, copy)


def setup(app) -> dict:
    app.connect("html-page-context", _add_to_page)
    app.connect("build-finished", _publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
