"""Several stories' questions in one request (`llm.packing`): each part read on its own, a bad part costs only its story."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from summarizer import Settings
from summarizer.llm.packing import pack_limit, packed_model
from summarizer.models import CrossSourceAnalysis, ExecutiveSummary
from summarizer.pipeline import build_briefing

from tests.fake_openai import FakeOpenAI
from tests.stages.test_tail_rounds import _late, _small_stories


@dataclass
class OneBadPart(FakeOpenAI):
    """Answers packed summaries with the first story's part citing sources no story has."""

    def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        answer = super().answer_for(body, key)
        if key and key.startswith("pack-summary/"):
            first = answer["stories"][0]["answer"]
            for p in first["paragraphs"]:
                p["sources"] = [901, 902]
        return answer


def test_a_bad_part_fails_only_its_story_which_then_asks_on_its_own(tmp_path):
    briefs = _small_stories(tmp_path)
    with FakeOpenAI(briefs=briefs) as wide:
        alone = build_briefing(
            [tmp_path], Settings(base_url=wide.base_url, api_key=SecretStr("sk-test"), use_cache=False, concurrency=64)
        )
    with OneBadPart(briefs=briefs) as server:
        run = build_briefing(
            [tmp_path], Settings(base_url=server.base_url, api_key=SecretStr("sk-test"), use_cache=False, concurrency=4)
        )
    late = _late(server)
    packs = late.count("pack-summary")
    assert (
        packs >= 2 and late.count("summary") == packs
    )  # each pack's first story asked again on its own, no other story did
    expected = {s.id: s.summary for s in alone.briefing.stories}
    assert {s.id: s.summary for s in run.briefing.stories} == expected  # every story's summary as if asked alone
    assert [n for n in run.briefing.notes if n.kind == "failed"] == []


def test_a_cached_pack_is_not_asked_again(tmp_path):
    briefs = _small_stories(tmp_path / "in")
    with FakeOpenAI(briefs=briefs) as server:
        settings = Settings(
            base_url=server.base_url, api_key=SecretStr("sk-test"), cache_dir=tmp_path / "cache", concurrency=4
        )
        first = build_briefing([tmp_path / "in"], settings)
        sent = len(server.requests)
        second = build_briefing([tmp_path / "in"], settings)
    assert len(server.requests) == sent  # the packed answers came from the cache
    assert [s.summary for s in second.briefing.stories] == [s.summary for s in first.briefing.stories]


def test_a_rerun_that_packs_differently_pays_for_nothing_twice(tmp_path):
    """Packs depend on --concurrency and on how many questions are left: each good part is cached under its
    story's own key too, so a warm rerun asking every story alone (-c 64) sends no request."""
    briefs = _small_stories(tmp_path / "in")
    with FakeOpenAI(briefs=briefs) as server:
        packed = Settings(
            base_url=server.base_url, api_key=SecretStr("sk-test"), cache_dir=tmp_path / "cache", concurrency=4
        )
        first = build_briefing([tmp_path / "in"], packed)
        assert "pack-summary" in _late(server)  # the cold run packed
        sent = len(server.requests)
        second = build_briefing([tmp_path / "in"], packed.model_copy(update={"concurrency": 64}))
    assert len(server.requests) == sent
    assert [s.summary for s in second.briefing.stories] == [s.summary for s in first.briefing.stories]


def test_the_packed_schema_asks_for_one_inner_answer_per_story_with_its_own_schema_inlined():
    for inner in (ExecutiveSummary, CrossSourceAnalysis):
        schema = packed_model(inner).model_json_schema()
        text = json.dumps(schema)
        part = schema["$defs"][f"Packed{inner.__name__}Part"]
        assert set(part["properties"]) == {"story", "answer"}
        answer = part["properties"]["answer"]
        assert set(answer["properties"]) == set(inner.model_json_schema()["properties"])  # the inner answer's fields
        assert all(
            ref.startswith("#/$defs/Packed") for ref in re.findall(r'"\$ref": "([^"]+)"', text)
        )  # no dangling inner $defs


def test_a_pack_leaves_each_story_about_a_thousand_tokens_of_the_output_limit():
    assert pack_limit(4096) == 4 and pack_limit(16384) == 16 and pack_limit(500) == 1


def test_replayed_from_single_story_recordings_a_packed_run_asks_each_story_alone(tmp_path):
    """--replay with recordings of each story asked alone (-c 64): the packs miss, every story's own recording answers."""
    briefs = _small_stories(tmp_path / "in")
    with FakeOpenAI(briefs=briefs) as server:
        recorded = build_briefing(
            [tmp_path / "in"],
            Settings(
                base_url=server.base_url,
                api_key=SecretStr("sk-test"),
                use_cache=False,
                concurrency=64,
                record_dir=tmp_path / "rec",
            ),
        )
    replayed = build_briefing(
        [tmp_path / "in"],
        Settings(api_key=SecretStr("sk-test"), use_cache=False, concurrency=4, replay_dir=tmp_path / "rec"),
    )
    assert [s.summary for s in replayed.briefing.stories] == [s.summary for s in recorded.briefing.stories]
    assert [s.framing for s in replayed.briefing.stories] == [s.framing for s in recorded.briefing.stories]
    assert [n.message for n in replayed.briefing.notes if n.kind in ("failed", "info") and "skipped" in n.message] == []
