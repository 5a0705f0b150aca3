"""Helpers the test modules share: editing a scratch copy of the data (and of the archive),
reading what a build wrote.

Whatever a test corrupts or adds is found by key (a source id, a claim id, the first row
that has what the test needs), never by the line numbers of today's CSVs, so the tests hold
for any valid record.
"""

from __future__ import annotations

import csv
import json
import re
import signal
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from analysis.builder.curate import add_source
from analysis.data.checks.archive import ARCHIVE_NAME, CONTENT_NAMED_FROM, archive_name, sha256_text
from analysis.data.vocabulary import DEPLOYED


def as_in_a_terminal() -> None:
    """For ``Popen(preexec_fn=...)`` of a command a test interrupts with Ctrl-C (SIGINT): it
    gets SIGINT as a terminal's foreground job has it. A test runner started in the
    background (nohup, ``&``) passes SIGINT on ignored, and Python then installs no
    KeyboardInterrupt handler, so the command and its builds would not stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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


def row_index(data_dir: Path, file: str, field: str, value: str) -> int:
    """Index (data rows from 0) of the first row of ``file`` whose ``field`` is ``value``."""
    for i, row in enumerate(read_rows(data_dir / file)):
        if row[field] == value:
            return i
    raise AssertionError(f"no row of {file} has {field} {value!r}")


def archive_path(data_dir: Path, archive_dir: Path, source_id: str) -> Path:
    """The archived article of ``source_id``, as sources.csv names it."""
    rows = read_rows(data_dir / "sources.csv")
    return archive_dir / rows[row_index(data_dir, "sources.csv", "source_id", source_id)]["archive_file"]


def next_archive_number(data_dir: Path, archive_dir: Path) -> int:
    """The number the next archived article takes: one past the highest that a file of the
    archive or a row of sources.csv uses (README, "Adding an article")."""
    names = [p.name for p in archive_dir.iterdir()] + [r["archive_file"] for r in read_rows(data_dir / "sources.csv")]
    return max((int(m["number"]) for m in map(ARCHIVE_NAME.match, names) if m), default=-1) + 1


def rearchive(data_dir: Path, archive_dir: Path, source_id: str, raw: bytes) -> Path:
    """Give a source's archived article new bytes, as a new capture would, and keep the record
    consistent with them: sources.csv gets their SHA-256 and, for a file under the content
    rule, the name they imply. Returns the file's path."""
    index = row_index(data_dir, "sources.csv", "source_id", source_id)
    rows = read_rows(data_dir / "sources.csv")
    path = archive_dir / rows[index]["archive_file"]
    digest = sha256_text(raw)
    number = int(ARCHIVE_NAME.match(path.name)["number"])
    if number >= CONTENT_NAMED_FROM:
        path.unlink()
        path = archive_dir / archive_name(number, digest)
    path.write_bytes(raw)
    rows[index].update(archive_file=path.name, archive_sha256=digest)
    write_rows(data_dir / "sources.csv", rows)
    return path


# The sixth article of the README's scenario: an article the record has not seen, added as
# "Adding an article" says (add-source, its row, its BibTeX entry, a claim quoted from it).
NEW_ARTICLE = {
    "source_id": "newcomer2025",
    "author": "Jo Newcomer",
    "outlet": "The Test Wire",
    "title": "Seoul revises its count of North Korean troops",
    "published": "2025-05-05",
    "figure": (15000, "15,000"),
}


def add_article(data_dir: Path, archive_dir: Path, capture: Path) -> dict:
    """Add NEW_ARTICLE to the record, complete and valid; return its source and claim rows.

    Its claim is a troop figure credited to the first named claimant of claimants.csv,
    quoted verbatim from the article, under the next free claim id. It has every shape the
    curation tests look for in a record (a titled article; an attribution and a quote with a
    curly apostrophe; a figure printed in digits), so they find one in any record.
    """
    a = NEW_ARTICLE
    claimant = next(c for c in read_rows(data_dir / "claimants.csv") if c["claimant_type"] != "unattributed")
    value, printed = a["figure"]
    attribution = f"{claimant['name']}’s spokesperson"
    quote = f"{attribution} said that {printed} North Korean soldiers had been sent to Russia"
    capture.write_text(f"{a['title']}\nBy {a['author']}, {a['outlet']}\n\n{quote} so far.\n", encoding="utf-8")
    add_source(capture, a["source_id"], data_dir, archive_dir)
    sources = read_rows(data_dir / "sources.csv")
    sources[-1].update(
        author=a["author"],
        outlet=a["outlet"],
        title=a["title"],
        published_start=a["published"],
        published_end=a["published"],
        published_precision="day",
        date_basis="made up for the tests",
    )
    write_rows(data_dir / "sources.csv", sources)
    bib = data_dir / "references.bib"
    entry = (
        f"@misc{{{a['source_id']},\n  author = {{{a['author']}}},\n  title = {{{a['title']}}},\n"
        f"  howpublished = {{{a['outlet']}}},\n  year = {{{a['published'][:4]}}}\n}}\n"
    )
    scaffold = re.compile(r"@misc\{" + a["source_id"] + r",.*?\n\}\n", re.S)
    bib.write_text(scaffold.sub(lambda _: entry, bib.read_text(encoding="utf-8")), encoding="utf-8")
    claims = read_rows(data_dir / "claims.csv")
    claim = dict.fromkeys(claims[0], "")
    claim.update(
        claim_id=f"C{max(int(c['claim_id'][1:]) for c in claims) + 1:03d}",
        source_id=a["source_id"],
        claimant=claimant["claimant_id"],
        claimant_type=claimant["claimant_type"],
        attribution=attribution,
        subject="north_korea",
        metric=DEPLOYED,
        value_low=str(value),
        value_high=str(value),
        qualifier="exact",
        stated_end=a["published"],
        stated_precision="on_or_before",
        stated_basis="not dated; the article's publication day",
        period_precision="unspecified",
        period_basis="not stated",
        quote=quote,
        status="current",
    )
    write_rows(data_dir / "claims.csv", [*claims, claim])
    return {"source": sources[-1], "claim": claim}


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
