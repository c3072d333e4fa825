"""The model client: instructor over the openai SDK, with one retry layer (tenacity).

The only module that imports openai, instructor or tenacity, and it imports them lazily (they
cost over a second), so `brief --help` and fully cached runs never pay for them.

Two bounded loops, never nested the other way round:
- transport retries (tenacity): 429, 5xx, timeouts and connection errors, with exponential
  backoff and jitter, honouring Retry-After; stops on attempts and on elapsed time. The openai
  client's own retries are off (max_retries=0).
- validation re-asks (instructor): a response that fails the response model (including an
  evidence quote missing from the source) is sent back with the error, `max_reasks` times.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .config import Settings
from .errors import AuthError, LLMError, ModelNotFoundError, ReplayMissError
from .replay import KEY_HEADER, CountingTransport, RecordingTransport, ReplayTransport, RequestKey

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["Completion", "LLMClient", "NO_ENDPOINT_HINT"]

T = TypeVar("T", bound=BaseModel)

NO_ENDPOINT_HINT = (
    "To summarize new articles, configure an endpoint: set OPENAI_API_KEY (OpenAI), or pass "
    "--base-url for a local server (Ollama http://127.0.0.1:11434/v1, vLLM, llama.cpp) with --model."
)
MAX_RETRY_AFTER = 120.0


@dataclass
class Completion(Generic[T]):
    """A parsed response and what it cost."""

    value: T
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 1
    grounded: bool = True  # False when the final answer only passed without the grounding check


def _add_usage(total: dict[str, int], usage: Any) -> None:
    if usage is None:
        return
    data = usage if isinstance(usage, dict) else getattr(usage, "model_dump", lambda: {})()
    for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = data.get(name)
        if isinstance(value, int):
            total[name] = total.get(name, 0) + value


def _root_cause(exc: BaseException) -> BaseException:
    """Unwrap instructor's and openai's wrappers down to the error that matters."""
    seen = set()
    current: BaseException | None = exc
    found = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ReplayMissError):
            return current
        found = current
        current = current.__cause__ or current.__context__
    import openai

    # Prefer the outermost openai error: it carries the HTTP response.
    current = exc
    while current is not None:
        if isinstance(current, openai.OpenAIError):
            return current
        current = current.__cause__ or current.__context__
    return found


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return min(float(value) / 1000, MAX_RETRY_AFTER)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(when.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER)


def _is_transient(exc: BaseException) -> bool:
    import openai

    root = _root_cause(exc)
    if isinstance(root, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)):
        return not isinstance(root, ReplayMissError)
    return isinstance(root, openai.APIStatusError) and (root.status_code in (408, 409, 429) or root.status_code >= 500)


def _describe(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APIStatusError):
        body = exc.body if isinstance(exc.body, dict) else {}
        detail = body.get("error", body) if isinstance(body.get("error", body), dict) else {}
        message = detail.get("message") or getattr(exc, "message", "") or str(exc)
        return f"HTTP {exc.status_code}: {message}"
    if isinstance(exc, openai.APITimeoutError):
        return "request timed out"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect ({exc.__cause__ or exc})"
    return f"{type(exc).__name__}: {exc}"


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


class LLMClient:
    """One configured endpoint; `complete` returns a validated response model or raises LLMError."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._transport_override = transport
        self._client: Any = None
        self.counter: CountingTransport | None = None

    @property
    def requests(self) -> int:
        return self.counter.requests if self.counter else 0

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
        if s.record_dir is not None:
            inner = RecordingTransport(inner, s.record_dir, source=f"recorded from {s.base_url or 'api.openai.com'} with model {s.model}")
        self.counter = CountingTransport(inner)
        http_client = httpx.AsyncClient(transport=self.counter, timeout=s.timeout)
        api_key = s.api_key.get_secret_value() if s.api_key else "not-needed"
        base_url = "http://replay.invalid/v1" if s.replay_dir is not None else s.base_url
        raw = openai.AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=s.timeout, http_client=http_client)
        mode = {"tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON, "json_schema": instructor.Mode.JSON_SCHEMA}[s.mode]
        return instructor.from_openai(raw, mode=mode)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.client.close()

    async def complete(self, response_model: type[T], messages: list[dict[str, str]], *, key: RequestKey, context: dict[str, Any] | None = None) -> Completion[T]:
        """Ask for `response_model`; transport faults retried, validation errors re-asked, all bounded."""
        from tenacity import AsyncRetrying, RetryError, retry_if_exception, stop_after_attempt, stop_after_delay, wait_exponential_jitter

        if self._client is None:
            self._client = self._build()
        s = self.settings
        usage: dict[str, int] = {}
        attempts = 0
        headers = {KEY_HEADER: str(key), "X-Brief-Label": urllib.parse.quote(key.label)}

        def wait(state: Any) -> float:
            exc = state.outcome.exception() if state.outcome else None
            hinted = _retry_after(_root_cause(exc)) if exc else None
            backoff = wait_exponential_jitter(initial=1, max=30)(state)
            return hinted + random.uniform(0, 0.5) if hinted is not None else backoff

        retrying = AsyncRetrying(
            stop=stop_after_attempt(s.max_attempts) | stop_after_delay(s.max_elapsed),
            wait=wait,
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    try:
                        value, completion = await self._client.chat.completions.create_with_completion(
                            model=s.model, messages=messages, response_model=response_model, max_retries=s.max_reasks,
                            context=context, extra_headers=headers,
                        )
                    except Exception as exc:
                        _add_usage(usage, getattr(exc, "total_usage", None))
                        raise
                    _add_usage(usage, getattr(completion, "usage", None))
                    return Completion(value=value, usage=usage, attempts=attempts)
        except RetryError as exc:  # pragma: no cover - reraise=True makes this unreachable
            raise LLMError(str(exc), attempts=attempts, usage=usage) from exc
        except Exception as exc:
            fallback = self._ungrounded_fallback(exc, response_model)
            if fallback is not None:
                return Completion(value=fallback, usage=usage, attempts=attempts, grounded=False)
            raise self._translate(exc, attempts, usage) from exc
        raise LLMError("no attempt was made", attempts=attempts, usage=usage)  # pragma: no cover

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

    def _translate(self, exc: Exception, attempts: int, usage: dict[str, int]) -> LLMError:
        import openai

        root = _root_cause(exc)
        if isinstance(root, ReplayMissError):
            return ReplayMissError(str(root), attempts=attempts, usage=usage)
        where = self.settings.endpoint
        if isinstance(root, openai.AuthenticationError) or (isinstance(root, openai.PermissionDeniedError)):
            return AuthError(f"{where} refused the API key ({_describe(root)}); check OPENAI_API_KEY or --api-key", attempts=attempts, usage=usage)
        if isinstance(root, openai.NotFoundError):
            return ModelNotFoundError(
                f"{where} has no model {self.settings.model!r} ({_describe(root)}); pass --model with a model the endpoint serves, or check --base-url",
                attempts=attempts, usage=usage,
            )
        if isinstance(root, (ValidationError, json.JSONDecodeError)) or hasattr(exc, "n_attempts") and not isinstance(root, openai.OpenAIError):
            return LLMError(f"the model's answer failed validation after {self.settings.max_reasks} re-asks: {str(root)[:400]}", attempts=attempts, usage=usage)
        return LLMError(f"{_describe(root)} after {attempts} attempt(s) to {where}", attempts=attempts, usage=usage)
