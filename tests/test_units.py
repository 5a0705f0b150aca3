"""Unit tests of the small helpers: number reading, formatting, escaping, citations, problems."""

import re
import string

import pandas as pd
import pytest

from analysis.data.numbers import numbers_in
from analysis.data.problems import CODES, DataError, Problem
from analysis.data.values import capitalised, figure_text, grouped, shortened, when_text
from analysis.data.vocabulary import claimant_kind
from analysis.text.markup import cite, download, glued_figure, table, text
from analysis.text.prose import counted, figure_words, listed, when_phrase


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("some 14,000 North Koreans were deployed", {14000}),
        ("between 10,000 and 12,000 North Korean troops", {10000, 12000}),
        ("around ninety-two settlements and around 1,250 square kilometers", {92, 1250}),
        ("captured two North Korean soldiers", {2}),
        ("a unit comprising 25 North Korean soldiers", {25}),
        ("Ninety two", {92}),
        ("about 300 killed and another 2,700 had been injured", {300, 2700}),
        ("dozens of soldiers", set()),
    ],
)
def test_numbers_in_reads_digits_and_words(quote, expected):
    assert expected <= numbers_in(quote)
    if not expected:
        assert numbers_in(quote) == set()


def test_numbers_in_does_not_split_grouped_digits():
    assert numbers_in("14,000") == {14000}
    assert 14 not in numbers_in("14,000") and 0 not in numbers_in("14,000")


@pytest.mark.parametrize(
    ("low", "high", "qualifier", "expected"),
    [
        (10000, 12000, "between", "10,000–12,000"),
        (pd.NA, 12000, "up_to", "up to 12,000"),
        (5, pd.NA, "at_least", "at least 5"),
        (14000, 14000, "approximately", "14,000"),
        (pd.NA, pd.NA, "unquantified", "not quantified"),
    ],
)
def test_figure_text_keeps_ranges_as_ranges(low, high, qualifier, expected):
    assert figure_text(low, high, qualifier) == expected


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("2025-04-28", "2025-04-28", "day", "28 Apr 2025"),
        ("2025-01-01", "2025-01-31", "month", "Jan 2025"),
        ("2024-09-01", "2024-11-30", "season", "Sep–Nov 2024"),
        ("2025-04-21", "2025-04-27", "week", "week of 21 Apr 2025"),
        ("2024-01-01", "2024-12-31", "year", "2024"),
        ("2025-01-01", "2025-04-27", "interval", "1 Jan – 27 Apr 2025"),
        (None, "2025-04-28", "on_or_before", "by 28 Apr 2025"),
    ],
)
def test_when_text_shows_precision(start, end, precision, expected):
    ts = lambda v: pd.Timestamp(v) if v else pd.NaT  # noqa: E731
    assert when_text(ts(start), ts(end), precision) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "no articles"),
        (1, "one article"),
        (5, "five articles"),
        (9, "nine articles"),
        (10, "10 articles"),
        (1200, "1,200 articles"),
    ],
)
def test_counted_spells_small_counts_and_agrees_the_noun(n, expected):
    assert counted(n, "article") == expected


def test_counted_takes_an_irregular_plural_and_reads_back_as_its_number():
    assert counted(1, "analysis", "analyses") == "one analysis"
    assert counted(2, "analysis", "analyses") == "two analyses"
    assert all(numbers_in(counted(n, "article")) == {n} for n in range(1, 100))


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("2025-04-28", "2025-04-28", "day", "on 28 April 2025"),
        ("2025-01-01", "2025-01-31", "month", "in January 2025"),
        ("2024-01-01", "2024-12-31", "year", "in 2024"),
        ("2025-04-21", "2025-04-27", "week", "in the week of 21 April 2025"),
        ("2024-09-01", "2024-11-30", "season", "between September and November 2024"),
        ("2024-12-01", "2025-02-28", "season", "between 1 December 2024 and 28 February 2025"),
        ("2025-04-28", "2025-04-29", "interval", "between 28 and 29 April 2025"),
        ("2025-01-01", "2025-04-27", "interval", "between 1 January and 27 April 2025"),
        (None, "2025-04-28", "on_or_before", "by 28 April 2025"),
        (None, None, "unspecified", None),
    ],
)
def test_when_phrase_never_invents_a_day(start, end, precision, expected):
    ts = lambda v: pd.Timestamp(v) if v else pd.NaT  # noqa: E731
    assert when_phrase(ts(start), ts(end), precision) == expected


def test_listed_names_one_two_many_and_caps_the_rest():
    assert listed([]) == "no one" and listed([], none="nothing") == "nothing"
    assert listed(["A"]) == "A" and listed(["A", "B"]) == "A and B"
    assert listed(["A", "B", "C"]) == "A, B and C"
    assert listed(["A", "B", "C"], serial=True) == "A, B, and C"
    assert listed(["A", "A", "B"]) == "A and B"
    assert listed([f"N{i}" for i in range(10)], limit=3) == "N0, N1, N2 and 7 others"
    assert listed([f"N{i}" for i in range(4)], limit=3) == "N0, N1, N2 and N3", "never 'and 1 others'"


def test_figure_words_say_the_figure_as_a_sentence_does():
    nan = pd.NA
    assert figure_words(1000, 1000, "approximately") == "about 1,000"
    assert figure_words(14000, 14000, "exact") == "14,000"
    assert figure_words(10000, 12000, "between") == "10,000 to 12,000"
    assert figure_words(nan, 12000, "up_to") == "up to 12,000"
    assert figure_words(5, nan, "at_least") == "at least 5"
    assert figure_words(nan, nan, "unquantified") == "no figure"


def test_capitalised_changes_only_the_first_letter():
    assert capitalised("the US government") == "The US government"
    assert capitalised("") == "" and capitalised("NIS") == "NIS"


def test_claimant_kind_names_one_or_a_group():
    assert claimant_kind("intelligence") == "intelligence service"
    assert claimant_kind("intelligence", group=True) == "intelligence services"
    assert claimant_kind("unknown_kind", group=True) == "unknown_kind"


def test_shortened_cuts_with_an_ellipsis():
    assert shortened("abcdef", 6) == "abcdef"
    assert shortened("abcdefg", 6) == "abcde…"
    assert shortened(12345678, 4) == "123…"


@pytest.mark.parametrize(
    "planted",
    [
        "<script>alert(1)</script>",
        "**bold**",
        "a | b",
        "`code`",
        "[x](http://example.org)",
        "{cite:p}`suciu2025`",
        "100% & co_op #1 $5 \\emph{x}",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_text_escapes_every_markup_character(planted):
    escaped = text(planted)
    unescaped, i = [], 0
    while i < len(escaped):
        ch = escaped[i]
        if ch == "\\":
            assert escaped[i + 1] in string.punctuation, escaped
            unescaped.append(escaped[i + 1])
            i += 2
        else:
            assert ch not in string.punctuation, f"unescaped {ch!r} in {escaped!r}"
            unescaped.append(ch)
            i += 1
    assert "".join(unescaped) == planted


def test_text_flattens_newlines_and_marks_missing_values():
    assert text("a\nb\r\nc") == "a b c"
    assert text(None) == "—" and text(pd.NA) == "—"


def test_cite_dedupes_in_order_and_rejects_bad_keys():
    assert cite(["b", "a", "b"]) == "{cite:p}`b,a`"
    assert cite([]) == ""
    with pytest.raises(ValueError):
        cite(["bad key`}"])


def test_table_and_figure_markup():
    assert table(["A", "B"], [["1", ""]], widths=[30, 70]).splitlines() == [
        "::::{list-table}",
        ":header-rows: 1",
        ":widths: 30 70",
        "",
        "* - A",
        "  - B",
        "* - 1",
        "  - —",
        "::::",
    ]
    with pytest.raises(ValueError):
        table(["A", "B"], [["only one"]])
    block = glued_figure("x-chart", "Caption.", "fig-x")
    assert block.splitlines() == [":::{glue:figure} x-chart", ":name: fig-x", "", "Caption.", ":::"]
    assert download("figures/x.csv", "x.csv") == "{download}`x.csv <figures/x.csv>`"
    with pytest.raises(ValueError):
        download("figures/x`.csv", "x.csv")


def test_data_error_lists_problems_sorted_and_deduplicated():
    bad = Problem("b.csv", 3, "x", "required", "bad")
    worse = Problem("a.csv", 2, "y", "enum", "worse")
    err = DataError([bad, worse, Problem("b.csv", 3, "x", "required", "bad")])
    assert err.problems == [worse, bad]
    assert "a.csv, row 2, field 'y': worse [enum]" in str(err)


def test_problems_at_one_place_sort_by_code():
    err = DataError([Problem("a.csv", 2, "y", "required", "z"), Problem("a.csv", 2, "y", "enum", "z")])
    assert [p.code for p in err.problems] == ["enum", "required"]


def test_a_problem_shows_where_what_and_its_code():
    problem = Problem("claims.csv", 4, "value_high", "type-error", "'12k' is not a valid integer")
    assert str(problem) == "claims.csv, row 4, field 'value_high': '12k' is not a valid integer [type-error]"
    assert str(Problem("references.bib", None, None, "bib-unparsable", "cannot be parsed")) == (
        "references.bib: cannot be parsed [bib-unparsable]"
    )


def test_a_problem_code_must_be_declared():
    with pytest.raises(ValueError, match="no-such-code"):
        Problem("claims.csv", 2, "quote", "no-such-code", "message")
    with pytest.raises(ValueError):
        Problem("claims.csv", 2, "quote", "message in the code's place", "quote-not-in-archive")


def test_declared_codes_are_kebab_case_with_a_meaning():
    for code, meaning in CODES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code
        assert meaning.strip(), code


def test_a_steps_modules_are_followed_through_the_package_as_it_stands(tmp_path, monkeypatch):
    """``module_files`` follows imports to the package's modules, listed afresh at each call:
    a module added since the last call is followed, a name imported from a module is not
    taken for a module, and bytecode caches are not sources."""
    from analysis import fingerprint

    package = tmp_path / "analysis"
    (package / "text" / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "text" / "__init__.py").write_text("")
    (package / "text" / "words.py").write_text("def say(): ...\n")
    (package / "text" / "__pycache__" / "later.py").write_text("")
    (package / "chart.py").write_text("from analysis.text.words import say\nimport analysis.later\n")
    monkeypatch.setattr(fingerprint, "CODE_ROOT", tmp_path)

    def followed() -> list[str]:
        return [path.relative_to(tmp_path).as_posix() for path in fingerprint.module_files(["analysis.chart"])]

    words = ["analysis/__init__.py", "analysis/chart.py", "analysis/text/__init__.py", "analysis/text/words.py"]
    assert followed() == words
    (package / "later.py").write_text("")
    assert followed() == sorted([*words, "analysis/later.py"])


def test_grouped_takes_a_missing_value_as_one_value_and_keeps_the_order_first_met():
    """As pandas' groupby(dropna=False, sort=False), which it stands in for."""
    frame = pd.DataFrame(
        {
            "metric": ["killed", "deployed", "killed", "killed", "deployed"],
            "value_low": [300, None, float("nan"), 300, None],
            "id": ["a", "b", "c", "d", "e"],
        }
    )
    groups = grouped(frame.to_dict("records"), ["metric", "value_low"])
    ids = {key: [row["id"] for row in rows] for key, rows in groups.items()}
    assert ids == {("killed", 300): ["a", "d"], ("deployed", None): ["b", "e"], ("killed", None): ["c"]}
    assert list(ids) == [("killed", 300), ("deployed", None), ("killed", None)]
    expected = frame.groupby(["metric", "value_low"], dropna=False, sort=False)["id"].apply(list).tolist()
    assert list(ids.values()) == expected
