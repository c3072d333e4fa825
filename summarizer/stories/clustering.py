"""Articles -> stories: group the briefs of a run into stories, across languages. Pure and deterministic.

Input is one `StoryDoc` per article (what its English brief says, plus publication date,
language and outlet); output is a list of `Story`, every article in exactly one. No LLM call.

Algorithm (single pass over the articles in publication order, then one cluster-merge pass):

1. **Features.** Each article becomes an English term vector (TF-IDF over headline, twice,
   summary and event descriptions; lowercased words of 3+ letters or numbers, English
   stopwords and news verbs dropped, a light plural stem) and a set of actors (canonical
   names, normalised as `merge` does). IDF is smoothed, `ln((N+1)/(df+1)) + 1`, so it works on
   five articles as well as on ten thousand. Outlet boilerplate ("Follow us on Telegram", the
   outlet's own name) is what an outlet repeats across unrelated stories: a term or actor that
   occurs in two or more articles, all from one known outlet, whose articles a first pass (steps
   2-5 with nothing discounted) puts in two or more stories, none holding more than half of them.
   Its weight is multiplied by `OUTLET_ONLY_WEIGHT` and steps 2-5 run again. What one outlet's
   articles about one story share (every file in one `day.az/` folder) is that story's vocabulary
   and keeps its full weight.
2. **Blocking.** A cluster is indexed under its members' actors and each member's
   `BLOCK_TERMS` highest-weighted terms. An article is scored only against clusters that share
   such a key with it; a key held by more than `MAX_CLUSTERS_PER_KEY` clusters is too common to
   tell stories apart (IDF-style stopping) and is not used. Of the clusters found, the
   `MAX_CANDIDATES` sharing the most key weight are scored. Work per article is bounded, so
   clustering is near-linear in the number of articles.
3. **Score** of an article against a cluster (0..1), a weighted sum times a time decay:
   - `W_TEXT` x cosine of the article's vector with the cluster centroid (sum of members'
     vectors). Words of the article's actor names are left out of its vector: who is the
     actors' part, the text says what happened;
   - `W_ACTORS` x how much of the article's actor weight (IDF, first-listed actors weigh more:
     the brief lists the main ones first) the cluster also has, counted when they share at
     least `MIN_SHARED_ACTORS` actors or one main actor (main: an article's first
     `MAIN_ACTORS` actors that are not states or media; a cluster's: those main in at least
     `MAIN_SHARE` of its members);
   - `W_PAIR` when two or more main actors are shared (the same protagonists);
   - `W_EVENTS` x event-date agreement: the share of the article's day-precise event dates
     that a member also gives (a month alone is too common to count);
   - time decay `1 / (1 + max(0, days - DECAY_GRACE_DAYS) / DECAY_DAYS)`, days being the gap
     between the article's publication date and the cluster's date span. Shared protagonists
     or agreeing event dates bridge it (a follow-up weeks later keeps at least `BRIDGE_DECAY`)
     for gaps up to `BRIDGE_MAX_DAYS`.
   A text cosine below `MIN_TEXT` scores 0 whatever the actors and dates: the same famous
   person in another story, or the same city and day, is not the same story.
4. **Link.** The article joins its best-scoring cluster if that score reaches
   `JOIN_THRESHOLD`, else starts its own. Comparing against the whole cluster (its centroid and
   actor bag), not one member, keeps chains A~B~C from gluing unrelated stories together.
5. **Merge pass.** Clusters whose centroids score at least `MERGE_THRESHOLD` against each other
   (same blocking and score, cluster against cluster) are merged, largest first; this repairs
   stories whose first articles arrived before the one that links them.

Story ids are `s` + the earliest member's article id (earliest by
publication date, then id), so a story keeps its id as long as its first article stays in it.
Stories are returned earliest first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..ingest.articles import outlet_of
from ..models.matching import normalize_name
from ..models import Article, ArticleBrief

__all__ = [
    "StoryDoc", "Story", "cluster_stories", "story_doc", "story_id", "outlet_of",
    "JOIN_THRESHOLD", "MERGE_THRESHOLD", "MIN_TEXT",
]

# Thresholds and weights (tuned on bench/stories_corpus.jsonl, see bench/README.md).
W_TEXT, W_ACTORS, W_PAIR, W_EVENTS = 0.45, 0.20, 0.20, 0.15
MIN_TEXT = 0.10  # below this text cosine, no story in common
MIN_SHARED_ACTORS = 2  # actor overlap counts from this many shared actors on
MAIN_ACTORS = 3  # an article's main actors: its first 3 that are not states or media
MAIN_SHARE = 0.5  # a cluster's main actors: main actors of at least this share of its members
JOIN_THRESHOLD = 0.26
MERGE_THRESHOLD = 0.26
DECAY_GRACE_DAYS = 3
DECAY_DAYS = 20.0
BRIDGE_DECAY = 0.75
BRIDGE_MAX_DAYS = 90  # beyond this gap not even shared protagonists or event dates keep a story going
OUTLET_ONLY_WEIGHT = 0.15
HEADLINE_WEIGHT = 2
BLOCK_TERMS = 12
MAX_CLUSTERS_PER_KEY = 60
MAX_CANDIDATES = 12

_WORD = re.compile(r"[a-z][a-z'\-]{2,}|\d{2,}")
_STOP = frozenset("""
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
""".split())


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 12)  # the texts of about 500 articles: bounded memory on big runs
def _terms(text: str) -> tuple[str, ...]:
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


@dataclass(frozen=True)
class Story:
    """One story: its stable id and its articles' ids, earliest first."""

    id: str
    article_ids: tuple[str, ...]


def story_doc(article: Article, brief: ArticleBrief) -> StoryDoc:
    """What clustering needs of one briefed article."""
    first_line = article.url or article.text.split("\n", 1)[0]
    return StoryDoc(
        id=article.id, date=article.date, language=brief.source_language,
        outlet=outlet_of(article.path, first_line) or ((brief.outlet or "").strip().casefold() or None),
        headline=brief.headline, summary=brief.summary, actors=tuple((a.name, a.kind) for a in brief.actors),
        events=tuple((e.description, e.date) for e in brief.events),
    )


def warm(doc: StoryDoc) -> None:
    """Work out what clustering will need of one article and can know alone (its terms, its actors'
    normalised names), e.g. while the other articles' answers are awaited; the result is the same."""
    for text in (doc.headline, doc.summary, *(description for description, _ in doc.events)):
        _terms(text)
    for name, _ in doc.actors:
        _terms(normalize_name(name))


def story_id(article_id: str) -> str:
    """A story's id: 's' + its earliest article's id (unique, since article ids are)."""
    return "s" + article_id


def _order(doc: StoryDoc) -> tuple:
    return (doc.date is None, doc.date or dt.date.max, doc.id)


# --------------------------------------------------------------------------- features


@dataclass
class _Features:
    vectors: list[dict[str, float]]  # unit TF-IDF vectors
    actors: list[dict[str, float]]  # actor -> weight (IDF x rank)
    main: list[frozenset[str]]  # main actors
    dates: list[frozenset[str]]  # month- or day-precise event dates
    keys: list[list[tuple[str, float]]]  # blocking keys with weights


def _outlet_only(per_doc: Sequence[Iterable[str]], outlets: Sequence[str | None]) -> dict[str, list[int]]:
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


def _repeated_across_stories(candidates: dict[str, list[int]], story_of: Sequence[int]) -> set[str]:
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
class _Bags:
    """Each article's terms (counted) and actor names, main actors first; what the weights are computed from."""

    texts: list[Counter]
    actors: list[list[str]]
    main: list[frozenset[str]]


def _bags(docs: Sequence[StoryDoc]) -> _Bags:
    bags = _Bags([], [], [])
    for d in docs:
        names, main = _actor_names(d)
        bags.actors.append(names)
        bags.main.append(main)
        name_words = {w for name in names for w in _terms(name)}  # who is the actors' part; the text says what
        words = _terms(d.headline) * HEADLINE_WEIGHT + _terms(d.summary)
        for description, _ in d.events:
            words += _terms(description)
        bags.texts.append(Counter(w for w in words if w not in name_words))
    return bags


def _idf(per_doc: Sequence[Iterable[str]], boiler: set[str]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for items in per_doc:
        df.update(set(items))
    n = len(per_doc)
    return {t: (math.log((n + 1) / (c + 1)) + 1.0) * (OUTLET_ONLY_WEIGHT if t in boiler else 1.0) for t, c in df.items()}


def _features(docs: Sequence[StoryDoc], bags: _Bags, boiler_terms: set[str], boiler_actors: set[str]) -> _Features:
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
    return _Features(vectors, actors, bags.main, dates, keys)


# --------------------------------------------------------------------------- clusters


@dataclass
class _Cluster:
    members: list[int]
    centroid: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    actors: dict[str, float] = field(default_factory=dict)  # actor -> summed weight
    main: Counter = field(default_factory=Counter)  # main actor -> members naming it as main
    dates: set[str] = field(default_factory=set)
    first: dt.date | None = None
    last: dt.date | None = None
    keys: set[str] = field(default_factory=set)
    _main: tuple[int, frozenset[str]] | None = field(default=None, repr=False)

    def add_vector(self, vec: dict[str, float]) -> None:
        c = self.centroid
        for t, v in vec.items():
            old = c.get(t, 0.0)
            self.norm2 += 2 * old * v + v * v
            c[t] = old + v

    def add(self, i: int, f: _Features, date: dt.date | None) -> None:
        self.members.append(i)
        self.add_vector(f.vectors[i])
        for a, w in f.actors[i].items():
            self.actors[a] = self.actors.get(a, 0.0) + w
        self.main.update(f.main[i])
        self.dates |= f.dates[i]
        self.widen(date)
        self.keys.update(k for k, _ in f.keys[i])

    def widen(self, date: dt.date | None) -> None:
        if date is not None:
            self.first = date if self.first is None else min(self.first, date)
            self.last = date if self.last is None else max(self.last, date)

    def main_actors(self) -> frozenset[str]:
        """Main actors of at least MAIN_SHARE of the members (remembered until the cluster changes: scoring asks often)."""
        key = len(self.members)  # members only grow, and `main` changes only with them
        if self._main is None or self._main[0] != key:
            least = max(1.0, MAIN_SHARE * len(self.members))
            self._main = (key, frozenset(a for a, count in self.main.items() if count >= least))
        return self._main[1]

    def absorb(self, other: _Cluster) -> None:
        self.members += other.members
        self.add_vector(other.centroid)
        for a, w in other.actors.items():
            self.actors[a] = self.actors.get(a, 0.0) + w
        self.main.update(other.main)
        self.dates |= other.dates
        self.widen(other.first)
        self.widen(other.last)
        self.keys |= other.keys


@dataclass(frozen=True)
class _Item:
    """What is scored against a cluster: an article, or another cluster's aggregate."""

    vector: dict[str, float]
    norm2: float
    actors: dict[str, float]
    main: set[str] | frozenset[str]
    dates: Iterable[str]
    first: dt.date | None
    last: dt.date | None


def _cosine(vec: dict[str, float], norm2_vec: float, centroid: dict[str, float], norm2: float) -> float:
    if norm2 <= 0 or norm2_vec <= 0:
        return 0.0
    if len(vec) > len(centroid):
        vec, centroid = centroid, vec
    dot = sum(v * centroid.get(t, 0.0) for t, v in vec.items())
    return dot / math.sqrt(norm2 * norm2_vec)


def _days_apart(item: _Item, other: _Cluster) -> int | None:
    if item.first is None or other.first is None:
        return None
    assert item.last is not None and other.last is not None
    if other.last < item.first:
        return (item.first - other.last).days
    if other.first > item.last:
        return (other.first - item.last).days
    return 0


def _date_agreement(mine: Iterable[str], theirs: set[str]) -> float:
    """Share of `mine` day-precise dates that are among `theirs` (a month alone is too common to tell stories apart)."""
    days = [d for d in mine if len(d) == 10]
    if not days or not theirs:
        return 0.0
    return sum(d in theirs for d in days) / len(days)


def _score(item: _Item, other: _Cluster) -> float:
    """How likely `item` belongs to the cluster `other` (0..1); see the module docstring."""
    text = _cosine(item.vector, item.norm2, other.centroid, other.norm2)
    if text < MIN_TEXT:
        return 0.0
    shared = [a for a in item.actors if a in other.actors]
    total = sum(item.actors.values())
    main_shared = set(item.main) & other.main_actors()
    counts = len(shared) >= min(MIN_SHARED_ACTORS, len(item.actors)) or bool(main_shared)
    actor_score = sum(item.actors[a] for a in shared) / total if total and counts else 0.0
    pair = 1.0 if len(main_shared) >= 2 else 0.0
    agreement = _date_agreement(item.dates, other.dates)
    raw = W_TEXT * min(1.0, text) + W_ACTORS * actor_score + W_PAIR * pair + W_EVENTS * agreement
    days = _days_apart(item, other)
    decay = 1.0 if days is None else 1.0 / (1.0 + max(0, days - DECAY_GRACE_DAYS) / DECAY_DAYS)
    if (agreement > 0 or pair) and (days is None or days <= BRIDGE_MAX_DAYS):
        decay = max(decay, BRIDGE_DECAY)
    return raw * decay


class _Index:
    """Blocking: key -> ids of the clusters holding it."""

    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = defaultdict(set)

    def add(self, cluster: int, keys: Iterable[str]) -> None:
        for k in keys:
            self.postings[k].add(cluster)

    def move(self, source: int, target: int, keys: Iterable[str]) -> None:
        for k in keys:
            holders = self.postings[k]
            holders.discard(source)
            holders.add(target)

    def candidates(self, keys: Iterable[tuple[str, float]], exclude: int | None = None) -> list[int]:
        weight: dict[int, float] = defaultdict(float)
        for k, w in keys:
            holders = self.postings.get(k)
            if not holders or len(holders) > MAX_CLUSTERS_PER_KEY:
                continue
            for c in holders:
                if c != exclude:
                    weight[c] += w
        return [c for c, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]]


def cluster_stories(docs: Sequence[StoryDoc]) -> list[Story]:
    """Group `docs` into stories (see the module docstring). Deterministic for a given set of docs."""
    if not docs:
        return []
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("cluster_stories: article ids must be unique")
    docs = sorted(docs, key=_order)
    bags = _bags(docs)
    outlets = [d.outlet for d in docs]
    term_candidates = _outlet_only(bags.texts, outlets)
    actor_candidates = _outlet_only(bags.actors, outlets)
    members = _link(docs, _features(docs, bags, set(), set()))
    if term_candidates or actor_candidates:
        story_of = [0] * len(docs)
        for n, group in enumerate(members):
            for i in group:
                story_of[i] = n
        boiler_terms = _repeated_across_stories(term_candidates, story_of)
        boiler_actors = _repeated_across_stories(actor_candidates, story_of)
        if boiler_terms or boiler_actors:
            members = _link(docs, _features(docs, bags, boiler_terms, boiler_actors))
    return [Story(id=story_id(docs[m[0]].id), article_ids=tuple(docs[i].id for i in m)) for m in members]


def _link(docs: Sequence[StoryDoc], f: _Features) -> list[list[int]]:
    """Steps 2-5 of the module docstring: the stories as lists of indexes into `docs`, earliest first."""
    clusters: dict[int, _Cluster] = {}
    index = _Index()
    for i, doc in enumerate(docs):
        item = _Item(f.vectors[i], 1.0, f.actors[i], f.main[i], f.dates[i], doc.date, doc.date)
        best, best_score = None, JOIN_THRESHOLD
        for c in index.candidates(f.keys[i]):
            score = _score(item, clusters[c])
            if score >= best_score and (best is None or score > best_score):
                best, best_score = c, score
        if best is None:
            best = i
            clusters[best] = _Cluster(members=[])
        clusters[best].add(i, f, doc.date)
        index.add(best, (k for k, _ in f.keys[i]))
    _merge_pass(clusters, index, f)
    return sorted((sorted(c.members) for c in clusters.values()), key=lambda members: members[0])  # docs are in (date, id) order


def _aggregate(cluster: _Cluster) -> _Item:
    n = len(cluster.members)
    return _Item(cluster.centroid, cluster.norm2, {a: w / n for a, w in cluster.actors.items()}, cluster.main_actors(), cluster.dates, cluster.first, cluster.last)


def _cluster_keys(cluster: _Cluster, f: _Features) -> list[tuple[str, float]]:
    weights: dict[str, float] = defaultdict(float)
    for m in cluster.members:
        for k, w in f.keys[m]:
            weights[k] += w
    return sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[: BLOCK_TERMS * 2]


def _merge_pass(clusters: dict[int, _Cluster], index: _Index, f: _Features) -> None:
    """Merge clusters whose aggregates score >= MERGE_THRESHOLD against each other (both ways), largest first."""
    order = sorted(clusters, key=lambda c: (-len(clusters[c].members), c))
    for c in order:
        if c not in clusters:
            continue
        me = clusters[c]
        best, best_score = None, MERGE_THRESHOLD
        for other in index.candidates(_cluster_keys(me, f), exclude=c):
            if other not in clusters:
                continue
            them = clusters[other]
            score = min(_score(_aggregate(me), them), _score(_aggregate(them), me))
            if score >= best_score and (best is None or score > best_score):
                best, best_score = other, score
        if best is None:
            continue
        target, source = (best, c) if len(clusters[best].members) >= len(me.members) else (c, best)
        gone = clusters.pop(source)
        index.move(source, target, gone.keys)
        clusters[target].absorb(gone)
