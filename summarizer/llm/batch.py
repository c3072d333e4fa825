"""The OpenAI Files and Batches endpoints, through the openai SDK, under the client's one retry layer.

`files.create`, `batches.create`, `batches.retrieve` and `files.content` are the SDK's; the
retries (429, 5xx, timeouts, connection errors; Retry-After honoured) are `LLMClient.retrying`,
the same policy every chat completion gets, with the SDK's own retries off. Errors become
brief's exceptions with the fix in one line, the key never in them. These requests are not
counted as LLM requests (they answer no prompt) and skip the rate limiter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import AuthError, LLMError
from .client import LLMClient
from .faults import EndpointError, describe_error, is_transient, root_cause

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["BatchApi", "BatchNotFound"]

R = TypeVar("R")


NO_BATCH_API_STATUS = (
    400,
    404,
    405,
    415,
    422,
    501,
)  # how servers without /files or /batches answer an upload or a batch


class BatchNotFound(LLMError):
    """HTTP 404: no Batch API at this endpoint, or a batch or file id it does not know."""


class BatchApi:
    """The few Files and Batches calls brief needs; each returns the SDK object as a plain dict."""

    def __init__(self, client: LLMClient, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.llm = client
        self.settings = client.settings
        self._transport = transport
        self._sdk: Any = None

    def _client(self) -> Any:
        if self._sdk is None:
            import httpx
            import openai

            s = self.settings
            http_client = httpx.AsyncClient(transport=self._transport or httpx.AsyncHTTPTransport(), timeout=s.timeout)
            key = s.api_key.get_secret_value() if s.api_key else "not-needed"
            self._sdk = openai.AsyncOpenAI(
                api_key=key, base_url=s.base_url, max_retries=0, timeout=s.timeout, http_client=http_client
            )
        return self._sdk

    async def close(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()

    async def upload(self, name: str, data: bytes) -> dict[str, Any]:
        """POST /files (purpose=batch): the JSONL input file."""
        return await self._call(
            "POST /files", lambda sdk: sdk.files.create(file=(name, data, "application/jsonl"), purpose="batch")
        )

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> dict[str, Any]:
        """POST /batches: chat completions from `input_file_id`, within 24 hours."""
        return await self._call(
            "POST /batches",
            lambda sdk: sdk.batches.create(
                input_file_id=input_file_id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
                metadata=metadata,
            ),
        )

    async def retrieve(self, batch_id: str) -> dict[str, Any]:
        """GET /batches/{id}: its status, request counts and output file."""
        return await self._call(f"GET /batches/{batch_id}", lambda sdk: sdk.batches.retrieve(batch_id))

    async def content(self, file_id: str) -> str:
        """GET /files/{id}/content: the output JSONL."""
        return await self._call(
            f"GET /files/{file_id}/content", lambda sdk: sdk.files.content(file_id), dump=lambda r: r.text
        )

    async def _call(
        self, what: str, request: Callable[[Any], Awaitable[Any]], *, dump: Callable[[Any], Any] | None = None
    ) -> Any:
        sdk, attempts = self._client(), 0
        try:
            async for attempt in self.llm.retrying(f"batch {what}"):
                with attempt:
                    attempts += 1
                    response = await request(sdk)
                    return dump(response) if dump else response.model_dump(mode="json")
        except Exception as exc:  # translated below, or re-raised as is
            raise self._translate(exc, what, attempts) from None
        raise LLMError("no attempt was made")  # pragma: no cover - tenacity always makes one

    def _translate(self, exc: Exception, what: str, attempts: int) -> Exception:
        import openai

        root = root_cause(exc)
        if not isinstance(root, openai.OpenAIError):
            return exc
        where = f"{self.settings.endpoint} ({what})"
        problem = describe_error(root)
        if isinstance(root, (openai.AuthenticationError, openai.PermissionDeniedError)):
            key_env = self.settings.key_env or "OPENAI_API_KEY"
            return AuthError(
                self.llm.redact(
                    f"{where} refused the API key ({problem}); set a valid key in {key_env} or pass --api-key"
                )
            )
        status = getattr(root, "status_code", None)
        if what in ("POST /files", "POST /batches") and status in NO_BATCH_API_STATUS:
            return LLMError(
                self.llm.redact(
                    f"{self.settings.endpoint} has no OpenAI Batch API: {what} was answered {problem} (local servers such as llama.cpp, "
                    "Ollama and vLLM, and most OpenAI-compatible services, have none); drop --batch, or use an endpoint with a Batch API (OpenAI, Azure OpenAI)"
                )
            )
        if isinstance(root, openai.NotFoundError):
            return BatchNotFound(
                self.llm.redact(
                    f"{where} found no such resource ({problem}); if this endpoint has no Batch API, drop --batch"
                )
            )
        if is_transient(root):
            return EndpointError(self.llm.redact(f"{where} failed after {attempts} attempt(s): {problem}"))
        return LLMError(self.llm.redact(f"{where} rejected the batch request ({problem})"))
