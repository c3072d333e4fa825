"""What is new in a day's digest since the earlier ones: events, and stance shifts.

"New since the previous digest" compares against the JSON of the earlier digests (date < D) in
the out folder: an event is new when no earlier digest has a date-compatible, similar event
(the same test `merge` uses across sources); a stance shift is a stance whose holder and
target match one in the latest earlier digest that has them, with a different position, and that
its source does not date before that one (a position recalled from the past is no shift).
Only earlier digests count, so rewriting a day gives the same result whatever came later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from ..models import Digest, EarlierEvent, NewEvent, StanceRow, StanceShift, TimelineEntry
from ..models.matching import (
    EVENT_MATCH,
    dates_compatible,
    event_similarity,
    normalize_name,
    same_actor,
    same_target,
    target_similarity,
)

__all__ = ["compare_with_earlier", "digest_content", "load_digests"]


def load_digests(out_dir: Path) -> tuple[dict[dt.date, Digest], list[str]]:
    """The digests in `out_dir` by date (from YYYY-MM-DD.json), and a warning per unreadable one."""
    found: dict[dt.date, Digest] = {}
    warnings: list[str] = []
    if not out_dir.is_dir():
        return found, warnings
    for path in sorted(out_dir.glob("????-??-??.json")):
        try:
            day = dt.date.fromisoformat(path.stem)
        except ValueError:
            continue
        try:
            digest = Digest.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValidationError) as exc:
            warnings.append(
                f"{path}: not a readable digest ({type(exc).__name__}); ignored for 'new since' and the index. Delete it, or rerun that day to rewrite it"
            )
            continue
        if digest.date != day:
            warnings.append(f"{path}: holds the digest of {digest.date}, not {day}; ignored. Rename or delete it")
            continue
        found[day] = digest
    return found, warnings


def _actors(names: Sequence[str]) -> set[str]:
    return {normalize_name(n) for n in names}


def _same_event(a: TimelineEntry, b: TimelineEntry) -> bool:
    """Merge's test across digests: compatible dates, similar description, shared actors."""
    if not dates_compatible(a.date, b.date):
        return False
    descriptions = ([x.description for x in a.accounts], [y.description for y in b.accounts])
    return event_similarity(*descriptions, _actors(a.actors), _actors(b.actors)) >= EVENT_MATCH


def _when(date: str | None, basis: str, digest_day: dt.date) -> tuple[str, str]:
    """(earliest, latest) ISO day a stance can be from, for comparing: its own date ('2024-12' ->
    '2024-12-00' to '2024-12-99'), else the day of the digest it is in."""
    if date is None or basis == "publication":
        date = digest_day.isoformat()
    return date + "-00-00"[len(date) - 4 :], date + "-99-99"[len(date) - 4 :]


def _older(stance: StanceRow, day: dt.date, old: StanceRow, old_day: dt.date) -> bool:
    """True when `stance` (in the digest of `day`) is dated wholly before `old` (in the digest of `old_day`):
    a position recalled from before the earlier one, not a shift."""
    return _when(stance.date, stance.date_basis, day)[1] < _when(old.date, old.date_basis, old_day)[0]


def compare_with_earlier(
    timeline: Sequence[TimelineEntry],
    stances: Sequence[StanceRow],
    earlier: Sequence[Digest],
    day: dt.date,
) -> tuple[list[NewEvent], list[EarlierEvent], list[StanceShift]]:
    """What in (timeline, stances) of the digest of `day` is new against `earlier` digests (ascending by date).

    A stance dated (by its source) before the earlier digest's matching stance is a position
    recalled from the past, not a shift: a shift compares positions in the order they were held."""
    new: list[NewEvent] = []
    seen: list[EarlierEvent] = []
    for i, entry in enumerate(timeline):
        first = next((d.date for d in earlier if any(_same_event(entry, old) for old in d.timeline)), None)
        if first is None:
            new.append(
                NewEvent(
                    timeline_index=i,
                    date=entry.date,
                    description=entry.description,
                    sources=entry.sources,
                    date_basis=entry.date_basis,
                )
            )
        else:
            seen.append(EarlierEvent(timeline_index=i, first_reported=first))

    shifts: list[StanceShift] = []
    for stance in stances:
        for digest in reversed(earlier):  # the latest earlier digest that has this holder and target
            matches = [
                (target_similarity(stance.target, old.target), old)
                for old in digest.stances
                if same_actor(stance.holder, old.holder) and same_target(stance.target, old.target)
            ]
            if not matches:
                continue
            best = max(matches, key=lambda m: m[0])[1]
            if all(old.position != stance.position for _, old in matches) and not _older(
                stance, day, best, digest.date
            ):
                shifts.append(
                    StanceShift(
                        holder=stance.holder,
                        target=stance.target,
                        position=stance.position,
                        gist=stance.gist,
                        source=stance.source,
                        previous_position=best.position,
                        previous_target=best.target,
                        previous_digest=digest.date,
                        previous_file=next((s.file for s in digest.sources if s.ref == best.source), "unknown"),
                    )
                )
            break
    return new, seen, shifts


def digest_content(digest: Digest | None) -> object:
    """What later digests are compared with: events and stances (no digest at all is the same as an empty one)."""
    return {"timeline": [], "stances": []} if digest is None else digest.model_dump(include={"timeline", "stances"})
