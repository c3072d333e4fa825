"""The run context: what every request of one run shares, opened once per run.

A run asks the model through one client (one connection pool, rate limit and retry layer), one
cache and one budget, and tallies what it did in one `RunStats`. `open_run` opens what the caller
does not lend (a digest lends one budget to all its days; `summarize_articles` callers may lend a
client, a cache or stats), closes what it opened, and adds the client's request counts to the
stats when the run ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..cache import Cache, open_cache
from ..config.settings import Settings
from ..models import RunStats
from .client import LLMClient
from .cost import Budget, budget_for

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["RunContext", "open_run"]


@dataclass
class RunContext:
    """One run's settings, client, cache, budget and tallies: what the steps take instead of passing each by hand."""

    settings: Settings
    client: LLMClient
    cache: Cache
    budget: Budget
    stats: RunStats = field(default_factory=RunStats)


@asynccontextmanager
async def open_run(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    client: LLMClient | None = None,
    cache: Cache | None = None,
    budget: Budget | None = None,
    stats: RunStats | None = None,
) -> AsyncIterator[RunContext]:
    """The run's context, with a client, cache, budget and stats of its own unless lent; what it opened is closed on exit.

    The budget comes first (`budget_for` refuses a cost budget without a price before anything opens)."""
    budget = budget if budget is not None else budget_for(settings)
    own_cache, own_client = cache is None, client is None
    cache = cache if cache is not None else open_cache(settings)
    try:
        client = client if client is not None else LLMClient(settings, transport=transport)
        run = RunContext(settings, client, cache, budget, stats if stats is not None else RunStats())
        try:
            yield run
        finally:
            if own_client:
                run.stats.requests += client.requests
                run.stats.replayed += client.replayed
                run.stats.resent += client.resent
                run.stats.reasks += client.reasks
                await client.aclose()
    finally:
        if own_cache:
            cache.close()
