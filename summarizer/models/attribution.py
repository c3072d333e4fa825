"""Who says it and when it happened: the voice of a statement and the basis of a date.

Shared by the response models (what the model is asked) and the briefing (what brief writes).
Both fields are optional for the model: an answer that leaves them out, or spells them another
way ('Outlet', 'agency', 'explicit'), is read with one right reading, never re-asked.
"""

from __future__ import annotations

import re
from typing import Any, Literal

__all__ = [
    "Voice",
    "DateBasis",
    "VOICE_HELP",
    "DATE_BASIS_HELP",
    "OWN_VOICE_HOLDERS",
    "normalize_voice",
    "stance_voice",
    "normalize_date_basis",
    "voice_label",
    "voice_note",
    "when_note",
    "date_label",
]

Voice = Literal["source", "cited_outlet", "named", "unnamed"]
DateBasis = Literal["stated", "inferred", "publication"]

VOICE_HELP = (
    "Whose words or view this is, as the article presents it: 'source' = the article's own voice "
    "(its commentary, analysis or unattributed assertion); 'cited_outlet' = another outlet or news "
    "agency the article cites ('as the Daily Ledger reports'); 'named' = a named person or body "
    "speaking (a minister, a ministry, a court); 'unnamed' = an unnamed source ('observers', "
    "'diplomatic sources', 'state television'). Reported speech is never the article's own voice."
)
SAID_BY_HELP = (
    "Who that voice is, in English, as the article names it: the person, body or outlet "
    "('the Daily Ledger', 'the port authority'), or how it describes an unnamed source "
    "('unnamed officials', 'state television'). Null for the article's own voice."
)
DATE_BASIS_HELP = (
    "Where `date` comes from: 'stated' = the article gives it ('on 4 March', 'in 2019'; a missing "
    "year taken from the publication date still counts); 'inferred' = you worked it out from a "
    "relative or indirect reference ('yesterday', 'last year', 'the next day' after a dated event). "
    "Null when `date` is null: the article gives no date, so brief dates it by publication only."
)

_VOICE_SYNONYMS = {
    "article": "source",
    "outlet_itself": "source",
    "own": "source",
    "author": "source",
    "editorial": "source",
    "publisher": "source",
    "self": "source",
    "the_outlet": "source",
    "the_article": "source",
    "outlet": "cited_outlet",
    "cited": "cited_outlet",
    "media": "cited_outlet",
    "agency": "cited_outlet",
    "news_agency": "cited_outlet",
    "cited_media": "cited_outlet",
    "other_outlet": "cited_outlet",
    "person": "named",
    "body": "named",
    "official": "named",
    "named_person": "named",
    "named_body": "named",
    "anonymous": "unnamed",
    "unnamed_source": "unnamed",
    "unknown": "unnamed",
    "observers": "unnamed",
}
_BASIS_SYNONYMS = {
    "explicit": "stated",
    "given": "stated",
    "exact": "stated",
    "article": "stated",
    "source": "stated",
    "estimated": "inferred",
    "derived": "inferred",
    "relative": "inferred",
    "approximate": "inferred",
    "implied": "inferred",
    "published": "publication",
    "publication_date": "publication",
    "report": "publication",
    "reported": "publication",
}


def _slug(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().casefold())


OWN_VOICE_HOLDERS = {
    "the outlet",
    "outlet",
    "the article",
    "article",
    "the source",
    "source",
    "the author",
    "author",
    "the publication",
}


def normalize_voice(value: Any) -> Any:
    """'Source', 'outlet', 'anonymous' -> 'source', 'cited_outlet', 'unnamed'; '' -> None; else unchanged."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        return value
    slug = _slug(value)
    return slug if slug in ("source", "cited_outlet", "named", "unnamed") else _VOICE_SYNONYMS.get(slug, value)


def normalize_date_basis(value: Any) -> Any:
    """'Explicit', 'estimated', '' -> 'stated', 'inferred', None; else unchanged."""
    if not isinstance(value, str):
        return value
    slug = _slug(value)
    if slug in ("", "none", "null", "unknown", "n_a"):
        return None
    return slug if slug in ("stated", "inferred", "publication") else _BASIS_SYNONYMS.get(slug, value)


def stance_voice(voice: Voice | None, holder: str) -> Voice:
    """The voice of a stance whose answer may leave it out: the holder's own ('named') unless the holder is the outlet."""
    if voice is not None:
        return voice
    return "source" if holder.strip().casefold() in OWN_VOICE_HOLDERS else "named"


def voice_label(voice: str, said_by: str | None, holder: str | None = None) -> str:
    """Who says it, for the briefing: '' when the holder speaks for itself, else 'per X', 'per X (cited outlet)', 'unnamed source: X'."""
    name = (said_by or "").strip()
    if voice == "source":
        return "per the outlet"
    if voice == "named":
        return "" if not name or (holder and name.casefold() == holder.casefold()) else f"per {name}"
    if voice == "cited_outlet":
        return f"per {name or 'an outlet it cites'} (cited outlet)"
    return f"unnamed source: {name}" if name else "unnamed source"


def voice_note(voice: str, said_by: str | None, holder: str | None = None) -> str:
    """', the source's own voice' or ', per X' for the briefs shown to the model (summary and comparison)."""
    if voice == "source":
        return ", the source's own voice"
    label = voice_label(voice, said_by, holder)
    return f", {label}" if label else ""


def when_note(date: str | None, basis: str | None) -> str:
    """'2025-03-04', '2025-03, inferred' or 'no date given' for the briefs shown to the model."""
    if date is None or basis == "publication":
        return "no date given"
    return f"{date}, inferred" if basis == "inferred" else date


def date_label(date: str | None, basis: str | None, published: object = None) -> str:
    """'2025-03-04', '2025-03 (inferred)', or 'undated; reported on 2025-03-09' for a date the source does not give."""
    if date is None or basis == "publication":
        return f"undated; reported on {published}" if published else "undated"
    return f"{date} (inferred)" if basis == "inferred" else date
