"""``python -m analysis add-source FILE``: archive a new article and scaffold its records.

The file is copied, byte for byte, into the archive as ``NNN_<first 16 hex digits of its
SHA-256>.txt`` (NNN: the next free number); a row is appended to ``sources.csv`` with
the file name and its SHA-256, the fields only a curator can fill left empty (validation
then lists each one with what to write), and a BibTeX entry to ``references.bib``.
Nothing is normalised: a file that is not UTF-8 is refused, not converted. Running it
again on the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.data.checks.archive import ARCHIVE_NAME, NAME_DIGITS, archive_name, sha256_text

SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# what the curator fills in, as validation will ask for it
TO_FILL = ["author", "outlet", "title", "published_start", "published_end", "published_precision", "date_basis"]


class CurationError(Exception):
    """The file cannot be added as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Added:
    source_id: str
    archive_path: Path
    sha256: str
    archived: bool  # False: the archive already held this exact file
    row: int | None  # sources.csv row appended (spreadsheet numbering), None if already there
    bib_added: bool

    def report(self, data_dir: Path) -> str:
        lines = [
            f"{'Archived' if self.archived else 'Already archived'}: {self.archive_path} (SHA-256 {self.sha256})",
        ]
        sources = data_dir / "sources.csv"
        if self.row is not None:
            lines.append(
                f"Added source '{self.source_id}' to {sources}, row {self.row}: fill in "
                + ", ".join(TO_FILL)
                + " (the README's 'Adding an article' says how)"
            )
        else:
            lines.append(f"Already in {sources} as source '{self.source_id}'")
        bib = data_dir / paths.BIBLIOGRAPHY
        if self.bib_added:
            lines.append(
                f"Added the BibTeX entry '{self.source_id}' to {bib}: fill in its author (or key), title, year"
            )
        else:
            lines.append(f"Already in {bib} as '{self.source_id}'")
        lines.append("Then: python -m analysis validate (it lists whatever is still missing)")
        return "\n".join(lines)


def add_source(
    file: str | Path, source_id: str | None = None, data_dir: str | Path | None = None, archive_dir=None
) -> Added:
    file = Path(file)
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    archive = Path(archive_dir).resolve() if archive_dir else paths.archive_dir()
    if not file.is_file():
        raise CurationError(f"{file}: no such file")
    if not archive.is_dir():
        raise CurationError(f"{archive}: the archive folder does not exist (give --archive-dir or set ARCHIVE_DIR)")
    raw = file.read_bytes()
    _require_utf8(file, raw)
    digest = sha256_text(raw)
    sources_csv = data_dir / "sources.csv"
    header, rows, newline = _read_csv(sources_csv)
    existing = next((r for r in rows if r.get("archive_sha256") == digest), None)
    if existing is not None:
        if source_id and source_id != existing["source_id"]:
            raise CurationError(
                f"{file} is already source '{existing['source_id']}' ({existing['archive_file']}); "
                f"rename that source instead of adding it again as '{source_id}'"
            )
        source_id = existing["source_id"]
        target = archive / existing["archive_file"]
    else:
        target = _archive_name(archive, rows, digest)
        source_id = source_id or f"source{target.name[:3]}"
        if not SOURCE_ID.match(source_id):
            raise CurationError(f"--id '{source_id}': a source id is lower-case letters, digits and _ (e.g. kim2025)")
        if any(r["source_id"] == source_id for r in rows):
            raise CurationError(f"--id '{source_id}' is already the id of another source in {sources_csv}")
    archived = _copy(raw, target)
    row = None
    if existing is None:
        new = dict.fromkeys(header, "")
        new.update(source_id=source_id, archive_file=target.name, archive_sha256=digest)
        _append_csv(sources_csv, header, new, newline)
        row = len(rows) + 2
    bib_added = _append_bib(data_dir / paths.BIBLIOGRAPHY, source_id, target.name)
    return Added(source_id, target, digest, archived, row, bib_added)


def _require_utf8(file: Path, raw: bytes) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CurationError(
            f"{file} is not UTF-8 (byte 0x{raw[exc.start : exc.start + 1].hex()} on line {line}): the archive "
            "keeps texts exactly as captured, so convert nothing silently: save the capture as UTF-8 "
            "(e.g. iconv -f windows-1252 -t utf-8) only if that is what it is, then run add-source again"
        ) from None


def _archive_name(archive: Path, rows: list[dict], digest: str) -> Path:
    """The next free number, and the content's hash: NNN_<16 hex>.txt."""
    taken = [p.name for p in archive.iterdir()] + [r.get("archive_file", "") for r in rows]
    numbers = [int(m["number"]) for m in map(ARCHIVE_NAME.match, taken) if m]
    number = max(numbers, default=-1) + 1
    if number > 999:
        raise CurationError("the archive's three-digit numbers are used up (000-999)")
    for name in taken:  # the same text under another number: reuse it
        m = ARCHIVE_NAME.match(name)
        if m and m["digest"] == digest[:NAME_DIGITS] and (archive / name).is_file():
            return archive / name
    return archive / archive_name(number, digest)


def _copy(raw: bytes, target: Path) -> bool:
    """Write the bytes unless the archive already holds exactly them; never overwrite other bytes."""
    if target.exists():
        if target.read_bytes() != raw:
            raise CurationError(f"{target} exists with different content; refusing to overwrite it")
        return False
    try:
        with target.open("xb") as fh:
            fh.write(raw)
    except OSError as exc:
        raise CurationError(f"cannot write {target}: {exc.strerror} (is the archive read-only?)") from None
    return True


def _read_csv(path: Path) -> tuple[list[str], list[dict], str]:
    text = path.read_bytes().decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows, newline


def _append_csv(path: Path, header: list[str], row: dict, newline: str) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerow([row[h] for h in header])
    raw = path.read_bytes()
    separator = b"" if raw.endswith(b"\n") or not raw else newline.encode()
    path.write_bytes(raw + separator + out.getvalue().encode("utf-8"))


def _append_bib(path: Path, key: str, archive_file: str) -> bool:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if re.search(r"@\w+\s*\{\s*" + re.escape(key) + r"\s*,", text):
        return False
    entry = (
        f"@misc{{{key},\n"
        "  author = {},\n"
        "  title = {},\n"
        "  howpublished = {},\n"
        "  year = {},\n"
        f"  note = {{Archived copy: {archive_file}; publication date resolved from the text}}\n"
        "}\n"
    )
    separator = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(separator + entry)
    return True
