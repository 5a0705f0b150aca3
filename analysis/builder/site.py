"""The HTML and PDF editions, built from the book's Jupyter Book configuration.

One entry point (``build``) for both editions, two ways to run it:

* fast (the default): Jupyter Book writes its Sphinx configuration (``jupyter-book config
  sphinx``, its documented route to building with Sphinx directly) and Sphinx's command
  line runs in this process, so that its imports and the book's extensions can be loaded
  while the notebook kernels run (``prepare``);
* plain (``plain=True``; ``make book PLAIN=1``): the ``jupyter-book build`` command, as
  Jupyter Book documents it, for bisecting after an upgrade.

Both use the same flags and the same tables of contents, and both run LaTeX with its
clock set to the data's date (``latex.environment``), so the PDF's bytes depend on its
inputs only. Sphinx's and LaTeX's messages go to a log under ``_build/logs``, and
``_outcome`` is the one place that reads their failure signals (an exit status, or a
character no font of the PDF has). An edition whose inputs did not change is not rebuilt
(``Stamps``).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import os
import re
import runpy
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.builder import book, latex, lifeline, pages, publish
from analysis.builder.stamps import Stamps
from analysis.fingerprint import digest
from analysis.paths import CONFIG_FILE, REQUIREMENTS, TOC_FILE

# Every build, both editions, both ways: nitpicky, warnings are errors, but report them all.
FLAGS = ["-n", "-W", "--keep-going"]
# The heading Sphinx prints above an error's message: "Configuration error:", "Extension
# error (analysis.builder.claims_jsonld):".
SPHINX_ERROR = re.compile(r"^[A-Z][a-z]+ error( \(.*\))?:$")
# What an edition is built from, relative to the book's root (its notebooks included).
INPUTS = [CONFIG_FILE, TOC_FILE, "book", "data"]


# Imported by Sphinx only once a build is under way, not by the extensions' setup().
PRELOAD = ["sphinx.cmd.build", "sphinx.builders.html", "sphinx.builders.latex", "myst_nb.sphinx_ext"]


class SiteError(Exception):
    """Sphinx or LaTeX failed; the message quotes the relevant lines of the log."""


@dataclass(frozen=True)
class Edition:
    name: str
    jupyter_book_builder: str
    sphinx_builder: str
    folder: str  # below _build/


EDITIONS = {
    "html": Edition("html", "html", "html", "html"),
    "pdf": Edition("pdf", "pdflatex", "latex", "latex"),
}


def output_dir(root: Path, edition: str) -> Path:
    return root / "_build" / EDITIONS[edition].folder


def pdf_path(root: Path) -> Path:
    """The PDF, named as Sphinx's ``latex_documents`` in ``_config.yml`` names it."""
    target = book.latex_document(root)[1]
    return output_dir(root, "pdf") / Path(target).with_suffix(".pdf").name


def product(root: Path, edition: str) -> Path:
    """The file a reader opens: the HTML's landing page, or the PDF."""
    return output_dir(root, "html") / "index.html" if edition == "html" else pdf_path(root)


def inputs_key(root: Path, edition: str) -> str:
    files = [root / name for name in INPUTS] + [REQUIREMENTS]
    return digest(files=files, values={"edition": edition, "extensions": extensions_key(root, edition)})


def extensions_key(root: Path, edition: str) -> str:
    """The code of our own Sphinx extensions (and the pages extension's templates and
    stylesheet, for the HTML). Sphinx rereads and rewrites only the pages whose sources
    changed; when this changed, every page is built afresh (``-E``)."""
    files = [pages.TEMPLATES, pages.STATIC] if edition == "html" else []
    return digest(files=files, modules=book.sphinx_extensions(root))


def is_current(root: Path, edition: str) -> bool:
    return Stamps(root).is_current(f"edition:{edition}", inputs_key(root, edition), [product(root, edition)])


def prepare(root: Path) -> None:
    """Write Sphinx's configuration if it is stale, and import Sphinx and the extensions it
    loads: in the fast mode, the part of a build that need not wait for the notebooks."""
    config = runpy.run_path(str(sphinx_conf(root)))
    for module in [*PRELOAD, *config["extensions"], config["html_theme"]]:
        importlib.import_module(module)


def sphinx_conf(root: Path) -> Path:
    """``conf.py`` as ``jupyter-book config sphinx`` writes it from ``_config.yml``."""
    conf = root / "conf.py"
    stamps = Stamps(root)
    key = digest(files=[root / CONFIG_FILE, root / TOC_FILE, REQUIREMENTS])
    if not stamps.is_current("sphinx-conf", key, [conf]):
        _run_logged([_tool("jupyter-book"), "config", "sphinx", str(root)], root, "sphinx-conf")
        stamps.record("sphinx-conf", key, [conf])
    return conf


def build(root: Path, edition: str, plain: bool = False) -> bool:
    """Build ``edition`` ('html' or 'pdf') of the book at ``root`` unless it is current.

    Returns whether it was built. Raises ``SiteError`` when Sphinx or LaTeX fail; the
    edition is then not stamped current.
    """
    with _one_build_at_a_time(root):
        if is_current(root, edition):
            return False
        key = inputs_key(root, edition)  # before the build: what it was built from
        extensions = extensions_key(root, edition)
        fresh = Stamps(root).fact(f"edition:{edition}", "extensions") != extensions
        started = time.monotonic()
        toc = _toc_file(root, edition)
        if plain:
            _jupyter_book(root, edition, toc, fresh)
        else:
            _sphinx(root, edition, toc, fresh)
        seconds = round(time.monotonic() - started, 1)
        Stamps(root).record(f"edition:{edition}", key, [product(root, edition)], seconds=seconds, extensions=extensions)
        return True


@contextlib.contextmanager
def _one_build_at_a_time(root: Path):
    """Hold the book's build lock: both editions share ``conf.py``, the doctrees and
    ``_build/``, so a second build started meanwhile (another ``make``, another test worker)
    waits, then finds the edition current instead of writing the same files at once."""
    path = root / "_build" / ".site.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        # released when the file is closed, by the kernel too when the holder is killed
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Waiting for another build of this book to finish ({path} is locked)", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def place_pdf_beside_html(root: Path) -> None:
    """Every HTML page links the PDF edition as ``../<name>.pdf``: keep a copy there."""
    pdf, html = pdf_path(root), output_dir(root, "html")
    copy = html / pdf.name
    if pdf.is_file() and html.is_dir() and not (copy.is_file() and copy.read_bytes() == pdf.read_bytes()):
        # written beside the HTML folder, then renamed into it: never half a PDF in it
        partial = html.with_name(f".{pdf.name}.next")
        shutil.copy2(pdf, partial)
        os.replace(partial, copy)


def _toc_file(root: Path, edition: str) -> Path:
    if edition == "html":
        return root / TOC_FILE
    path = root / "_build" / "_toc_pdf.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Derived from _toc.yml by the build (analysis.builder.book.pdf_toc): do not edit.\n"
    text += yaml.safe_dump(book.pdf_toc(root), sort_keys=False)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def _jupyter_book(root: Path, edition: str, toc: Path, fresh: bool) -> None:
    spec = EDITIONS[edition]
    command = [_tool("jupyter-book"), "build", str(root), *FLAGS, "--builder", spec.jupyter_book_builder]
    command += ["--all"] if fresh else []
    if edition == "pdf":
        command += ["--toc", str(toc.relative_to(root))]
        _run_logged(command, root, edition, **_latex_step(root))
        return
    # Jupyter Book writes <path-output>/_build/html and its doctrees beside it
    doctrees = root / "_build" / ".doctrees"
    with _staged_html(root, "_build/html") as (stage, html):
        if doctrees.is_dir():
            os.rename(doctrees, html.with_name(".doctrees"))
        _run_logged([*command, "--path-output", str(stage)], root, edition)
        os.rename(html.with_name(".doctrees"), doctrees)


def _sphinx(root: Path, edition: str, toc: Path, fresh: bool) -> None:
    spec = EDITIONS[edition]
    conf = sphinx_conf(root)
    doctrees = root / "_build" / f".doctrees-{edition}"
    argv = [*FLAGS, *(["-E"] if fresh else []), "-b", spec.sphinx_builder, "-c", str(conf.parent), "-d", str(doctrees)]
    argv += ["-D", f"external_toc_path={toc.relative_to(root)}", str(root)]
    if edition == "html":
        with _staged_html(root) as (_, html):
            _run_sphinx([*argv, str(html)], root, edition)
        return
    out = output_dir(root, edition)
    _run_sphinx([*argv, str(out)], root, edition)
    # as jupyter-book does: the Makefile Sphinx's LaTeX builder writes runs latexmk
    _run_logged(["make", "all-pdf"], root, "pdf-latex", cwd=out, **_latex_step(root))


def _run_sphinx(argv: list[str], root: Path, edition: str) -> None:
    from sphinx.cmd.build import main as sphinx_build

    log = _log(root, edition)
    with log.open("w") as fh, contextlib.redirect_stdout(fh), contextlib.redirect_stderr(fh), _no_cycle_collection():
        code = sphinx_build(argv)
    _outcome(code, log, edition)


@contextlib.contextmanager
def _staged_html(root: Path, inner: str = ""):
    """The HTML edition is written into a copy of the published one, which it replaces in
    one step when complete (``publish``): a killed or failed build leaves the old pages.
    Yields the staging folder and the HTML folder in it (``inner``, if the tool that writes
    it names its own subfolder)."""
    out = output_dir(root, "html")
    with publish.staging(out) as stage:
        html = stage / inner
        if out.is_dir():
            # with their times: Sphinx rewrites only the pages older than their sources
            shutil.copytree(out, html, symlinks=True, dirs_exist_ok=True)
        yield stage, html
        publish.publish(html, out)


@contextlib.contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while Sphinx runs. A build allocates millions of
    objects that live until it ends (doctrees, whose nodes point to their parents and
    children, and the environment), and the collector, started by their allocation, walked
    the ever larger heap again and again: a third of the HTML build of a record 100 times
    today's. Reference counting still frees whatever is not in a cycle; the rest waits for
    the collector's first run after the build (about a hundred MB more at that size)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _latex_step(root: Path) -> dict:
    """How LaTeX runs, in either mode: with its clock at the data's date, and its own log
    read afterwards for characters it could not set."""
    return {"env": latex.environment(root / "data"), "tex_log": pdf_path(root).with_suffix(".log")}


def _run_logged(
    command: list[str],
    root: Path,
    name: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    tex_log: Path | None = None,
) -> None:
    log = _log(root, name)
    with log.open("w") as fh:
        code = lifeline.run(  # the command's whole tree ends with this build
            command,
            cwd=cwd or root,
            env={**os.environ, **(env or {})},
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    _outcome(code, log, name, tex_log)


def _outcome(code: int, log: Path, name: str, tex_log: Path | None = None) -> None:
    """The one reading of a failure signal: a non-zero exit status of Sphinx, Jupyter Book
    or make, with the log lines that say why; and, for the PDF, a character that no font
    had (XeLaTeX only notes it in its log and leaves a gap in the text)."""
    if code != 0:
        text = log.read_text(errors="replace").splitlines()
        relevant = _relevant_lines(text) or text[-20:]
        raise SiteError(f"the {name} build failed (exit status {code}); from {log}:\n" + "\n".join(relevant[:30]))
    missing = _missing_characters(tex_log) if tex_log and tex_log.is_file() else []
    if missing:
        raise SiteError(
            f"the {name} build failed: no font of the PDF has {', '.join(missing)}; add one that does "
            f"(_config.yml latex_elements, and its Debian package to TEX_PACKAGES in the Makefile); from {tex_log}"
        )


def _missing_characters(tex_log: Path) -> list[str]:
    """Each character XeTeX logged as missing, once, with its font: '김 (U+AE40) in FreeSerif.otf'."""
    text = tex_log.read_text(errors="replace")
    found = re.findall(r"Missing character: There is no (.+?) in font \[?([^]/:!]+)", text)
    return list(dict.fromkeys(f"{char} in {font}" for char, font in found))


def _relevant_lines(text: list[str]) -> list[str]:
    """The lines that say why a build failed. A TeX error ("! Undefined control sequence.")
    names its culprit only on the lines after it ("l.412 ...\\badmacro"), and so does a
    Sphinx error ("Configuration error:", "Extension error (module):"), so those come too."""
    keep: set[int] = set()
    for number, line in enumerate(text):
        if any(word in line for word in ("WARNING", "ERROR", "Error", "Exception", "! ", "error:")):
            keep.add(number)
            if line.startswith("! ") or SPHINX_ERROR.match(line):
                keep.update(range(number + 1, min(number + 3, len(text))))
    return [text[number] for number in sorted(keep)]


def _log(root: Path, name: str) -> Path:
    folder = root / "_build" / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.log"


def _tool(name: str) -> str:
    """A command installed beside this Python (the project's virtual environment)."""
    return str(Path(sys.executable).with_name(name))
