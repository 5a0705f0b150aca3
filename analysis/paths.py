"""Where things are: the project's folders and files, declared once.

The archived articles sit beside the project (``../shared/sources``) unless the
``ARCHIVE_DIR`` environment variable names another folder; a relative ``ARCHIVE_DIR`` is
taken from the project root, as ``make`` passes it.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
BOOK_DIR = ROOT / "book"
TEMPLATES_DIR = ROOT / "analysis" / "templates"
BUILD_DIR = ROOT / "_build"
CONFIG = ROOT / "_config.yml"
TOC = ROOT / "_toc.yml"
REQUIREMENTS = ROOT / "requirements.txt"
ARCHIVE_DEFAULT = "../shared/sources"


def archive_dir() -> Path:
    """The folder of archived articles: ``$ARCHIVE_DIR``, else ``../shared/sources``."""
    return (ROOT / os.environ.get("ARCHIVE_DIR", ARCHIVE_DEFAULT)).resolve()
