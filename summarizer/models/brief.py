"""The model's answer for one article: actors, stances and events, each backed by a verbatim quote.

Docstrings and field descriptions are sent to the model as instructions, so they are written to it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .attribution import (
    DATE_BASIS_HELP,
    SAID_BY_HELP,
    VOICE_HELP,
    DateBasis,
    Voice,
    normalize_date_basis,
    normalize_voice,
    stance_voice,
)
from .base import ActorKind, Position, Precision, ResponseModel as _Model, asked_for, validation_context
from .evidence import MIN_QUOTE_CHARS
from .lenient import (
    Repairs,
    cap,
    checked_date,
    cut_repeats,
    date_value,
    enum_value,
    keep_valid,
    language_code,
    match_name,
    unwrap_quote,
)

__all__ = ["Actor", "Stance", "Event", "ArticleBrief", "MAX_ACTORS", "MAX_STANCES", "MAX_EVENTS"]

MAX_ACTORS, MAX_STANCES, MAX_EVENTS = 12, 10, 12  # longer lists are cut to these, with a note

POSITION_SYNONYMS = {
    "positive": "supportive",
    "support": "supportive",
    "supporting": "supportive",
    "favourable": "supportive",
    "favorable": "supportive",
    "approving": "supportive",
    "conciliating": "conciliatory",
    "reconciliatory": "conciliatory",
    "negative": "critical",
    "criticism": "critical",
    "critic": "critical",
    "opposed": "critical",
    "opposing": "critical",
    "ambivalent": "mixed",
    "mixed_feelings": "mixed",
    "neutrality": "neutral",
    "objective": "neutral",
    "aggressive": "hostile",
    "hostility": "hostile",
}
KIND_SYNONYMS = {
    "organisation": "organization",
    "org": "organization",
    "company": "organization",
    "corporation": "organization",
    "ngo": "organization",
    "institution": "organization",
    "international_organization": "organization",
    "government": "government_body",
    "governmental_body": "government_body",
    "ministry": "government_body",
    "agency": "government_body",
    "authority": "government_body",
    "court": "government_body",
    "parliament": "government_body",
    "military": "government_body",
    "country": "state",
    "nation": "state",
    "individual": "person",
    "people": "group",
    "politician": "person",
    "official": "person",
    "outlet": "media",
    "media_outlet": "media",
    "newspaper": "media",
    "news_agency": "media",
    "press": "media",
    "party": "group",
    "political_party": "group",
    "movement": "group",
}


def _check_date(value: str | None) -> str | None:
    """A partial ISO date that exists (YYYY-MM-DD, YYYY-MM or YYYY), or None."""
    if value is None:
        return None
    if checked_date(value.strip()) is None:
        raise ValueError(f"date {value!r} is not a real YYYY-MM-DD, YYYY-MM or YYYY date")
    return value.strip()


def _voice_field() -> Voice | None:
    """The voice of a stance or event: optional (a stance without it is its holder's; an event, the article's)."""
    return Field(default=None, description=VOICE_HELP)


def _said_by_field() -> str | None:
    return Field(default=None, description=SAID_BY_HELP)


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
        "(e.g. 'Finance Minister of Norway', 'harbour authority spokeswoman').",
    )

    @model_validator(mode="before")
    @classmethod
    def _lenient(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            kind = enum_value(data.get("kind"), ActorKind, KIND_SYNONYMS)
            data["kind"] = kind if kind in ActorKind.__args__ else "other"  # type: ignore[attr-defined]  # a Literal's members at run time
            if not data.get("name_in_source") and isinstance(data.get("name"), str):
                data["name_in_source"] = data["name"]
            if data.get("role") is None:
                data["role"] = ""
        return data


class Stance(_Model):
    """A position one actor takes toward another actor, a policy or an event, shown by a quote.
    Say whose voice it is: a stance the article reports someone taking is theirs, never the
    article's or a country's; the article's own commentary is voice 'source'."""

    holder: str = Field(
        description="Canonical English name of the actor holding the stance; must be in `actors`. "
        "For the article's own view (voice 'source') write 'the outlet'. Remarks on a country's state "
        "media or by unnamed people are held by them (e.g. 'state television'), not by the country."
    )
    target: str = Field(description="Who or what the stance is toward, in English (an actor name or a short topic).")
    position: Position = Field(description="The holder's attitude toward the target.")
    gist: str = Field(
        description="One English sentence stating the stance, faithful to the source, saying who says it."
    )
    voice: Voice | None = _voice_field()
    said_by: str | None = _said_by_field()
    evidence: str = Field(
        description="A verbatim quote from the article, in its original language, that shows this "
        "stance: one contiguous span copied character for character, at least a clause long.",
        min_length=MIN_QUOTE_CHARS,
    )

    date: str | None = Field(
        default=None,
        description="When the stance was expressed, YYYY-MM-DD, YYYY-MM or YYYY, only if the "
        "article says or lets you work out when; null otherwise (never the publication date by default).",
    )
    date_basis: DateBasis | None = Field(default=None, description=DATE_BASIS_HELP)

    _date_shape = field_validator("date")(classmethod(lambda cls, v: _check_date(v)))
    _voice = _read_voice
    _basis = _read_basis

    @model_validator(mode="before")
    @classmethod
    def _lenient(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {
                **data,
                "position": enum_value(data.get("position"), Position, POSITION_SYNONYMS),
                "date": date_value(data.get("date")),
            }
        return data


def date_precision(date: str | None) -> Precision:
    """The precision a partial ISO date has: '2025' year, '2025-10' month, '2025-10-09' day, None unknown."""
    return _PRECISIONS[None if date is None else len(date.split("-"))]


_PRECISIONS: dict[int | None, Precision] = {None: "unknown", 1: "year", 2: "month", 3: "day"}


class Event(_Model):
    """Something that happened (or is announced to happen) that the article reports."""

    date: str | None = Field(
        description="When the reported thing happened (not when it was reported), as YYYY-MM-DD, YYYY-MM or YYYY. "
        "Resolve relative dates ('on Tuesday', 'last year', 'in July') against the publication date and "
        "mark them inferred. Null when the article does not say or let you work out when: never fill in "
        "the publication date or month for a look back or an undated report.",
    )
    date_basis: DateBasis | None = Field(default=None, description=DATE_BASIS_HELP)
    description: str = Field(
        description="One English sentence: who did what, where. No opinion. A claim someone makes is "
        "written as their claim ('officials say ...'), never as fact."
    )
    voice: Voice | None = _voice_field()
    said_by: str | None = _said_by_field()
    actors: list[str] = Field(
        default_factory=list, description="Canonical English names of the actors involved; each must be in `actors`."
    )
    evidence: str = Field(
        description="A verbatim quote from the article, in its original language, that reports this "
        "event: one contiguous span copied character for character.",
        min_length=MIN_QUOTE_CHARS,
    )

    _voice = _read_voice
    _basis = _read_basis

    @property
    def precision(self) -> Precision:
        """How precise `date` is, derived from its shape (never asked of the model)."""
        return date_precision(self.date)

    @model_validator(mode="before")
    @classmethod
    def _lenient(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {**data, "date": date_value(data.get("date"))}
            if isinstance(data.get("actors"), str):
                data["actors"] = [data["actors"]]
            elif data.get("actors") is None:
                data["actors"] = []
        return data

    @field_validator("date")
    @classmethod
    def _date_shape(cls, value: str | None) -> str | None:
        return _check_date(value)


class ArticleBrief(_Model):
    """An English intelligence brief of one news article. Be faithful to the article: report what
    it says and who says it, attribute opinions to their holders, and invent nothing. Every stance
    and event must be backed by a verbatim quote from the article in its original language."""

    model_config = ConfigDict(json_schema_extra=asked_for("actors", "stances", "events"))

    source_language: str = Field(
        description="ISO 639-1 code of the article's language, e.g. 'ru', 'uk', 'lv'.", pattern=r"^[a-z]{2,3}$"
    )
    outlet: str | None = Field(
        default=None,
        description="The outlet that published this article, only when the text itself names it "
        "(a byline or a credit such as '(example-news.com)'); null otherwise. An outlet the article cites "
        "('as the Daily Ledger reports') is not the publisher.",
    )
    headline: str = Field(description="A plain, factual English headline for the article, at most 15 words.")
    summary: str = Field(
        description="English summary in 3 to 6 sentences: the news first, then context. Attribute "
        "claims and opinions to whoever makes them ('the outlet argues', 'the minister said', 'citing the Daily Ledger'). Say when the article only looks back at something."
    )
    actors: list[Actor] = Field(
        default_factory=list,
        description="The main actors, each once, most important first (at most 10).",
        json_schema_extra={"maxItems": MAX_ACTORS},
    )
    stances: list[Stance] = Field(
        default_factory=list, description="Positions actors take in the article (at most 8).", max_length=MAX_STANCES
    )
    events: list[Event] = Field(
        default_factory=list,
        description="Concrete events the article reports, oldest first (at most 10).",
        max_length=MAX_EVENTS,
    )

    @model_validator(mode="wrap")
    @classmethod
    def _read_leniently(cls, data: Any, handler: Any, info: ValidationInfo) -> ArticleBrief:
        if not isinstance(data, dict):
            return handler(data)
        repairs = Repairs()
        brief = handler(_prepare_brief(dict(data), repairs, validation_context(info)))
        brief._repairs = repairs
        return brief

    @model_validator(mode="after")
    def _names_resolve(self) -> ArticleBrief:  # holds by construction: _prepare_brief resolves or adds every name
        known = {a.name for a in self.actors}
        unknown = sorted(
            {s.holder for s in self.stances if s.holder not in known and stance_voice(s.voice, s.holder) != "source"}
            | {name for e in self.events for name in e.actors if name not in known}
        )
        if unknown:
            raise ValueError(f"these names are used in stances/events but missing from `actors`: {unknown}")
        return self


def _describe_stance(number: int, item: Any) -> str:
    if isinstance(item, dict):
        return f"stance {number} ({item.get('holder', '?')} on {item.get('target', '?')})"
    return f"stance {number}"


def _describe_event(number: int, item: Any) -> str:
    if isinstance(item, dict):
        return f"event {number} ({' '.join(str(item.get('description', '?')).split())[:80]})"
    return f"event {number}"


def _cut_loops(data: dict[str, Any], name: str, what: str, repairs: Repairs) -> None:
    """`data[name]` without repeated sentences or looping words, with a note when some were cut."""
    text = data.get(name)
    if isinstance(text, str):
        data[name], cut = cut_repeats(text)
        if cut:
            repairs.fix(f"{what}: the model repeated itself ({cut} repeat(s) of a sentence or phrase cut)")


def _unloop_items(items: Any, fields: tuple[str, ...], describe: Any, repairs: Repairs) -> Any:
    """Each item with its text fields cut of repeats and its evidence quote unwrapped of fence tags or quotation marks."""
    if not isinstance(items, list):
        return items
    out = []
    for number, item in enumerate(items, 1):
        if isinstance(item, dict):
            item = dict(item)
            for name in fields:
                _cut_loops(item, name, f"{describe(number, item)} {name}", repairs)
            if isinstance(item.get("evidence"), str):
                item["evidence"] = unwrap_quote(item["evidence"])
        out.append(item)
    return out


def _prepare_brief(data: dict[str, Any], repairs: Repairs, context: dict[str, Any]) -> dict[str, Any]:
    """Normalize the answer and drop the items that fail on their own (see `lenient`)."""
    _cut_loops(data, "headline", "headline", repairs)
    _cut_loops(data, "summary", "summary", repairs)
    language = language_code(data.get("source_language"))
    if not (isinstance(language, str) and len(language) in (2, 3) and language.isalpha() and language.islower()):
        fallback = context.get("language")
        if fallback:
            if language not in (None, ""):
                repairs.fix(f"source language {language!r} not understood; the detected language {fallback!r} is used")
            language = fallback
    data["source_language"] = language
    for name in ("actors", "stances", "events"):
        if data.get(name) is None:
            data[name] = []
        elif isinstance(data[name], list):
            data[name] = [item.model_dump() if isinstance(item, BaseModel) else item for item in data[name]]

    data["stances"] = _unloop_items(data["stances"], ("gist",), _describe_stance, repairs)
    data["events"] = _unloop_items(data["events"], ("description",), _describe_event, repairs)
    actors = keep_valid(
        data["actors"], Actor, lambda n, a: f"actor {n} ({a.get('name', '?') if isinstance(a, dict) else a})", repairs
    )
    if isinstance(actors, list):
        seen: set[str] = set()
        actors = [a for a in actors if not (a["name"].strip() in seen or seen.add(a["name"].strip()))]  # type: ignore[func-returns-value]  # set.add records each name as kept: first wins
        actors = cap(actors, MAX_ACTORS, "actors", repairs)
    if isinstance(data["events"], list):
        for number, event in enumerate(data["events"], 1):
            if isinstance(event, dict) and event.get("date") is not None:
                raw = event.get("date")
                value = date_value(raw)
                if value is not None and checked_date(value) is None:
                    repairs.fix(f"{_describe_event(number, event)}: date {raw!r} not understood, shown undated")
                    value = None
                data["events"][number - 1] = {**event, "date": value}
    stances = cap(keep_valid(data["stances"], Stance, _describe_stance, repairs), MAX_STANCES, "stances", repairs)
    events = cap(keep_valid(data["events"], Event, _describe_event, repairs), MAX_EVENTS, "events", repairs)

    if isinstance(actors, list):
        names = [a["name"] for a in actors]

        def resolve(name: str, where: str) -> str:
            if name in names:
                return name
            found = match_name(name, names)
            if found is not None:
                return found
            actors.append(
                {"name": name, "name_in_source": name, "kind": "other", "role": "named in the stances or events only"}
            )
            names.append(name)
            repairs.fix(f"{where}: {name!r} was not in the actor list; added as an actor")
            return name

        if isinstance(stances, list):  # the outlet's own view ('the outlet', voice 'source') is no actor
            stances = [
                s
                if stance_voice(normalize_voice(s.get("voice")), str(s["holder"])) == "source"
                else {**s, "holder": resolve(str(s["holder"]), _describe_stance(i, s))}
                for i, s in enumerate(stances, 1)
            ]
        if isinstance(events, list):
            events = [
                {
                    **e,
                    "actors": list(
                        dict.fromkeys(
                            resolve(str(n), _describe_event(i, e)) for n in e.get("actors", []) if str(n).strip()
                        )
                    ),
                }
                for i, e in enumerate(events, 1)
            ]
        if len(actors) > MAX_ACTORS:  # names added above pushed the list over its cap: unreferenced actors go first
            used = {s["holder"] for s in (stances if isinstance(stances, list) else [])} | {
                n for e in (events if isinstance(events, list) else []) for n in e.get("actors", [])
            }
            spare = [i for i, a in enumerate(actors) if a["name"] not in used][::-1]
            drop = set(spare[: len(actors) - MAX_ACTORS])
            actors = [a for i, a in enumerate(actors) if i not in drop]
    data.update(actors=actors, stances=stances, events=events)
    return data
