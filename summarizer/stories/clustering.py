"""Articles -> stories: group the briefs of a run into stories, across languages. Pure and deterministic.

Input is one `StoryDoc` per article (what its English brief says, plus publication date,
language and outlet); output is a list of `Story`, every article in exactly one. No LLM call.

Algorithm (single pass over the articles in publication order, then one cluster-merge pass;
step 1 is `features.py`, steps 2-5 are here):

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
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..ingest.articles import outlet_of
from .features import (
    BLOCK_TERMS,
    Features,
    StoryDoc,
    count_bags,
    outlet_only,
    repeated_across_stories,
    story_doc,
    weigh_features,
)

__all__ = [
    "StoryDoc",
    "Story",
    "cluster_stories",
    "story_doc",
    "story_id",
    "outlet_of",
    "JOIN_THRESHOLD",
    "MERGE_THRESHOLD",
    "MIN_TEXT",
]

# Thresholds and weights (tuned on bench/stories_corpus.jsonl, see bench/README.md).
W_TEXT, W_ACTORS, W_PAIR, W_EVENTS = 0.45, 0.20, 0.20, 0.15
MIN_TEXT = 0.10  # below this text cosine, no story in common
MIN_SHARED_ACTORS = 2  # actor overlap counts from this many shared actors on
MAIN_SHARE = 0.5  # a cluster's main actors: main actors of at least this share of its members
JOIN_THRESHOLD = 0.26
MERGE_THRESHOLD = 0.26
DECAY_GRACE_DAYS = 3
DECAY_DAYS = 20.0
BRIDGE_DECAY = 0.75
BRIDGE_MAX_DAYS = 90  # beyond this gap not even shared protagonists or event dates keep a story going
MAX_CLUSTERS_PER_KEY = 60
MAX_CANDIDATES = 12


@dataclass(frozen=True)
class Story:
    """One story: its stable id and its articles' ids, earliest first."""

    id: str
    article_ids: tuple[str, ...]


def story_id(article_id: str) -> str:
    """A story's id: 's' + its earliest article's id (unique, since article ids are)."""
    return "s" + article_id


def _order(doc: StoryDoc) -> tuple:
    return (doc.date is None, doc.date or dt.date.max, doc.id)


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

    def add(self, i: int, f: Features, date: dt.date | None) -> None:
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
    bags = count_bags(docs)
    outlets = [d.outlet for d in docs]
    term_candidates = outlet_only(bags.texts, outlets)
    actor_candidates = outlet_only(bags.actors, outlets)
    members = _link(docs, weigh_features(docs, bags, set(), set()))
    if term_candidates or actor_candidates:
        story_of = [0] * len(docs)
        for n, group in enumerate(members):
            for i in group:
                story_of[i] = n
        boiler_terms = repeated_across_stories(term_candidates, story_of)
        boiler_actors = repeated_across_stories(actor_candidates, story_of)
        if boiler_terms or boiler_actors:
            members = _link(docs, weigh_features(docs, bags, boiler_terms, boiler_actors))
    return [Story(id=story_id(docs[m[0]].id), article_ids=tuple(docs[i].id for i in m)) for m in members]


def _link(docs: Sequence[StoryDoc], f: Features) -> list[list[int]]:
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
    return sorted(
        (sorted(c.members) for c in clusters.values()), key=lambda members: members[0]
    )  # docs are in (date, id) order


def _aggregate(cluster: _Cluster) -> _Item:
    n = len(cluster.members)
    return _Item(
        cluster.centroid,
        cluster.norm2,
        {a: w / n for a, w in cluster.actors.items()},
        cluster.main_actors(),
        cluster.dates,
        cluster.first,
        cluster.last,
    )


def _cluster_keys(cluster: _Cluster, f: Features) -> list[tuple[str, float]]:
    weights: dict[str, float] = defaultdict(float)
    for m in cluster.members:
        for k, w in f.keys[m]:
            weights[k] += w
    return sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[: BLOCK_TERMS * 2]


def _merge_pass(clusters: dict[int, _Cluster], index: _Index, f: Features) -> None:
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
