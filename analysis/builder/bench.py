"""``make bench``: how long rebuilds take, against the floor and against Jupyter Book's own execution.

Scenarios, each timed ``--reps`` times (median reported), in scratch folders:

a   the floor: papermill runs as many notebooks as ours, each only importing pandas and
    matplotlib, one after another with the ``papermill`` command (as a shell loop would),
    then a one-page Jupyter Book builds. a' runs the same notebooks from one Python
    process (no interpreter start per notebook), for reference.
b   our full rerun after a data change: ``python -m analysis build --html`` (validation,
    every notebook, the HTML build of the variant book), as ``make rerun`` runs it.
    b-plain is the same with ``--plain`` (ordinary kernels, the ``jupyter-book`` command),
    for reference: what the speed-ups are worth, and a way to bisect after an upgrade.
c   Jupyter Book executing our notebooks itself (``execute_notebooks: force``) and building.
d   ``make book`` in this repository with nothing changed.
e   b on a synthetic dataset 100 times larger (generated here, valid, not committed).

Targets: b/a <= 0.6, b/c <= 0.5, d <= 1 s, e/b <= 1.5. Exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from analysis.builder.book import notebooks
from analysis.paths import CONFIG_FILE, ROOT, TEMPLATES_DIR, TOC_FILE, archive_dir

BIN = Path(sys.executable).parent
TARGETS = {"b/a": 0.6, "b/c": 0.5, "d": 1.0, "e/b": 1.5}
CHAPTERS = notebooks(ROOT)


def run(cmd: list[str], cwd: Path | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{(result.stdout + result.stderr)[-3000:]}")


def timed(fn: Callable[[], None]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median(fn: Callable[[int], None], reps: int, label: str) -> float:
    times = []
    for rep in range(reps):
        times.append(timed(lambda rep=rep: fn(rep)))
        print(f"  {label} run {rep + 1}/{reps}: {times[-1]:.2f} s", flush=True)
    return statistics.median(times)


def jupyter_book(root: Path) -> None:
    run([str(BIN / "jupyter-book"), "build", str(root), "--builder", "html"])


def floor_setup(work: Path) -> Path:
    root = work / "floor"
    (root / "nb").mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas\nimport matplotlib.pyplot")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i in range(len(CHAPTERS)):
        nbformat.write(notebook, root / "nb" / f"floor{i}.ipynb")
    (root / CONFIG_FILE).write_text('title: Floor\nexecute:\n  execute_notebooks: "off"\nonly_build_toc_files: true\n')
    (root / TOC_FILE).write_text("format: jb-book\nroot: index\n")
    (root / "index.md").write_text("# Floor\n\nOne page.\n")
    return root


def floor_cli(root: Path) -> None:
    for i in range(len(CHAPTERS)):
        run([str(BIN / "papermill"), str(root / "nb" / f"floor{i}.ipynb"), str(root / "nb" / f"out{i}.ipynb")])
    jupyter_book(root)


def floor_in_process(root: Path) -> None:
    import papermill

    for i in range(len(CHAPTERS)):
        papermill.execute_notebook(
            str(root / "nb" / f"floor{i}.ipynb"), str(root / "nb" / f"out{i}.ipynb"), progress_bar=False
        )
    jupyter_book(root)


def touch_data(data_dir: Path, rep: int) -> None:
    """A contributor's correction: the attribution of one troop claim, re-copied from its
    quote with one more word, and recorded as a correction (status, status_note).

    The attribution stays a part of its quote, so the data stays valid. Every notebook
    reruns (they all depend on the data); the troop chapter's output changes, so the HTML
    build has real work to do too.
    """
    import csv

    path = data_dir / "claims.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    target = next(r for r in rows if r["metric"] == "deployed" and r["attribution"])
    quote, attribution = target["quote"], target["attribution"]
    start = quote.index(attribution)
    wider = quote.rfind(" ", 0, max(0, start - 1)) + 1  # the word before, with its space
    target["attribution"] = quote[wider : start + len(attribution)]
    target["status"] = "corrected"
    target["status_note"] = f"corrected: attribution re-copied from the quote (bench run {rep})"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def our_rerun(variant: Path, data_dir: Path, archive: Path, rep: int, plain: bool = False) -> None:
    """What ``make rerun`` does: validation, the notebooks, the HTML, in one command."""
    touch_data(data_dir, rep)
    command = [sys.executable, "-m", "analysis", "build", "--out", str(variant), "--data-dir", str(data_dir)]
    command += ["--archive-dir", str(archive), "--html"] + (["--plain"] if plain else [])
    run(command, cwd=ROOT)


def jb_execution_setup(work: Path) -> Path:
    root = work / "jb-execute"
    (root / "book" / "figures").mkdir(parents=True)
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy2(ROOT / TOC_FILE, root / TOC_FILE)
    for page in (ROOT / "book").glob("*.md"):
        shutil.copy2(page, root / "book" / page.name)
    for name in CHAPTERS:
        shutil.copy2(TEMPLATES_DIR / f"{name}.ipynb", root / "book" / f"{name}.ipynb")
    config = (ROOT / CONFIG_FILE).read_text().replace('execute_notebooks: "off"', 'execute_notebooks: "force"')
    assert 'execute_notebooks: "force"' in config
    (root / CONFIG_FILE).write_text(config.replace("execute:\n", "execute:\n  timeout: 300\n", 1))
    return root


def jb_execution(root: Path) -> None:
    shutil.rmtree(root / "_build", ignore_errors=True)
    jupyter_book(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.builder.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--factor", type=int, default=100, help="size of the synthetic dataset, times ours")
    args = parser.parse_args(argv)
    reps = max(args.reps, 1)
    print(f"Benchmark on {os.cpu_count()} cores, medians of {reps} runs", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        floor = floor_setup(work)
        data = work / "data"
        shutil.copytree(ROOT / "data", data)
        variant, plain = work / "ours", work / "ours-plain"
        archive = archive_dir()
        our_rerun(variant, data, archive, -1)  # warm: a contributor's checkout has built once
        our_rerun(plain, data, archive, -1, plain=True)
        jb_root = jb_execution_setup(work)
        # a, a', b and c take turns, so that a slow spell of the machine weighs on every ratio
        scenarios = {
            "a": ("a  floor (papermill command per notebook)", lambda _: floor_cli(floor)),
            "a'": ("a' floor (papermill from one process)", lambda _: floor_in_process(floor)),
            "b": ("b  our rerun after a data change", lambda rep: our_rerun(variant, data, archive, rep)),
            "b-plain": (
                "b-plain  the same, --plain",
                lambda rep: our_rerun(plain, data, archive, rep, plain=True),
            ),
            "c": ("c  Jupyter Book executing our notebooks", lambda _: jb_execution(jb_root)),
        }
        times: dict[str, list[float]] = {name: [] for name in scenarios}
        for rep in range(reps):
            for name, (label, fn) in scenarios.items():
                times[name].append(timed(lambda fn=fn, rep=rep: fn(rep)))
                print(f"  {label} run {rep + 1}/{reps}: {times[name][-1]:.2f} s", flush=True)
        results = {name: statistics.median(values) for name, values in times.items()}

        run(["make", "--no-print-directory", "book"], cwd=ROOT)  # warm
        results["d"] = median(
            lambda _: run(["make", "--no-print-directory", "book"], cwd=ROOT), reps, "d  make book, nothing changed"
        )

        from analysis.builder.synthetic import generate

        big_data, big_archive = generate(work / "synthetic", factor=args.factor)
        big = work / "ours-x"
        our_rerun(big, big_data, big_archive, -1)
        results["e"] = median(
            lambda rep: our_rerun(big, big_data, big_archive, rep), reps, f"e  our rerun, data x{args.factor}"
        )
    return report(results)


def report(results: dict[str, float]) -> int:
    ratios = {
        "b/a": results["b"] / results["a"],
        "b/c": results["b"] / results["c"],
        "d": results["d"],
        "e/b": results["e"] / results["b"],
    }
    print("\nmedian seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in results.items()))
    in_process = results["b"] / results["a'"]
    print(f"(for reference, b/a' = {in_process:.2f} against the in-process floor)")
    plain = results["b-plain"]
    print(
        f"(plain mode: b-plain = {plain:.2f} s, b-plain/a = {plain / results['a']:.2f}, "
        f"b-plain/c = {plain / results['c']:.2f}; the speed-ups save {plain - results['b']:.2f} s)"
    )
    failed = 0
    for name, value in ratios.items():
        ok = value <= TARGETS[name]
        failed += not ok
        unit = " s" if name == "d" else ""
        print(f"{name:>4} = {value:5.2f}{unit}   target <= {TARGETS[name]}{unit}   {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
