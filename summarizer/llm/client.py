"""The model client: instructor over the openai SDK, with one retry layer (tenacity).

The only module that imports openai, instructor or tenacity, and it imports them lazily (they
cost over a second), so `brief --help` and fully cached runs never pay for them.

One call (`complete`) is a chain of answers: the first, then re-asks. Each answer is one HTTP
request, and each request on its own is retried, so a fault costs that request, never the chain:
- transport retries (tenacity, around the SDK's `chat.completions.create` that instructor calls):
  429, 5xx, timeouts and connection errors resend that one request, with exponential backoff and
  jitter (capped at `backoff_max`), honouring Retry-After (capped at `retry_after_max`); at most
  `max_attempts` attempts, none once the next wait would pass `max_elapsed` seconds. The answers
  the chain already received, and the re-asks they earned, survive the fault. The openai client's
  own retries are off (max_retries=0).
- validation re-asks (instructor): an answer that fails the response model (broken JSON, a
  missing field, a wrong type, an evidence quote missing from the source) is sent back with the
  error, at most `max_reasks` times.
- cut-off re-asks: an answer cut off by the output limit (finish_reason=length) is re-asked for a
  shorter one, keeping the chain's earlier re-asks, at most `max_length_reasks` times. The two
  budgets are separate: a cut-off never spends a validation re-ask, nor the other way round.

So one `complete` call receives at most 1 + max_reasks + max_length_reasks answers and sends at
most max_attempts x that many HTTP requests (`request_bound`). The tokens of every response,
failed ones included, are counted in its usage; requests resent after a fault and re-asks are
counted per call and per run (`LLMClient.resent`, `LLMClient.reasks`).
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ..config.providers import PROVIDERS
from ..config.settings import Settings
from ..errors import AuthError, LLMError, ModelNotFoundError, ReplayMissError
from .replay import KEY_HEADER, CountingTransport, RecordingTransport, ReplayTransport, RequestKey
from ..models.base import VALIDATION_CONTEXT
from ..util.aio import settled

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["Completion", "EndpointError", "EndpointUnreachableError", "LLMClient", "NO_ENDPOINT_HINT", "LENGTH_REASK", "chat_request_body", "output_limit", "schema_request", "schema_refused", "describe_error", "is_transient", "request_bound", "root_cause"]

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger(__name__)

NO_ENDPOINT_HINT = (
    "To summarize new articles, configure an endpoint: set OPENAI_API_KEY (OpenAI), or pass "
    "--base-url for a local server (Ollama http://127.0.0.1:11434/v1, vLLM, llama.cpp) with --model."
)
UNREACHABLE_ATTEMPTS = 2  # one quick retry for a connection that cannot be made to an endpoint not yet heard from
UNREACHABLE_WAIT = 0.5  # seconds before that retry (at most)
LENGTH_REASK = (
    "Your previous answer was cut off by the output token limit (finish_reason=length), so it is "
    "not valid JSON. Answer again, complete and shorter: fewer items, shorter sentences."
)


class EndpointError(LLMError):
    """The endpoint kept failing (429, 5xx, timeouts, connection errors) until the retry policy gave up."""


class EndpointUnreachableError(EndpointError):
    """No connection could be made (refused, unknown host) to an endpoint that has not answered once this
    run: a server not started or a wrong --base-url, so it was retried once, quickly, not with the full policy."""


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _cannot_connect(exc: BaseException) -> bool:
    """The request never reached a server: connection refused, unknown host, or no answer to connect."""
    import httpx

    return any(isinstance(e, (httpx.ConnectError, httpx.ConnectTimeout)) for e in _chain(exc))


def _connect_reason(exc: BaseException) -> str:
    """'connection refused', 'unknown host (...)' or what the connection error says."""
    import socket

    import httpx

    chain = _chain(exc)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    unknown = next((e for e in chain if isinstance(e, socket.gaierror)), None)
    if unknown is not None:
        return f"unknown host: {unknown.strerror or unknown}"
    if any(isinstance(e, httpx.ConnectTimeout) for e in chain):
        return "no answer to the connection attempt"
    first = next((e for e in chain if isinstance(e, httpx.ConnectError)), exc)
    return str(first) or type(first).__name__


def request_bound(settings: Settings) -> int:
    """The most HTTP requests one `complete` call can send: attempts x answers (the first, validation and cut-off re-asks)."""
    return settings.max_attempts * (1 + settings.max_reasks + settings.max_length_reasks)


@dataclass
class Completion(Generic[T]):
    """A parsed response and what it cost."""

    value: T
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 1  # HTTP requests sent for it, failed ones included
    grounded: bool = True  # False when the final answer only passed without the grounding check
    raw: str | None = None  # the answer's JSON as the model sent it (for a re-ask that names its failing items)


@dataclass
class _Call:
    """One `complete` call as its HTTP requests see it: what it is, what it sent and received, what that cost."""

    what: str  # names the call in log lines, e.g. "brief of 001.txt"
    reask: bool = False  # the whole call re-asks an earlier answer (its first request counts as a re-ask)
    requests: int = 0  # HTTP requests sent, resent ones included
    resent: int = 0  # of those, resent after a transient fault
    reasks: int = 0  # of those, re-asks (validation or cut-off), first sendings only
    responses: int = 0  # answers received (via instructor's hooks)
    usage: dict[str, int] = field(default_factory=dict)
    chain_start: int | None = None  # messages in the first request of instructor's current chain
    messages: list[Any] = field(default_factory=list)  # the messages of the last request sent

    def sent(self, messages: list[Any], attempt: int) -> None:
        """Count one HTTP request: `attempt` 1 is its first sending, more a resend after a fault."""
        self.requests += 1
        if attempt > 1:
            self.resent += 1
            return
        if self.reask or self.requests - self.resent > 1:  # every first sending but the call's first is a re-ask
            self.reasks += 1
        if self.chain_start is None:
            self.chain_start = len(messages)
        self.messages = list(messages)

    def reask_turns(self) -> list[dict[str, Any]]:
        """The re-ask turns instructor added to its current chain (earlier answers and their errors), as plain text turns.

        A tool call becomes the assistant's text and its tool result a user turn: instructor would send
        a carried tool-call turn's empty content as `[]`, which OpenAI refuses."""
        turns: list[dict[str, Any]] = []
        for m in self.messages[self.chain_start :] if self.chain_start is not None else []:
            calls = m.get("tool_calls") if isinstance(m, dict) else None
            if calls:
                turns.append({"role": "assistant", "content": "\n".join(c["function"]["arguments"] for c in calls)})
            elif isinstance(m, dict) and m.get("role") == "tool":
                turns.append({"role": "user", "content": m.get("content") or ""})
            else:
                turns.append(m)
        return turns

    def add(self, response: Any) -> None:
        self.responses += 1
        usage = getattr(response, "usage", None)
        data = usage if isinstance(usage, dict) else getattr(usage, "model_dump", dict)()
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            value = (data or {}).get(name)
            if isinstance(value, int):
                self.usage[name] = self.usage.get(name, 0) + value


def root_cause(exc: BaseException) -> BaseException:
    """Unwrap instructor's and openai's wrappers down to the error that matters."""
    import openai

    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for kind in (ReplayMissError, openai.OpenAIError):  # the outermost openai error carries the response
        found = next((e for e in chain if isinstance(e, kind)), None)
        if found is not None:
            return found
    return chain[-1]


def _retry_after(exc: BaseException, cap: float) -> float | None:
    """Seconds the server asked us to wait (Retry-After in seconds or as an HTTP date), capped."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    seconds: float | None = None
    if headers.get("retry-after-ms"):
        try:
            seconds = float(headers["retry-after-ms"]) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if seconds is None and value:
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError, IndexError):
                return None
    return None if seconds is None else min(max(seconds, 0.0), cap)


def output_limit(settings: Settings) -> dict[str, int]:
    """The request's output-token limit: `max_completion_tokens` for OpenAI and Azure (newer models refuse
    `max_tokens`), `max_tokens` for every other server (local servers know only that name)."""
    if not settings.max_output_tokens:
        return {}
    openai_like = settings.provider in ("openai", "azure") or (settings.provider is None and not settings.base_url)
    return {"max_completion_tokens" if openai_like else "max_tokens": settings.max_output_tokens}


def is_transient(exc: BaseException, settings: Settings | None = None) -> bool:
    import openai

    root = root_cause(exc)
    if isinstance(root, ReplayMissError):
        return False
    if isinstance(root, openai.APITimeoutError) and settings is not None and settings.local_server:
        return False  # a local server keeps generating the abandoned answer: a resent request would queue behind it
    if isinstance(root, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    return isinstance(root, openai.APIStatusError) and (root.status_code in (408, 409, 429) or root.status_code >= 500)


LOCAL_RESEND_NOTE = (
    "; resending to the server on this machine, which may still be generating the abandoned answer, so the new "
    "request can queue behind it: for a local model use --provider ollama|llamacpp|lmstudio|vllm (long timeout, "
    "never resent) or raise --timeout"
)


def _timed_out_on_this_machine(root: BaseException, settings: Settings) -> bool:
    """A timeout from a loopback server not known as a local preset (presets never resend a timed-out request)."""
    import ipaddress
    import openai

    if not isinstance(root, openai.APITimeoutError) or settings.local_server or not settings.base_url:
        return False
    host = urllib.parse.urlsplit(settings.base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def describe_error(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APIStatusError):
        body = exc.body if isinstance(exc.body, dict) else {}
        detail = body.get("error", body) if isinstance(body.get("error", body), dict) else {}
        message = detail.get("message") or getattr(exc, "message", "") or str(exc)
        return f"HTTP {exc.status_code}: {str(message)[:300]}"
    if isinstance(exc, openai.APITimeoutError):
        return "request timed out"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return f"connection failed ({str(cause) or type(cause).__name__})"
    return f"{type(exc).__name__}: {exc}"


_CONTEXT_WORDS = re.compile(r"context[ _](length|size|window)", re.I)  # 'maximum context length', context_length_exceeded, exceed_context_size_error
_CONTEXT_TOKENS = re.compile(r"maximum context length is (\d+)", re.I)


def _context_overflow(exc: BaseException) -> int | None:
    """When `exc` is an endpoint refusing a request too long for its context: the context length it names (0 if none); else None.

    OpenAI and vLLM answer 400 'maximum context length is N tokens'; llama.cpp's server answers 400
    `exceed_context_size_error` with `n_ctx`."""
    import openai

    if not isinstance(exc, openai.BadRequestError):
        return None
    body = exc.body if isinstance(exc.body, dict) else {}
    detail = body.get("error", body) if isinstance(body.get("error", body), dict) else {}
    text = " ".join(str(detail.get(k) or "") for k in ("message", "code", "type")) or str(exc)
    if not _CONTEXT_WORDS.search(text):
        return None
    found = _CONTEXT_TOKENS.search(text)
    n_ctx = detail.get("n_ctx")
    return int(found.group(1)) if found else n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else 0


def _instructor_mode(name: str) -> Any:
    """instructor's Mode for one of brief's --mode names."""
    import instructor

    return {"tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON, "json_schema": instructor.Mode.JSON_SCHEMA,
            "json_object_schema": instructor.Mode.JSON}[name]


def schema_request(mode: str, response_model: type[BaseModel]) -> dict[str, Any]:
    """What a mode adds to instructor's request: for `json_object_schema` (llama.cpp's servers), instructor's JSON mode
    with the answer's JSON Schema in `response_format`, so the server decodes only JSON that fits it."""
    if mode != "json_object_schema":
        return {}
    return {"extra_body": {"response_format": {"type": "json_object", "schema": response_model.model_json_schema()}}}


_SCHEMA_WORDS = re.compile(r"response_format|json_schema|schema", re.I)


def schema_refused(exc: BaseException, mode: str) -> str | None:
    """The server's refusal of the schema in `response_format` (HTTP 400/422/500 naming it), for a mode that sends one; else None."""
    import openai

    from ..config.model import SCHEMA_MODES

    root = root_cause(exc)
    if mode not in SCHEMA_MODES or not isinstance(root, openai.APIStatusError) or root.status_code not in (400, 422, 500, 501):
        return None
    detail = describe_error(root)
    return detail if _SCHEMA_WORDS.search(detail) else None


def _last_json(completion: Any) -> str | None:
    """The raw structured payload of a chat completion, whatever the mode."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    if getattr(message, "tool_calls", None):
        return message.tool_calls[0].function.arguments
    content = getattr(message, "content", None) or ""
    start, end = content.find("{"), content.rfind("}")
    return content[start : end + 1] if start != -1 and end > start else None


_WRAPPED: dict[type, Any] = {}
_CHECKED: set[Any] = set()  # response models instructor's async-validator check has passed


def _check_async_validators_once() -> None:
    """Make instructor check each response model for async validators once per process, not 7 times a request.

    instructor (1.x, v2 core) calls `reject_async_validators(response_model)` seven times for every
    request, and each call walks the model's whole class tree and every field's type: about a
    third of brief's CPU per answer. The check depends only on the class, so a class that passed
    once passes again; one that fails is checked (and raises) every time, as before. Done by
    replacing the function where instructor looks it up; skipped if instructor moved it.
    """
    try:
        from instructor.v2.core import patch
        from instructor.v2.validation import async_validators
    except ImportError:  # pragma: no cover - another instructor layout: it keeps its own check
        return
    original = getattr(async_validators, "reject_async_validators", None)
    if original is None or getattr(original, "brief_once", False):
        return

    def reject_async_validators(response_model: Any) -> None:
        check = reject_async_validators.__wrapped__  # type: ignore[attr-defined]  # set by our patch below, on instructor's function
        try:
            if response_model in _CHECKED:
                return
        except TypeError:  # unhashable (e.g. a parametrized alias): check it every time
            return check(response_model)
        check(response_model)
        _CHECKED.add(response_model)

    reject_async_validators.brief_once = True  # type: ignore[attr-defined]  # marks instructor's function as patched
    reject_async_validators.__wrapped__ = original  # type: ignore[attr-defined]  # keeps instructor's original for the check
    async_validators.reject_async_validators = reject_async_validators  # looked up at each call by instructor's core
    if getattr(patch, "reject_async_validators", None) is original:
        patch.reject_async_validators = reject_async_validators  # imported by name when instructor loaded


def _wrapped(model: type[T]) -> type[T]:
    """The response model as instructor wraps it, made once per model (instructor would build a new class per request)."""
    if model not in _WRAPPED:
        import instructor

        _WRAPPED[model] = instructor.openai_schema(model)
    return _WRAPPED[model]


def _shorter(chat: list[Any], turns: list[dict[str, Any]]) -> list[Any]:
    """The messages that re-ask a cut-off answer: `chat`, the chain's re-ask turns (what validation taught; not the
    cut-off answer), and the request for a shorter answer (in the last user turn, asked once if cut off again)."""
    chat = [*chat, *turns]
    last = chat[-1]
    content = last.get("content") if isinstance(last, dict) else None
    if isinstance(content, str) and content.endswith(LENGTH_REASK):
        return chat
    if last.get("role") == "user" and turns and isinstance(content, str):
        return [*chat[:-1], {**last, "content": f"{content}\n\n{LENGTH_REASK}"}]
    return [*chat, {"role": "user", "content": LENGTH_REASK}]


_CALL: ContextVar[_Call | None] = ContextVar("brief_llm_call", default=None)  # the `complete` call a request belongs to


class LLMClient:
    """One configured endpoint; `complete` returns a validated response model or raises LLMError."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._transport_override = transport
        self._client: Any = None
        self.counter: CountingTransport | None = None
        self.limits: Any = None  # the LimitedTransport (in flight, peak), once built
        self.resent = 0  # HTTP requests resent after a transient fault, this client's whole life
        self.reasks = 0  # HTTP requests that re-asked an answer (validation, cut-off or failing items)
        self.mode = settings.mode  # the structured-output mode in use: the setting's, until the server refuses a schema
        self.fallback: str | None = None  # why the mode fell back, for the briefing's notes

    @property
    def requests(self) -> int:
        """HTTP requests sent to the endpoint (not replayed answers, not connections that failed before sending)."""
        return self.counter.requests if self.counter else 0

    @property
    def replayed(self) -> int:
        """Answers taken from recordings (--replay)."""
        return self.counter.replayed if self.counter else 0

    def unreachable(self, exc: BaseException) -> bool:
        """`exc` is a failure to connect to this client's endpoint, which has not answered once this run (see EndpointUnreachableError)."""
        return self.counter is not None and self.counter.responses == 0 and _cannot_connect(exc)

    def redact(self, text: str) -> str:
        """`text` with the API key blanked out (servers may echo it back in an error, whole or half-masked)."""
        from ..config.settings import redact_key

        return redact_key(text, self.settings.api_key, "[redacted]")

    def warm(self) -> None:
        """Build the SDK client now (openai and instructor take about a second to import), not on the first request."""
        if self._client is None:
            self._client = self._build()

    async def requests_written(self) -> None:
        """Return once every request this client has started (and that holds a concurrency slot) is written out.

        CPU work that can wait (a merge, the deterministic analysis) is done after this, while the
        answers are on their way, so it does not hold back requests started just before (see `settled`).
        """
        limits = self.limits
        if limits is None:  # not built yet, or replaying: nothing is being written
            return
        await settled(lambda: (limits.in_flight, limits.unsent), until=lambda: limits.unsent == 0)

    def _build(self) -> Any:
        import httpx
        import instructor
        import openai

        s = self.settings
        if self._transport_override is not None:
            inner: httpx.AsyncBaseTransport = self._transport_override
        elif s.replay_dir is not None:
            inner = ReplayTransport(s.replay_dir, hint=NO_ENDPOINT_HINT)
        else:
            inner = httpx.AsyncHTTPTransport()
        from .ratelimit import LimitedTransport, RateLimiter

        # --concurrency bounds HTTP requests in flight (not articles being parsed); --rpm/--tpm pace them
        limiter = RateLimiter(s.rpm, s.tpm) if (s.rpm or s.tpm) and s.replay_dir is None else None
        inner = self.limits = LimitedTransport(inner, concurrency=s.concurrency, limiter=limiter)
        if s.record_dir is not None:
            inner = RecordingTransport(inner, s.record_dir, source=f"recorded from {s.endpoint} with model {s.model}")
        self.counter = CountingTransport(inner)
        http_client = httpx.AsyncClient(transport=self.counter, timeout=s.timeout)
        api_key = s.api_key.get_secret_value() if s.api_key else "not-needed"
        base_url = "http://replay.invalid/v1" if s.replay_dir is not None else s.base_url
        raw = openai.AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=s.timeout, http_client=http_client)
        # The one transport retry layer wraps the SDK call instructor makes for each answer, so a fault resends
        # one request and instructor's re-ask chain survives it (instructor does the same to patch a client).
        completions = raw.chat.completions
        completions.create = self._resending(completions.create)  # type: ignore[method-assign, assignment]  # this client's create, wrapped in the retry layer
        mode = _instructor_mode(self.mode)
        _check_async_validators_once()
        return instructor.from_openai(raw, mode=mode)

    def _resending(self, create: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`create` (one HTTP request) under the transport retry policy, counted on the `complete` call it serves."""

        async def create_resending(*args: Any, **kwargs: Any) -> Any:
            call = _CALL.get()
            if call is None:  # pragma: no cover - every chat request goes through `complete`
                return await create(*args, **kwargs)
            async for attempt in self.retrying(call.what, fail_fast=self.unreachable):
                with attempt:
                    number = attempt.retry_state.attempt_number
                    call.sent(kwargs.get("messages") or [], number)
                    return await create(*args, **kwargs)
            raise LLMError("no attempt was made")  # pragma: no cover - tenacity always makes one

        return create_resending

    def _fall_back(self, refusal: str, what: str) -> None:
        """The server refused the schema in `response_format`: ask without it (JSON mode; LM Studio: md_json) from now on."""
        import instructor

        first = self.settings.mode
        self.mode = "md_json" if self.settings.provider == "lmstudio" else "json"
        self.fallback = (f"{self.settings.endpoint} refused the answer's schema in mode {first} ({refusal}); asked in --mode {self.mode} instead, "
                         "without constrained decoding: update the server (llama.cpp, Ollama 0.5+, vLLM and LM Studio accept a schema), or pass --mode to choose")
        log.warning("%s: %s", what, self.redact(self.fallback))
        self._client = instructor.from_openai(self._client.client, mode=_instructor_mode(self.mode))

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.client.close()

    async def complete(
        self, response_model: type[T], messages: list[dict[str, str]], *, key: RequestKey, context: dict[str, Any] | None = None,
        on_response: Callable[[], None] | None = None, reask: bool = False,
    ) -> Completion[T]:
        """Ask for `response_model`; each request retried on transport faults, bad and cut-off answers re-asked, all bounded.

        `on_response` is called whenever an HTTP response arrives, before it is parsed. `reask`: these
        messages re-ask an earlier answer (counted as re-asks in the run's header).
        """
        from instructor.core.exceptions import IncompleteOutputException
        from instructor.core.hooks import Hooks

        self.warm()
        response_model = _wrapped(response_model)
        s = self.settings
        what = f"{key.kind} of {key.label or key.subject}"
        call = _Call(what, reask=reask)
        hooks = Hooks()
        hooks.on("completion:response", call.add)
        if on_response is not None:
            hooks.on("completion:response", lambda *args, **kwargs: on_response())
        headers = {KEY_HEADER: str(key), "X-Brief-Label": urllib.parse.quote(key.label)}
        raw: list[str | None] = [None]

        async def ask() -> T:
            """The chain: instructor's answer and validation re-asks, then a shorter re-ask after each cut-off answer."""
            chat, reasks, cuts = list(messages), s.max_reasks, s.max_length_reasks
            while True:
                before, call.chain_start = call.responses, None
                try:
                    # The validation context travels in a ContextVar, not `context=`: given
                    # `context=`, instructor renders messages as Jinja templates, which would
                    # rewrite article text like "{{ 7*7 }}" or "{# ... #}".
                    token = VALIDATION_CONTEXT.set(context)
                    try:
                        value, completion = await self._client.chat.completions.create_with_completion(
                            model=s.model, messages=chat, response_model=response_model, max_retries=reasks,
                            extra_headers=headers, hooks=hooks, **output_limit(s), **schema_request(self.mode, response_model),
                        )
                    finally:
                        VALIDATION_CONTEXT.reset(token)
                    raw[0] = _last_json(completion)
                    return value
                except IncompleteOutputException:
                    reasks -= call.responses - before - 1  # the answers before the cut-off one failed validation
                    cuts -= 1
                    if cuts < 0:
                        raise
                    log.info("%s: answer cut off by the output limit; re-asking for a shorter one (%d such re-ask(s) left)", what, cuts)
                    chat = _shorter(chat, call.reask_turns())
                except Exception as exc:
                    refusal = schema_refused(exc, self.mode)
                    if refusal is None:
                        raise
                    self._fall_back(refusal, what)  # then the same request again, without the schema

        token = _CALL.set(call)
        try:
            value = await ask()
            return Completion(value=value, usage=call.usage, attempts=call.requests, raw=raw[0])
        except Exception as exc:
            fallback = self._ungrounded_fallback(exc, response_model)
            if fallback is not None:
                log.info("%s: quotes still not found in the source after %d re-ask(s); keeping the answer, its items unverified", what, s.max_reasks)
                return Completion(value=fallback, usage=call.usage, attempts=call.requests, grounded=False)
            raise self._translate(exc, call) from None
        finally:
            _CALL.reset(token)
            self.resent += call.resent
            self.reasks += call.reasks

    def retrying(self, what: str, *, fail_fast: Callable[[BaseException], bool] | None = None) -> Any:
        """The one transport retry policy (tenacity), for chat completions and the Batch API alike.

        Transient faults (429, 5xx, timeouts, connection errors) are retried with exponential
        backoff and jitter, or after the server's Retry-After; the last error is re-raised. A fault
        `fail_fast` accepts (for chat completions: a connection that cannot be made to an endpoint
        that has never answered this run, i.e. a server not started or a wrong --base-url) is
        retried once, quickly, instead of for minutes.
        """
        from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, stop_before_delay

        s = self.settings

        def fast(exc: BaseException) -> bool:
            return fail_fast is not None and fail_fast(exc)

        def retry(state: RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            if exc is None or not is_transient(exc, s) or schema_refused(exc, self.mode):  # a refused schema is asked without it, not resent
                return False
            return state.attempt_number < UNREACHABLE_ATTEMPTS if fast(exc) else True

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if exc is not None and fast(exc):
                return min(s.backoff_initial, UNREACHABLE_WAIT)
            root = root_cause(exc) if exc else None
            hinted = _retry_after(root, s.retry_after_max) if root is not None else None
            if hinted is not None:
                return hinted + random.uniform(0, min(s.backoff_initial, 1.0))
            backoff = s.backoff_initial * 2 ** (state.attempt_number - 1) + random.uniform(0, s.backoff_initial)
            return min(backoff, s.backoff_max)

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = self.redact(describe_error(root_cause(exc))) if exc else "?"
            note = LOCAL_RESEND_NOTE if exc is not None and _timed_out_on_this_machine(root_cause(exc), s) else ""
            sleep = state.upcoming_sleep
            most = UNREACHABLE_ATTEMPTS if exc is not None and fast(exc) else s.max_attempts
            log.warning("%s: %s%s (attempt %d of %d); retrying in %.2f s", what, reason, note, state.attempt_number, most, sleep,
                        extra={"brief_wait": sleep, "brief_reason": reason})

        return AsyncRetrying(
            stop=stop_after_attempt(max(s.max_attempts, 1)) | stop_before_delay(s.max_elapsed),
            wait=wait,
            retry=retry,
            before_sleep=before_sleep,
            reraise=True,
        )

    @staticmethod
    def _ungrounded_fallback(exc: Exception, response_model: type[T]) -> T | None:
        """After the last re-ask, keep an answer that is valid except for grounding.

        Its items are then marked unverified by the grounding check instead of being lost.
        """
        completion = getattr(exc, "last_completion", None)
        if completion is None or not hasattr(exc, "n_attempts"):
            return None
        payload = _last_json(completion)
        if payload is None:
            return None
        try:
            return response_model.model_validate(json.loads(payload))
        except (ValueError, ValidationError):
            return None

    def _translate(self, exc: Exception, call: _Call) -> LLMError:
        """The exception to show: one line, naming the fix, never the key."""
        import openai
        from instructor.core.exceptions import IncompleteOutputException

        root = root_cause(exc)
        where, attempts, usage = self.settings.endpoint, call.requests, call.usage
        if isinstance(root, ReplayMissError):
            return ReplayMissError(str(root), attempts=attempts, usage=usage)
        if isinstance(root, (openai.AuthenticationError, openai.PermissionDeniedError)):
            message = f"{where} refused the API key ({describe_error(root)}); set a valid key in {self.settings.key_env or 'OPENAI_API_KEY'} or pass --api-key"
            return AuthError(self.redact(message), attempts=attempts, usage=usage)
        if isinstance(root, openai.NotFoundError):
            message = f"{where} has no model {self.settings.model!r} ({describe_error(root)}); pass --model with a model the endpoint serves, or check --base-url"
            return ModelNotFoundError(self.redact(message), attempts=attempts, usage=usage)
        overflow = _context_overflow(root)
        if overflow is not None:
            from .context import context_window, window_source

            loaded, s = overflow, self.settings
            told = f" ({loaded:,} tokens, says the server)" if loaded else ""
            message = (f"the request is longer than {s.model}'s context window{told}: brief sized it for {context_window(s):,} tokens "
                       f"({window_source(s)}) with up to {s.max_output_tokens:,} output tokens. Pass --context-window {loaded or 'N'} "
                       "(what the server loads), or lower --max-output-tokens or --max-article-chars")
            return LLMError(self.redact(message), attempts=attempts, usage=usage)
        if isinstance(exc, IncompleteOutputException) or isinstance(root, IncompleteOutputException):
            message = (f"the model's answer was cut off by its output token limit (finish_reason=length) "
                       f"{1 + self.settings.max_length_reasks} time(s) (--max-output-tokens {self.settings.max_output_tokens}); a model that loops is cut off there too. "
                       "Raise --max-output-tokens if the answers are long, use a stronger model, or a shorter --max-article-chars")
            return LLMError(message, attempts=attempts, usage=usage)
        if not isinstance(root, openai.OpenAIError) and (hasattr(exc, "n_attempts") or isinstance(root, (ValidationError, json.JSONDecodeError))):
            from ..models.lenient import short_error

            detail = short_error(root)[:400]
            return LLMError(self.redact(f"the model's answer failed validation after {self.settings.max_reasks} re-ask(s): {detail}"), attempts=attempts, usage=usage)
        if self.unreachable(exc):
            provider = PROVIDERS.get(self.settings.provider or "")
            start = f"is {provider.title} running? {provider.start_hint}" if provider is not None and provider.start_hint else "start the server"
            cause = _connect_reason(exc)
            message = (f"cannot connect to {where} ({cause}), and nothing has answered there this run: {start}, "
                       "or fix --base-url / OPENAI_BASE_URL (`brief check` diagnoses the endpoint)")
            return EndpointUnreachableError(self.redact(message), attempts=attempts, usage=usage)
        kind = EndpointError if is_transient(root) else LLMError
        message = f"{describe_error(root)} after {attempts} request(s) to {where}"
        if isinstance(root, openai.APIConnectionError) and not isinstance(root, openai.APITimeoutError):
            message += "; is the server running? Start it, or fix --base-url / OPENAI_BASE_URL (`brief check` diagnoses the endpoint)"
        elif isinstance(root, openai.APITimeoutError) and self.settings.local_server:
            message += (f" (after {self.settings.timeout:g} s); not resent, since the local server may still be generating the abandoned answer: "
                        "raise --timeout (CPU generation can take minutes), lower --max-output-tokens, or use a smaller model")
        elif isinstance(root, openai.APITimeoutError):
            message += "; the endpoint is slow or overloaded: retry later, lower --concurrency, or raise --timeout"
        return kind(self.redact(message), attempts=attempts, usage=usage)


def chat_request_body(settings: Settings, response_model: type[BaseModel], messages: list[dict[str, str]]) -> dict[str, Any]:
    """The JSON body `complete` sends for these messages (model, messages, tools or response format), e.g. for the Batch API."""
    from instructor.processing.response import handle_response_model

    mode = _instructor_mode(settings.mode)
    _, kwargs = handle_response_model(response_model, mode=mode, messages=[dict(m) for m in messages])
    return {"model": settings.model, **kwargs, **output_limit(settings), **schema_request(settings.mode, response_model).get("extra_body", {})}
