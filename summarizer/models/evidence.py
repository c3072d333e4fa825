"""What counts as a verbatim quote: the check every evidence quote must pass against its source.

Tolerant of whitespace, quote marks, apostrophes, dashes, letter case and Unicode
normalisation; intolerant of any changed, added or dropped word (a span must start and end on
word boundaries, so a truncated word does not pass). A quote that runs across a paragraph break
is shown with the cut marked: its paragraphs joined by " […] " (`mark_cuts`); such a quote passes
when its parts occur in the source in that order.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["normalize", "quote_in_source", "locate_quote", "mark_cuts", "CUT", "MIN_QUOTE_CHARS"]

MIN_QUOTE_CHARS = 12

_QUOTES = dict.fromkeys(map(ord, "«»“”„‟″〝〞＂"), '"')
_QUOTES.update(dict.fromkeys(map(ord, "‘’‚‛′ʼ`´ʹ"), "'"))
_QUOTES.update(dict.fromkeys(map(ord, "‐‑‒–—―−"), "-"))
_QUOTES.update({ord("\u00a0"): " ", ord("\u202f"): " ", ord("\u2009"): " ", ord("…"): "..."})
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_EDGE = " \"'.,;:!?-()[]"
CUT = " […] "  # marks where a quote skips a paragraph break
_CUT = re.compile(r"\s*\[(?:…|\.\.\.)\]\s*")
_BREAK = re.compile(r"\s*\n\s*")  # a line break ends a paragraph


def normalize(text: str) -> str:
    """Fold the differences a faithful copy may still have: case, quotes, dashes, spacing."""
    # split() splits on exactly what the regex \s+ matches (str.isspace): one space between words, none at the edges
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().split())


def quote_in_source(quote: str, source: str, *, normalized_source: str | None = None) -> bool:
    """True when `quote`, trimmed of surrounding quote marks and punctuation, occurs verbatim in `source`.

    A quote with marked cuts ("[…]") passes when each part does, in that order.
    """
    if "[" in quote and _CUT.search(quote):
        return _parts_in_order(quote, source, normalized_source)
    needle = normalize(quote).strip(_EDGE)
    if len(needle) < MIN_QUOTE_CHARS:
        return False
    haystack = normalized_source if normalized_source is not None else normalize(source)
    # Quote marks inside the span are optional: "он сказал «да»" matches 'он сказал да'.
    if _occurs_as_words(needle, haystack):
        return True
    bare = _SPACE.sub(" ", needle.replace('"', "")).strip(_EDGE)
    return len(bare) >= MIN_QUOTE_CHARS and _occurs_as_words(bare, _SPACE.sub(" ", haystack.replace('"', "")))


def _parts_in_order(quote: str, source: str, normalized_source: str | None) -> bool:
    """The parts of a quote with marked cuts run on from one paragraph into the next: the first ends a
    paragraph, the middle ones are whole paragraphs, the last starts the next (a cut marks a paragraph
    break, never skipped words)."""
    wanted = [normalize(p).strip(_EDGE) for p in _CUT.split(quote)]
    if len(wanted) < 2 or not all(wanted) or len("".join(wanted)) < MIN_QUOTE_CHARS:
        return False
    for drop in (False, True):
        fold = (lambda t: _SPACE.sub(" ", t.replace('"', "")).strip(_EDGE)) if drop else (lambda t: t)
        parts = [fold(p) for p in wanted]
        paragraphs = [fold(p).strip(_EDGE) for p in _paragraphs(source)]
        last = len(parts) - 1
        for k in range(len(paragraphs) - last):
            first, end = paragraphs[k], paragraphs[k + last]
            if not (first.endswith(parts[0]) and end.startswith(parts[-1])):
                continue
            before = first[: len(first) - len(parts[0])]
            after = end[len(parts[-1]) :]
            if (before and _WORD.match(before[-1])) or (after and _WORD.match(after[0])):
                continue  # a part starts or ends inside a word
            if all(paragraphs[k + i] == parts[i] for i in range(1, last)):
                return True
    return False


@functools.lru_cache(maxsize=16)
def _paragraphs(source: str) -> tuple[str, ...]:
    return tuple(normalize(p) for p in _BREAK.split(source) if p.strip())


def _verbatim_in_a_line(quote: str, source: str) -> bool:
    """`quote` occurs character for character within one line of `source`, and starts and ends on ASCII characters.

    Then its normalised form is inside that line's: no paragraph break to mark. ASCII characters never
    compose with their neighbours under NFKC, so the quote normalises alone as it does within its line;
    case folding and space folding work character by character. The common case, decided without
    normalising the quote or the source's paragraphs.
    """
    start = source.find(quote)
    if start == -1 or not quote or "\n" in quote:
        return False
    end = start + len(quote)
    return quote[0].isascii() and (end == len(source) or source[end].isascii())


def mark_cuts(quote: str, source: str) -> str:
    """`quote` as the source has it: when it runs across a paragraph break, its paragraphs joined by " […] "; else unchanged."""
    if "\n" not in source or _CUT.search(quote) or _verbatim_in_a_line(quote, source):
        return quote
    needle = normalize(quote).strip(_EDGE)
    bare = _SPACE.sub(" ", needle.replace('"', "")).strip(_EDGE)
    if any(needle in p or bare in p.replace('"', "") for p in _paragraphs(source)):
        return quote
    span = locate_quote(quote, source)
    if span is None:
        return quote
    pieces = [" ".join(p.split()) for p in _BREAK.split(source[span[0] : span[1]]) if p.strip()]
    return CUT.join(pieces) if len(pieces) > 1 else quote


def _occurs_as_words(needle: str, haystack: str) -> bool:
    """`needle` occurs in `haystack` starting and ending on word boundaries ('довольством' is not in 'недовольством')."""
    left, right = _WORD.match(needle) is not None, _WORD.match(needle[-1]) is not None
    start = haystack.find(needle)
    while (
        start != -1
    ):  # every occurrence, as re.search would try them (no regex compiled per quote: it thrashes re's cache)
        end = start + len(needle)
        if not (left and start and _WORD.match(haystack[start - 1])) and not (
            right and end < len(haystack) and _WORD.match(haystack[end])
        ):
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
    stays `quote_in_source`'s. A quote with marked cuts spans from its first part to its last.
    """
    if "[" in quote and _CUT.search(quote):
        parts = [p for p in _CUT.split(quote) if p.strip(_EDGE)]
        head, tail = (locate_quote(parts[0], source), locate_quote(parts[-1], source)) if parts else (None, None)
        return (head[0], tail[1]) if head and tail and tail[1] > head[0] else None
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
