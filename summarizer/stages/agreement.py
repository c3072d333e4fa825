"""Where the sources agree and where they conflict, worked out without the model from what merge verified.

- corroborated: merged timeline entries reported by two or more sources (each account checked
  to describe the entry's event), and one holder's same position reported by several sources;
- divergences from stances: one holder's opposite positions on the same target in different
  sources, shown as a change over time when the dates differ (`make_divergence`: the dates,
  never the model, decide change vs contradiction and which side is latest);
- the source x actor table of stances.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, utils

from ..models import Account, Briefing, Corroboration, Divergence, DivergenceSide, StanceCell, StanceRow
from ..models.matching import ACTOR_MATCH, normalize_name, same_target

__all__ = [
    "ACCOUNT_MATCH",
    "POLARITY",
    "actor_for",
    "actor_index",
    "build_stance_table",
    "find_corroborations",
    "find_stance_divergences",
    "make_divergence",
    "side_key",
]

POLARITY = {"supportive": 1, "conciliatory": 1, "neutral": 0, "mixed": 0, "critical": -1, "hostile": -1}
ACCOUNT_MATCH = 60.0  # token_set_ratio of an account to its timeline entry's description


def _similar(a: str, b: str, scorer=fuzz.token_sort_ratio) -> float:
    return scorer(a, b, processor=utils.default_process)


def side_key(side: DivergenceSide) -> str | None:
    """When a side's statement is placed in time: its own date, else the day its source was published."""
    if side.date is not None and side.date_basis != "publication":
        return side.date
    return side.published.isoformat() if side.published else None


def _span(side: DivergenceSide) -> tuple[str | None, str | None]:
    """(first day, last day) the side's statement can refer to: its own date's span, else anything up to its publication."""
    if side.date is not None and side.date_basis != "publication":
        parts = side.date.split("-")
        return side.date + "-01-01"[3 * (len(parts) - 1) :], side.date + "-12-31"[3 * (len(parts) - 1) :]
    return None, side.published.isoformat() if side.published else None


def _before(a: DivergenceSide, b: DivergenceSide) -> bool:
    """True when what `a` reports certainly precedes what `b` reports."""
    end, start = _span(a)[1], _span(b)[0]
    return end is not None and start is not None and end < start


def make_divergence(topic: str, sides: list[DivergenceSide], basis: str) -> Divergence:
    """A divergence with its sides ordered by the date of what each reports (else its publication date).

    The dates, never the model, decide change vs contradiction and which side is latest. When no
    side gives a date of its own, the publication dates decide (the sides read "reported on").
    Otherwise a side its source gives no date for may refer to anything up to its publication: it
    orders nothing after that, and it is never the latest, so an undated look back is never shown
    as a new development.
    """
    sides = sorted(sides, key=lambda s: (side_key(s) is None, side_key(s) or "", s.source))
    own = [s for s in sides if s.date is not None and s.date_basis != "publication"]
    kind, latest = "contradiction", []
    if not own:
        dates = {s.published for s in sides if s.published is not None}
        if len(dates) >= 2:
            kind, latest = "change_over_time", sorted({s.source for s in sides if s.published == max(dates)})
    elif any(_before(a, b) for a in sides for b in sides):
        newest = max(_span(s)[0] for s in own)  # type: ignore[type-var]  # every side in `own` has a date, so its span starts somewhere
        kind, latest = (
            "change_over_time",
            sorted({s.source for s in own if not any(_before(s, o) for o in own) and _span(s)[1] >= newest}),  # type: ignore[operator]  # dated sides: both ends of the span are set
        )
    return Divergence(
        kind=kind,  # type: ignore[arg-type]  # the Literal value set above, inferred as str
        topic=topic,
        sides=sides,
        sources=sorted({s.source for s in sides}),
        latest=latest,
        basis=basis,  # type: ignore[arg-type]  # the Literal value passed in, inferred as str
    )


def _stance_groups(b: Briefing) -> list[list[StanceRow]]:
    """Stance rows of the same holder toward similar targets (single-link on target similarity)."""
    by_holder: dict[str, list[StanceRow]] = defaultdict(list)
    for row in b.stances:
        by_holder[normalize_name(row.holder)].append(row)
    groups: list[list[StanceRow]] = []
    for rows in by_holder.values():
        clusters: list[list[StanceRow]] = []
        for row in rows:
            hits = [c for c in clusters if any(same_target(row.target, o.target) for o in c)]
            merged = [row] + [r for c in hits for r in c]
            clusters = [c for c in clusters if c not in hits] + [merged]
        groups += [sorted(c, key=lambda r: r.source) for c in clusters]
    return groups


def _topic(rows: list[StanceRow]) -> str:
    targets = [r.target for r in rows]
    return max(targets, key=lambda t: (targets.count(t), -len(t)))


def find_stance_divergences(b: Briefing) -> list[Divergence]:
    """One holder's opposite positions (supportive/conciliatory vs critical/hostile) on one target in different sources."""
    found = []
    for rows in _stance_groups(b):
        positive = {r.source for r in rows if POLARITY.get(r.position, 0) > 0}
        negative = {r.source for r in rows if POLARITY.get(r.position, 0) < 0}
        if not positive or not negative or len(positive | negative) < 2:
            continue
        sides = [
            DivergenceSide(
                source=r.source,
                published=b.source(r.source).date,
                claim=f"{r.position.capitalize()}: {r.gist}",
                quote=r.quote,
                date=r.date,
                date_basis=r.date_basis,
                voice=r.voice,
                said_by=r.said_by,
            )
            for r in rows
            if POLARITY.get(r.position, 0) != 0
        ]
        found.append(make_divergence(f"{rows[0].holder}'s position on {_topic(rows)}", sides, "stances"))
    return found


def find_corroborations(b: Briefing) -> list[Corroboration]:
    """Events and stances reported by two or more sources, each with every source's own account."""
    found = []
    for entry in b.timeline:
        if len(entry.sources) < 2:
            continue
        core = [
            a
            for a in entry.accounts
            if _similar(a.description, entry.description, fuzz.token_set_ratio) >= ACCOUNT_MATCH
        ]
        sources = sorted({a.source for a in core})
        if len(sources) >= 2:
            found.append(
                Corroboration(
                    date=entry.date,
                    description=entry.description,
                    sources=sources,
                    count=len(sources),
                    basis="timeline",
                    accounts=core,
                    date_basis=entry.date_basis,
                )
            )
    for rows in _stance_groups(b):
        by_position: dict[str, list[StanceRow]] = defaultdict(list)
        for row in rows:
            by_position[row.position].append(row)
        for position, same in by_position.items():
            sources = sorted({r.source for r in same})
            if len(sources) < 2:
                continue
            accounts = [
                Account(
                    source=r.source,
                    date=r.date,
                    date_basis=r.date_basis,
                    description=r.gist,
                    quote=r.quote,
                    voice=r.voice,
                    said_by=r.said_by,
                )
                for r in same
            ]
            description = f"{same[0].holder}: {position} toward {_topic(same)}"
            found.append(
                Corroboration(
                    date=None,
                    description=description,
                    sources=sources,
                    count=len(sources),
                    basis="stances",
                    accounts=accounts,
                )
            )
    found.sort(key=lambda c: (-c.count, c.basis != "timeline", c.date is None, c.date or "", c.sources))
    return found


def actor_index(b: Briefing) -> dict[str, str]:
    index: dict[str, str] = {}
    for actor in b.actors:
        for name in (actor.name, *actor.names_in_sources):
            index.setdefault(normalize_name(name), actor.name)
    return index


def actor_for(name: str, b: Briefing, index: dict[str, str]) -> str | None:
    key = normalize_name(name)
    if key in index:
        return index[key]
    best = max(b.actors, key=lambda a: fuzz.ratio(normalize_name(a.name), key), default=None)
    return best.name if best is not None and fuzz.ratio(normalize_name(best.name), key) >= ACTOR_MATCH else None


def build_stance_table(b: Briefing) -> list[StanceCell]:
    """Stances whose target is one of the briefing's actors, as cells of a source x actor table."""
    index = actor_index(b)
    cells = []
    for row in b.stances:
        actor = actor_for(row.target, b, index)
        if actor is not None and actor != row.holder:
            cells.append(
                StanceCell(
                    source=row.source,
                    actor=actor,
                    holder=row.holder,
                    position=row.position,
                    voice=row.voice,
                    said_by=row.said_by,
                )
            )
    return sorted(cells, key=lambda c: (c.source, c.actor, c.holder))
