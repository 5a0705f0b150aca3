"""Where things are: the project's folders and files, declared once.

The project root (``ROOT``: ``_config.yml``, ``data/``, ``book/``, ``_build/``) is, in this
order: the folder named by the ``KURSK_CLAIMS_ROOT`` environment variable; the checkout
this package was imported from (a checkout, or an editable install of one); otherwise
the current directory (``pip install .`` copies the package away from the project, so
run the build from the project folder). The build sets ``KURSK_CLAIMS_ROOT`` for the
processes it starts (kernels, Sphinx), so that they agree with it wherever they run. The
package's own files (the notebook templates) are read from the package, wherever it is.

The archived articles sit beside the project (``../shared/sources``) unless the
``ARCHIVE_DIR`` environment variable names another folder; a relative ``ARCHIVE_DIR`` is
taken from the project root, as ``make`` passes it. ``python3 -m analysis.paths`` (any
Python 3, no packages needed) checks that the archive is there: ``make`` runs it before it
installs anything.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

ROOT_VARIABLE = "KURSK_CLAIMS_ROOT"
# The installed package: where its modules and templates are read from.
PACKAGE_DIR = Path(__file__).resolve().parent
# The folder holding the package (the checkout, or site-packages): module paths start here.
CODE_ROOT = PACKAGE_DIR.parent


def project_root() -> Path:
    """The project the build reads and writes (see the module's docstring)."""
    named = os.environ.get(ROOT_VARIABLE)
    if named:
        return Path(named).resolve()
    if (CODE_ROOT / "_config.yml").is_file():
        return CODE_ROOT
    return Path.cwd().resolve()


ROOT = project_root()
DATA_DIR = ROOT / "data"
BOOK_DIR = ROOT / "book"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
BUILD_DIR = ROOT / "_build"
# A book's configuration and chapter list, in its root (this repository's, or a variant's).
CONFIG_FILE = "_config.yml"
TOC_FILE = "_toc.yml"
# The data package's bibliography of the archived articles, beside its tables.
BIBLIOGRAPHY = "references.bib"
REQUIREMENTS = ROOT / "requirements.txt"
ARCHIVE_DEFAULT = "../shared/sources"


def archive_dir() -> Path:
    """The folder of archived articles: ``$ARCHIVE_DIR``, else ``../shared/sources``."""
    return (ROOT / os.environ.get("ARCHIVE_DIR", ARCHIVE_DEFAULT)).resolve()


def missing_archive(folder: str | os.PathLike | None = None) -> str | None:
    """Why the archive cannot be used (it is not a folder of files), or ``None``."""
    where = (ROOT / folder).resolve() if folder else archive_dir()
    if where.is_dir() and any(where.iterdir()):
        return None
    state = "is empty" if where.is_dir() else "does not exist"
    why = textwrap.fill(
        "Every quote in data/ is checked against them, so nothing can be built or tested "
        "without them. They are the plain-text captures of the articles (the files named in "
        "the archive_file column of data/sources.csv), kept outside this repository because "
        "the articles are third-party copyrighted texts; they come with the project's shared "
        f"material, as shared/sources/ beside the project folder ({(ROOT / ARCHIVE_DEFAULT).resolve()}).",
        width=88,
    )
    return (
        f"The archived articles are missing: {where} {state}.\n{why}\n"
        "If you have them elsewhere, point the build at them:\n"
        "    make book ARCHIVE_DIR=/path/to/sources\n"
        "(the same for make test, or export ARCHIVE_DIR=/path/to/sources once)."
    )


if __name__ == "__main__":
    problem = missing_archive()
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(2)
