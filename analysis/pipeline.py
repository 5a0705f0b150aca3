"""Run every notebook template with papermill into a book folder, all or nothing.

Notebooks execute in a staging folder beside ``book/``; only when every one succeeded
is ``book/`` swapped for it, so a failing or interrupted run leaves the published
notebooks as they were. Executed notebooks are normalised (papermill's timing and
paths, random cell ids) so that rerunning on unchanged inputs rewrites identical bytes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from analysis.dataset import ROOT

TEMPLATES_DIR = ROOT / "analysis" / "templates"
# The order of the table of contents; summary.ipynb is the landing page.
CHAPTERS = ["summary", "troops", "casualties", "chronology", "sources", "method"]
# Files a variant book needs besides its notebooks.
SCAFFOLD = ["_config.yml", "_toc.yml"]


class BuildError(Exception):
    """A notebook failed; the book folder was left untouched."""


def build(out_root=None, as_of: str | None = None, data_dir=None, workers: int | None = None) -> Path:
    """Execute every template into ``out_root/book`` and return that folder.

    ``out_root`` defaults to this repository; any other folder becomes a self-contained
    variant book (configuration, pages and a copy of the data), leaving ours alone.
    """
    out_root = Path(out_root).resolve() if out_root else ROOT
    if out_root != ROOT:
        _scaffold_variant(out_root)
    book = out_root / "book"
    parameters: dict[str, str] = {}
    if as_of:
        parameters["as_of"] = as_of
    if data_dir:
        parameters["data_dir"] = os.path.relpath(Path(data_dir).resolve(), book)
    staging = Path(tempfile.mkdtemp(prefix=".book-build-", dir=out_root))
    try:
        for page in (ROOT / "book").glob("*.md"):
            shutil.copy2(page, staging / page.name)
        (staging / "figures").mkdir()
        _execute_all(staging, parameters, workers)
        _swap(staging, book)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return book


def _scaffold_variant(out_root: Path) -> None:
    out_root.mkdir(parents=True, exist_ok=True)
    for name in SCAFFOLD:
        shutil.copy2(ROOT / name, out_root / name)
    shutil.rmtree(out_root / "data", ignore_errors=True)
    shutil.copytree(ROOT / "data", out_root / "data")


def _execute_all(staging: Path, parameters: dict, workers: int | None) -> None:
    workers = workers or min(len(CHAPTERS), os.cpu_count() or 1)
    started = time.monotonic()
    print(f"Running {len(CHAPTERS)} notebooks with papermill ({workers} at a time)", flush=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(execute_one, name, staging, parameters) for name in CHAPTERS}
        failures = []
        for done, (name, future) in enumerate(futures.items(), 1):
            try:
                seconds = future.result()
                print(f"  [{done}/{len(CHAPTERS)}] {name}.ipynb  ok  {seconds:.1f}s", flush=True)
            except Exception as exc:  # report every failed notebook, then stop
                failures.append(f"{name}.ipynb: {_describe(exc)}")
                print(f"  [{done}/{len(CHAPTERS)}] {name}.ipynb  FAILED", flush=True)
    if failures:
        raise BuildError("; ".join(failures) + " (book/ left unchanged)")
    print(f"All notebooks ran in {time.monotonic() - started:.1f}s", flush=True)


def execute_one(name: str, staging: Path, parameters: dict) -> float:
    import papermill

    started = time.monotonic()
    target = staging / f"{name}.ipynb"
    papermill.execute_notebook(
        str(TEMPLATES_DIR / f"{name}.ipynb"),
        str(target),
        parameters=parameters,
        cwd=str(staging),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
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
    old = None
    if book.exists():
        old = book.with_name(f".book-old-{os.getpid()}")
        os.replace(book, old)
    os.replace(staging, book)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":
    sys.exit("use: python -m analysis build")
