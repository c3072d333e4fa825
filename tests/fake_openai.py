"""A fake OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benchmarks.

It speaks the real wire protocol over real sockets, so timeouts, resets and retries are
exercised for real. Answers come from recordings (matched by brief's X-Brief-Key header,
whatever the mode) or, for articles without one, from a synthetic brief that quotes the
article's first sentence. The reply is shaped for the request: `tool_calls` when the request
has `tools`, JSON in `content` otherwise (json, md_json, json_schema).

Faults are scripted per request, in order: `server.script("429:2", "500", "ok")`. Known faults:
  ok | 429[:seconds] | 429-date[:seconds] | 500 | 502 | 503 | reset | hang[:seconds] | 401 | 401-echo | 404
  | broken_json | missing_field | wrong_type | length | bad_quote | sloppy[:slip] (one of SLIPS, or all)
  | weak[:failure] (one of WEAK, or all: what a 1.5B model answers, see `weak`)
After the script runs out, `server.default` (normally "ok") answers.

Faults on a fixed schedule, whatever the timing: `FakeOpenAI(every={3: "429:0", 5: "500"})` throttles
every 3rd request and fails every 5th (the first period that divides the request's number wins),
where the script and `default` would have answered "ok". Counted over the whole run, or with
`per_call=True` per request key (each call's n-th request), from an offset fixed by the key, so
which request of which call meets a fault does not depend on how concurrent calls interleave.
`needs_reasks=N` answers with broken JSON until the request carries N re-asks (N assistant turns):
answers that always need re-asks, as some servers' do (`needs_reasks_of=("summary",)`: only those of that kind).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _load_answers(directory: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, subject) -> the structured answer (tool arguments) of each recording."""
    answers = {}
    for path in directory.glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            kind, subject = data["key"].split("/")[:2]
            message = data["response"]["choices"][0]["message"]
            raw = message["tool_calls"][0]["function"]["arguments"] if message.get("tool_calls") else message["content"]
            answers[(kind, subject)] = json.loads(raw)
        except (KeyError, ValueError, TypeError, IndexError, OSError):
            continue
    return answers


# What a capable model answers to `brief check`'s invented trial article (summarizer/stages/trial.py).
TRIAL_ANSWER: dict[str, Any] = {
    "source_language": "ru",
    "outlet": None,
    "headline": "Tromsø opens a new ferry terminal; the dockworkers' union criticises its cost",
    "summary": "Tromsø mayor Ingrid Hansen opened a new ferry terminal in the city's northern harbour on Wednesday, saying it would halve "
    "summer ferry queues. The dockworkers' union criticised the project: its chairman Olof Berg said construction cost "
    "40 million kroner more than planned and that the promised jobs never appeared.",
    "actors": [
        {"name": "Ingrid Hansen", "name_in_source": "Ингрид Хансен", "kind": "person", "role": "Mayor of Tromsø"},
        {
            "name": "Olof Berg",
            "name_in_source": "Улофа Берга",
            "kind": "person",
            "role": "chairman of the dockworkers' union",
        },
    ],
    "stances": [
        {
            "holder": "Ingrid Hansen",
            "target": "the new ferry terminal",
            "position": "supportive",
            "voice": "named",
            "said_by": None,
            "gist": "Ingrid Hansen says the terminal will halve summer ferry queues.",
            "evidence": "Терминал сократит летние очереди на паромы вдвое",
            "date": None,
            "date_basis": None,
        },
        {
            "holder": "Olof Berg",
            "target": "the ferry terminal project",
            "position": "critical",
            "voice": "named",
            "said_by": None,
            "gist": "Olof Berg says construction ran 40 million kroner over plan and created no jobs.",
            "evidence": "строительство обошлось на 40 миллионов крон дороже плана",
            "date": None,
            "date_basis": None,
        },
    ],
    "events": [
        {
            "date": "2024-03-13",
            "date_basis": "inferred",
            "description": "Mayor Ingrid Hansen opened a new ferry terminal in Tromsø's northern harbour.",
            "voice": None,
            "said_by": None,
            "actors": ["Ingrid Hansen"],
            "evidence": "Мэр Тромсё Ингрид Хансен в среду открыла новый паромный терминал в северной гавани города",
        },
    ],
}


def synthetic_brief(article_text: str) -> dict[str, Any]:
    """A valid, grounded ArticleBrief for any article: it quotes the article's first sentence."""
    sentence = re.split(r"(?<=[.!?])\s", article_text.strip(), maxsplit=1)[0][:300]
    if len(sentence) < 20:
        sentence = article_text.strip()[:300]
    return {
        "source_language": "en",
        "headline": "Synthetic brief",
        "summary": "A synthetic brief made by the fake server. It quotes the first sentence. It has one event.",
        "actors": [{"name": "Example Actor", "name_in_source": "Example", "kind": "person", "role": "subject"}],
        "stances": [],
        "events": [
            {
                "date": None,
                "precision": "unknown",
                "description": "The article's first sentence.",
                "actors": ["Example Actor"],
                "evidence": sentence,
            }
        ],
    }


@dataclass
class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; point brief at `server.base_url`."""

    recordings: Path = ROOT / "fixtures"
    latency: float = 0.0
    default: str = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    models: tuple[str, ...] = ()  # if set, other model names get 404
    max_model_len: int | None = None  # if set, GET /models reports it for each model, as vLLM does
    api_key: str | None = None  # if set, requests without "Authorization: Bearer <api_key>" get 401 (GET /models too)
    usage_sent: list[dict[str, int]] = field(default_factory=list)  # the `usage` of every 200 response, in order
    briefs: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # an article containing the key is answered with this brief
    loose_keys: bool = False  # answer a summary or analysis whose input changed with the one recording of its kind
    every: dict[int, str] = field(
        default_factory=dict
    )  # period -> fault on every period-th request (see the module docstring)
    per_call: bool = False  # count `every` per request key instead of over the run
    needs_reasks: int = 0  # broken JSON until the request carries this many re-asks
    refuses_schema: bool = False  # answer a `response_format` carrying a schema with HTTP 500, as an older server does
    needs_reasks_of: tuple[
        str, ...
    ] = ()  # only for these kinds of request ("brief", "summary", "analysis"); () for all

    def __post_init__(self) -> None:
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._answers = _load_answers(self.recordings) if self.recordings else {}
        self._httpd: ThreadingHTTPServer | None = None
        self._numbers: dict[str, int] = {}  # request key (or "" for the whole run) -> requests numbered so far

    # -- control
    def script(self, *faults: str) -> FakeOpenAI:
        with self._lock:
            self._script.extend(faults)
        return self

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    @property
    def count(self) -> int:
        return len(self.requests)

    def __enter__(self) -> FakeOpenAI:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each small response waits ~40 ms for a delayed ACK

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # /v1/models
                if server.api_key and self.headers.get("authorization") != f"Bearer {server.api_key}":
                    return self._send(401, _error("Incorrect API key provided", "invalid_api_key"))
                names = server.models or ("fake-model",)
                extra = {"max_model_len": server.max_model_len} if server.max_model_len else {}
                self._send(
                    200,
                    {
                        "object": "list",
                        "data": [{"id": n, "object": "model", "owned_by": "fake", **extra} for n in names],
                    },
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    fault = server._script.popleft() if server._script else server.default
                    if fault == "ok" and server.every:
                        fault = server._scheduled(self.headers.get("X-Brief-Key") or "")
                    kind = (self.headers.get("X-Brief-Key") or "").split("/")[0]
                    needs = server.needs_reasks if not server.needs_reasks_of or kind in server.needs_reasks_of else 0
                    if fault == "ok" and _reasks_in(body) < needs:
                        fault = "broken_json"
                    server.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body,
                            "fault": fault,
                            "time": time.monotonic(),
                        }
                    )
                if server.latency:
                    time.sleep(server.latency)
                server._respond(self, body, fault)

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients that give up (timeouts, cancelled runs) are expected here

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()  # shutdown() waits up to one poll: 0.05 s, not 0.5
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def _scheduled(self, key: str) -> str:
        """The fault `every` gives this request ("ok" for none); called under the lock."""
        scope = key if self.per_call else ""
        first = (
            int(hashlib.sha256(scope.encode()).hexdigest(), 16) % 60 if self.per_call else 0
        )  # 60: every period up to 6 divides it
        number = self._numbers[scope] = self._numbers.get(scope, first) + 1
        return next((fault for period, fault in self.every.items() if number % period == 0), "ok")

    # -- answering
    def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        if key:
            kind, subject = key.split("/")[:2]
            if (kind, subject) in self._answers:
                return self._answers[(kind, subject)]
            recorded = [answer for (k, _), answer in self._answers.items() if k == kind]
            if self.loose_keys and kind in ("summary", "analysis") and len(recorded) == 1:
                return recorded[0]
            if kind.startswith("pack-"):  # several stories' questions in one request: each story answered as on its own
                inner = kind.removeprefix("pack-")
                stories = re.findall(r'<story n="(\d+)">\n(.*?)\n</story>', _user_text(body), flags=re.S)
                return {
                    "stories": [
                        {
                            "story": int(n),
                            "answer": FakeOpenAI.answer_for(
                                self, {"messages": [{"role": "user", "content": text}]}, f"{inner}/packed-{n}"
                            ),
                        }
                        for n, text in stories
                    ]
                }
            if kind == "summary":
                numbers = re.findall(r"^\[(\d+)\]", _user_text(body), flags=re.M)
                return {
                    "paragraphs": [
                        {"text": "Synthetic summary of the sources.", "sources": [int(n) for n in numbers[:3]] or [1]}
                    ]
                }
            if kind == "analysis":  # cross-source comparison: nothing found, nothing to verify
                return {"divergences": [], "framing": []}
            if kind == "check":  # `brief check`'s connectivity ping
                return {"reply": "pong"}
            if (
                kind == "brief" and subject == "check-trial"
            ):  # `brief check`'s quality step, answered as a careful model would
                return TRIAL_ANSWER
        text = _user_text(body)
        match = re.search(r"<article>\n(.*)\n</article>", text, flags=re.S)
        article = match.group(1) if match else text
        for marker, brief in self.briefs.items():
            if marker in article:
                return brief
        return synthetic_brief(article)

    def _respond(self, handler: Any, body: dict[str, Any], fault: str) -> None:
        name, _, arg = fault.partition(":")
        if name == "reset":
            # SO_LINGER 0 makes close() send RST; the file objects hold the socket open until closed too.
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            handler.close_connection = True
            for stream in (handler.rfile, handler.wfile):
                try:
                    stream.close()
                except OSError:
                    pass
            handler.connection.close()
            return
        if name == "hang":
            time.sleep(float(arg or 30))
            handler.close_connection = True
            return
        if name == "429":
            return handler._send(429, _error("Rate limit reached", "rate_limit_exceeded"), {"retry-after": arg or "1"})
        if name == "429-date":
            when = email.utils.formatdate(time.time() + float(arg or 1), usegmt=True)
            return handler._send(429, _error("Rate limit reached", "rate_limit_exceeded"), {"retry-after": when})
        if name == "context":  # vLLM refusing a request longer than its --max-model-len ("context:8192")
            return handler._send(
                400,
                {
                    "object": "error",
                    "type": "BadRequestError",
                    "param": None,
                    "code": 400,
                    "message": (
                        f"This model's maximum context length is {arg or 8192} tokens. However, you requested 12000 tokens "
                        "(7904 in the messages, 4096 in the completion). Please reduce the length of the messages or completion."
                    ),
                },
            )
        if (
            name == "context-llamacpp"
        ):  # llama.cpp's server: the prompt does not fit the context it loaded ("context-llamacpp:4096")
            return handler._send(
                400,
                {
                    "error": {
                        "code": 400,
                        "type": "exceed_context_size_error",
                        "n_prompt_tokens": 7904,
                        "n_ctx": int(arg or 4096),
                        "message": "the request exceeds the available context size, try increasing it",
                    }
                },
            )
        if name in ("500", "502", "503"):
            return handler._send(int(name), _error("The server had an error", "server_error"))
        if (
            name == "401-echo"
        ):  # a careless server that echoes the key back in its error ("401-echo:masked": half-masked, as OpenAI does)
            sent = handler.headers.get("Authorization", "").removeprefix("Bearer ")
            if arg == "masked":
                sent = f"{sent[:8]}{'*' * (len(sent) - 12)}{sent[-4:]}."
            return handler._send(401, _error(f"Incorrect API key provided: {sent}", "invalid_api_key"))
        if name == "401" or (self.api_key and handler.headers.get("authorization") != f"Bearer {self.api_key}"):
            return handler._send(401, _error("Incorrect API key provided", "invalid_api_key"))
        if name == "404" or (self.models and body.get("model") not in self.models):
            return handler._send(404, _error(f"The model `{body.get('model')}` does not exist", "model_not_found"))
        response_format = body.get("response_format") or {}
        if self.refuses_schema and ("schema" in response_format or response_format.get("type") == "json_schema"):
            return handler._send(
                500,
                _error(
                    "1 validation error for CreateChatCompletionRequest: response_format: "
                    "Input should be 'text' or 'json_object' and may carry no schema",
                    "server_error",
                ),
            )
        key = handler.headers.get("X-Brief-Key")
        answer = json.loads(json.dumps(self.answer_for(body, key)))
        if name == "sloppy":  # a well-formed but imperfect answer: the slips of small real models (see SLIPS)
            answer = sloppy(answer, (key or "").split("/")[0], arg or "all")
        elif name == "weak":  # well-formed JSON that a too-small model writes (see WEAK)
            answer = weak(answer, (key or "").split("/")[0], arg or "all", _article_of(body))
        finish = "tool_calls" if body.get("tools") else "stop"
        if name == "missing_field":
            answer.pop("summary", None) if "summary" in answer else answer.pop("paragraphs", None)
        elif name == "wrong_type":
            answer["actors" if "actors" in answer else "paragraphs"] = "not a list"
        elif name == "bad_quote":
            for item in answer.get("events", []) + answer.get("stances", []):
                item["evidence"] = "This sentence appears nowhere in the article at all."
        raw = json.dumps(answer, ensure_ascii=False)
        if name == "broken_json":
            raw = raw[: len(raw) // 2] + "}}"
        elif name == "length":
            raw, finish = raw[: len(raw) // 3], "length"
        completion = _completion(body, raw, finish)
        with self._lock:
            self.usage_sent.append(completion["usage"])
        handler._send(200, completion)


SLIPS = (
    "enum_case",
    "language",
    "dates",
    "extra_keys",
    "precision",
    "over_cap",
    "missing_actor",
    "bad_quote",
    "wrong_source",
    "one_sided",
    "unknown_source",
)


def sloppy(answer: dict[str, Any], kind: str, slip: str) -> dict[str, Any]:
    """`answer` with one kind of slip (or all of them) a real model makes; each touches few items, so most stay good."""
    kinds = SLIPS if slip == "all" else (slip,)
    if kind == "brief":
        stances, events = answer.get("stances", []), answer.get("events", [])
        if "enum_case" in kinds:
            for s in stances:
                s["position"] = s["position"].capitalize()
            for a in answer.get("actors", []):
                a["kind"] = {"organization": "Organisation", "government_body": "Government Body"}.get(
                    a["kind"], a["kind"].upper()
                )
        if "language" in kinds:
            answer["source_language"] = f"{answer['source_language']}-{answer['source_language'].upper()}"
        if "dates" in kinds:
            for e in events:
                e["date"] = (
                    "N/A"
                    if e.get("date") is None
                    else (f"{e['date']}T09:30:00Z" if len(e["date"]) == 10 else e["date"])
                )
        if "extra_keys" in kinds:
            answer["confidence"] = 0.8
            for item in stances + events:
                item["notes"] = "extra"
        if "precision" in kinds:
            for e in events:
                e["precision"] = "month"  # often wrong: brief derives it
        if "over_cap" in kinds:
            answer["actors"] = answer.get("actors", []) + [
                {"name": f"Bystander {i}", "name_in_source": f"Bystander {i}", "kind": "person", "role": "onlooker"}
                for i in range(14)
            ]
        people = [
            s
            for s in stances
            if s.get("voice") != "source" and s["holder"].casefold() != "the outlet" and len(s["holder"].split()) > 1
        ]
        if "missing_actor" in kinds and people:
            people[0]["holder"] = people[0]["holder"].split()[-1].upper()  # a surname, in another case
        if "bad_quote" in kinds and stances:
            stances[-1]["evidence"] = "A sentence this article never contained, made up by the model."
    elif kind == "analysis":
        divergences, framing = answer.get("divergences", []), answer.get("framing", [])
        sources = sorted({side["source"] for d in divergences for side in d["sides"]} | {f["source"] for f in framing})
        if "enum_case" in kinds:
            for f in framing:
                f["tone"] = f["tone"].title()
        if "extra_keys" in kinds:
            answer["summary"] = "extra"
        if "wrong_source" in kinds and divergences and len(sources) > 2:
            side = divergences[0]["sides"][0]
            side["source"] = next(n for n in sources if n not in {s["source"] for s in divergences[0]["sides"]})
        if "one_sided" in kinds and len(divergences) > 1:
            divergences[-1]["sides"] = divergences[-1]["sides"][:1]
        if "unknown_source" in kinds and framing:
            framing.append({**framing[0], "source": 99})
    elif kind == "summary":
        paragraphs = answer.get("paragraphs", [])
        if "unknown_source" in kinds and paragraphs:
            paragraphs.append({"text": "A paragraph resting on a source that does not exist.", "sources": [99]})
        if "extra_keys" in kinds:
            for p in paragraphs:
                p["confidence"] = "high"
    return answer


WEAK = ("foreign", "repeat", "no_evidence", "fenced", "invented", "foreign_summary")
_RUSSIAN = "Источники по-разному оценивают встречу президентов и её последствия для двусторонних отношений."


def _article_of(body: dict[str, Any]) -> str:
    match = re.search(r"<article>\n(.*)\n</article>", _user_text(body), flags=re.S)
    return match.group(1) if match else ""


def weak(answer: dict[str, Any], kind: str, failure: str, article: str) -> dict[str, Any]:
    """`answer` as a too-small local model writes it (seen from a 1.5B model on llama.cpp), one failure or all of them:

    foreign: headline, summary and every other gist and description in the article's language (its own sentences);
    repeat: the summary says its first sentence three times; no_evidence: every stance's "quote" says there is none;
    fenced: every quote wrapped in the prompt's <article> tags (otherwise verbatim);
    invented: every quote but the first event's is not in the article;
    foreign_summary: the executive summary's first paragraph, the comparison's framing frames and divergence claims in Russian."""
    kinds = WEAK if failure == "all" else (failure,)
    if kind == "summary" and "foreign_summary" in kinds:
        for paragraph in answer.get("paragraphs", [])[:1]:
            paragraph["text"] = _RUSSIAN
        return answer
    if kind == "analysis" and "foreign_summary" in kinds:
        for row in answer.get("framing", []):
            row["frame"] = _RUSSIAN
        for divergence in answer.get("divergences", []):
            for side in divergence.get("sides", []):
                side["claim"] = _RUSSIAN
        return answer
    if kind != "brief":
        return answer
    stances, events = answer.get("stances", []), answer.get("events", [])
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", article) if len(s.strip()) > 20] or [
        article.strip()[:200]
    ]
    if "foreign" in kinds:
        answer["headline"] = " ".join(sentences[0].split()[:12])
        answer["summary"] = " ".join(sentences[:3])
        for item in stances[1::2]:
            item["gist"] = item["evidence"]
        for item in events[1::2]:
            item["description"] = item["evidence"]
    if "repeat" in kinds:
        first = re.split(r"(?<=[.!?])\s+", answer["summary"])[0]
        answer["summary"] = " ".join([first] * 3)
    if "invented" in kinds:
        for i, item in enumerate(events + stances):
            if i:
                item["evidence"] = f"The model wrote this sentence {i} itself; it is in no article."
    if "no_evidence" in kinds:
        for item in stances:
            item["evidence"] = "The article does not provide evidence for this stance."
    if "fenced" in kinds:
        for item in events + stances:
            item["evidence"] = f"<article>{item['evidence']}</article>"
    return answer


def _reasks_in(body: dict[str, Any]) -> int:
    """Re-asks a request carries: the model's earlier answers sent back to it (assistant turns)."""
    return sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")


def _user_text(body: dict[str, Any]) -> str:
    return "\n".join(m.get("content") or "" for m in body.get("messages", []) if m.get("role") == "user")


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}


def _completion(body: dict[str, Any], raw: str, finish: str) -> dict[str, Any]:
    prompt_tokens = sum(len(m.get("content") or "") for m in body.get("messages", [])) // 4
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_fake", "type": "function", "function": {"name": name, "arguments": raw}}],
        }
    else:
        message = {"role": "assistant", "content": raw}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(raw) // 4,
            "total_tokens": prompt_tokens + len(raw) // 4,
        },
    }
