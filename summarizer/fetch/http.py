"""The one HTTP path of `brief fetch`: polite (per-host limits, a delay, a User-Agent naming brief) and safe.

Safe means: only http(s); redirects followed by hand, at most `max_redirects`, each hop checked;
every connection goes through a network backend that resolves the host itself, refuses
non-public addresses (addresses.py) and connects to the address it checked, so a DNS answer
cannot change between the check and the connection; a timeout on connect and on each read;
bodies read in chunks and abandoned past `max_bytes`. Failures raise FetchFailed or
FetchRefused with a reason naming the fix; the caller reports them per feed or page.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from ..errors import FetchFailed, FetchRefused
from .addresses import AddressPolicy, _resolve

__all__ = ["Fetcher", "Response", "user_agent", "host_key"]

REDIRECTS = (301, 302, 303, 307, 308)


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("brief")
    except PackageNotFoundError:  # pragma: no cover - a plain checkout on sys.path
        number = "dev"
    return f"brief/{number} (news feed fetcher)"


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    content: bytes


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address against the policy, then connects to the address it checked."""

    def __init__(self, policy: AddressPolicy) -> None:
        from httpcore._backends.auto import AutoBackend

        self.policy = policy
        self.inner = AutoBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        import ipaddress

        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            addresses = await _resolve(host, port)
        for ip in addresses:
            kind = self.policy.refusal(ip)
            if kind is not None:
                raise FetchRefused(_refused(host, kind, ip))
        return await self.inner.connect_tcp(
            str(addresses[0]), port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise FetchRefused("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:  # pragma: no cover
        await self.inner.sleep(seconds)


def _refused(host: str, kind: str, ip: object) -> str:
    return (
        f"{host} is a {kind} address ({ip}): refused, since a feed could point brief at an internal service; "
        f"to fetch from your own network, pass --allow-network with that address or network"
    )


class Fetcher:
    """GETs with per-host concurrency `per_host`, `delay` seconds between requests to a host, and the safety rules above."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        max_redirects: int = 5,
        per_host: int = 2,
        delay: float = 1.0,
    ) -> None:
        self.policy = policy
        self.timeout, self.max_bytes, self.max_redirects = timeout, max_bytes, max_redirects
        self.per_host, self.delay = per_host, delay
        self.requests = 0
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}
        self.host_delay: dict[str, float] = {}  # a longer delay a host asks for (robots.txt Crawl-delay)
        transport = httpx.AsyncHTTPTransport(retries=0, trust_env=False)
        transport._pool = httpcore.AsyncConnectionPool(  # the same pool httpx builds, with the checking backend
            ssl_context=httpx.create_ssl_context(),
            max_connections=64,
            max_keepalive_connections=32,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(policy),
        )
        self.client = httpx.AsyncClient(
            transport=transport,
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(self, url: str, *, headers: dict[str, str] | None = None, max_bytes: int | None = None) -> Response:
        """GET `url`, following at most `max_redirects` redirects, each to an http(s) URL on an allowed address."""
        limit = max_bytes or self.max_bytes
        for _ in range(self.max_redirects + 1):
            scheme = urlsplit(url).scheme.lower()
            if scheme not in ("http", "https"):
                raise FetchRefused(f"not an http(s) URL ({scheme or 'no scheme'}:); brief fetches only web pages")
            response = await self._one(url, headers or {}, limit)
            if response.status in REDIRECTS and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            return response
        raise FetchFailed(
            f"more than {self.max_redirects} redirects; open the URL in a browser to find where it ends up"
        )

    async def _one(self, url: str, headers: dict[str, str], limit: int) -> Response:
        async with self._slot(host_key(url)):
            self.requests += 1
            try:
                async with asyncio.timeout(self.timeout * 3):  # a server trickling bytes forever
                    async with self.client.stream("GET", url, headers=headers) as resp:
                        declared = resp.headers.get("content-length", "")
                        if declared.isdigit() and int(declared) > limit:
                            raise FetchFailed(_too_large(int(declared), limit))
                        body = bytearray()
                        async for chunk in resp.aiter_bytes():
                            body += chunk
                            if len(body) > limit:
                                raise FetchFailed(_too_large(None, limit))
                        return Response(str(resp.url), resp.status_code, resp.headers, bytes(body))
            except (TimeoutError, httpx.TimeoutException):
                raise FetchFailed(
                    f"no answer within {self.timeout:g} s (timed out); the server may be down, try again later or raise --timeout"
                ) from None
            except httpx.DecodingError as exc:
                raise FetchFailed(
                    f"the body does not decode as the server says ({exc}); the server is sending broken data"
                ) from None
            except httpx.HTTPError as exc:
                raise FetchFailed(
                    f"cannot connect ({type(exc).__name__}: {exc or 'no detail'}); check the URL or try again later"
                ) from None

    def _slot(self, host: str) -> _HostSlot:
        if host not in self._slots:
            self._slots[host] = asyncio.Semaphore(self.per_host)
        return _HostSlot(self, host)


def _too_large(declared: int | None, limit: int) -> str:
    size = f"{declared / 1e6:.1f} MB" if declared else f"over {limit / 1e6:g} MB"
    return f"too large ({size}; the limit is {limit / 1e6:g} MB); raise --max-mb if this really is one article"


class _HostSlot:
    """One of a host's `per_host` slots, entered no sooner than `delay` after the host's previous request started."""

    def __init__(self, fetcher: Fetcher, host: str) -> None:
        self.fetcher, self.host = fetcher, host
        self.sem = fetcher._slots[host]

    async def __aenter__(self) -> None:
        await self.sem.acquire()
        f = self.fetcher
        now = time.monotonic()
        start = max(now, f._next.get(self.host, now))
        f._next[self.host] = start + f.host_delay.get(self.host, f.delay)
        if start > now:
            await asyncio.sleep(start - now)

    async def __aexit__(self, *exc: object) -> None:
        self.sem.release()
