"""The contract: pydantic models for articles, per-article briefs and the merged briefing.

Docstrings and field descriptions of the response models (`ArticleBrief`, `ExecutiveSummary`)
are sent to the model as instructions, so they are written to it. JSON Schema files in
`schemas/` are generated from these classes (`brief schemas export`), never edited by hand.

Compatibility rule for `SCHEMA_VERSION` (major.minor): a minor bump only adds optional fields;
a major bump renames, removes or retypes a field. Consumers should accept any minor version of
the major they were written for.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from contextvars import ContextVar
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .grounding import MIN_QUOTE_CHARS, quote_in_source

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Actor",
    "Stance",
    "Event",
    "ArticleBrief",
    "SummaryParagraph",
    "ExecutiveSummary",
    "ClaimSide",
    "DivergenceClaim",
    "FramingClaim",
    "CrossSourceAnalysis",
    "Source",
    "Quote",
    "Account",
    "TimelineEntry",
    "MergedActor",
    "StanceRow",
    "Note",
    "DivergenceSide",
    "Divergence",
    "FramingRow",
    "StanceCell",
    "Corroboration",
    "BriefingMeta",
    "Briefing",
    "DIGEST_VERSION",
    "NewEvent",
    "EarlierEvent",
    "StanceShift",
    "DigestMeta",
    "Digest",
]

SCHEMA_VERSION = "1.1"

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Validation context (source text, valid citations) for the response models. Passed either as
# pydantic's `context=` or, for LLM calls, through this variable: instructor renders every
# message as a Jinja template when given `context=`, which would rewrite article text such as
# "{{ 7*7 }}" before the model sees it.
VALIDATION_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("brief_validation_context", default=None)


def validation_context(info: ValidationInfo) -> dict[str, Any]:
    """The context of the current validation: pydantic's own, else the one set for an LLM call."""
    return info.context or VALIDATION_CONTEXT.get() or {}

ActorKind = Literal["person", "state", "government_body", "organization", "media", "group", "other"]
Position = Literal["supportive", "conciliatory", "neutral", "mixed", "critical", "hostile"]
Precision = Literal["day", "month", "year", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """pydantic's JSON Schema, generated once per class and options (instructor asks for it on every request).

        instructor wraps the response model in a new subclass per request (marked `__wrapped__`,
        no fields of its own), so the cache is keyed by the class it wraps. A fresh copy is
        returned each time, so callers may change it.
        """
        origin = cls.__dict__.get("__wrapped__", cls)
        if not (isinstance(origin, type) and issubclass(origin, _Model) and origin.model_fields.keys() == cls.model_fields.keys()):
            origin = cls
        key = (origin, args, tuple(sorted(kwargs.items(), key=lambda kv: kv[0])))
        try:
            cached = _SCHEMA_CACHE.get(key)
        except TypeError:  # unhashable options: no caching
            return super().model_json_schema(*args, **kwargs)
        if cached is None:
            cached = _SCHEMA_CACHE[key] = json.dumps(super().model_json_schema(*args, **kwargs))
        return json.loads(cached)


_SCHEMA_CACHE: dict[tuple[Any, ...], str] = {}


# --------------------------------------------------------------------------- input


class Article(_Model):
    """One source article as read from disk."""

    id: str = Field(description="Content hash (sha256 hex, first 16 chars) of the article text.")
    path: str = Field(description="Path relative to the folder given on the command line.")
    aliases: list[str] = Field(default_factory=list, description="Other files with identical content.")
    date: dt.date | None = Field(description="Publication date from the header, or null if unknown.")
    language: str = Field(description="Detected language (ISO 639-1), 'und' when undetermined.")
    text: str = Field(description="Article text; the header's headline/lead is its first line.")
    encoding: str = Field(default="utf-8", description="Encoding the file was decoded from.")
    notes: list[str] = Field(default_factory=list, description="Problems found while reading.")


# --------------------------------------------------------------------------- LLM response: one article


def _check_quote(value: str, info: ValidationInfo) -> str:
    source = validation_context(info).get("source_text")
    if source is not None and not quote_in_source(value, source):
        raise ValueError(
            "this evidence quote does not occur in the article. Copy one contiguous span of the "
            "article character for character in its original language (no translation, no "
            "paraphrase, no ellipsis), or drop the item."
        )
    return value


class Actor(_Model):
    """A person, state, body or organisation that acts or speaks in the article."""

    name: str = Field(
        description="Canonical English name, the same in every language: full name for people "
        "('Ilham Aliyev', not 'Aliyev' or 'Alijevs'), short English name for states ('Russia').",
        min_length=2,
    )
    name_in_source: str = Field(
        description="The name exactly as the article first writes it, in the article's script "
        "and language (e.g. 'Ильхам Алиев', 'Ilhams Alijevs').",
    )
    kind: ActorKind = Field(description="What sort of actor this is.")
    role: str = Field(
        description="Their role as the article presents it, in English, a few words "
        "(e.g. 'President of Azerbaijan', 'Kremlin spokesman').",
    )


class Stance(_Model):
    """A position one actor takes toward another actor, a policy or an event, shown by a quote."""

    holder: str = Field(description="Canonical English name of the actor holding the stance; must be in `actors`.")
    target: str = Field(description="Who or what the stance is toward, in English (an actor name or a short topic).")
    position: Position = Field(description="The holder's attitude toward the target.")
    gist: str = Field(description="One English sentence stating the stance, faithful to the source.")
    evidence: str = Field(
        description="A verbatim quote from the article, in its original language, that shows this "
        "stance: one contiguous span copied character for character, at least a clause long.",
        min_length=MIN_QUOTE_CHARS,
    )

    _grounded = field_validator("evidence")(_check_quote)


class Event(_Model):
    """Something that happened (or is announced to happen) that the article reports."""

    date: str | None = Field(
        description="When it happened, as YYYY-MM-DD, YYYY-MM or YYYY. Resolve relative dates "
        "('on Tuesday', 'last year', 'in July') against the publication date. If the article only "
        "says it happened recently, give the publication month. Null if it cannot be told.",
    )
    precision: Precision = Field(description="How precise `date` is: day, month, year, or unknown when date is null.")
    description: str = Field(description="One English sentence: who did what, where. No opinion.")
    actors: list[str] = Field(default_factory=list, description="Canonical English names of the actors involved; each must be in `actors`.")
    evidence: str = Field(
        description="A verbatim quote from the article, in its original language, that reports this "
        "event: one contiguous span copied character for character.",
        min_length=MIN_QUOTE_CHARS,
    )

    _grounded = field_validator("evidence")(_check_quote)

    @field_validator("date")
    @classmethod
    def _date_shape(cls, value: str | None) -> str | None:
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

    @model_validator(mode="after")
    def _precision_matches(self) -> Event:
        expected = {None: "unknown", 1: "year", 2: "month", 3: "day"}[
            None if self.date is None else len(self.date.split("-"))
        ]
        if self.precision != expected:
            raise ValueError(f"precision must be '{expected}' for date {self.date!r}")
        return self


class ArticleBrief(_Model):
    """An English intelligence brief of one news article. Be faithful to the article: report what
    it says and who says it, attribute opinions to their holders, and invent nothing. Every stance
    and event must be backed by a verbatim quote from the article in its original language."""

    source_language: str = Field(description="ISO 639-1 code of the article's language, e.g. 'ru', 'uk', 'lv'.", pattern=r"^[a-z]{2,3}$")
    headline: str = Field(description="A plain, factual English headline for the article, at most 15 words.")
    summary: str = Field(
        description="English summary in 3 to 6 sentences: the news first, then context. Attribute "
        "claims and opinions to whoever makes them ('the outlet argues', 'Peskov said')."
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
            {s.holder for s in self.stances if s.holder not in known}
            | {name for e in self.events for name in e.actors if name not in known}
        )
        if unknown:
            raise ValueError(f"these names are used in stances/events but missing from `actors`: {unknown}; add them to `actors` or use the canonical name listed there")
        return self


# --------------------------------------------------------------------------- LLM response: merge


class SummaryParagraph(_Model):
    """One paragraph of the executive summary and the sources it rests on."""

    text: str = Field(description="A short English paragraph (2-4 sentences) synthesising the briefs. Only state what the cited briefs say.")
    sources: list[int] = Field(description="Numbers of the sources this paragraph rests on, e.g. [1, 3]. At least one.", min_length=1)

    @field_validator("sources")
    @classmethod
    def _sources_exist(cls, value: list[int], info: ValidationInfo) -> list[int]:
        valid = validation_context(info).get("valid_sources")
        if valid is not None:
            bad = sorted(set(value) - set(valid))
            if bad:
                raise ValueError(f"sources {bad} do not exist; cite only numbers from {sorted(valid)}")
        return sorted(set(value))


class ExecutiveSummary(_Model):
    """An executive summary for an analyst, written only from the numbered source briefs given.
    Lead with the most important development. Note where sources disagree or where a later
    source updates an earlier one, and say which is later. Never add facts that are not in the briefs."""

    paragraphs: list[SummaryParagraph] = Field(description="2 to 5 paragraphs, most important first.", min_length=1, max_length=6)


# --------------------------------------------------------------------------- LLM response: cross-source analysis


def _check_cited_quote(source: int, quote: str, info: ValidationInfo, what: str) -> None:
    """Context `valid_sources` and `source_texts` ({number: article text}) make this a real check."""
    context = validation_context(info)
    valid, texts = context.get("valid_sources"), context.get("source_texts")
    if valid is not None and source not in valid:
        raise ValueError(f"{what}: source {source} does not exist; cite only numbers from {sorted(valid)}")
    if texts is not None and source in texts and not quote_in_source(quote, texts[source]):
        raise ValueError(
            f"{what}: this quote does not occur in source {source}. Copy the lead or one of the evidence "
            f"quotes shown for source {source} (or a contiguous part) character for character, in its "
            "original language; never translate, paraphrase or quote one source under another's number."
        )


class ClaimSide(_Model):
    """What one source states about the disputed fact, shown by a quote from that source."""

    source: int = Field(description="Number of the source making this statement.")
    claim: str = Field(description="What this source states about the fact, one plain English sentence, attributed as the source attributes it.")
    quote: str = Field(
        description="Verbatim quote that shows this statement: from the lead or one of the evidence quotes given for "
        "THIS source number (whole or a contiguous part), copied character for character in its original language.",
        min_length=MIN_QUOTE_CHARS,
    )

    @model_validator(mode="after")
    def _resolves(self, info: ValidationInfo) -> ClaimSide:
        _check_cited_quote(self.source, self.quote, info, "divergence side")
        return self


class DivergenceClaim(_Model):
    """A fact on which the sources conflict: who did what, when, how many, whether something happened.
    Different emphasis or extra detail is not a divergence; a statement that one source makes and
    another flatly contradicts (or updates) is."""

    fact: str = Field(description="The fact in dispute, a short English phrase, e.g. 'Whether Putin admitted Russia's guilt for the downed plane'.")
    sides: list[ClaimSide] = Field(
        description="Each source's statement on the fact, one side per source, at least two different sources. "
        "Do not order or judge them: brief compares the publication dates itself.",
        min_length=2,
        max_length=6,
    )

    @model_validator(mode="after")
    def _two_sources(self) -> DivergenceClaim:
        if len({side.source for side in self.sides}) < 2:
            raise ValueError("a divergence needs sides from at least two different sources")
        return self


class FramingClaim(_Model):
    """How one source frames one of the main actors: its tone and the frame it uses, shown by a quote."""

    source: int = Field(description="Number of the source whose framing this is.")
    actor: str = Field(description="Canonical English name of the main actor (or the relationship) the tone is toward, e.g. 'Vladimir Putin', 'Russia', 'Azerbaijan–Russia relations'.")
    tone: Position = Field(description="The source's tone toward that actor.")
    frame: str = Field(description="The frame the source uses, a short English phrase faithful to it, e.g. 'a new, more mature phase based on mutual trust' or 'Putin's forced backtrack'.")
    quote: str = Field(
        description="Verbatim quote from THIS source that shows the frame: from its lead or one of its evidence quotes (whole or a contiguous "
        "part), copied character for character in the original language.",
        min_length=MIN_QUOTE_CHARS,
    )

    @model_validator(mode="after")
    def _resolves(self, info: ValidationInfo) -> FramingClaim:
        _check_cited_quote(self.source, self.quote, info, "framing")
        return self


class CrossSourceAnalysis(_Model):
    """A comparison of the numbered source briefs: where the sources conflict on facts, and how each
    source frames the main actors. Work only from the briefs given and invent nothing. Every quote is
    copied from the evidence quotes shown for the same source number."""

    divergences: list[DivergenceClaim] = Field(description="Facts on which sources conflict, most important first (at most 8). Empty if none.", max_length=10)
    framing: list[FramingClaim] = Field(description="For each source, its tone toward the main actors and its frame, one or two rows per source (at most 15).", max_length=20)


# --------------------------------------------------------------------------- merged briefing


class Source(_Model):
    """A cited source: one article (or several identical files)."""

    ref: int = Field(description="Citation number, 1-based, in briefing order.")
    article_id: str
    file: str
    aliases: list[str] = Field(default_factory=list)
    date: dt.date | None
    language: str
    headline: str


class Quote(_Model):
    """A verbatim quote from a source, with the result of the grounding check."""

    source: int
    text: str
    verified: bool


class Account(_Model):
    """How one source reports an event: its own date, wording and verbatim quote."""

    source: int
    date: str | None
    description: str
    quote: Quote


class TimelineEntry(_Model):
    """One event, merged across every source that reports it.

    `description` is the least specific of the sources' descriptions; details only one source
    gives (figures, names) stay in that source's account.
    """

    date: str | None
    precision: Precision
    description: str
    actors: list[str]
    sources: list[int]
    accounts: list[Account]


class MergedActor(_Model):
    """One actor merged across languages and sources."""

    name: str
    kind: str
    roles: list[str]
    names_in_sources: list[str]
    sources: list[int]


class StanceRow(_Model):
    """One stance as one source reports it."""

    holder: str
    target: str
    position: str
    gist: str
    source: int
    quote: Quote


class Note(_Model):
    """Something the reader should know: rejected files, failures, unverified items."""

    kind: Literal["rejected", "failed", "unverified", "duplicate", "undated", "info"]
    file: str | None = None
    message: str


class DivergenceSide(_Model):
    """One source's statement in a divergence, with its publication date and verbatim quote."""

    source: int
    published: dt.date | None
    claim: str
    quote: Quote


class Divergence(_Model):
    """Statements from different sources that conflict on a fact, earliest publication first.

    `change_over_time` when the sides were published on different dates (`latest` names the most
    recent sources); `contradiction` when they are equally current (same date, or dates unknown).
    """

    kind: Literal["change_over_time", "contradiction"]
    topic: str
    sides: list[DivergenceSide]
    sources: list[int]
    latest: list[int] = Field(default_factory=list)
    basis: Literal["analysis", "stances"] = Field(description="'analysis': the model's comparison, checked; 'stances': opposite stances of one holder.")


class FramingRow(_Model):
    """How one source frames one actor: tone, frame and a verbatim quote from that source."""

    source: int
    actor: str
    tone: str
    frame: str
    quote: Quote


class StanceCell(_Model):
    """One cell of the source x actor table: a holder's position toward an actor in one source."""

    source: int
    actor: str
    holder: str
    position: str


class Corroboration(_Model):
    """A fact reported independently by several sources, with each source's own account."""

    date: str | None
    description: str
    sources: list[int]
    count: int = Field(description="Number of sources reporting it.")
    basis: Literal["timeline", "stances"]
    accounts: list[Account]


class BriefingMeta(_Model):
    schema_version: str = SCHEMA_VERSION
    generated_at: str
    model: str
    mode: str
    endpoint: str = Field(description="'replay:<dir>' for recordings, else the base URL (never the key).")
    prompt_hashes: dict[str, str]
    schema_hash: str
    articles: int
    briefs: int
    items_verified: int
    items_unverified: int
    llm_requests: int = 0
    cache_hits: int = 0
    usage: dict[str, int] = Field(default_factory=dict)
    cost_usd: float | None = Field(default=None, description="Estimated USD cost of this run's requests (cached answers cost nothing); null when the model's price is unknown or the answers were replayed.")
    price: str | None = Field(default=None, description="The price the cost was estimated with, e.g. 'gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens (brief's price table)'.")
    batch_requests: int = Field(default=0, description="Article requests answered through the OpenAI Batch API (at half price).")


class Briefing(_Model):
    """The merged, cited briefing over a set of articles."""

    meta: BriefingMeta
    sources: list[Source]
    summary: list[SummaryParagraph]
    timeline: list[TimelineEntry]
    actors: list[MergedActor]
    stances: list[StanceRow]
    notes: list[Note]
    divergences: list[Divergence] = Field(default_factory=list)
    framing: list[FramingRow] = Field(default_factory=list)
    stance_table: list[StanceCell] = Field(default_factory=list)
    corroborated: list[Corroboration] = Field(default_factory=list)

    def source(self, ref: int) -> Source:
        return self.sources[ref - 1]

    @classmethod
    def export_schema(cls) -> dict[str, Any]:
        return cls.model_json_schema()


# --------------------------------------------------------------------------- daily digest

DIGEST_VERSION = "1.0"


class NewEvent(_Model):
    """A timeline entry of this digest that no earlier digest reports."""

    timeline_index: int = Field(description="0-based position in `timeline`.")
    date: str | None
    description: str
    sources: list[int]


class EarlierEvent(_Model):
    """A timeline entry of this digest that an earlier digest already reported."""

    timeline_index: int
    first_reported: dt.date = Field(description="Date of the earliest earlier digest reporting it.")


class StanceShift(_Model):
    """A stance whose position differs from the one the latest earlier digest records."""

    holder: str
    target: str
    position: str
    gist: str
    source: int
    previous_position: str
    previous_target: str
    previous_digest: dt.date
    previous_file: str = Field(description="The file the earlier digest cites for the previous position.")


class DigestMeta(_Model):
    digest_version: str = DIGEST_VERSION
    date: dt.date
    generated_at: str
    model: str
    mode: str
    endpoint: str = Field(description="'replay:<dir>' for recordings, else the base URL (never the key).")
    prompt_hash: str
    schema_hash: str
    articles: int
    briefs: int
    items_verified: int
    items_unverified: int
    previous_digest: dt.date | None = Field(description="The latest earlier digest in the folder, if any.")
    earlier_digests: int = Field(description="How many earlier digests the 'new since' part was compared with.")


class Digest(_Model):
    """The digest of one publication date: sources, their summaries, timeline, stances, what is new."""

    meta: DigestMeta
    sources: list[Source]
    summary: list[SummaryParagraph] = Field(description="Each source's own brief summary, citing it.")
    timeline: list[TimelineEntry]
    stances: list[StanceRow]
    actors: list[MergedActor]
    notes: list[Note]
    new_events: list[NewEvent]
    earlier_events: list[EarlierEvent]
    stance_shifts: list[StanceShift]

    @property
    def date(self) -> dt.date:
        return self.meta.date

    def lead_headline(self) -> str | None:
        """Headline of the source cited by most new events (ties: the lowest number)."""
        if not self.sources:
            return None
        weight = {s.ref: sum(s.ref in e.sources for e in self.new_events) for s in self.sources}
        return max(self.sources, key=lambda s: (weight[s.ref], -s.ref)).headline
