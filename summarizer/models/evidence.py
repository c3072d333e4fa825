"""What counts as a verbatim quote: the check every evidence quote must pass against its source.

Tolerant of whitespace, quote marks, apostrophes, dashes, letter case and Unicode
normalisation; intolerant of any changed, added or dropped word (a span must start and end on
word boundaries, so a truncated word does not pass).
"""

from __future__ import annotations

import functools
import re
import unicodedata
__all__ = ["normalize", "quote_in_source", "locate_quote", "MIN_QUOTE_CHARS"]

MIN_QUOTE_CHARS = 12

_QUOTES = dict.fromkeys(map(ord, "«»“”„‟″〝〞＂"), '"')
_QUOTES.update(dict.fromkeys(map(ord, "‘’‚‛′ʼ`´ʹ"), "'"))
_QUOTES.update(dict.fromkeys(map(ord, "‐‑‒–—―−"), "-"))
_QUOTES.update({ord("\u00a0"): " ", ord("\u202f"): " ", ord("\u2009"): " ", ord("…"): "..."})
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_EDGE = " \"'.,;:!?-()[]"


def normalize(text: str) -> str:
    """Fold the differences a faithful copy may still have: case, quotes, dashes, spacing."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", text).strip()


def quote_in_source(quote: str, source: str, *, normalized_source: str | None = None) -> bool:
    """True when `quote`, trimmed of surrounding quote marks and punctuation, occurs verbatim in `source`."""
    needle = normalize(quote).strip(_EDGE)
    if len(needle) < MIN_QUOTE_CHARS:
        return False
    haystack = normalized_source if normalized_source is not None else normalize(source)
    # Quote marks inside the span are optional: "он сказал «да»" matches 'он сказал да'.
    if _occurs_as_words(needle, haystack):
        return True
    bare = _SPACE.sub(" ", needle.replace('"', "")).strip(_EDGE)
    return len(bare) >= MIN_QUOTE_CHARS and _occurs_as_words(bare, _SPACE.sub(" ", haystack.replace('"', "")))


def _occurs_as_words(needle: str, haystack: str) -> bool:
    """`needle` occurs in `haystack` starting and ending on word boundaries ('довольством' is not in 'недовольством')."""
    left, right = _WORD.match(needle) is not None, _WORD.match(needle[-1]) is not None
    start = haystack.find(needle)
    while start != -1:  # every occurrence, as re.search would try them (no regex compiled per quote: it thrashes re's cache)
        end = start + len(needle)
        if not (left and start and _WORD.match(haystack[start - 1])) and not (right and end < len(haystack) and _WORD.match(haystack[end])):
            return True
        start = haystack.find(needle, start + 1)
    return False


@functools.lru_cache(maxsize=16)  # one article's text is searched for each of its quotes in turn
def _normalized_with_map(text: str, *, drop_quote_marks: bool = False) -> tuple[str, list[int]]:
    """`normalize(text)` (per character) and, for each of its characters, the index in `text` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).translate(_QUOTES).casefold()
        for c in folded:
            if drop_quote_marks and c == '"':
                continue
            if c.isspace():
                if not out or out[-1] == " ":
                    continue
                c = " "
            out.append(c)
            where.append(i)
    return "".join(out), where


def locate_quote(quote: str, source: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `source`, as (start, end) character offsets of `source`, found with the
    tolerance of `quote_in_source` (spacing, quote marks, dashes, case); None when it is not found.

    For showing the evidence in place (the HTML briefing highlights it); the verdict on a quote
    stays `quote_in_source`'s.
    """
    needle = normalize(quote).strip(_EDGE)
    for drop in (False, True):
        if drop:
            needle = _SPACE.sub(" ", needle.replace('"', "")).strip(_EDGE)
        if len(needle) < MIN_QUOTE_CHARS:
            return None
        haystack, where = _normalized_with_map(source, drop_quote_marks=drop)
        start = haystack.find(needle)
        if start != -1:
            last = where[start + len(needle) - 1]
            end = last + 1
            while end < len(source) and unicodedata.combining(source[end]):
                end += 1
            return where[start], end
    return None
