"""A real Redis server for the tests: Debian's redis-server on a free loopback port, no persistence.

`.ci/run` installs it. Without it the Redis tests skip on a developer machine, and fail in CI
(env CI set), so a CI image that lost the package cannot pass silently.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

INSTALL_HINT = "redis-server is not installed; install it with `apt-get install -y redis-server` (.ci/run does)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on 127.0.0.1:<free port>; yield its URL (database 0); stop it afterwards."""
    binary = shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if os.path.exists(p)), None
    )
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    import redis

    with tempfile.TemporaryDirectory(prefix="brief-redis-") as workdir:
        for _ in range(5):  # another process may take the port between choosing and binding it
            port = _free_port()
            process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    workdir,
                    "--protected-mode",
                    "yes",
                    "--loglevel",
                    "warning",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            url = f"redis://127.0.0.1:{port}/0"
            client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    client.ping()
                    break
                except redis.RedisError:
                    time.sleep(0.02)
            else:
                process.kill()
                process.wait()
                continue
            client.close()
            try:
                yield url
            finally:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            return
    pytest.fail("redis-server did not start on a free loopback port after 5 tries")
