"""The main job as one library call: paths -> articles -> briefs -> merged, summarized Briefing."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .articles import ArticleSet, Rejection, detect_language, load_articles
from .cache import BriefCache
from .config import Settings
from .llm import LLMClient
from .merge import merge_briefs
from .prompts import load_prompt, schema_hash
from .schemas import ArticleBrief, Briefing, BriefingMeta
from .summarize import BriefResult, ProgressCallback, RunStats, summarize_articles_async
from .synthesis import write_summary

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["BriefingRun", "build_briefing", "build_briefing_async", "read_articles"]

EXIT_OK, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2


@dataclass
class BriefingRun:
    """A finished run: the briefing plus what happened to each article."""

    briefing: Briefing
    results: list[BriefResult]
    rejected: list[Rejection]
    stats: RunStats

    @property
    def failed(self) -> list[BriefResult]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        """0 when every article made it into the briefing, 2 when some failed or were rejected."""
        return EXIT_PARTIAL if self.failed or self.rejected or not self.results else EXIT_OK


def read_articles(paths: Sequence[str | Path], cache: BriefCache) -> ArticleSet:
    """Load articles, remembering detected languages in the cache (the detector is slow to load)."""

    def language_of(article_id: str, text: str) -> str:
        key = f"lang|{article_id}"
        known = cache.get_text(key)
        if known is None:
            known = detect_language(text)
            cache.set_text(key, known)
        return known

    return load_articles(paths, language_of=language_of)


async def build_briefing_async(
    paths: Sequence[str | Path], settings: Settings, *, on_result: ProgressCallback | None = None,
    transport: httpx.AsyncBaseTransport | None = None, on_loaded=None,
) -> BriefingRun:
    """Read, summarize, merge and write the executive summary for everything under `paths`."""
    cache = BriefCache(settings.cache_dir if settings.use_cache else None)
    try:
        loaded = read_articles(paths, cache)
        if on_loaded:
            on_loaded(loaded)
        client = LLMClient(settings, transport=transport)
        stats = RunStats()
        try:
            results = await summarize_articles_async(loaded.articles, settings, client=client, cache=cache, stats=stats, on_result=on_result)
            meta = BriefingMeta(
                generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                model=settings.model,
                mode=settings.mode,
                endpoint=settings.endpoint,
                prompt_hashes={name: load_prompt(name).hash for name in ("brief", "summary")},
                schema_hash=schema_hash(ArticleBrief),
                articles=len(loaded.articles),
                briefs=0,
                items_verified=0,
                items_unverified=0,
            )
            briefing = merge_briefs(results, rejected=loaded.rejected, meta=meta)
            summaries = {s.ref: r.brief.summary for s in briefing.sources for r in results if r.ok and r.article.id == s.article_id}  # type: ignore[union-attr]
            paragraphs, notes, usage, summary_cached = await write_summary(briefing, summaries, settings, client, cache)
            stats.add_usage(usage)
            stats.cache_hits += summary_cached
        finally:
            stats.requests = client.requests
            await client.aclose()
        briefing = briefing.model_copy(update={
            "summary": paragraphs,
            "notes": briefing.notes + notes,
            "meta": briefing.meta.model_copy(update={"llm_requests": stats.requests, "cache_hits": stats.cache_hits, "usage": stats.usage}),
        })
        return BriefingRun(briefing=briefing, results=results, rejected=loaded.rejected, stats=stats)
    finally:
        cache.close()


def build_briefing(paths: Sequence[str | Path], settings: Settings, **kwargs) -> BriefingRun:
    """Synchronous `build_briefing_async`."""
    return asyncio.run(build_briefing_async(paths, settings, **kwargs))
