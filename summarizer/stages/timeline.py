"""Verified events -> timeline entries: the same event told by several sources becomes one entry.

Events are clustered best match first (`event_similarity` >= EVENT_MATCH, compatible dates, at
most one account per source). Scoring every pair would be quadratic, so only pairs that can
reach the threshold are scored (`_candidates`):

- a pair scores at least 72 only if its descriptions, names aside, are alike (text >= 55, and
  >= 62.7 even when both name the same actors); two descriptions that alike share a word. So
  events are blocked on their words (the words of their actors' names taken out, a short list
  of function words left out, each word cut to its first `KEY_CHARS` letters so 'shelled' and
  'shelling' meet), and only pairs that share such a word are scored;
- of those, as before: pairs naming an actor in common; pairs where one names no actor or both
  use the same words (text >= 96 then: near-identical wording); two events naming different
  actors are taken to be different events;
- and only pairs with compatible dates (one a prefix of the other, or either unknown).

Each event's words are worked out once, and events with the same description, actors and date
are scored once for all their sources. `tests/stages/test_timeline_blocking.py` checks that the
result is the timeline that scoring every old candidate pair gives, on the benchmark corpora.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..models import Account, TimelineEntry
from ..models.attribution import DateBasis
from ..models.brief import date_precision
from ..models.matching import EVENT_MATCH, MIN_TEXT_SIMILARITY, name_words, processed_words

__all__ = ["Single", "merge_events", "KEY_CHARS", "FUNCTION_WORDS"]

KEY_CHARS = 5  # words are blocked on their first five letters: inflections of one word meet
# Words too common to block on: pairs sharing only these do not describe the same thing.
FUNCTION_WORDS = frozenset(
    "a an the of in on at to for by with from into onto over under about after before during since until as and or but nor "
    "not no is are was were be been being has have had do does did will would shall should can could may might must it its "
    "he she they them his her their this that these those which who whom whose what than then there here also".split()
)
_ACTOR_WEIGHT = 25.0  # event_similarity: 0.75 x text + 25 x actor overlap


@dataclass(eq=False)
class Single:
    """One source's verified event, before merging: what merging needs of it."""

    source: int
    date: str | None
    actors: list[str]  # canonical names, in the event's order
    account: Account


@dataclass(eq=False)
class _Key:
    """What scoring needs of an event's description and actors, worked out once for every event that has them."""

    names: frozenset[str]
    name_words: frozenset[str]
    own: tuple[str, ...]  # the description's words less its actors' name words
    own_set: frozenset[str]
    own_text: str
    blocks: frozenset[str]  # block keys: own words less function words, cut to KEY_CHARS
    words: frozenset[str]  # every word of the description (the old 'same words' rule)


def _key(description: str, names: frozenset[str]) -> _Key:
    words = processed_words(description)
    strip = frozenset().union(*map(name_words, names))
    own = tuple(w for w in words if w not in strip)
    own_set = frozenset(own)
    return _Key(
        names,
        strip,
        own,
        own_set,
        " ".join(own),
        frozenset(w[:KEY_CHARS] for w in own_set if w not in FUNCTION_WORDS),
        frozenset(words),
    )


def _text_without(key: _Key, other: _Key) -> str:
    """`key`'s description without the name words of both events (event_similarity's stripping)."""
    if key.own_set.isdisjoint(other.name_words):
        return key.own_text
    return " ".join(w for w in key.own if w not in other.name_words)


def _score(a: _Key, b: _Key) -> float:
    """`event_similarity([a], [b], a.names, b.names)` when it reaches EVENT_MATCH; below it, some lower value."""
    names = a.names | b.names
    overlap = len(a.names & b.names) / len(names) if names else 0.0
    needed = (
        max(MIN_TEXT_SIMILARITY, (EVENT_MATCH - _ACTOR_WEIGHT * overlap) / 0.75) - 1e-6
    )  # the text below which the pair cannot match
    text = fuzz.token_set_ratio(_text_without(a, b), _text_without(b, a), score_cutoff=needed)
    if text < MIN_TEXT_SIMILARITY:
        return 0.0
    return 0.75 * text + _ACTOR_WEIGHT * overlap


def _ancestors(date: str | None) -> tuple[str | None, ...]:
    """The dates compatible with `date` that are less precise: its month, its year, unknown."""
    if date is None:
        return ()
    return (*((date[:7],) if len(date) > 7 else ()), *((date[:4],) if len(date) > 4 else ()), None)


class _Blocks:
    """Event groups (events with one description, actor set and date) indexed by block key and date."""

    def __init__(self) -> None:
        self.by: dict[object, dict[str | None, list[int]]] = defaultdict(lambda: defaultdict(list))

    def add(self, block: object, date: str | None, group: int) -> None:
        self.by[block][date].append(group)

    def compatible(self, block: object, date: str | None) -> Iterable[list[int]]:
        """The lists of groups under `block` whose dates are compatible with `date` (each list once)."""
        dates = self.by.get(block)
        if not dates:
            return ()
        if date is None:
            return dates.values()
        out = [dates[d] for d in (date, *_ancestors(date)) if d in dates]
        if len(date) < 10:  # more precise dates under this one: scan the (few) dates of the block
            out += [here for d, here in dates.items() if d is not None and d != date and d.startswith(date)]
        return out


_ANY, _NONE = (
    ("any",),
    ("none",),
)  # in place of an actor's name (never a tuple): every event; the events that name no actor


def _candidates(keys: Sequence[_Key], dates: Sequence[str | None]) -> Iterable[tuple[int, int]]:
    """Pairs (a, b), a <= b, of event groups (see `_Key`) that can score EVENT_MATCH, each once.

    A pair is a candidate when its dates are compatible and it shares a block word and an actor
    (or one of the two names no actor), or uses the same words. An event with no block word
    (its description all names and function words) is compared as merge always did: with
    every event sharing an actor, and every event if it names none.
    """
    blocks, words, bare, everyone = _Blocks(), _Blocks(), _Blocks(), _Blocks()  # bare: events with no block word
    any_bare = any(not key.blocks for key in keys)
    for g, (key, date) in enumerate(zip(keys, dates)):
        names = (*key.names, _ANY) if key.names else (_ANY, _NONE)  # _NONE: the events that name no actor
        for name in names:
            for block in key.blocks:
                blocks.add((name, block), date, g)
            if not key.blocks:
                bare.add(name, date, g)
            if any_bare:
                everyone.add(name, date, g)
        words.add(key.words, date, g)

    for g, (key, date) in enumerate(zip(keys, dates)):
        found: set[int] = set()
        # an event naming actors meets those sharing one, and those naming none; an event naming none meets all
        meets = (*key.names, _NONE) if key.names else (_ANY,)
        for name in meets:
            for block in key.blocks:
                for here in blocks.compatible((name, block), date):
                    found.update(here)
            for here in (bare if key.blocks else everyone).compatible(
                name, date
            ):  # events with no block word meet as merge always did
                found.update(here)
        for here in words.compatible(key.words, date):
            found.update(here)
        yield from ((g, h) for h in found if h >= g)


def merge_events(singles: Sequence[Single]) -> list[TimelineEntry]:
    """Cluster verified events best match first, at most one account per source and compatible dates.

    Best-first matters: a source's event that names the same actors as an existing entry must not
    take that entry's place when the same source has a closer account of it later on.
    """
    group_of: dict[tuple[str, frozenset[str], str | None], int] = {}  # (description, actors, date) -> event group
    keys: list[_Key] = []
    dates: list[str | None] = []
    members: list[list[int]] = []
    made: dict[tuple[str, frozenset[str]], _Key] = {}
    for i, single in enumerate(singles):
        names = frozenset(single.actors)
        ident = (single.account.description, names, single.date)
        g = group_of.get(ident)
        if g is None:
            g = group_of[ident] = len(keys)
            key = made.get(ident[:2])
            if key is None:
                key = made[ident[:2]] = _key(single.account.description, names)
            keys.append(key)
            dates.append(single.date)
            members.append([])
        members[g].append(i)

    pairs: list[tuple[float, int, int]] = []
    scored: dict[tuple[int, int], float] = {}
    for a, b in _candidates(keys, dates):
        ka, kb = keys[a], keys[b]
        pair = (id(ka), id(kb))
        score = scored.get(pair)
        if score is None:
            score = scored[pair] = _score(ka, kb)
        if score < EVENT_MATCH:
            continue
        for x, i in enumerate(members[a]):
            for j in members[b][x + 1 :] if a == b else members[b]:
                if singles[i].source != singles[j].source:
                    pairs.append((score, min(i, j), max(i, j)))
    del scored
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    return _cluster(singles, pairs)


@dataclass(eq=False)
class _Group:
    date: str | None
    actors: list[str]
    accounts: list[Account]
    sources: set[int] = field(default_factory=set)


def _more_precise(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if len(a) >= len(b) else b


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _cluster(singles: Sequence[Single], pairs: Sequence[tuple[float, int, int]]) -> list[TimelineEntry]:
    """Join the pairs' events in order (each pair joins the groups of its two events unless a source
    would report the group twice or their dates conflict), then one entry per group."""
    groups = {i: _Group(s.date, list(s.actors), [s.account], {s.source}) for i, s in enumerate(singles)}
    parent = list(range(len(singles)))  # union-find over events; a root's `label` is the group it belongs to
    label = list(range(len(singles)))
    size = [1] * len(singles)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        gi, gj = label[ri], label[rj]
        a, b = groups[gi], groups[gj]
        if not a.sources.isdisjoint(b.sources) or not _compatible(a.date, b.date):
            continue
        a.accounts += b.accounts
        a.sources |= b.sources
        a.date = _more_precise(a.date, b.date)
        a.actors += [name for name in b.actors if name not in a.actors]
        del groups[gj]
        if size[ri] < size[rj]:
            ri, rj = rj, ri
        parent[rj] = ri
        size[ri] += size[rj]
        label[ri] = gi

    def order(g: _Group) -> tuple:
        return (g.date is None, g.date or "", min(g.sources))

    return [
        TimelineEntry(
            date=g.date,
            precision=date_precision(g.date),
            description=min((x.description for x in g.accounts), key=len),
            actors=g.actors,
            sources=sorted(g.sources),
            accounts=sorted(g.accounts, key=lambda x: x.source),
            date_basis=_entry_basis(g.date, g.accounts),
        )
        for g in sorted(groups.values(), key=order)
    ]


def _entry_basis(date: str | None, accounts: Sequence[Account]) -> DateBasis:
    """The basis of a merged date: stated if any account giving exactly that date states it."""
    if date is None:
        return "publication"
    bases = {a.date_basis for a in accounts if a.date == date}
    return "stated" if "stated" in bases or not bases else "inferred"
