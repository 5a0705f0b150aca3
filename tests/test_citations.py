"""analysis.builder.citations: pybtex's plugins looked up once, then answered from its
runtime store, the same classes as the installed entry points give."""

from __future__ import annotations

import pybtex.plugin
import pytest

from analysis.builder import citations


@pytest.fixture
def scans(monkeypatch) -> list[dict]:
    """Every scan pybtex makes of the installed packages' entry points."""
    calls: list[dict] = []
    real = pybtex.plugin.entry_points

    def counted(**query):
        calls.append(query)
        return real(**query)

    monkeypatch.setattr(pybtex.plugin, "entry_points", counted)
    return calls


@pytest.mark.parametrize(("group", "name"), [("pybtex.backends", "plaintext"), ("pybtex.style.formatting", "alpha")])
def test_a_remembered_plugin_is_the_installed_one_found_without_a_scan(scans, group, name):
    installed = next(iter(_installed(group, name)))
    citations.remember(group, name)
    scans.clear()
    found = [pybtex.plugin.find_plugin(group, name) for _ in range(50)]
    assert scans == []
    assert set(found) == {installed}


def _installed(group: str, name: str):
    from importlib.metadata import entry_points

    return [point.load() for point in entry_points(group=group, name=name)]


def test_an_empty_or_unknown_name_is_left_to_pybtex():
    citations.remember("pybtex.style.formatting", "")
    citations.remember("pybtex.style.formatting", "no-such-style")
    with pytest.raises(pybtex.plugin.PluginNotFound):
        pybtex.plugin.find_plugin("pybtex.style.formatting", "no-such-style")
