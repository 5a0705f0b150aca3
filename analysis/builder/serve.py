"""``make serve``: the HTML edition on localhost, rebuilt and reloaded as a curator edits.

livereload serves ``_build/html`` (injecting its reload script into each page it sends)
and polls the build's inputs: the data package, the project's code and templates
(``analysis/``), the hand-written pages (``book/*.md``) and the book's configuration. When
one changes it runs the project's own incremental build, ``python -m analysis build
--html``, as ``make html`` does, so exactly what the change made stale is rerun, and then
tells the open pages to reload. A build that fails (a validation problem, a failing
notebook) prints why in the terminal and leaves the last good pages in place, still served.
Ctrl-C stops it. livereload calls a task in the thread that serves the pages, so a page
asked for during a rebuild is sent once it is done, and the reload comes after the build.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import subprocess
import sys
from pathlib import Path

from livereload import Server

from analysis import paths
from analysis.builder import book, site

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class PortInUse(Exception):
    def __init__(self, port: int, then: str) -> None:
        super().__init__(
            f"port {port} on {HOST} is in use by another program: stop it, or serve on another "
            f"port (make serve PORT={port + 1}; python -m analysis serve --port {port + 1}); {then}"
        )


@contextlib.contextmanager
def _binding(port: int, then: str):
    """Bind ``port`` in the block; a port in use becomes ``PortInUse``, saying ``then``."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(port, then) from None
        raise


def watched(data_dir: Path) -> list[str]:
    """What a rebuild reads that a curator edits (files and globs livereload polls). Not the
    rest of ``book/``: the build writes its notebooks and figures there itself.

    A folder is given as the glob of every file below it: livereload looks at each file a
    glob matches, but stops at the first changed file of a folder, meets the files after it
    on its next look as new, and then tells the open pages to reload although nothing changed."""
    folders = [data_dir, paths.ROOT / "analysis"]
    files = [paths.ROOT / name for name in book.CONFIG_FILES]
    return [str(f / "**" / "*") for f in folders] + [str(f) for f in files] + [str(paths.BOOK_DIR / "*.md")]


def build_command(data_dir: Path, out: Path | None, archive_dir: str | None, plain: bool) -> list[str]:
    command = [sys.executable, "-m", "analysis", "build", "--html", "--data-dir", str(data_dir)]
    if out is not None:
        command += ["--out", str(out)]
    if archive_dir:
        command += ["--archive-dir", archive_dir]
    return command + (["--plain"] if plain else [])


def _run(command: list[str]) -> int:
    """Run a build to its end. A Ctrl-C in the terminal reaches the build too (one process
    group), which then winds down as it does on its own (queued notebooks dropped, book/
    left as it was, staging folders removed); so it is waited for, not killed at once as
    ``subprocess.run`` would."""
    with subprocess.Popen(command, cwd=paths.ROOT) as build:
        try:
            return build.wait()
        except KeyboardInterrupt:
            build.wait()
            raise


def serve(
    data_dir: Path | None = None,
    out: Path | None = None,
    archive_dir: str | None = None,
    port: int = DEFAULT_PORT,
    plain: bool = False,
) -> None:
    """Build once, then serve ``out``'s HTML edition (default: this repository's) on
    localhost until interrupted, rebuilding on every change to its inputs."""
    data_dir = Path(data_dir or paths.DATA_DIR).resolve()
    command = build_command(data_dir, out, archive_dir, plain)
    pages = site.output_dir(Path(out or paths.ROOT).resolve(), "html")

    def rebuild() -> None:
        # output straight to the terminal: the validation problems, file, row and field
        if _run(command):
            print(
                f"make serve: the build failed (above); still serving the last good pages from {pages}",
                file=sys.stderr,
                flush=True,
            )

    # the port, bound before the first build and held through it: a port in use stops serve
    # before it builds anything, and no other program can take it while the build runs
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as reserved:
        with _binding(port, "nothing was built"):
            reserved.bind((HOST, port))
        rebuild()
    # released, for livereload to bind a moment later
    if not (pages / "index.html").is_file():
        print(f"make serve: nothing to serve yet in {pages}; fix the problems above and save again", file=sys.stderr)
    server = Server()
    for path in watched(data_dir):
        server.watch(path, rebuild)
    with _binding(port, f"the pages built are in {pages}"):  # taken in that moment
        server.serve(root=str(pages), host=HOST, port=port)
