"""Checks the Frictionless schema cannot express: cross-field, cross-file and against the archive.

Each check returns a list of ``Problem``; ``run_all`` runs them all. Rows are numbered
as in a spreadsheet (header = row 1), like frictionless numbers them.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from pathlib import Path

import pandas as pd

from analysis.estimates import CASUALTY_METRICS, TROOP_METRICS
from analysis.formatting import number
from analysis.numbers import numbers_in
from analysis.problems import Problem
from analysis.verbatim import difference

# Date intervals by table: (column prefix, precisions that need no start date).
INTERVALS = {
    "sources": ["published"],
    "claims": ["stated", "period"],
    "events": ["date"],
}
QUOTED_TABLES = ["claims", "events", "disagreement_quotes"]
SEASON_MAX_DAYS = 92
# The metrics each chapter counts, and the group metrics.csv must give them.
CHAPTER_METRICS = {"troops": TROOP_METRICS, "casualties": CASUALTY_METRICS}
# Fields of sources.csv that copy the archived article, and the words that say it does not print them.
PRINTED_SOURCE_FIELDS = {
    "author": "not stated in the archived copy",
    "outlet": "not stated in the archived copy",
    "title": "untitled",
}
# Archive files numbered from here on are named by their content (README, "Adding an article"):
# NNN_<first 16 hex digits of the SHA-256 of the text>.txt. 000-004 predate the rule.
CONTENT_NAMED_FROM = 5
ARCHIVE_NAME = re.compile(r"^(?P<number>[0-9]{3})_(?P<digest>[0-9a-f]{16})\.txt$")
NAME_DIGITS = 16


def archive_name(number: int, digest: str) -> str:
    """The rule's file name for the archived text numbered ``number`` with SHA-256 ``digest``."""
    return f"{number:03d}_{digest[:NAME_DIGITS]}.txt"


def run_all(ds) -> list[Problem]:
    problems: list[Problem] = []
    for check in (
        check_values,
        check_claimant_types,
        check_attributions,
        check_status,
        check_chapter_metrics,
        check_event_keys,
        check_intervals,
        check_dates_before_publication,
        check_quotes,
        check_bibliography,
        check_disagreement_links,
        check_disagreement_sides,
    ):
        problems += check(ds)
    return problems


def _file(ds, table: str) -> str:
    return next(r["path"] for r in ds.descriptor["resources"] if r["name"] == table)


def _rows(frame: pd.DataFrame):
    """(spreadsheet row number, row) pairs; ``row[column]`` is what ``to_dict("records")``
    would give (a missing value is None). A column is converted the first time a row asks
    for it: iterrows, and to_dict itself, are slow at scale."""
    columns = _Columns(frame)
    for i in range(len(frame)):
        yield i + 2, _Row(columns, i)


class _Columns(dict):
    def __init__(self, frame: pd.DataFrame):
        super().__init__()
        self.frame = frame

    def __missing__(self, name: str) -> list:
        values = self[name] = [None if v is pd.NA else v for v in self.frame[name].tolist()]
        return values


class _Row:
    __slots__ = ("columns", "index")

    def __init__(self, columns: _Columns, index: int):
        self.columns, self.index = columns, index

    def __getitem__(self, name: str):
        return self.columns[name][self.index]


def check_values(ds) -> list[Problem]:
    """Bounds are ordered, agree with the qualifier, and appear in the quote as printed."""
    name = _file(ds, "claims")
    problems = []
    shapes = {
        "exact": (True, True, "a single figure: value_low and value_high both set and equal"),
        "approximately": (True, True, "a single figure: value_low and value_high both set and equal"),
        "between": (True, True, "a range: value_low below value_high"),
        "up_to": (False, True, "'up to': value_low empty, value_high set"),
        "at_least": (True, False, "'at least': value_low set, value_high empty"),
        "unquantified": (False, False, "no figure: value_low and value_high both empty"),
    }
    for row, claim in _rows(ds.claims):
        low, high, qualifier = claim["value_low"], claim["value_high"], claim["qualifier"]
        if pd.notna(low) and pd.notna(high) and low > high:
            problems.append(
                Problem(
                    name,
                    row,
                    "value_low",
                    "low-above-high",
                    f"value_low {number(low)} is greater than value_high {number(high)}",
                )
            )
            continue
        want_low, want_high, shape = shapes[qualifier]
        ok = pd.notna(low) == want_low and pd.notna(high) == want_high
        if qualifier in ("exact", "approximately") and ok:
            ok = low == high
        if qualifier == "between" and ok:
            ok = low < high
        if not ok:
            bad = "value_low" if pd.notna(low) != want_low else "value_high"
            problems.append(Problem(name, row, bad, "qualifier-shape", f"qualifier '{qualifier}' needs {shape}"))
            continue
        printed = numbers_in(str(claim["quote"]))
        for col in ("value_low", "value_high"):
            value = claim[col]
            if pd.notna(value) and int(value) not in printed:
                problems.append(
                    Problem(
                        name, row, col, "figure-not-in-quote", f"figure {number(value)} does not appear in the quote"
                    )
                )
                break
    return problems


def check_claimant_types(ds) -> list[Problem]:
    name = _file(ds, "claims")
    types = dict(zip(ds.claimants["claimant_id"], ds.claimants["claimant_type"], strict=False))
    return [
        Problem(
            name,
            row,
            "claimant_type",
            "claimant-type-mismatch",
            f"'{c['claimant_type']}' differs from claimants.csv, "
            f"which gives '{types[c['claimant']]}' for '{c['claimant']}'",
        )
        for row, c in _rows(ds.claims)
        if c["claimant"] in types and c["claimant_type"] != types[c["claimant"]]
    ]


def check_attributions(ds) -> list[Problem]:
    """The attribution is printed as the article's words, so it must be part of the quote.

    An attributed claim needs one; only an 'unattributed' claimant may leave it empty.
    """
    name = _file(ds, "claims")
    problems = []
    for row, c in _rows(ds.claims):
        attribution, quote = c["attribution"], str(c["quote"])
        if pd.isna(attribution):
            if c["claimant_type"] != "unattributed":
                problems.append(
                    Problem(
                        name,
                        row,
                        "attribution",
                        "attribution-missing",
                        f"is empty, but claimant '{c['claimant']}' is {c['claimant_type']}: copy the words of "
                        "the quote that name who made the claim (only an unattributed claim leaves it empty)",
                    )
                )
        elif str(attribution) not in quote:
            problems.append(
                Problem(
                    name,
                    row,
                    "attribution",
                    "attribution-not-in-quote",
                    f"'{attribution}' does not occur verbatim in the quote: "
                    + difference(str(attribution), quote, "the attribution", "the quote"),
                )
            )
    return problems


def check_status(ds) -> list[Problem]:
    """A corrected or retired claim says why; no disagreement rests on a retired claim."""
    name = _file(ds, "claims")
    problems = [
        Problem(
            name,
            row,
            "status_note",
            "status-note-missing",
            f"is empty, but the claim is {c['status']}: say what was wrong and why (and when), "
            "e.g. 'retired 2025-05-10: the article attributes the figure to the NIS, not to Zelensky'",
        )
        for row, c in _rows(ds.claims)
        if c["status"] != "current" and pd.isna(c["status_note"])
    ]
    retired = set(ds.claims.loc[ds.claims["status"] == "retired", "claim_id"])
    quotes = _file(ds, "disagreement_quotes")
    problems += [
        Problem(
            quotes,
            row,
            "claim_id",
            "retired-claim-linked",
            f"'{q['claim_id']}' is retired (claims.csv, status): link a current claim, or leave claim_id empty",
        )
        for row, q in _rows(ds.disagreement_quotes)
        if q["claim_id"] in retired
    ]
    return problems


def check_chapter_metrics(ds) -> list[Problem]:
    """Every metric a chapter counts is in metrics.csv, in that chapter's group."""
    name = _file(ds, "metrics")
    groups = dict(zip(ds.metrics["metric_id"], ds.metrics["group"], strict=False))
    rows = {m: i + 2 for i, m in enumerate(ds.metrics["metric_id"])}
    problems = []
    for group, metrics in CHAPTER_METRICS.items():
        for metric in metrics:
            if metric not in groups:
                problems.append(
                    Problem(
                        name,
                        None,
                        "metric_id",
                        "chapter-metric-missing",
                        f"no row '{metric}': the {group} chapter counts it (analysis/estimates.py); "
                        "add the row, with its label, unit, group and definition",
                    )
                )
            elif groups[metric] != group:
                problems.append(
                    Problem(
                        name,
                        rows[metric],
                        "group",
                        "chapter-metric-group",
                        f"'{groups[metric]}' for '{metric}', which the {group} chapter counts: set it to '{group}'",
                    )
                )
    return problems


def check_event_keys(ds) -> list[Problem]:
    """The rows of one event (one event_key) agree on its category: the chronology shows one."""
    name = _file(ds, "events")
    first: dict[str, tuple[str, str]] = {}
    problems = []
    for row, e in _rows(ds.events):
        key = e["event_key"]
        if key not in first:
            first[key] = (e["category"], e["event_id"])
        elif e["category"] != first[key][0]:
            category, event_id = first[key]
            problems.append(
                Problem(
                    name,
                    row,
                    "category",
                    "event-category-mismatch",
                    f"'{e['category']}' differs from '{category}' of {event_id}, another report of the same "
                    f"event '{key}': one event has one category (or give this row its own event_key)",
                )
            )
    return problems


def check_intervals(ds) -> list[Problem]:
    """Start <= end, and the span matches the stated precision."""
    problems = []
    for table, prefixes in INTERVALS.items():
        name = _file(ds, table)
        for row, r in _rows(ds.tables[table]):
            for prefix in prefixes:
                found = _interval_problem(r[f"{prefix}_start"], r[f"{prefix}_end"], r[f"{prefix}_precision"])
                if found:
                    which, code, message = found
                    problems.append(Problem(name, row, f"{prefix}_{which}", code, message))
    return problems


def _interval_problem(start, end, precision: str) -> tuple[str, str, str] | None:
    """What is wrong with one interval as (``"start"`` or ``"end"``, code, message), or None."""
    has_start, has_end = pd.notna(start), pd.notna(end)
    if precision == "unspecified":
        if has_start or has_end:
            which = "start" if has_start else "end"
            return which, "interval-date-unexpected", "precision 'unspecified' needs empty start and end dates"
        return None
    if not has_end:
        return "end", "interval-end-missing", f"end date is required for precision '{precision}'"
    if precision == "on_or_before":
        if has_start:
            return "start", "interval-date-unexpected", "precision 'on_or_before' needs an empty start date"
        return None
    if not has_start:
        return "start", "interval-start-missing", f"start date is required for precision '{precision}'"
    if start > end:
        return "start", "interval-reversed", f"start {start:%Y-%m-%d} is after end {end:%Y-%m-%d}"
    fits, rule = PRECISION_RULES[precision]
    if fits(start, end, (end - start).days):
        return None
    message = f"dates {start:%Y-%m-%d}..{end:%Y-%m-%d} do not fit precision '{precision}': {rule}"
    return "end", "interval-precision-mismatch", message


# What a start..end interval of each precision spans (``span``: days from start to end),
# and the rule in words; only the precision at hand is evaluated.
PRECISION_RULES = {
    "day": (lambda start, end, span: span == 0, "a day needs start == end"),
    "week": (lambda start, end, span: span == 6, "a week spans 7 days"),
    "month": (
        lambda start, end, span: (
            start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1])
        ),
        "a month runs from its first to its last day",
    ),
    "season": (
        lambda start, end, span: start.day == 1 and span <= SEASON_MAX_DAYS and (end + pd.Timedelta(days=1)).day == 1,
        "a season is whole months, at most three",
    ),
    "year": (
        lambda start, end, span: start.month == start.day == 1 and end == start.replace(month=12, day=31),
        "a year runs from 1 January to 31 December",
    ),
    "interval": (lambda start, end, span: True, ""),
}


def check_dates_before_publication(ds) -> list[Problem]:
    """Nothing an article reports can start after the article was published."""
    published = dict(zip(ds.sources["source_id"], ds.sources["published_end"], strict=False))
    problems = []
    for table, col in (("claims", "stated_start"), ("events", "date_start")):
        name = _file(ds, table)
        for row, r in _rows(ds.tables[table]):
            limit = published.get(r["source_id"])
            if pd.notna(r[col]) and limit is not None and r[col] > limit:
                problems.append(
                    Problem(
                        name,
                        row,
                        col,
                        "after-publication",
                        f"{r[col]:%Y-%m-%d} is after the article's latest publication date {limit:%Y-%m-%d}",
                    )
                )
    return problems


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
    src_file = _file(ds, "sources")
    for row, s in _rows(ds.sources):
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
    for row, s in _rows(ds.sources):
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
        name = _file(ds, table)
        for row, r in _rows(ds.tables[table]):
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


def check_bibliography(ds) -> list[Problem]:
    """Every source has a BibTeX entry under its source_id, and every entry is a source."""
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexError

    path = Path(ds.data_dir) / "references.bib"
    if not path.is_file():
        return [Problem("references.bib", None, None, "missing-file", f"file is missing from {ds.data_dir}")]
    try:
        entries = parse_file(str(path), bib_format="bibtex").entries
    except PybtexError as exc:
        return [Problem("references.bib", None, None, "bib-unparsable", f"cannot be parsed: {exc}")]
    keys = set(entries.keys())
    ids = list(ds.sources["source_id"])
    problems = [
        Problem(_file(ds, "sources"), row, "source_id", "bib-entry-missing", f"no entry '{sid}' in references.bib")
        for row, sid in ((i + 2, sid) for i, sid in enumerate(ids))
        if sid not in keys
    ]
    problems += [
        Problem("references.bib", None, key, "bib-entry-orphan", "entry has no row in sources.csv")
        for key in sorted(keys - set(ids))
    ]
    for key in sorted(keys & set(ids)):
        missing = _bib_gaps(entries[key])
        if missing:
            problems.append(
                Problem("references.bib", None, key, "bib-entry-incomplete", "entry needs " + "; ".join(missing))
            )
    return problems


def _bib_gaps(entry) -> list[str]:
    """What the bibliography needs of an entry and it lacks (an add-source scaffold lacks all)."""
    fields = {name.lower(): str(value).strip() for name, value in entry.fields.items()}
    gaps = []
    if not entry.persons.get("author") and not fields.get("key"):
        gaps.append("an author, or when the article names none a key (the outlet, or 'Unsigned') to sort it by")
    if not fields.get("title"):
        gaps.append("a title (the headline, or a bracketed description if untitled; brace proper nouns: {North Korea})")
    if not re.fullmatch(r"[0-9]{4}", fields.get("year", "")):
        gaps.append("a year (four digits, from published_start)")
    return gaps


def check_disagreement_links(ds) -> list[Problem]:
    """A quote's claim or event comes from the same article as the quote."""
    name = _file(ds, "disagreement_quotes")
    owners = {
        "claim_id": dict(zip(ds.claims["claim_id"], ds.claims["source_id"], strict=False)),
        "event_id": dict(zip(ds.events["event_id"], ds.events["source_id"], strict=False)),
    }
    problems = []
    for row, q in _rows(ds.disagreement_quotes):
        for col, owner in owners.items():
            if pd.notna(q[col]) and owner.get(q[col]) not in (None, q["source_id"]):
                problems.append(
                    Problem(
                        name,
                        row,
                        col,
                        "disagreement-link",
                        f"'{q[col]}' is reported by '{owner[q[col]]}', not by '{q['source_id']}'",
                    )
                )
    return problems


def check_disagreement_sides(ds) -> list[Problem]:
    """A disagreement quotes at least two sides; an error in an article at least its own words."""
    name = _file(ds, "disagreements")
    sides = ds.disagreement_quotes.groupby("disagreement_id")["position"].nunique()
    problems = []
    for row, d in _rows(ds.disagreements):
        need = 1 if d["kind"] == "error" else 2
        have = int(sides.get(d["disagreement_id"], 0))
        if have < need:
            problems.append(
                Problem(
                    name,
                    row,
                    "disagreement_id",
                    "disagreement-sides",
                    f"'{d['disagreement_id']}' ({d['kind']}) has {have} side(s) "
                    f"in disagreement_quotes.csv; needs {need}",
                )
            )
    return problems
