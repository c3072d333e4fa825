"""After the last article: every story's summary and cross-source analysis go out in one round,
and the work that can wait (the whole run's merge) is done while their answers are on the way.

Observed on the fake server, not timed: it holds every summary and analysis answer until all of
the run's summary and analysis requests have arrived (or until the test lets them go). A run that
waited for one story's answer before sending another story's request would leave that answer
held (the test fails on it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from summarizer import Settings
from summarizer.pipeline import build_briefing

from tests.fake_openai import FakeOpenAI
from tests.stories.test_story_briefings import write_mixed_folder

LATE = ("summary", "analysis")


@dataclass
class HoldingServer(FakeOpenAI):
    """Answers summary and analysis requests only once `expected` of them have arrived (else gives up after `patience` s)."""

    expected: int = 0
    gate: threading.Event | None = None  # if set: hold the answers until it is set instead
    kinds: tuple[str, ...] = LATE  # the kinds of request held
    patience: float = 30.0
    arrived: int = 0
    held_in_vain: list[str] = field(default_factory=list)  # answers released before all requests had arrived

    def __post_init__(self) -> None:
        super().__post_init__()
        self._arrivals = threading.Condition()

    def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        if key and key.split("/")[0] in self.kinds:
            with self._arrivals:
                self.arrived += 1
                self._arrivals.notify_all()
                released = (
                    self._arrivals.wait_for(lambda: self.arrived >= self.expected, timeout=self.patience)
                    if self.gate is None
                    else True
                )
            if self.gate is not None:
                released = self.gate.wait(timeout=self.patience)
            if not released:
                self.held_in_vain.append(key)
        return super().answer_for(body, key)


def test_every_storys_summary_and_analysis_requests_are_all_sent_before_any_is_answered(tmp_path):
    briefs = write_mixed_folder(tmp_path)
    with FakeOpenAI(briefs=briefs) as plain:
        first = build_briefing(
            [tmp_path], Settings(base_url=plain.base_url, api_key=SecretStr("sk-test"), use_cache=False)
        )
        late = [r for r in plain.requests if r["headers"].get("X-Brief-Key", "").split("/")[0] in LATE]
    assert len(first.briefing.stories) == 2 and len(late) == 4  # two stories, each a summary and an analysis

    with HoldingServer(briefs=briefs, expected=len(late)) as held:
        second = build_briefing(
            [tmp_path], Settings(base_url=held.base_url, api_key=SecretStr("sk-test"), use_cache=False)
        )
    assert held.arrived == len(late)
    assert held.held_in_vain == []  # no answer was needed before every request had gone out
    assert [s.summary for s in second.briefing.stories] == [s.summary for s in first.briefing.stories]


def test_the_whole_runs_merge_waits_until_the_stories_requests_are_written(tmp_path, monkeypatch):
    """Merging every brief is needed only to assemble the result: it runs with every story's requests out, not before."""
    import summarizer.stages.merge as merge
    from summarizer.llm.ratelimit import LimitedTransport

    briefs = write_mixed_folder(tmp_path)
    transports: list[LimitedTransport] = []
    built = LimitedTransport.__init__

    def keep(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        built(self, *args, **kwargs)
        transports.append(self)

    monkeypatch.setattr(LimitedTransport, "__init__", keep)
    gate = threading.Event()
    seen: list[tuple[int, int]] = []
    merge_all = merge.merge_briefs

    def watched(results, **kwargs):  # type: ignore[no-untyped-def]
        if len(results) == 8:  # the whole run (5 seeds + 3 depot articles), not one story
            seen.append((transports[0].in_flight, transports[0].unsent))
            gate.set()  # the answers may come now
        return merge_all(results, **kwargs)

    monkeypatch.setattr(merge, "merge_briefs", watched)
    with HoldingServer(briefs=briefs, gate=gate) as held:
        run = build_briefing(
            [tmp_path], Settings(base_url=held.base_url, api_key=SecretStr("sk-test"), use_cache=False)
        )
    assert len(run.briefing.stories) == 2 and held.held_in_vain == []
    assert seen == [(4, 0)]  # both stories' summary and analysis in flight, all written out, none answered


def test_a_request_is_unsent_until_its_body_is_written_or_its_answer_arrives():
    import asyncio

    import httpx

    from summarizer.llm.ratelimit import LimitedTransport

    during: list[int] = []

    class Writes(httpx.AsyncBaseTransport):
        """Reports the body written (as httpcore's trace extension does), then answers."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            during.append(outer.unsent)
            await request.extensions["trace"]("http11.send_request_body.complete", {})
            during.append(outer.unsent)
            return httpx.Response(200, content=b"{}")

    class Silent(httpx.AsyncBaseTransport):
        """Says nothing about writing (a replay or mock transport)."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            during.append(outer.unsent)
            return httpx.Response(200, content=b"{}")

    async def send(transport: LimitedTransport) -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            await client.post("http://127.0.0.1:9/v1/chat/completions", content=b"{}")

    for inner, expected in ((Writes(), [1, 0]), (Silent(), [1])):
        during.clear()
        outer = LimitedTransport(inner, concurrency=4)
        asyncio.run(send(outer))
        assert during == expected and outer.unsent == 0 and outer.in_flight == 0


def test_each_brief_is_warmed_for_grouping_as_it_arrives_and_the_caller_still_hears_every_result(tmp_path, monkeypatch):
    import summarizer.stories.briefings as story_briefings

    briefs = write_mixed_folder(tmp_path)
    warmed: list[str] = []
    warm = story_briefings.warm

    def counting(result):  # type: ignore[no-untyped-def]
        warmed.append(result.article.id)
        warm(result)

    monkeypatch.setattr(story_briefings, "warm", counting)
    heard: list[str] = []
    with FakeOpenAI(briefs=briefs) as server:
        run = build_briefing(
            [tmp_path],
            Settings(base_url=server.base_url, api_key=SecretStr("sk-test"), use_cache=False),
            on_result=lambda r: heard.append(r.article.id),
        )
    assert sorted(heard) == sorted(r.article.id for r in run.results) and len(heard) == 8
    assert len(warmed) == len(set(warmed)) and set(warmed) <= set(
        heard
    )  # once each, at most (the first may come before the stage is loaded)


def test_a_storys_sections_are_renumbered_once_its_analysis_is_in_without_waiting_for_its_summary(
    tmp_path, monkeypatch
):
    """The sections that do not depend on the summary are worked out while the summary is awaited (a long one takes two rounds)."""
    import summarizer.stories.briefings as story_briefings

    briefs = write_mixed_folder(tmp_path)
    with FakeOpenAI(briefs=briefs) as plain:
        first = build_briefing(
            [tmp_path], Settings(base_url=plain.base_url, api_key=SecretStr("sk-test"), use_cache=False)
        )

    gate = threading.Event()
    parts = story_briefings.story_parts
    prepared: list[int] = []

    def noted(local, mapping, *shared):  # type: ignore[no-untyped-def]
        prepared.append(len(local.sources))
        if len(prepared) == 2:  # both stories' parts are ready: the summaries may come now
            gate.set()
        return parts(local, mapping, *shared)

    monkeypatch.setattr(story_briefings, "story_parts", noted)
    with HoldingServer(briefs=briefs, gate=gate, kinds=("summary",)) as held:
        second = build_briefing(
            [tmp_path], Settings(base_url=held.base_url, api_key=SecretStr("sk-test"), use_cache=False)
        )
    assert held.held_in_vain == [] and sorted(prepared) == [3, 5]
    assert second.briefing.model_dump(exclude={"meta"}) == first.briefing.model_dump(exclude={"meta"})


def test_settled_waits_for_its_condition_and_a_steady_probe_and_gives_up_after_its_bound():
    import asyncio

    from summarizer.util.aio import settled

    async def scenario() -> tuple[int, int]:
        turns = {"n": 0}

        async def ticker() -> None:  # another task making progress: one step per turn of the loop
            for _ in range(10):
                turns["n"] += 1
                await asyncio.sleep(0)

        task = asyncio.ensure_future(ticker())
        await settled(lambda: turns["n"], until=lambda: turns["n"] >= 10)
        done_at = turns["n"]
        await task
        stuck = 0

        def never() -> bool:
            nonlocal stuck
            stuck += 1
            return False

        await settled(lambda: 0, until=never, turns=1, most=50)
        return done_at, stuck

    done_at, stuck = asyncio.run(scenario())
    assert done_at == 10  # not before the other task had finished its steps
    assert stuck <= 50  # bounded: it stops waiting after `most` turns


# --------------------------------------------------------------------------- many small stories


def _small_stories(root, n=40):  # type: ignore[no-untyped-def]
    """`n` articles of the many-small-stories shape (bench/growth.py's "small"); the fake server's answers for them."""
    from bench.growth import corpus, write_corpus

    items = corpus("small", n)
    write_corpus(items, root)
    return {item.body: item.brief for item in items}


def _late(server: FakeOpenAI) -> list[str]:
    return [k for r in server.requests if (k := r["headers"].get("X-Brief-Key", "").split("/")[0]) != "brief"]


def test_many_small_stories_take_at_most_two_waves_of_requests_after_the_last_article(tmp_path):
    """33 stories' summaries and comparisons at --concurrency 16 went out in 5 waves (issue 21 part 8): small stories'
    questions are now packed, several per request, so that they fit in two waves, and each story reads as on its own."""
    briefs = _small_stories(tmp_path)
    with FakeOpenAI(briefs=briefs) as wide:  # every question fits in one wave: each asked on its own, as before
        alone = build_briefing(
            [tmp_path], Settings(base_url=wide.base_url, api_key=SecretStr("sk-test"), use_cache=False, concurrency=64)
        )
    questions = _late(wide)
    assert set(questions) == {"summary", "analysis"} and len(questions) >= 16
    with FakeOpenAI(briefs=briefs) as narrow:
        packed = build_briefing(
            [tmp_path], Settings(base_url=narrow.base_url, api_key=SecretStr("sk-test"), use_cache=False, concurrency=4)
        )
    late = _late(narrow)
    assert len(late) <= 2 * 4  # two waves at --concurrency 4
    assert set(late) == {"pack-summary", "pack-analysis"}
    stories = {s.id: s for s in alone.briefing.stories}
    assert len(packed.briefing.stories) == len(stories)
    for story in packed.briefing.stories:
        same = stories[story.id]
        assert story.sources == same.sources
        assert (
            story.summary == same.summary and story.bottom_line == same.bottom_line
        )  # the same answer, the same citations
        assert story.framing == same.framing and story.divergences == same.divergences
        assert {n for p in story.summary for n in p.sources} <= set(story.sources)  # each cites only its own sources
    assert [n.message for n in packed.briefing.notes if n.kind == "failed"] == []
    assert (
        "pack" in packed.briefing.meta.prompt_hashes and "pack" not in alone.briefing.meta.prompt_hashes
    )  # the footer names the prompts used
