"""`--batch`: the seed articles through the OpenAI Batch API, offline, against a recorded exchange.

respx stands in for api.openai.com: POST /files and POST /batches answer with the recorded
responses in fixtures/batch/, GET /batches/{id} answers `in_progress` and then `completed`, and
GET /files/{id}/content returns the recorded output file. The executive summary (not batched)
is answered from the ordinary recordings in fixtures/. The exchange was authored by hand in the
Batch API's wire format; rebuild it with `python fixtures/batch/build.py`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
import respx
from pydantic import SecretStr
from typer.testing import CliRunner

from summarizer.ingest.articles import load_articles
from summarizer.stages.batch import batch_line, run_batch
from summarizer.cache.disk import BriefCache
from summarizer.cli import app
from summarizer.config.settings import Settings, bundled_fixtures_dir
from summarizer.errors import ConfigError, LLMError
from summarizer.llm.modes import chat_request_body
from summarizer.pipeline import build_briefing
from summarizer.llm.replay import KEY_HEADER, load_recordings
from summarizer.models import ArticleBrief
from summarizer.stages.summarize import brief_key, brief_messages

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BATCH = ROOT / "fixtures" / "batch"
API = "https://api.openai.com/v1"
RECORDED = {
    name: json.loads((BATCH / name).read_text(encoding="utf-8"))
    for name in (
        "files.create.json",
        "batches.create.json",
        "batches.retrieve.in_progress.json",
        "batches.retrieve.completed.json",
    )
}
BATCH_ID = RECORDED["batches.create.json"]["id"]
OUTPUT_ID = RECORDED["batches.retrieve.completed.json"]["output_file_id"]
OUTPUT = (BATCH / "output.jsonl").read_text(encoding="utf-8")
CHAT = {key: rec.response for key, rec in load_recordings(ROOT / "fixtures").items()}


def settings(tmp_path: Path, **changes) -> Settings:
    values = {
        "model": "gpt-4o-mini",
        "api_key": SecretStr("sk-test-batch"),
        "cache_dir": tmp_path / "cache",
        "batch": True,
        "batch_poll": 0.0,
    }
    return Settings(**{**values, **changes})


def answer_chat(request: httpx.Request) -> httpx.Response:
    """Live chat completions (the summary, and any article the batch did not answer) from the recordings."""
    return httpx.Response(200, json=CHAT[request.headers[KEY_HEADER]])


@pytest.fixture
def batch_api():
    """respx in front of api.openai.com with the recorded Batch API exchange; anything else fails."""
    with respx.mock(base_url=API, assert_all_called=False, assert_all_mocked=True) as mock:
        mock.post("/files", name="upload").respond(200, json=RECORDED["files.create.json"])
        mock.post("/batches", name="create").respond(200, json=RECORDED["batches.create.json"])
        mock.get(f"/batches/{BATCH_ID}", name="retrieve").mock(
            side_effect=[
                httpx.Response(200, json=RECORDED["batches.retrieve.in_progress.json"]),
                httpx.Response(200, json=RECORDED["batches.retrieve.completed.json"]),
            ]
        )
        mock.get(f"/files/{OUTPUT_ID}/content", name="download").respond(200, text=OUTPUT)
        mock.post("/chat/completions", name="chat").mock(side_effect=answer_chat)
        yield mock


def uploaded_lines(mock: respx.MockRouter) -> list[dict]:
    """The JSONL brief uploaded, parsed from the multipart body of POST /files."""
    request = mock["upload"].calls.last.request
    body = request.content.decode("utf-8")
    assert 'name="purpose"\r\n\r\nbatch\r\n' in body
    jsonl = body.split("application/jsonl\r\n\r\n", 1)[1].rsplit("\r\n--", 1)[0]
    return [json.loads(line) for line in jsonl.splitlines()]


def brief_requests(mock: respx.MockRouter) -> list[str]:
    return [
        c.request.headers[KEY_HEADER] for c in mock["chat"].calls if c.request.headers[KEY_HEADER].startswith("brief/")
    ]


# --------------------------------------------------------------------------- end to end


def test_the_seeds_go_through_the_batch_api_end_to_end(batch_api, tmp_path):
    run = build_briefing([SEEDS], settings(tmp_path))
    assert run.exit_code == 0
    assert [r.ok for r in run.results] == [True] * 5
    assert [
        c.request.method + " " + c.request.url.path for c in batch_api.calls if "chat" not in c.request.url.path
    ] == [
        "POST /v1/files",
        "POST /v1/batches",
        f"GET /v1/batches/{BATCH_ID}",
        f"GET /v1/batches/{BATCH_ID}",
        f"GET /v1/files/{OUTPUT_ID}/content",
    ]
    created = json.loads(batch_api["create"].calls.last.request.content)
    assert (created["input_file_id"], created["endpoint"], created["completion_window"]) == (
        RECORDED["files.create.json"]["id"],
        "/v1/chat/completions",
        "24h",
    )
    assert brief_requests(batch_api) == [], "no article was asked live: the batch answered them all"
    meta = run.briefing.meta
    assert meta.batch_requests == 5 and meta.llm_requests == batch_api["chat"].call_count
    batch_usage = sum(json.loads(line)["response"]["body"]["usage"]["total_tokens"] for line in OUTPUT.splitlines())
    assert meta.usage["total_tokens"] > batch_usage  # the batch's tokens plus the live summary's
    assert meta.cost_usd is not None and meta.price.startswith("gpt-4o-mini: $0.15 in, $0.6 out per 1M tokens")


def test_a_batch_run_gives_the_same_briefing_as_the_live_path(batch_api, tmp_path):
    batched = build_briefing([SEEDS], settings(tmp_path / "a"))
    replayed = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), cache_dir=tmp_path / "b"))
    assert batched.briefing.timeline == replayed.briefing.timeline
    assert batched.briefing.stances == replayed.briefing.stances
    assert batched.briefing.summary == replayed.briefing.summary


def test_each_uploaded_line_is_the_request_a_live_run_would_send(batch_api, tmp_path):
    s = settings(tmp_path)
    build_briefing([SEEDS], s)
    articles = load_articles([SEEDS]).articles
    lines = uploaded_lines(batch_api)
    assert [line["custom_id"] for line in lines] == [brief_key(a, s)[1].subject for a in articles]
    assert all(line["method"] == "POST" and line["url"] == "/v1/chat/completions" for line in lines)
    for line, article in zip(lines, articles):
        assert line["body"] == chat_request_body(s, ArticleBrief, brief_messages(article))
        assert line["body"]["tool_choice"] == {"type": "function", "function": {"name": "ArticleBrief"}}
        assert line["body"]["model"] == "gpt-4o-mini"


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_the_batch_body_equals_the_body_instructor_sends_live(fake_openai, tmp_path, mode):
    s = Settings(
        base_url=fake_openai.base_url,
        api_key=SecretStr("sk-test"),
        cache_dir=tmp_path / "cache",
        use_cache=False,
        mode=mode,
    )
    build_briefing([SEEDS], s)
    live = {
        r["headers"][KEY_HEADER].split("/")[1]: r["body"]
        for r in fake_openai.requests
        if r["headers"].get(KEY_HEADER, "").startswith("brief/")
    }
    for article in load_articles([SEEDS]).articles:
        line = batch_line(article, s)
        assert line["body"] == live[line["custom_id"]]


def test_the_answers_are_cached_so_the_next_run_pays_nothing(batch_api, tmp_path):
    build_briefing([SEEDS], settings(tmp_path))
    again = build_briefing([SEEDS], settings(tmp_path, batch=False))
    assert again.briefing.meta.llm_requests == 0 and again.briefing.meta.cache_hits >= 5
    assert batch_api["upload"].call_count == 1


def test_a_trimmed_article_is_uploaded_under_the_id_its_answer_is_looked_up_by(tmp_path):
    """An article cut to --max-article-chars keys its brief on the text sent (`brief_key`'s subject carries a hash of it).
    Its batch line must carry that id: under the bare article id its answer matched nothing, and the article was paid
    for twice, in the batch and then live."""
    s = settings(tmp_path, max_article_chars=3000)
    articles = load_articles([SEEDS]).articles
    subjects = [brief_key(a, s)[1].subject for a in articles]
    assert any(subject != a.id for subject, a in zip(subjects, articles)), "some seed is longer than 3,000 characters"
    with respx.mock(base_url=API, assert_all_called=False, assert_all_mocked=True) as mock:
        mock.post("/files", name="upload").respond(200, json=RECORDED["files.create.json"])
        mock.post("/batches").respond(200, json=RECORDED["batches.create.json"])
        mock.get(f"/batches/{BATCH_ID}").respond(200, json=RECORDED["batches.retrieve.completed.json"])

        def download(request: httpx.Request) -> httpx.Response:
            """The recorded answers, each under the id its article's line was uploaded with."""
            sent_as = {line["custom_id"].split("-")[0]: line["custom_id"] for line in uploaded_lines(mock)}
            lines = [json.loads(line) for line in OUTPUT.splitlines()]
            return httpx.Response(
                200,
                text="".join(json.dumps({**line, "custom_id": sent_as[line["custom_id"]]}) + "\n" for line in lines),
            )

        mock.get(f"/files/{OUTPUT_ID}/content").mock(side_effect=download)
        cache = BriefCache(s.cache_dir)
        outcome = asyncio.run(run_batch(articles, s, cache))
        cache.close()
        assert [line["custom_id"] for line in uploaded_lines(mock)] == subjects
    assert outcome.leftovers == 0 and sorted(outcome.results) == sorted(a.id for a in articles)


# --------------------------------------------------------------------------- resuming, failures


def test_a_pending_batch_is_resumed_not_paid_twice(tmp_path):
    s = settings(tmp_path, max_attempts=1)
    articles = load_articles([SEEDS]).articles
    with respx.mock(base_url=API, assert_all_mocked=True) as mock:
        mock.post("/files").respond(200, json=RECORDED["files.create.json"])
        mock.post("/batches").respond(200, json=RECORDED["batches.create.json"])
        mock.get(f"/batches/{BATCH_ID}").mock(side_effect=RuntimeError("the run was killed while it waited"))
        cache = BriefCache(s.cache_dir)
        with pytest.raises(LLMError, match="connection failed"):
            asyncio.run(run_batch(articles, s, cache))
        cache.close()
    with respx.mock(base_url=API, assert_all_called=False, assert_all_mocked=True) as mock:
        upload = mock.post("/files").respond(200, json=RECORDED["files.create.json"])
        create = mock.post("/batches").respond(200, json=RECORDED["batches.create.json"])
        mock.get(f"/batches/{BATCH_ID}").respond(200, json=RECORDED["batches.retrieve.completed.json"])
        mock.get(f"/files/{OUTPUT_ID}/content").respond(200, text=OUTPUT)
        statuses: list[str] = []
        cache = BriefCache(s.cache_dir)
        outcome = asyncio.run(run_batch(articles, s, cache, on_status=statuses.append))
        cache.close()
    assert upload.call_count == 0 and create.call_count == 0
    assert len(outcome.results) == 5 and outcome.batch_ids == [BATCH_ID]
    assert statuses[0] == f"Resuming batch {BATCH_ID} (completed): 5 article(s) already submitted, not paying twice."


def test_an_article_the_batch_could_not_answer_is_asked_live(batch_api, tmp_path):
    lines = OUTPUT.splitlines()
    failed = json.loads(lines[2])
    failed["response"] = {
        "status_code": 500,
        "request_id": "req_x",
        "body": {"error": {"message": "The server had an error", "type": "server_error"}},
    }
    batch_api["download"].respond(200, text="\n".join([*lines[:2], json.dumps(failed), *lines[3:]]) + "\n")
    run = build_briefing([SEEDS], settings(tmp_path))
    assert run.exit_code == 0 and all(r.ok for r in run.results)
    assert [key.split("/")[1] for key in brief_requests(batch_api)] == [failed["custom_id"]]
    assert run.briefing.meta.batch_requests == 5  # five answered lines came back; one was not usable


def test_a_batch_answer_that_is_not_json_is_asked_live(batch_api, tmp_path):
    lines = [json.loads(line) for line in OUTPUT.splitlines()]
    call = lines[0]["response"]["body"]["choices"][0]["message"]["tool_calls"][0]["function"]
    call["arguments"] = call["arguments"][: len(call["arguments"]) // 2]
    batch_api["download"].respond(200, text="".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    run = build_briefing([SEEDS], settings(tmp_path))
    assert all(r.ok for r in run.results) and run.briefing.meta.items_unverified == 0
    assert [key.split("/")[1] for key in brief_requests(batch_api)] == [lines[0]["custom_id"]]


def test_a_batch_answer_with_one_bad_item_is_kept_and_only_that_item_left_out(batch_api, tmp_path):
    lines = [json.loads(line) for line in OUTPUT.splitlines()]
    call = lines[0]["response"]["body"]["choices"][0]["message"]["tool_calls"][0]["function"]
    answer = json.loads(call["arguments"])
    answer["events"][0]["evidence"] = "This sentence appears nowhere in the article at all."
    call["arguments"] = json.dumps(answer, ensure_ascii=False)
    batch_api["download"].respond(200, text="".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    run = build_briefing([SEEDS], settings(tmp_path))
    assert all(r.ok for r in run.results) and brief_requests(batch_api) == [], "nothing is asked live"
    assert run.briefing.meta.items_unverified == 1
    [note] = [n for n in run.briefing.notes if n.kind == "unverified"]
    assert "This sentence appears nowhere in the article at all." in note.message


def test_the_budget_limits_what_is_submitted(batch_api, tmp_path):
    run = build_briefing([SEEDS], settings(tmp_path, max_tokens=12_000))
    submitted = uploaded_lines(batch_api)
    assert 0 < len(submitted) < 5
    stopped = [r for r in run.results if r.budget_stop]
    assert len(stopped) == 5 - len(submitted) and run.exit_code == 2
    assert all("--max-tokens 12000" in r.error for r in stopped)


# --------------------------------------------------------------------------- when batch cannot work


def test_batch_with_recordings_says_it_needs_an_endpoint(tmp_path):
    result = CliRunner().invoke(app, [str(SEEDS), "--batch", "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 1
    assert "Error: --batch needs a live OpenAI-style endpoint with the Batch API: set OPENAI_API_KEY" in result.stderr


def test_batch_without_the_cache_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"--batch needs the cache .*; drop --no-cache"):
        build_briefing([SEEDS], settings(tmp_path, use_cache=False))


def test_a_wrong_key_stops_the_batch_with_the_fix(tmp_path):
    with respx.mock(base_url=API, assert_all_mocked=True) as mock:
        mock.post("/files").respond(
            401,
            json={"error": {"message": "Incorrect API key provided: sk-test-batch", "type": "invalid_request_error"}},
        )
        result = CliRunner().invoke(
            app,
            [str(SEEDS), "--batch", "--cache-dir", str(tmp_path / "cache")],
            env={"OPENAI_API_KEY": "sk-test-batch"},
        )
    assert result.exit_code == 1
    assert "refused the API key" in result.stderr and "OPENAI_API_KEY" in result.stderr
    assert "sk-test-batch" not in result.output


def test_batch_calls_go_through_the_one_retry_layer_and_honour_retry_after(tmp_path):
    import time

    from summarizer.llm.batch import BatchApi
    from summarizer.llm.client import LLMClient

    s = settings(
        tmp_path, backoff_initial=30.0, backoff_max=30.0, max_attempts=3
    )  # without Retry-After a retry would wait 30 s

    async def upload() -> dict:
        api = BatchApi(LLMClient(s))
        try:
            return await api.upload("brief.jsonl", b"{}\n")
        finally:
            await api.close()

    with respx.mock(base_url=API, assert_all_mocked=True) as mock:
        route = mock.post("/files").mock(
            side_effect=[
                httpx.Response(
                    429,
                    headers={"retry-after": "0"},
                    json={"error": {"message": "Rate limit reached", "type": "requests"}},
                ),
                httpx.Response(
                    503,
                    headers={"retry-after-ms": "10"},
                    json={"error": {"message": "overloaded", "type": "server_error"}},
                ),
                httpx.Response(200, json=RECORDED["files.create.json"]),
            ]
        )
        started = time.monotonic()
        uploaded = asyncio.run(upload())
    assert uploaded["id"] == RECORDED["files.create.json"]["id"] and route.call_count == 3
    assert time.monotonic() - started < 5, "the server's Retry-After was honoured, not the 30 s backoff"


def test_batch_calls_give_up_after_max_attempts_naming_the_endpoint(tmp_path):
    s = settings(tmp_path, backoff_initial=0.0, backoff_max=0.0, max_attempts=2)
    with respx.mock(base_url=API, assert_all_mocked=True) as mock:
        route = mock.post("/files").respond(500, json={"error": {"message": "boom", "type": "server_error"}})
        with pytest.raises(
            LLMError, match=r"https://api.openai.com/v1 \(POST /files\) failed after 2 attempt\(s\): HTTP 500: boom"
        ):
            asyncio.run(run_batch(load_articles([SEEDS]).articles, s, BriefCache(s.cache_dir)))
    assert route.call_count == 2


def test_batch_against_a_server_without_a_batch_api_says_so_and_names_the_fix(tmp_path):
    """llama.cpp's server answers an upload to /v1/files with HTTP 400 'bad json'."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class NoBatchApi(BaseHTTPRequestHandler):
        def log_message(self, *args):  # type: ignore[no-untyped-def]  # keep test output clean
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            body = json.dumps({"error": {"code": 400, "message": "bad json", "type": "invalid_request_error"}}).encode()
            self.send_response(400)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), NoBatchApi)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        result = CliRunner().invoke(
            app,
            [
                str(SEEDS),
                "--batch",
                "--base-url",
                url,
                "--api-key",
                "sk-test-not-real",
                "--cache-dir",
                str(tmp_path / "c"),
                "-o",
                str(tmp_path / "b.md"),
            ],
        )
    finally:
        server.shutdown()
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: {url} has no OpenAI Batch API: POST /files was answered HTTP 400: bad json (local servers such as llama.cpp, Ollama and vLLM, "
        "and most OpenAI-compatible services, have none); drop --batch, or use an endpoint with a Batch API (OpenAI, Azure OpenAI)"
    )
    assert not (tmp_path / "b.md").exists()
