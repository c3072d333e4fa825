"""Who says it and when, as plain text for the HTML page (the template escapes it).

The same rules as the Markdown (`markdown.py`): an inferred date says so, an event no source
dates reads 'undated' with the day it was reported, a statement not in the outlet's own voice
names who says it, and a divergence side without a date of its own is never 'later'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..models import Source
from ..models.attribution import date_label, voice_label
from ..ingest.english import language_name

__all__ = [
    "when",
    "voice",
    "holder",
    "side_when",
    "divergence_how",
    "side_mark",
    "verification",
    "outlet_name",
    "OwnVoice",
]


def when(
    date: str | None, basis: str | None, refs: Sequence[int] = (), published: Mapping[int, dt.date | None] | None = None
) -> tuple[str, str]:
    """(date, note): ('2025-03', 'inferred'), ('undated', 'reported on 2025-03-09'), ('2025-03-04', '')."""
    if date is None or basis == "publication":
        dates = [d for r in refs if (d := (published or {}).get(r)) is not None]
        return "undated", f"reported on {min(dates)}" if dates else ""
    return date, "inferred" if basis == "inferred" else ""


def outlet_name(s: Source) -> str:
    """A name a reader knows for a source: its outlet when the article or its folder names it ('moscowtimes.ru'),
    else the language it is written in ('Ukrainian-language source'; its [n] tells it apart). File names stay in the Sources table."""
    return s.outlet or f"{language_name(s.language)}-language source"


class OwnVoice(str):
    """The holder name a source's own-voice stances carry (its outlet, else its file's name: how the JSON and the
    checks tell it apart), with `shown`, the name a reader sees (`outlet_name`)."""

    shown: str

    def __new__(cls, identity: str, shown: str) -> OwnVoice:
        value = super().__new__(cls, identity)
        value.shown = shown
        return value


def verification(verified: int, total: int, left_out: int) -> str:
    """The header's one sentence on evidence: a run that left items out says so first, in the same sentence.

    '73 of 73 evidence quotes verified against their sources', or 'Incomplete: 31 items left out
    (...); the 34 evidence quotes shown are verified against their sources': never 'verified'
    alone when the model's answer lost items on the way.
    """
    shown = f"{verified} of {total} evidence quotes verified against their sources"
    if not left_out:
        return shown
    items = f"{left_out} item{'' if left_out == 1 else 's'}"
    kept = (
        f"the {total} evidence quote{'' if total == 1 else 's'} shown {'is' if total == 1 else 'are'} verified against their sources"
        if verified == total
        else f"{verified} of the {total} evidence quotes shown are verified against their sources"
    )
    return f"Incomplete: {items} left out (a quote not found in its source, no quote, or not in English; see Notes); {kept}"


def voice(item: Any, holder_name: str | None = None) -> str:
    """'per X', 'unnamed source: X', ...; '' when the outlet speaks in its own voice or the holder for itself."""
    v = getattr(item, "voice", "source")
    return "" if v == "source" else voice_label(v, getattr(item, "said_by", None), holder_name)


def holder(item: Any, own: Mapping[int, str]) -> tuple[str, str]:
    """(holder, note) of a stance or stance-table cell: the outlet itself, per the outlet, or who says it."""
    if item.voice == "source":
        mine = own.get(item.source)
        return (
            (getattr(mine, "shown", item.holder), "the outlet itself")
            if mine == item.holder
            else (item.holder, "per the outlet")
        )
    return item.holder, voice_label(item.voice, item.said_by, item.holder)


def _own_dated(side: Any) -> bool:
    return side.date is not None and side.date_basis != "publication"


def side_when(side: Any) -> str:
    """A divergence side's place in time: its own date (inferred marked), else 'reported on <publication>'."""
    if _own_dated(side):
        return date_label(side.date, side.date_basis)
    return f"reported on {side.published}" if side.published else "date unknown"


def divergence_how(d: Any) -> str:
    """Why the accounts are not ordered, for a divergence that is not a change over time."""
    undated = [s.source for s in d.sides if s.published is None and not _own_dated(s)]
    if undated:
        return "neither is later: publication date unknown for " + "".join(f"[{r}]" for r in undated)
    if any(_own_dated(s) for s in d.sides):
        return "neither is later: their dates do not order them"
    dates = sorted({str(s.published) for s in d.sides if s.published})
    return f"neither is later: both published {dates[0]}" if len(dates) == 1 else "neither is later"


def side_mark(d: Any, index: int, side: Any) -> str:
    """'latest', 'earliest', 'later', or 'no date given: not a later development' (changes over time only)."""
    if d.kind != "change_over_time":
        return ""
    if side.source in d.latest:
        return "latest"
    if index == 0:
        return "earliest"
    if not _own_dated(side) and any(_own_dated(s) for s in d.sides):
        return "no date given: not a later development"
    return "later"
