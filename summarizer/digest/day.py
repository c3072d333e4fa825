"""One day's digest: that day's articles briefed, merged and compared with the earlier digests, then written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..llm.replay import model_label
from ..ingest.articles import ArticleSet
from ..config.settings import Settings
from .compare import compare_with_earlier
from .stories import carry_stories
from ..pipeline import build_briefing_async
from ..llm.cost import Budget
from ..llm.prompts import load_prompt, schema_hash
from ..models import (
    ArticleBrief,
    Digest,
    DigestMeta,
    Note,
    SummaryParagraph,
)
from ..models import BriefResult

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["DigestDay", "build_day"]


@dataclass
class DigestDay:
    """What happened to one day: the digest written (or skipped) and what it cost."""

    date: dt.date
    digest: Digest | None
    markdown_path: Path | None = None
    json_path: Path | None = None
    html_path: Path | None = None
    texts: dict[int, str] = field(default_factory=dict, repr=False)  # source number -> article text, for the HTML page
    failed: list[BriefResult] = field(default_factory=list)
    degraded: list[BriefResult] = field(
        default_factory=list
    )  # in the digest, not counted as briefed (not English, nothing verified)
    requests: int = 0
    resent: int = 0  # of the requests, resent after a transient fault
    reasks: int = 0  # of the requests, re-asks of an answer
    replayed: int = 0
    cache_hits: int = 0
    usage: dict[str, int] = field(default_factory=dict)
    kept: bool = False  # nothing was briefed, so the earlier digest of this day was kept

    @property
    def skipped(self) -> bool:
        return self.digest is None


async def build_day(
    day: dt.date,
    loaded: ArticleSet,
    undated: list[str],
    earlier: Sequence[Digest],
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
    on_result=None,
    budget: Budget | None = None,
) -> DigestDay:
    articles = [a for a in loaded.articles if a.date == day]
    earlier = [d for d in earlier if d.sources]  # "new since" compares with digests that had articles, not empty days
    rejections = [
        r for r in loaded.rejected if r.changed is None or r.changed == day
    ]  # a day's notes name the files rejected that day
    notes = [
        Note(
            kind="undated",
            file=path,
            message="no date header, so it is in no daily digest; add ' date YYYY-MM-DD' to its first line",
        )
        for path in undated
    ]
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta: dict[str, Any] = {
        "date": day,
        "generated_at": generated,
        "model": model_label(settings),
        "mode": settings.mode,
        "endpoint": settings.endpoint,
        "prompt_hash": load_prompt("brief").hash,
        "schema_hash": schema_hash(ArticleBrief),
        "previous_digest": earlier[-1].date if earlier else None,
        "earlier_digests": len(earlier),
    }
    if not articles:
        rejected = [Note(kind="rejected", file=r.path, message=r.reason) for r in rejections]
        digest = Digest(
            meta=DigestMeta(**meta, articles=0, briefs=0, items_verified=0, items_unverified=0),
            sources=[],
            summary=[],
            timeline=[],
            stances=[],
            actors=[],
            notes=rejected + notes,
            new_events=[],
            earlier_events=[],
            stance_shifts=[],
        )
        return DigestDay(day, digest)

    run = await build_briefing_async(
        [],
        settings,
        transport=transport,
        executive_summary=False,
        cross_source=True,
        on_result=on_result,
        budget=budget,
        articles=ArticleSet(articles=articles, rejected=rejections),
    )
    b = run.briefing
    by_id = {r.article.id: r for r in run.results if r.ok}
    summary = [
        SummaryParagraph(text=by_id[s.article_id].brief.summary, sources=[s.ref])  # type: ignore[union-attr]  # briefed: has a brief
        for s in b.sources
        if not s.degraded  # a degraded brief is no established fact
    ]
    own = {p.sources[0]: p for p in summary}
    stories = [
        story if story.summary else story.model_copy(update={"summary": [own[r] for r in story.sources if r in own]})
        for story in b.stories
    ]
    new, seen, shifts = compare_with_earlier(b.timeline, b.stances, earlier, day)
    digest = Digest(
        meta=DigestMeta(
            **meta,
            articles=b.meta.articles,
            briefs=b.meta.briefs,
            items_verified=b.meta.items_verified,
            items_unverified=b.meta.items_unverified,
        ),
        sources=b.sources,
        summary=summary,
        timeline=b.timeline,
        stances=b.stances,
        actors=b.actors,
        notes=b.notes + notes,
        new_events=new,
        earlier_events=seen,
        stance_shifts=shifts,
        stories=carry_stories(day, stories, earlier, compare_with_earlier),
    )
    return DigestDay(
        day,
        digest,
        texts=run.source_texts(),
        failed=run.failed,
        degraded=run.degraded,
        requests=run.stats.requests,
        resent=run.stats.resent,
        reasks=run.stats.reasks,
        replayed=run.stats.replayed,
        cache_hits=run.stats.cache_hits,
        usage=run.stats.usage,
    )


# --------------------------------------------------------------------------- the run
