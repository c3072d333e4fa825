"""Article -> brief: prompt, cache, LLM and grounding, for many articles concurrently.

Each article's outcome is recorded on its own `BriefResult`: one failing article never sinks
the others. A result is cached the moment it arrives, so a run killed half-way pays only for
what it had not finished. Only an auth or unknown-model error stops the whole run at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from .cache import BriefCache, cache_key
from .config import Settings
from .errors import AuthError, LLMError, ModelNotFoundError
from .grounding import GroundingReport, verify_brief
from .llm import LLMClient
from .prompts import load_prompt, schema_hash
from .replay import RequestKey
from .schemas import Article, ArticleBrief

__all__ = ["BriefResult", "CachedBrief", "RunStats", "brief_messages", "brief_key", "summarize_articles", "summarize_articles_async"]

ProgressCallback = Callable[["BriefResult"], None]


class CachedBrief(BaseModel):
    """What the cache keeps for one article: the brief and how it was made."""

    brief: ArticleBrief
    model: str
    prompt_hash: str
    schema_hash: str
    created_at: str
    grounded: bool = Field(description="False when the model's last answer still had quotes not found in the source.")
    usage: dict[str, int] = Field(default_factory=dict)


@dataclass
class BriefResult:
    """The outcome for one article: a brief (with its grounding check) or an error."""

    article: Article
    brief: ArticleBrief | None = None
    grounding: GroundingReport | None = None
    error: str | None = None
    from_cache: bool = False
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.brief is not None


@dataclass
class RunStats:
    requests: int = 0
    cache_hits: int = 0
    usage: dict[str, int] = field(default_factory=dict)

    def add_usage(self, usage: dict[str, int]) -> None:
        for name, value in usage.items():
            self.usage[name] = self.usage.get(name, 0) + value


def brief_messages(article: Article) -> list[dict[str, str]]:
    """The chat messages for one article (article text fenced, so it stays data)."""
    text = article.text.replace("</article", "<\\/article")
    return load_prompt("brief").render(
        publication_date=article.date.isoformat() if article.date else "unknown",
        language=article.language,
        article_text=text,
    )


def brief_key(article: Article, settings: Settings) -> tuple[str, RequestKey]:
    """(cache key, request key) for an article's brief under these settings."""
    prompt, schema = load_prompt("brief").hash, schema_hash(ArticleBrief)
    ckey = cache_key("brief", namespace=settings.namespace, model=settings.model, prompt_hash=prompt, schema_hash=schema, subject=article.id)
    return ckey, RequestKey("brief", article.id, settings.mode, prompt, schema, label=article.path)


async def _summarize_one(article: Article, settings: Settings, client: LLMClient, cache: BriefCache, stats: RunStats) -> BriefResult:
    ckey, rkey = brief_key(article, settings)
    cached = cache.get(ckey, CachedBrief)
    if cached is not None:
        stats.cache_hits += 1
        return BriefResult(article, cached.brief, verify_brief(cached.brief, article.text), from_cache=True)
    try:
        done = await client.complete(ArticleBrief, brief_messages(article), key=rkey, context={"source_text": article.text})
    except (AuthError, ModelNotFoundError):
        raise
    except LLMError as exc:
        stats.add_usage(exc.usage)
        return BriefResult(article, error=str(exc), usage=exc.usage, attempts=exc.attempts)
    stats.add_usage(done.usage)
    cache.set(ckey, CachedBrief(
        brief=done.value, model=settings.model, prompt_hash=rkey.prompt_hash, schema_hash=rkey.schema_hash,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), grounded=done.grounded, usage=done.usage,
    ))
    return BriefResult(article, done.value, verify_brief(done.value, article.text), usage=done.usage, attempts=done.attempts)


async def summarize_articles_async(
    articles: Sequence[Article], settings: Settings, *, client: LLMClient | None = None, cache: BriefCache | None = None,
    stats: RunStats | None = None, on_result: ProgressCallback | None = None,
) -> list[BriefResult]:
    """Summarize articles concurrently (at most `settings.concurrency` requests in flight), in input order."""
    own_client = client is None
    client = client or LLMClient(settings)
    cache = cache if cache is not None else BriefCache(settings.cache_dir if settings.use_cache else None)
    stats = stats if stats is not None else RunStats()
    gate = asyncio.Semaphore(settings.concurrency)

    async def run(article: Article) -> BriefResult:
        async with gate:
            result = await _summarize_one(article, settings, client, cache, stats)
        if on_result:
            on_result(result)
        return result

    tasks = [asyncio.create_task(run(a)) for a in articles]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    finally:
        stats.requests += client.requests if own_client else 0
        if own_client:
            await client.aclose()


def summarize_articles(articles: Sequence[Article], settings: Settings, **kwargs) -> list[BriefResult]:
    """Synchronous wrapper of `summarize_articles_async`."""
    return asyncio.run(summarize_articles_async(articles, settings, **kwargs))
