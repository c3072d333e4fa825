"""Redis cache backend: the disk cache's entries in a Redis server that many hosts share.

    brief ~/news/ --cache-url redis://cache.internal:6379/0      # or BRIEF_CACHE_URL, cache_url in brief.toml

Keys are `brief:v1:e:<cache key>` for entries and `brief:v1:l:<cache key>` for leases: one
prefix for everything brief writes (so `brief cache clear` deletes only that), versioned so a
future layout change never reads these. Values are the same JSON strings as on disk; an entry
that fails validation is a miss. An optional TTL makes entries expire.

A lease is `SET NX PX` with a random token, renewed while its request is in flight and released
by compare-and-delete, so a worker never extends or frees another worker's lease; a worker
that dies stops renewing and its leases expire after `lease_seconds`. Looking for the entry and
taking the lease are one round trip (a Lua script), and so are writing the entry and ending the
writer's lease on it.

The URL's password is treated like an API key: it is never logged or shown (`masked_url`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import CacheError
from .base import CacheStats, Counts
from ..util.urls import SCHEMES, is_redis_url, masked_url, url_password  # noqa: F401  (re-exported)

__all__ = ["PREFIX", "RedisCache", "RedisLease", "masked_url", "is_redis_url"]

T = TypeVar("T", bound=BaseModel)
PREFIX = "brief:v1:"
ENTRY, LEASE = PREFIX + "e:", PREFIX + "l:"
SCAN_BATCH = 500

_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
)
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
# Write an entry and end the writer's lease on it (if still its own): one round trip.
_SET_RELEASE = (
    "if ARGV[3] == '' then redis.call('set', KEYS[1], ARGV[1]) else redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[3]) end "
    "if redis.call('get', KEYS[2]) == ARGV[2] then redis.call('del', KEYS[2]) end return 1"
)
# The entry if there is one, else the lease if nobody holds it, else nothing: one round trip, atomic,
# so nobody can write the entry between our look and our lease (cache.base.try_claim's three steps).
_CLAIM = (
    "local v = redis.call('get', KEYS[1]) if v then return {1, v} end "
    "if redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end return {0}"
)


class RedisLease:
    def __init__(self, cache: RedisCache, key: str, token: str) -> None:
        self._cache, self._key, self._token = cache, key, token
        self._held = True
        cache._leases[key] = self  # writing the key's entry through this cache ends the lease in the same round trip

    def renew(self) -> bool:
        if not self._held:
            return False
        ok = bool(
            self._cache._call(self._cache._renew, keys=[LEASE + self._key], args=[self._token, self._cache._lease_ms])
        )
        if not ok:  # it expired (and may be someone else's now)
            self._forget()
        return ok

    def release(self) -> None:
        if self._held:
            self._forget()
            self._cache._call(self._cache._release, keys=[LEASE + self._key], args=[self._token])

    def _forget(self) -> None:
        self._held = False
        if self._cache._leases.get(self._key) is self:
            del self._cache._leases[self._key]


class RedisCache:
    """The cache in a Redis server (redis-py); raises CacheError naming the fix when it cannot reach it."""

    def __init__(self, url: str, *, ttl: float | None = None, lease_seconds: float = 30.0) -> None:
        import redis

        self.location = masked_url(url)
        self.ttl = ttl
        self.lease_seconds = lease_seconds
        self._lease_ms = max(int(lease_seconds * 1000), 100)
        self._secret = url_password(url)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError,)
        try:
            self._r = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)
            self._r.ping()
        except ValueError as exc:  # a malformed URL
            raise CacheError(
                f"--cache-url {self.location} is not a Redis URL ({self._clean(exc)}); write it as redis://host:6379/0"
            ) from None
        except redis.RedisError as exc:
            raise CacheError(
                f"cannot reach the Redis cache at {self.location} ({self._clean(exc)}); start Redis there, "
                "fix --cache-url / BRIEF_CACHE_URL, or pass --no-cache"
            ) from None
        self._renew = self._r.register_script(_RENEW)
        self._release = self._r.register_script(_RELEASE)
        self._claim = self._r.register_script(_CLAIM)
        self._set_release = self._r.register_script(_SET_RELEASE)
        self._leases: dict[str, RedisLease] = {}  # leases this cache holds, by key

    def _clean(self, exc: BaseException) -> str:
        text = f"{type(exc).__name__}: {exc}"
        return text.replace(self._secret, "****") if self._secret else text

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self._errors as exc:
            raise CacheError(
                f"lost the Redis cache at {self.location} ({self._clean(exc)}); what was paid for before is cached: "
                "rerun once Redis is back, or pass --no-cache"
            ) from None

    # -- entries
    def get(self, key: str, model: type[T]) -> T | None:
        raw = self._call(self._r.get, ENTRY + key)
        if raw is None:
            return None
        try:
            return model.model_validate_json(raw)
        except (ValidationError, ValueError):
            return None

    def set(self, key: str, value: BaseModel) -> None:
        self.put_raw(
            key, value.model_dump_json(exclude_unset=True)
        )  # as the disk cache: what the model left out stays unset

    def get_text(self, key: str) -> str | None:
        raw = self._call(self._r.get, ENTRY + key)
        try:
            return raw.decode("utf-8") if isinstance(raw, bytes) else None
        except UnicodeDecodeError:
            return None

    def set_text(self, key: str, value: str) -> None:
        self.put_raw(key, value)

    def put_raw(self, key: str, raw: str) -> None:
        """Store `raw` under `key`; a lease this cache holds on `key` ends with it (the entry is what it was for)."""
        px = int(self.ttl * 1000) if self.ttl else None
        lease = self._leases.get(key)
        if lease is None:
            self._call(self._r.set, ENTRY + key, raw.encode("utf-8"), px=px)
            return
        lease._forget()
        self._call(
            self._set_release, keys=[ENTRY + key, LEASE + key], args=[raw.encode("utf-8"), lease._token, px or ""]
        )

    def items(self) -> Iterator[tuple[str, str]]:
        keys: list[bytes] = []
        for key in self._keys(ENTRY + "*"):
            keys.append(key)
            if len(keys) >= SCAN_BATCH:
                yield from self._values(keys)
                keys = []
        yield from self._values(keys)

    def _values(self, keys: list[bytes]) -> Iterator[tuple[str, str]]:
        if not keys:
            return
        for key, raw in zip(keys, self._call(self._r.mget, keys)):
            if raw is None:
                continue
            try:
                yield key.decode("utf-8")[len(ENTRY) :], raw.decode("utf-8")
            except UnicodeDecodeError:
                continue

    # -- leases
    def get_or_lease(self, key: str, model: type[T]) -> tuple[T | None, RedisLease | None]:
        """(entry, None) when there is a valid entry; else (None, the key's lease), or (None, None) while another worker holds it.

        One round trip (a Lua script over the entry and lease keys) instead of get, lease, get."""
        token = secrets.token_hex(8)
        found = self._call(self._claim, keys=[ENTRY + key, LEASE + key], args=[token, self._lease_ms])
        if found[0] == 1:
            try:
                return model.model_validate_json(found[1]), None
            except (ValidationError, ValueError):  # an entry that no longer validates is a miss: the three steps then
                lease = self.lease(key)
                value = self.get(key, model) if lease is not None else None
                if value is not None and lease is not None:
                    lease.release()
                    return value, None
                return None, lease
        return None, RedisLease(self, key, token) if found[0] == 2 else None

    def lease(self, key: str) -> RedisLease | None:
        token = secrets.token_hex(8)
        if self._call(self._r.set, LEASE + key, token, nx=True, px=self._lease_ms):
            return RedisLease(self, key, token)
        return None

    # -- maintenance
    def _keys(self, pattern: str) -> Iterator[bytes]:
        cursor = 0
        while True:
            cursor, keys = self._call(self._r.scan, cursor, match=pattern, count=SCAN_BATCH)
            yield from keys
            if not cursor:
                return

    def stats(self) -> CacheStats:
        counts = Counts()
        for key in self._keys(ENTRY + "*"):
            counts = counts.add(key.decode("utf-8", "replace")[len(ENTRY) :])
        info = self._call(self._r.info, "memory")
        server = self._call(self._r.info, "server")
        detail = f"Redis {server.get('redis_version', '?')}, server memory in use {info.get('used_memory_human', '?')}"
        return CacheStats(self.location, counts.entries, None, detail, detections=counts.detections)

    def clear(self) -> Counts:
        """Delete brief's entries and leases (keys under `brief:v1:`), nothing else in the database."""
        removed, batch = Counts(), []
        for key in self._keys(PREFIX + "*"):
            batch.append(key)
            if key.startswith(ENTRY.encode()):
                removed = removed.add(key.decode("utf-8", "replace")[len(ENTRY) :])
            if len(batch) >= SCAN_BATCH:
                self._call(self._r.delete, *batch)
                batch = []
        if batch:
            self._call(self._r.delete, *batch)
        return removed

    def close(self) -> None:
        try:
            self._r.close()
        except Exception:  # closing a dead connection is not an error worth reporting
            pass
