"""Run the notebook templates with papermill into a book folder: only the stale ones, in
parallel, all or nothing.

A notebook is stale when a hash of its inputs (template, data, archived articles, the
``analysis`` code, requirements, parameters) differs from the last build's. Stale ones
execute in a staging folder beside ``book/``; only when every one succeeded is ``book/``
swapped for it, so a failing or interrupted run leaves the published notebooks as they
were. Executed notebooks are normalised (papermill's timing and paths, random cell ids)
so that rerunning on unchanged inputs rewrites identical bytes. Kernels are forked from a
process that has their imports done (``analysis.kernels``), and the HTML can follow in
this process (``analysis.site``).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from analysis import kernels, site
from analysis.dataset import DEFAULT_ARCHIVE_DIR, ROOT, fingerprint, load

TEMPLATES_DIR = ROOT / "analysis" / "templates"
# The order of the table of contents; summary.ipynb is the landing page.
CHAPTERS = ["summary", "troops", "casualties", "chronology", "sources", "method"]
# Files a variant book needs besides its notebooks.
SCAFFOLD = ["_config.yml", "_toc.yml", "_toc_pdf.yml"]


# Seconds each notebook took in this process's last run (kept in the manifest for ordering).
_LAST_TIMINGS: dict[str, float] = {}


class BuildError(Exception):
    """A notebook failed; the book folder was left untouched."""


def build(
    out_root=None,
    as_of: str | None = None,
    data_dir=None,
    archive_dir=None,
    workers: int | None = None,
    force: bool = False,
    html: bool = False,
) -> Path:
    """Validate the data, execute the stale templates into ``out_root/book``, return that folder.

    ``out_root`` defaults to this repository; any other folder becomes a self-contained
    variant book (configuration, pages and a copy of the data), leaving ours alone.
    Only notebooks whose inputs changed since the last build run (all of them with
    ``force``); the others are carried over untouched. Raises ``DataError`` before
    anything is written when the data is malformed. With ``html``, the HTML edition is
    then built in this process (``analysis.site``), unless nothing it reads changed.
    """
    out_root = Path(out_root).resolve() if out_root else ROOT
    data_dir = Path(data_dir).resolve() if data_dir else ROOT / "data"
    book = out_root / "book"
    parameters: dict[str, str] = {}
    if as_of:
        parameters["as_of"] = as_of
    if out_root == ROOT and data_dir != (ROOT / "data").resolve():
        parameters["data_dir"] = os.path.relpath(data_dir, book)
    # only a non-default archive is passed: an absolute path must not enter book/ needlessly
    if archive_dir and Path(archive_dir).resolve() != DEFAULT_ARCHIVE_DIR.resolve():
        parameters["archive_dir"] = str(Path(archive_dir).resolve())
    # kernels inherit this environment: the same time zone and locale on every machine
    os.environ.update({"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"})
    manifest_path = out_root / "_build" / "notebooks.json"
    manifest = _read_manifest(manifest_path)
    keys = input_keys(data_dir, archive_dir, parameters)
    stale = [n for n in CHAPTERS if force or _is_stale(n, keys[n], manifest, book)]
    # the kernels' zygote and the workers start (and import) while this process validates
    zygote = kernels.Zygote(KERNEL_PRELOAD) if stale and kernels.supported() else None
    pool = _start_pool(workers or min(len(stale), os.cpu_count() or 1), zygote) if stale else None
    # Sphinx's imports overlap the kernels when the site will be rebuilt after them
    preload = (lambda: site.preload(out_root)) if html and (stale or not site.is_current(out_root)) else None
    try:
        dataset = load(data_dir, archive_dir)
        print(summary_line(dataset), flush=True)
        if out_root != ROOT:
            _scaffold_variant(out_root, data_dir)  # the variant's own data/ is what ../data finds
        pages = sorted((ROOT / "book").glob("*.md"))
        if not stale and all(_same(p, book / p.name) for p in pages):
            print(f"All {len(CHAPTERS)} notebooks are up to date (inputs unchanged)", flush=True)
        else:
            _run_into_book(book, pages, stale, manifest, parameters, pool, preload)
            _write_manifest(manifest_path, manifest, keys, book)
    finally:
        if pool is not None:
            # on an interrupt, queued notebooks are dropped; running ones finish in their worker
            pool.shutdown(wait=True, cancel_futures=True)
        if zygote is not None:
            zygote.close()
    if html:
        if site.is_current(out_root):
            print("The HTML is up to date (inputs unchanged)", flush=True)
        else:
            site.build(out_root)
    return book


def _write_manifest(path: Path, previous: dict, keys: dict[str, str], book: Path) -> None:
    timings = {n: previous.get(n, {}).get("seconds", 0.0) for n in CHAPTERS} | _LAST_TIMINGS
    manifest = {
        n: {"inputs": keys[n], "output": _hash_file(book / f"{n}.ipynb"), "seconds": round(timings[n], 1)}
        for n in CHAPTERS
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def summary_line(ds) -> str:
    counts = {name: len(ds.tables[name]) for name in ("sources", "claims", "events", "disagreements")}
    return "Data OK: " + ", ".join(f"{n} {name}" for name, n in counts.items())


def _run_into_book(
    book: Path, pages: list[Path], stale: list[str], manifest: dict, parameters: dict, pool, while_waiting
) -> None:
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".book-build-", dir=book.parent))
        for page in pages:
            shutil.copy2(page, staging / page.name)
        # carry over what needs no rerun, with its timestamps, so later steps see no change
        if (book / "figures").is_dir():
            shutil.copytree(book / "figures", staging / "figures", copy_function=shutil.copy2)
        else:
            (staging / "figures").mkdir()
        for name in CHAPTERS:
            if name not in stale:
                shutil.copy2(book / f"{name}.ipynb", staging / f"{name}.ipynb")
        # longest first, by the last run's timings, so the workers finish together
        stale = sorted(stale, key=lambda n: -manifest.get(n, {}).get("seconds", 0.0))
        _execute_all(staging, parameters, stale, pool, while_waiting)
        _keep_unchanged_times(staging, book)
        _swap(staging, book)
    finally:
        # on an interrupt, notebooks still running write into staging: let them finish
        # (queued ones are dropped) before removing it, or they would recreate it
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _keep_unchanged_times(staging: Path, book: Path) -> None:
    """A rerun whose output came out identical keeps the old file's time, so the HTML and
    PDF builds (make targets, Sphinx) redo only the pages that really changed."""
    for new in staging.rglob("*"):
        old = book / new.relative_to(staging)
        if new.is_file() and old.is_file() and new.stat().st_size == old.stat().st_size:
            if new.read_bytes() == old.read_bytes():
                shutil.copystat(old, new)


# What the notebooks' kernels import: loaded once, by the zygote they are forked from.
KERNEL_PRELOAD = [
    "ipykernel.kernelapp",
    "IPython.display",
    "pandas",
    "matplotlib.pyplot",
    "myst_nb",
    "analysis.charts",
    "analysis.render",
    "analysis.summary",
]


def _start_pool(workers: int, zygote) -> ProcessPoolExecutor:
    # forkserver: workers start from a clean process, not a fork of one holding ZMQ sockets.
    # Each worker leads a session of its own, so a Ctrl-C in the terminal reaches only this
    # process, which then winds the workers down instead of their kernels dying mid-cell.
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=_init_worker,
        initargs=(zygote.address, zygote.pid) if zygote else (),
    )
    for _ in range(workers):
        pool.submit(time.sleep, 0)  # spawn the workers now
    return pool


def _init_worker(*zygote) -> None:
    os.setsid()
    if zygote:
        kernels.connect(*zygote)
    import papermill  # noqa: F401  (imported while the parent validates)


def input_keys(data_dir: Path, archive_dir, parameters: dict) -> dict[str, str]:
    """Per notebook, a hash of everything its output depends on."""
    shared = hashlib.sha256()
    shared.update(fingerprint(Path(data_dir), Path(archive_dir) if archive_dir else DEFAULT_ARCHIVE_DIR).encode())
    for path in sorted((ROOT / "analysis").glob("*.py")) + [ROOT / "requirements.txt"]:
        shared.update(path.name.encode() + path.read_bytes())
    shared.update(json.dumps(parameters, sort_keys=True).encode())
    return {
        name: hashlib.sha256(shared.digest() + (TEMPLATES_DIR / f"{name}.ipynb").read_bytes()).hexdigest()
        for name in CHAPTERS
    }


def _read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _hash_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _is_stale(name: str, key: str, manifest: dict, book: Path) -> bool:
    entry = manifest.get(name, {})
    notebook = book / f"{name}.ipynb"
    return entry.get("inputs") != key or not notebook.is_file() or entry.get("output") != _hash_file(notebook)


def _same(a: Path, b: Path) -> bool:
    return b.is_file() and a.read_bytes() == b.read_bytes()


def _scaffold_variant(out_root: Path, data_dir: Path) -> None:
    out_root.mkdir(parents=True, exist_ok=True)
    for name in SCAFFOLD:
        shutil.copy2(ROOT / name, out_root / name)
    if data_dir != (out_root / "data").resolve():
        shutil.rmtree(out_root / "data", ignore_errors=True)
        shutil.copytree(data_dir, out_root / "data")


def _execute_all(staging: Path, parameters: dict, names: list[str], pool: ProcessPoolExecutor, while_waiting) -> None:
    started = time.monotonic()
    skipped = len(CHAPTERS) - len(names)
    note = f"; {skipped} unchanged, kept" if skipped else ""
    workers = min(len(names), os.cpu_count() or 1)
    print(f"Running {len(names)} notebooks with papermill ({workers} at a time{note})", flush=True)
    failures = []
    logs = staging.parent / "_build" / "logs"
    futures = {
        name: pool.submit(execute_one, TEMPLATES_DIR / f"{name}.ipynb", staging, parameters, logs) for name in names
    }
    if while_waiting is not None:
        while_waiting()
    for done, (name, future) in enumerate(futures.items(), 1):
        try:
            seconds = future.result()
            _LAST_TIMINGS[name] = seconds
            print(f"  [{done}/{len(names)}] {name}.ipynb  ok  {seconds:.1f}s", flush=True)
        except Exception as exc:  # report every failed notebook, then stop
            failures.append(f"{name}.ipynb: {_describe(exc)} (kernel log: {logs / name}.log)")
            print(f"  [{done}/{len(names)}] {name}.ipynb  FAILED", flush=True)
    if failures:
        raise BuildError("; ".join(failures) + " (book/ left unchanged)")
    print(f"All notebooks ran in {time.monotonic() - started:.1f}s", flush=True)


def execute_one(template: Path, staging: Path, parameters: dict, logs: Path) -> float:
    import papermill

    # The kernel inherits this worker's stderr: send it to a log file, not the terminal.
    # Failures still arrive here as exceptions from papermill.
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{template.stem}.log", "w") as log:
        os.dup2(log.fileno(), 2)

    started = time.monotonic()
    target = staging / template.name
    papermill.execute_notebook(
        str(template),
        str(target),
        parameters=parameters,
        cwd=str(staging),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        # every output has arrived when the kernel is stopped: no need to wait for it to exit
        shutdown_kernel="immediate",
        kernel_manager_class=kernels.ForkingKernelManager,
    )
    normalise(target)
    return time.monotonic() - started


def _describe(exc: Exception) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}".strip()
    return f"{type(exc).__name__}: {exc}"


def normalise(path: Path) -> None:
    """Drop what changes from run to run although the inputs did not."""
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


def _swap(staging: Path, book: Path) -> None:
    """Put ``staging`` in place of ``book``; no signal can land between the two renames."""
    old = book.with_name(f".book-old-{os.getpid()}")
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if book.exists():
            os.replace(book, old)
        os.replace(staging, book)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":
    sys.exit("use: python -m analysis build")
