"""Data problems that name the file, row and field, so a contributor can fix them.

Each problem carries a ``code`` from ``CODES`` (kebab-case, in the style of frictionless's
error types), so tests and tools can tell problems apart without parsing the wording,
which is free to improve.
"""

from __future__ import annotations

from dataclasses import dataclass

CODES = {
    # the folders and files themselves
    "data-folder-missing": "the data folder does not exist",
    "missing-file": "a file the package needs is not in the data folder",
    "empty-file": "a CSV file has no header row",
    "not-utf8": "a file is not valid UTF-8",
    "nul-byte": "a line contains a NUL byte",
    "open-quote": "a quote is left open, so a cell swallows what follows it",
    "descriptor-invalid": "datapackage.json cannot be read as a data package",
    # the header row
    "header-missing-column": "a column the schema declares is absent from the header",
    "header-unexpected-column": "the header has a column the schema does not declare",
    "header-duplicate-column": "a column appears more than once in the header",
    "header-order": "the header has the right columns in the wrong order",
    # the schema, as frictionless checks it
    "type-error": "a cell is not of its field's type",
    "required": "a required cell is empty",
    "enum": "a cell is not one of the values its field allows",
    "pattern": "a cell does not match its field's pattern",
    "max-length": "a cell is longer than its field allows",
    "minimum": "a cell is below its field's minimum",
    "constraint": "a cell breaks another constraint of its field",
    "primary-key": "two rows share a primary key",
    "foreign-key": "a reference names a row that does not exist",
    "extra-cell": "a row has more cells than the header",
    "missing-cell": "a row has fewer cells than the header",
    "blank-row": "a row is empty",
    "frictionless-other": "any other error frictionless reports, in its own words",
    # what a schema cannot say (analysis.data.checks)
    "low-above-high": "value_low is greater than value_high",
    "qualifier-shape": "which bounds are set does not fit the qualifier",
    "figure-not-in-quote": "a bound does not appear among the numbers of the quote (or of its translation)",
    "claimant-type-mismatch": "a claim's claimant_type differs from the claimant's in claimants.csv",
    "interval-date-unexpected": "a date is set that its precision says is not known",
    "interval-start-missing": "a start date its precision needs is empty",
    "interval-end-missing": "an end date its precision needs is empty",
    "interval-reversed": "a start date is after its end date",
    "interval-precision-mismatch": "a date interval does not span what its precision says",
    "after-publication": "something an article reports starts after the article's publication",
    "archive-folder-missing": "the folder of archived articles does not exist",
    "archive-file-missing": "a source's archived article is not in the archive folder",
    "archive-not-utf8": "an archived article is not UTF-8 text",
    "archive-changed": "an archived article's SHA-256 differs from the one sources.csv records",
    "archive-name": "a new archived article is not named by the SHA-256 of its text",
    "quote-not-in-archive": "a quote is not found verbatim in its archived article",
    "lang-tag-invalid": "a quote's quote_lang is not a BCP 47 language tag",
    "lang-tag-noncanonical": "a quote's quote_lang is a BCP 47 tag not written in its canonical form",
    "lang-missing": "a quote mostly in another script than Latin is given as English (quote_lang empty or en)",
    "translation-missing": "a quote in another language than English has no English translation",
    "translation-without-original": "a quote given as English (quote_lang empty or en) has a translation",
    "translator-missing": "a translation does not say who made it (translated_by)",
    "translator-without-translation": "translated_by names a translator but there is no translation",
    "source-field-not-in-archive": "an author, outlet or title is not printed in its archived article",
    "attribution-not-in-quote": "a claim's attribution does not occur verbatim in its quote",
    "attribution-missing": "an attributed claim has no attribution",
    "status-note-missing": "a corrected or retired claim does not say why",
    "retired-claim-linked": "a disagreement quote links a retired claim",
    "formula-metric-missing": "a metric a derived figure's formula names is not in metrics.csv",
    "formula-metric-group": "a metric a derived figure's formula names is in another group in metrics.csv",
    "event-category-mismatch": "rows of one event (one event_key) give different categories",
    "bib-unparsable": "references.bib cannot be parsed",
    "bib-entry-missing": "a source has no entry in references.bib",
    "bib-entry-orphan": "an entry in references.bib has no row in sources.csv",
    "bib-entry-incomplete": "an entry in references.bib lacks an author or key, a title or a year",
    "disagreement-link": "a disagreement quote's claim or event comes from another article",
    "disagreement-sides": "a disagreement quotes fewer sides than its kind needs",
    # the releases (analysis.data.checks.releases)
    "release-version-mismatch": "datapackage.json's version is not the last release's",
    "release-snapshot-missing": "a release has no snapshot of its tables under releases/<version>/",
    "release-date-order": "a release is dated before the release it follows",
    "release-empty": "a release's tables are the same as the previous release's",
    "release-version-semver": "a release's version is not the next patch, minor or major one its changes call for",
    "release-change-undescribed": "a release changed a row that release_changes.csv does not list",
    "release-change-unfounded": "release_changes.csv names a change its release did not make",
    "release-note-missing": "a change that needs a note (a corrected or removed row other than a claim) has none",
    "released-claim-removed": "a released claim's row was deleted instead of retired",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the dataset.

    ``row`` counts lines as a spreadsheet does: the header is row 1, the first record
    row 2. It is ``None`` for problems of a whole file. ``code`` is a key of ``CODES``.
    """

    file: str
    row: int | None
    field: str | None
    code: str
    message: str

    def __post_init__(self) -> None:
        # an undeclared code would be a problem no test or reader can look up
        if self.code not in CODES:
            raise ValueError(f"undeclared problem code {self.code!r}; declare it in analysis.data.problems.CODES")

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message} [{self.code}]"


class DataError(Exception):
    """The dataset is malformed; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the dataset:\n{lines}")


def _sort_key(p: Problem):
    return (p.file, p.row or 0, p.field or "", p.code, p.message)
