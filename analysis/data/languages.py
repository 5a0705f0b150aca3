"""The language of a quote: a BCP 47 tag in ``quote_lang`` (empty: English), read with langcodes.

A quote stays in its article's language, character for character (it is checked against the
archive); a quote in another language carries an English translation (``quote_translation``)
and who made it (``translated_by``). The book is written in English, so English is both the
default of an empty tag and the language a translation is into.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import langcodes
import pandas as pd

# The book's language: an empty quote_lang means it, and translations are into it.
BOOK_LANGUAGE = "en"
# The columns that carry a quote's language, after ``quote`` in every quoted table.
LANG, TRANSLATION, TRANSLATOR = "quote_lang", "quote_translation", "translated_by"


def tag_of(value) -> str:
    """The quote's language tag as recorded; an empty cell is the book's language."""
    return BOOK_LANGUAGE if value is None or pd.isna(value) or not str(value) else str(value)


def is_valid(tag: str) -> bool:
    """``tag`` is a well-formed BCP 47 tag of registered subtags."""
    return langcodes.tag_is_valid(tag)


def canonical(tag: str) -> str:
    """The one spelling BCP 47 recommends for a valid ``tag`` ('KO', 'kor' -> 'ko'; 'en-us' -> 'en-US')."""
    return langcodes.standardize_tag(tag)


def is_book_language(tag: str) -> bool:
    """The quote needs no translation: it is in English (any variety: en, en-GB)."""
    return langcodes.Language.get(tag).language == BOOK_LANGUAGE


def name(tag: str) -> str:
    """The language's English name, as a reader reads it: 'Korean', 'Russian', 'English (United Kingdom)'."""
    return langcodes.Language.get(tag).display_name(BOOK_LANGUAGE)


def main_script(text: str) -> str | None:
    """The script most of ``text``'s letters are written in, when it is not Latin (the
    English book's): 'HANGUL', 'CYRILLIC', 'CJK'; ``None`` for Latin, or text without letters.
    An English quote may name someone in Hangul; a quote mostly in Hangul is not English."""
    scripts = Counter(unicodedata.name(c, "?").split()[0] for c in text if c.isalpha())
    if not scripts:
        return None
    script, count = scripts.most_common(1)[0]
    return script if script != "LATIN" and count * 2 > sum(scripts.values()) else None
