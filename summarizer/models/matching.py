"""When two things are the same: names, events, stance targets.

merge (one briefing), analysis (stance changes, account checks) and digest (what is new since
earlier days) ask the same questions, so they share these answers and thresholds:

- actors: the same person or body when their normalised names (casefolded, accents stripped)
  are equal or `fuzz.ratio` >= ACTOR_MATCH (90): transliteration variants ('Alijev'/'Aliyev'),
  not different people who share a surname.
- events: same date (or one date a prefix of the other) and `event_similarity` >= EVENT_MATCH (72).
- stance targets: `token_sort_ratio` >= TARGET_MATCH (80) for the same holder. 80, not the 85
  the digest used: the seeds' own paraphrase of one target, 'Aliyev–Putin contact at the SCO
  summit' / 'Aliyev–Putin meeting at the SCO summit', scores 84, so at 85 the digest would miss a
  shift the briefing reports; the same holder's different targets there score 70 or less
  ('... contact at the SCO summit' / 'Aliyev's decision not to attend the summit').
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

from rapidfuzz import fuzz, utils

__all__ = [
    "ACTOR_MATCH",
    "EVENT_MATCH",
    "MIN_TEXT_SIMILARITY",
    "TARGET_MATCH",
    "dates_compatible",
    "event_similarity",
    "name_words",
    "normalize_name",
    "processed_words",
    "same_actor",
    "same_target",
    "target_similarity",
]

ACTOR_MATCH = 90.0  # fuzz.ratio of two normalised names
EVENT_MATCH = 72.0  # event_similarity of two events with compatible dates
MIN_TEXT_SIMILARITY = 55.0  # what two event descriptions say, names aside, must itself be alike
TARGET_MATCH = 80.0  # token_sort_ratio of two stance targets of the same holder


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Casefold and strip accents: 'Alijevs' and 'alijevs', 'Erdoğan' and 'Erdogan' compare equal."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


def same_actor(a: str, b: str) -> bool:
    """Whether two names are the same actor (see ACTOR_MATCH)."""
    na, nb = normalize_name(a), normalize_name(b)
    return na == nb or fuzz.ratio(na, nb) >= ACTOR_MATCH


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Partial ISO dates agree when one is a prefix of the other ('2025-10' and '2025-10-09')."""
    if a is None or b is None:
        return True
    return a.startswith(b) or b.startswith(a)


@lru_cache(maxsize=1 << 13)
def processed_words(text: str) -> tuple[str, ...]:
    """The words of `text` as rapidfuzz's default_process leaves them (lowercase, no punctuation), remembered:
    merging compares each event description with many others, and the story merges see them again."""
    return tuple(utils.default_process(text).split())


@lru_cache(maxsize=1 << 12)
def name_words(name: str) -> frozenset[str]:
    """The words of an actor's name, as `processed_words` gives them (taken out of descriptions before comparing them)."""
    return frozenset(processed_words(name))


def _without_names(description: str, names: set[str] | frozenset[str]) -> str:
    """The description with its actors' names (and their single words) taken out."""
    return _strip(description, frozenset().union(*map(name_words, names)))


def _strip(description: str, words: frozenset[str]) -> str:
    return " ".join(w for w in processed_words(description) if w not in words)


def event_similarity(
    descriptions_a: Sequence[str], descriptions_b: Sequence[str], actors_a: AbstractSet[str], actors_b: AbstractSet[str]
) -> float:
    """How alike two events are: description words (75%, names aside) and shared actors (25%).

    Names are compared through the actors, not the words: two different events of the same two
    people ("met in Dushanbe", "spoke by phone") must not look alike because both name them.
    """
    names = actors_a | actors_b
    words = frozenset().union(*map(name_words, names))
    stripped_b = [_strip(y, words) for y in descriptions_b]
    text = max(fuzz.token_set_ratio(x, y) for x in (_strip(x, words) for x in descriptions_a) for y in stripped_b)
    if text < MIN_TEXT_SIMILARITY:
        return 0.0
    overlap = len(actors_a & actors_b) / len(names) if names else 0.0
    return 0.75 * text + 25.0 * overlap


def target_similarity(a: str, b: str) -> float:
    """token_sort_ratio of two stance targets (case and punctuation aside)."""
    return fuzz.token_sort_ratio(a, b, processor=utils.default_process)


def same_target(a: str, b: str) -> bool:
    """Whether two stance targets are the same topic (see TARGET_MATCH)."""
    return target_similarity(a, b) >= TARGET_MATCH
