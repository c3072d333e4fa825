"""What the pipeline records about each article: its outcome, its cache entry, the run's tallies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from .article import Article
from .brief import ArticleBrief

__all__ = [
    "BriefResult",
    "CachedAnswer",
    "CachedBrief",
    "GroundingReport",
    "Outcome",
    "ProgressCallback",
    "RunStats",
    "StatusCallback",
]


class Outcome(str, Enum):
    """How a run ended, for the caller to act on (the CLI maps it to an exit code)."""

    COMPLETE = "complete"  # every article briefed, every part written
    PARTIAL = (
        "partial"  # written, but some articles failed or were rejected, or a part (summary, comparison) is missing
    )


T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class GroundingReport:
    """Which evidence quotes of one brief were found in the article, by item."""

    stances: tuple[bool, ...]
    events: tuple[bool, ...]

    @property
    def verified(self) -> int:
        return sum(self.stances) + sum(self.events)

    @property
    def total(self) -> int:
        return len(self.stances) + len(self.events)


class CachedAnswer(BaseModel, Generic[T]):
    """What the cache keeps for one answer: the answer as read, the notes on what reading it fixed or dropped, how it was made."""

    answer: T
    notes: list[str] = Field(
        default_factory=list, description="What was normalized or left out while reading the answer."
    )
    model: str = ""
    prompt_hash: str = ""
    schema_hash: str = ""
    created_at: str = ""
    grounded: bool = Field(
        default=True, description="False when the model's last answer still had quotes not found in the source."
    )
    usage: dict[str, int] = Field(default_factory=dict)


class CachedBrief(CachedAnswer[ArticleBrief]):
    """The cache entry of one article's brief."""

    @property
    def brief(self) -> ArticleBrief:
        return self.answer


@dataclass
class BriefResult:
    """The outcome for one article: a brief (with its grounding check) or an error."""

    article: Article
    brief: ArticleBrief | None = None
    grounding: GroundingReport | None = None
    error: str | None = None
    from_cache: bool = False
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 0  # HTTP requests sent for it, failed ones included
    endpoint_down: bool = False  # failed because the endpoint kept failing (not because of the answer)
    unreachable: bool = False  # failed because no connection could be made to an endpoint that never answered this run
    budget_stop: bool = False  # not sent: it would have taken the run past --max-cost / --max-tokens
    notes: list[str] = field(default_factory=list)  # what reading the answer fixed or left out, one line each
    degraded: str | None = (
        None  # why the brief is in the briefing but not counted as briefed (not English, nothing verified)
    )
    dropped: int = 0  # stances and events left out on review (no quote, not English): counted as not verified

    @property
    def ok(self) -> bool:
        return self.brief is not None

    @property
    def briefed(self) -> bool:
        """In the briefing with English text and at least one verified item."""
        return self.ok and self.degraded is None


@dataclass
class RunStats:
    requests: int = 0  # HTTP requests sent to the endpoint
    resent: int = 0  # of those, resent after a transient fault
    reasks: int = 0  # of those, re-asks of an answer
    replayed: int = 0  # answers taken from recordings (nothing sent)
    cache_hits: int = 0
    usage: dict[str, int] = field(default_factory=dict)

    def add_usage(self, usage: dict[str, int]) -> None:
        for name, value in usage.items():
            self.usage[name] = self.usage.get(name, 0) + value


ProgressCallback = Callable[[BriefResult], None]  # called once per article as its brief (or failure) is ready
StatusCallback = Callable[[str], None]  # one line of progress, e.g. of a Batch API job
