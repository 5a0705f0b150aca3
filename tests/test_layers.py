"""The library's folders follow the flow of the data, data → compute → text and charts →
chapters: a module imports only from its own folder and the ones before it, and nothing in
the library imports the build machinery (which imports the library, never the reverse)."""

from __future__ import annotations

import ast

import pytest

from analysis.fingerprint import imported_modules
from analysis.paths import ROOT

LIBRARY = ROOT / "analysis"
# Each folder of the library, with the folders it may import from besides its own.
LAYERS = {
    "data": set(),
    "compute": {"data"},
    "text": {"data", "compute"},
    "charts": {"data", "compute", "text"},
    "chapters": {"data", "compute", "text", "charts"},
}
# Modules every layer may use: where things are, and what a step reads.
FOUNDATION = {"analysis", "analysis.paths", "analysis.fingerprint"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _imports(folder: str) -> list[tuple[str, str]]:
    found = []
    for path in sorted((LIBRARY / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(path.relative_to(ROOT).as_posix(), name) for name in imported_modules(tree)]
    return found


@pytest.mark.parametrize("folder", LAYERS)
def test_a_folder_imports_only_from_the_folders_before_it(folder):
    allowed = LAYERS[folder] | {folder}
    wrong = [
        (path, name)
        for path, name in _imports(folder)
        if ".".join(name.split(".")[:2]) not in FOUNDATION
        and (name.startswith("analysis.builder") or _layer(name) not in allowed)
    ]
    assert not wrong, f"imports against the flow (data → compute → text, charts → chapters): {wrong}"


def test_every_library_module_is_in_a_layer():
    """A module dropped at the top of analysis/ would belong to no layer."""
    top = {p.stem for p in LIBRARY.glob("*.py")}
    assert top == {"__init__", "__main__", "paths", "fingerprint"}, top
    assert {p.name for p in LIBRARY.iterdir() if p.is_dir() and (p / "__init__.py").is_file()} == set(LAYERS) | {
        "builder"
    }
