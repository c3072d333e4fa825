"""What the default briefing shows: its layers, chosen from the full briefing as plain data.

A briefing is read in two minutes: the bottom line first, then the key developments, where the
sources disagree, how each outlet frames the story, and the timeline. Each fact is told once:
a divergence is one line (its sides' quotes are evidence), an outlet's framing is one line with
one short quote, a timeline entry is one line with the number of sources that report it (their
accounts are evidence). The evidence itself (quotes, stances, actors, the full summary) is the
detail level (`--detail full`, the HTML page's folded sections, the JSON).

Pure functions over a Briefing or a story (anything with the same section fields); both the
Markdown (`render.brief_view`) and the HTML page use them, so they say the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Quote, Source, TimelineEntry
from ..models.attribution import date_label
from . import labels

__all__ = [
    "BOTTOM_LINE_WORDS",
    "KEY_DEVELOPMENTS",
    "SHORT_QUOTE_WORDS",
    "Line",
    "Disagreement",
    "OutletFrame",
    "bottom_line",
    "chronological",
    "sort_day",
    "key_developments",
    "disagreements",
    "outlet_frames",
    "outlet_name",
    "short_quote",
    "entry_when",
    "words",
]

BOTTOM_LINE_WORDS = 60  # the bottom line: what happened, what changed, why it matters
KEY_DEVELOPMENTS = 5  # a few dated, cited bullets (at most 4 when worked out from the timeline)
SHORT_QUOTE_WORDS = 12  # an outlet's quote in the default view: a verbatim, contiguous part of it
_SENTENCE = re.compile(r"(?<=[.!?])[\"”»']?\s+(?=[A-Z0-9\"“«(])")


def words(text: str) -> int:
    return len(text.split())


@dataclass(frozen=True)
class Line:
    """A dated, cited line: a key development."""

    when: str
    text: str
    sources: list[int]
    entries: tuple[int, ...] = ()  # the timeline entries it tells (the default timeline does not tell them again)


@dataclass(frozen=True)
class Side:
    when: str
    source: int
    claim: str
    mark: str = ""
    voice: str = ""


@dataclass(frozen=True)
class Disagreement:
    """One divergence on one line: its topic, how the sides relate in time, and each side's claim with its date."""

    topic: str
    how: str
    sides: list[Side]
    sources: list[int]


@dataclass(frozen=True)
class OutletFrame:
    """One outlet's framing on one line: its slant toward the actors it frames, one frame and one short quote."""

    source: int
    name: str
    slant: str
    frame: str
    quote: Quote
    short: str
    voice: str = ""
    actors: list[str] = field(default_factory=list)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def _clip(text: str, limit: int) -> str:
    """Whole sentences of `text` up to `limit` words (at least the first sentence, cut at `limit` words with '…' if longer)."""
    out: list[str] = []
    for sentence in _sentences(text):
        if out and words(" ".join(out + [sentence])) > limit:
            break
        out.append(sentence)
    kept = " ".join(out)
    if words(kept) > limit:
        kept = " ".join(kept.split()[:limit]).rstrip(",;:") + " …"
    return kept


def bottom_line(part: Any) -> tuple[str, list[int]] | None:
    """(text, sources): the answer's bottom line when it wrote one, else the opening sentences of the summary (at most ~60 words)."""
    own = getattr(part, "bottom_line", None)
    if own is not None and own.text.strip():
        return _clip(own.text, BOTTOM_LINE_WORDS), list(own.sources)
    summary = getattr(part, "summary", None) or []
    if summary:
        return _clip(summary[0].text, BOTTOM_LINE_WORDS), list(summary[0].sources)
    lead = getattr(part, "lead", "")
    if lead:
        return _clip(lead, BOTTOM_LINE_WORDS), list(getattr(part, "sources", [])[:1])
    return None


def _reported(refs: Sequence[int], published: Mapping[int, dt.date | None]) -> dt.date | None:
    dates = [d for r in refs if (d := published.get(r)) is not None]
    return min(dates) if dates else None


def entry_when(e: Any, published: Mapping[int, dt.date | None]) -> str:
    """'2025-10-09', '2025 (inferred)', 'after 2025-07' (a coarse date its source tells after that), or 'by 2025-12-22'
    for an event no source dates (the day it was first reported)."""
    if getattr(e, "after", None):
        return f"after {e.after}" + (" (inferred)" if e.date_basis == "inferred" else "")
    if e.date is None or e.date_basis == "publication":
        day = _reported(e.sources, published)
        return f"by {day}" if day else "undated"
    return date_label(e.date, e.date_basis)


def sort_day(e: Any, published: Mapping[int, dt.date | None]) -> str:
    """The key an entry sorts by: its date; just after `after` ('2025-07~' sorts after every day of July 2025); or the day it was reported."""
    if getattr(e, "after", None):
        return e.after + "~"
    if e.date is None or e.date_basis == "publication":
        day = _reported(e.sources, published)
        return f"{day}~" if day else "9999"
    return e.date


def chronological(timeline: Sequence[Any], published: Mapping[int, dt.date | None]) -> list[int]:
    """Positions of the timeline's entries in date order; an event no source dates sits at the day it was first reported."""
    return sorted(range(len(timeline)), key=lambda i: (sort_day(timeline[i], published), i))


def key_developments(part: Any, published: Mapping[int, dt.date | None], limit: int = KEY_DEVELOPMENTS) -> list[Line]:
    """The answer's key developments when it wrote them, else the latest events of the timeline (newest first, each dated and cited)."""
    own = getattr(part, "key_developments", None) or []
    timeline: Sequence[TimelineEntry] = getattr(part, "timeline", [])
    if own:
        out = []
        for k in own[:limit]:
            found = _entries_of(k, timeline)
            if found:  # the timeline's date of the same event: 'after 2025-07', not the answer's '2025'
                entry = timeline[found[0]]
                out.append(
                    (
                        sort_day(entry, published),
                        Line(entry_when(entry, published), k.text, list(k.sources), tuple(found)),
                    )
                )
                continue
            day = _reported(k.sources, published)
            latest = max((d for r in k.sources if (d := published.get(r)) is not None), default=None)
            reportable = k.date and (
                latest is None or k.date <= str(latest)
            )  # a source cannot report what happens after it
            when = k.date if reportable else (f"by {day}" if day else "undated")
            out.append((k.date if reportable else (f"{day}~" if day else "9999"), Line(when, k.text, list(k.sources))))
        return [
            line for _, line in sorted(out, key=lambda x: x[0], reverse=True)
        ]  # newest first, in the timeline's order
    ranked = sorted(
        range(len(timeline)),
        key=lambda i: (sort_day(timeline[i], published), len(timeline[i].sources), -i),
        reverse=True,
    )
    picked: dict[str, int] = {}  # one event a day: the one most sources report
    for i in ranked:
        picked.setdefault(entry_when(timeline[i], published), i)
        if len(picked) == min(limit, KEY_DEVELOPMENTS - 1):
            break
    return [Line(when, timeline[i].description, list(timeline[i].sources), (i,)) for when, i in picked.items()]


KEY_MATCH = 55.0  # token_set_ratio of a key development to the timeline entry it tells


def _entries_of(k: Any, timeline: Sequence[TimelineEntry]) -> list[int]:
    """The timeline entries a key development tells, the closest in wording first: from its sources, dated alike (the
    same date, else one more precise within it: '2025-10' finds '2025-10-09', never '2025' a '2025-07'), close in wording."""
    from rapidfuzz import fuzz, utils

    refs = set(k.sources)
    own = [(i, e) for i, e in enumerate(timeline) if refs & set(e.sources)]
    day = [(i, e, None if e.date_basis == "publication" else e.date) for i, e in own]
    same = [(i, e) for i, e, d in day if d == k.date]
    if not same and k.date:
        same = [(i, e) for i, e, d in day if d and d.startswith(k.date)]
    scored = [(fuzz.token_set_ratio(k.text, e.description, processor=utils.default_process), -i) for i, e in same]
    return [-i for score, i in sorted(scored, reverse=True) if score >= KEY_MATCH]


def disagreements(part: Any) -> list[Disagreement]:
    """Each divergence as one line: its sides in their order, each with its date and claim; a change over time names the latest."""
    out = []
    for d in getattr(part, "divergences", []):
        if d.kind == "change_over_time":
            how = "change over time; latest " + ", ".join(f"[{s.source}]" for s in d.sides if s.source in d.latest)
        else:
            how = "accounts differ"
        sides = [
            Side(labels.side_when(s), s.source, s.claim, labels.side_mark(d, i, s), labels.voice(s))
            for i, s in enumerate(d.sides)
        ]
        out.append(Disagreement(d.topic, how, sides, list(d.sources)))
    return out


outlet_name = labels.outlet_name  # a name a reader knows: the outlet, else '<Language>-language source'


def short_quote(text: str, limit: int = SHORT_QUOTE_WORDS) -> str:
    """The quote, or its first `limit` words and '…' (still a verbatim, contiguous part of it)."""
    parts = text.split()
    return " ".join(parts) if len(parts) <= limit else " ".join(parts[:limit]).rstrip(",;:") + " …"


def outlet_frames(part: Any, sources: Sequence[Source]) -> list[OutletFrame]:
    """One line per outlet that frames the story: its tone toward each actor it frames, the frame of its shortest quote, that quote."""
    rows: dict[int, list[Any]] = {}
    for f in getattr(part, "framing", []):
        rows.setdefault(f.source, []).append(f)
    by_ref = {s.ref: s for s in sources}
    seen: set[str] = set()
    out = []
    for ref in sorted(rows, key=lambda r: ((by_ref[r].date or dt.date.min) if r in by_ref else dt.date.min, r)):
        group = rows[ref]
        tones: dict[str, list[str]] = {}
        for f in group:
            if f.actor not in tones.setdefault(f.tone, []):
                tones[f.tone].append(f.actor)
        slant = "; ".join(
            f"{tone} of {', '.join(actors)}" if tone != "neutral" else f"neutral on {', '.join(actors)}"
            for tone, actors in tones.items()
        )
        fresh = [f for f in group if " ".join(f.quote.text.split()) not in seen] or group
        pick = min(fresh, key=lambda f: (words(f.quote.text) < 4, words(f.quote.text)))
        seen.add(" ".join(pick.quote.text.split()))
        name = outlet_name(by_ref[ref]) if ref in by_ref else str(ref)
        out.append(
            OutletFrame(
                ref,
                name,
                slant,
                pick.frame,
                pick.quote,
                short_quote(pick.quote.text),
                labels.voice(pick),
                [f.actor for f in group],
            )
        )
    return out
