"""The test suite's network guard: any socket connection outside loopback is refused and recorded.

Allowed: 127.0.0.0/8, ::1 (and ::ffff:127.x), "localhost", and AF_UNIX sockets. Anything else
raises `NetworkRefused` (an OSError, so code under test sees an unreachable network) and is
recorded, and the conftest fixture fails the test that tried it, even if that code swallowed it.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

__all__ = ["NetworkRefused", "attempts", "install", "is_allowed"]


class NetworkRefused(ConnectionRefusedError):
    """A test tried to reach a host outside loopback."""


attempts: list[str] = []
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


def is_allowed(family: int, address: Any) -> bool:
    """True for AF_UNIX and for loopback addresses (by literal IP, or the name localhost)."""
    if family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
        return True
    host = str(address[0]).split("%", 1)[0]
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a host name other than localhost
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


def _check(sock: socket.socket, address: Any) -> None:
    if not is_allowed(sock.family, address):
        attempts.append(repr(address))
        raise NetworkRefused(f"tests run offline: connection to {address!r} refused (only loopback is allowed)")


def _connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    return _original_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _original_connect_ex(self, address)


def install() -> None:
    """Patch socket.socket.connect/connect_ex (create_connection and asyncio go through them)."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]


def uninstall() -> None:
    socket.socket.connect = _original_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _original_connect_ex  # type: ignore[method-assign]
