"""Helpers the test modules share: editing a scratch copy of the data, reading what a build wrote."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, to prove a step left it untouched."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0].keys())
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(data_dir: Path, file: str, index: int, field: str, value: str) -> int:
    """Set one cell (``index`` counts data rows from 0); return its spreadsheet row number."""
    path = data_dir / file
    rows = read_rows(path)
    rows[index][field] = value
    write_rows(path, rows)
    return index + 2


class _Text(HTMLParser):
    """Visible text of the article body, skipping scripts and styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    main = html[html.find('<article class="bd-article"') :]
    parser = _Text()
    parser.feed(main)
    return " ".join("".join(parser.parts).split())


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_links(pdf: Path) -> Counter:
    """How many links of the PDF go to each of its named destinations ('chapter.2', 'cite.…').
    Its objects sit in Flate-compressed streams, which are read here without a PDF library."""
    text = b""
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf.read_bytes(), re.S):
        try:
            text += zlib.decompress(stream.group(1))
        except zlib.error:
            continue  # fonts and images hold no links
    link = r"/Subtype\s*/Link[^>]*?/A\s*<<\s*/S\s*/GoTo\s*/D\s*\(([^)]*)\)"
    return Counter(re.findall(link, text.decode("latin-1")))


def register_entries(markdown: str) -> list[dict]:
    """The entries of a register text (``register.claim_entries``): one JSON line each in
    its ``register-entries`` directive."""
    return [json.loads(line) for line in markdown.splitlines() if line.startswith("{")]


def parts_text(parts: list) -> str:
    """A register field's value as a reader reads it (a citation as its keys)."""
    out = ""
    for part in parts:
        if isinstance(part, str):
            out += part
        elif "strong" in part:
            out += part["strong"]
        elif "link" in part:
            out += part["link"][0]
        elif "lang" in part:
            out += part["lang"][1]
        else:
            out += ",".join(part["cite"])
    return out


def link_targets(entries: list[dict]) -> set[str]:
    """The labels the entries' links point to."""
    return {
        part["link"][1]
        for entry in entries
        for _, value in entry["fields"]
        for parts in (value["items"] if isinstance(value, dict) else [value])
        for part in parts
        if isinstance(part, dict) and "link" in part
    }
