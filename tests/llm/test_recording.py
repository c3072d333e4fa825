"""`--record` saves live responses as recordings, whatever the endpoint's transfer encoding."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import httpx

from summarizer.llm.replay import KEY_HEADER, RecordingTransport, RequestKey, load_recordings

BODY = {"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": "{}"}, "finish_reason": "stop"}]}


def test_gzipped_response_is_recorded_and_still_readable_by_the_client(tmp_path: Path):
    def endpoint(request: httpx.Request) -> httpx.Response:
        data = gzip.compress(json.dumps(BODY).encode())
        return httpx.Response(200, content=data, headers={"content-encoding": "gzip", "content-type": "application/json"})

    key = RequestKey("brief", "abc123", "tools", "0a1b2c", "s1")
    transport = RecordingTransport(httpx.MockTransport(endpoint), tmp_path, source="test")

    async def call() -> dict:
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.post("http://127.0.0.1:9/v1/chat/completions", json={}, headers={KEY_HEADER: str(key), "X-Brief-Label": "a.txt"})
            return response.json()

    assert asyncio.run(call()) == BODY
    recordings = load_recordings(tmp_path)
    assert list(recordings) == [str(key)]
    assert recordings[str(key)].response == BODY
    assert recordings[str(key)].path.name == "brief.a.p0a1b2c.json"
