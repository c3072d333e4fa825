"""The main job as one library call: paths -> articles -> briefs -> merged, summarized Briefing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .util.aio import run_sync
from .util.speed import freeze_heap, import_later, pause_collector, sdk_warmer, thaw_heap, warming
from .ingest.articles import ArticleSet, Rejection
from .ingest.reading import ArticleStream, read_articles
from .config.settings import Settings
from .llm.cost import Budget, budget_for, cost_usd, price_for, sum_usage
from .llm.run import RunContext, open_run
from .llm.prompts import load_prompt
from .models import ArticleBrief
from .models import Article, BriefResult, CachedBrief, Outcome, RunStats
from .models.results import ProgressCallback, StatusCallback
from .errors import ConfigError
from .stages.quality import run_verdict
from .stages.summarize import brief_articles, brief_key
from .assembly import assemble_briefing
from .llm.replay import model_label

if TYPE_CHECKING:  # pragma: no cover
    import httpx

    from .models import Briefing
    from .stages.batch import BatchOutcome
    from .stages.shard import Shard, ShardRun


__all__ = [
    "BriefingRun",
    "LoadedCallback",
    "Outcome",
    "brief_shard",
    "brief_shard_async",
    "build_briefing",
    "build_briefing_async",
    "read_articles",
]

LoadedCallback = Callable[[ArticleSet], None]  # called once every article is read (requests may have started)


@dataclass
class BriefingRun:
    """A finished run: the briefing plus what happened to each article."""

    briefing: Briefing
    results: list[BriefResult]
    rejected: list[Rejection]
    stats: RunStats
    not_written: list[str] = field(
        default_factory=list
    )  # parts of the briefing that could not be written (summary, comparison)

    @property
    def failed(self) -> list[BriefResult]:
        return [r for r in self.results if not r.ok]

    def source_texts(self) -> dict[int, str]:
        """{source number: the article text its quotes were checked against}, for the HTML page.

        Kept apart from the Briefing, so the JSON contract does not carry whole articles.
        """
        done = {r.article.id: r.article.text for r in self.results if r.ok}
        return {s.ref: done[s.article_id] for s in self.briefing.sources if s.article_id in done}

    @property
    def degraded(self) -> list[BriefResult]:
        """Articles in the briefing but not counted as briefed: not in English, or nothing verified (see stages.quality)."""
        return [r for r in self.results if r.ok and r.degraded]

    @property
    def outcome(self) -> Outcome:
        """COMPLETE when every article was briefed (English, something verified), every part was written and the model
        did not look too weak; else PARTIAL."""
        partial = (
            self.failed
            or self.rejected
            or not self.results
            or self.not_written
            or self.degraded
            or self.briefing.meta.quality_warning
        )
        return Outcome.PARTIAL if partial else Outcome.COMPLETE

    @property
    def exit_code(self) -> int:
        """The conventional process status for `outcome` (0 complete, 2 partial), for scripts using the API."""
        return 2 if self.outcome is Outcome.PARTIAL else 0


async def build_briefing_async(
    paths: Sequence[str | Path],
    settings: Settings,
    *,
    on_result: ProgressCallback | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_loaded: LoadedCallback | None = None,
    articles: ArticleSet | None = None,
    executive_summary: bool = True,
    cross_source: bool | None = None,
    on_status: StatusCallback | None = None,
    budget: Budget | None = None,
    on_phase: StatusCallback | None = None,
) -> BriefingRun:
    """Read, summarize, merge and write the executive summary for everything under `paths`.

    `on_phase` hears a short label when the run moves on from briefing articles (e.g. "summary and
    comparison of 3 stories"), for progress displays.

    `articles` replaces reading `paths` (e.g. one day's articles for a digest); with
    `executive_summary=False` the summary LLM call is skipped and `summary` stays empty. The
    cross-source analysis always runs its deterministic parts; its LLM call runs when
    `cross_source` is true (None: whenever the executive summary is written), alongside the summary.
    With `settings.batch` the articles go through the OpenAI Batch API (`on_status` hears its progress).
    `budget` is shared with other calls (a digest's days spend one budget); default: this run's own.
    """
    budget = _preflight(settings, budget)
    frozen = False
    resume_collector = None
    try:
        async with open_run(settings, transport=transport, budget=budget) as run:
            loaded, results, batched = await _brief_all(
                paths, run, articles=articles, on_result=on_result, on_loaded=on_loaded, on_status=on_status
            )
            # After 200 articles the heap holds ~200,000 objects (SDKs, briefs, answers), all still in use:
            # one full collection over them took 0.15 s, and merging the stories set one off. What the
            # assembling makes (merged stories, their renumbered sections) is in use to the end as well:
            # the collector's passes over it took 17 s of a warm 10,000-article run (util/speed.py).
            frozen = freeze_heap()
            resume_collector = pause_collector()
            use_llm = executive_summary if cross_source is None else cross_source
            briefing, not_written = await assemble_briefing(
                results, loaded, run, executive_summary=executive_summary, use_llm=use_llm, on_phase=on_phase
            )
        return _finished(briefing, results, loaded.rejected, run, batched, not_written)
    finally:
        thaw_heap(frozen, age=resume_collector is not None)  # what the paused assembly made is in use: no pass over it
        if resume_collector is not None:
            resume_collector()


def _preflight(settings: Settings, budget: Budget | None) -> Budget:
    """What is refused before anything opens: a cost budget without a price, a --tpm below one request, batch settings the Batch API cannot take."""
    if budget is None:
        budget = budget_for(settings)  # --max-cost / --max-tokens; raises if a cost budget has no price
    _check_tpm(settings)
    if settings.batch:
        from .stages.batch import check_batch_settings

        check_batch_settings(settings)
    return budget


async def _brief_all(
    paths: Sequence[str | Path],
    run: RunContext,
    *,
    articles: ArticleSet | None,
    on_result: ProgressCallback | None,
    on_loaded: LoadedCallback | None,
    on_status: StatusCallback | None,
) -> tuple[ArticleSet, list[BriefResult], BatchOutcome | None]:
    """Every article read (streamed to the summarize step as it is read, unless batched or given) and briefed."""
    later: list[asyncio.Future[None]] = []
    try:
        stream: ArticleStream | None = None
        if articles is not None or run.settings.batch:  # the batch path reads everything first
            loaded = articles if articles is not None else read_articles(paths, run.cache)
            if on_loaded:
                on_loaded(loaded)
            later.append(asyncio.ensure_future(import_later()))
        else:
            stream = ArticleStream(
                paths,
                run.cache,
                on_detect=_sdk_warmer(run),
                on_read=lambda: _read(stream.loaded, on_loaded, later),  # type: ignore[union-attr]  # `stream` is set before the reader calls on_read
            )
            loaded = stream.loaded
        batched = None
        if run.settings.batch:
            from .stages.batch import summarize_with_batch

            results, batched = await summarize_with_batch(
                loaded.articles, run, on_result=on_result, on_status=on_status
            )
        else:
            results = await brief_articles(
                stream if stream is not None else loaded.articles, run, on_result=warming(on_result)
            )
        await asyncio.gather(*later)
        return loaded, results, batched
    finally:
        for task in later:
            task.cancel()


def _finished(
    briefing: Briefing,
    results: list[BriefResult],
    rejected: list[Rejection],
    run: RunContext,
    batched: BatchOutcome | None,
    not_written: list[str],
) -> BriefingRun:
    """The run's outcome, once its client is closed: the briefing's header counts, cost and verdict, and what happened to each article."""
    from .models import Note

    settings, stats, client = run.settings, run.stats, run.client
    batch_usage, batch_requests = (batched.usage, batched.requests) if batched is not None else ({}, 0)
    fallback = (
        [Note(kind="info", message=client.fallback)] if client.fallback else []
    )  # the server refused the schema: asked without it
    briefing = briefing.model_copy(
        update={
            "notes": briefing.notes + fallback,
            "meta": briefing.meta.model_copy(
                update={
                    "llm_requests": stats.requests,
                    "resent": stats.resent,
                    "reasks": stats.reasks,
                    "replayed": stats.replayed,
                    "cache_hits": stats.cache_hits,
                    "usage": sum_usage(stats.usage, batch_usage),
                    "batch_requests": batch_requests,
                    **_cost(settings, stats.usage, batch_usage),
                    "quality_warning": run_verdict(
                        results, settings.min_verified_share, model_label(settings), settings.mode
                    ),
                }
            ),
        }
    )
    return BriefingRun(briefing=briefing, results=results, rejected=rejected, stats=stats, not_written=not_written)


def _sdk_warmer(run: RunContext) -> Callable[[Article], None]:
    """Build the SDK client while the language detector loads, unless this article's brief is cached (see util/speed.py)."""
    return sdk_warmer(
        run.client, lambda article: run.cache.get(brief_key(article, run.settings)[0], CachedBrief) is not None
    )


def _read(loaded: ArticleSet, on_loaded: LoadedCallback | None, later: list[asyncio.Future[None]]) -> None:
    """Every article is read: the later stages load while the answers come in, and the caller hears the full set."""
    later.append(asyncio.ensure_future(import_later()))
    if on_loaded:
        on_loaded(loaded)


def _check_tpm(settings: Settings) -> None:
    """--tpm below one request's size would hold every request back for minutes in silence: refuse it with the fix."""
    if not settings.tpm or settings.replay_dir is not None:
        return
    from .errors import ConfigError
    from .llm.cost import COMPLETION_ALLOWANCE, estimate_tokens

    messages = load_prompt("brief").render(publication_date="unknown", language="en", article_text="")
    smallest = estimate_tokens(messages, ArticleBrief)["total_tokens"]
    if settings.tpm < smallest:
        need = -(-smallest // 1000) * 1000
        raise ConfigError(
            f"--tpm {settings.tpm} is below the size of one request (at least {smallest:,} tokens: the prompt and schema, plus "
            f"{COMPLETION_ALLOWANCE:,} for the answer, before any article text), so every request would wait minutes; "
            f"pass --tpm {need} or more (tpm in brief.toml), or leave it out"
        )


async def brief_shard_async(
    paths: Sequence[str | Path],
    settings: Settings,
    shard: Shard,
    *,
    select: Callable[[Article], bool] | None = None,
    on_result: ProgressCallback | None = None,
    on_loaded=None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_status=None,
) -> ShardRun:
    """Brief the articles under `paths` that fall in `shard` (and that `select` accepts) into the cache; merge nothing.

    A final `build_briefing` over the same paths, sharing the cache, then pays for no article.
    """
    if not settings.use_cache:
        raise ConfigError("--shard writes its briefs only to the cache, for the final run to merge; drop --no-cache")
    budget = _preflight(settings, None)
    async with open_run(settings, transport=transport, budget=budget) as run:

        def wanted(article: Article) -> bool:
            return shard.contains(article) and (select is None or select(article))

        def read() -> None:
            if on_loaded:
                on_loaded(ArticleSet(articles=stream.articles, rejected=loaded.rejected))

        stream = ArticleStream(paths, run.cache, wanted=wanted, on_detect=_sdk_warmer(run), on_read=read)
        loaded = stream.loaded
        if settings.batch:  # the batch path reads everything first
            from .stages.batch import summarize_with_batch

            mine = [a async for a in stream]
            results, _ = await summarize_with_batch(mine, run, on_result=on_result, on_status=on_status)
        else:
            results = await brief_articles(stream, run, on_result=on_result)
    from .stages.shard import ShardRun

    total = sum(select is None or select(a) for a in loaded.articles)
    return ShardRun(shard=shard, total=total, results=results, rejected=len(loaded.rejected), stats=run.stats)


def brief_shard(paths: Sequence[str | Path], settings: Settings, shard: Shard, **kwargs) -> ShardRun:
    """Synchronous `brief_shard_async`."""
    return run_sync(brief_shard_async(paths, settings, shard, **kwargs))


def _cost(settings: Settings, live: dict[str, int], batch: dict[str, int]) -> dict[str, object]:
    """Meta fields cost_usd and price: estimated from the model's price (none for replayed answers)."""
    price = price_for(settings)
    if price is None or settings.replay_dir is not None:
        return {}
    total = (cost_usd(live, price) or 0.0) + (cost_usd(batch, price, batch=True) or 0.0)
    label = f"{settings.model}: ${price.input:g} in, ${price.output:g} out per 1M tokens ({price.source})"
    return {"cost_usd": round(total, 6), "price": label}


def build_briefing(paths: Sequence[str | Path], settings: Settings, **kwargs) -> BriefingRun:
    """Synchronous `build_briefing_async`."""
    return run_sync(build_briefing_async(paths, settings, **kwargs))
