"""Merging at scale: near-linear event and actor merging, and an executive summary whose calls
fit the model's context window however many briefs there are.

The briefs come from bench/corpus.py: articles over a shared world of stories, the way news
overlaps (the same event in several outlets, the same people under variant spellings). Work is
counted (score and fuzzy-match calls, prompt sizes), never timed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from functools import cache

import pytest

import summarizer.stages.merge as merge
import summarizer.stages.timeline as timeline
from bench.corpus import make_corpus
from summarizer.ingest.articles import content_id
from summarizer.cache.disk import BriefCache
from summarizer.config.settings import Settings
from summarizer.stages.quality import verify_brief
from summarizer.llm.chain import Completion
from summarizer.models import Article, ArticleBrief, BriefingMeta, ExecutiveSummary, SummaryParagraph
from summarizer.models import BriefResult
from summarizer.llm.context import input_room, prompt_tokens
from summarizer.llm.cost import Budget
from summarizer.llm.run import RunContext
from summarizer.stages.synthesis import _fixed_tokens, write_summary

META = BriefingMeta(
    generated_at="2025-12-31 00:00 UTC",
    model="m",
    mode="tools",
    endpoint="test",
    prompt_hashes={},
    schema_hash="s",
    articles=0,
    briefs=0,
    items_verified=0,
    items_unverified=0,
)


@cache
def corpus_results(n: int) -> tuple[BriefResult, ...]:
    out = []
    for c in make_corpus(n):
        article = Article(
            id=content_id(c.body),
            path=c.name,
            date=dt.date.fromisoformat(c.file_text.split()[1]),
            language="en",
            text=c.body,
        )
        brief = ArticleBrief.model_validate(c.brief, context={"source_text": c.body})
        out.append(BriefResult(article, brief, verify_brief(brief, c.body)))
    return tuple(out)


def story(quote: str) -> str:
    return re.search(r"\(report \d+-(\d+)\)\.$", quote).group(1)


def brute_force_pairs(keys, dates):  # type: ignore[no-untyped-def]
    """Every pair of event groups with compatible dates: what blocking must not change."""
    return [(a, b) for a in range(len(keys)) for b in range(a, len(keys)) if merge.dates_compatible(dates[a], dates[b])]


# --------------------------------------------------------------------------- events


def test_blocking_finds_the_same_timeline_as_comparing_every_pair(monkeypatch):
    results = list(corpus_results(120))
    blocked = merge.merge_briefs(results, meta=META)
    monkeypatch.setattr(timeline, "_candidates", brute_force_pairs)
    everything = merge.merge_briefs(results, meta=META)
    assert blocked.timeline == everything.timeline
    assert len(blocked.timeline) > 40


def test_each_story_told_by_many_outlets_is_one_timeline_entry():
    briefing = merge.merge_briefs(list(corpus_results(300)), meta=META)
    entries_of: dict[str, set[int]] = {}
    for k, entry in enumerate(briefing.timeline):
        for account in entry.accounts:
            entries_of.setdefault(story(account.quote.text), set()).add(k)
    assert all(len(entries) == 1 for entries in entries_of.values()), "a story was split over several entries"
    assert sum(len(e.sources) > 1 for e in briefing.timeline) > 100


def count_work(monkeypatch, n: int) -> dict[str, int]:
    counts = {"event scores": 0, "actor comparisons": 0}
    score, ratio = timeline._score, merge.fuzz.ratio

    def counted_score(*args):  # type: ignore[no-untyped-def]
        counts["event scores"] += 1
        return score(*args)

    class CountingFuzz:
        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(merge.rapidfuzz_fuzz, name)

        @staticmethod
        def ratio(*args, **kwargs):  # type: ignore[no-untyped-def]
            counts["actor comparisons"] += 1
            return ratio(*args, **kwargs)

    monkeypatch.setattr(merge, "rapidfuzz_fuzz", merge.fuzz, raising=False)
    monkeypatch.setattr(timeline, "_score", counted_score)
    monkeypatch.setattr(merge, "fuzz", CountingFuzz())
    merge.merge_briefs(list(corpus_results(n)), meta=META)
    monkeypatch.undo()
    return counts


def test_event_merging_work_grows_about_linearly_with_the_number_of_briefs(monkeypatch):
    small, large = count_work(monkeypatch, 200)["event scores"], count_work(monkeypatch, 400)["event scores"]
    assert small > 0 and large <= 2.6 * small, f"{small} event scores for 200 briefs, {large} for 400"


def test_actor_names_are_compared_only_within_their_block(monkeypatch):
    """Fuzzy matching runs only for a name not seen before, and only against groups of its kind and initial."""
    comparisons = count_work(monkeypatch, 400)["actor comparisons"]
    names = {(a.kind, merge.normalize_name(a.name)) for r in corpus_results(400) for a in r.brief.actors}
    blocks: dict[tuple[str, str], int] = {}
    for kind, name in names:
        blocks[(kind, name[:1])] = blocks.get((kind, name[:1]), 0) + 1
    assert 0 < comparisons <= len(names) * max(blocks.values())
    assert comparisons < len(names) ** 2 / 8, "far fewer than comparing each new name with every group"


# --------------------------------------------------------------------------- actors


def test_actors_are_compared_only_within_their_kind_and_initial():
    results = list(corpus_results(300))
    briefing = merge.merge_briefs(results, meta=META)
    names = {a.name for a in briefing.actors}
    assert {"Anna Tkachenko", "Hanna Hrytsenko"} <= names  # 'anna' and 'hanna' are close, but different people
    for actor in briefing.actors:  # transliteration variants ('Aliev', 'Kalnynsh') joined their canonical spelling
        assert len({merge.normalize_name(n)[:1] for n in actor.names_in_sources}) == 1


# --------------------------------------------------------------------------- executive summary


class SummaryStub:
    """Stands in for LLMClient: answers every summary call citing two of the numbers it may cite."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    async def complete(self, response_model, messages, *, key, context=None, on_response=None):  # type: ignore[no-untyped-def]
        valid = context["valid_sources"]
        user = messages[1]["content"]
        self.calls.append(
            {
                "valid": list(valid),
                "tokens": prompt_tokens(messages, response_model),
                "sources": [int(n) for n in re.findall(r"^\[(\d+)\] published", user, flags=re.M)],
                "parts": len(re.findall(r"^Sources \d", user, flags=re.M)),
            }
        )
        paragraph = SummaryParagraph(text=f"Synthesis of {len(valid)} sources.", sources=[valid[0], valid[-1]])
        return Completion(
            value=ExecutiveSummary(paragraphs=[paragraph]),
            usage={"prompt_tokens": len(user) // 4, "completion_tokens": 20, "total_tokens": len(user) // 4 + 20},
        )


def summarize(n: int, settings: Settings | None = None, room: int | None = None):  # type: ignore[no-untyped-def]
    results = list(corpus_results(n))
    briefing = merge.merge_briefs(results, meta=META)
    by_id = {r.article.id: r for r in results}
    summaries = {s.ref: by_id[s.article_id].brief.summary for s in briefing.sources}
    stub = SummaryStub()
    run = RunContext(settings or Settings(use_cache=False), stub, BriefCache(None), Budget())  # type: ignore[arg-type]  # the stub answers like an LLMClient
    paragraphs, notes, *_ = asyncio.run(write_summary(briefing, summaries, run, room=room))
    return briefing, stub.calls, paragraphs, notes


def test_sources_that_fit_the_models_context_take_one_call():
    settings = Settings(use_cache=False, model="gpt-4o-mini")  # a 128k-token window
    briefing, calls, paragraphs, notes = summarize(200, settings)
    assert (
        len(calls) == 1 and calls[0]["valid"] == [s.ref for s in briefing.sources] and len(calls[0]["sources"]) == 200
    )
    assert calls[0]["tokens"] <= input_room(settings)
    assert paragraphs and not notes


@pytest.mark.parametrize("window", [8_192, 16_384])
def test_a_small_context_window_gets_groups_that_fit_then_a_summary_of_the_groups(window: int):
    settings = Settings(use_cache=False, model="qwen2.5:7b", context_window=window)
    briefing, calls, paragraphs, notes = summarize(200, settings)
    room = input_room(settings)
    assert all(c["tokens"] <= room for c in calls), "every call fits the window, less the output limit"
    groups = [c["sources"] for c in calls if c["sources"]]
    assert [r for g in groups for r in g] == [s.ref for s in briefing.sources], (
        "groups are consecutive and cover every source once"
    )
    assert len(groups) > 1 and max(map(len, groups)) <= 2 * min(map(len, groups)), "groups of about equal size"
    assert [c["valid"] for c in calls[: len(groups)]] == groups
    assert calls[-1]["parts"] == len(groups) and len(calls) == len(groups) + 1
    refs = {s.ref for s in briefing.sources}
    assert paragraphs and all(set(p.sources) <= refs for p in paragraphs), "citations resolve to real sources"
    assert not notes


def test_a_bigger_window_takes_fewer_calls():
    counts = [
        len(summarize(200, Settings(use_cache=False, model="local", context_window=w))[1])
        for w in (8_192, 16_384, 65_536)
    ]
    assert counts[0] > counts[1] > counts[2] == 1


def test_when_even_the_group_summaries_do_not_fit_they_are_summarised_in_levels():
    room = _fixed_tokens() + 940  # room for about 940 tokens of briefs a call, whatever the prompt's own size
    briefing, calls, paragraphs, _notes = summarize(150, room=room)
    assert all(c["tokens"] <= room for c in calls)
    first = [c for c in calls if c["sources"]]
    second = [c for c in calls if c["parts"]][:-1]
    assert len(second) >= 2 and all(c["parts"] >= 2 for c in second), "each call over group summaries takes two or more"
    assert sum(c["parts"] for c in second) == len(first), "every group summary is read once at the next level"
    assert calls[-1]["parts"] == len(second) and calls[-1]["valid"], "the last call reads the level below it"
    assert paragraphs and set(paragraphs[0].sources) <= {s.ref for s in briefing.sources}


def test_the_largest_summary_prompt_does_not_grow_with_the_number_of_sources():
    settings = Settings(use_cache=False, model="local", context_window=8_192)
    largest = {n: max(c["tokens"] for c in summarize(n, settings)[1]) for n in (100, 400)}
    assert largest[400] <= input_room(settings) and largest[100] <= input_room(settings)


def test_a_room_too_small_for_two_summaries_still_merges_them_pairwise_and_never_asks_for_one_twice():
    briefing, calls, paragraphs, _notes = summarize(12, room=10)  # less than one brief: every source alone, then pairs
    first = [c for c in calls if c["sources"]]
    over_parts = [c["parts"] for c in calls if c["parts"]]
    assert [len(c["sources"]) for c in first] == [1] * 12
    assert all(n >= 2 for n in over_parts), "no call re-summarises a single summary"
    assert sum(n - 1 for n in over_parts) == len(first) - 1, "the levels end in exactly one summary"
    assert paragraphs and set(paragraphs[0].sources) <= {s.ref for s in briefing.sources}
