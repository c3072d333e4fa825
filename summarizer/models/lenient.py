"""Read the model's answer leniently: normalize what has one right reading, drop what fails on its own.

Real models slip: `Supportive` for `supportive`, `Russian` or `ru-RU` for `ru`, `N/A` for a
missing date, an ISO datetime for a date, extra keys, a list longer than asked, a stance holder
spelled differently from the actor list. Each of these has one right reading, so it is fixed
here (in the response models' `mode="before"` / `mode="wrap"` validators) instead of costing a
re-ask. An item that still fails its own checks is dropped with a note naming it; the rest of
the answer stands. Whether an evidence quote occurs in its source is not decided here: that
check stays in grounding (`verify_brief`) and in the analysis check, which are authoritative.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

__all__ = [
    "Repairs",
    "enum_value",
    "language_code",
    "date_value",
    "short_error",
    "keep_valid",
    "cap",
    "name_key",
    "match_name",
    "cut_repeats",
    "unwrap_quote",
]

_NULL_WORDS = {
    "",
    "unknown",
    "n/a",
    "na",
    "none",
    "null",
    "nil",
    "undated",
    "unspecified",
    "not specified",
    "not given",
    "-",
    "?",
    "tbd",
}


class Repairs:
    """What was fixed and what was dropped while reading one answer, and how many items it had."""

    def __init__(self) -> None:
        self.fixed: list[str] = []  # normalizations worth telling the reader (truncations, actors added)
        self.dropped: list[str] = []  # items left out, each named
        self.received = 0  # items in the answer's lists, before any was dropped

    def fix(self, message: str) -> None:
        self.fixed.append(message)

    def drop(self, message: str) -> None:
        self.dropped.append(message)


def short_error(exc: BaseException) -> str:
    """One readable line for a validation error: field path and message, no pydantic boilerplate."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_url=False, include_input=False):
            where = ".".join(str(p) for p in error.get("loc", ()) if p != "__root__")
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    text = " ".join(str(exc).split())
    text = re.sub(r"\s*\[type=[^\]]*\]", "", text)
    text = re.sub(r"\s*For further information visit \S+", "", text)
    return text


def _slug(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().casefold())


def enum_value(value: Any, literal: Any, synonyms: dict[str, str] | None = None) -> Any:
    """`value` as one of the Literal's choices when it is one in another case or spelling; else unchanged."""
    if not isinstance(value, str):
        return value
    choices = get_args(literal)
    slug = _slug(value)
    if slug in choices:
        return slug
    if synonyms and slug in synonyms:
        return synonyms[slug]
    return value


# ISO 639-1 codes by English name, for the languages a news pipeline meets most
_LANGUAGES = {
    "afrikaans": "af",
    "albanian": "sq",
    "amharic": "am",
    "arabic": "ar",
    "armenian": "hy",
    "azerbaijani": "az",
    "azeri": "az",
    "basque": "eu",
    "belarusian": "be",
    "bengali": "bn",
    "bosnian": "bs",
    "bulgarian": "bg",
    "catalan": "ca",
    "chinese": "zh",
    "mandarin": "zh",
    "croatian": "hr",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "estonian": "et",
    "finnish": "fi",
    "french": "fr",
    "georgian": "ka",
    "german": "de",
    "greek": "el",
    "hebrew": "he",
    "hindi": "hi",
    "hungarian": "hu",
    "icelandic": "is",
    "indonesian": "id",
    "irish": "ga",
    "italian": "it",
    "japanese": "ja",
    "kazakh": "kk",
    "korean": "ko",
    "kyrgyz": "ky",
    "latvian": "lv",
    "lithuanian": "lt",
    "macedonian": "mk",
    "malay": "ms",
    "mongolian": "mn",
    "norwegian": "no",
    "persian": "fa",
    "farsi": "fa",
    "polish": "pl",
    "portuguese": "pt",
    "romanian": "ro",
    "russian": "ru",
    "serbian": "sr",
    "slovak": "sk",
    "slovenian": "sl",
    "spanish": "es",
    "swahili": "sw",
    "swedish": "sv",
    "tajik": "tg",
    "tamil": "ta",
    "thai": "th",
    "turkish": "tr",
    "turkmen": "tk",
    "ukrainian": "uk",
    "urdu": "ur",
    "uzbek": "uz",
    "vietnamese": "vi",
    "welsh": "cy",
}
_CODES = set(_LANGUAGES.values())


def language_code(value: Any) -> Any:
    """'Russian', 'ru-RU', 'RU', 'ru_RU', 'rus' -> 'ru'; anything else unchanged."""
    if not isinstance(value, str):
        return value
    text = value.strip().casefold()
    if text in _LANGUAGES:
        return _LANGUAGES[text]
    head = re.split(r"[-_\s(]", text, maxsplit=1)[0]
    if head in _CODES:
        return head
    if head in _LANGUAGES:
        return _LANGUAGES[head]
    return text if re.fullmatch(r"[a-z]{2,3}", text) else value


_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
_SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$")
_SHORT = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def date_value(value: Any) -> Any:
    """Null-like words -> None; ISO datetimes -> their date; 2025/10/7 and 2025-10-7 -> 2025-10-07; else unchanged."""
    if value is None:
        return None
    if not isinstance(value, str):
        return str(value) if isinstance(value, int) else value
    text = value.strip()
    if text.casefold() in _NULL_WORDS:
        return None
    match = _ISO_DATETIME.match(text)
    if match:
        return match.group(1)
    match = _SLASHED.match(text) or _SHORT.match(text)
    if match:
        return "-".join(f"{int(p):02d}" if i else p for i, p in enumerate(match.groups()) if p is not None)
    return text


def checked_date(value: str | None) -> str | None:
    """A partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) that exists, else None."""
    if value is None or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return None
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return value


def keep_valid(
    items: Any,
    model: type[BaseModel],
    describe: Callable[[int, Any], str],
    repairs: Repairs,
    *,
    context: dict[str, Any] | None = None,
) -> Any:
    """The items that validate as `model` on their own; each other one is dropped with a note."""
    if not isinstance(items, list):
        return items  # a wrong type for the whole list is structural: the answer is re-asked
    kept = []
    for number, item in enumerate(items, 1):
        repairs.received += 1
        try:
            model.model_validate(item, context=context)
        except ValidationError as exc:
            repairs.drop(f"{describe(number, item)} left out: {short_error(exc)}")
            continue
        kept.append(item)
    return kept


def cap(items: Any, limit: int, what: str, repairs: Repairs) -> Any:
    """At most `limit` items (the first ones, as asked: most important first), with a note when cut."""
    if isinstance(items, list) and len(items) > limit:
        repairs.fix(f"{len(items)} {what} in the answer, more than the {limit} allowed; the first {limit} are kept")
        return items[:limit]
    return items


def name_key(name: str) -> str:
    """A name folded for comparison: accents, case, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


FUZZY_NAME = 88.0  # rapidfuzz token_sort_ratio of two folded names


def match_name(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` stands for: equal when folded, a surname of one person only, or a close spelling."""
    from rapidfuzz import fuzz

    known = list(known)
    key = name_key(name)
    if not key:
        return None
    for candidate in known:
        if name_key(candidate) == key:
            return candidate
    surname = [c for c in known if len(key) >= 3 and name_key(c).split()[-1:] == [key]]
    if len(surname) == 1:
        return surname[0]
    scored = [(fuzz.token_sort_ratio(key, name_key(c)), c) for c in known]
    best = max(scored, default=(0.0, None))
    if best[0] >= FUZZY_NAME and sum(score >= FUZZY_NAME for score, _ in scored) == 1:
        return best[1]
    return None


# ------------------------------------------------------------------ degenerate text: loops and fences

_SENTENCE = re.compile(r"(?<=[.!?\u3002])\s+")
# the same 1-8 words three or more times in a row; a unit starts at a word boundary and takes whole words
# (possessive), so a long run of word characters costs linear time, not minutes ('x' * 100_000: 0.01 s, was ~7 min)
_LOOP = re.compile(r"(\b(?:\w[\w'\u2019-]*+[\s,;:]+){1,8}?)\1{2,}", re.UNICODE)
_FENCE_OPEN = re.compile(r"^\s*<(article|briefs?|source)\b[^>]*>\s*", re.I)  # the prompts' own fence tags
_FENCE_CLOSE = re.compile(r"\s*</(article|briefs?|source)>\s*$", re.I)
_PAIRS = {
    '"': '"',
    "'": "'",
    "\u201c": "\u201d",
    "\u201e": "\u201c",
    "\u00ab": "\u00bb",
    "\u2018": "\u2019",
    "\u201a": "\u2018",
}


def _sentence_key(sentence: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", sentence.casefold()).split())


def cut_repeats(text: str) -> tuple[str, int]:
    """`text` without a looping model's repeats, and how many were cut: a sentence said again, or a run of
    the same words three or more times in a row ('and the and the and the' -> 'and the ')."""
    cut = 0

    def once(match: re.Match[str]) -> str:
        nonlocal cut
        cut += 1
        return match.group(1)

    text = _LOOP.sub(once, text)
    seen: set[str] = set()
    kept = []
    for sentence in _SENTENCE.split(text.strip()):
        key = _sentence_key(sentence)
        if key and len(key) >= 12 and key in seen:
            cut += 1
            continue
        seen.add(key)
        kept.append(sentence)
    return (" ".join(kept) if cut else text), cut


def unwrap_quote(quote: str) -> str:
    """A quote without the prompt's own fence tags (`<article>...</article>`) or one pair of quotation marks
    around it: what the model meant to copy. Whether that occurs in the source is still checked as strictly."""
    text = _FENCE_CLOSE.sub("", _FENCE_OPEN.sub("", quote)).strip()
    if len(text) > 2 and _PAIRS.get(text[0]) == text[-1] and text[0] not in text[1:-1]:
        text = text[1:-1].strip()
    return text
