"""An endpoint nothing answers at (server not started, wrong --base-url) ends the run in seconds,
with the fix, instead of retrying every article for 15-20 s (issue 11, item 10)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from summarizer.config.settings import resolve_settings
from summarizer.pipeline import build_briefing

from tests.conftest import ROOT, SEED_FILES, SEEDS

FIX = "start the server, or fix --base-url / OPENAI_BASE_URL"


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _articles(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:02d}.txt").write_text(
            f" date 2025-10-10 Council {i} approves the budget\nThe council of district {i} approved its budget on Monday.\n",
            encoding="utf-8",
        )
    return folder


def test_a_run_against_a_closed_port_ends_in_seconds_with_the_fix(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    env.update(PYTHONPATH=str(ROOT), BRIEF_CACHE_DIR=str(tmp_path / "cache"))
    started = time.monotonic()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "summarizer",
            str(SEEDS),
            "--base-url",
            _closed_port_url(),
            "-o",
            str(tmp_path / "b.md"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 2, run.stderr  # the README's table: written, but files failed
    assert elapsed < 10, f"took {elapsed:.1f} s; the full retry policy takes over 20 s"
    assert "(connection refused), and nothing has answered there this run" in run.stderr
    assert run.stderr.count(FIX) == 1, "one message for the articles that failed alike, not one per article"
    assert f"0 of {len(SEED_FILES)} articles briefed" in run.stderr


def test_the_articles_after_the_first_refusals_are_not_sent(tmp_path: Path):
    folder = _articles(tmp_path / "news", 20)
    settings = resolve_settings({"base_url": _closed_port_url(), "use_cache": False, "concurrency": 2}, env={})
    started = time.monotonic()
    run = build_briefing([folder], settings)
    assert time.monotonic() - started < 5
    assert not any(r.ok for r in run.results) and all(r.unreachable for r in run.results)
    tried = [r for r in run.results if r.attempts]
    assert len(tried) <= 2 and all(r.attempts == 2 for r in tried), "one quick retry each, for the requests in flight"
    skipped = [r for r in run.results if not r.attempts]
    assert len(skipped) >= 18 and all(
        r.error.startswith("not sent: cannot connect to") and FIX in r.error for r in skipped
    )


class _GoesDown(httpx.AsyncBaseTransport):
    """The real transport for the first answer; then every connection is refused (the server stopped)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("All connection attempts failed", request=request) from ConnectionRefusedError(
                111, "Connect call failed"
            )
        response = await self.inner.handle_async_request(request)
        self.down = True
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_an_endpoint_that_answered_and_then_went_down_gets_the_full_retry_policy(tmp_path: Path, fake_openai):
    transport = _GoesDown()
    settings = resolve_settings(
        {
            "base_url": fake_openai.base_url,
            "api_key": "sk-test-0123456789",
            "use_cache": False,
            "concurrency": 1,
            "max_attempts": 3,
            "backoff_initial": 0.01,
            "backoff_max": 0.02,
        },
        env={},
    )
    run = build_briefing([SEEDS / name for name in SEED_FILES[:3]], settings, transport=transport)
    first, second, third = run.results
    assert first.ok
    assert not second.ok and not second.unreachable and second.attempts == 3, (
        "a blip of a server that answered is retried in full"
    )
    assert "connection failed" in second.error and third.attempts == 3, "and does not open the breaker at once"
