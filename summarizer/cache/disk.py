"""On-disk cache of validated LLM results (diskcache), so no article is ever paid for twice.

Keys are built from everything that changes the answer: namespace (live or replay), model,
prompt hash, response-schema hash and the content hash of the input. Values are stored as
JSON (`model_dump_json(exclude_unset=True)`, so a restored answer still tells which fields the
model left out, exactly as a fresh one) and restored with `model_validate_json`; an entry that
no longer validates is a miss, never a crash. Each result is written as soon as it arrives.

Processes sharing the folder share leases too (see cache.base): a lease is an OS file lock on
`leases/<hash of the key>.lock`, dropped by the OS when its process dies. On POSIX it is one
non-blocking `flock` on the file (a few system calls per article); elsewhere filelock's lock.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import CacheError
from .base import CacheStats, Counts, NoLease

__all__ = ["cache_key", "BriefCache", "CacheStats", "DiskLease", "FlockLease"]

T = TypeVar("T", bound=BaseModel)


def cache_key(kind: str, *, namespace: str, model: str, prompt_hash: str, schema_hash: str, subject: str) -> str:
    """The cache key for one result; any change in its parts is a different key."""
    return f"{kind}|{namespace}|{model}|p{prompt_hash}|s{schema_hash}|{subject}"


try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: filelock's lock instead
    fcntl = None  # type: ignore[assignment]  # no fcntl (Windows): leases fall back to lock files

_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)


class FlockLease:
    """A non-blocking `flock` on one key's lock file (POSIX), removed again on release.

    Closing the descriptor drops the lock, and so does the OS when the process dies.
    """

    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self._path = path

    @classmethod
    def take(cls, path: Path) -> FlockLease | None:
        """The lock on `path`, or None while another process (or task) holds it."""
        while True:
            try:
                fd = os.open(path, _OPEN_FLAGS, 0o644)
            except FileNotFoundError:  # the leases folder was removed meanwhile
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, _OPEN_FLAGS, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # held by someone else (EWOULDBLOCK)
                os.close(fd)
                return None
            if os.fstat(fd).st_nlink:
                return cls(fd, path)
            # The holder released (and removed) this file between our open and our lock: a newer
            # file may already be locked by a third worker, so lock the file that is there now.
            os.close(fd)

    def renew(self) -> bool:
        return self._fd is not None  # the OS keeps it as long as the process lives

    def release(self) -> None:
        if self._fd is not None:
            # Unlink while still holding it: whoever takes a fresh lock afterwards re-reads the entry first.
            self._path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None


class DiskLease:
    """A non-blocking OS file lock on one key's lock file (filelock, where there is no `flock`), removed again on release."""

    def __init__(self, lock: Any, path: Path) -> None:
        self._lock, self._path = lock, path

    def renew(self) -> bool:
        return self._lock.is_locked  # the OS keeps it as long as the process lives

    def release(self) -> None:
        if self._lock.is_locked:
            # Unlink while still holding it: whoever takes a fresh lock afterwards re-reads the entry first.
            self._path.unlink(missing_ok=True)
            self._lock.release()


class BriefCache:
    """A thin wrapper around diskcache.Cache; `None` directory means caching is off.

    `ttl` (seconds) makes entries expire; `None` keeps them until `brief cache clear`.
    """

    def __init__(self, directory: Path | None, *, ttl: float | None = None, lease_seconds: float = 30.0) -> None:
        self.directory = directory
        self.location = str(directory) if directory is not None else "(caching off)"
        self.ttl = ttl
        self.lease_seconds = lease_seconds
        self._cache: Any = None
        self._leases_ready = False  # leases/ exists
        if directory is not None:
            import diskcache

            try:
                directory.mkdir(parents=True, exist_ok=True)
                self._cache = diskcache.Cache(str(directory), timeout=60)
            except (OSError, Exception) as exc:  # diskcache raises sqlite3 errors too
                raise CacheError(
                    f"cannot open cache at {directory} ({exc}); pass --cache-dir with a writable folder, or --no-cache"
                ) from exc

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
            self._cache.set(key, value.model_dump_json(exclude_unset=True), expire=self.ttl)

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
            self._cache.set(key, value, expire=self.ttl)

    def lease(self, key: str) -> FlockLease | DiskLease | NoLease | None:
        """The key's lease, or None while another process (or task) holds it."""
        if self._cache is None or self.directory is None:
            return NoLease()
        path = self.directory / "leases" / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ".lock")
        if not self._leases_ready:
            path.parent.mkdir(exist_ok=True)
            self._leases_ready = True
        if fcntl is not None:
            return FlockLease.take(path)
        from filelock import FileLock, Timeout

        lock = FileLock(str(path), thread_local=False)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            return None
        return DiskLease(lock, path)

    def items(self) -> Iterator[tuple[str, str]]:
        """Every entry as (key, stored text), for `brief cache copy`."""
        if self._cache is None:
            return
        for key in self._cache.iterkeys():
            try:
                raw = self._cache.get(key)
            except Exception:
                continue
            if isinstance(key, str) and isinstance(raw, str):
                yield key, raw

    def put_raw(self, key: str, raw: str) -> None:
        """Store an entry copied from another cache as it is."""
        if self._cache is not None:
            self._cache.set(key, raw, expire=self.ttl)

    def _counts(self) -> Counts:
        """Live entries only (an expired entry is gone for every run), answers and detections apart."""
        assert self._cache is not None
        counts = Counts()
        for key in self._cache.iterkeys():
            if isinstance(key, str) and key in self._cache:
                counts = counts.add(key)
        return counts

    def stats(self) -> CacheStats:
        if self._cache is None or self.directory is None:
            raise CacheError("caching is off (--no-cache); nothing to report")
        counts = self._counts()
        return CacheStats(str(self.directory), counts.entries, int(self._cache.volume()), detections=counts.detections)

    def clear(self) -> Counts:
        if self._cache is None:
            return Counts()
        counts = self._counts()
        self._cache.clear()
        return counts

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
