"""Read the figures printed in a quote, as digits ("14,000") or words ("ninety-two").

Digits are read in any script (``\\d`` is Unicode's), and a group of thousands may also be set
off by a space, a no-break space or a thin space, as Russian and Ukrainian print them ("14 000").
Such a run is read both ways ("24 100" is 24,100, and also 24 and 100): an English quote may
set two numbers side by side, and a check that a figure is printed loses nothing by it.

Digits followed by a word for a power of ten are read as their product, as Korean and Russian
news print round figures: "1만 4천" (1 ten-thousand 4 thousand, 14,000), "1만4000", "14 тысяч",
"14 тыс.". A figure written wholly in words of another language ("일만 사천", "четырнадцать
тысяч") is not read: validation then looks for it in the quote's English translation."""

from __future__ import annotations

import re

# The English words for 0 to 19, index = value; formatting.counted writes small counts with them.
UNIT_WORDS = tuple(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen".split()
)
_UNITS = {w: i for i, w in enumerate(UNIT_WORDS)}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_DIGITS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\d,.])\d+(?![\d,]\d)")
_SPACED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d,.]?\d)")
# Korean counts in myriads: digits before 만, 천 or 백 multiply, and the parts add up.
_KOREAN_UNITS = {"만": 10_000, "천": 1_000, "백": 100}
_KOREAN = re.compile(r"(?<![\d.,])(?:\d+\s?[만천백]\s?)+\d*(?![\d,.]?\d)")
_KOREAN_PART = re.compile(r"(\d+)\s?([만천백]?)")
# Russian and Ukrainian round figures: digits before a word for thousand or million.
_SCALED = re.compile(
    r"(?<![\d.,])(\d+)\s?(тыс\.|тысяч[аи]?|тисяч[аі]?|млн\b|миллион(?:а|ов)?|мільйон(?:а|ів)?)", re.IGNORECASE
)
_SCALES = {"тыс": 1_000, "тис": 1_000, "млн": 1_000_000, "мил": 1_000_000, "міл": 1_000_000}
_WORDS = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[-\s](" + "|".join(list(_UNITS)[1:10]) + r"))?"
    r"|(" + "|".join(_UNITS) + r"))\b",
    re.IGNORECASE,
)


def figures_in(text: str) -> list[tuple[int, int, int]]:
    """Every whole number written in ``text`` as (start, end, value), in reading order."""
    found = [(m.start(), m.end(), int(m.group().replace(",", ""))) for m in _DIGITS.finditer(text)]
    found += [(m.start(), m.end(), int(re.sub(r"\D", "", m.group()))) for m in _SPACED.finditer(text)]
    for m in _KOREAN.finditer(text):
        parts = _KOREAN_PART.findall(m.group())
        end = m.start() + len(m.group().rstrip())
        found.append((m.start(), end, sum(int(d) * _KOREAN_UNITS.get(unit, 1) for d, unit in parts)))
    for m in _SCALED.finditer(text):
        found.append((m.start(), m.end(), int(m.group(1)) * _SCALES[m.group(2)[:3].lower()]))
    for m in _WORDS.finditer(text):
        tens, unit, single = (g.lower() if g else g for g in m.groups())
        value = _UNITS[single] if single else _TENS[tens] + (_UNITS[unit] if unit else 0)
        found.append((m.start(), m.end(), value))
    return sorted(found)


def numbers_in(text: str) -> set[int]:
    """Every whole number written in ``text``, in digits or in English words up to 99."""
    return {value for _, _, value in figures_in(text)}


def as_printed(text: str, values) -> str:
    """The stretch of ``text`` that prints ``values``: '10,000 and 12,000', 'ninety-two';
    from the first figure printed for one of them to the first printed for the last."""
    wanted = {int(v) for v in values}
    first: dict[int, tuple[int, int]] = {}
    for start, end, value in figures_in(text):
        if value in wanted:
            first.setdefault(value, (start, end))
    if not first:
        return ""
    spans = list(first.values())
    return text[min(s for s, _ in spans) : max(e for _, e in spans)]
