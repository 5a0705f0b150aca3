"""Checks of a quote's language: a valid, canonical BCP 47 tag, no quote in another script
left tagged as English, and an English translation with its translator exactly when the quote
is in another language."""

from __future__ import annotations

from analysis.data import languages
from analysis.data.checks.archive import QUOTED_TABLES
from analysis.data.checks.rows import numbered_rows, table_file
from analysis.data.problems import Problem
from analysis.data.values import shortened

EXAMPLES = "e.g. ko (Korean), ru (Russian), uk (Ukrainian), en (English)"


def check_languages(ds) -> list[Problem]:
    problems = []
    for table in QUOTED_TABLES:
        name = table_file(ds, table)
        for row, r in numbered_rows(ds.tables[table]):
            problems += _row_problems(name, row, r)
    return problems


def _row_problems(name: str, row: int, r) -> list[Problem]:
    raw, translation, translator = r[languages.LANG], r[languages.TRANSLATION], r[languages.TRANSLATOR]
    tag = languages.tag_of(raw)
    if not languages.is_valid(tag):
        return [
            Problem(
                name,
                row,
                languages.LANG,
                "lang-tag-invalid",
                f"'{shortened(raw)}' is not a BCP 47 language tag ({EXAMPLES}); leave it empty for English",
            )
        ]
    problems = []
    if tag != languages.canonical(tag):
        problems.append(
            Problem(
                name,
                row,
                languages.LANG,
                "lang-tag-noncanonical",
                f"'{tag}' is written '{languages.canonical(tag)}' in BCP 47's canonical form: use that spelling",
            )
        )
    english = languages.is_book_language(tag)
    script = languages.main_script(str(r["quote"])) if english else None
    if script:
        problems.append(
            Problem(
                name,
                row,
                languages.LANG,
                "lang-missing",
                f"says the quote is {languages.name(tag)}, but most of its letters are {script.title()}: give its "
                f"language tag ({EXAMPLES}), its English translation and who made it",
            )
        )
    if english and translation is not None:
        problems.append(
            Problem(
                name,
                row,
                languages.TRANSLATION,
                "translation-without-original",
                f"a translation, but quote_lang says the quote is {languages.name(tag)}: put the original, as the "
                "article prints it, in quote and its language tag in quote_lang (or empty quote_translation)",
            )
        )
    elif not english and translation is None:
        problems.append(
            Problem(
                name,
                row,
                languages.TRANSLATION,
                "translation-missing",
                f"is empty, but the quote is in {languages.name(tag)} ('{tag}'): give its English translation "
                "and, in translated_by, who made it",
            )
        )
    if translator is not None and translation is None:
        problems.append(
            Problem(
                name,
                row,
                languages.TRANSLATOR,
                "translator-without-translation",
                f"names '{shortened(translator)}', but there is no translation: empty translated_by, or give the "
                "translation in quote_translation",
            )
        )
    elif translation is not None and translator is None:
        problems.append(
            Problem(
                name,
                row,
                languages.TRANSLATOR,
                "translator-missing",
                "is empty, but the quote has a translation: say who translated it (a person, or a tool and who "
                "checked it)",
            )
        )
    return problems
