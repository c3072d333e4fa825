"""One exception hierarchy for the library; the CLI turns these into messages and exit codes."""

from __future__ import annotations

__all__ = [
    "BriefError",
    "ConfigError",
    "ArticleError",
    "PromptError",
    "LLMError",
    "AuthError",
    "ModelNotFoundError",
    "ReplayMissError",
    "CacheError",
    "FetchError",
    "FetchRefused",
    "FetchFailed",
]


class BriefError(Exception):
    """Base class of every error brief raises on purpose. The message always names the fix."""

    exit_code = 1


class ConfigError(BriefError):
    """Settings are missing or contradictory (endpoint, model, mode, paths)."""


class ArticleError(BriefError):
    """An article file cannot be used; `path` names it and the message says why and what to do."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class PromptError(BriefError):
    """A prompt template is missing, malformed, or asks for a variable nobody supplied."""


class LLMError(BriefError):
    """A request to the model failed for good (after the retry policy gave up)."""

    def __init__(self, message: str, *, attempts: int = 0, usage: dict[str, int] | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or {}


class AuthError(LLMError):
    """The endpoint refused the API key (HTTP 401/403): retrying cannot help."""


class ModelNotFoundError(LLMError):
    """The endpoint does not serve the requested model (HTTP 404): retrying cannot help."""


class ReplayMissError(LLMError):
    """`--replay` has no recording for a request (or only a stale one)."""


class CacheError(BriefError):
    """The cache directory cannot be opened or written."""


class FetchError(BriefError):
    """`brief fetch` cannot start: a feed argument or the output folder is unusable."""


class FetchRefused(BriefError):
    """A URL `brief fetch` will not request: not http(s), or its host resolves to a loopback, private or link-local address."""


class FetchFailed(BriefError):
    """One feed or page could not be fetched or read (HTTP error, timeout, too large, not a feed, no text); the run goes on."""
