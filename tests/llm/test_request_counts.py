"""'N LLM requests' counts HTTP requests that reached an endpoint: not replayed answers, not
connections that failed before anything was sent (issue 11, item 16)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from summarizer.pipeline import build_briefing

from tests.conftest import FIXTURES, SEEDS

SEED_ANSWERS = 7  # five briefs, the executive summary and the cross-source comparison


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_an_offline_replay_sends_no_request_and_says_how_many_answers_it_replayed(tmp_path: Path):
    result = CliRunner().invoke(
        app,
        [
            str(SEEDS),
            "--replay",
            str(FIXTURES),
            "--no-cache",
            "--json",
            str(tmp_path / "b.json"),
            "-o",
            str(tmp_path / "b.md"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"0 LLM requests, {SEED_ANSWERS} answers replayed, 0 cached" in result.stderr
    header = (tmp_path / "b.md").read_text(encoding="utf-8").splitlines()[2]
    assert f"0 LLM requests, {SEED_ANSWERS} answers replayed, 0 cached" in header
    meta = build_briefing([SEEDS], resolve_settings({"replay_dir": FIXTURES, "use_cache": False}, env={})).briefing.meta
    assert (meta.llm_requests, meta.replayed) == (0, SEED_ANSWERS)


def test_a_live_run_counts_exactly_the_requests_the_server_received(tmp_path: Path, fake_openai):
    fake_openai.script("500", "reset")  # a 5xx is a request that was answered; a reset one was sent
    settings = resolve_settings(
        {
            "base_url": fake_openai.base_url,
            "api_key": "sk-test-0123456789",
            "use_cache": False,
            "backoff_initial": 0.01,
            "backoff_max": 0.02,
        },
        env={},
    )
    meta = build_briefing([SEEDS], settings).briefing.meta
    assert meta.llm_requests == fake_openai.count > SEED_ANSWERS
    assert meta.replayed == 0
    result = CliRunner().invoke(
        app,
        [
            str(SEEDS),
            "--base-url",
            fake_openai.base_url,
            "--api-key",
            "sk-test-0123456789",
            "--no-cache",
            "-o",
            str(tmp_path / "b.md"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"\b(\d+) LLM requests, 0 cached", result.stderr)
    assert "replayed" not in result.stderr


def test_connections_refused_before_sending_are_not_counted_as_requests(tmp_path: Path):
    settings = resolve_settings(
        {
            "base_url": _closed_port_url(),
            "use_cache": False,
            "max_attempts": 2,
            "backoff_initial": 0.01,
            "backoff_max": 0.02,
        },
        env={},
    )
    run = build_briefing([SEEDS], settings)
    assert not any(r.ok for r in run.results)
    assert (run.briefing.meta.llm_requests, run.briefing.meta.replayed) == (0, 0)
