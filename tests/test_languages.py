"""Quotes in other languages: the original, checked verbatim against the archive, with its BCP 47
tag, an English translation and its translator; the book shows both, the original marked with
its language (HTML ``lang``) and set in a font that has its glyphs (PDF).

The proof is a generated record (tests/records.py, scenario ``languages``): an English, a Korean
and a Russian article, whose archived texts print the Korean and Russian quotes."""

from __future__ import annotations

import re
from pathlib import Path

import chromium
import pandas as pd
import pytest
import records
from books import kept_book
from helpers import parts_text, pdf_text, read_rows, register_entries, set_cell, write_rows

from analysis import load
from analysis.builder import entries, site
from analysis.chapters import register, sources
from analysis.data import languages
from analysis.data.checks.archive import sha256_text
from analysis.data.numbers import as_printed, numbers_in
from analysis.data.problems import DataError
from analysis.text.markup import in_language, text

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# The pages that show quotes, attributions or disagreement quotes in other languages.
PAGES = ["register.html", "sources.html", "troops.html", "casualties.html"]

# ----------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("tag", "valid", "canonical", "english"),
    [
        ("ko", True, "ko", False),
        ("ru", True, "ru", False),
        ("en-GB", True, "en-GB", True),
        ("KO", True, "ko", False),
        ("kor", True, "ko", False),  # BCP 47 takes ISO 639-1's two letters where there are two
        ("ko_KR", True, "ko-KR", False),
        ("korean", False, None, None),
        ("x", False, None, None),
        ("12", False, None, None),
    ],
)
def test_tags_are_read_as_bcp_47(tag, valid, canonical, english):
    assert languages.is_valid(tag) is valid
    if valid:
        assert languages.canonical(tag) == canonical
        assert languages.is_book_language(tag) is english


def test_an_empty_tag_is_english_and_languages_have_english_names():
    assert languages.tag_of(None) == languages.tag_of("") == "en"
    assert [languages.name(t) for t in ("ko", "ru", "uk")] == ["Korean", "Russian", "Ukrainian"]


def test_a_quote_mostly_in_another_script_is_not_taken_for_english():
    assert languages.main_script("국가정보원에 따르면 10,000명") == "HANGUL"
    assert languages.main_script("Как сообщают западные аналитики") == "CYRILLIC"
    # an English quote naming someone in Hangul, or printing only figures, is English
    assert languages.main_script("Kim Jong Un (김정은) said 1,000 troops were sent") is None
    assert languages.main_script("14,000") is None


def test_figures_are_read_in_any_script_and_russian_grouping():
    assert 14000 in numbers_in("около 14\u00a0000 северокорейских военных")
    assert {10000, 12000} <= numbers_in("от 10 000 до 12\u202f000")
    assert 14 in numbers_in("١٤ جنديا")  # Arabic-Indic digits
    # two English numbers side by side are still read apart
    assert {24, 100} <= numbers_in("On April 24 100 soldiers crossed")
    # digits before a word for a power of ten: Korean myriads, Russian and Ukrainian thousands
    assert 14000 in numbers_in("약 1만 4천 명") and 14000 in numbers_in("1만4000명")
    assert {10000, 12000} <= numbers_in("1만 명에서 1만 2천 명")
    assert 3000 in numbers_in("3천 명") and 300 in numbers_in("300명")
    assert {14000, 2000000} <= numbers_in("14 тысяч военных, 2 млн жителей") and 2000 in numbers_in("2 тисячі")
    assert as_printed("약 1만 명에서 1만 2천 명의 병사", [10000, 12000]) == "1만 명에서 1만 2천"
    # a figure wholly in words of another language is not read (the translation is checked instead)
    assert 14000 not in numbers_in("일만 사천 명") | numbers_in("четырнадцать тысяч")


def test_a_span_in_another_language_is_marked_and_escaped():
    assert in_language("*x*", "en") == "\\*x\\*"
    assert in_language("김정은 [1]", "ko") == "[김정은 \\[1\\]]{.language-ko}"
    with pytest.raises(ValueError):
        in_language("x", "ko} {.evil")


def test_a_lang_part_becomes_an_inline_node_of_its_language():
    node = entries.entry_fields(fields=[["Quote", ["“", {"lang": ["ru", "около 14 000"]}, "”"]]])
    built = entries.field_list(node)
    (span,) = [n for n in built.findall() if getattr(n, "get", None) and "language-ru" in n.get("classes", [])]
    assert span.astext() == "около 14 000"
    assert built.astext() == "Quote\n\n“около 14 000”"


# ----------------------------------------------------------------------------- the generated record


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path]:
    """The record, with a disagreement whose sides quote the Korean and the Russian article."""
    data, archive = records.write(tmp_path_factory.mktemp("languages") / "record", records.scenario("languages"))
    claims = read_rows(data / "claims.csv")
    sides = [next(c for c in claims if c["quote_lang"] == tag and c["metric"] == "deployed") for tag in ("ko", "ru")]
    write_rows(
        data / "disagreements.csv",
        [
            {
                "disagreement_id": "D01",
                "kind": "figure",
                "topic": "Troops sent",
                "summary": "They differ.",
                "basis": "in-text",
            }
        ],
    )
    rows = [
        {
            "disagreement_id": "D01",
            "item": str(i),
            "source_id": c["source_id"],
            "position": f"side {i}",
            "quote": c["quote"],
            "quote_lang": c["quote_lang"],
            "quote_translation": c["quote_translation"],
            "translated_by": c["translated_by"],
            "claim_id": c["claim_id"],
            "event_id": "",
        }
        for i, c in enumerate(sides, 1)
    ]
    write_rows(data / "disagreement_quotes.csv", rows)
    return data, archive


@pytest.fixture(scope="module")
def ds(written):
    return load(*written, cache=False)


def test_the_record_validates_with_korean_and_russian_quotes_in_their_archive(ds):
    by_lang = ds.claims.groupby(ds.claims["quote_lang"].fillna("en"))["claim_id"].count().to_dict()
    assert by_lang == {"en": 1, "ko": 3, "ru": 3}
    for table in (ds.claims, ds.events):
        for row in table.to_dict("records"):
            text = (ds.archive_dir / _archive_file(ds, row["source_id"])).read_text(encoding="utf-8")
            assert row["quote"] in text
            script = {"ko": HANGUL, "ru": CYRILLIC}.get(languages.tag_of(row["quote_lang"]))
            if script:
                assert script.search(row["quote"]) and not script.search(row["quote_translation"])
                assert row["translated_by"] == records.TRANSLATOR


def _archive_file(ds, source_id: str) -> str:
    return ds.sources.set_index("source_id").loc[source_id, "archive_file"]


def _rewrite_quote(data: Path, archive: Path, index: int, new_quote: str, **cells: str) -> None:
    """Change claim ``index``'s quote in claims.csv and in its archived article (whose hash is
    recorded again: articles numbered below 005 keep their names)."""
    claim = read_rows(data / "claims.csv")[index]
    source_rows = read_rows(data / "sources.csv")
    source = next(s for s in source_rows if s["source_id"] == claim["source_id"])
    path = archive / source["archive_file"]
    path.write_text(path.read_text(encoding="utf-8").replace(claim["quote"], new_quote), encoding="utf-8")
    source["archive_sha256"] = sha256_text(path.read_bytes())
    write_rows(data / "sources.csv", source_rows)
    for field, value in {"quote": new_quote, **cells}.items():
        set_cell(data, "claims.csv", index, field, value)


def _korean_claim(data: Path) -> int:
    return next(i for i, c in enumerate(read_rows(data / "claims.csv")) if c["quote_lang"] == "ko" and c["value_high"])


def test_a_figure_written_wholly_in_korean_words_is_checked_against_the_translation(tmp_path):
    data, archive = records.write(tmp_path / "record", records.scenario("languages"))
    index = _korean_claim(data)
    claim = read_rows(data / "claims.csv")[index]
    words = f"{claim['attribution']}에 따르면 일만에서 일만 이천 명의 북한군 병사가 해당된다."
    translation = "South Korea's National Intelligence Service said that 10,000 to 12,000 soldiers were sent."
    _rewrite_quote(data, archive, index, words, quote_translation=translation)
    loaded = load(data, archive, cache=False)
    assert loaded.claims.loc[index, "quote"] == words
    # the register shows where the figure was found: in the translation
    entry = next(e for e in register_entries(register.claim_entries(loaded)) if e["label"] == f"c{index + 1:03d}")
    assert "; translated “10,000 to 12,000”" in dict(entry["fields"])["Figure"]
    assert parts_text(dict(entry["fields"])["Quote"]) == f"“{words}”"
    # a translation that does not print the figure either is an error, naming both
    set_cell(data, "claims.csv", index, "quote_translation", "The NIS said that 15,000 soldiers were sent.")
    with pytest.raises(DataError) as info:
        load(data, archive, cache=False)
    (problem,) = [p for p in info.value.problems if p.code == "figure-not-in-quote"]
    assert (problem.row, problem.field) == (index + 2, "value_low")
    assert "does not appear in the quote or its translation" in problem.message


def test_a_korean_figure_in_myriads_is_read_in_the_original(tmp_path):
    data, archive = records.write(tmp_path / "record", records.scenario("languages"))
    index = _korean_claim(data)
    claim = read_rows(data / "claims.csv")[index]
    words = f"{claim['attribution']}에 따르면 1만~1만 2천 명의 북한군 병사가 해당된다."
    # the translation prints no figure: the original's must be read
    _rewrite_quote(data, archive, index, words, quote_translation="The NIS said that soldiers were sent.")
    loaded = load(data, archive, cache=False)
    entry = next(e for e in register_entries(register.claim_entries(loaded)) if e["label"] == f"c{index + 1:03d}")
    assert dict(entry["fields"])["Figure"][-3:] == ["; printed “", {"lang": ["ko", "1만~1만 2천"]}, "”"]


def test_a_korean_quote_is_checked_verbatim_against_its_archived_article(written, tmp_path):
    data, archive = records.write(tmp_path / "record", records.scenario("languages"))
    index = _korean_claim(data)
    quote = read_rows(data / "claims.csv")[index]["quote"]
    set_cell(data, "claims.csv", index, "quote", quote.replace("북한군", "북 한군"))
    with pytest.raises(DataError) as info:
        load(data, archive, cache=False)
    (problem,) = [p for p in info.value.problems if p.code == "quote-not-in-archive"]
    assert (problem.row, problem.field) == (index + 2, "quote")
    assert "U+0020" in problem.message  # the difference is named by its code point


def test_register_entries_show_the_original_marked_and_the_translation_credited(ds):
    entries_ = {e["label"]: dict(e["fields"]) for e in register_entries(register.claim_entries(ds))}
    for claim in ds.claims.to_dict("records"):
        fields = entries_[claim["claim_id"].lower()]
        tag = languages.tag_of(claim["quote_lang"])
        if tag == "en":
            assert fields["Quote"] == [f"“{claim['quote']}”"] and "Translation" not in fields
            continue
        assert fields["Quote"] == ["“", {"lang": [tag, claim["quote"]]}, "”"]
        if pd.notna(claim["attribution"]):
            assert fields["Attribution"] == ["“", {"lang": [tag, claim["attribution"]]}, "”"]
        name = languages.name(tag)
        assert fields["Translation"] == [
            f"“{claim['quote_translation']}” (translated from {name} by {records.TRANSLATOR})"
        ]
    events = {e["label"]: dict(e["fields"]) for e in register_entries(register.event_entries(ds))}
    tags = [part["lang"][0] for f in events.values() for part in f["Quote"] if isinstance(part, dict)]
    assert sorted(tags) == ["ko", "ru"]


def test_disagreement_quotes_are_marked_and_translated_in_the_sources_chapter(ds):
    for q in ds.disagreement_quotes.to_dict("records"):
        cell = sources._quote_cell(pd.Series(q))
        name = languages.name(q["quote_lang"])
        assert cell.startswith(f"“{in_language(q['quote'], q['quote_lang'])}” (translated from {name} by ")
        assert cell.endswith(f": “{text(q['quote_translation'])}”)")
    # an English quote, as before: no span, no translation
    english = pd.Series(
        {**q, "quote": "About 14,000 [sic] were sent.", "quote_lang": pd.NA, "quote_translation": pd.NA}
    )
    assert sources._quote_cell(english) == "“About 14\\,000 \\[sic\\] were sent\\.”"


# ----------------------------------------------------------------------------- the editions


@pytest.fixture(scope="module")
def book(written) -> Path:
    """The whole book of the generated record, in HTML and PDF (kept: see books.py)."""
    return kept_book("languages", *written, editions=("html", "pdf"))


def _marked(book: Path, chapter: str) -> tuple[str, set[tuple[str, str]]]:
    """A chapter's HTML, and the (lang, text) of each span marked with a language."""
    page = (site.output_dir(book, "html") / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    return page, set(re.findall(r'<span lang="([^"]+)">([^<]*)</span>', page))


def test_the_html_register_sets_lang_on_each_original(book, ds):
    page, marked = _marked(book, "register")
    for table in (ds.claims, ds.events):
        for row in table.to_dict("records"):
            tag = languages.tag_of(row["quote_lang"])
            if tag != "en":
                assert (tag, row["quote"]) in marked, row["quote"]
                assert row["quote_translation"] in page
            else:
                assert row["quote"] not in {text for _, text in marked}
    assert re.search(r'<html[^>]* lang="en"', page)
    log = (book / "_build" / "logs" / "html.log").read_text(encoding="utf-8")
    assert not re.search(r"WARNING|ERROR", log), log


def test_the_html_marks_attributions_and_disagreement_quotes_with_their_language(book, ds):
    for chapter, metric in (("troops", "deployed"), ("casualties", "killed")):
        _, marked = _marked(book, chapter)
        claims = ds.claims[(ds.claims["metric"] == metric) & ds.claims["attribution"].notna()]
        for c in claims.to_dict("records"):
            tag = languages.tag_of(c["quote_lang"])
            assert ((tag, c["attribution"]) in marked) is (tag != "en"), (chapter, c["attribution"])
    page, marked = _marked(book, "sources")
    for q in ds.disagreement_quotes.to_dict("records"):
        assert (q["quote_lang"], q["quote"]) in marked
        assert f"translated from {languages.name(q['quote_lang'])} by {q['translated_by']}" in page
        assert f"“{q['quote_translation']}”" in page.replace("&#8217;", "’").replace("&#39;", "'")


def test_the_pdf_prints_the_hangul_and_cyrillic_quotes(book, ds):
    text = re.sub(r"\s", "", pdf_text(site.pdf_path(book)))
    originals = [
        row["quote"]
        for table in (ds.claims, ds.events)
        for row in table.to_dict("records")
        if languages.tag_of(row["quote_lang"]) != "en"
    ]
    assert any(HANGUL.search(q) for q in originals) and any(CYRILLIC.search(q) for q in originals)
    for quote in originals:
        assert re.sub(r"\s", "", quote) in text, quote


# ----------------------------------------------------------------------------- in a browser


@pytest.mark.skipif(bool(chromium.missing()), reason=f"browser checks need {chromium.missing()}: run `make browser`")
def test_the_pages_in_other_languages_pass_the_browser_checks(book, tmp_path):
    """The register, sources and troop pages of the Korean and Russian record, in headless
    Chromium with axe-core: every ``lang`` is valid (axe's ``valid-lang``), nothing is cut off,
    no console error; and axe does see a ``lang`` that is not a language."""
    html = site.output_dir(book, "html") / "book"
    bad = tmp_path / "bad-lang.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad</title></head><body><main>'
        '<h1>Bad</h1><p>A quote: <span lang="korean!">국가정보원</span></p></main></body></html>',
        encoding="utf-8",
    )
    with chromium.Browser() as browser:
        seen = {(page, width): browser.visit(html / page, width) for page in PAGES for width in (1280, 390)}
        caught = browser.visit(bad, 1280)
    assert "valid-lang" in {v["id"] for v in caught["axe"]}
    problems = [
        f"{page} @{width}px: {problem}"
        for (page, width), result in seen.items()
        for problem in [
            *(f"{v['impact']} {v['id']} at {v['targets'][:3]}" for v in result["axe"] if v["id"] == "valid-lang"),
            *(f"{v['impact']} {v['id']}" for v in result["axe"] if v["impact"] in ("serious", "critical")),
            *(f"cut off: {c['what']}" for c in result["clipped"]),
            *result["console"],
        ]
    ]
    assert problems == []
