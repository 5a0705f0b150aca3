"""What the book says about its own making: the reproducibility receipt (method chapter and
PDF front matter) and the schema.org Dataset JSON-LD of the HTML, both from the data."""

from __future__ import annotations

import hashlib
import json
import re
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from helpers import pdf_text, visible_text

from analysis.builder import jsonld, latex, site
from analysis.chapters import receipt
from analysis.fingerprint import data_hash, digest
from analysis.paths import ROOT

DATA = ROOT / "data"


def test_the_receipt_names_the_data_hash_parameters_and_versions():
    values = receipt.values(DATA, "2025-01-31", ["zelensky", "ua_officials"])
    assert values["receipt_data_hash"] == data_hash(DATA) and len(values["receipt_data_hash"]) == 64
    assert values["receipt_as_of"] == "2025-01-31"
    assert values["receipt_claimants"] == "zelensky, ua_officials"
    for name in receipt.KEY_PACKAGES:
        assert f"{name} {version(name)}" in values["receipt_versions"]
    assert receipt.values(DATA) == receipt.values(DATA), "nothing from the clock"
    assert "none" in receipt.values(DATA)["receipt_as_of"]


def test_the_data_hash_follows_the_data_not_its_location(data_copy):
    assert data_hash(data_copy) == data_hash(DATA)
    (data_copy / "claims.csv").write_text((data_copy / "claims.csv").read_text() + "\n")
    assert data_hash(data_copy) != data_hash(DATA)


@pytest.fixture(scope="module")
def html() -> Path:
    site.build(ROOT, "html")
    return site.output_dir(ROOT, "html")


def test_the_method_chapter_shows_the_computed_data_hash_and_versions(html):
    text = visible_text((html / "book" / "method.html").read_text(encoding="utf-8"))
    assert "Reproducibility receipt" in text
    assert digest(files=[DATA]) in text
    assert f"pandas {version('pandas')}" in text and f"sphinx {version('sphinx')}" in text


def test_the_pdf_front_matter_shows_the_computed_data_hash():
    site.build(ROOT, "pdf")
    front = " ".join(pdf_text(site.pdf_path(ROOT)).split("\f")[1:3])
    assert "Reproducibility receipt" in front
    assert digest(files=[DATA]) in front.replace(" ", "")
    assert f"pandas {version('pandas')}" in " ".join(front.split())


def _json_ld(page: Path) -> dict:
    """The page's Dataset JSON-LD (the register's page also describes its claims, in another script)."""
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    datasets = [data for data in map(json.loads, found) if data.get("@type") == "Dataset"]
    assert len(datasets) == 1, page.name
    return datasets[0]


def test_every_page_describes_the_dataset_from_its_descriptor(html):
    package = jsonld.descriptor(DATA)
    base_url = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["html_baseurl"]
    pages = sorted((html / "book").glob("*.html"))
    assert pages
    for page in pages:
        data = _json_ld(page)
        assert data["@context"] == "https://schema.org/" and data["@type"] == "Dataset"
        assert data["name"] == package["title"] and data["description"] == package["description"]
        assert data["license"] == package["licenses"][0]["path"]
        assert [c["name"] for c in data["creator"]] == [c["title"] for c in package["contributors"]]
        assert data["version"] == package["version"]
        assert data["identifier"] == "sha256:" + digest(files=[DATA])
        assert data["dateModified"] == latex.data_date(DATA).isoformat()
        csvs = [r["path"] for r in package["resources"]]
        assert [d["name"] for d in data["distribution"]] == csvs
        for download in data["distribution"]:
            assert download["@type"] == "DataDownload" and download["encodingFormat"] == "text/csv"
            # the link works from the page it is on, and serves the package's own bytes
            # (the site's published URL, html_baseurl, stands for the built site's folder)
            url = urljoin(page.as_uri(), download["contentUrl"].replace(base_url, html.as_uri() + "/", 1))
            published = Path(url.removeprefix("file://"))
            assert published.is_file(), download["contentUrl"]
            assert published.read_bytes() == (DATA / download["name"]).read_bytes()
            assert download["sha256"] == hashlib.sha256(published.read_bytes()).hexdigest()


def test_json_ld_cannot_be_closed_by_the_data():
    tag = jsonld.script({"description": "</script><script>alert('x')</script> & more"})
    assert tag.count("</script>") == 1 and "<script>alert" not in tag
    body = tag.split(">", 1)[1].rsplit("<", 1)[0]
    assert json.loads(body)["description"] == "</script><script>alert('x')</script> & more"
