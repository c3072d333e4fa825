"""Client-side limits: --rpm / --tpm pacing, --concurrency as requests in flight, and the progress bar.

The limiter is tested against a fake clock (its sleeps advance the clock), so no test waits.
"""

from __future__ import annotations

import asyncio
import io
import json
import re

import httpx
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import Settings, resolve_settings
from summarizer.llm.cost import COMPLETION_ALLOWANCE
from summarizer.llm.client import LLMClient
from summarizer.pipeline import build_briefing
from summarizer.llm.ratelimit import LimitedTransport, RateLimiter, request_tokens


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def start_times(limiter: RateLimiter, clock: FakeClock, costs: list[int]) -> list[float]:
    async def go() -> list[float]:
        times = []
        for cost in costs:
            await limiter.acquire(cost)
            times.append(round(clock.now, 6))
        return times

    return asyncio.run(go())


def limited(rpm: int | None = None, tpm: int | None = None) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(rpm, tpm, clock=clock, sleep=clock.sleep), clock


@pytest.mark.parametrize(
    ("rpm", "expected"),
    [
        (60, [0, 1, 2, 3, 4]),  # one a second, evenly
        (30, [0, 2, 4, 6, 8]),
        (600, [0] * 10 + [0.1, 0.2]),  # one second's worth (10) at once, then 10 a second
    ],
)
def test_rpm_spreads_requests_evenly_over_the_minute(rpm, expected):
    limiter, clock = limited(rpm=rpm)
    assert start_times(limiter, clock, [0] * len(expected)) == pytest.approx(expected)


def test_tpm_charges_each_request_its_tokens():
    limiter, clock = limited(tpm=6000)  # 100 tokens a second
    assert start_times(limiter, clock, [300, 300, 100]) == pytest.approx([0, 3, 4])


def test_a_request_bigger_than_the_minute_waits_for_a_full_bucket_instead_of_forever():
    limiter, clock = limited(tpm=1000)
    assert start_times(limiter, clock, [5000, 10]) == pytest.approx([0, 240.6])  # the debt is paid off at 1000/min


def test_both_limits_apply_and_the_stricter_one_wins():
    limiter, clock = limited(rpm=600, tpm=60_000)  # 10 requests or 1000 tokens a second
    assert start_times(limiter, clock, [1000, 1000, 1000]) == pytest.approx([0, 1, 2])


def test_no_sixty_second_window_holds_more_than_the_limit_and_one_second_of_burst():
    limiter, clock = limited(rpm=120)
    times = start_times(limiter, clock, [0] * 400)
    assert max(sum(1 for t in times if start <= t < start + 60) for start in times) <= 120 + 2


@pytest.mark.parametrize("bad", [0, -1])
def test_limits_below_one_are_refused(bad):
    with pytest.raises(ValueError):
        RateLimiter(rpm=bad)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"x" * 4000, 1000 + COMPLETION_ALLOWANCE),
        (
            json.dumps({"messages": [], "max_tokens": 300}).encode(),
            len(json.dumps({"messages": [], "max_tokens": 300})) // 4 + 300,
        ),
        (json.dumps({"max_completion_tokens": 50}).encode(), len(json.dumps({"max_completion_tokens": 50})) // 4 + 50),
    ],
)
def test_a_request_counts_its_characters_over_four_plus_its_answer_allowance(body, expected):
    assert request_tokens(body) == expected


# --------------------------------------------------------------------------- the transport


def test_concurrency_bounds_the_requests_in_flight():
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        return httpx.Response(200, json={"ok": True})

    async def go() -> LimitedTransport:
        transport = LimitedTransport(httpx.MockTransport(handler), concurrency=3)
        async with httpx.AsyncClient(transport=transport) as client:
            await asyncio.gather(*[client.post("http://x/v1/chat/completions", json={}) for _ in range(20)])
        return transport

    transport = asyncio.run(go())
    assert peak == 3 and transport.peak == 3 and transport.in_flight == 0


def test_the_transport_lets_each_request_go_only_when_the_limiter_allows():
    limiter, clock = limited(rpm=60)  # one a second
    sent: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return httpx.Response(200, json={"ok": True})

    async def go() -> None:
        transport = LimitedTransport(httpx.MockTransport(handler), concurrency=1, limiter=limiter)
        async with httpx.AsyncClient(transport=transport) as client:
            for _ in range(3):
                await client.post("http://x/v1/chat/completions", json={})

    asyncio.run(go())
    assert sent == pytest.approx([0, 1, 2])


def test_the_client_paces_requests_only_when_asked_and_never_for_recordings(fake_openai, tmp_path):
    def limits(**changes):  # type: ignore[no-untyped-def]
        values = {"base_url": fake_openai.base_url, "api_key": SecretStr("sk-test"), "cache_dir": tmp_path}
        client = LLMClient(Settings(**{**values, **changes}))
        client._build()
        return client.limits

    assert limits().limiter is None
    assert (limits(rpm=500).limiter.rpm, limits(tpm=90_000).limiter.tpm) == (500, 90_000)
    assert limits(rpm=500, base_url=None, replay_dir=tmp_path).limiter is None
    assert limits(concurrency=4).slots._value == 4


def test_rpm_and_tpm_come_from_flags_or_the_config_file(tmp_path):
    config = tmp_path / "brief.toml"
    config.write_text("rpm = 500\ntpm = 200000\n", encoding="utf-8")
    s = resolve_settings({"rpm": 60}, env={}, config_file=config)
    assert (s.rpm, s.sources["rpm"], s.tpm, s.sources["tpm"]) == (60, "flag", 200_000, f"file:{config}")


def test_a_paced_run_still_briefs_everything(fake_openai, seeds_copy, tmp_path):
    s = Settings(
        base_url=fake_openai.base_url, api_key=SecretStr("sk-test"), cache_dir=tmp_path / "cache", rpm=6000, tpm=10**7
    )
    run = build_briefing([seeds_copy], s)
    assert run.exit_code == 0 and run.briefing.meta.llm_requests == fake_openai.count


# --------------------------------------------------------------------------- progress


def test_progress_shows_counts_cache_hits_failures_and_eta_on_a_terminal():
    from rich.console import Console

    from summarizer.cli.run import _Progress
    from summarizer.models import BriefResult

    console = Console(file=io.StringIO(), force_terminal=True, width=120, record=True)
    with _Progress(enabled=True, console=console) as progress:
        progress.start(type("Loaded", (), {"articles": [None] * 5})())
        progress.advance(BriefResult(article=None, brief=None, error="x"))  # type: ignore[arg-type]
        progress.advance(BriefResult(article=None, brief=object(), from_cache=True))  # type: ignore[arg-type]
        progress.bar.refresh()
        text = console.export_text()
    assert re.search(r"Briefing ━+╺?━* 2/5 1 cached, 1 failed (\d+:\d\d:\d\d|-:--:--)", text), (
        text
    )  # bar, count, info, time left


def test_no_progress_when_stderr_is_not_a_terminal_or_with_quiet(seeds_copy):
    piped = CliRunner().invoke(app, [str(seeds_copy)])
    assert piped.exit_code == 0
    assert "Briefing" not in piped.stderr and "━" not in piped.stderr  # a summary line, but no bar
    quiet = CliRunner().invoke(app, [str(seeds_copy), "-q"])
    assert quiet.stderr == ""
