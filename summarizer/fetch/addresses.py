"""Which hosts `brief fetch` may connect to: a feed is untrusted input, so its links are checked first.

Before any connection (the feed, robots.txt, each page and each redirect hop) the host is resolved
and every address it resolves to is checked: loopback (127.0.0.0/8, ::1), private (10/8,
172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata service,
fe80::/10), shared, reserved, multicast and unspecified addresses are refused unless a network
given with `--allow-network` (e.g. an intranet's 10.0.0.0/8) contains them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import FetchRefused

__all__ = ["AddressPolicy", "parse_networks"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """'10.0.0.0/8', '127.0.0.1' -> networks; ValueError naming the bad value."""
    nets = []
    for value in values:
        try:
            nets.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"--allow-network {value!r} is not an address or network; write e.g. 10.0.0.0/8 or 192.168.1.20"
            ) from None
    return tuple(nets)


def _kind(ip: IPAddress) -> str | None:
    """Why an address is not public ('loopback', 'private', ...), or None for a public address."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    for kind in ("loopback", "link_local", "private", "multicast", "unspecified", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-public"  # shared address space (100.64/10), documentation ranges, ...
    return None


class AddressPolicy:
    """Refuses URLs whose host resolves to a non-public address outside the allowed networks."""

    def __init__(self, allowed: Iterable[IPNetwork] = ()) -> None:
        self.allowed = tuple(allowed)

    def refusal(self, ip: IPAddress) -> str | None:
        kind = _kind(ip)
        if kind is None or any(ip.version == net.version and ip in net for net in self.allowed):
            return None
        return kind

    async def check(self, url: str) -> None:
        """Raise FetchRefused unless `url` is http(s) and every address of its host may be reached."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            raise FetchRefused(f"not an http(s) URL ({parts.scheme or 'no scheme'}://); brief fetches only web pages")
        host = parts.hostname
        if not host:
            raise FetchRefused("no host in the URL")
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            addresses = await _resolve(host, parts.port or (443 if parts.scheme.lower() == "https" else 80))
        for ip in addresses:
            kind = self.refusal(ip)
            if kind is not None:
                raise FetchRefused(
                    f"{host} is a {kind} address ({ip}); refused, since a feed could point brief at an internal service. "
                    f"To fetch from an intranet, pass --allow-network {ip if kind == 'loopback' else _suggest(ip)}"
                )


def _suggest(ip: IPAddress) -> str:
    return str(ipaddress.ip_network(f"{ip}/{16 if ip.version == 4 else 64}", strict=False))


async def _resolve(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(
            f"cannot resolve the host {host} ({getattr(exc, 'strerror', None) or exc}); check the URL"
        ) from None
    found = []
    for info in infos:
        addr = str(info[4][0]).split("%", 1)[0]
        try:
            found.append(ipaddress.ip_address(addr))
        except ValueError:
            continue
    if not found:
        raise FetchRefused(f"the host {host} resolves to no IP address; check the URL")
    return found
