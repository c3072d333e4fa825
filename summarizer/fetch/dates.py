"""Which calendar day an article belongs to, and how that is known.

In order: the feed entry's published time, else the date the page states (trafilatura), else the
time of the fetch (marked as such). A feed time is read on the outlet's own clock: the UTC offset
the feed wrote (`23:30 -0500` is that evening, although it is already the next day in UTC), or,
with `--tz Europe/Riga`, converted to that zone (for feeds that write every time in UTC).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Dated", "article_day", "zone"]


@dataclass(frozen=True)
class Dated:
    day: dt.date
    source: str  # 'feed', 'page' or 'fetched'
    note: str = ""  # set when the day is a guess or differs from the UTC day


def zone(name: str | None) -> dt.tzinfo | None:
    """A --tz value as a time zone; ValueError naming the fix."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"--tz {name!r} is not a time zone; give an IANA name such as Europe/Riga or America/New_York"
        ) from None


def article_day(
    published: dt.datetime | None, page_date: dt.date | None, fetched: dt.datetime, tz: dt.tzinfo | None = None
) -> Dated:
    if published is not None:
        local = published.astimezone(tz) if tz is not None else published
        day = local.date()
        utc_day = published.astimezone(dt.UTC).date()
        note = ""
        if day != utc_day:
            note = (
                f"published {local.isoformat(timespec='minutes')} on the outlet's clock: dated {day}, "
                f"although it was already {utc_day} in UTC"
            )
        return Dated(day, "feed", note)
    if page_date is not None:
        return Dated(page_date, "page")
    local = fetched.astimezone(tz) if tz is not None else fetched.astimezone()
    return Dated(
        local.date(),
        "fetched",
        f"no publication date in the feed or on the page: dated by the fetch, {local.isoformat(timespec='minutes')}",
    )
