"""The suite runs offline: the autouse guard refuses every connection outside loopback."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests import netguard


@pytest.mark.parametrize(
    "address", [("203.0.113.7", 443), ("8.8.8.8", 53), ("2001:db8::1", 443, 0, 0), ("api.openai.com", 443)]
)
def test_connections_outside_loopback_are_refused_and_recorded(address):
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with (
        socket.socket(family, socket.SOCK_STREAM) as sock,
        pytest.raises(netguard.NetworkRefused, match="tests run offline"),
    ):
        sock.connect(address)
    assert netguard.attempts == [repr(address)]
    netguard.attempts.clear()  # this test tried on purpose


def test_an_http_client_cannot_reach_the_internet():
    with pytest.raises(httpx.ConnectError):
        httpx.get("http://203.0.113.7/", timeout=2)
    assert netguard.attempts
    netguard.attempts.clear()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "localhost"])
def test_loopback_is_allowed(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1" if host == "localhost" else host, 0))
        server.listen(1)
        port = server.getsockname()[1]
        with socket.create_connection((host, port), timeout=2):
            pass
    assert netguard.attempts == []


def test_unix_sockets_and_ipv6_loopback_are_allowed():
    assert netguard.is_allowed(socket.AF_UNIX, "/tmp/redis.sock")
    assert netguard.is_allowed(socket.AF_INET6, ("::1", 80, 0, 0))
    assert netguard.is_allowed(socket.AF_INET6, ("::ffff:127.0.0.1", 80, 0, 0))
    assert not netguard.is_allowed(socket.AF_INET6, ("::ffff:10.0.0.1", 80, 0, 0))
