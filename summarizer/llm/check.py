"""`brief check`: one tiny structured call that says what works and how to fix what does not.

Steps, in order, each ok / fail / skip, and a failure stops the steps after it:
  endpoint           a live endpoint is configured (key, Azure endpoint)
  reachable          GET {base_url}/models answers at all
  auth               the key is accepted (401/403 on /models or on the call)
  model              the model is served (404 on the call; /models lists the alternatives)
  structured output  one chat call with a minimal response model parses in the chosen mode
  context window     the window brief sizes its calls to is not more than the server loads
                     (vLLM reports it as `max_model_len` on /models; other servers say nothing)

The check never reads or writes the brief cache and never records or replays.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from ..config.settings import MODES, Settings, mask_secret, redact_key
from ..errors import AuthError, LLMError, ModelNotFoundError
from .prompts import schema_hash, short_hash
from ..config.providers import PROVIDERS
from .replay import RequestKey

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["Pong", "Step", "CheckReport", "check_endpoint", "check_endpoint_async", "STEPS"]

STEPS = ("endpoint", "reachable", "auth", "model", "structured output", "context window")
MODE_ALTERNATIVES = {
    "tools": ("json", "md_json"),
    "json": ("tools", "md_json"),
    "json_schema": ("json", "tools"),
    "md_json": ("json", "tools"),
    "json_object_schema": ("json_schema", "json"),
}
_MESSAGES = [
    {"role": "system", "content": "You answer connectivity checks. Reply with the requested JSON object only."},
    {"role": "user", "content": "This is a connectivity check. Set reply to the word pong."},
]


class Pong(BaseModel):
    """The answer to brief's connectivity check."""

    reply: str = Field(description="The word pong.")


@dataclass
class Step:
    name: str
    status: str  # "ok" | "fail" | "skip"
    detail: str
    fix: str = ""  # one fix per line


@dataclass
class CheckReport:
    """The outcome of `check_endpoint`, one Step per entry of STEPS."""

    settings: Settings
    steps: list[Step] = field(default_factory=list)
    models: list[str] | None = None  # what GET /models listed, if it answered
    windows: dict[str, int] = field(
        default_factory=dict
    )  # model -> context length the server reports loading (vLLM: max_model_len)

    @property
    def ok(self) -> bool:
        return all(s.status == "ok" for s in self.steps)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _status(exc: BaseException) -> int | None:
    return next((e.status_code for e in _chain(exc) if isinstance(getattr(e, "status_code", None), int)), None)


def _is_connection_error(exc: BaseException) -> bool:
    import httpx

    names = {"APIConnectionError", "APITimeoutError"}
    return any(isinstance(e, (httpx.TransportError, OSError)) or type(e).__name__ in names for e in _chain(exc))


def _is_parse_error(exc: BaseException) -> bool:
    return any(isinstance(e, (ValidationError, json.JSONDecodeError)) or hasattr(e, "n_attempts") for e in _chain(exc))


def _key_fix(s: Settings) -> str:
    if s.key_env:
        return f"set {s.key_env} to a valid key (or pass --api-key)"
    return "this server wants a key: pass --api-key"


def _unreachable_fix(s: Settings) -> str:
    provider = PROVIDERS.get(s.provider or "")
    if provider is not None and provider.start_hint:
        return f"is {provider.title} running at {s.base_url}? {provider.start_hint}, or point --base-url (env OPENAI_BASE_URL) at it"
    return "check the network and --base-url (env OPENAI_BASE_URL), or pick a server with --provider"


def _model_fix(models: list[str] | None, *, url_suspect: bool = False) -> str:
    if models:
        listed = ", ".join(models[:8]) + (", ..." if len(models) > 8 else "")
        return f"pass --model (env BRIEF_MODEL) with a model the endpoint serves: {listed}"
    fix = "pass --model (env BRIEF_MODEL) with a model the endpoint serves (Azure: the deployment name)"
    if url_suspect:  # /models was not found either: the base URL itself may be wrong
        fix += "\ncheck --base-url (env OPENAI_BASE_URL): /models was not found there either; it usually ends in /v1"
    return fix


def _mode_fix(mode: str) -> str:
    first, second = MODE_ALTERNATIVES.get(mode, ("json", "tools"))
    return f"try --mode {first}, then --mode {second} (env BRIEF_MODE; modes: {' | '.join(MODES)}), or a model that supports structured output"


def _http_detail(exc: BaseException) -> str:
    """'HTTP 404: <the server's message>' from the first HTTP error in the chain, else the text."""
    for e in _chain(exc):
        code = getattr(e, "status_code", None)
        if isinstance(code, int):
            body = getattr(e, "body", None)
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                body = body["error"]
            message = body.get("message") if isinstance(body, dict) else None
            return f"HTTP {code}: {message}" if message else f"HTTP {code}"
    return _short(exc)


def _is_timeout(exc: BaseException) -> bool:
    import httpx

    return any(isinstance(e, httpx.TimeoutException) or type(e).__name__ == "APITimeoutError" for e in _chain(exc))


async def _list_models(
    s: Settings, transport: httpx.AsyncBaseTransport | None
) -> tuple[int | None, list[str] | None, str, dict[str, int]]:
    """(HTTP status or None if unreachable, model ids or None, error text, context lengths reported) of GET /models."""
    import httpx

    headers = {"Authorization": f"Bearer {s.api_key.get_secret_value()}"} if s.api_key else {}
    url = s.endpoint.rstrip("/") + "/models"
    try:
        async with httpx.AsyncClient(transport=transport, timeout=s.timeout) as client:
            response = await client.get(url, headers=headers)
    except httpx.TransportError as exc:
        return None, None, f"{type(exc).__name__}: {exc or 'no answer'}", {}
    models, windows = None, {}
    if response.status_code == 200:
        try:
            data = response.json().get("data", [])
            models = [str(m["id"]) for m in data]
            windows = {
                str(m["id"]): m["max_model_len"]
                for m in data
                if isinstance(m.get("max_model_len"), int) and m["max_model_len"] > 0
            }
        except (ValueError, KeyError, TypeError, AttributeError):
            models = None
    return response.status_code, models, response.text[:200], windows


async def check_endpoint_async(settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> CheckReport:
    """Check the configured endpoint with one tiny structured call; never raises for endpoint faults.

    The key appears only masked, as `config show` masks it, even where a server echoes it back."""
    report = await _check(settings, transport)
    for step in report.steps:
        step.detail, step.fix = redact_key(step.detail, settings.api_key), redact_key(step.fix, settings.api_key)
    return report


async def _check(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> CheckReport:
    from .client import LLMClient

    s = settings.with_(max_attempts=1, max_reasks=0, max_length_reasks=0, use_cache=False, record_dir=None)
    report = CheckReport(settings=s)
    steps = report.steps

    def rest(reason: str) -> CheckReport:
        done = {step.name for step in steps}
        steps.extend(Step(name, "skip", reason) for name in STEPS if name not in done)
        return report

    if s.problems:
        what, fixes = zip(*(problem.split(": ", 1) for problem in s.problems))
        steps.append(Step("endpoint", "fail", "; ".join(what), fix="\n".join(fixes)))
        return rest("needs the endpoint first")
    if s.replay_dir is not None:
        steps.append(
            Step(
                "endpoint",
                "fail",
                "no endpoint configured (runs would use the recorded responses)",
                fix="set OPENAI_API_KEY, or pass --provider (ollama, vllm, llamacpp, lmstudio, openrouter, azure) or --base-url",
            )
        )
        return rest("needs an endpoint first")
    who = f"provider {s.provider}" if s.provider else "no provider preset"
    key = f"key {mask_secret(s.api_key)} from {s.sources.get('api_key', 'flag')}" if s.api_key else "no key"
    if s.key_withheld:
        key += f"; {s.key_withheld}"
    steps.append(Step("endpoint", "ok", f"{s.endpoint} ({who}, {key})"))

    status, models, text, report.windows = await _list_models(s, transport)
    report.models = models
    if status is None:
        steps.append(Step("reachable", "fail", f"cannot connect to {s.endpoint} ({text})", fix=_unreachable_fix(s)))
        return rest("endpoint unreachable")
    listed = f"{len(models)} model(s) listed" if models is not None else f"GET /models: HTTP {status}"
    steps.append(Step("reachable", "ok", f"{s.endpoint} answers ({listed})"))
    if status in (401, 403):
        steps.append(Step("auth", "fail", f"GET /models: HTTP {status}, the key was refused", fix=_key_fix(s)))
        return rest("auth failed")

    client = LLMClient(s, transport=transport)
    key_ = RequestKey("check", "ping", s.mode, short_hash(json.dumps(_MESSAGES)), schema_hash(Pong), label="check")
    try:
        done = await client.complete(Pong, _MESSAGES, key=key_)
    except AuthError as exc:
        steps.append(Step("auth", "fail", f"the key was refused ({_http_detail(exc)})", fix=_key_fix(s)))
        return rest("auth failed")
    except ModelNotFoundError as exc:
        steps.append(Step("auth", "ok", "key accepted" if s.api_key else "no key needed"))
        steps.append(
            Step(
                "model",
                "fail",
                f"{s.model!r} is not served ({_http_detail(exc)})",
                fix=_model_fix(models, url_suspect=status == 404),
            )
        )
        return rest("model not found")
    except LLMError as exc:
        _diagnose_call(report, exc, models, rest)
        return rest("needs a structured answer first")
    finally:
        await client.aclose()
    steps.append(Step("auth", "ok", "key accepted" if s.api_key else "no key needed"))
    steps.append(
        Step(
            "model",
            "ok",
            f"{s.model} answered" + ("" if models is None or s.model in models else " (not listed by /models)"),
        )
    )
    steps.append(
        Step(
            "structured output",
            "ok",
            f"{_decoding(s.mode, client)}: parsed {Pong.__name__}(reply={done.value.reply[:20]!r}); {done.usage.get('total_tokens', 0)} tokens",
        )
    )
    steps.append(_window_step(s, report.windows.get(s.model)))
    return report


def _decoding(mode: str, client: Any) -> str:
    """Which structured output is in use: the mode, whether the answer's schema is sent, and a fallback if the server refused it."""
    from ..config.model import SCHEMA_MODES

    if client.fallback:
        return f"mode {client.mode}, without the schema (the server refused it in mode {mode}: update it for constrained decoding)"
    if mode in SCHEMA_MODES:
        return f"mode {mode}, schema sent (constrained decoding: the server produces only JSON that fits)"
    return f"mode {mode}, schema in the prompt only (no constrained decoding)"


def _window_step(s: Settings, loaded: int | None) -> Step:
    """Whether the window brief sizes summary, comparison and article requests to fits what the server loads."""
    from ..config.catalog import window_label
    from .context import context_window

    window, mine = context_window(s), window_label(s.model, s.context_window)
    if loaded is None:
        return Step(
            "context window",
            "ok",
            f"calls sized to {mine}; the server does not report how much it loads: if less, set --context-window to it",
        )
    if window > loaded:
        return Step(
            "context window",
            "fail",
            f"calls sized to {mine}, but the server loads {loaded:,} tokens for {s.model}; longer requests would be refused",
            fix=f"pass --context-window {loaded} (or context_window = {loaded} in brief.toml, or BRIEF_CONTEXT_WINDOW)",
        )
    return Step("context window", "ok", f"calls sized to {mine}; the server loads {loaded:,}")


def _diagnose_call(report: CheckReport, exc: LLMError, models: list[str] | None, rest: Any) -> CheckReport:
    s, steps = report.settings, report.steps
    status = _status(exc)
    if status is None and _is_connection_error(exc):
        steps.extend(
            [
                Step("auth", "skip", "the call did not get through"),
                Step("model", "skip", "the call did not get through"),
            ]
        )
        if _is_timeout(exc):
            steps.append(
                Step(
                    "structured output",
                    "fail",
                    f"no answer within {s.timeout:g}s",
                    fix="raise --timeout, or use a smaller or less busy model",
                )
            )
        else:
            steps.append(
                Step(
                    "structured output",
                    "fail",
                    f"the chat call did not get through: {_short(exc)}",
                    fix=_unreachable_fix(s),
                )
            )
        return report
    if status == 429:
        steps.append(
            Step(
                "auth",
                "fail",
                f"rate-limited or out of quota ({_http_detail(exc)})",
                fix="wait and retry, or check the account's quota and billing",
            )
        )
        return rest("the call failed")
    steps.append(Step("auth", "ok", "key accepted" if s.api_key else "no key needed"))
    steps.append(Step("model", "ok", f"{s.model} answered" if status is None else f"{s.model} not reported unknown"))
    if status is not None:
        steps.append(
            Step(
                "structured output",
                "fail",
                f"the endpoint rejected the request in mode {s.mode} ({_http_detail(exc)})",
                fix=_mode_fix(s.mode),
            )
        )
    elif _is_parse_error(exc):
        steps.append(
            Step(
                "structured output",
                "fail",
                f"the answer did not parse as JSON for the response model in mode {s.mode}",
                fix=_mode_fix(s.mode),
            )
        )
    else:
        steps.append(Step("structured output", "fail", _short(exc), fix=_mode_fix(s.mode)))
    return report


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


def check_endpoint(settings: Settings, **kwargs: Any) -> CheckReport:
    """Synchronous `check_endpoint_async`."""
    return asyncio.run(check_endpoint_async(settings, **kwargs))
