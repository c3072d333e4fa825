"""Client-side rate limits (`--rpm`, `--tpm`), so a run stays under an account's quota instead of
provoking 429s.

One token bucket per limit, refilled continuously at limit/60 per second and holding at most
one second's worth (or one request's worth, whichever is larger): requests are spread evenly
over the minute, never burst. The limiter sits at the HTTP transport, together with the
`--concurrency` bound on requests in flight, so every request brief sends is counted,
validation re-asks and retries included. A request costs one request and its
estimated tokens: the body's characters / 4 (messages, tools and schema) plus its `max_tokens`,
or an allowance for the answer when it sets none. That is how OpenAI counts a request against
its TPM limit too.

Why not aiolimiter (checked with aiolimiter 1.2.1): its `AsyncLimiter(max_rate, time_period)` is a
bucket of `max_rate` that refuses an `acquire(amount)` above it (`ValueError: Can't acquire more than
the maximum capacity`). As a per-second bucket, `--tpm 600` holds 10 tokens and every request of
a few thousand tokens would fail (and `--rpm` below 60 holds less than one request); as a per-minute
bucket, `AsyncLimiter(30, 60)` admitted 30 requests at once (0.000 s), the burst these limits are
here to avoid. This bucket's capacity is one second's worth or one request's, whichever is larger.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from .cost import COMPLETION_ALLOWANCE

__all__ = ["LimitedTransport", "RateLimiter", "request_tokens"]

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    per_minute: float
    level: float = 0.0
    updated: float | None = None

    @property
    def rate(self) -> float:
        return self.per_minute / 60.0

    def capacity(self, cost: float) -> float:
        return max(self.rate, min(cost, self.per_minute), 1.0)

    def refill(self, now: float, cost: float) -> None:
        if self.updated is None:
            self.level = self.capacity(cost)
        else:
            self.level = min(self.capacity(cost), self.level + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self, cost: float) -> float:
        """Seconds until `cost` may be taken (a request bigger than the bucket waits for a full one)."""
        needed = min(cost, self.capacity(cost))
        return max(0.0, (needed - self.level) / self.rate)


class RateLimiter:
    """Paces requests to at most `rpm` requests and `tpm` tokens per minute (either may be None)."""

    def __init__(
        self,
        rpm: int | None = None,
        tpm: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if (rpm is not None and rpm < 1) or (tpm is not None and tpm < 1):
            raise ValueError("rate limits must be at least 1 per minute")
        self.rpm, self.tpm = rpm, tpm
        self._requests = _Bucket(rpm) if rpm else None
        self._tokens = _Bucket(tpm) if tpm else None
        self._clock, self._sleep = clock, sleep
        self._lock = asyncio.Lock()

    async def acquire(self, tokens: int = 0) -> float:
        """Wait until one request of `tokens` tokens fits under both limits, take it, return the wait."""
        waited = 0.0
        async with self._lock:  # first come, first served
            while True:
                now = self._clock()
                delay = 0.0
                for bucket, cost in ((self._requests, 1), (self._tokens, tokens)):
                    if bucket is not None:
                        bucket.refill(now, cost)
                        delay = max(delay, bucket.wait(cost))
                if delay <= 1e-9:
                    break
                await self._sleep(delay)
                waited += delay
            for bucket, cost in ((self._requests, 1), (self._tokens, tokens)):
                if bucket is not None:
                    bucket.level -= cost
        return waited


def request_tokens(body: bytes) -> int:
    """Estimated tokens one chat request counts against TPM: body characters / 4 + its max_tokens."""
    allowance = COMPLETION_ALLOWANCE
    if b'max_tokens"' in body or b'max_completion_tokens"' in body:  # parse only when it can matter
        try:
            data = json.loads(body)
            requested = data.get("max_completion_tokens") or data.get("max_tokens")
            if isinstance(requested, int) and requested > 0:
                allowance = requested
        except (ValueError, AttributeError):
            pass
    return len(body) // 4 + allowance


class LimitedTransport(httpx.AsyncBaseTransport):
    """At most `concurrency` requests in flight, each let go by the rate limiter (if any).

    A slot is held from sending the request to reading the whole response, and no longer:
    parsing and validating an answer happens after the next request has gone out, and an
    article waiting to retry holds no slot.
    """

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, concurrency: int | None = None, limiter: RateLimiter | None = None
    ) -> None:
        self.inner = inner
        self.limiter = limiter
        self.slots = asyncio.Semaphore(concurrency) if concurrency else None
        self.in_flight = self.peak = 0  # for tests and reporting
        self.unsent = 0  # in flight, not yet written out in full (see `_track_sending`)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.slots is not None:
            await self.slots.acquire()
        try:
            if self.limiter is not None:
                waited = await self.limiter.acquire(request_tokens(request.content))
                if waited > 0.5:
                    log.info("rate limit (--rpm/--tpm): held a request back %.1f s", waited)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            sent = self._track_sending(request)
            try:
                response = await self.inner.handle_async_request(request)
                sent()
                stream = response.stream  # the body is part of the request's time in flight: read it here, as sent
                try:
                    body = b"".join([part async for part in stream])  # type: ignore[union-attr]  # an async transport's stream is async-iterable
                finally:
                    await stream.aclose()  # type: ignore[union-attr]  # ...and closable
                response.stream = httpx.ByteStream(body)  # the client decodes it and times the response as usual
            finally:
                sent()
                self.in_flight -= 1
            return response
        finally:
            if self.slots is not None:
                self.slots.release()

    def _track_sending(self, request: httpx.Request) -> Callable[[], None]:
        """Count `request` as unsent until httpcore reports its body written (its `trace` extension),
        or, for transports that do not report it, until the response (or an error) arrives."""
        self.unsent += 1
        done = False

        def sent() -> None:
            nonlocal done
            if not done:
                done = True
                self.unsent -= 1

        outer = request.extensions.get("trace")

        async def trace(name: str, info: dict[str, Any]) -> None:
            if name.endswith("send_request_body.complete"):
                sent()
            if outer is not None:
                await outer(name, info)

        request.extensions = {**request.extensions, "trace": trace}
        return sent

    async def aclose(self) -> None:
        await self.inner.aclose()
