"""Run the notebook templates with papermill into a book folder: only the stale ones, in
parallel, all or nothing; then build the editions asked for.

``build`` reads like papermill's ``execute_notebook``: a plan computed once, then a short
list of named steps over it. A notebook is stale when the hash of its inputs (its
template, the data, the archived articles, the project modules it imports, the pinned
requirements, the parameters) differs from the one its last run recorded (``Stamps``).
Stale notebooks execute in a staging folder beside ``book/``; only when every one
succeeded is ``book/`` swapped for it, in one step (``publish``), so a failing, interrupted
or killed run leaves the published notebooks as they were. Executed notebooks are normalised (papermill's timing
metadata, random cell ids) so that rerunning on unchanged inputs rewrites the same bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import shutil
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.builder import book, diskfull, lifeline, publish, site
from analysis.builder.stamps import Stamps
from analysis.fingerprint import digest, notebook_modules, validation_key

# What the notebooks' kernels import: loaded once, by the process they are forked from.
KERNEL_PRELOAD = [
    "ipykernel.kernelapp",
    "ipykernel.debugger",  # debugpy: a tenth of a second of each kernel's start, imported lazily
    "IPython.display",
    "pandas",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_pdf",  # the charts' PDF and SVG files
    "matplotlib.backends.backend_svg",
    "myst_nb",
    "myst_nb.ext.glue",
    "analysis.charts",
    "analysis.chapters.page",
    "analysis.chapters.estimate_tables",
    "analysis.chapters.summary",
]
# What the workers import: loaded once, by the forkserver they are forked from (this module
# too: a worker runs its functions, and would otherwise import it, and Sphinx with it, again).
WORKER_PRELOAD = ["papermill", __name__, "analysis.builder.kernels"]


class BuildError(Exception):
    """A notebook failed; the book folder was left untouched."""


@dataclass(frozen=True)
class Plan:
    """Everything a build decides before it runs anything."""

    root: Path  # the book's root: this repository, or a variant's folder
    templates: Path
    data_dir: Path
    archive_dir: Path
    parameters: dict[str, str]
    notebooks: list[str]  # every chapter with a template, in reading order
    keys: dict[str, str]  # notebook -> hash of its inputs
    stale: list[str]  # the notebooks to run, longest first
    editions: list[str]
    plain: bool
    workers: int

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def pages(self) -> list[Path]:
        """The hand-written pages a variant's book/ needs too."""
        return sorted(paths.BOOK_DIR.glob("*.md"))

    @property
    def pages_changed(self) -> bool:
        return any(not _same(page, self.book / page.name) for page in self.pages)


def plan(
    out_root=None,
    as_of: str | None = None,
    claimants: list[str] | None = None,
    data_dir=None,
    archive_dir=None,
    workers: int | None = None,
    force: bool = False,
    editions: tuple[str, ...] = (),
    plain: bool = False,
    templates: Path = paths.TEMPLATES_DIR,
    only: list[str] | None = None,
) -> Plan:
    """Decide what a build will do. ``templates`` and ``only`` (a subset of the chapters)
    let a test or a curator run a part of the book from other templates."""
    root = Path(out_root).resolve() if out_root else paths.ROOT
    data_dir = Path(data_dir).resolve() if data_dir else paths.DATA_DIR
    archive_dir = Path(archive_dir).resolve() if archive_dir else paths.archive_dir()
    parameters: dict[str, str] = {}
    if as_of:
        parameters["as_of"] = as_of
    if claimants:
        parameters["claimants"] = ",".join(claimants)
    if root == paths.ROOT and data_dir != paths.DATA_DIR:
        parameters["data_dir"] = os.path.relpath(data_dir, paths.BOOK_DIR)
    # only a non-default archive is passed: an absolute path must not enter book/ needlessly
    if archive_dir != paths.archive_dir():
        parameters["archive_dir"] = str(archive_dir)
    names = [n for n in book.notebooks(paths.ROOT, templates) if only is None or n in only]
    # the interpreter too: the method chapter's receipt prints its version
    shared = digest(
        files=[data_dir, archive_dir, paths.REQUIREMENTS], values={**parameters, "python": platform.python_version()}
    )
    keys = {name: notebook_key(templates / f"{name}.ipynb", shared) for name in names}
    stamps = Stamps(root)
    current = {n for n in names if stamps.is_current(f"notebook:{n}", keys[n], [root / "book" / f"{n}.ipynb"])}
    stale = [n for n in names if force or n not in current]
    stale.sort(key=lambda n: -stamps.fact(f"notebook:{n}", "seconds", 0.0))
    return Plan(
        root=root,
        templates=templates,
        data_dir=data_dir,
        archive_dir=archive_dir,
        parameters=parameters,
        notebooks=names,
        keys=keys,
        stale=stale,
        editions=list(editions),
        plain=plain,
        workers=max(1, min(len(stale), workers or os.cpu_count() or 1)),
    )


def notebook_key(template: Path, shared: str) -> str:
    """A hash of everything one notebook's output depends on: its template, the project
    modules it imports, and ``shared``, the hash of what every notebook reads (the data,
    the archive, the pinned requirements, the parameters)."""
    return digest(files=[template], modules=notebook_modules(template), values={"shared": shared})


def build(out_root=None, **options) -> Path:
    """Validate the data, execute the stale templates into ``out_root/book``, then build
    the ``editions`` asked for ('html', 'pdf') unless they are current; return the book folder.

    ``out_root`` defaults to this repository; any other folder becomes a self-contained
    variant book (configuration, pages and a copy of the data), leaving ours alone.
    Raises ``DataError`` before anything is written when the data is malformed.
    """
    p = plan(out_root, **options)
    build_dir = p.root / "_build"
    with ExitStack() as running:
        pool = running.enter_context(notebook_workers(p)) if p.stale else None
        with diskfull.step(build_dir, "validating the data", p.book):
            validate(p)  # while the workers and kernels start up
        if p.root != paths.ROOT:
            with diskfull.step(p.root, "copying the configuration and data", p.book):
                scaffold_variant(p)
        if p.stale or p.pages_changed:
            with diskfull.step(p.root, "running the notebooks", p.book):
                run_notebooks(p, pool)
        else:
            print(f"All {len(p.notebooks)} notebooks are up to date (inputs unchanged)", flush=True)
    for edition in p.editions:
        with diskfull.step(build_dir, f"building the {edition.upper()} edition", site.output_dir(p.root, edition)):
            build_edition(p, edition)
    if p.editions:
        html = site.output_dir(p.root, "html")
        with diskfull.step(build_dir, "copying the PDF beside the HTML", html):
            site.place_pdf_beside_html(p.root)
    return p.book


def validate(p: Plan) -> None:
    """Validate the data (``DataError`` names every problem), unless exactly this data
    validated before: then not even pandas needs importing."""
    stamps = Stamps(p.root)
    key = validation_key(p.data_dir, p.archive_dir)
    if not stamps.is_current("validation", key, []):
        from analysis.data.dataset import load  # pandas: imported only when there is work

        stamps.record("validation", key, [], summary=summary_line(load(p.data_dir, p.archive_dir)))
    print(stamps.fact("validation", "summary"), flush=True)


def summary_line(ds) -> str:
    counts = {name: len(ds.tables[name]) for name in ("sources", "claims", "events", "disagreements")}
    return "Data OK: " + ", ".join(f"{n} {name}" for name, n in counts.items())


@contextmanager
def notebook_workers(p: Plan):
    """A process per notebook slot; in the fast mode, their kernels are forked from one
    process that has imported what the notebooks need (``analysis.builder.kernels``)."""
    from analysis.builder import kernels  # jupyter_client: imported only when notebooks run

    with ExitStack() as stack:
        zygote = None
        if not p.plain and kernels.supported():
            zygote = stack.enter_context(kernels.Zygote(KERNEL_PRELOAD))
        # forkserver: workers start from a clean process, not a fork of one holding ZMQ sockets.
        # Each leads a session of its own, so a Ctrl-C in the terminal reaches only this
        # process, which then winds the workers down instead of their kernels dying mid-cell.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", *WORKER_PRELOAD])  # '__main__' is the default
        pool = ProcessPoolExecutor(
            max_workers=p.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(zygote.jupyter_path if zygote else None, lifeline.lifeline()),
        )
        for _ in range(p.workers):
            pool.submit(time.sleep, 0)  # start the workers (and their imports) now
        try:
            yield pool
        finally:
            # on an interrupt, queued notebooks are dropped; running ones finish in their worker
            pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(jupyter_path: str | None, build) -> None:
    from analysis.builder import kernels

    # the forkserver, the worker's parent, outlives the build as long as a worker does
    lifeline.exit_with_build(build)
    os.setsid()
    kernels.use_forked_kernels(jupyter_path)


def run_notebooks(p: Plan, pool: ProcessPoolExecutor | None) -> None:
    """Execute the stale notebooks into a staging copy of book/, then swap it in."""
    with publish.staging(p.book) as stage:
        for page in p.pages:
            shutil.copy2(page, stage / page.name)
        # carry over what needs no rerun, with its timestamps, so later steps see no change
        if (p.book / "figures").is_dir():
            shutil.copytree(p.book / "figures", stage / "figures", copy_function=shutil.copy2)
        else:
            (stage / "figures").mkdir()
        for name in p.notebooks:
            if name not in p.stale:
                shutil.copy2(p.book / f"{name}.ipynb", stage / f"{name}.ipynb")
        try:
            running = submit_notebooks(p, pool, stage)
            if p.editions and not p.plain:
                site.prepare(p.root)  # Sphinx's imports overlap the kernels
            timings = collect(running, p, logs=p.root / "_build" / "logs")
        finally:
            # notebooks still running write into the staging folder: let them finish
            # (queued ones are dropped) before it is removed, or they would recreate it
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        _keep_unchanged_times(stage, p.book)
        publish.publish(stage, p.book)
    stamps = Stamps(p.root)
    for name in p.notebooks:
        seconds = timings.get(name, stamps.fact(f"notebook:{name}", "seconds", 0.0))
        stamps.record(f"notebook:{name}", p.keys[name], [p.book / f"{name}.ipynb"], seconds=round(seconds, 1))


def submit_notebooks(p: Plan, pool: ProcessPoolExecutor | None, stage: Path) -> dict[str, Future]:
    if not p.stale:
        return {}
    kept = len(p.notebooks) - len(p.stale)
    note = f"; {kept} unchanged, kept" if kept else ""
    print(f"Running {len(p.stale)} notebooks with papermill ({p.workers} at a time{note})", flush=True)
    logs = p.root / "_build" / "logs"
    return {
        name: pool.submit(execute_one, p.templates / f"{name}.ipynb", stage, p.parameters, logs) for name in p.stale
    }


def collect(running: dict[str, Future], p: Plan, logs: Path) -> dict[str, float]:
    """Wait for every notebook; report each; raise ``BuildError`` naming every failure."""
    started = time.monotonic()
    timings, failures = {}, []
    for done, (name, future) in enumerate(running.items(), 1):
        try:
            timings[name] = future.result()
            print(f"  [{done}/{len(running)}] {name}.ipynb  ok  {timings[name]:.1f}s", flush=True)
        except Exception as exc:  # report every failed notebook, then stop
            failures.append(f"{name}.ipynb: {_describe(exc)} ({_kernel_log(logs / f'{name}.log')})")
            print(f"  [{done}/{len(running)}] {name}.ipynb  FAILED", flush=True)
    if failures:
        raise BuildError("; ".join(failures) + " (book/ left unchanged)")
    if running:
        print(f"All notebooks ran in {time.monotonic() - started:.1f}s", flush=True)
    return timings


def execute_one(template: Path, stage: Path, parameters: dict, logs: Path) -> float:
    import papermill
    from traitlets.config import Config

    from analysis.builder import kernels

    # The kernel inherits this worker's stderr: send it to a log file, not the terminal.
    # Failures still arrive here as exceptions from papermill.
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{template.stem}.log", "w") as log:
        os.dup2(log.fileno(), 2)

    started = time.monotonic()
    target = stage / template.name
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        papermill.execute_notebook(
            str(template),
            str(target),
            parameters=parameters,
            cwd=str(stage),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            # every output has arrived when the kernel is stopped: no need to wait for it to exit
            shutdown_kernel="immediate",
            # written once when it has run (or failed), not after every cell: no one reads it before
            request_save_on_cell_execute=False,
            # passed on by papermill to nbclient, and by nbclient to the kernel manager
            config=Config(KernelManager=kernels.over_unix_sockets(sockets, "kernel")),
        )
    normalise(target)
    return time.monotonic() - started


def build_edition(p: Plan, edition: str) -> None:
    started = time.monotonic()
    where = site.product(p.root, edition).relative_to(p.root)
    if site.build(p.root, edition, plain=p.plain):
        print(f"The {edition.upper()} edition built in {time.monotonic() - started:.1f}s: {where}", flush=True)
    else:
        print(f"The {edition.upper()} edition is up to date (inputs unchanged): {where}", flush=True)


def scaffold_variant(p: Plan) -> None:
    p.root.mkdir(parents=True, exist_ok=True)
    for name in book.CONFIG_FILES:
        shutil.copy2(paths.ROOT / name, p.root / name)
    if p.data_dir != (p.root / "data").resolve():
        shutil.rmtree(p.root / "data", ignore_errors=True)
        shutil.copytree(p.data_dir, p.root / "data")


def _keep_unchanged_times(stage: Path, book_dir: Path) -> None:
    """A rerun whose output came out identical keeps the old file's time, so that Sphinx
    rereads only the pages that really changed."""
    for new in stage.rglob("*"):
        old = book_dir / new.relative_to(stage)
        if new.is_file() and old.is_file() and new.stat().st_size == old.stat().st_size:
            if new.read_bytes() == old.read_bytes():
                shutil.copystat(old, new)


def _same(a: Path, b: Path) -> bool:
    return b.is_file() and a.read_bytes() == b.read_bytes()


def _kernel_log(log: Path, last: int = 3) -> str:
    """Where the kernel's log is, and its ``last`` lines: a kernel that died (rather than
    raised in a cell) says why only there, before papermill's own last words."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        lines = []
    return f"kernel log: {log}" + (f", ending: {' / '.join(lines[-last:])}" if lines else "")


def _describe(exc: Exception) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}".strip()
    return f"{type(exc).__name__}: {exc}"


def normalise(path: Path) -> None:
    """Drop what changes from run to run although the inputs did not."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata.pop("papermill", None)
    if params:
        nb.metadata["parameters"] = params
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
            # papermill does not copy the template's tags onto the cell it injects
            cell.metadata["tags"] = ["injected-parameters", "remove-cell"]
    nbformat.write(nb, path)
