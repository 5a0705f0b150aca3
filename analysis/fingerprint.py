"""One notion of what a step reads, and a content hash of it.

A step (validating the data, running one notebook, building an edition) is current when
the hash of its inputs is the one it last ran from. Its inputs are files and folders,
the project's own Python modules it uses, and plain values (parameters, versions).
Modules are followed through their imports, those inside functions included, so a
module that gains an import of another one makes the other part of every step that
uses it: nothing is listed by hand.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from analysis.paths import CODE_ROOT

PACKAGE = "analysis"


def digest(files: Iterable[Path] = (), modules: Iterable[str] = (), values: dict | None = None) -> str:
    """A SHA-256 over the contents (not the locations) of ``files``, every file below a
    folder among them, the source of ``modules`` and what they import, and ``values``."""
    h = hashlib.sha256()
    for path in map(Path, files):
        below = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        h.update(f"{len(below)} files\0".encode())
        for file in below:
            name = file.relative_to(path).as_posix() if path.is_dir() else file.name
            content = file.read_bytes() if file.is_file() else b"(missing)"
            h.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    for file in module_files(modules):
        h.update(file.relative_to(CODE_ROOT).as_posix().encode() + b"\0" + file.read_bytes())
    h.update(json.dumps(values or {}, sort_keys=True, default=str).encode())
    return h.hexdigest()


def data_hash(data_dir) -> str:
    """The data package's hash: ``digest`` of its folder (its files' names and contents, not
    their location). The receipt prints it; the PDF's title page and the pages' JSON-LD give
    it too. Recompute it with
    ``python -c "from analysis.fingerprint import data_hash; print(data_hash('data'))"``."""
    return digest(files=[Path(data_dir)])


def validation_key(data_dir: Path, archive_dir: Path) -> str:
    """A hash of everything validating the data depends on: the data, the archive, the
    loader and every module it imports, and the versions of the libraries it uses.
    Computed without importing them, so that a build with nothing to do stays quick."""
    from importlib.metadata import version

    return digest(
        files=[data_dir, archive_dir],
        modules=["analysis.data.dataset"],
        values={name: version(name) for name in ("pandas", "frictionless", "pybtex", "langcodes")},
    )


def module_files(modules: Iterable[str]) -> list[Path]:
    """The source files of the project's ``modules`` and of every project module they
    import, transitively, with their parent packages."""
    seen: dict[str, Path] = {}
    todo = [m for m in modules if _is_ours(m)]
    sources = _sources()
    while todo:
        name = todo.pop()
        if name in seen or name not in sources:
            continue
        path = Path(sources[name])
        seen[name] = path
        parent = name.rpartition(".")[0]
        todo += [parent] if parent else []
        todo += _imports_of(path, path.stat().st_mtime_ns)
    return sorted(seen.values())


@functools.cache
def _imports_of(path: Path, mtime_ns: int) -> list[str]:
    # parsing is most of a no-change build's cost: once per file version and process
    return imported_modules(ast.parse(path.read_text(encoding="utf-8")))


def notebook_modules(path: Path) -> list[str]:
    """The project names a notebook's code cells import: modules, and names imported from
    them, which ``module_files`` passes over as it does in any module's imports."""
    # the notebook format's JSON, read directly: nbformat's import costs a no-change build
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"]
            found += imported_modules(ast.parse("".join(source) if isinstance(source, list) else source))
    return sorted(set(found))


def imported_modules(tree: ast.AST) -> list[str]:
    """Project modules named by the import statements anywhere in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            # ``from analysis import charts``: charts may be a module of the package
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in found if _is_ours(name)]


def _is_ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def _sources() -> dict[str, str]:
    """The source file of every module of the package, by name (a package's is its
    ``__init__.py``). Listed afresh at each call, as modules come and go; one listing
    answers the many names an import statement may mean (most are attributes, not modules)."""
    found: dict[str, str] = {}
    skip = len(str(CODE_ROOT)) + 1
    for folder, subfolders, files in os.walk(CODE_ROOT / PACKAGE):
        subfolders[:] = [d for d in subfolders if d.isidentifier() and d != "__pycache__"]
        package = folder[skip:].replace(os.sep, ".")
        for file in files:
            stem, suffix = os.path.splitext(file)
            if suffix != ".py":
                continue
            if stem == "__init__":
                found.setdefault(package, os.path.join(folder, file))
            else:  # a module goes before a package of the same name, as it always did here
                found[f"{package}.{stem}"] = os.path.join(folder, file)
    return found
