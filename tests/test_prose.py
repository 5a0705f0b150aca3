"""The prose reads right for any valid record: generated records (one article or many, no
figures, only unquantified claims, undated events, one claimant), every ``as_of`` date in
the data and every single claimant. The sentences are built by the functions the notebooks
call, then read as a reader would (escapes removed)."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
import records

from analysis import charts, load
from analysis.builder import book, pipeline
from analysis.chapters import chronology, estimate_tables, method, page, sources, summary
from analysis.chapters.page import headline_metrics
from analysis.compute.chronology import timeline, window_start
from analysis.compute.derived import derived_figures
from analysis.compute.estimates import estimates, spread
from analysis.data.values import number
from analysis.data.vocabulary import metrics_of
from analysis.paths import ROOT
from analysis.text.prose import counted

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Words a reader should never meet, whatever the record.
NEVER = [
    r"\b(?:1|one) (?:claimants|estimates|articles|claims|events|figures|disagreements|others)\b",
    r"\bundated day\b",
    r"\bno one\b",
    r"\b1\.0 times\b",
    r"\b(?:nan|NaN|NaT)\b|\bNone\b(?! of)",
    r"\bdated on\b",
    r"\(\s*\)",
]
# In the sentences the code writes (not the tables, which quote the articles' own "...").
NEVER_IN_PROSE = [r"\s[,.;]", r"\.\.", r"  "]
PROSE = ("lead", "scope", "caption", "chronology")


def plain(markdown: str) -> str:
    """The text a reader sees: escapes dropped, citations as [keys]."""
    out = re.sub(r"\{cite:p\}`([^`]*)`", r"[\1]", markdown)
    return re.sub(r"\\(.)", r"\1", out)


def pages(ds, claimants=None) -> dict[str, str]:
    """Every prose and table string the chapters build from ``ds``, as the notebooks call them."""
    keep = claimants or None
    troops, casualties = (
        estimates(ds, metrics_of(ds, "troops"), claimants=keep),
        estimates(ds, metrics_of(ds, "casualties"), claimants=keep),
    )
    tl = timeline(ds)
    start = window_start(tl) if not tl.empty else None
    window = tl[tl["date_end"] >= start] if start is not None else tl
    background = tl[tl["date_end"] < start] if start is not None else tl
    as_of = ds.as_of.strftime("%Y-%m-%d") if ds.as_of is not None else ""
    return {
        "lead": summary.lead(ds, keep),
        "headline_table": summary.headline_table(ds, keep),
        "scope": page.parameters_note(page.CHAPTERS["troops"], as_of, claimants, ds),
        "troops": estimate_tables.estimates_table(troops) + estimate_tables.attribution_table(troops),
        "casualties": estimate_tables.estimates_table(casualties) + estimate_tables.derived_table(derived_figures(ds)),
        "caption": chronology.timeline_caption(window, background),
        "chronology": chronology.chronology_intro(ds, tl),
        "sources": sources.source_matrix(ds) + sources.sources_table(ds) + sources.disagreements(ds),
        "claimants": method.claimants_table(ds),
    }


def assert_reads_right(ds, claimants=None) -> str:
    texts = {k: plain(v) for k, v in pages(ds, claimants).items()}
    for name, body in texts.items():
        for pattern in NEVER + (NEVER_IN_PROSE if name in PROSE else []):
            hit = re.search(pattern, body)
            assert not hit, f"{name}: {pattern!r} matches {body[max(0, hit.start() - 60) : hit.end() + 60]!r}"
    lead = texts["lead"]
    assert_numbers_come_from_the_data(ds, lead, claimants)
    return lead


def assert_numbers_come_from_the_data(ds, lead: str, claimants=None) -> None:
    """Every number in the lead is a quantified figure or a count of the record, and every
    range is the lowest to the highest quantified figure of its metric."""
    est = estimates(ds, headline_metrics(ds), claimants=claimants or None)
    figures = {int(v) for v in pd.concat([est["value_low"], est["value_high"]]).dropna()}
    counts = {len(ds.claims), len(ds.events), len(ds.disagreements), len(ds.sources)}
    counts |= {spread(est, m)["n"] for m in headline_metrics(ds)}
    undated = re.sub(rf"\b\d{{1,2}} (?:{MONTHS})|(?:{MONTHS}) \d{{4}}|\d{{1,2}} [A-Z][a-z]{{2}}\b|\d{{4}}\b", " ", lead)
    undated = re.sub(r"\b(?:between|on) \d{1,2} and", " ", undated)
    undated = re.sub(r"\[[^\]]*\]", " ", undated)  # citation keys
    for printed in re.findall(r"\d{1,3}(?:,\d{3})+|\d+", undated):
        assert int(printed.replace(",", "")) in figures | counts, f"{printed} in {lead!r}"
    for metric, words in summary.metric_words(ds).items():
        found = re.search(rf"estimates of {re.escape(words.estimates_of)}, [^.]*?range from ([\d,]+) to ([\d,]+)", lead)
        if found:
            s = spread(est, metric)
            assert (found.group(1), found.group(2)) == (number(s["low"]), number(s["high"])), metric


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each named record, built once."""
    root = tmp_path_factory.mktemp("records")
    return {name: records.build(root / name, records.scenario(name)) for name in records.SCENARIOS}


@pytest.mark.parametrize("name", list(records.SCENARIOS))
def test_every_named_record_reads_right(built, name):
    assert_reads_right(built[name])


def test_one_article_with_one_troop_figure(built):
    lead = assert_reads_right(built["one_troop_figure"])
    assert "The only estimate of the North Korean troops sent is 12,000, from Ukrainian officials [article000]." in lead
    assert "The article gives no estimate of casualties." in lead
    assert "one claim, one dated event and no disagreements from the one archived news article" in lead
    assert "differ" not in lead  # one figure: nothing to disagree about


def test_ranges_leave_out_claims_without_a_figure(built):
    ds = built["many"]
    lead = assert_reads_right(ds)
    killed = re.search(r"Two estimates of the dead[^.]*\.", lead).group(0)
    assert "range from 300 to 1,000" in killed and "KCNA" not in killed
    assert "North Korea's KCNA also spoke of deaths without giving a figure [article000]." in lead
    s = spread(estimates(ds, ["killed"]), "killed")
    assert s["n"] == 2 and set(s["claimants"]) == {"Western analysts", "South Korea's National Intelligence Service"}
    assert s["unquantified"] == ["North Korea's KCNA"]
    values = summary.headlines(ds)
    assert values["killed_range"] == "300 to 1,000" and values["killed_n"] == "2"
    assert "KCNA" not in summary.headline_table(ds)


def test_many_articles_name_the_ends_of_each_range_and_every_conflict(built):
    lead = assert_reads_right(built["many"])
    assert "range from 10,000 to 14,000" in lead
    assert "The highest, 14,000, comes from Ukrainian officials [article000,article002]" in lead
    assert "the lowest, 10,000, from South Korea's National Intelligence Service [article001]" in lead
    # the articles date the acknowledgement differently: both datings, each cited, no winner
    assert "on 27 April 2025 [article002]; on 28 April 2025 [article000,article001]" in lead
    assert (
        "One figure is credited to different claimants by different articles: the 4,000 killed or wounded "
        "to Ukrainian officials [article002] and to the US government [article001]." in lead
    )
    assert "10 claims, three dated events and no disagreements from the three archived news articles" in lead


def test_a_record_without_figures_says_so(built):
    for name in ("no_figures", "empty"):
        lead = assert_reads_right(built[name])
        assert "The article gives no estimate of the troops sent." in lead
        assert "The article gives no estimate of casualties." in lead
        assert "range" not in lead and "only estimate" not in lead
    assert summary.headline_table(built["empty"]) == "*No estimate in this selection.*"
    assert "The record holds no claim yet" in plain(summary.lead(built["empty"]))


def test_claims_without_any_figure_are_mentioned_not_counted(built):
    lead = assert_reads_right(built["only_unquantified"])
    assert "North Korea's KCNA spoke of deaths without giving a figure" in lead
    assert "estimate of" not in lead and "also" not in lead


def test_no_acknowledgement_event_no_invented_date(built):
    lead = assert_reads_right(built["undated"])
    assert "acknowledged" not in lead
    assert lead.startswith("The only estimate of the North Korean troops sent is 11,000, from Western analysts")
    by_a_day = assert_reads_right(built["ack_by_a_day"])
    assert by_a_day.startswith("By 28 April 2025, North Korea had acknowledged")
    assert "from the article itself" in by_a_day


def test_one_claimant_is_not_compared_with_itself(built):
    lead = assert_reads_right(built["one_claimant"])
    assert (
        "Two estimates of the North Korean troops sent, both from South Korea's National Intelligence Service" in lead
    )
    assert "gave both the lowest and the highest" not in lead and "The highest" not in lead
    assert "The only estimate of the dead is at least 100" in lead


@pytest.mark.parametrize("seed", range(8))
def test_random_records_read_right(tmp_path, seed):
    ds = records.build(tmp_path, records.random_record(seed))
    lead = assert_reads_right(ds)
    assert f"{counted(len(ds.claims), 'claim')}" in lead or ds.claims.empty
    for claimant in ds.claimants["claimant_id"]:
        assert_reads_right(ds, [claimant])


@pytest.fixture(scope="module")
def today(dataset):
    return dataset


def _as_of_dates(ds) -> list[str]:
    dates = pd.concat([ds.claims["stated_end"], ds.events["date_end"]]).dropna().unique()
    return sorted({pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates})


def test_every_as_of_date_in_the_record_reads_right(today):
    dates = _as_of_dates(today)
    assert dates
    for as_of in dates:
        ds = today.filtered(as_of)
        lead = assert_reads_right(ds)
        assert plain(page.parameters_note(page.CHAPTERS["troops"], as_of, None, ds)).startswith(
            "*Computed from claims and events stated by"
        )
        assert lead  # something is always said, if only that nothing is in the selection


def test_every_single_claimant_reads_right(today):
    for claimant, name in zip(today.claimants["claimant_id"], today.claimants["name"], strict=True):
        assert_reads_right(today, [claimant])
        assert name in plain(page.parameters_note(page.CHAPTERS["troops"], "", [claimant], today))


def test_chapters_that_ignore_the_claimant_filter_say_so(today):
    """Each chapter's note says what its own fact (``filters_claimants``) makes true: the
    register of a CLAIMANTS= variant lists every entry, so its note never says it is limited."""
    first = today.claimants.iloc[0]
    for chapter in page.CHAPTERS.values():
        note = plain(page.parameters_note(chapter, "", [first["claimant_id"]], today))
        limited = f"estimates limited to those of {first['name']}" in note
        ignored = f"The claimant selection ({first['name']}) does not narrow this chapter" in note
        assert (limited, ignored) == (chapter.filters_claimants, not chapter.filters_claimants), (chapter, note)
    assert not page.CHAPTERS["register"].filters_claimants


def test_every_chapter_of_the_book_declares_its_facts():
    """One fact table for the chapters the build computes: no chapter without its facts, none extra."""
    assert set(page.CHAPTERS) == set(book.notebooks(ROOT))


def _outputs(notebook) -> str:
    """The Markdown a notebook displays, as a reader sees it."""
    nb = nbformat.read(notebook, as_version=4)
    shown = [
        o["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/markdown" in o.get("data", {})
    ]
    return plain("\n".join(shown))


def test_the_notebooks_print_these_sentences(tmp_path):
    """One papermill run of two chapters over a generated record: the pages show the same
    sentences the functions above were tested for, with nothing assumed about the record."""
    data, archive = records.write(tmp_path / "record", records.scenario("undated"))
    ds = load(data, archive, cache=False)
    book = pipeline.build(tmp_path / "variant", data_dir=data, archive_dir=archive, only=["summary", "chronology"])
    summary_page = _outputs(book / "summary.ipynb")
    assert plain(summary.lead(ds)) in summary_page
    assert "The only estimate of the North Korean troops sent is 11,000, from Western analysts" in summary_page
    assert "acknowledged" not in summary_page and "undated" not in summary_page
    chronology_page = _outputs(book / "chronology.ipynb")
    assert "The record dates one event, by 28 April 2025. The article carries no publication date." in chronology_page


def test_charts_draw_a_selection_without_any_figure(built, tmp_path):
    """A claimant with no casualty figure, or claims without figures only: the chart still draws."""
    for name in ("no_figures", "only_unquantified"):
        ds = built[name]
        for chart, group in ((charts.troop_chart, "troops"), (charts.casualty_chart, "casualties")):
            drawn = chart(ds, estimates(ds, metrics_of(ds, group)), tmp_path / name / chart.__name__)
            assert all(path.is_file() for path in drawn.paths)
            assert drawn.rows.empty and "<svg" in drawn.svg


def test_the_date_anchor_is_the_recorded_reasoning_or_nothing(built, dataset):
    """Method and data explains the anchor date from the record itself, never from typed text."""
    from analysis.data.vocabulary import ACKNOWLEDGEMENT
    from analysis.text.markup import text

    anchors = dataset.events[
        (dataset.events["event_key"] == ACKNOWLEDGEMENT) & (dataset.events["date_precision"] == "day")
    ].sort_values("event_id")
    note = method.date_anchor(dataset)
    if anchors.empty:
        assert note == ""
    else:
        first = anchors.iloc[0]
        assert f"[{first['event_id']}](#{first['event_id'].lower()})" in note
        assert text(first["date_basis"]) in note
    assert method.date_anchor(built["undated"]) == ""
