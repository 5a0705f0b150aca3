"""``pip install .`` (not editable) gives a working package: the wheel holds every module
and every file the code reads at run time, registers the kernel provisioner, and, installed
away from the project, builds the book from the project folder it is run in."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

from analysis import paths
from analysis.builder import book, site
from analysis.paths import ROOT

PACKAGE = ROOT / "analysis"


def not_source(_folder, names) -> set[str]:
    """Which of ``names`` are not the package's source: bytecode caches, hidden folders
    (editor checkpoints), build metadata. (The signature of ``shutil.copytree``'s ``ignore``.)"""
    return {n for n in names if n == "__pycache__" or n.startswith(".") or n.endswith((".pyc", ".egg-info"))}


def package_files() -> set[str]:
    """Every file of the package's source tree, as a wheel names it (``analysis/...``)."""
    files = (path.relative_to(ROOT) for path in PACKAGE.rglob("*") if path.is_file())
    return {file.as_posix() for file in files if not not_source(None, file.parts)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel ``pip install .`` would install, built offline from a copy of the sources
    (building in the checkout would leave build/ and *.egg-info behind)."""
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"
    source.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", source)
    shutil.copytree(PACKAGE, source / "analysis", ignore=not_source)
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp / "dist"), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = (tmp / "dist").glob("*.whl")
    return built


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_holds_every_module_and_data_file_of_the_package(wheel):
    files = package_files()
    assert {f for f in files if f.endswith(".py")} >= {"analysis/paths.py", "analysis/builder/pages/__init__.py"}
    # the files read at run time: the templates papermill runs, the pages extension's own
    assert {f for f in files if f.startswith("analysis/templates/")} == {
        f"analysis/templates/{name}.ipynb" for name in book.notebooks(ROOT)
    }
    assert files - wheel_files(wheel) == set()


def test_the_wheel_registers_the_entry_points_pyproject_declares(wheel):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    assert "jupyter_client.kernel_provisioners" in declared
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        registered = configparser.ConfigParser()
        registered.read_string(archive.read(name).decode())
    assert {group: dict(registered[group]) for group in registered.sections()} == declared


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """The wheel installed into a folder of its own (a pure-Python wheel installs by
    unpacking), and an environment whose Python finds the package there first."""
    site_dir = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site_dir)
    env = {**os.environ, "PYTHONPATH": str(site_dir)}
    for name in (paths.ROOT_VARIABLE, "ARCHIVE_DIR"):
        env.pop(name, None)
    return {"site": site_dir, "env": env}


def project_copy(tmp: Path) -> Path:
    """The project's book inputs without its ``analysis/`` folder, so that only the installed
    package can be imported, and the archive where it is looked for by default."""
    project = tmp / "project"
    project.mkdir()
    (tmp / "shared").mkdir()
    (tmp / "shared" / "sources").symlink_to(paths.archive_dir())
    for name in [*book.CONFIG_FILES, *site.INPUTS, "requirements.txt"]:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    return project


def where(installed, cwd: Path, **env) -> tuple[Path, Path]:
    """The installed package's folder and the project root it takes, run in ``cwd``."""
    out = subprocess.run(
        [sys.executable, "-c", "from analysis import paths; print(paths.PACKAGE_DIR); print(paths.ROOT)"],
        cwd=cwd,
        env={**installed["env"], **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return Path(out[0]), Path(out[1])


def test_the_installed_package_takes_the_project_from_the_current_folder(installed, tmp_path):
    project = project_copy(tmp_path)
    assert where(installed, project) == (installed["site"] / "analysis", project.resolve())
    # a process the build starts elsewhere (a kernel in its staging folder) is told the root
    assert where(installed, project / "book", **{paths.ROOT_VARIABLE: str(project)})[1] == project.resolve()


def test_the_build_names_the_project_root_to_the_processes_it_starts():
    env = {k: v for k, v in os.environ.items() if k != paths.ROOT_VARIABLE}
    code = "import os; from analysis.builder import environment; environment.apply(); print(os.environ[{!r}])"
    shown = subprocess.run(
        [sys.executable, "-c", code.format(paths.ROOT_VARIABLE)], env=env, capture_output=True, text=True, check=True
    )
    assert Path(shown.stdout.strip()) == ROOT


def test_the_installed_package_builds_the_book(installed, tmp_path):
    project = project_copy(tmp_path)
    shutil.rmtree(project / "book")
    (project / "book").mkdir()
    for page in (ROOT / "book").glob("*.md"):
        shutil.copy2(page, project / "book")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--html"],
        cwd=project,
        env=installed["env"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # every notebook ran from the installed templates, as the committed book has them
    assert sorted(p.name for p in (project / "book").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "book").glob("*.ipynb")
    )
    # and wrote nothing else there: the kernels, run in a staging folder, knew the project
    # root (else the validated data's cache would have landed in book/_build/)
    assert {p.name for p in (project / "book").iterdir() if p.is_dir()} == {
        p.name for p in (ROOT / "book").iterdir() if p.is_dir()
    }
    html = site.output_dir(project, "html")
    # the pages extension found its templates (the landing page) and its stylesheet
    assert "Open the report</a>" in (html / "index.html").read_text(encoding="utf-8")
    assert (html / "_static" / "pages.css").is_file()
    assert "pages.css" in (html / "book" / "summary.html").read_text(encoding="utf-8")
