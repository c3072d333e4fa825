"""Recorded responses: the fixtures replayed through the real openai client, and ReplayTransport itself.

The recordings in fixtures/ are chat-completions bodies in the OpenAI wire format, keyed by the
X-Brief-Key header brief sends. Re-record them against a live endpoint with:

    OPENAI_API_KEY=sk-... brief seeds/ --no-cache --record fixtures/ --model gpt-4o-mini

or, for the hand-authored seed answers, `python fixtures/authored/build.py`.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest
import respx
from pydantic import SecretStr

from summarizer.ingest.articles import load_articles
from summarizer.config.settings import Settings, resolve_settings
from summarizer.errors import ReplayMissError
from summarizer.llm.client import NO_ENDPOINT_HINT
from summarizer.pipeline import build_briefing
from summarizer.llm.prompts import load_prompt, schema_hash
from summarizer.llm.replay import KEY_HEADER, ReplayTransport, RequestKey, load_recordings
from summarizer.models import ArticleBrief
from summarizer.stages.summarize import brief_key
import gzip
from summarizer.llm.replay import RecordingTransport

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
BASE_URL = "http://127.0.0.1:9/v1"
RECORDINGS = load_recordings(FIXTURES)
BY_FILE = {rec.path.name: rec for rec in RECORDINGS.values()}


def _settings(tmp_path: Path, **changes) -> Settings:
    return Settings(base_url=BASE_URL, api_key=SecretStr("sk-test"), cache_dir=tmp_path / "cache", **changes)


@pytest.fixture
def recorded_api():
    """respx in front of BASE_URL: each recording answers the request whose X-Brief-Key matches it.

    Anything else (another key, another path) is not mocked, so it fails.
    """
    with respx.mock(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True) as mock:
        for key, rec in RECORDINGS.items():
            mock.post("/chat/completions", headers={KEY_HEADER: key}, name=rec.path.name).respond(
                200, json=rec.response
            )
        yield mock


# --------------------------------------------------------------------------- what is recorded


def test_there_is_a_current_recording_for_every_seed_brief_and_the_summary(tmp_path: Path):
    settings = resolve_settings({"cache_dir": tmp_path}, env={})
    articles = load_articles([SEEDS]).articles
    for article in articles:
        _, key = brief_key(article, settings)
        assert str(key) in RECORDINGS, (
            f"no current recording for {article.path}; run: .venv/bin/python -m pytest --update-recordings"
        )
    kinds = sorted(r.key.kind for r in RECORDINGS.values())
    assert kinds.count("brief") == len(articles) == 5
    assert kinds.count("summary") == 1


def test_recordings_are_named_after_what_they_record_and_their_prompt_hash():
    prompt = load_prompt("brief").hash
    for rec in RECORDINGS.values():
        assert rec.path.name == rec.key.filename() or rec.path.name.startswith(f"{rec.key.kind}.")
        assert rec.path.name.endswith(f".p{rec.key.prompt_hash}.json")
        if rec.key.kind == "brief":
            assert rec.key.prompt_hash == prompt and rec.key.schema_hash == schema_hash(ArticleBrief)


@pytest.mark.parametrize("path", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_each_recording_is_a_chat_completion_in_the_openai_wire_format(path: str):
    data = json.loads((FIXTURES / path).read_text(encoding="utf-8"))
    response = data["response"]
    assert response["object"] == "chat.completion"
    (choice,) = response["choices"]
    assert choice["finish_reason"] == "tool_calls"
    (call,) = choice["message"]["tool_calls"]
    assert call["type"] == "function"
    json.loads(call["function"]["arguments"])  # the structured answer, as a JSON string
    assert set(response["usage"]) >= {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert RequestKey.parse(data["key"]).kind == data["kind"]


def test_no_recording_holds_an_authorization_header_or_key():
    files = [p for p in FIXTURES.rglob("*") if p.is_file()]
    assert len(files) >= 6
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"(?i)authorization|bearer\s", text), f"{path} mentions an Authorization header"
        assert not re.search(r"sk-[A-Za-z0-9_-]{8,}", text), f"{path} holds something shaped like an API key"


# --------------------------------------------------------------------------- respx: the real openai client


def test_the_fixtures_replay_through_the_real_openai_client(recorded_api, tmp_path: Path):
    run = build_briefing([SEEDS], _settings(tmp_path))
    b = run.briefing
    assert [s.file for s in b.sources] == [
        "001_dbcce7b43ab26e22.txt",
        "002_1c8b09136a5d4e87.txt",
        "003_1a35d96a14c93922.txt",
        "004_d1e212e9ebd721e5.txt",
        "000_1a84d6854ee061ff.txt",
    ]
    assert all(r.ok for r in run.results)
    assert len(b.summary) >= 2
    dushanbe = [
        e for e in b.timeline if e.date == "2025-10-09" and "Dushanbe" in e.description and "met" in e.description
    ]
    assert len(dushanbe) == 1 and {3, 4, 5} <= set(dushanbe[0].sources)
    # Every recording was asked for exactly once, by its key, with the key on the wire.
    for route in recorded_api.routes:
        assert route.call_count == 1, f"{route.name} was requested {route.call_count} times"
        recorded = BY_FILE[route.name].response["choices"][0]["message"]["tool_calls"][0]
        request = route.calls.last.request
        assert request.headers["authorization"] == "Bearer sk-test"
        assert request.url == f"{BASE_URL}/chat/completions"
        body = json.loads(request.content)
        assert body["model"] == "gpt-4o-mini"
        assert body["tools"][0]["function"]["name"] == recorded["function"]["name"]
    assert b.meta.endpoint == BASE_URL
    assert b.meta.usage["total_tokens"] > 0


def test_the_respx_replay_and_the_bundled_replay_give_the_same_briefing(recorded_api, tmp_path: Path):
    over_http = build_briefing([SEEDS], _settings(tmp_path / "a")).briefing
    bundled = build_briefing([SEEDS], resolve_settings({"cache_dir": tmp_path / "b"}, env={})).briefing
    assert over_http.model_dump(exclude={"meta"}) == bundled.model_dump(exclude={"meta"})


def test_an_unmatched_request_fails_and_is_reported_for_its_article(recorded_api, tmp_path: Path, seeds_copy: Path):
    (seeds_copy / "new.txt").write_text(
        " date 2025-11-01 Алиев и Путин провели телефонный разговор о транзите.\n", encoding="utf-8"
    )
    run = build_briefing([seeds_copy], _settings(tmp_path, max_attempts=1))
    failed = {r.article.path: r.error for r in run.results if not r.ok}
    assert list(failed) == ["new.txt"]
    assert [n.file for n in run.briefing.notes if n.kind == "failed"][:1] == ["new.txt"]
    assert run.exit_code == 2


# --------------------------------------------------------------------------- ReplayTransport


def _seed_key(**changes) -> RequestKey:
    rec = next(r for r in RECORDINGS.values() if r.key.kind == "brief" and r.path.name.startswith("brief.000_"))
    fields = {
        "kind": rec.key.kind,
        "subject": rec.key.subject,
        "mode": rec.key.mode,
        "prompt_hash": rec.key.prompt_hash,
        "schema_hash": rec.key.schema_hash,
    }
    return RequestKey(**{**fields, **changes})


def _ask(transport: ReplayTransport, key: RequestKey | None, label: str = "") -> httpx.Response:
    headers = {KEY_HEADER: str(key)} if key is not None else {}
    if label:
        headers["X-Brief-Label"] = label
    request = httpx.Request("POST", "http://replay.invalid/v1/chat/completions", headers=headers, json={})
    return asyncio.run(transport.handle_async_request(request))


def _transport() -> ReplayTransport:
    return ReplayTransport(FIXTURES, hint=NO_ENDPOINT_HINT)


def test_a_hit_answers_with_the_recorded_body():
    response = _ask(_transport(), _seed_key())
    assert response.status_code == 200
    assert response.json() == RECORDINGS[str(_seed_key())].response


def test_a_miss_names_the_article_and_says_how_to_configure_an_endpoint():
    key = RequestKey("brief", "ffffffffffffffff", "tools", _seed_key().prompt_hash, _seed_key().schema_hash)
    with pytest.raises(ReplayMissError) as info:
        _ask(_transport(), key)
    message = str(info.value)
    assert "no recorded response for brief of ffffffffffffffff" in message
    assert str(FIXTURES) in message
    assert "OPENAI_API_KEY" in message and "--base-url" in message


def test_a_miss_names_the_article_file_when_the_request_carries_its_label():
    key = RequestKey("brief", "ffffffffffffffff", "tools", _seed_key().prompt_hash, _seed_key().schema_hash)
    with pytest.raises(ReplayMissError, match=r"new-article\.txt"):
        _ask(_transport(), key, label="new-article.txt")


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"prompt_hash": "000000000000"}, r"prompt \w{12} \(now 000000000000\)"),
        ({"schema_hash": "ffffffffffff"}, r"schema \w{12} \(now ffffffffffff\)"),
        ({"mode": "json"}, r"--mode tools \(now json\)"),
    ],
)
def test_a_stale_recording_says_stale_and_names_what_changed(change: dict, names: str):
    with pytest.raises(ReplayMissError) as info:
        _ask(_transport(), _seed_key(**change))
    message = str(info.value)
    assert "brief.000_1a84d6854ee061ff" in message and "is stale" in message
    assert re.search(names, message), message
    assert "--record" in message


def test_a_stale_prompt_names_the_recorded_and_the_current_hash():
    current = _seed_key().prompt_hash
    with pytest.raises(ReplayMissError) as info:
        _ask(_transport(), _seed_key(prompt_hash="abcdefabcdef"))
    assert f"prompt {current} (now abcdefabcdef)" in str(info.value)
    assert "schema" not in str(info.value).split("stale:")[1].split(".")[0]


def test_a_request_without_a_key_header_is_refused():
    with pytest.raises(ReplayMissError, match=KEY_HEADER):
        _ask(_transport(), None)


def test_files_that_are_not_recordings_are_skipped(tmp_path: Path):
    (tmp_path / "notes.json").write_text('{"hello": "world"}', encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    source = next(iter(RECORDINGS.values())).path
    (tmp_path / source.name).write_bytes(source.read_bytes())
    assert list(load_recordings(tmp_path)) == [str(next(iter(RECORDINGS.values())).key)]


def test_a_stale_prompt_makes_the_run_fail_with_stale_in_the_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Edit the brief prompt (in a copy): every seed recording is now stale, and the run says which hash changed.
    import shutil

    from summarizer.llm import prompts

    copy = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", copy)
    (copy / "brief.system.md").write_text(
        (copy / "brief.system.md").read_text(encoding="utf-8") + "\nBe concise.\n", encoding="utf-8"
    )
    monkeypatch.setattr(prompts, "prompts_dir", lambda: copy)
    new_hash = prompts.load_prompt("brief").hash
    run = build_briefing(
        [SEEDS],
        resolve_settings({"cache_dir": tmp_path / "cache", "replay_dir": FIXTURES}, env={}).with_(max_attempts=1),
    )
    assert not any(r.ok for r in run.results)
    for r in run.results:
        assert "stale" in r.error and f"(now {new_hash})" in r.error, r.error


# --------------------------------------------------------------------------- recording live responses


def test_recording_a_live_run_then_replaying_it_offline(tmp_path: Path, fake_openai, seeds_copy: Path):
    secret = "sk-test-do-not-record-0123456789"
    record = tmp_path / "recorded"
    live = resolve_settings(
        {
            "cache_dir": tmp_path / "c1",
            "base_url": fake_openai.base_url,
            "api_key": secret,
            "record_dir": record,
            "use_cache": False,
        },
        env={},
    )
    first = build_briefing([SEEDS], live)
    written = sorted(p.name for p in record.glob("*.json"))
    assert len([n for n in written if n.startswith("brief.")]) == 5
    for path in record.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert secret not in text and "Bearer" not in text
        assert json.loads(text)["source"].startswith(f"recorded from {fake_openai.base_url}")
    # The recordings answer the same run offline.
    replayed = build_briefing([SEEDS], resolve_settings({"cache_dir": tmp_path / "c2", "replay_dir": record}, env={}))
    assert replayed.briefing.timeline == first.briefing.timeline
    assert replayed.briefing.meta.endpoint == f"replay:{record}"


def test_the_header_names_the_recordings_model_never_the_users_model_over_recorded_answers(tmp_path):
    from typer.testing import CliRunner

    from summarizer.cli import app
    from tests.conftest import SEEDS

    result = CliRunner().invoke(
        app, [str(SEEDS), "--model", "my-local-llama", "--cache-dir", str(tmp_path / "c"), "-q"]
    )
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[2]
    assert "model `gpt-4o-mini-2024-07-18 (recorded)`" in header and "my-local-llama" not in header


# --------------------------------------------------------------------------- recording
# `--record` saves live responses as recordings, whatever the endpoint's transfer encoding.


BODY = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "{}"}, "finish_reason": "stop"}],
}


def test_gzipped_response_is_recorded_and_still_readable_by_the_client(tmp_path: Path):
    def endpoint(request: httpx.Request) -> httpx.Response:
        data = gzip.compress(json.dumps(BODY).encode())
        return httpx.Response(
            200, content=data, headers={"content-encoding": "gzip", "content-type": "application/json"}
        )

    key = RequestKey("brief", "abc123", "tools", "0a1b2c", "s1")
    transport = RecordingTransport(httpx.MockTransport(endpoint), tmp_path, source="test")

    async def call() -> dict:
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.post(
                "http://127.0.0.1:9/v1/chat/completions",
                json={},
                headers={KEY_HEADER: str(key), "X-Brief-Label": "a.txt"},
            )
            return response.json()

    assert asyncio.run(call()) == BODY
    recordings = load_recordings(tmp_path)
    assert list(recordings) == [str(key)]
    assert recordings[str(key)].response == BODY
    assert recordings[str(key)].path.name == "brief.a.p0a1b2c.json"
