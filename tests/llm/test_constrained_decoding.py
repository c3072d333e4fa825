"""Local presets send the answer's JSON Schema, so the server decodes only JSON that fits it.

llama.cpp (both llama-server and llama-cpp-python) takes `{"type": "json_object", "schema": ...}`
(llama-cpp-python answers `json_schema` with HTTP 500); Ollama 0.5+, vLLM and LM Studio take
`{"type": "json_schema", "json_schema": {"schema": ...}}`. A server that refuses the schema is asked
without it from then on, with a warning and a note, instead of failing every article.
"""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.providers import PROVIDERS
from summarizer.models import ArticleBrief
from summarizer.pipeline import build_briefing
from tests.conftest import SEEDS
from tests.fake_openai import FakeOpenAI
from tests.llm.test_faults import fast_settings

SCHEMA = ArticleBrief.model_json_schema()


def _brief_bodies(server: FakeOpenAI) -> list[dict]:
    return [r["body"] for r in server.requests if r["headers"]["X-Brief-Key"].startswith("brief/")]


@pytest.mark.parametrize(
    ("provider", "response_format"),
    [
        ("llamacpp", {"type": "json_object", "schema": SCHEMA}),
        ("ollama", {"type": "json_schema", "json_schema": {"name": "ArticleBrief", "schema": SCHEMA}}),
        ("vllm", {"type": "json_schema", "json_schema": {"name": "ArticleBrief", "schema": SCHEMA}}),
        ("lmstudio", {"type": "json_schema", "json_schema": {"name": "ArticleBrief", "schema": SCHEMA}}),
        ("openai", None),  # function calling: the schema goes as the tool's parameters
    ],
)
def test_each_preset_sends_the_schema_its_server_decodes_by(provider, response_format, tmp_path):
    with FakeOpenAI() as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path, provider=provider, mode=PROVIDERS[provider].mode))
        bodies = _brief_bodies(server)
    assert run.exit_code == 0 and len(bodies) == 5
    for body in bodies:
        assert body.get("response_format") == response_format
        if response_format is None:
            assert body["tools"][0]["function"]["parameters"]["properties"] == SCHEMA["properties"]


def test_a_server_refusing_the_schema_is_asked_without_it_from_then_on(tmp_path, caplog):
    with FakeOpenAI(refuses_schema=True) as server, caplog.at_level(logging.WARNING):
        run = build_briefing(
            [SEEDS], fast_settings(server, tmp_path, provider="llamacpp", mode="json_object_schema", concurrency=1)
        )
        refused = [r for r in server.requests if "schema" in (r["body"].get("response_format") or {})]
        plain = [r for r in server.requests if r["body"].get("response_format") == {"type": "json_object"}]
    assert run.exit_code == 0 and all(r.ok for r in run.results)
    assert len(refused) == 1 and len(plain) == server.count - 1, (
        "one refusal, then JSON mode for every request (no retries into a 500)"
    )
    note = [
        n.message for n in run.briefing.notes if "refused the answer's schema in mode json_object_schema" in n.message
    ]
    assert len(note) == 1 and "asked in --mode json instead, without constrained decoding" in note[0]
    assert sum("refused the answer's schema" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize(
    ("refuses", "says"),
    [
        (False, "mode json_object_schema, schema sent (constrained decoding"),
        (True, "mode json, without the schema (the server refused it in mode json_object_schema"),
    ],
)
def test_brief_check_says_whether_the_schema_is_sent(refuses, says):
    with FakeOpenAI(refuses_schema=refuses) as server:
        result = CliRunner().invoke(
            app, ["check", "--provider", "llamacpp", "--base-url", server.base_url, "--model", "fake-model"]
        )
    line = next(line for line in result.output.splitlines() if "structured output" in line)
    assert says in line, result.output
