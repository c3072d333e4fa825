"""The briefing from the briefs: merged, grouped into stories, each story summarized and compared.

Every run takes one path, whatever its number of stories (none, one or many): each story is merged
and asks its questions as soon as its own merge is done; the whole run's merge, needed only to
assemble the result, is done while the answers are on their way (`story_briefings`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from .ingest.articles import ArticleSet
from .llm.prompts import load_prompt, schema_hash
from .llm.replay import model_label
from .llm.run import RunContext
from .models import ArticleBrief, BriefResult
from .models.results import StatusCallback
from .util.aio import gather_or_cancel

if TYPE_CHECKING:  # pragma: no cover
    from .llm.packing import Asker, Packer
    from .models import Briefing, BriefingMeta, Note

T = TypeVar("T")

__all__ = ["assemble_briefing", "story_briefings"]


async def assemble_briefing(
    results: list[BriefResult],
    loaded: ArticleSet,
    run: RunContext,
    *,
    executive_summary: bool,
    use_llm: bool,
    on_phase: StatusCallback | None = None,
) -> tuple[Briefing, list[str]]:
    """The briefing from the briefs: merged, grouped into stories, each summarized and compared; and the parts not written.

    Every run takes one path, whatever its number of stories (none, one or many): see `story_briefings`.
    """
    from .models import (
        BriefingMeta,
        Note,
    )  # the briefing's models load after the first request (tests/ingest/test_streaming.py)
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

    async def analyse(
        b: Briefing, on_analysed: Callable[[Briefing], None], packed: tuple[Packer, int] | None = None
    ) -> tuple[Briefing, list[Note]]:
        """Summary and cross-source analysis of `b` (one story numbered on its own).

        `on_analysed` hears `b` with its analysis as soon as that is done (the summary may take longer).
        `packed`: (the packer of the run's stories, this story's number in it): its questions go through the packer.
        """
        summaries = _summaries(b, done)
        texts = {s.ref: done[s.article_id].article.text for s in b.sources}
        established = bool(summaries) or not b.sources  # some source briefed: English, something verified
        skipped = (
            []
            if established
            else [
                Note(
                    kind="degraded",
                    message=(
                        f"no executive summary or comparison of sources {''.join(f'[{s.ref}]' for s in b.sources)}: none was briefed "
                        "(in English, with a verified quote), so there is no established fact to summarise"
                    ),
                )
            ]
        )

        def asker(kind: str) -> Asker | None:
            return packed[0].asker(packed[1], kind) if packed is not None else None

        def tracked(kind: str, awaitable: Awaitable[T]) -> Awaitable[T]:
            return packed[0].tracked(packed[1], kind, awaitable) if packed is not None else awaitable

        async def analysed():
            result = await analyze_briefing(
                b,
                texts,
                summaries,
                run,
                use_llm=use_llm and established,
                asker=asker("analysis"),
                written=packed[0].written if packed is not None else None,
            )
            await (
                run.client.requests_written()
            )  # CPU work that can wait: after the requests started alongside are written
            on_analysed(result.apply(b))
            return result

        summary, analysis = await gather_or_cancel(
            (
                tracked(
                    "summary",
                    write_summary(b, summaries, run, asker=asker("summary"))
                    if executive_summary and established
                    else _value(SummaryOutcome([], skipped if executive_summary else [], {}, 0)),
                ),
                tracked("analysis", analysed()),
            )
        )
        stats.add_usage(summary.usage)
        stats.add_usage(analysis.usage)
        stats.cache_hits += summary.cached + analysis.from_cache
        not_written.extend(summary.not_written + analysis.not_written)
        update = {
            "summary": summary.paragraphs,
            "bottom_line": summary.bottom_line,
            "key_developments": summary.key_developments,
        }
        return analysis.apply(b).model_copy(update=update), summary.notes

    groups = group_results(results)
    if on_phase is not None:
        story_word = "story" if len(groups) == 1 else "stories"
        on_phase(
            f"{'summary and comparison' if executive_summary else 'comparison'} of {len(groups)} {story_word}"
            if use_llm
            else f"merging {len(groups)} {story_word}"
        )
    return await story_briefings(results, loaded.rejected, groups, analyse, meta, done, run), not_written


def _summaries(b: Briefing, done: dict[str, BriefResult]) -> dict[int, str]:
    """Each source's brief summary, for the executive summary and the comparison; a degraded brief's is no established fact: left out."""
    return {s.ref: done[s.article_id].brief.summary for s in b.sources if not done[s.article_id].degraded}  # type: ignore[union-attr]  # `done` holds briefed results only


async def story_briefings(
    results, rejected, groups, analyse, meta: BriefingMeta, done: dict[str, BriefResult], run: RunContext
) -> Briefing:
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
    asking = [
        i for i, (_, members) in enumerate(groups) if len(members) >= 2
    ]  # the stories that ask (a summary and a comparison each)
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
        local, notes = await analyse(
            local, on_analysed=lambda analysed: parts.update(story_parts(analysed, mapping, shared)), packed=packed
        )
        section = story_sections(story, local, mapping, _summaries(local, done), parts=parts, shared=shared)
        return section, [remap_note(n, mapping) for n in local.notes[merged_notes:] + notes]

    async def whole() -> Briefing:
        await (
            packer.written() if packer is not None else client.requests_written()
        )  # every story has asked, the requests are out
        briefing = merge_briefs(results, rejected=rejected, meta=meta)
        shared.update(shared_values(briefing))
        return briefing

    largest_first = sorted(range(len(groups)), key=lambda i: -len(groups[i][1]))
    started = {i: asyncio.ensure_future(one(i, *groups[i])) for i in largest_first}
    briefing, *outcomes = await gather_or_cancel(
        [whole(), *(started[i] for i in range(len(groups)))]
    )  # whole() starts after the stories
    if (
        packer is not None and packer.packed_requests
    ):  # the pack prompt wrote (or was asked for) some of the answers: the footer names it
        hashes = {**briefing.meta.prompt_hashes, "pack": load_prompt("pack").hash}
        briefing = briefing.model_copy(update={"meta": briefing.meta.model_copy(update={"prompt_hashes": hashes})})
    return with_stories(
        briefing, [section for section, _ in outcomes], [note for _, notes in outcomes for note in notes]
    )


async def _value(value):
    return value
