"""Where a text that should be copied verbatim differs from the text it was copied from.

A quote retyped by hand differs from its article in ways the eye does not see: a straight
apostrophe for a curly one, a double space, a no-break space. ``difference`` finds the
passage of the source the copy is closest to (difflib) and says what differs, naming each
differing character with its code point, so the curator can fix the copy.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

CONTEXT = 24  # characters of the text before a difference, to say where it is
MAX_CHANGES = 3  # differences listed one by one; the rest are counted
MIN_STRETCH = 8  # a longest common stretch shorter than this is no resemblance at all
MERGE_GAP = 3  # differences separated by fewer equal characters read as one
MIN_RATIO = 0.5  # below this similarity (difflib's ratio) the nearest passage is no copy of it


def difference(copy: str, source: str, copy_name: str = "the quote", source_name: str = "the article") -> str:
    """Why ``copy`` is not found verbatim in ``source``, in words (empty when it is found)."""
    if copy in source:
        return ""
    matcher = difflib.SequenceMatcher(None, source, copy, autojunk=False)
    longest = matcher.find_longest_match(0, len(source), 0, len(copy))
    if longest.size < min(MIN_STRETCH, len(copy)):
        return f"no passage of {source_name} resembles it"
    passage = _nearest_passage(source, copy, longest)
    stretch = copy[longest.b : longest.b + longest.size]
    if difflib.SequenceMatcher(None, passage, copy, autojunk=False).ratio() < MIN_RATIO:
        return f"no passage of {source_name} resembles it (the longest stretch found verbatim is {_quoted(stretch)})"
    changes = _changes(passage, copy)
    parts = [f"the longest stretch found verbatim is {_quoted(stretch)} ({longest.size} of {len(copy)} characters)"]
    described = [_describe(passage, copy, op, copy_name, source_name) for op in changes[:MAX_CHANGES]]
    if len(changes) > MAX_CHANGES:
        described.append(f"and {len(changes) - MAX_CHANGES} more difference(s)")
    parts.append("; ".join(described))
    if len(changes) > 1 or any(_is_large(passage, copy, op) for op in changes):
        parts.append(f"the nearest passage of {source_name} is {_quoted(passage)}")
    return "; ".join(parts)


def _nearest_passage(source: str, copy: str, longest) -> str:
    """The stretch of ``source`` that lines up with the whole of ``copy`` around their longest match.

    Each side of the match is aligned outwards from it (the left side reversed), so that
    of equally good alignments the one next to the match wins.
    """
    left_copy, right_copy = copy[: longest.b], copy[longest.b + longest.size :]
    left_source = source[max(0, longest.a - 2 * len(left_copy) - CONTEXT) : longest.a]
    right_start = longest.a + longest.size
    right_source = source[right_start : right_start + 2 * len(right_copy) + CONTEXT]
    left = _extent(left_source[::-1], left_copy[::-1])
    right = _extent(right_source, right_copy)
    return source[longest.a - left : right_start + right]


def _extent(source: str, copy: str) -> int:
    """How many characters at the start of ``source`` line up with all of ``copy``."""
    if not copy:
        return 0
    blocks = [b for b in difflib.SequenceMatcher(None, source, copy, autojunk=False).get_matching_blocks() if b.size]
    # a few common characters beside the match are chance, not alignment
    if 2 * sum(b.size for b in blocks) <= len(copy):
        return _unaligned_extent(source, copy)
    last = blocks[-1]
    return min(len(source), last.a + last.size + len(copy) - last.b - last.size)


def _unaligned_extent(source: str, copy: str) -> int:
    """Nothing lines up beside the match: punctuation for punctuation (' for ’), word for
    word when both continue the match the same way (a retyped word), else the copy's
    characters are extra."""
    n = len(copy)
    if n <= 2 and len(source) >= n and all(not c.isalnum() and not c.isspace() for c in copy + source[:n]):
        return n
    words = len(copy.split())
    if not source or not words or copy[0].isspace() != source[0].isspace():
        return 0
    ends = [m.end() for m in re.finditer(r"\S+", source)]
    return ends[words - 1] if len(ends) >= words else len(source)


def _changes(passage: str, copy: str) -> list[tuple[int, int, int, int]]:
    """Differing spans as (passage start, end, copy start, end), near ones merged."""
    ops = [
        (i1, i2, j1, j2)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, passage, copy, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    merged: list[tuple[int, int, int, int]] = []
    for op in map(lambda op: _whole_words(passage, copy, op), ops):
        if merged and op[2] - merged[-1][3] < MERGE_GAP and op[0] - merged[-1][1] < MERGE_GAP:
            merged[-1] = (merged[-1][0], op[1], merged[-1][2], op[3])
        else:
            merged.append(op)
    return merged


def _whole_words(passage: str, copy: str, op):
    """A retyped word ("said" for "reported") reads as whole words, not as the letters
    difflib happens to keep; a one-character slip keeps its code point."""
    i1, i2, j1, j2 = op
    changed = passage[i1:i2] + copy[j1:j2]
    if max(i2 - i1, j2 - j1) < 2 or not any(c.isalnum() for c in changed):
        return op
    sides = [t for t in (passage[i1:i2], copy[j1:j2]) if t]
    if all(t[0].isalnum() for t in sides):  # the change starts inside a word
        while i1 > 0 and j1 > 0 and passage[i1 - 1].isalnum() and copy[j1 - 1].isalnum():
            i1, j1 = i1 - 1, j1 - 1
    if all(t[-1].isalnum() for t in sides):  # it ends inside a word
        while i2 < len(passage) and j2 < len(copy) and passage[i2].isalnum() and copy[j2].isalnum():
            i2, j2 = i2 + 1, j2 + 1
    return i1, i2, j1, j2


def _describe(passage: str, copy: str, op, copy_name: str, source_name: str) -> str:
    i1, i2, j1, j2 = op
    ours, theirs = copy[j1:j2], passage[i1:i2]
    before = copy[max(0, j1 - CONTEXT) : j1]
    where = f"after {_quoted(before)}" if before else f"at the start of {copy_name}"
    if ours and theirs:
        return f"{_shown(ours)} where {source_name} has {_shown(theirs)}, {where}"
    if ours:
        return f"{_shown(ours)} that {source_name} does not have, {where}"
    return f"{copy_name} lacks {_shown(theirs)}, {where}"


def _is_large(passage: str, copy: str, op) -> bool:
    """More than one character, or whitespace: the passage itself shows it best."""
    i1, i2, j1, j2 = op
    changed = copy[j1:j2] + passage[i1:i2]
    return max(i2 - i1, j2 - j1) > 1 or any(c.isspace() for c in changed)


def _shown(text: str) -> str:
    """A character, or a short run with punctuation or spaces, character by character with
    code points (look-alikes differ only there); words and numbers as a quoted string."""
    if len(text) > 3 or (len(text) > 1 and text.isalnum()):
        return _quoted(text)
    return " ".join(_char(c) for c in text)


def _char(c: str) -> str:
    code = f"U+{ord(c):04X}"
    if c.isspace() or unicodedata.category(c).startswith("C"):
        return f"{unicodedata.name(c, 'control character').lower()} ({code})"
    return f"{c} ({code})"


def _quoted(text: str) -> str:
    return '"' + text.replace("\n", "\\n") + '"'
