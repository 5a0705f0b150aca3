"""The HTML edition, built in this process with Jupyter Book's own command line.

Most of a ``jupyter-book build`` that follows a data change is Python importing Sphinx
and the book's extensions (about 1.5 s of 2.5 s). Built here, those imports happen while
the notebook kernels run (``preload``), and only the build itself is left once they are
done. A hash of the site's inputs, kept beside the HTML, skips the build entirely when
nothing it reads has changed.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from analysis.dataset import ROOT

# The flags of every build (the Makefile's JB_FLAGS for the PDF): nitpicky, warnings are
# errors, but report them all.
FLAGS = ["-n", "-W", "--keep-going"]
# What the site is built from, relative to the book's root.
INPUTS = ["_config.yml", "_toc.yml", "book", "data"]
# Imported inside extensions' setup() rather than at their top level.
DEFERRED_MODULES = ["myst_nb.sphinx_ext", "sphinx.builders.html"]


class SiteError(Exception):
    """Sphinx reported warnings or errors; they are printed above."""


def html_dir(root: Path) -> Path:
    return root / "_build" / "html"


def inputs_key(root: Path) -> str:
    """A hash of every file the HTML build reads, and of the pinned tool versions."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for name in INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def is_current(root: Path) -> bool:
    stamp = html_dir(root) / ".inputs"
    return (html_dir(root) / "index.html").is_file() and stamp.is_file() and stamp.read_text() == inputs_key(root)


def preload(root: Path) -> None:
    """Import Jupyter Book, Sphinx and the extensions the book's configuration loads."""
    from jupyter_book.config import get_final_config

    # the configuration Jupyter Book hands Sphinx, as `jupyter-book config sphinx` shows it
    config, _ = get_final_config(
        user_yaml=root / "_config.yml", cli_config={"latex_individualpages": False}, sourcedir=root
    )
    for module in [*config["extensions"], config["html_theme"], *DEFERRED_MODULES]:
        importlib.import_module(module)


def build(root: Path) -> None:
    """``jupyter-book build <root> -n -W --keep-going --builder html``, in this process."""
    from jupyter_book.cli.main import main

    failed = f"the HTML build of {root} failed (Sphinx's messages are above)"
    try:
        main(["build", str(root), *FLAGS, "--builder", "html"], standalone_mode=False)
    except SystemExit as exc:  # Jupyter Book's answer to warnings under -W
        if exc.code:
            raise SiteError(failed) from None
    except RuntimeError as exc:  # and to an exception inside Sphinx
        raise SiteError(failed) from exc
    (html_dir(root) / ".inputs").write_text(inputs_key(root))
