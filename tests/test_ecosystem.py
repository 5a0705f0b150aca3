"""Ecosystem fit: the official validators, licences, citation, configuration, CI workflow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from analysis.paths import ROOT


def test_official_frictionless_validator_accepts_the_package():
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "data/datapackage.json"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "VALID" in result.stdout and "INVALID" not in result.stdout


def test_citation_file_names_both_licences():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert set(cff["license"]) == {"CC-BY-4.0", "MIT"}
    assert cff["title"] and cff["authors"] and cff["message"]
    # full schema validation: the cffconvert hook of `make lint`
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert any(h["id"] == "cffconvert" and "--validate" in h["entry"] for h in hooks)


def test_licences_are_present_and_stated():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    data_licence = (ROOT / "LICENSE-DATA.md").read_text()
    assert "CC BY 4.0" in data_licence and "quote" in data_licence
    readme = (ROOT / "README.md").read_text()
    assert "CC BY 4.0" in readme and "MIT" in readme
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "CC BY 4.0" in config["html"]["extra_footer"]


def test_no_sample_repository_or_launch_buttons():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "executablebooks" not in (ROOT / "_config.yml").read_text()
    assert config["launch_buttons"]["binderhub_url"] == "" and config["launch_buttons"]["colab_url"] == ""
    assert not config["html"]["use_repository_button"] and not config["html"]["use_edit_page_button"]
    links = config["sphinx"]["config"]["html_theme_options"]["icon_links"]
    assert any(link["url"].endswith("kursk-claims.pdf") for link in links)


def test_pre_commit_hooks_are_local_and_scoped():
    repos = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
    assert [r["repo"] for r in repos] == ["local"]
    hooks = {h["id"]: h for h in repos[0]["hooks"]}
    assert {"ruff-check", "ruff-format", "nbstripout", "nbqa-ruff", "cffconvert"} <= hooks.keys()
    assert hooks["nbstripout"]["files"].startswith("^analysis/templates/")  # never the executed book/
    assert "analysis|tests" in hooks["ruff-check"]["files"]
    for hook in hooks.values():
        assert all("==" in dep for dep in hook.get("additional_dependencies", [])), hook["id"]


def test_github_workflow_tests_and_publishes():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and "pull_request" in triggers
    steps = workflow["jobs"]["test"]["steps"]
    assert any(s.get("run") == "make test" for s in steps)
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "test" and publish["permissions"]["pages"] == "write"
    uses = [s.get("uses", "") for s in publish["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    upload = next(s for s in publish["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "project/_build/html"


def test_charts_have_an_opaque_white_background_for_dark_mode():
    for svg in (ROOT / "book" / "figures").glob("*.svg"):
        head = svg.read_text()[:4000]
        assert "fill: #ffffff" in head, svg.name
