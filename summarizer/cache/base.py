"""What every cache backend offers (disk, Redis), and the lease protocol on top of it.

Entries are content-addressed JSON strings: the same keys (`cache_key`) and values in every
backend, so `brief cache copy` moves them as they are, and an entry that no longer validates
is a miss, never a crash.

A *lease* is a short claim on one key while its answer is being paid for. A worker that finds
no entry takes the lease before sending; a second worker that finds the lease taken waits for
the first one's entry instead of paying again. Leases end when the holder writes the entry and
releases them, or by themselves when the holder dies (Redis: the key expires unless renewed;
disk: the OS drops the file lock with the process).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from pydantic import BaseModel

__all__ = [
    "Cache",
    "CacheStats",
    "Counts",
    "LANGUAGE_PREFIX",
    "Claim",
    "Lease",
    "NoLease",
    "claim",
    "keep_alive",
    "try_claim",
    "wait_for_claim",
    "WAIT_POLL",
]

T = TypeVar("T", bound=BaseModel)
WAIT_POLL = 0.1  # seconds between looks at a key another worker holds (plus jitter)


LANGUAGE_PREFIX = "lang|"  # a remembered language detection, not an answer


@dataclass(frozen=True)
class Counts:
    """What `brief cache info`, `clear` and `copy` count alike: answers, and language detections apart."""

    entries: int = 0
    detections: int = 0

    def add(self, key: str) -> Counts:
        if key.startswith(LANGUAGE_PREFIX):
            return Counts(self.entries, self.detections + 1)
        return Counts(self.entries + 1, self.detections)

    def __str__(self) -> str:
        more = f" (plus {self.detections} remembered language detection(s))" if self.detections else ""
        return f"{self.entries} entries{more}"


@dataclass(frozen=True)
class CacheStats:
    location: str  # a folder, or a Redis URL with its password masked
    entries: int  # answers (expired ones not counted)
    size_bytes: int | None  # None when the backend cannot tell the size of brief's entries alone
    detail: str = ""
    detections: int = 0  # remembered language detections, not answers


class Lease(Protocol):
    """A claim on one key; `renew` keeps it, `release` ends it (both harmless once it is gone)."""

    def renew(self) -> bool: ...

    def release(self) -> None: ...


class NoLease:
    """The lease of a backend without leases (caching off): always granted, nothing to keep."""

    def renew(self) -> bool:
        return True

    def release(self) -> None:
        return None


class Cache(Protocol):
    """The operations the pipeline and `brief cache` use; see BriefCache and RedisCache."""

    location: str
    lease_seconds: float

    def get(self, key: str, model: type[T]) -> T | None: ...
    def set(self, key: str, value: BaseModel) -> None: ...
    def get_text(self, key: str) -> str | None: ...
    def set_text(self, key: str, value: str) -> None: ...
    def lease(self, key: str) -> Lease | None: ...
    def items(self) -> Iterator[tuple[str, str]]: ...
    def put_raw(self, key: str, raw: str) -> None: ...
    def stats(self) -> CacheStats: ...
    def clear(self) -> Counts: ...
    def close(self) -> None: ...


@dataclass
class Claim:
    """What a worker found for a key: the entry (`value`), the lease to pay for it, or neither (`busy`)."""

    value: BaseModel | None = None
    lease: Lease | None = None

    @property
    def busy(self) -> bool:
        return self.value is None and self.lease is None


def try_claim(cache: Cache, key: str, model: type[T]) -> Claim:
    """The entry if there is one; else the key's lease if nobody holds it; else a busy Claim. Never waits.

    A backend that can do all of it in one step (Redis: one round trip) offers `get_or_lease(key, model)`."""
    at_once = getattr(cache, "get_or_lease", None)
    if at_once is not None:
        value, lease = at_once(key, model)
        return Claim(value=value, lease=lease)
    value = cache.get(key, model)
    if value is not None:
        return Claim(value=value)
    lease = cache.lease(key)
    if lease is None:
        return Claim()
    value = cache.get(key, model)  # the holder may have written it and let go just before we took the lease
    if value is not None:
        lease.release()
        return Claim(value=value)
    return Claim(lease=lease)


async def wait_for_claim(cache: Cache, key: str, model: type[T]) -> Claim:
    """Wait while another worker holds `key`: its entry, or the lease once it lets go (or dies)."""
    while True:
        found = try_claim(cache, key, model)
        if not found.busy:
            return found
        await asyncio.sleep(WAIT_POLL * (0.5 + random.random()))


async def claim(cache: Cache, key: str, model: type[T], *, before_wait: Callable[[], None] | None = None) -> Claim:
    """`try_claim`, waiting (after calling `before_wait`, e.g. to free a concurrency slot) while another worker holds the key."""
    found = try_claim(cache, key, model)
    if found.busy:
        if before_wait is not None:
            before_wait()
        found = await wait_for_claim(cache, key, model)
    return found


@contextlib.asynccontextmanager
async def keep_alive(lease: Lease | None, seconds: float) -> AsyncIterator[None]:
    """Renew `lease` every third of its lifetime while the block runs (a request in flight); release it afterwards."""
    if lease is None:
        yield
        return

    async def renew() -> None:
        while True:
            await asyncio.sleep(max(seconds / 3, 0.05))
            lease.renew()  # a lost lease (it expired) only risks a second payment, never a wrong entry

    task = asyncio.create_task(renew())
    try:
        yield
    finally:
        task.cancel()
        try:
            # the renewer's own end is a result here; a cancellation of this task (Ctrl-C) arriving meanwhile
            # still propagates (contextlib.suppress(CancelledError) swallowed it, and the run went on to exit 0)
            await asyncio.gather(task, return_exceptions=True)
        finally:
            lease.release()
