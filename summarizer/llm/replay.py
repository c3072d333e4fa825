"""Recorded responses: replay them instead of calling an endpoint, or record live ones.

Both work at the HTTP transport under the real openai client, so a replayed run exercises
exactly the code a live run does. Each request brief makes carries an `X-Brief-Key` header
naming what it asks for: `<kind>/<subject>/<mode>/p<prompt hash>/s<schema hash>`. A recording
is a JSON file holding that key, a few labels and the chat-completions response body as the
endpoint sent it. Files are named after what they record and the prompt hash, e.g.
`brief.000_1a84d6854ee061ff.p3c2d1e0f9a8b.json`, so a prompt edit shows which are stale.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from ..errors import ReplayMissError
from ..util.files import write_atomic

if TYPE_CHECKING:  # pragma: no cover
    from ..config.settings import Settings

__all__ = [
    "KEY_HEADER",
    "RequestKey",
    "Recording",
    "load_recordings",
    "write_recording",
    "ReplayTransport",
    "RecordingTransport",
    "CountingTransport",
]

KEY_HEADER = "X-Brief-Key"
REPLAYED = "brief_replayed"  # response extension marking an answer that came from a recording
_FORMAT = 1


@dataclass(frozen=True)
class RequestKey:
    """What a request asks for; equal keys get equal answers."""

    kind: str  # "brief" or "summary"
    subject: str  # article id, or hash of the summary's input
    mode: str
    prompt_hash: str
    schema_hash: str
    label: str = ""  # human name of the subject (file name); not part of the key

    def __str__(self) -> str:
        return f"{self.kind}/{self.subject}/{self.mode}/p{self.prompt_hash}/s{self.schema_hash}"

    @classmethod
    def parse(cls, text: str) -> RequestKey:
        kind, subject, mode, p, s = text.split("/")
        return cls(kind, subject, mode, p[1:], s[1:])

    def filename(self) -> str:
        stem = Path(self.label).stem if self.label else self.subject
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:60]
        return f"{self.kind}.{safe}.p{self.prompt_hash}.json"


@dataclass(frozen=True)
class Recording:
    key: RequestKey
    path: Path
    response: dict[str, Any]


def load_recordings(directory: Path) -> dict[str, Recording]:
    """Index every recording in `directory` by its key; files that are not recordings are skipped."""
    found: dict[str, Recording] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("brief_recording") != _FORMAT:
                continue
            key = RequestKey.parse(data["key"])
            found[str(key)] = Recording(key=key, path=path, response=data["response"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def recorded_model(directory: Path) -> str | None:
    """The model the recordings in `directory` were made with ('a, b' when several), for labels: never the user's --model."""
    models = sorted(
        {str(r.response.get("model")) for r in load_recordings(directory).values() if r.response.get("model")}
    )
    return ", ".join(models) or None


def write_recording(directory: Path, key: RequestKey, response: dict[str, Any], *, source: str) -> Path:
    """Write one recording atomically; `source` says where it came from (never a key or secret)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / key.filename()
    body = {
        "brief_recording": _FORMAT,
        "key": str(key),
        "kind": key.kind,
        "subject": key.label or key.subject,
        "mode": key.mode,
        "prompt_hash": key.prompt_hash,
        "schema_hash": key.schema_hash,
        "source": source,
        "recorded_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "response": response,
    }
    return write_atomic(path, json.dumps(body, ensure_ascii=False, indent=2) + "\n")


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts what really left brief (for metadata and the zero-requests promise).

    `requests`: HTTP requests sent to an endpoint (answered, or sent and then lost, e.g. a read
    timeout); a connection that failed before the request was sent is not one. `replayed`:
    answers taken from recordings, which send nothing. `responses`: HTTP responses received
    from the endpoint; 0 means it has never answered this run (see `LLMClient.reached`).
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0
        self.replayed = 0
        self.responses = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self.inner.handle_async_request(request)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol):
            raise  # never sent
        except httpx.TransportError:
            self.requests += 1  # sent; the answer was lost
            raise
        if response.extensions.get(REPLAYED):
            self.replayed += 1
        else:
            self.requests += 1
            self.responses += 1
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers chat-completions requests from recordings; a request with none is an error."""

    def __init__(self, directory: Path, *, hint: str) -> None:
        self.directory = directory
        self.recordings = load_recordings(directory)
        self.hint = hint  # how to get a live endpoint, for the miss message

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raw = request.headers.get(KEY_HEADER)
        if raw is None:
            raise ReplayMissError(
                f"replay: request to {request.url.path} carries no {KEY_HEADER} header; only brief's own requests can be replayed"
            )
        hit = self.recordings.get(raw)
        if hit is not None:
            return httpx.Response(
                200, json=hit.response, headers={"content-type": "application/json"}, extensions={REPLAYED: True}
            )
        key = RequestKey.parse(raw)
        label = urllib.parse.unquote(request.headers.get("X-Brief-Label", ""))
        raise ReplayMissError(
            self.explain_miss(RequestKey(key.kind, key.subject, key.mode, key.prompt_hash, key.schema_hash, label))
        )

    def explain_miss(self, key: RequestKey) -> str:
        same_subject = [r for r in self.recordings.values() if (r.key.kind, r.key.subject) == (key.kind, key.subject)]
        if same_subject:
            stale = same_subject[0]
            what = []
            if stale.key.prompt_hash != key.prompt_hash:
                what.append(f"prompt {stale.key.prompt_hash} (now {key.prompt_hash})")
            if stale.key.schema_hash != key.schema_hash:
                what.append(f"schema {stale.key.schema_hash} (now {key.schema_hash})")
            if stale.key.mode != key.mode:
                what.append(f"--mode {stale.key.mode} (now {key.mode})")
            return (
                f"recording {stale.path.name} is stale: it was made with {', '.join(what)}. "
                f"Re-record it against a live endpoint with --record {self.directory}, or undo the change"
            )
        return f"no recorded response for {key.kind} of {key.label or key.subject} in {self.directory}. {self.hint}"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the live endpoint and saves each successful chat completion."""

    def __init__(self, inner: httpx.AsyncBaseTransport, directory: Path, *, source: str) -> None:
        self.inner = inner
        self.directory = directory
        self.source = source

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        raw = request.headers.get(KEY_HEADER)
        if raw is None or response.status_code != 200:
            return response
        body = await response.aread()
        label = urllib.parse.unquote(request.headers.get("X-Brief-Label", ""))
        key = RequestKey.parse(raw)
        key = RequestKey(key.kind, key.subject, key.mode, key.prompt_hash, key.schema_hash, label)
        write_recording(self.directory, key, json.loads(body), source=self.source)
        # `body` is decoded: drop the encoding headers, or the client would gunzip it a second time.
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def model_label(settings: Settings) -> str:
    """The model that wrote the answers: the recordings' model when replaying (never the user's --model over them)."""
    if settings.replay_dir is not None:
        recorded = recorded_model(settings.replay_dir)
        return f"{recorded} (recorded)" if recorded else "recorded answers"
    return settings.model
