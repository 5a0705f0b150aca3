"""Text measured in points, so a chart's layout knows every label's size before it draws it."""

from __future__ import annotations

from functools import cache, lru_cache

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from analysis.charts.styles import FAMILY, FONT, LEADING, plain


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 72)  # 72 dpi: one pixel is one point


# Unbounded: a measurement costs about a millisecond per 60 characters (matplotlib lays
# the glyphs out), and a chart at 100 times the data measures tens of thousands of strings.
@cache
def text_width(text: str, size: float = FONT, weight: str = "normal") -> float:
    font = FontProperties(family=FAMILY, size=size, weight=weight)
    return _renderer().get_text_width_height_descent(plain(text), font, ismath=False)[0]


def wrap(text: str, width: float, size: float = FONT, weight: str = "normal") -> list[str]:
    """``text`` in lines no wider than ``width`` points (a word longer than that stands alone)."""
    limit = width * 0.95  # 5% to spare: a reader's browser may set the same font a little wider
    per_char = size * 0.55  # a first guess at the width of a character; each measurement updates it
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
        start = 0
        while start < len(words):
            end, per_char = _line_end(words, start, limit, per_char, size, weight)
            lines.append(" ".join(words[start:end]))
            start = end
    return lines


def _line_end(words: list[str], start: int, limit: float, per_char: float, size, weight) -> tuple[int, float]:
    """Where the line that begins with ``words[start]`` ends: it takes as many words as fit
    in ``limit`` points, and at least one. Also returns the width per character measured last.

    A line only grows wider as words are added, so rather than measure the line after
    every word, the search starts from a guess (by characters, at ``per_char``) and steps
    from there: about two measurements a line instead of one a word.
    """

    def fits(end: int) -> bool:
        nonlocal per_char
        if end == start + 1:
            return True
        line = " ".join(words[start:end])
        measured = text_width(line, size, weight)
        per_char = measured / len(line)
        return measured <= limit

    end, chars = start + 1, len(words[start])
    while end < len(words) and (chars + 1 + len(words[end])) * per_char <= limit:
        chars += 1 + len(words[end])
        end += 1
    if fits(end):
        while end < len(words) and fits(end + 1):
            end += 1
    else:
        end -= 1
        while not fits(end):
            end -= 1
    return end, per_char


def line_height(size: float) -> float:
    return size * LEADING
