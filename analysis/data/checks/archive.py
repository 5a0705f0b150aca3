"""Checks against the archived articles: each file is the one recorded (UTF-8, its SHA-256,
named by the rule), and every quote and printed field is in it character for character."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from analysis.data.checks.rows import numbered_rows, table_file
from analysis.data.problems import Problem
from analysis.data.verbatim import difference
from analysis.data.vocabulary import PRINTED_SOURCE_FIELDS

QUOTED_TABLES = ["claims", "events", "disagreement_quotes"]
# Archive files numbered from here on are named by their content (README, "Adding an article"):
# NNN_<first 16 hex digits of the SHA-256 of the text>.txt. 000-004 predate the rule.
CONTENT_NAMED_FROM = 5
ARCHIVE_NAME = re.compile(r"^(?P<number>[0-9]{3})_(?P<digest>[0-9a-f]{16})\.txt$")
NAME_DIGITS = 16


def archive_name(number: int, digest: str) -> str:
    """The rule's file name for the archived text numbered ``number`` with SHA-256 ``digest``."""
    return f"{number:03d}_{digest[:NAME_DIGITS]}.txt"


def check_quotes(ds) -> list[Problem]:
    """Every archived article is the file recorded, and every quote is found in it character for character."""
    archive = Path(ds.archive_dir).resolve()
    if not archive.is_dir():
        return [
            Problem(
                str(archive),
                None,
                None,
                "archive-folder-missing",
                "source archive folder not found (set ARCHIVE_DIR, or --archive-dir)",
            )
        ]
    texts, problems = {}, []
    src_file = table_file(ds, "sources")
    for row, s in numbered_rows(ds.sources):
        path = archive / s["archive_file"]
        if not path.is_file():
            problems.append(
                Problem(
                    src_file,
                    row,
                    "archive_file",
                    "archive-file-missing",
                    f"'{s['archive_file']}' not found in {archive}",
                )
            )
            continue
        raw = path.read_bytes()
        found = _archive_problems(src_file, row, s, path, raw)
        problems += found
        if not any(p.code == "archive-not-utf8" for p in found):
            texts[s["source_id"]] = (path, raw.decode("utf-8"))
    for row, s in numbered_rows(ds.sources):
        if s["source_id"] not in texts:
            continue
        path, text = texts[s["source_id"]]
        for field, placeholder in PRINTED_SOURCE_FIELDS.items():
            value = str(s[field])
            if value != placeholder and value not in text:
                problems.append(
                    Problem(
                        src_file,
                        row,
                        field,
                        "source-field-not-in-archive",
                        f"'{value}' is not printed in {path}: copy it character for character, or write "
                        f"'{placeholder}'; " + difference(value, text, f"the {field}", "the article"),
                    )
                )
    for table in QUOTED_TABLES:
        name = table_file(ds, table)
        for row, r in numbered_rows(ds.tables[table]):
            if r["source_id"] not in texts:
                continue
            path, text = texts[r["source_id"]]
            quote = str(r["quote"])
            if quote not in text:
                problems.append(
                    Problem(
                        name,
                        row,
                        "quote",
                        "quote-not-in-archive",
                        f"not found verbatim in {path}, the archived article of '{r['source_id']}': "
                        + _where_instead(quote, text, r["source_id"], texts),
                    )
                )
    return problems


def _where_instead(quote: str, text: str, source_id: str, texts: dict) -> str:
    """How the quote differs from its article, or which other article prints it."""
    elsewhere = [sid for sid, (_, other) in texts.items() if sid != source_id and quote in other]
    if elsewhere:
        path = texts[elsewhere[0]][0]
        return f"it is in {path}, the archived article of '{elsewhere[0]}': is source_id right?"
    return difference(quote, text)


def sha256_text(raw: bytes) -> str:
    """The SHA-256 of an archived file's bytes (its UTF-8 text), in hex."""
    return hashlib.sha256(raw).hexdigest()


def _archive_problems(src_file: str, row: int, source: dict, path: Path, raw: bytes) -> list[Problem]:
    """The file is UTF-8, unchanged since it was recorded, and (if new) named by its content."""
    digest = sha256_text(raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [
            Problem(
                src_file,
                row,
                "archive_file",
                "archive-not-utf8",
                f"{path} is not UTF-8 (byte 0x{raw[exc.start : exc.start + 1].hex()} at offset {exc.start})",
            )
        ]
    problems = []
    if digest != source["archive_sha256"]:
        problems.append(
            Problem(
                src_file,
                row,
                "archive_sha256",
                "archive-changed",
                f"{path} has SHA-256 {digest}, not the recorded {source['archive_sha256']}: the archived "
                "article changed since it was recorded. Restore the archived copy; a new capture of the "
                "article is a new source (python -m analysis add-source)",
            )
        )
    match = ARCHIVE_NAME.match(str(source["archive_file"]))
    if match and int(match["number"]) >= CONTENT_NAMED_FROM and match["digest"] != digest[:NAME_DIGITS]:
        problems.append(
            Problem(
                src_file,
                row,
                "archive_file",
                "archive-name",
                f"'{source['archive_file']}' should be named {archive_name(int(match['number']), digest)}: from "
                f"{CONTENT_NAMED_FROM:03d} on, an archive file is named by the first 16 hex digits of the "
                "SHA-256 of its text (python -m analysis add-source names it)",
            )
        )
    return problems
