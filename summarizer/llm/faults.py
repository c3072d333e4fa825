"""What went wrong with a request: the endpoint errors brief raises, which faults are worth resending, and
each fault described in one line (never the key; see `LLMClient.redact`).

openai is imported inside the functions that need it (it costs about a second), so importing this module is cheap.
"""

from __future__ import annotations

import email.utils
import re
import time
import urllib.parse

from ..config.settings import Settings
from ..errors import LLMError, ReplayMissError

__all__ = [
    "EndpointError",
    "EndpointUnreachableError",
    "LOCAL_RESEND_NOTE",
    "cannot_connect",
    "connect_reason",
    "context_overflow",
    "describe_error",
    "is_transient",
    "retry_after",
    "root_cause",
    "schema_refused",
    "timed_out_on_this_machine",
]


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


def cannot_connect(exc: BaseException) -> bool:
    """The request never reached a server: connection refused, unknown host, or no answer to connect."""
    import httpx

    return any(isinstance(e, (httpx.ConnectError, httpx.ConnectTimeout)) for e in _chain(exc))


def connect_reason(exc: BaseException) -> str:
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


def retry_after(exc: BaseException, cap: float) -> float | None:
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


def timed_out_on_this_machine(root: BaseException, settings: Settings) -> bool:
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


_CONTEXT_WORDS = re.compile(
    r"context[ _](length|size|window)", re.I
)  # 'maximum context length', context_length_exceeded, exceed_context_size_error
_CONTEXT_TOKENS = re.compile(r"maximum context length is (\d+)", re.I)


def context_overflow(exc: BaseException) -> int | None:
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


_SCHEMA_WORDS = re.compile(r"response_format|json_schema|schema", re.I)


def schema_refused(exc: BaseException, mode: str) -> str | None:
    """The server's refusal of the schema in `response_format` (HTTP 400/422/500 naming it), for a mode that sends one; else None."""
    import openai

    from ..config.model import SCHEMA_MODES

    root = root_cause(exc)
    if (
        mode not in SCHEMA_MODES
        or not isinstance(root, openai.APIStatusError)
        or root.status_code not in (400, 422, 500, 501)
    ):
        return None
    detail = describe_error(root)
    return detail if _SCHEMA_WORDS.search(detail) else None
