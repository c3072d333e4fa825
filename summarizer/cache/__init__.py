"""Content-addressed cache of the model's answers: never pay twice for the same request.

`open_cache(settings)` gives the backend the settings name: a Redis server (`--cache-url`),
else the diskcache folder (`--cache-dir`), else nothing (`--no-cache`). Both backends offer
the same operations (`base.Cache`) and store the same entries.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import Cache, CacheStats
from .disk import BriefCache, cache_key

if TYPE_CHECKING:  # pragma: no cover
    from ..config.settings import Settings

__all__ = ["BriefCache", "Cache", "CacheStats", "cache_key", "open_cache", "open_cache_at"]


def open_cache_at(location: str | Path, *, ttl: float | None = None, lease_seconds: float = 30.0) -> Cache:
    """The cache at `location`: a Redis URL (redis://, rediss://, unix://) or a folder."""
    from .redis import is_redis_url

    if isinstance(location, str) and is_redis_url(location):
        from .redis import RedisCache

        return RedisCache(location, ttl=ttl, lease_seconds=lease_seconds)
    return BriefCache(Path(location).expanduser(), ttl=ttl, lease_seconds=lease_seconds)


def open_cache(settings: Settings) -> Cache:
    """The cache the settings name (caching off with `use_cache=False`)."""
    if not settings.use_cache:
        return BriefCache(None)
    if settings.cache_url is not None:
        return open_cache_at(
            settings.cache_url.get_secret_value(), ttl=settings.cache_ttl, lease_seconds=settings.cache_lease
        )
    return BriefCache(settings.cache_dir, ttl=settings.cache_ttl, lease_seconds=settings.cache_lease)
