"""The daily digest: one publication date's briefing plus what is new since earlier digests."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .attribution import DateBasis
from .base import SCHEMA_VERSION, StrictModel as _Model
from .briefing import MergedActor, Note, Source, StanceRow, StoryBriefing, TimelineEntry
from .responses import SummaryParagraph

__all__ = ["DIGEST_VERSION", "NewEvent", "EarlierEvent", "StanceShift", "DigestMeta", "DigestStory", "Digest"]

DIGEST_VERSION = "1.6"  # the digest format; its schema's $id is brief/digest/<this>


class NewEvent(_Model):
    """A timeline entry of this digest that no earlier digest reports."""

    timeline_index: int = Field(description="0-based position in `timeline`.")
    date: str | None
    description: str
    sources: list[int]
    date_basis: DateBasis = Field(
        default="stated",
        description="'stated' or 'inferred' date, or 'publication': no source dates it, so it may be a look back rather than news.",
    )


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


class DigestStory(StoryBriefing):
    """A story of the day with a briefing story's sections (its summary: each source's own brief summary).

    A story an earlier digest already had keeps that digest's story id; `new_events` and
    `stance_shifts` are what is new in it since the earlier digests.
    """

    new: bool = Field(description="True when no earlier digest has this story.")
    first_reported: dt.date | None = Field(
        default=None, description="Date of the earliest digest with this story id (null when new)."
    )
    new_events: list[NewEvent] = Field(
        default_factory=list,
        description="Events of this story no earlier digest reports (timeline_index: position in this story's `timeline`).",
    )
    stance_shifts: list[StanceShift] = Field(
        default_factory=list,
        description="Stances of this story whose position differs from the latest earlier digest's.",
    )


class DigestMeta(_Model):
    digest_version: str = Field(
        default=DIGEST_VERSION,
        description="Version of the digest format (schemas/digest.schema.json's $id ends with it).",
    )
    schema_version: str = Field(
        default=SCHEMA_VERSION,
        description="Version of the models a digest shares with briefings (sources, timeline, stances, actors).",
    )
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
    stories: list[DigestStory] = Field(
        default_factory=list, description="The day's stories, front-page order; ids carried from earlier digests."
    )

    @property
    def date(self) -> dt.date:
        return self.meta.date

    def source(self, ref: int) -> Source:
        return self.sources[ref - 1]

    def lead_headline(self) -> str | None:
        """Headline of the source cited by most new events (ties: the lowest number)."""
        if not self.sources:
            return None
        weight = {s.ref: sum(s.ref in e.sources for e in self.new_events) for s in self.sources}
        return max(self.sources, key=lambda s: (weight[s.ref], -s.ref)).headline
