"""Curating the record: messages that show where a copy differs, the archive's integrity,
adding an article with add-source, and retiring a claim.

Every test works on a scratch copy of data/ (and, where it writes to the archive, of the
archive); nothing here touches the real data/ or the shared archive.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    add_article,
    next_archive_number,
    read_rows,
    rearchive,
    row_index,
    set_cell,
    snapshot,
    write_rows,
)

from analysis import load, paths
from analysis.builder.curate import CurationError, add_source
from analysis.data.problems import DataError
from analysis.data.values import number
from analysis.data.verbatim import CONTEXT, MIN_STRETCH, difference

ARCHIVE = paths.archive_dir()


def problems_of(data_dir, archive_dir=None):
    with pytest.raises(DataError) as info:
        load(data_dir, archive_dir, cache=False)
    return info.value.problems


def only(problems, file, row, field, code):
    found = [p for p in problems if (p.file, p.row, p.field, p.code) == (file, row, field, code)]
    assert len(found) == 1, "\n".join(str(p) for p in problems)
    return found[0].message


def archive_path(data_dir: Path, source_id: str, archive: Path = ARCHIVE) -> Path:
    row = next(r for r in read_rows(data_dir / "sources.csv") if r["source_id"] == source_id)
    return archive / row["archive_file"]


def source_ids(data_dir: Path) -> list[str]:
    return [r["source_id"] for r in read_rows(data_dir / "sources.csv")]


# -- where a retyped quote differs -----------------------------------------------------
#
# Each test retypes the first row (in the CSV's order) that has what it needs, and derives
# the message from that row: today's rows where they have it, else the article that
# ``with_new_article`` adds, which has every shape looked for.


@pytest.fixture
def with_new_article(data_copy, archive_copy, tmp_path) -> tuple[Path, Path]:
    add_article(data_copy, archive_copy, tmp_path / "new-article.txt")
    return data_copy, archive_copy


def first_claim(data_dir: Path, where) -> tuple[int, dict]:
    """(index, row) of the first claim for which ``where(row)`` holds."""
    for i, r in enumerate(read_rows(data_dir / "claims.csv")):
        if where(r):
            return i, r
    raise AssertionError("no claim has the shape this test needs")


def after(text: str, position: int, name: str = "the quote") -> str:
    """Where verbatim.difference says a change at ``position`` of the copy ``text`` is."""
    before = text[max(0, position - CONTEXT) : position]
    return f'after "{before}"' if before else f"at the start of {name}"


def lone_letter(text: str) -> int:
    """A letter inside a word unlike both its neighbours: dropped, it can only be missing there."""
    return next(
        k
        for k in range(1, len(text) - 1)
        if text[k].isalpha() and text[k - 1].isalpha() and text[k] not in (text[k - 1], text[k + 1])
    )


def retyped(record, index, claim, new_quote):
    """Retype one claim's quote; return (its spreadsheet row, its source's archive file, the message)."""
    data_dir, archive = record
    row = set_cell(data_dir, "claims.csv", index, "quote", new_quote)
    message = only(problems_of(data_dir, archive), "claims.csv", row, "quote", "quote-not-in-archive")
    return row, archive_path(data_dir, claim["source_id"], archive), message


def test_straight_apostrophe_named_by_code_point_with_the_archive_file(with_new_article):
    index, claim = first_claim(with_new_article[0], lambda c: "’" in c["quote"])
    quote = claim["quote"]
    _, path, message = retyped(with_new_article, index, claim, quote.replace("’", "'", 1))
    assert str(path) in message and path.is_absolute()
    assert f"' (U+0027) where the article has ’ (U+2019), {after(quote, quote.index('’'))}" in message
    assert "the longest stretch found verbatim is " in message


def test_double_space_named_and_the_passage_shown(with_new_article):
    def space_between_words(quote):
        return next((k for k in range(CONTEXT, len(quote) - 1) if quote[k] == " " and quote[k + 1].isalpha()), None)

    index, claim = first_claim(with_new_article[0], lambda c: space_between_words(c["quote"]))
    quote = claim["quote"]
    k = space_between_words(quote)
    _, _, message = retyped(with_new_article, index, claim, quote[:k] + " " + quote[k:])
    # either space of the two may be the extra one
    assert any(
        f"space (U+0020) that the article does not have, {after(quote, k + extra)}" in message for extra in (0, 1)
    ), message
    assert f'the nearest passage of the article is "{quote}"' in message


def printed_figure(claim: dict) -> int | None:
    """Where the quote prints the claim's figure in digits as a word of its own."""
    if not claim["value_high"]:
        return None
    printed = number(int(claim["value_high"]))
    found = re.search(r"(?<![\w,.])" + re.escape(printed) + r"(?![\w,])", claim["quote"])
    return found.start() if found and found.start() > 0 else None


def test_number_in_words_shows_the_words_and_the_nearest_passage(with_new_article):
    index, claim = first_claim(with_new_article[0], printed_figure)
    quote, at = claim["quote"], printed_figure(claim)
    printed = number(int(claim["value_high"]))
    _, _, message = retyped(with_new_article, index, claim, quote[:at] + "twenty-five" + quote[at + len(printed) :])
    assert f'"twenty-five" where the article has "{printed}", {after(quote, at)}' in message
    assert f'the nearest passage of the article is "{quote}"' in message


def test_dropped_word_shown_as_missing(with_new_article):
    def word_inside(quote):
        found = re.search(r"(?<= )[A-Za-z]{3,}(?= [A-Za-z])", quote[CONTEXT:])
        return (CONTEXT + found.start(), found.group()) if found else None

    index, claim = first_claim(with_new_article[0], lambda c: word_inside(c["quote"]))
    quote = claim["quote"]
    at, word = word_inside(quote)
    _, _, message = retyped(with_new_article, index, claim, quote[:at] + quote[at + len(word) + 1 :])
    # the dropped word with the space before it, or with the space after it
    assert (
        f'the quote lacks " {word}", {after(quote, at - 1)}' in message
        or f'the quote lacks "{word} ", {after(quote, at)}' in message
    ), message


def test_event_and_disagreement_quotes_get_the_same_explanation(data_copy):
    events = read_rows(data_copy / "events.csv")
    row = set_cell(data_copy, "events.csv", 0, "quote", events[0]["quote"].replace(" ", "\u2009", 1))
    quotes = read_rows(data_copy / "disagreement_quotes.csv")
    q_row = set_cell(data_copy, "disagreement_quotes.csv", 0, "quote", quotes[0]["quote"].replace(" ", "\u00a0", 1))
    problems = problems_of(data_copy)
    assert "thin space (U+2009) where the article has space (U+0020)" in only(
        problems, "events.csv", row, "quote", "quote-not-in-archive"
    )
    assert "no-break space (U+00A0) where the article has space (U+0020)" in only(
        problems, "disagreement_quotes.csv", q_row, "quote", "quote-not-in-archive"
    )


def test_quote_from_another_article_names_that_article(data_copy):
    claims = read_rows(data_copy / "claims.csv")
    other = next(c for c in claims if c["source_id"] != claims[0]["source_id"])
    set_cell(data_copy, "claims.csv", 0, "quote", other["quote"])
    set_cell(data_copy, "claims.csv", 0, "value_low", "")  # keep the figure rules out of the way
    set_cell(data_copy, "claims.csv", 0, "value_high", "")
    set_cell(data_copy, "claims.csv", 0, "qualifier", "unquantified")
    set_cell(data_copy, "claims.csv", 0, "attribution", "")
    set_cell(data_copy, "claims.csv", 0, "claimant", "unattributed")
    set_cell(data_copy, "claims.csv", 0, "claimant_type", "unattributed")
    message = only(problems_of(data_copy), "claims.csv", 2, "quote", "quote-not-in-archive")
    assert f"it is in {archive_path(data_copy, other['source_id'])}" in message
    assert f"the archived article of '{other['source_id']}': is source_id right?" in message


def test_difference_is_empty_for_a_verbatim_copy_and_says_when_nothing_resembles():
    assert difference("b c", "a b c d") == ""
    assert difference("wholly unrelated words", "a b c d") == "no passage of the article resembles it"


# -- the attribution is the article's words ----------------------------------------------


def test_mistyped_attribution_shows_how_it_differs(with_new_article):
    data_dir, archive = with_new_article
    index, claim = first_claim(data_dir, lambda c: len(c["attribution"]) >= 2 * MIN_STRETCH)
    attribution = claim["attribution"]
    k = lone_letter(attribution)
    typo = attribution[:k] + attribution[k + 1 :]
    row = set_cell(data_dir, "claims.csv", index, "attribution", typo)
    message = only(problems_of(data_dir, archive), "claims.csv", row, "attribution", "attribution-not-in-quote")
    assert message.startswith(f"'{typo}' does not occur verbatim in the quote")
    letter = attribution[k]
    assert f"the attribution lacks {letter} (U+{ord(letter):04X}), {after(typo, k, 'the attribution')}" in message


def test_attribution_with_straight_apostrophe(with_new_article):
    data_dir, archive = with_new_article
    index, claim = first_claim(data_dir, lambda c: "’" in c["attribution"])
    row = set_cell(data_dir, "claims.csv", index, "attribution", claim["attribution"].replace("’", "'"))
    message = only(problems_of(data_dir, archive), "claims.csv", row, "attribution", "attribution-not-in-quote")
    assert "' (U+0027) where the quote has ’ (U+2019)" in message


def test_source_fields_must_be_printed_in_the_article(with_new_article):
    data_dir, archive = with_new_article
    sources = read_rows(data_dir / "sources.csv")
    index = next(i for i, s in enumerate(sources) if s["title"] != "untitled" and len(s["title"].split()) > 2)
    title = sources[index]["title"]
    row = set_cell(data_dir, "sources.csv", index, "title", title.rsplit(" ", 1)[0])
    assert load(data_dir, archive, cache=False)  # a part of the headline is printed: fine
    k = lone_letter(title)
    typo = title[:k] + title[k + 1 :]
    set_cell(data_dir, "sources.csv", index, "title", typo)
    message = only(problems_of(data_dir, archive), "sources.csv", row, "title", "source-field-not-in-archive")
    assert f"'{typo}' is not printed in " in message
    assert "or write 'untitled'" in message and f"the title lacks {title[k]} (U+{ord(title[k]):04X})" in message


# -- the archive's integrity -------------------------------------------------------------


def test_recorded_hashes_are_the_archive_files_hashes():
    for source in read_rows(paths.DATA_DIR / "sources.csv"):
        raw = (ARCHIVE / source["archive_file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == source["archive_sha256"], source["source_id"]


def test_changed_archive_file_is_caught(record):
    data_copy, archive_copy = record
    source_id = source_ids(data_copy)[-1]  # with a sixth article, a file named by its content
    path = archive_path(data_copy, source_id, archive_copy)
    path.write_bytes(path.read_bytes().replace(b" ", b"  ", 1))
    row = row_index(data_copy, "sources.csv", "source_id", source_id) + 2
    message = only(problems_of(data_copy, archive_copy), "sources.csv", row, "archive_sha256", "archive-changed")
    assert str(path) in message and hashlib.sha256(path.read_bytes()).hexdigest() in message
    assert "the archived article changed since it was recorded" in message


def test_new_archive_files_are_named_by_their_content(record):
    """A later capture of the last article, recorded as a new source under the next number."""
    data_copy, archive_copy = record
    rows = read_rows(data_copy / "sources.csv")
    last = rows[-1]
    number = f"{next_archive_number(data_copy, archive_copy):03d}"
    text = archive_path(data_copy, last["source_id"], archive_copy).read_bytes() + b"\nA later capture.\n"
    digest = hashlib.sha256(text).hexdigest()
    wrong = archive_copy / f"{number}_0123456789abcdef.txt"
    wrong.write_bytes(text)
    later = last["source_id"] + "_later"
    rows.append({**last, "source_id": later, "archive_file": wrong.name, "archive_sha256": digest})
    write_rows(data_copy / "sources.csv", rows)
    bib = data_copy / "references.bib"
    bib.write_text(
        bib.read_text() + f"\n@misc{{{later},\n  key = {{Later}},\n  title = {{Later}},\n  year = {{2025}}\n}}\n"
    )
    row = len(rows) + 1
    message = only(problems_of(data_copy, archive_copy), "sources.csv", row, "archive_file", "archive-name")
    assert f"should be named {number}_{digest[:16]}.txt" in message
    wrong.rename(archive_copy / f"{number}_{digest[:16]}.txt")
    set_cell(data_copy, "sources.csv", row - 2, "archive_file", f"{number}_{digest[:16]}.txt")
    assert len(load(data_copy, archive_copy, cache=False).sources) == len(rows)


def test_archive_file_not_utf8(record):
    data_copy, archive_copy = record
    source_id = source_ids(data_copy)[-1]
    raw = archive_path(data_copy, source_id, archive_copy).read_bytes().replace(b" ", b" \x92", 1)
    path = rearchive(data_copy, archive_copy, source_id, raw)  # recorded as it is: only the encoding is wrong
    row = row_index(data_copy, "sources.csv", "source_id", source_id) + 2
    message = only(problems_of(data_copy, archive_copy), "sources.csv", row, "archive_file", "archive-not-utf8")
    assert f"{path} is not UTF-8 (byte 0x92" in message


# -- add-source ---------------------------------------------------------------------------

ARTICLE = "Seoul. North Korea’s army said on Tuesday that 500 soldiers had returned home.\n"


@pytest.fixture
def capture(tmp_path) -> Path:
    path = tmp_path / "capture.txt"
    path.write_bytes(ARTICLE.encode())
    return path


def test_add_source_archives_and_scaffolds(record, capture):
    data_copy, archive_copy = record
    digest = hashlib.sha256(ARTICLE.encode()).hexdigest()
    number, new_row = next_archive_number(data_copy, archive_copy), len(read_rows(data_copy / "sources.csv")) + 2
    added = add_source(capture, "kim2025", data_copy, archive_copy)
    assert added.archive_path == archive_copy / f"{number:03d}_{digest[:16]}.txt"
    assert added.archive_path.read_bytes() == capture.read_bytes()
    row = read_rows(data_copy / "sources.csv")[-1]
    assert added.row == new_row and row["source_id"] == "kim2025"
    assert (row["archive_file"], row["archive_sha256"]) == (added.archive_path.name, digest)
    assert all(row[f] == "" for f in ("author", "outlet", "title", "published_start", "date_basis"))
    assert "@misc{kim2025," in (data_copy / "references.bib").read_text()
    # validation then asks for each empty field, saying what to write
    problems = problems_of(data_copy, archive_copy)
    assert {(p.row, p.field) for p in problems} >= {(new_row, "author"), (new_row, "title"), (new_row, "date_basis")}
    assert "as named in the archived copy, or 'not stated in the archived copy'" in only(
        problems, "sources.csv", new_row, "author", "required"
    )


def test_add_source_twice_changes_nothing(record, capture):
    data_copy, archive_copy = record
    add_source(capture, "kim2025", data_copy, archive_copy)
    before = snapshot(data_copy), snapshot(archive_copy)
    again = add_source(capture, None, data_copy, archive_copy)
    assert (again.source_id, again.archived, again.row, again.bib_added) == ("kim2025", False, None, False)
    assert (snapshot(data_copy), snapshot(archive_copy)) == before


def test_add_source_recognises_an_article_already_recorded(record):
    data_copy, archive_copy = record
    for source_id in source_ids(data_copy):
        existing = archive_path(data_copy, source_id, archive_copy)
        before = snapshot(data_copy), snapshot(archive_copy)
        added = add_source(existing, None, data_copy, archive_copy)
        assert (added.source_id, added.archive_path, added.row) == (source_id, existing, None)
        assert (snapshot(data_copy), snapshot(archive_copy)) == before


def test_add_source_refuses_what_it_cannot_do_cleanly(record, tmp_path, capture):
    data_copy, archive_copy = record
    taken = source_ids(data_copy)[0]
    before = snapshot(data_copy), snapshot(archive_copy)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("North Korea’s army".encode("cp1252"))
    with pytest.raises(CurationError, match=r"latin1.txt is not UTF-8 \(byte 0x92 on line 1\)"):
        add_source(latin1, "kim2025", data_copy, archive_copy)
    with pytest.raises(CurationError, match=f"'{taken}' is already the id of another source"):
        add_source(capture, taken, data_copy, archive_copy)
    with pytest.raises(CurationError, match="lower-case letters"):
        add_source(capture, "Kim-2025", data_copy, archive_copy)
    digest = hashlib.sha256(ARTICLE.encode()).hexdigest()
    squatter = archive_copy / f"{next_archive_number(data_copy, archive_copy):03d}_{digest[:16]}.txt"
    squatter.write_bytes(b"other bytes")
    with pytest.raises(CurationError, match="exists with different content; refusing to overwrite it"):
        add_source(capture, "kim2025", data_copy, archive_copy)
    squatter.unlink()
    assert (snapshot(data_copy), snapshot(archive_copy)) == before


def test_added_article_validates_once_filled_in(record, capture):
    """The README's steps: add-source, fill the row and the BibTeX entry, add a claim."""
    data_copy, archive_copy = record
    new_row = len(read_rows(data_copy / "sources.csv")) + 2
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "add-source", str(capture), "--id", "kim2025"]
        + ["--data-dir", str(data_copy), "--archive-dir", str(archive_copy)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert f"Added source 'kim2025' to {data_copy / 'sources.csv'}, row {new_row}: fill in author" in result.stdout
    rows = read_rows(data_copy / "sources.csv")
    rows[-1].update(
        author="not stated in the archived copy",
        outlet="not stated in the archived copy",
        title="untitled",
        published_start="2025-04-29",
        published_end="2025-04-29",
        published_precision="day",
        date_basis="'on Tuesday', the day after the acknowledgement",
    )
    write_rows(data_copy / "sources.csv", rows)
    problems = problems_of(data_copy, archive_copy)
    assert [p.code for p in problems] == ["bib-entry-incomplete"], problems
    bib = data_copy / "references.bib"
    bib.write_text(bib.read_text().replace("@misc{kim2025,\n  author = {},", "@misc{kim2025,\n  key = {Unsigned},", 1))
    bib.write_text(
        bib.read_text().replace("title = {},", "title = {[untitled]},").replace("year = {}", "year = {2025}")
    )
    claims = read_rows(data_copy / "claims.csv")
    claim_id = f"C{max(int(c['claim_id'][1:]) for c in claims) + 1:03d}"
    claims.append(
        {
            **claims[0],
            "claim_id": claim_id,
            "source_id": "kim2025",
            "claimant": "unattributed",
            "claimant_type": "unattributed",
            "attribution": "",
            "metric": "deployed",
            "value_low": "500",
            "value_high": "500",
            "qualifier": "exact",
            "stated_start": "",
            "stated_end": "2025-04-29",
            "quote": "500 soldiers had returned home",
        }
    )
    write_rows(data_copy / "claims.csv", claims)
    ds = load(data_copy, archive_copy, cache=False)
    assert "kim2025" in set(ds.sources["source_id"]) and claim_id in set(ds.claims["claim_id"])


# -- correcting and retiring a claim ------------------------------------------------------


def test_retired_claim_stays_in_the_data_but_is_counted_nowhere(data_copy):
    from analysis.compute.estimates import estimates
    from analysis.data.vocabulary import metrics_of

    troops = {m["metric_id"] for m in read_rows(data_copy / "metrics.csv") if m["group"] == "troops"}
    index, claim = first_claim(data_copy, lambda c: c["metric"] in troops and c["value_high"])
    set_cell(data_copy, "claims.csv", index, "status", "retired")
    set_cell(data_copy, "claims.csv", index, "status_note", "retired 2025-05-10: test")
    quotes = read_rows(data_copy / "disagreement_quotes.csv")
    write_rows(
        data_copy / "disagreement_quotes.csv",
        [{**q, "claim_id": ""} if q["claim_id"] == claim["claim_id"] else q for q in quotes],
    )
    ds = load(data_copy, cache=False)
    assert claim["claim_id"] not in set(ds.claims["claim_id"])
    assert list(ds.retired["claim_id"]) == [claim["claim_id"]]
    assert ds.retired["status_note"].iloc[0] == "retired 2025-05-10: test"
    assert len(ds.claims) + len(ds.retired) == len(read_rows(data_copy / "claims.csv"))
    assert not any(claim["claim_id"] in ids for ids in estimates(ds, metrics_of(ds, "troops"))["claim_ids"])
    assert list(ds.filtered("2025-12-31").retired["claim_id"]) == [claim["claim_id"]]
    # its id stays taken: a new claim cannot reuse it
    claims = read_rows(data_copy / "claims.csv")
    write_rows(data_copy / "claims.csv", [*claims, {**claims[0], "claim_id": claim["claim_id"]}])
    assert any(p.code == "primary-key" for p in problems_of(data_copy))


def test_corrected_claim_counts_and_says_why(data_copy):
    set_cell(data_copy, "claims.csv", 0, "status", "corrected")
    assert only(problems_of(data_copy), "claims.csv", 2, "status_note", "status-note-missing")
    set_cell(data_copy, "claims.csv", 0, "status_note", "corrected 2025-05-10: attribution retyped from the article")
    ds = load(data_copy, cache=False)
    assert ds.claims["status"].iloc[0] == "corrected" and ds.retired.empty


# -- the schema's vocabularies and the words the book has for them --------------------------


def test_every_value_the_schema_allows_has_words_in_the_book():
    """A value the schema allows but the book has no words (or no chart style) for would
    print as a bare id: each closed vocabulary's words and styles are declared once, for
    exactly the values of its enum in datapackage.json."""
    from analysis.charts.styles import CATEGORY_STYLES, TYPE_STYLES
    from analysis.data.vocabulary import CLAIMANT_TYPES, DISAGREEMENT_KINDS, QUALIFIERS, enums

    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    allowed = {name: set(values) for name, values in enums(descriptor).items()}
    assert allowed["claimants.claimant_type"] == allowed["claims.claimant_type"] == set(CLAIMANT_TYPES)
    assert allowed["claimants.claimant_type"] == set(TYPE_STYLES)
    assert allowed["disagreements.kind"] == set(DISAGREEMENT_KINDS)
    assert allowed["claims.qualifier"] == set(QUALIFIERS)
    assert allowed["events.category"] == set(CATEGORY_STYLES)


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        ("Kyiv officials", '"Kyiv" where the quote has "Ukrainian", at the start of the attribution'),
        ("Ukrainian officials said", '"said" where the quote has "reported", after "Ukrainian officials "'),
        ("xUkrainian officials", "x (U+0078) that the quote does not have, at the start of the attribution"),
        ("Ukrainian  officials", 'space (U+0020) that the quote does not have, after "Ukrainian "'),
        ("Ukrainian officials’", "’ (U+2019) that the quote does not have"),
    ],
)
def test_difference_at_the_edges_and_inside(copy, expected):
    message = difference(copy, "Ukrainian officials reported that", "the attribution", "the quote")
    assert expected in message, message
