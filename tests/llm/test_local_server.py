"""Local servers (ollama, llamacpp, lmstudio, vllm presets): slow answers, looping models, timeouts.

A CPU server takes minutes per answer, keeps generating an answer its client gave up on, and a
small model may loop until its context is full. brief gives the local presets a long timeout,
caps every answer with an output-token limit, and never resends a timed-out request into a
server still busy with it.
"""

from __future__ import annotations

import pytest

from summarizer.config.providers import LOCAL_TIMEOUT
from summarizer.config.settings import resolve_settings
from summarizer.stages.summarize import summarize_articles
from tests.fake_openai import FakeOpenAI
from tests.llm.test_faults import fast_settings, seed


@pytest.mark.parametrize("preset", ["ollama", "llamacpp", "lmstudio", "vllm"])
def test_local_presets_wait_minutes_unless_told_otherwise(preset):
    settings = resolve_settings({"provider": preset}, env={})
    assert (settings.timeout, settings.sources["timeout"], settings.local_server) == (
        LOCAL_TIMEOUT,
        f"provider:{preset}",
        True,
    )
    assert resolve_settings({"provider": preset, "timeout": 30}, env={}).timeout == 30
    assert (
        resolve_settings({}, env={"OPENAI_API_KEY": "sk-x"}).timeout == 60
        and not resolve_settings({}, env={"OPENAI_API_KEY": "sk-x"}).local_server
    )


def test_a_slow_server_within_the_timeout_costs_one_request(tmp_path):
    with FakeOpenAI(latency=1.5) as server:
        [result] = summarize_articles(seed(), fast_settings(server, tmp_path, timeout=10.0))
        assert result.ok and server.count == 1


def test_every_request_carries_the_output_token_limit(fake_openai, tmp_path):
    [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path, max_output_tokens=1500))
    assert result.ok
    assert [r["body"].get("max_tokens") for r in fake_openai.requests] == [1500]


def test_a_looping_model_is_cut_off_at_the_limit_and_handled_as_a_cut_off_answer(fake_openai, tmp_path):
    fake_openai.default = "length"  # every answer runs into the output limit
    [result] = summarize_articles(
        seed(), fast_settings(fake_openai, tmp_path, max_length_reasks=1, max_output_tokens=2000)
    )
    assert not result.ok and fake_openai.count == 2, "cut off, re-asked shorter once, then reported: never endless"
    assert "(--max-output-tokens 2000); a model that loops is cut off there too" in result.error
    assert all(r["body"]["max_tokens"] == 2000 for r in fake_openai.requests)


def test_a_timed_out_request_to_a_local_server_is_not_resent(fake_openai, tmp_path):
    fake_openai.script("hang:3")
    settings = fast_settings(fake_openai, tmp_path, provider="llamacpp", timeout=1.0, max_attempts=3)
    [result] = summarize_articles(seed(), settings)
    assert not result.ok and fake_openai.count == 1, "no second request queued behind the abandoned one"
    assert result.error.startswith("request timed out after 1 request(s) to http://127.0.0.1:")
    assert (
        "not resent, since the local server may still be generating the abandoned answer: raise --timeout"
        in result.error
    )


def test_a_timed_out_request_to_a_hosted_endpoint_is_retried(fake_openai, tmp_path):
    fake_openai.script("hang:3")
    [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path, timeout=1.0))
    assert result.ok and fake_openai.count == 2


def test_a_timed_out_request_resent_to_a_server_on_this_machine_says_it_may_queue_behind_the_abandoned_one(
    fake_openai, tmp_path, caplog
):
    """A llama.cpp server given by --base-url alone (no preset) keeps the hosted retry policy, but never silently."""
    fake_openai.script("hang:3")
    with caplog.at_level("WARNING", logger="summarizer.llm"):
        [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path, timeout=1.0))
    assert result.ok and fake_openai.count == 2
    [warning] = [r.getMessage() for r in caplog.records if "timed out" in r.getMessage()]
    assert (
        "may still be generating the abandoned answer" in warning
        and "--provider ollama|llamacpp|lmstudio|vllm" in warning
    )
