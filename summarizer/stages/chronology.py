"""Coarse dates in order: an event dated only by its year or month stays after what its source tells before it.

An article that says "in June ... in July ... then the army began striking ..." dates the strikes
no better than the year, but places them after July. Sorting "2025" as a date would put them
before the June events they follow. So each timeline entry with a coarse date (a year, or a month)
gets `after`: the latest finer date, within that year or month, among the events its own sources
tell before it (in the order of each source's brief, which follows the article). It then sorts,
and reads, as "after 2025-07". Nothing is guessed beyond what the sources' order says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..models import BriefResult, TimelineEntry

__all__ = ["place_coarse_dates"]


def _coarse(e: TimelineEntry) -> bool:
    return e.date is not None and e.date_basis != "publication" and len(e.date) < 10


def place_coarse_dates(
    timeline: Sequence[TimelineEntry], numbered: Sequence[tuple[int, BriefResult]]
) -> list[TimelineEntry]:
    """The timeline with `after` set on each coarse-dated entry that its sources tell after finer-dated events of its period."""
    if not any(_coarse(e) for e in timeline):
        return list(timeline)
    position: dict[tuple[int, str], int] = {}  # (source, event description) -> its place in that source's brief
    for ref, result in numbered:
        for i, event in enumerate(result.brief.events if result.brief else ()):
            position.setdefault((ref, event.description), i)
    dated: dict[int, list[tuple[int, str]]] = defaultdict(list)  # source -> (place, date) of its dated accounts
    for e in timeline:
        for a in e.accounts:
            if a.date is not None and a.date_basis != "publication" and (a.source, a.description) in position:
                dated[a.source].append((position[(a.source, a.description)], a.date))
    out = []
    for e in timeline:
        after: str | None = None
        coarse = e.date if _coarse(e) else None
        if coarse is None:
            out.append(e)
            continue
        for a in e.accounts:
            here = position.get((a.source, a.description))
            if here is None:
                continue
            for place, date in dated[a.source]:
                if (
                    place < here
                    and len(date) > len(coarse)
                    and date.startswith(coarse)
                    and (after is None or date > after)
                ):
                    after = date
        out.append(e.model_copy(update={"after": after}) if after else e)
    return out
