"""The model client: instructor over the openai SDK, with one retry layer (tenacity).

llm/ is the only package that imports openai, instructor or tenacity, and it imports them lazily (they
cost over a second), so `brief --help` and fully cached runs never pay for them. The parts: `chain`
(one call's answers and what they cost), `retry` (the one transport retry layer), `faults` (what
went wrong, in one line), `modes` (the shape of a request).

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

import json
import logging
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..config.providers import PROVIDERS
from ..config.settings import Settings
from ..errors import AuthError, LLMError, ModelNotFoundError, ReplayMissError
from .chain import CURRENT_CALL, Call, Completion, last_json, shorter_chat
from .faults import (
    EndpointError,
    EndpointUnreachableError,
    cannot_connect,
    connect_reason,
    context_overflow,
    describe_error,
    is_transient,
    root_cause,
    schema_refused,
)
from .modes import check_async_validators_once, instructor_mode, output_limit, schema_request, wrapped_model
from .replay import KEY_HEADER, CountingTransport, RecordingTransport, ReplayTransport, RequestKey
from .retry import retry_policy
from ..models.base import VALIDATION_CONTEXT
from ..util.aio import settled

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["LLMClient", "NO_ENDPOINT_HINT"]

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger(__name__)

NO_ENDPOINT_HINT = (
    "To summarize new articles, configure an endpoint: set OPENAI_API_KEY (OpenAI), or pass "
    "--base-url for a local server (Ollama http://127.0.0.1:11434/v1, vLLM, llama.cpp) with --model."
)


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
        return self.counter is not None and self.counter.responses == 0 and cannot_connect(exc)

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
        raw = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, max_retries=0, timeout=s.timeout, http_client=http_client
        )
        # The one transport retry layer wraps the SDK call instructor makes for each answer, so a fault resends
        # one request and instructor's re-ask chain survives it (instructor does the same to patch a client).
        completions = raw.chat.completions
        completions.create = self._resending(completions.create)  # type: ignore[method-assign, assignment]  # this client's create, wrapped in the retry layer
        mode = instructor_mode(self.mode)
        check_async_validators_once()
        return instructor.from_openai(raw, mode=mode)

    def _resending(self, create: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`create` (one HTTP request) under the transport retry policy, counted on the `complete` call it serves."""

        async def create_resending(*args: Any, **kwargs: Any) -> Any:
            call = CURRENT_CALL.get()
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
        self.fallback = (
            f"{self.settings.endpoint} refused the answer's schema in mode {first} ({refusal}); asked in --mode {self.mode} instead, "
            "without constrained decoding: update the server (llama.cpp, Ollama 0.5+, vLLM and LM Studio accept a schema), or pass --mode to choose"
        )
        log.warning("%s: %s", what, self.redact(self.fallback))
        self._client = instructor.from_openai(self._client.client, mode=instructor_mode(self.mode))

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.client.close()

    async def complete(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        *,
        key: RequestKey,
        context: dict[str, Any] | None = None,
        on_response: Callable[[], None] | None = None,
        reask: bool = False,
    ) -> Completion[T]:
        """Ask for `response_model`; each request retried on transport faults, bad and cut-off answers re-asked, all bounded.

        `on_response` is called whenever an HTTP response arrives, before it is parsed. `reask`: these
        messages re-ask an earlier answer (counted as re-asks in the run's header).
        """
        from instructor.core.exceptions import IncompleteOutputException
        from instructor.core.hooks import Hooks

        self.warm()
        response_model = wrapped_model(response_model)
        s = self.settings
        what = f"{key.kind} of {key.label or key.subject}"
        call = Call(what, reask=reask)
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
                            model=s.model,
                            messages=chat,
                            response_model=response_model,
                            max_retries=reasks,
                            extra_headers=headers,
                            hooks=hooks,
                            **output_limit(s),
                            **schema_request(self.mode, response_model),
                        )
                    finally:
                        VALIDATION_CONTEXT.reset(token)
                    raw[0] = last_json(completion)
                    return value
                except IncompleteOutputException:
                    reasks -= call.responses - before - 1  # the answers before the cut-off one failed validation
                    cuts -= 1
                    if cuts < 0:
                        raise
                    log.info(
                        "%s: answer cut off by the output limit; re-asking for a shorter one (%d such re-ask(s) left)",
                        what,
                        cuts,
                    )
                    chat = shorter_chat(chat, call.reask_turns())
                except Exception as exc:
                    refusal = schema_refused(exc, self.mode)
                    if refusal is None:
                        raise
                    self._fall_back(refusal, what)  # then the same request again, without the schema

        token = CURRENT_CALL.set(call)
        try:
            value = await ask()
            return Completion(value=value, usage=call.usage, attempts=call.requests, raw=raw[0])
        except Exception as exc:
            fallback = self._ungrounded_fallback(exc, response_model)
            if fallback is not None:
                log.info(
                    "%s: quotes still not found in the source after %d re-ask(s); keeping the answer, its items unverified",
                    what,
                    s.max_reasks,
                )
                return Completion(value=fallback, usage=call.usage, attempts=call.requests, grounded=False)
            raise self._translate(exc, call) from None
        finally:
            CURRENT_CALL.reset(token)
            self.resent += call.resent
            self.reasks += call.reasks

    def retrying(self, what: str, *, fail_fast: Callable[[BaseException], bool] | None = None) -> Any:
        """The one transport retry policy (`retry.retry_policy`) for this endpoint, for chat completions and the Batch API alike."""
        return retry_policy(
            self.settings,
            what,
            refused=lambda exc: schema_refused(exc, self.mode) is not None,
            redact=self.redact,
            fail_fast=fail_fast,
        )

    @staticmethod
    def _ungrounded_fallback(exc: Exception, response_model: type[T]) -> T | None:
        """After the last re-ask, keep an answer that is valid except for grounding.

        Its items are then marked unverified by the grounding check instead of being lost.
        """
        completion = getattr(exc, "last_completion", None)
        if completion is None or not hasattr(exc, "n_attempts"):
            return None
        payload = last_json(completion)
        if payload is None:
            return None
        try:
            return response_model.model_validate(json.loads(payload))
        except (ValueError, ValidationError):
            return None

    def _translate(self, exc: Exception, call: Call) -> LLMError:
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
        overflow = context_overflow(root)
        if overflow is not None:
            from .context import context_window, window_source

            loaded, s = overflow, self.settings
            told = f" ({loaded:,} tokens, says the server)" if loaded else ""
            message = (
                f"the request is longer than {s.model}'s context window{told}: brief sized it for {context_window(s):,} tokens "
                f"({window_source(s)}) with up to {s.max_output_tokens:,} output tokens. Pass --context-window {loaded or 'N'} "
                "(what the server loads), or lower --max-output-tokens or --max-article-chars"
            )
            return LLMError(self.redact(message), attempts=attempts, usage=usage)
        if isinstance(exc, IncompleteOutputException) or isinstance(root, IncompleteOutputException):
            message = (
                f"the model's answer was cut off by its output token limit (finish_reason=length) "
                f"{1 + self.settings.max_length_reasks} time(s) (--max-output-tokens {self.settings.max_output_tokens}); a model that loops is cut off there too. "
                "Raise --max-output-tokens if the answers are long, use a stronger model, or a shorter --max-article-chars"
            )
            return LLMError(message, attempts=attempts, usage=usage)
        if not isinstance(root, openai.OpenAIError) and (
            hasattr(exc, "n_attempts") or isinstance(root, (ValidationError, json.JSONDecodeError))
        ):
            from ..models.lenient import short_error

            detail = short_error(root)[:400]
            return LLMError(
                self.redact(
                    f"the model's answer failed validation after {self.settings.max_reasks} re-ask(s): {detail}"
                ),
                attempts=attempts,
                usage=usage,
            )
        if self.unreachable(exc):
            provider = PROVIDERS.get(self.settings.provider or "")
            start = (
                f"is {provider.title} running? {provider.start_hint}"
                if provider is not None and provider.start_hint
                else "start the server"
            )
            cause = connect_reason(exc)
            message = (
                f"cannot connect to {where} ({cause}), and nothing has answered there this run: {start}, "
                "or fix --base-url / OPENAI_BASE_URL (`brief check` diagnoses the endpoint)"
            )
            return EndpointUnreachableError(self.redact(message), attempts=attempts, usage=usage)
        kind = EndpointError if is_transient(root) else LLMError
        message = f"{describe_error(root)} after {attempts} request(s) to {where}"
        if isinstance(root, openai.APIConnectionError) and not isinstance(root, openai.APITimeoutError):
            message += "; is the server running? Start it, or fix --base-url / OPENAI_BASE_URL (`brief check` diagnoses the endpoint)"
        elif isinstance(root, openai.APITimeoutError) and self.settings.local_server:
            message += (
                f" (after {self.settings.timeout:g} s); not resent, since the local server may still be generating the abandoned answer: "
                "raise --timeout (CPU generation can take minutes), lower --max-output-tokens, or use a smaller model"
            )
        elif isinstance(root, openai.APITimeoutError):
            message += "; the endpoint is slow or overloaded: retry later, lower --concurrency, or raise --timeout"
        return kind(self.redact(message), attempts=attempts, usage=usage)
