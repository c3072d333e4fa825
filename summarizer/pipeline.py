"""The main job as one library call: paths -> articles -> briefs -> merged, summarized Briefing."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .util.aio import gather_or_cancel, run_sync
from .util.speed import freeze_heap, import_later, pause_collector, sdk_warmer, thaw_heap, warming
from .ingest.articles import ArticleSet, Rejection
from .ingest.reading import ArticleStream, read_articles
from .config.settings import Settings
from .llm.cost import Budget, budget_for, cost_usd, price_for
from .llm.run import RunContext, open_run
from .llm.prompts import load_prompt, schema_hash
from .models import ArticleBrief
from .models import Article, BriefResult, CachedBrief, Outcome, RunStats
from .models.results import ProgressCallback, StatusCallback
from .errors import ConfigError
from .stages.quality import run_verdict
from .stages.summarize import brief_articles, brief_key

if TYPE_CHECKING:  # pragma: no cover
    import httpx

    from .llm.packing import Asker, Packer
    from .models import Briefing, BriefingMeta, Note
    from .stages.batch import BatchOutcome
    from .stages.shard import Shard, ShardRun

T = TypeVar("T")

__all__ = ["BriefingRun", "LoadedCallback", "Outcome", "brief_shard", "brief_shard_async", "build_briefing", "build_briefing_async", "read_articles"]

LoadedCallback = Callable[[ArticleSet], None]  # called once every article is read (requests may have started)

@dataclass
class BriefingRun:
    """A finished run: the briefing plus what happened to each article."""

    briefing: Briefing
    results: list[BriefResult]
    rejected: list[Rejection]
    stats: RunStats
    not_written: list[str] = field(default_factory=list)  # parts of the briefing that could not be written (summary, comparison)

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
        partial = self.failed or self.rejected or not self.results or self.not_written or self.degraded or self.briefing.meta.quality_warning
        return Outcome.PARTIAL if partial else Outcome.COMPLETE

    @property
    def exit_code(self) -> int:
        """The conventional process status for `outcome` (0 complete, 2 partial), for scripts using the API."""
        return 2 if self.outcome is Outcome.PARTIAL else 0


async def build_briefing_async(
    paths: Sequence[str | Path], settings: Settings, *, on_result: ProgressCallback | None = None,
    transport: httpx.AsyncBaseTransport | None = None, on_loaded: LoadedCallback | None = None,
    articles: ArticleSet | None = None, executive_summary: bool = True, cross_source: bool | None = None,
    on_status: StatusCallback | None = None, budget: Budget | None = None, on_phase: StatusCallback | None = None,
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
            loaded, results, batched = await _brief_all(paths, run, articles=articles, on_result=on_result, on_loaded=on_loaded, on_status=on_status)
            # After 200 articles the heap holds ~200,000 objects (SDKs, briefs, answers), all still in use:
            # one full collection over them took 0.15 s, and merging the stories set one off. What the
            # assembling makes (merged stories, their renumbered sections) is in use to the end as well:
            # the collector's passes over it took 17 s of a warm 10,000-article run (util/speed.py).
            frozen = freeze_heap()
            resume_collector = pause_collector()
            use_llm = executive_summary if cross_source is None else cross_source
            briefing, not_written = await _assemble(results, loaded, run, executive_summary=executive_summary, use_llm=use_llm, on_phase=on_phase)
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
    paths: Sequence[str | Path], run: RunContext, *, articles: ArticleSet | None, on_result: ProgressCallback | None,
    on_loaded: LoadedCallback | None, on_status: StatusCallback | None,
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
            stream = ArticleStream(paths, run.cache, on_detect=_sdk_warmer(run), on_read=lambda: _read(stream.loaded, on_loaded, later))  # type: ignore[union-attr]  # `stream` is set before the reader calls on_read
            loaded = stream.loaded
        batched = None
        if run.settings.batch:
            from .stages.batch import summarize_with_batch

            results, batched = await summarize_with_batch(loaded.articles, run, on_result=on_result, on_status=on_status)
        else:
            results = await brief_articles(stream if stream is not None else loaded.articles, run, on_result=warming(on_result))
        await asyncio.gather(*later)
        return loaded, results, batched
    finally:
        for task in later:
            task.cancel()


async def _assemble(
    results: list[BriefResult], loaded: ArticleSet, run: RunContext, *, executive_summary: bool, use_llm: bool, on_phase: StatusCallback | None = None,
) -> tuple[Briefing, list[str]]:
    """The briefing from the briefs: merged, grouped into stories, each summarized and compared; and the parts not written.

    Every run takes one path, whatever its number of stories (none, one or many): see `_story_briefings`.
    """
    from .models import BriefingMeta, Note
    from .stages.analysis import analyze_briefing
    from .stories.briefings import group_results
    from .stages.synthesis import SummaryOutcome, write_summary

    settings, stats = run.settings, run.stats
    meta = BriefingMeta(
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        model=model_label(settings),
        mode=settings.mode,
        endpoint=settings.endpoint,
        prompt_hashes={name: load_prompt(name).hash for name in ("brief", "summary", "analysis")},
        schema_hash=schema_hash(ArticleBrief),
        articles=len(loaded.articles),
        briefs=0,
        items_verified=0,
        items_unverified=0,
    )
    done = {r.article.id: r for r in results if r.ok}  # by id: one lookup per source, not a scan
    not_written: list[str] = []

    async def analyse(b: Briefing, on_analysed: Callable[[Briefing], None], packed: tuple[Packer, int] | None = None) -> tuple[Briefing, list[Note]]:
        """Summary and cross-source analysis of `b` (one story numbered on its own).

        `on_analysed` hears `b` with its analysis as soon as that is done (the summary may take longer).
        `packed`: (the packer of the run's stories, this story's number in it): its questions go through the packer.
        """
        summaries = _summaries(b, done)
        texts = {s.ref: done[s.article_id].article.text for s in b.sources}
        established = bool(summaries) or not b.sources  # some source briefed: English, something verified
        skipped = [] if established else [Note(kind="degraded", message=(
            f"no executive summary or comparison of sources {''.join(f'[{s.ref}]' for s in b.sources)}: none was briefed "
            "(in English, with a verified quote), so there is no established fact to summarise"))]

        def asker(kind: str) -> Asker | None:
            return packed[0].asker(packed[1], kind) if packed is not None else None

        def tracked(kind: str, awaitable: Awaitable[T]) -> Awaitable[T]:
            return packed[0].tracked(packed[1], kind, awaitable) if packed is not None else awaitable

        async def analysed():
            result = await analyze_briefing(b, texts, summaries, run, use_llm=use_llm and established, asker=asker("analysis"),
                                             written=packed[0].written if packed is not None else None)
            await run.client.requests_written()  # CPU work that can wait: after the requests started alongside are written
            on_analysed(result.apply(b))
            return result

        summary, analysis = await gather_or_cancel((
            tracked("summary", write_summary(b, summaries, run, asker=asker("summary")) if executive_summary and established
                    else _value(SummaryOutcome([], skipped if executive_summary else [], {}, 0))),
            tracked("analysis", analysed()),
        ))
        stats.add_usage(summary.usage)
        stats.add_usage(analysis.usage)
        stats.cache_hits += summary.cached + analysis.from_cache
        not_written.extend(summary.not_written + analysis.not_written)
        update = {"summary": summary.paragraphs, "bottom_line": summary.bottom_line, "key_developments": summary.key_developments}
        return analysis.apply(b).model_copy(update=update), summary.notes

    groups = group_results(results)
    if on_phase is not None:
        story_word = "story" if len(groups) == 1 else "stories"
        on_phase(f"{'summary and comparison' if executive_summary else 'comparison'} of {len(groups)} {story_word}" if use_llm
                 else f"merging {len(groups)} {story_word}")
    return await _story_briefings(results, loaded.rejected, groups, analyse, meta, done, run), not_written


def _finished(briefing: Briefing, results: list[BriefResult], rejected: list[Rejection], run: RunContext, batched: BatchOutcome | None,
              not_written: list[str]) -> BriefingRun:
    """The run's outcome, once its client is closed: the briefing's header counts, cost and verdict, and what happened to each article."""
    from .models import Note

    settings, stats, client = run.settings, run.stats, run.client
    batch_usage, batch_requests = (batched.usage, batched.requests) if batched is not None else ({}, 0)
    fallback = [Note(kind="info", message=client.fallback)] if client.fallback else []  # the server refused the schema: asked without it
    briefing = briefing.model_copy(update={
        "notes": briefing.notes + fallback,
        "meta": briefing.meta.model_copy(update={
            "llm_requests": stats.requests, "resent": stats.resent, "reasks": stats.reasks, "replayed": stats.replayed, "cache_hits": stats.cache_hits, "usage": _sum_usage(stats.usage, batch_usage),
            "batch_requests": batch_requests, **_cost(settings, stats.usage, batch_usage),
            "quality_warning": run_verdict(results, settings.min_verified_share, model_label(settings), settings.mode),
        }),
    })
    return BriefingRun(briefing=briefing, results=results, rejected=rejected, stats=stats, not_written=not_written)


def _sdk_warmer(run: RunContext) -> Callable[[Article], None]:
    """Build the SDK client while the language detector loads, unless this article's brief is cached (see util/speed.py)."""
    return sdk_warmer(run.client, lambda article: run.cache.get(brief_key(article, run.settings)[0], CachedBrief) is not None)


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


def _summaries(b: Briefing, done: dict[str, BriefResult]) -> dict[int, str]:
    """Each source's brief summary, for the executive summary and the comparison; a degraded brief's is no established fact: left out."""
    return {s.ref: done[s.article_id].brief.summary for s in b.sources if not done[s.article_id].degraded}  # type: ignore[union-attr]  # `done` holds briefed results only


async def _story_briefings(results, rejected, groups, analyse, meta: BriefingMeta, done: dict[str, BriefResult], run: RunContext) -> Briefing:
    """One briefing per story, each numbered 1..k for its own prompts, mapped back to the global numbers.

    One story is the one-story case: numbered as the whole run numbers it (`merge.source_numbers`),
    its prompts are the whole run's, and `with_stories` lifts its sections to the top level.

    Each story's summary and analysis questions are asked as soon as its own merge is done, the
    largest story first (its summary may need a second round); once every story has asked they go
    out together, several small stories' questions packed into one request when they are more than
    the run's concurrency (`llm.packing`: fewer waves of requests). The merge of the whole run,
    needed only to assemble the result, is done while the answers are on their way.
    """
    from .llm.packing import Packer
    from .stages.merge import merge_briefs, source_numbers
    from .stories.briefings import remap_note, shared_values, story_parts, story_sections, with_stories

    numbers = source_numbers(results)  # article id -> its number in the whole run's briefing
    shared: dict = {}  # the whole run's accounts and stances, once merged: a story's renumbered equal ones are these objects

    client = run.client
    asking = [i for i, (_, members) in enumerate(groups) if len(members) >= 2]  # the stories that ask (a summary and a comparison each)
    member = {i: n for n, i in enumerate(asking)}
    # else all go out in one wave, as asked; one story's questions have no other story's to be packed with
    packer = Packer(run, len(asking)) if len(asking) > 1 and 2 * len(asking) > run.settings.concurrency else None

    async def one(index, story, members):
        """The story's section and notes, in the run's numbers; its own briefing is dropped as soon as they are made."""
        local = merge_briefs(members, meta=meta)
        merged_notes = len(local.notes)  # the global merge has these
        mapping = {s.ref: numbers[s.article_id] for s in local.sources}
        parts: dict = {}  # the sections that do not wait for the summary, renumbered while it is awaited
        packed = (packer, member[index]) if packer is not None and index in member else None
        local, notes = await analyse(local, on_analysed=lambda analysed: parts.update(story_parts(analysed, mapping, shared)), packed=packed)
        section = story_sections(story, local, mapping, _summaries(local, done), parts=parts, shared=shared)
        return section, [remap_note(n, mapping) for n in local.notes[merged_notes:] + notes]

    async def whole() -> Briefing:
        await (packer.written() if packer is not None else client.requests_written())  # every story has asked, the requests are out
        briefing = merge_briefs(results, rejected=rejected, meta=meta)
        shared.update(shared_values(briefing))
        return briefing

    largest_first = sorted(range(len(groups)), key=lambda i: -len(groups[i][1]))
    started = {i: asyncio.ensure_future(one(i, *groups[i])) for i in largest_first}
    briefing, *outcomes = await gather_or_cancel([whole(), *(started[i] for i in range(len(groups)))])  # whole() starts after the stories
    if packer is not None and packer.packed_requests:  # the pack prompt wrote (or was asked for) some of the answers: the footer names it
        hashes = {**briefing.meta.prompt_hashes, "pack": load_prompt("pack").hash}
        briefing = briefing.model_copy(update={"meta": briefing.meta.model_copy(update={"prompt_hashes": hashes})})
    return with_stories(briefing, [section for section, _ in outcomes], [note for _, notes in outcomes for note in notes])


async def brief_shard_async(
    paths: Sequence[str | Path], settings: Settings, shard: Shard, *, select: Callable[[Article], bool] | None = None,
    on_result: ProgressCallback | None = None, on_loaded=None, transport: httpx.AsyncBaseTransport | None = None, on_status=None,
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


def _sum_usage(*usages: dict[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for usage in usages:
        for name, value in usage.items():
            total[name] = total.get(name, 0) + value
    return total


def _cost(settings: Settings, live: dict[str, int], batch: dict[str, int]) -> dict[str, object]:
    """Meta fields cost_usd and price: estimated from the model's price (none for replayed answers)."""
    price = price_for(settings)
    if price is None or settings.replay_dir is not None:
        return {}
    total = (cost_usd(live, price) or 0.0) + (cost_usd(batch, price, batch=True) or 0.0)
    label = f"{settings.model}: ${price.input:g} in, ${price.output:g} out per 1M tokens ({price.source})"
    return {"cost_usd": round(total, 6), "price": label}


async def _value(value):
    return value


def model_label(settings: Settings) -> str:
    """The model that wrote the answers: the recordings' model when replaying (never the user's --model over them)."""
    if settings.replay_dir is not None:
        from .llm.replay import recorded_model

        recorded = recorded_model(settings.replay_dir)
        return f"{recorded} (recorded)" if recorded else "recorded answers"
    return settings.model


def build_briefing(paths: Sequence[str | Path], settings: Settings, **kwargs) -> BriefingRun:
    """Synchronous `build_briefing_async`."""
    return run_sync(build_briefing_async(paths, settings, **kwargs))
