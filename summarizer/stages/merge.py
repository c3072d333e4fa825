"""Briefs -> Briefing: sources, a merged timeline, merged actors, stances and notes.

Deterministic and near-linear. The timeline is worked out in `timeline.py` (events are scored
only in pairs that can reach the match threshold: compatible dates, a word in common, and an
actor in common or near-identical wording). Actors are merged by normalised canonical name with a fuzzy check for
transliteration variants among actors of the same kind and initial. Items whose evidence quote is not in the source never enter the timeline or the
stance table; they are listed in the notes as unverified.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from ..ingest.articles import Rejection, article_outlet
from ..models import (
    Account,
    Briefing,
    BriefingMeta,
    MergedActor,
    Note,
    Quote,
    Source,
    StanceRow,
    SummaryParagraph,
    TimelineEntry,
)
from ..models import BriefResult
from ..models.attribution import OWN_VOICE_HOLDERS, DateBasis, stance_voice
from ..models.base import with_shared_fields_set
from ..models.evidence import mark_cuts
from .chronology import place_coarse_dates
from ..models.matching import ACTOR_MATCH, EVENT_MATCH, dates_compatible, event_similarity, normalize_name
from .timeline import Single, merge_events

__all__ = [
    "merge_briefs",
    "source_numbers",
    "event_similarity",
    "dates_compatible",
    "normalize_name",
    "reported_date",
    "EVENT_MATCH_THRESHOLD",
]

EVENT_MATCH_THRESHOLD = EVENT_MATCH  # the names merge has always exported
ACTOR_MATCH_THRESHOLD = ACTOR_MATCH


def reported_date(
    date: str | None, basis: str | None, text: str | None = None, published: dt.date | None = None
) -> tuple[str | None, DateBasis]:
    """(date, basis) of a reported thing: a date filled in from the publication is no date of its own.

    The model marks a date 'stated' or 'inferred'; without a mark a date reads as stated. No date,
    or one the model says it took from the publication, becomes (None, 'publication'): the thing is
    dated only by when its source reported it. Given the source's `text` and publication date, a
    'stated' date in another year than the publication's, a year the text never writes, is
    inferred: the model worked the year out ('in December' in a January article).
    """
    if date is None or basis == "publication":
        return None, "publication"
    if basis == "inferred":
        return date, "inferred"
    year = date[:4]
    if text is not None and published is not None and year != str(published.year) and year not in text:
        return date, "inferred"
    return date, "stated"


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
    blocks: dict[tuple[str, str], list[tuple[_ActorGroup, str]]] = defaultdict(list)
    for ref, result in results:
        for actor in result.brief.actors:  # type: ignore[union-attr]  # only briefed results (brief set) are merged
            key = normalize_name(actor.name)
            group = by_key.get(key)
            block = blocks[
                (actor.kind, key[:1])
            ]  # variants share kind and initial: compare within, not with every group
            if group is None:
                group = next((g for g, name in block if fuzz.ratio(name, key) >= ACTOR_MATCH_THRESHOLD), None)
            if group is None:
                group = _ActorGroup(actor.name, actor.kind)
                groups.append(group)
                block.append((group, key))
            by_key[key] = group
            if actor.role and actor.role not in group.roles:
                group.roles.append(actor.role)
            if actor.name_in_source not in group.names_in_sources:
                group.names_in_sources.append(actor.name_in_source)
            group.sources.add(ref)
    groups.sort(key=lambda g: (-len(g.sources), g.name))
    merged = [
        MergedActor(
            name=g.name, kind=g.kind, roles=g.roles, names_in_sources=g.names_in_sources, sources=sorted(g.sources)
        )
        for g in groups
    ]
    return merged, {key: group.name for key, group in by_key.items()}


# --------------------------------------------------------------------------- timeline


def _merge_events(results: Sequence[tuple[int, BriefResult]], canonical: dict[str, str]) -> list[TimelineEntry]:
    """The timeline of the verified events of `results` (see `timeline.merge_events`)."""
    singles: list[Single] = []
    for ref, result in results:
        for event, verified in zip(result.brief.events, result.grounding.events):  # type: ignore[union-attr]  # briefed results carry brief and grounding
            if not verified:
                continue
            actors = [canonical.get(normalize_name(a), a) for a in event.actors]
            date, basis = reported_date(event.date, event.date_basis, result.article.text, result.article.date)
            quote = with_shared_fields_set(
                Quote(source=ref, text=mark_cuts(event.evidence, result.article.text), verified=True)
            )
            account = with_shared_fields_set(
                Account(
                    source=ref,
                    date=date,
                    date_basis=basis,
                    description=event.description,
                    quote=quote,
                    voice=event.voice or "source",
                    said_by=event.said_by,
                )
            )
            singles.append(Single(ref, date, actors, account))
    return merge_events(singles)


# --------------------------------------------------------------------------- briefing


def _sources(results: Sequence[BriefResult]) -> list[tuple[int, BriefResult]]:
    ok = [r for r in results if r.ok]
    ok.sort(key=lambda r: (r.article.date is None, r.article.date or dt.date.min, r.article.path))
    return list(enumerate(ok, start=1))


def source_numbers(results: Sequence[BriefResult]) -> dict[str, int]:
    """{article id: source number} as `merge_briefs` numbers the briefed ones among `results`."""
    return {r.article.id: ref for ref, r in _sources(results)}


def merge_briefs(
    results: Sequence[BriefResult],
    *,
    rejected: Sequence[Rejection] = (),
    summary: Sequence[SummaryParagraph] = (),
    meta: BriefingMeta,
) -> Briefing:
    """Merge per-article results into a Briefing (the summary paragraphs are written elsewhere)."""
    numbered = _sources(results)
    actors, canonical = _merge_actors(numbered)
    notes: list[Note] = [Note(kind="rejected", file=r.path, message=r.reason) for r in rejected]
    notes += [Note(kind="failed", file=r.article.path, message=r.error or "failed") for r in results if not r.ok]
    sources, stances = [], []
    states = {normalize_name(m.name): m.kind == "state" for m in actors}
    for ref, r in numbered:
        a, b = r.article, r.brief
        assert b is not None and r.grounding is not None
        outlet = article_outlet(a, b.outlet)  # its folder, else its URL, else as the text names it
        sources.append(
            Source(
                ref=ref,
                article_id=a.id,
                file=a.path,
                aliases=a.aliases,
                date=a.date,
                language=b.source_language,
                headline=b.headline,
                outlet=outlet,
                degraded=r.degraded,
                url=a.url,
            )
        )
        if r.degraded:
            notes.append(
                Note(
                    kind="degraded",
                    file=a.path,
                    message=f"[{ref}] not counted as briefed: {r.degraded}; its summary is not used for the executive summary",
                )
            )
        for alias in a.aliases:
            notes.append(Note(kind="duplicate", file=alias, message=f"identical to {a.path}; cited as [{ref}]"))
        for text in a.notes:
            notes.append(Note(kind="undated" if a.date is None else "info", file=a.path, message=text))
        for text in r.notes:  # what reading the model's answer fixed or left out
            notes.append(
                Note(
                    kind="unverified" if " left out: " in text else "info",
                    file=a.path,
                    message=f"answer for [{ref}]: {text}",
                )
            )
        for stance, ok in zip(b.stances, r.grounding.stances):
            voice = stance_voice(stance.voice, stance.holder)
            # the outlet's own view (held by the source itself, named by outlet or file), unless it reports an actor's stance in its own words
            own = voice == "source" and (
                stance.holder.strip().casefold() in OWN_VOICE_HOLDERS or normalize_name(stance.holder) not in canonical
            )
            holder = (
                (outlet or Path(a.path).name) if own else canonical.get(normalize_name(stance.holder), stance.holder)
            )
            if (
                not own
                and voice in ("unnamed", "cited_outlet")
                and states.get(normalize_name(holder))
                and stance.said_by
            ):
                holder = (
                    stance.said_by.strip()
                )  # remarks an unnamed source or another outlet makes are theirs, never the state's position
            if ok:
                date, basis = reported_date(stance.date, stance.date_basis, a.text, a.date)
                quote = with_shared_fields_set(
                    Quote(source=ref, text=mark_cuts(stance.evidence, a.text), verified=True)
                )
                stances.append(
                    with_shared_fields_set(
                        StanceRow(
                            holder=holder,
                            target=stance.target,
                            position=stance.position,
                            gist=stance.gist,
                            source=ref,
                            quote=quote,
                            voice=voice,
                            said_by=None if own else stance.said_by,
                            date=date,
                            date_basis=basis,
                        )
                    )
                )
            else:
                notes.append(
                    Note(
                        kind="unverified",
                        file=a.path,
                        message=f"stance left out, its quote is not in the source: {holder} on {stance.target}: {stance.gist} (claimed quote: {stance.evidence!r})",
                    )
                )
        for event, ok in zip(b.events, r.grounding.events):
            if not ok:
                notes.append(
                    Note(
                        kind="unverified",
                        file=a.path,
                        message=f"event left out, its quote is not in the source: {event.description} (claimed quote: {event.evidence!r})",
                    )
                )
    stances.sort(key=lambda s: (normalize_name(s.holder), s.source))
    verified = sum(r.grounding.verified for _, r in numbered if r.grounding)
    total = sum(
        r.grounding.total + r.dropped for _, r in numbered if r.grounding
    )  # items left out on review (no quote, not English) were not verified either
    meta = meta.model_copy(
        update={"briefs": len(numbered), "items_verified": verified, "items_unverified": total - verified}
    )
    timeline = place_coarse_dates(_merge_events(numbered, canonical), numbered)
    return Briefing(
        meta=meta,
        sources=sources,
        summary=list(summary),
        timeline=timeline,
        actors=actors,
        stances=stances,
        notes=notes,
    )
