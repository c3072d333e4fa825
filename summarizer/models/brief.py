"""The model's answer for one article: actors, stances and events, each backed by a verbatim quote.

Docstrings and field descriptions are sent to the model as instructions, so they are written to it.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .attribution import DATE_BASIS_HELP, SAID_BY_HELP, VOICE_HELP, DateBasis, Voice, normalize_date_basis, normalize_voice, stance_voice
from .base import ActorKind, Position, Precision, StrictModel as _Model, validation_context
from .evidence import MIN_QUOTE_CHARS, quote_in_source

__all__ = ["Actor", "Stance", "Event", "ArticleBrief"]

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_quote(value: str, info: ValidationInfo) -> str:
    source = validation_context(info).get("source_text")
    if source is not None and not quote_in_source(value, source):
        raise ValueError(
            "this evidence quote does not occur in the article. Copy one contiguous span of the "
            "article character for character in its original language (no translation, no "
            "paraphrase, no ellipsis), or drop the item."
        )
    return value


def _check_date(value: str | None) -> str | None:
    """A partial ISO date that exists (YYYY-MM-DD, YYYY-MM or YYYY), or None."""
    if value is None:
        return None
    value = value.strip()
    if not _PARTIAL_DATE.match(value):
        raise ValueError("date must be YYYY-MM-DD, YYYY-MM, YYYY or null")
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"{value} is not a real calendar date") from exc
    return value


def _voice_field() -> Voice | None:
    """The voice of a stance or event: optional (a stance without it is its holder's; an event, the article's)."""
    return Field(default=None, description=VOICE_HELP)  # type: ignore[return-value]


def _said_by_field() -> str | None:
    return Field(default=None, description=SAID_BY_HELP)  # type: ignore[return-value]


_read_voice = field_validator("voice", mode="before")(classmethod(lambda cls, v: normalize_voice(v)))
_read_basis = field_validator("date_basis", mode="before")(classmethod(lambda cls, v: normalize_date_basis(v)))


class Actor(_Model):
    """A person, state, body or organisation that acts or speaks in the article."""

    name: str = Field(
        description="Canonical English name, the same in every language: full name for people "
        "('Maria Lindqvist', not 'Lindqvist' or 'Lindkvista'), short English name for states ('Norway').",
        min_length=2,
    )
    name_in_source: str = Field(
        description="The name exactly as the article first writes it, in the article's script "
        "and language (e.g. 'Мария Линдквист', 'Marija Lindkvista').",
    )
    kind: ActorKind = Field(description="What sort of actor this is.")
    role: str = Field(
        description="Their role as the article presents it, in English, a few words "
        "(e.g. 'President of Azerbaijan', 'Kremlin spokesman').",
    )


class Stance(_Model):
    """A position one actor takes toward another actor, a policy or an event, shown by a quote.
    Say whose voice it is: a stance the article reports someone taking is theirs, never the
    article's or a country's; the article's own commentary is voice 'source'."""

    holder: str = Field(description="Canonical English name of the actor holding the stance; must be in `actors`. "
                        "For the article's own view (voice 'source') write 'the outlet'. Remarks on a country's state "
                        "media or by unnamed people are held by them (e.g. 'state television'), not by the country.")
    target: str = Field(description="Who or what the stance is toward, in English (an actor name or a short topic).")
    position: Position = Field(description="The holder's attitude toward the target.")
    gist: str = Field(description="One English sentence stating the stance, faithful to the source, saying who says it.")
    voice: Voice | None = _voice_field()
    said_by: str | None = _said_by_field()
    evidence: str = Field(
        description="A verbatim quote from the article, in its original language, that shows this "
        "stance: one contiguous span copied character for character, at least a clause long.",
        min_length=MIN_QUOTE_CHARS,
    )

    date: str | None = Field(default=None, description="When the stance was expressed, YYYY-MM-DD, YYYY-MM or YYYY, only if the "
                             "article says or lets you work out when; null otherwise (never the publication date by default).")
    date_basis: DateBasis | None = Field(default=None, description=DATE_BASIS_HELP)

    _grounded = field_validator("evidence")(_check_quote)
    _date_shape = field_validator("date")(classmethod(lambda cls, v: _check_date(v)))
    _voice = _read_voice
    _basis = _read_basis


def date_precision(date: str | None) -> str:
    """The precision a partial ISO date has: '2025' year, '2025-10' month, '2025-10-09' day, None unknown."""
    return {None: "unknown", 1: "year", 2: "month", 3: "day"}[None if date is None else len(date.split("-"))]



class Event(_Model):
    """Something that happened (or is announced to happen) that the article reports."""

    date: str | None = Field(
        description="When the reported thing happened (not when it was reported), as YYYY-MM-DD, YYYY-MM or YYYY. "
        "Resolve relative dates ('on Tuesday', 'last year', 'in July') against the publication date and "
        "mark them inferred. Null when the article does not say or let you work out when: never fill in "
        "the publication date or month for a look back or an undated report.",
    )
    date_basis: DateBasis | None = Field(default=None, description=DATE_BASIS_HELP)
    precision: Precision = Field(description="How precise `date` is: day, month, year, or unknown when date is null.")
    description: str = Field(description="One English sentence: who did what, where. No opinion. A claim someone makes is "
                             "written as their claim ('officials say ...'), never as fact.")
    voice: Voice | None = _voice_field()
    said_by: str | None = _said_by_field()
    actors: list[str] = Field(default_factory=list, description="Canonical English names of the actors involved; each must be in `actors`.")
    evidence: str = Field(
        description="A verbatim quote from the article, in its original language, that reports this "
        "event: one contiguous span copied character for character.",
        min_length=MIN_QUOTE_CHARS,
    )

    _grounded = field_validator("evidence")(_check_quote)
    _voice = _read_voice
    _basis = _read_basis

    @field_validator("date")
    @classmethod
    def _date_shape(cls, value: str | None) -> str | None:
        return _check_date(value)

    @model_validator(mode="after")
    def _precision_matches(self) -> Event:
        expected = date_precision(self.date)
        if self.precision != expected:
            raise ValueError(f"precision must be '{expected}' for date {self.date!r}")
        return self


class ArticleBrief(_Model):
    """An English intelligence brief of one news article. Be faithful to the article: report what
    it says and who says it, attribute opinions to their holders, and invent nothing. Every stance
    and event must be backed by a verbatim quote from the article in its original language."""

    source_language: str = Field(description="ISO 639-1 code of the article's language, e.g. 'ru', 'uk', 'lv'.", pattern=r"^[a-z]{2,3}$")
    outlet: str | None = Field(default=None, description="The outlet that published this article, only when the text itself names it "
                               "(a byline or a credit such as '(example-news.com)'); null otherwise. An outlet the article cites "
                               "('as the Daily Ledger reports') is not the publisher.")
    headline: str = Field(description="A plain, factual English headline for the article, at most 15 words.")
    summary: str = Field(
        description="English summary in 3 to 6 sentences: the news first, then context. Attribute "
        "claims and opinions to whoever makes them ('the outlet argues', 'the minister said', 'citing the Daily Ledger'). Say when the article only looks back at something."
    )
    actors: list[Actor] = Field(description="The main actors, each once, most important first (at most 10).", max_length=12)
    stances: list[Stance] = Field(description="Positions actors take in the article (at most 8).", max_length=10)
    events: list[Event] = Field(description="Concrete events the article reports, oldest first (at most 10).", max_length=12)

    @model_validator(mode="after")
    def _names_resolve(self, info: ValidationInfo) -> ArticleBrief:
        if not validation_context(info).get("source_text"):
            return self
        known = {a.name for a in self.actors}
        unknown = sorted(
            {s.holder for s in self.stances if s.holder not in known and stance_voice(s.voice, s.holder) != "source"}
            | {name for e in self.events for name in e.actors if name not in known}
        )
        if unknown:
            raise ValueError(f"these names are used in stances/events but missing from `actors`: {unknown}; add them to `actors` or use the canonical name listed there")
        return self
