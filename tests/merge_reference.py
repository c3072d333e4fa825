"""The timeline merge as it was before issue 26 (every old candidate pair scored), kept as the reference
the blocked merge in summarizer/stages/timeline.py must agree with (tests/stages/test_timeline_blocking.py).

Copied from summarizer/stages/merge.py at 38c94a4; only the imports differ. Quadratic on large
folders: use it on test-sized corpora only, and record its timelines of the 1,000-article
benchmark corpora with `python tests/merge_reference.py --record` (minutes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from summarizer.models import Account, BriefResult, Quote, TimelineEntry  # noqa: E402
from summarizer.models.brief import date_precision  # noqa: E402
from summarizer.models.matching import (  # noqa: E402
    EVENT_MATCH as EVENT_MATCH_THRESHOLD,
    dates_compatible,
    event_similarity,
    normalize_name,
    processed_words,
)
from summarizer.stages.merge import reported_date  # noqa: E402

__all__ = [
    "reference_merge_events",
    "corpus_results",
    "subsets",
    "numbered",
    "fingerprint",
    "RECORDED",
    "RECORDED_SIZE",
    "SHAPES",
]


def _more_precise(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if len(a) >= len(b) else b


def _entry_basis(date: str | None, accounts: Sequence[Account]) -> str:
    if date is None:
        return "publication"
    bases = {a.date_basis for a in accounts if a.date == date}
    return "stated" if "stated" in bases or not bases else "inferred"


@dataclass
class _EventGroup:
    date: str | None
    actors: list[str]
    accounts: list[Account] = field(default_factory=list)
    text: str = ""  # as a single event, before merging: its description and actors, for scoring
    names: frozenset[str] = frozenset()

    @property
    def sources(self) -> set[int]:
        return {a.source for a in self.accounts}

    @property
    def description(self) -> str:
        """The shortest account: the common core, least likely to carry one source's details."""
        return min((a.description for a in self.accounts), key=len)


def _event_score(a: _EventGroup, b: _EventGroup) -> float:
    """How alike two single-account events are (see `event_similarity`)."""
    return _pair_score(a.text, b.text, a.names, b.names)


@lru_cache(maxsize=1 << 13)
def _pair_score(a: str, b: str, actors_a: frozenset[str], actors_b: frozenset[str]) -> float:
    """`event_similarity` of two single events, remembered: a run merges each story and then the whole
    run, so most pairs are scored twice (same descriptions, same canonical actors)."""
    return event_similarity([a], [b], actors_a, actors_b)


def _date_pairs(indices: Sequence[int], singles: Sequence[_EventGroup]) -> set[tuple[int, int]]:
    """Pairs (i < j) among `indices` whose dates are compatible, without comparing every pair.

    Two partial dates are compatible when one is a prefix of the other (or either is unknown), so
    each date meets only its own, its month's, its year's and the unknown bucket.
    """
    by_date: dict[str | None, list[int]] = defaultdict(list)
    for i in indices:
        by_date[singles[i].date].append(i)
    found: set[tuple[int, int]] = set()
    for date, here in by_date.items():
        found.update((min(a, b), max(a, b)) for x, a in enumerate(here) for b in here[x + 1 :])
        if date is None:
            continue
        ancestors = {date[:7] if len(date) > 7 else None, date[:4] if len(date) > 4 else None, None} - {date}
        for ancestor in ancestors:
            found.update((min(a, b), max(a, b)) for a in here for b in by_date.get(ancestor, ()))
    return found


def _candidate_pairs(singles: Sequence[_EventGroup]) -> set[tuple[int, int]]:
    """The event pairs worth scoring: compatible dates and a shared actor, the same words, or no actors.

    A pair with no actor in common scores at most 0.75 x text, so it can only reach the threshold
    with near-identical wording (text >= 96): of those, pairs with the same set of words and pairs
    where one event names no actor are compared; two events naming different actors are taken to
    be different events. Each block is small for real news, which keeps merging near-linear.
    """
    blocks: dict[tuple[str, object], list[int]] = defaultdict(list)
    actorless: list[int] = []
    for i, e in enumerate(singles):
        for name in set(e.actors):
            blocks[("actor", name)].append(i)
        blocks[("words", frozenset(processed_words(e.accounts[0].description)))].append(i)
        if not e.actors:
            actorless.append(i)
    found: set[tuple[int, int]] = set()
    for indices in blocks.values():
        if len(indices) > 1:
            found |= _date_pairs(indices, singles)
    for i in actorless:
        found.update(
            (min(i, j), max(i, j))
            for j in range(len(singles))
            if j != i and dates_compatible(singles[i].date, singles[j].date)
        )
    return found


def reference_merge_events(
    results: Sequence[tuple[int, BriefResult]], canonical: dict[str, str]
) -> list[TimelineEntry]:
    """Cluster verified events best match first, at most one account per source and compatible dates.

    Best-first matters: a source's event that names the same actors as an existing entry must not
    take that entry's place when the same source has a closer account of it later on.
    """
    singles: list[_EventGroup] = []
    for ref, result in results:
        for event, verified in zip(result.brief.events, result.grounding.events):  # type: ignore[union-attr]
            if not verified:
                continue
            actors = [canonical.get(normalize_name(a), a) for a in event.actors]
            date, basis = reported_date(event.date, event.date_basis, result.article.text, result.article.date)
            account = Account(
                source=ref,
                date=date,
                date_basis=basis,
                description=event.description,
                quote=Quote(source=ref, text=event.evidence, verified=True),
                voice=event.voice or "source",
                said_by=event.said_by,
            )
            singles.append(_EventGroup(date, actors, [account], text=event.description, names=frozenset(actors)))

    pairs: list[tuple[float, int, int]] = []
    source = [e.accounts[0].source for e in singles]
    for i, j in _candidate_pairs(singles):
        if source[i] != source[j]:
            score = _event_score(singles[i], singles[j])
            if score >= EVENT_MATCH_THRESHOLD:
                pairs.append((score, min(i, j), max(i, j)))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))

    owner = list(range(len(singles)))  # index -> index of the group it belongs to
    members = {i: [i] for i in range(len(singles))}
    groups = dict(enumerate(singles))
    for _, i, j in pairs:
        gi, gj = owner[i], owner[j]
        if gi == gj:
            continue
        a, b = groups[gi], groups[gj]
        if a.sources & b.sources or not dates_compatible(a.date, b.date):
            continue
        a.accounts += b.accounts
        a.date = _more_precise(a.date, b.date)
        a.actors += [name for name in b.actors if name not in a.actors]
        del groups[gj]
        for m in members[gj]:
            owner[m] = gi
        members[gi] += members.pop(gj)

    def order(g: _EventGroup) -> tuple:
        return (g.date is None, g.date or "", min(g.sources))

    return [
        TimelineEntry(
            date=g.date,
            precision=date_precision(g.date),
            description=g.description,
            actors=g.actors,
            sources=sorted(g.sources),
            accounts=sorted(g.accounts, key=lambda a: a.source),
            date_basis=_entry_basis(g.date, g.accounts),
        )
        for g in sorted(groups.values(), key=order)
    ]


# --------------------------------------------------------------------------- the benchmark corpora and their recorded timelines

RECORDED = ROOT / "fixtures" / "merge" / "old-merge-timelines.json"
RECORDED_SIZE = 1000
SHAPES = ("giant", "crowded", "small")


def corpus_results(shape: str, n: int) -> list[BriefResult]:
    """The BriefResults of a benchmark corpus (bench/growth.py's shapes), as the pipeline would make them from the server's answers."""
    from bench.growth import corpus
    from summarizer.models import Article, ArticleBrief
    from summarizer.ingest.articles import content_id
    from summarizer.stages.quality import verify_brief

    out = []
    for item in corpus(shape, n):
        article = Article(
            id=content_id(item.body),
            path=item.path,
            date=dt.date.fromisoformat(item.file_text.split()[1]),
            language="en",
            text=item.body,
        )
        brief = ArticleBrief.model_validate(item.brief, context={"source_text": item.body})
        out.append(BriefResult(article, brief, verify_brief(brief, item.body)))
    return out


def subsets(results: Sequence[BriefResult]) -> dict[str, list[BriefResult]]:
    """The sets of briefs each corpus is merged in: all, the first half, every third (each numbered on its own)."""
    return {"all": list(results), "first half": list(results[: len(results) // 2]), "every third": list(results[::3])}


def numbered(results: Sequence[BriefResult]) -> tuple[list[tuple[int, BriefResult]], dict[str, str]]:
    """(numbered sources, canonical actor names) as merge_briefs works them out."""
    from summarizer.stages import merge

    sources = merge._sources(results)
    return sources, merge._merge_actors(sources)[1]


def fingerprint(timeline: Sequence[TimelineEntry]) -> dict[str, object]:
    """What merging decides of a timeline (fields added to the models later do not change it), hashed."""
    data = json.dumps(
        [
            [
                e.date,
                e.precision,
                e.description,
                e.actors,
                e.sources,
                e.date_basis,
                [[a.source, a.date, a.date_basis, a.description, a.quote.text, a.voice, a.said_by] for a in e.accounts],
            ]
            for e in timeline
        ],
        ensure_ascii=False,
    )
    return {"entries": len(timeline), "sha256": hashlib.sha256(data.encode()).hexdigest()}


def record() -> None:
    """Write the old merge's timelines of each shape at RECORDED_SIZE articles (takes minutes: the old merge is quadratic)."""
    out = {}
    for shape in SHAPES:
        for name, results in subsets(corpus_results(shape, RECORDED_SIZE)).items():
            out[f"{shape} {RECORDED_SIZE} {name}"] = fingerprint(reference_merge_events(*numbered(results)))
            print(shape, name, out[f"{shape} {RECORDED_SIZE} {name}"], flush=True)
    RECORDED.parent.mkdir(parents=True, exist_ok=True)
    RECORDED.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        raise SystemExit(
            "usage: python tests/merge_reference.py --record   (rewrites fixtures/merge/old-merge-timelines.json)"
        )
    record()
