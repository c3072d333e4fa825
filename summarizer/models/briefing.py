"""The merged, cited briefing: what `brief` renders as Markdown and JSON."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from .attribution import DateBasis, Voice
from .base import SCHEMA_VERSION, Precision, StrictModel as _Model
from .responses import KeyDevelopment, SummaryParagraph

__all__ = [
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
    "StoryBriefing",
    "Briefing",
]

# Descriptions shared by every output row that records a voice or a reported date.
_VOICE = (
    "Whose statement it is: 'source' (the outlet's own voice), 'cited_outlet', 'named' (a person or body), 'unnamed'."
)
_SAID_BY = "Who that voice is (a person, body or cited outlet, or how the source describes an unnamed one); null for the outlet's own voice."
_DATE_BASIS = "'stated': the source gives `date`; 'inferred': worked out from a relative or indirect reference; 'publication': the source gives no date (`date` is null) and it is dated only by when it was reported."


class Source(_Model):
    """A cited source: one article (or several identical files)."""

    ref: int = Field(description="Citation number, 1-based, in briefing order.")
    article_id: str
    file: str
    aliases: list[str] = Field(default_factory=list)
    date: dt.date | None
    language: str
    headline: str
    degraded: str | None = Field(
        default=None,
        description="Why this source is not counted as briefed (its brief is not in English, or none of its quotes is in the article); null when it is. Its summary is not used for the executive summary.",
    )
    url: str | None = Field(
        default=None,
        description="The article's web page (an http(s) URL from its file's header, as `brief fetch` writes it); null for a file without one. Added in schema 1.6.",
    )
    outlet: str | None = Field(
        default=None,
        description="The publishing outlet: as the article's text names it, else a domain-named folder of the file (e.g. 'lsm.lv/x.txt') or a URL on its first line; null when unknown (the file then names the source).",
    )


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
    date_basis: DateBasis = Field(default="publication", description=_DATE_BASIS)
    voice: Voice = Field(default="source", description=_VOICE)
    said_by: str | None = Field(default=None, description=_SAID_BY)


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
    date_basis: DateBasis = Field(default="publication", description=_DATE_BASIS)
    after: str | None = Field(
        default=None,
        description="For a date no finer than a year or month: the latest finer date in that period among the events its sources tell before it; it happened after that, and sorts and reads so ('after 2025-07').",
    )


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
    voice: Voice = Field(default="source", description=_VOICE)
    said_by: str | None = Field(default=None, description=_SAID_BY)
    date: str | None = Field(default=None, description="When the stance was expressed, when the source says.")
    date_basis: DateBasis = Field(default="publication", description=_DATE_BASIS)


class Note(_Model):
    """Something the reader should know: rejected files, failures, unverified items."""

    kind: Literal["rejected", "failed", "degraded", "unverified", "duplicate", "undated", "info"]
    file: str | None = None
    message: str


class DivergenceSide(_Model):
    """One source's statement in a divergence, with its publication date and verbatim quote."""

    source: int
    published: dt.date | None
    claim: str
    quote: Quote
    date: str | None = Field(
        default=None, description="When the stated thing happened, when the source gives it; null when it does not."
    )
    date_basis: DateBasis = Field(default="publication", description=_DATE_BASIS)
    voice: Voice = Field(default="source", description=_VOICE)
    said_by: str | None = Field(default=None, description=_SAID_BY)


class Divergence(_Model):
    """Statements from different sources that conflict on a fact, ordered by the date of what each reports.

    Each side is ordered by its own `date` when the source gives one, else by its publication
    date (`date_basis` 'publication': "reported on"). `change_over_time` when those dates differ;
    `latest` names the sources with the newest dated statement (a statement the source gives no
    date for is never the latest unless no side has a date of its own); `contradiction` when the
    sides are equally current. Sources that each report both positions of a dispute agree, and are
    no divergence.
    """

    kind: Literal["change_over_time", "contradiction"]
    topic: str
    sides: list[DivergenceSide]
    sources: list[int]
    latest: list[int] = Field(default_factory=list)
    basis: Literal["analysis", "stances"] = Field(
        description="'analysis': the model's comparison, checked; 'stances': opposite stances of one holder."
    )


class FramingRow(_Model):
    """How one source frames one actor: tone, frame and a verbatim quote from that source."""

    source: int
    actor: str
    tone: str
    frame: str
    quote: Quote
    voice: Voice = Field(default="source", description=_VOICE)
    said_by: str | None = Field(default=None, description=_SAID_BY)


class StanceCell(_Model):
    """One cell of the source x actor table: a holder's position toward an actor in one source."""

    source: int
    actor: str
    holder: str
    position: str
    voice: Voice = Field(
        default="named",
        description="Who says the holder takes this position: 'named' (the holder, or `said_by`), 'source' (the outlet, in its own words or as its own view), 'cited_outlet', 'unnamed'.",
    )
    said_by: str | None = None


class Corroboration(_Model):
    """A fact reported independently by several sources, with each source's own account."""

    date: str | None
    description: str
    sources: list[int]
    count: int = Field(description="Number of sources reporting it.")
    basis: Literal["timeline", "stances", "analysis"] = Field(
        description="'timeline': one merged event; 'stances': one holder's same position; "
        "'analysis': the model's comparison paired items of different kinds (an event and a stance, or a source's lead), each checked."
    )
    accounts: list[Account]
    date_basis: DateBasis = Field(default="publication", description=_DATE_BASIS)


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
    llm_requests: int = Field(
        default=0,
        description="HTTP requests sent to the endpoint (not replayed answers, not connections that failed before sending).",
    )
    resent: int = Field(
        default=0,
        description="Of llm_requests, those resent after a transient fault (429, 5xx, timeout, dropped connection): the request alone, not the answers before it.",
    )
    reasks: int = Field(
        default=0,
        description="Of llm_requests, those that re-asked an answer: it failed validation, was cut off by the output limit, or had too many failing items.",
    )
    replayed: int = Field(
        default=0,
        description="Answers taken from recordings (--replay, or the bundled fixtures with no endpoint configured); nothing was sent for them.",
    )
    cache_hits: int = 0
    usage: dict[str, int] = Field(default_factory=dict)
    cost_usd: float | None = Field(
        default=None,
        description="Estimated USD cost of this run's requests (cached answers cost nothing); null when the model's price is unknown or the answers were replayed.",
    )
    price: str | None = Field(
        default=None,
        description="The price the cost was estimated with, e.g. 'gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens (brief's price table)'.",
    )
    batch_requests: int = Field(
        default=0, description="Article requests answered through the OpenAI Batch API (at half price)."
    )
    quality_warning: str | None = Field(
        default=None,
        description="Set when the run's answers look too weak to trust (too few quotes verified, most articles degraded): the likely cause and the fix.",
    )


class StoryBriefing(_Model):
    """One story: the articles that report it (grouped by brief, no LLM call) and its own sections.

    Every source number is a global one: it resolves through the briefing's top-level `sources`.
    """

    id: str = Field(
        description="Stable story id: 's' + the article id of its earliest source; `brief digest` carries it across days."
    )
    title: str = Field(
        description="The headline of the story's latest source: its latest development (ties: the most central source, sharing most actors with the others)."
    )
    lead: str = Field(
        description="One or two sentences: the start of the story's summary, else of its central source's brief."
    )
    sources: list[int] = Field(description="Numbers of the story's sources (see the top-level `sources`).")
    first_date: dt.date | None = Field(description="Earliest publication date among its sources.")
    last_date: dt.date | None = Field(description="Latest publication date among its sources.")
    languages: list[str] = Field(description="Languages of its sources.")
    independent_sources: int = Field(
        description="Distinct outlets among its sources (a source of unknown outlet counts as one)."
    )
    summary: list[SummaryParagraph] = Field(default_factory=list)
    bottom_line: SummaryParagraph | None = Field(
        default=None,
        description="The story's bottom line (at most ~60 words), from its summary call; null when none was written.",
    )
    key_developments: list[KeyDevelopment] = Field(
        default_factory=list, description="The story's key developments, from its summary call, most important first."
    )
    timeline: list[TimelineEntry] = Field(default_factory=list)
    actors: list[MergedActor] = Field(default_factory=list)
    stances: list[StanceRow] = Field(default_factory=list)
    divergences: list[Divergence] = Field(default_factory=list)
    framing: list[FramingRow] = Field(default_factory=list)
    stance_table: list[StanceCell] = Field(default_factory=list)
    corroborated: list[Corroboration] = Field(default_factory=list)


class Briefing(_Model):
    """The merged, cited briefing over a set of articles.

    `stories` groups the sources into stories, front-page order (independent sources, then
    languages, then the most recent). The top-level sections cover every source: timeline,
    actors and stances merged over all of them; summary and the cross-source sections are the
    stories' own, in front-page order (with one story, the same as that story's).
    """

    meta: BriefingMeta
    sources: list[Source]
    summary: list[SummaryParagraph]
    timeline: list[TimelineEntry]
    bottom_line: SummaryParagraph | None = Field(
        default=None,
        description="The bottom line (at most ~60 words): what happened, what changed, why it matters; from the summary call. With several stories, each story has its own.",
    )
    key_developments: list[KeyDevelopment] = Field(
        default_factory=list,
        description="Key developments from the summary call, most important first, each dated and cited. With several stories, each story has its own.",
    )
    actors: list[MergedActor]
    stances: list[StanceRow]
    notes: list[Note]
    divergences: list[Divergence] = Field(default_factory=list)
    framing: list[FramingRow] = Field(default_factory=list)
    stance_table: list[StanceCell] = Field(default_factory=list)
    corroborated: list[Corroboration] = Field(default_factory=list)
    stories: list[StoryBriefing] = Field(default_factory=list)

    def source(self, ref: int) -> Source:
        return self.sources[ref - 1]
