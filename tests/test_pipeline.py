"""The papermill run is all-or-nothing, and nbval catches a changed figure."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import read_rows, snapshot, write_rows

from analysis.builder import pipeline
from analysis.builder.book import notebooks
from analysis.data.values import number
from analysis.paths import ROOT, TEMPLATES_DIR, archive_dir


@pytest.fixture
def variant(tmp_path) -> Path:
    """A variant book root whose book/ holds a known published state."""
    out = tmp_path / "variant"
    (out / "book").mkdir(parents=True)
    (out / "book" / "published.ipynb").write_text("{}")
    return out


def test_a_failing_notebook_leaves_book_untouched(variant, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("summary", "troops"):
        shutil.copy(TEMPLATES_DIR / f"{name}.ipynb", templates)
    broken = nbformat.read(templates / "troops.ipynb", as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"))
    nbformat.write(broken, templates / "troops.ipynb")
    before = snapshot(variant / "book")
    with pytest.raises(pipeline.BuildError, match="troops.ipynb: RuntimeError: planted failure"):
        pipeline.build(variant, templates=templates)
    assert snapshot(variant / "book") == before
    assert not list(variant.glob(".book-*")), "staging folders must be cleaned up"


def test_a_kernel_that_dies_is_reported_with_the_last_line_of_its_log(variant, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(TEMPLATES_DIR / "summary.ipynb", templates)
    dying = nbformat.read(templates / "summary.ipynb", as_version=4)
    dying.cells.append(nbformat.v4.new_code_cell("import os\nos.write(2, b'fatal: planted death\\n')\nos._exit(3)"))
    nbformat.write(dying, templates / "summary.ipynb")
    with pytest.raises(pipeline.BuildError) as failed:
        pipeline.build(variant, templates=templates)
    assert "summary.ipynb: DeadKernelError" in str(failed.value)
    assert f"kernel log: {variant / '_build' / 'logs' / 'summary.log'}, ending: " in str(failed.value)
    assert "fatal: planted death" in str(failed.value)


def test_a_successful_build_replaces_book_and_normalises(variant):
    book = pipeline.build(variant, as_of="2025-01-31", only=["summary"])
    assert sorted(p.name for p in book.iterdir()) == ["bibliography.md", "figures", "pdf_front.md", "summary.ipynb"]
    nb = json.loads((book / "summary.ipynb").read_text())
    assert nb["metadata"]["parameters"] == {"as_of": "2025-01-31"}
    assert "papermill" not in nb["metadata"]
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and injected[0]["id"] == "injected-parameters" and "remove-cell" in injected[0]["metadata"]["tags"]
    assert all("execution" not in c["metadata"] and "papermill" not in c["metadata"] for c in nb["cells"])
    assert "stated by 31 January 2025" in json.dumps(nb)


def test_templates_are_stripped_and_parameterised():
    for name in notebooks(ROOT):
        nb = nbformat.read(TEMPLATES_DIR / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name
        params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and "data_dir" in params[0].source and "as_of" in params[0].source, name


def test_committed_notebooks_match_templates():
    """Every template has its executed notebook in book/, and nothing else is there."""
    executed = sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))
    assert executed == sorted(notebooks(ROOT))
    for name in notebooks(ROOT):
        template = nbformat.read(TEMPLATES_DIR / f"{name}.ipynb", as_version=4)
        book = nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4)
        assert [c.source for c in template.cells] == [c.source for c in book.cells], (
            f"book/{name}.ipynb is stale: run make book"
        )


def _nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-vv",  # the whole diff of each output, so the changed figure shows
            str(notebook),
        ],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
    )


def number_in(quote: str, value: str) -> bool:
    """The quote prints ``value`` in digits ("14,000")."""
    return bool(value) and re.search(r"(?<![\d,])" + re.escape(number(int(value))) + r"(?![\d,])", quote) is not None


def test_nbval_fails_when_a_figure_changes(tmp_path):
    """The regression test has teeth: a changed figure fails nbval until the book is rebuilt."""
    book, data, archive = tmp_path / "book", tmp_path / "data", tmp_path / "sources"
    shutil.copytree(ROOT / "book", book)
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(archive_dir(), archive)
    notebook = book / "troops.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace('archive_dir = ""', f'archive_dir = "{archive}"')
    nbformat.write(nb, notebook)
    control = _nbval(notebook)
    assert control.returncode == 0, control.stdout[-2000:]

    # a consistent correction of the first troop figure printed in digits: the article, every
    # row of that article that quotes the figure, and the figure itself
    rows = read_rows(data / "claims.csv")
    troops = {m["metric_id"] for m in read_rows(data / "metrics.csv") if m["group"] == "troops"}
    claim = next(r for r in rows if r["metric"] in troops and number_in(r["quote"], r["value_high"]))
    old = int(claim["value_high"])
    new = old + 1  # a figure no article prints, so finding it in the diff says this change made it
    printed = re.compile(r"(?<![\d,])" + re.escape(number(old)) + r"(?![\d,])")
    sources = read_rows(data / "sources.csv")
    source = next(s for s in sources if s["source_id"] == claim["source_id"])
    article = archive / source["archive_file"]
    article.write_text(printed.sub(number(new), article.read_text(encoding="utf-8")), encoding="utf-8")
    source["archive_sha256"] = hashlib.sha256(article.read_bytes()).hexdigest()  # recorded by its new hash
    write_rows(data / "sources.csv", sources)
    for name in ("claims.csv", "events.csv", "disagreement_quotes.csv"):
        table = read_rows(data / name)
        for row in table:
            if row["source_id"] == claim["source_id"] and printed.search(row["quote"]):
                row["quote"] = printed.sub(number(new), row["quote"])
                for bound in ("value_low", "value_high"):
                    if row.get(bound) == str(old):
                        row[bound] = str(new)
        write_rows(data / name, table)
    changed = _nbval(notebook)
    assert changed.returncode != 0
    assert "Cell outputs differ" in changed.stdout
    assert "DataError" not in changed.stdout, "the data must stay valid: only the outputs may differ"
    assert number(new).replace(",", "\\,") in changed.stdout


def test_rebuild_skips_unchanged_notebooks_and_reruns_only_what_changed(tmp_path, capsys):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    out = tmp_path / "variant"
    options = {"templates": templates, "only": ["sources", "method"]}
    pipeline.build(out, **options)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "book").iterdir() if p.is_file()}
    capsys.readouterr()
    pipeline.build(out, **options)
    assert "up to date" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in (out / "book").iterdir() if p.is_file()} == before

    nb = nbformat.read(templates / "method.ipynb", as_version=4)
    nb.cells[0].source += "\n\nA changed sentence."
    nbformat.write(nb, templates / "method.ipynb")
    pipeline.build(out, **options)
    printed = capsys.readouterr().out
    assert "Running 1 notebooks" in printed and "method.ipynb  ok" in printed and "sources.ipynb" not in printed
    after = {p.name: p.stat().st_mtime_ns for p in (out / "book").iterdir() if p.is_file()}
    assert after["sources.ipynb"] == before["sources.ipynb"] and after["method.ipynb"] != before["method.ipynb"]
    assert "A changed sentence." in (out / "book" / "method.ipynb").read_text()


def test_a_data_change_reruns_every_notebook(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    out = tmp_path / "variant"
    pipeline.build(out, data_dir=data, only=["sources", "method"])
    rows = read_rows(data / "claims.csv")
    rows[0]["notes"] += " (checked again)"
    write_rows(data / "claims.csv", rows)
    capsys.readouterr()
    pipeline.build(out, data_dir=data, only=["sources", "method"])
    assert "Running 2 notebooks" in capsys.readouterr().out


def test_another_python_reruns_every_notebook(tmp_path, monkeypatch):
    """The method chapter's receipt prints the interpreter's version: a notebook run by
    another Python is not current."""
    before = pipeline.plan(tmp_path / "variant").keys
    monkeypatch.setattr(pipeline.platform, "python_version", lambda: "3.99.0")
    after = pipeline.plan(tmp_path / "variant").keys
    assert before.keys() == after.keys()
    assert [name for name in before if before[name] == after[name]] == []
