"""On-disk cache of validated LLM results (diskcache), so no article is ever paid for twice.

Keys are built from everything that changes the answer: namespace (live or replay), model,
prompt hash, response-schema hash and the content hash of the input. Values are stored as
JSON (`model_dump_json`) and restored with `model_validate_json`; an entry that no longer
validates is a miss, never a crash. Each result is written as soon as it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import CacheError

__all__ = ["cache_key", "BriefCache", "CacheStats"]

T = TypeVar("T", bound=BaseModel)


def cache_key(kind: str, *, namespace: str, model: str, prompt_hash: str, schema_hash: str, subject: str) -> str:
    """The cache key for one result; any change in its parts is a different key."""
    return f"{kind}|{namespace}|{model}|p{prompt_hash}|s{schema_hash}|{subject}"


@dataclass(frozen=True)
class CacheStats:
    directory: Path
    entries: int
    size_bytes: int


class BriefCache:
    """A thin wrapper around diskcache.Cache; `None` directory means caching is off."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._cache: Any = None
        if directory is not None:
            import diskcache

            try:
                directory.mkdir(parents=True, exist_ok=True)
                self._cache = diskcache.Cache(str(directory), timeout=60)
            except (OSError, Exception) as exc:  # diskcache raises sqlite3 errors too
                raise CacheError(f"cannot open cache at {directory} ({exc}); pass --cache-dir with a writable folder, or --no-cache") from exc

    def get(self, key: str, model: type[T]) -> T | None:
        """The cached value, or None when absent, corrupt or no longer valid for `model`."""
        if self._cache is None:
            return None
        try:
            raw = self._cache.get(key)
        except Exception:  # a damaged database row is a miss
            return None
        if not isinstance(raw, str):
            return None
        try:
            return model.model_validate_json(raw)
        except ValidationError:
            return None

    def set(self, key: str, value: BaseModel) -> None:
        """Store `value` durably (diskcache commits each write)."""
        if self._cache is not None:
            self._cache.set(key, value.model_dump_json())

    def get_text(self, key: str) -> str | None:
        """A small cached string (e.g. a detected language), or None."""
        if self._cache is None:
            return None
        try:
            value = self._cache.get(key)
        except Exception:
            return None
        return value if isinstance(value, str) else None

    def set_text(self, key: str, value: str) -> None:
        if self._cache is not None:
            self._cache.set(key, value)

    def stats(self) -> CacheStats:
        if self._cache is None or self.directory is None:
            raise CacheError("caching is off (--no-cache); nothing to report")
        return CacheStats(self.directory, len(self._cache), int(self._cache.volume()))

    def clear(self) -> int:
        if self._cache is None:
            return 0
        return int(self._cache.clear())

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
