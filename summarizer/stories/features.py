"""What clustering knows of each article (step 1 of `clustering`): an English term vector, its actors and
event dates, and the blocking keys, with what an outlet repeats across unrelated stories discounted.

`StoryDoc` is one article as clustering sees it (`story_doc` makes it from a brief); `warm` works
out an article's terms as its brief arrives, before clustering needs them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..ingest.articles import article_outlet
from ..models import Article, ArticleBrief
from ..models.matching import normalize_name

__all__ = [
    "BLOCK_TERMS",
    "Bags",
    "Features",
    "StoryDoc",
    "count_bags",
    "outlet_only",
    "repeated_across_stories",
    "story_doc",
    "terms",
    "warm",
    "weigh_features",
]

# Weights of the features (tuned with the thresholds in clustering.py on bench/stories_corpus.jsonl, see bench/README.md).
MAIN_ACTORS = 3  # an article's main actors: its first 3 that are not states or media
OUTLET_ONLY_WEIGHT = 0.15
HEADLINE_WEIGHT = 2
BLOCK_TERMS = 12

_WORD = re.compile(r"[a-z][a-z'\-]{2,}|\d{2,}")
_STOP = frozenset(
    """
a about above across after again against all almost also although am among an and another any are aren't around as at
be because been before being below between both but by can cannot could did do does doing done down during each either
else ever every few for from further had has have having he her here hers herself him himself his how however i if in
into is isn't it its itself just least less many may me might more most much must my near neither no nor not now of off
on once one only or other others our ours out over own per quite rather said same say says saying she should since so
some still such than that the their theirs them themselves then there these they this those though through thus to too
toward towards under until up upon us very via was wasn't we well were what when where whether which while who whom
whose why will with within without would yet you your also told tells according report reports reported reporting
stated states added adds noted notes claimed claims announced announces week weeks day days month months year years
today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday earlier later new first last two three
article outlet writes wrote news media source sources says the-outlet
""".split()
)


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 12)  # the texts of about 500 articles: bounded memory on big runs
def terms(text: str) -> tuple[str, ...]:
    """The text's terms (remembered: `warm` works them out as each brief arrives, before clustering needs them)."""
    return tuple(_stem(w) for w in _WORD.findall(text.casefold()) if w not in _STOP and _stem(w) not in _STOP)


@dataclass(frozen=True)
class StoryDoc:
    """What clustering needs of one article: its English brief and where and when it appeared."""

    id: str
    date: dt.date | None
    language: str
    outlet: str | None
    headline: str
    summary: str
    actors: tuple[tuple[str, str | None], ...] = ()  # (canonical English name, kind), main ones first
    events: tuple[tuple[str, str | None], ...] = ()  # (English description, YYYY[-MM[-DD]] or None)


def story_doc(article: Article, brief: ArticleBrief) -> StoryDoc:
    """What clustering needs of one briefed article."""
    return StoryDoc(
        id=article.id,
        date=article.date,
        language=brief.source_language,
        outlet=(article_outlet(article, brief.outlet) or "").casefold() or None,
        headline=brief.headline,
        summary=brief.summary,
        actors=tuple((a.name, a.kind) for a in brief.actors),
        events=tuple((e.description, e.date) for e in brief.events),
    )


def warm(doc: StoryDoc) -> None:
    """Work out what clustering will need of one article and can know alone (its terms, its actors'
    normalised names), e.g. while the other articles' answers are awaited; the result is the same."""
    for text in (doc.headline, doc.summary, *(description for description, _ in doc.events)):
        terms(text)
    for name, _ in doc.actors:
        terms(normalize_name(name))


@dataclass
class Features:
    vectors: list[dict[str, float]]  # unit TF-IDF vectors
    actors: list[dict[str, float]]  # actor -> weight (IDF x rank)
    main: list[frozenset[str]]  # main actors
    dates: list[frozenset[str]]  # month- or day-precise event dates
    keys: list[list[tuple[str, float]]]  # blocking keys with weights


def outlet_only(per_doc: Sequence[Iterable[str]], outlets: Sequence[str | None]) -> dict[str, list[int]]:
    """Features seen in 2+ articles, all from the same known outlet: feature -> those articles."""
    seen: dict[str, str | None] = {}
    where: dict[str, list[int]] = defaultdict(list)
    mixed: set[str] = set()
    for i, (items, outlet) in enumerate(zip(per_doc, outlets)):
        for item in set(items):
            where[item].append(i)
            if outlet is None or seen.setdefault(item, outlet) != outlet:
                mixed.add(item)
    return {item: docs for item, docs in where.items() if len(docs) >= 2 and item not in mixed}


def repeated_across_stories(candidates: dict[str, list[int]], story_of: Sequence[int]) -> set[str]:
    """The candidates an outlet repeats across unrelated stories: their articles fall into two or more
    first-pass stories, none of which holds more than half of them. What one outlet's articles about
    one story have in common is that story's vocabulary, not boilerplate."""
    boiler = set()
    for item, docs in candidates.items():
        per_story = Counter(story_of[i] for i in docs)
        if len(per_story) >= 2 and 2 * max(per_story.values()) <= len(docs):
            boiler.add(item)
    return boiler


def _actor_names(doc: StoryDoc) -> tuple[list[str], frozenset[str]]:
    """Normalised actor names in order, and the main ones (first MAIN_ACTORS not states or media)."""
    names: list[str] = []
    main: list[str] = []
    for name, kind in doc.actors:
        key = normalize_name(name)
        if not key or key in names:
            continue
        names.append(key)
        if kind not in ("state", "media") and len(main) < MAIN_ACTORS:
            main.append(key)
    return names, frozenset(main)


@dataclass
class Bags:
    """Each article's terms (counted) and actor names, main actors first; what the weights are computed from."""

    texts: list[Counter]
    actors: list[list[str]]
    main: list[frozenset[str]]


def count_bags(docs: Sequence[StoryDoc]) -> Bags:
    bags = Bags([], [], [])
    for d in docs:
        names, main = _actor_names(d)
        bags.actors.append(names)
        bags.main.append(main)
        name_words = {w for name in names for w in terms(name)}  # who is the actors' part; the text says what
        words = terms(d.headline) * HEADLINE_WEIGHT + terms(d.summary)
        for description, _ in d.events:
            words += terms(description)
        bags.texts.append(Counter(w for w in words if w not in name_words))
    return bags


def _idf(per_doc: Sequence[Iterable[str]], boiler: set[str]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for items in per_doc:
        df.update(set(items))
    n = len(per_doc)
    return {
        t: (math.log((n + 1) / (c + 1)) + 1.0) * (OUTLET_ONLY_WEIGHT if t in boiler else 1.0) for t, c in df.items()
    }


def weigh_features(docs: Sequence[StoryDoc], bags: Bags, boiler_terms: set[str], boiler_actors: set[str]) -> Features:
    term_idf = _idf(bags.texts, boiler_terms)
    actor_idf = _idf(bags.actors, boiler_actors)
    vectors, actors, dates, keys = [], [], [], []
    for counts, names, doc in zip(bags.texts, bags.actors, docs):
        vec = {t: (1.0 + math.log(c)) * term_idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        vectors.append(vec)
        weights = {name: actor_idf[name] / (1.0 + 0.25 * rank) for rank, name in enumerate(names)}
        actors.append(weights)
        dates.append(frozenset(date for _, date in doc.events if date and len(date) >= 7))
        top = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:BLOCK_TERMS]
        strongest = max(weights.values(), default=1.0)
        keys.append([("t:" + t, w) for t, w in top] + [("a:" + a, w / strongest) for a, w in weights.items()])
    return Features(vectors, actors, bags.main, dates, keys)
