"""Briefs -> Briefing: sources, a merged timeline, merged actors, stances and notes.

Deterministic and near-linear: events are compared only within the same year (plus undated
ones), actors are merged by normalised canonical name with a fuzzy check for transliteration
variants. Items whose evidence quote is not in the source never enter the timeline or the
stance table; they are listed in the notes as unverified.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, utils

from .articles import Rejection
from .schemas import Account, Briefing, BriefingMeta, MergedActor, Note, Quote, Source, StanceRow, SummaryParagraph, TimelineEntry
from .summarize import BriefResult

__all__ = ["merge_briefs", "dates_compatible", "normalize_name", "EVENT_MATCH_THRESHOLD"]

EVENT_MATCH_THRESHOLD = 72.0
ACTOR_MATCH_THRESHOLD = 90.0


def normalize_name(name: str) -> str:
    """Casefold and strip accents: 'Alijevs' and 'alijevs', 'Erdoğan' and 'Erdogan' compare equal."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Partial ISO dates agree when one is a prefix of the other ('2025-10' and '2025-10-09')."""
    if a is None or b is None:
        return True
    return a.startswith(b) or b.startswith(a)


def _more_precise(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if len(a) >= len(b) else b


def _precision(date: str | None) -> str:
    return {None: "unknown", 1: "year", 2: "month", 3: "day"}[None if date is None else len(date.split("-"))]


# --------------------------------------------------------------------------- actors


@dataclass
class _ActorGroup:
    name: str
    kind: str
    roles: list[str] = field(default_factory=list)
    names_in_sources: list[str] = field(default_factory=list)
    sources: set[int] = field(default_factory=set)


def _merge_actors(results: Sequence[tuple[int, BriefResult]]) -> tuple[list[MergedActor], dict[str, str]]:
    """Merged actors and a map from every normalised name used to the merged canonical name."""
    groups: list[_ActorGroup] = []
    by_key: dict[str, _ActorGroup] = {}
    for ref, result in results:
        for actor in result.brief.actors:  # type: ignore[union-attr]
            key = normalize_name(actor.name)
            group = by_key.get(key)
            if group is None:
                group = next(
                    (g for g in groups if g.kind == actor.kind and fuzz.ratio(normalize_name(g.name), key) >= ACTOR_MATCH_THRESHOLD),
                    None,
                )
            if group is None:
                group = _ActorGroup(actor.name, actor.kind)
                groups.append(group)
            by_key[key] = group
            if actor.role and actor.role not in group.roles:
                group.roles.append(actor.role)
            if actor.name_in_source not in group.names_in_sources:
                group.names_in_sources.append(actor.name_in_source)
            group.sources.add(ref)
    groups.sort(key=lambda g: (-len(g.sources), g.name))
    merged = [MergedActor(name=g.name, kind=g.kind, roles=g.roles, names_in_sources=g.names_in_sources, sources=sorted(g.sources)) for g in groups]
    return merged, {key: group.name for key, group in by_key.items()}


# --------------------------------------------------------------------------- timeline


@dataclass
class _EventGroup:
    date: str | None
    actors: list[str]
    accounts: list[Account] = field(default_factory=list)

    @property
    def sources(self) -> set[int]:
        return {a.source for a in self.accounts}

    @property
    def description(self) -> str:
        """The shortest account: the common core, least likely to carry one source's details."""
        return min((a.description for a in self.accounts), key=len)


def _event_score(group: _EventGroup, description: str, actors: set[str]) -> float:
    text = max(fuzz.token_set_ratio(a.description, description, processor=utils.default_process) for a in group.accounts)
    known = set(group.actors)
    overlap = len(known & actors) / len(known | actors) if known | actors else 0.0
    return 0.75 * text + 25.0 * overlap


def _merge_events(results: Sequence[tuple[int, BriefResult]], canonical: dict[str, str]) -> list[TimelineEntry]:
    groups: list[_EventGroup] = []
    by_year: dict[str | None, list[_EventGroup]] = defaultdict(list)
    for ref, result in results:
        for event, verified in zip(result.brief.events, result.grounding.events):  # type: ignore[union-attr]
            if not verified:
                continue
            actors = [canonical.get(normalize_name(a), a) for a in event.actors]
            year = event.date[:4] if event.date else None
            pool = by_year[year] + (by_year[None] if year else [g for gs in by_year.values() for g in gs])
            candidates = [
                (score, g) for g in pool
                if ref not in g.sources and dates_compatible(g.date, event.date)
                and (score := _event_score(g, event.description, set(actors))) >= EVENT_MATCH_THRESHOLD
            ]
            account = Account(source=ref, date=event.date, description=event.description, quote=Quote(source=ref, text=event.evidence, verified=True))
            if candidates:
                best = max(candidates, key=lambda c: c[0])[1]
                best.accounts.append(account)
                new_date = _more_precise(best.date, event.date)
                if new_date != best.date and best.date is None:
                    by_year[None].remove(best)
                    by_year[new_date[:4]].append(best)  # type: ignore[index]
                best.date = new_date
                best.actors += [a for a in actors if a not in best.actors]
                continue
            group = _EventGroup(event.date, actors, [account])
            groups.append(group)
            by_year[year].append(group)

    def order(g: _EventGroup) -> tuple:
        return (g.date is None, g.date or "", min(g.sources))

    return [
        TimelineEntry(date=g.date, precision=_precision(g.date), description=g.description, actors=g.actors, sources=sorted(g.sources), accounts=sorted(g.accounts, key=lambda a: a.source))
        for g in sorted(groups, key=order)
    ]


# --------------------------------------------------------------------------- briefing


def _sources(results: Sequence[BriefResult]) -> list[tuple[int, BriefResult]]:
    ok = [r for r in results if r.ok]
    ok.sort(key=lambda r: (r.article.date is None, r.article.date or dt.date.min, r.article.path))
    return list(enumerate(ok, start=1))


def merge_briefs(
    results: Sequence[BriefResult], *, rejected: Sequence[Rejection] = (), summary: Sequence[SummaryParagraph] = (), meta: BriefingMeta,
) -> Briefing:
    """Merge per-article results into a Briefing (the summary paragraphs are written elsewhere)."""
    numbered = _sources(results)
    actors, canonical = _merge_actors(numbered)
    notes: list[Note] = [Note(kind="rejected", file=r.path, message=r.reason) for r in rejected]
    notes += [Note(kind="failed", file=r.article.path, message=r.error or "failed") for r in results if not r.ok]
    sources, stances = [], []
    for ref, r in numbered:
        a, b = r.article, r.brief
        assert b is not None and r.grounding is not None
        sources.append(Source(ref=ref, article_id=a.id, file=a.path, aliases=a.aliases, date=a.date, language=b.source_language, headline=b.headline))
        for alias in a.aliases:
            notes.append(Note(kind="duplicate", file=alias, message=f"identical to {a.path}; cited as [{ref}]"))
        for text in a.notes:
            notes.append(Note(kind="undated" if a.date is None else "info", file=a.path, message=text))
        for stance, ok in zip(b.stances, r.grounding.stances):
            holder = canonical.get(normalize_name(stance.holder), stance.holder)
            if ok:
                stances.append(StanceRow(holder=holder, target=stance.target, position=stance.position, gist=stance.gist, source=ref, quote=Quote(source=ref, text=stance.evidence, verified=True)))
            else:
                notes.append(Note(kind="unverified", file=a.path, message=f"stance left out, its quote is not in the source: {holder} on {stance.target}: {stance.gist} (claimed quote: {stance.evidence!r})"))
        for event, ok in zip(b.events, r.grounding.events):
            if not ok:
                notes.append(Note(kind="unverified", file=a.path, message=f"event left out, its quote is not in the source: {event.description} (claimed quote: {event.evidence!r})"))
    stances.sort(key=lambda s: (normalize_name(s.holder), s.source))
    verified = sum(r.grounding.verified for _, r in numbered)  # type: ignore[union-attr]
    total = sum(r.grounding.total for _, r in numbered)  # type: ignore[union-attr]
    meta = meta.model_copy(update={"briefs": len(numbered), "items_verified": verified, "items_unverified": total - verified})
    return Briefing(meta=meta, sources=sources, summary=list(summary), timeline=_merge_events(numbered, canonical), actors=actors, stances=stances, notes=notes)
