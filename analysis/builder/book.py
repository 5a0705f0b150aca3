"""The book's structure, read from its own configuration rather than repeated in code.

``_toc.yml`` is the one list of chapters: the notebooks the build runs are its entries
that have a template in ``analysis/templates``, and the PDF edition's table of contents
is derived from it (a short front page as root, so that the summary becomes chapter 1).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.paths import CONFIG_FILE, TEMPLATES_DIR, TOC_FILE

# Files a self-contained variant book needs besides its pages and data.
CONFIG_FILES = [CONFIG_FILE, TOC_FILE]


def toc(root: Path) -> dict:
    return _yaml(root / TOC_FILE)


def config(root: Path) -> dict:
    return _yaml(root / CONFIG_FILE)


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def chapters(root: Path) -> list[str]:
    """Page names in reading order, the landing page first: ['summary', 'troops', …]."""
    spec = toc(root)
    files = [spec["root"]] + [entry["file"] for entry in spec.get("chapters", [])]
    return [Path(f).name for f in files]


def notebooks(root: Path, templates: Path = TEMPLATES_DIR) -> list[str]:
    """The chapters the build executes: those with a notebook template."""
    return [name for name in chapters(root) if (templates / f"{name}.ipynb").is_file()]


def latex_document(root: Path) -> list[str]:
    """The PDF edition as ``_config.yml`` declares it to Sphinx: front page, file, title, …"""
    return config(root)["sphinx"]["config"]["latex_documents"][0]


def pdf_toc(root: Path) -> dict:
    """The PDF's table of contents: its front page as root, every chapter numbered after it."""
    spec = toc(root)
    return {
        "format": spec["format"],
        "root": latex_document(root)[0],
        "chapters": [{"file": spec["root"]}, *spec.get("chapters", [])],
    }


def sphinx_extensions(root: Path) -> list[str]:
    """The Sphinx extensions ``_config.yml`` adds to Jupyter Book's (ours among them)."""
    return list(config(root)["sphinx"].get("extra_extensions", []))
