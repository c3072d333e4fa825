"""Workers over one real Redis and the fake server: shards pay exactly once per article, reruns pay nothing,
a killed worker loses nothing, and two runs started at once share the work instead of paying twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import redis

from pydantic import SecretStr

from summarizer.cache.redis import ENTRY
from summarizer.config.settings import Settings
from summarizer.pipeline import brief_shard, build_briefing
from summarizer.stages.shard import Shard
from tests.fake_openai import FakeOpenAI
from tests.stages.test_shards import brief_subjects, write_articles

ROOT = Path(__file__).resolve().parents[2]
N = 40


def brief(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`brief ARGS` in its own process (stdout and stderr captured)."""
    return subprocess.Popen(
        [sys.executable, "-m", "summarizer", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def finish(*processes: subprocess.Popen) -> list[str]:
    outputs = []
    for p in processes:
        out, errors = p.communicate(timeout=120)
        assert p.returncode == 0, errors
        outputs.append(out + errors)
    return outputs


def common(server: FakeOpenAI, redis_url: str) -> list[str]:
    return [
        "--base-url",
        server.base_url,
        "--api-key",
        "sk-test-not-a-real-key",
        "--cache-url",
        redis_url,
        "--concurrency",
        "4",
    ]


def in_process(server: FakeOpenAI, redis_url: str) -> Settings:
    """The same settings for a run inside the test process (no start-up cost)."""
    return Settings(
        base_url=server.base_url,
        api_key=SecretStr("sk-test-not-a-real-key"),
        cache_url=SecretStr(redis_url),
        concurrency=4,
    )


def cached_briefs(redis_url: str) -> set[str]:
    """The article subjects whose brief is in Redis."""
    client = redis.Redis.from_url(redis_url)
    return {k.decode().rsplit("|", 1)[1] for k in client.scan_iter(ENTRY + "brief|*", count=1000)}


def test_four_shard_processes_pay_once_per_article_a_rerun_nothing_and_the_final_run_only_merges(
    tmp_path: Path, redis_url: str
):
    folder = write_articles(tmp_path / "news", N)
    with FakeOpenAI(latency=0.05) as server:
        args = common(server, redis_url)
        finish(*(brief("run", str(folder), "--shard", f"{k}/4", *args) for k in range(1, 5)))
        paid = brief_subjects(server)
        assert sum(paid.values()) == N and set(paid.values()) == {1}, (
            "exactly one request per article across four workers"
        )
        assert server.count == N and len(cached_briefs(redis_url)) == N
        settings = in_process(server, redis_url)
        reruns = [brief_shard([folder], settings, Shard(k, 4)) for k in range(1, 5)]
        assert server.count == N and sum(r.stats.requests for r in reruns) == 0, (
            "a rerun of the shards makes no request"
        )
        assert sum(len(r.results) for r in reruns) == N and all(r.exit_code == 0 for r in reruns)
        final = build_briefing([folder], settings)
        assert sum(brief_subjects(server).values()) == N, "the final run pays for no article"
        assert final.briefing.meta.cache_hits >= N and len(final.briefing.sources) == N and final.exit_code == 0


def test_a_worker_killed_mid_run_loses_nothing_and_its_rerun_pays_only_for_what_it_had_not_finished(
    tmp_path: Path, redis_url: str
):
    folder = write_articles(tmp_path / "news", N)
    with FakeOpenAI(latency=0.2) as server:
        args = [*common(server, redis_url), "--concurrency", "2", "--shard", "1/2"]
        lease = {"BRIEF_CACHE_LEASE": "1"}  # a dead worker's leases expire after a second
        worker = brief("run", str(folder), *args, env=lease)
        deadline = time.monotonic() + 60
        while len(cached_briefs(redis_url)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        done = cached_briefs(redis_url)
        first = brief_subjects(server)
        assert 4 <= len(done) < sum(first.values()) + 1 and done <= set(first)
        finish(brief("run", str(folder), *args, env=lease))
        rerun = brief_subjects(server) - first
        assert not set(rerun) & done, "nothing the killed worker had cached is paid again"
        shard_size = len(done) + sum(rerun.values())
        assert set(rerun.values()) <= {1} and cached_briefs(redis_url) >= set(first)
        assert len(cached_briefs(redis_url)) == shard_size, "the rerun paid exactly for the shard's unfinished articles"
        again = brief_shard([folder], in_process(server, redis_url), Shard(1, 2))
        assert again.stats.requests == 0 and len(again.results) == shard_size


def test_two_unsharded_runs_started_at_once_pay_once_per_article(tmp_path: Path, redis_url: str):
    folder = write_articles(tmp_path / "news", N)
    with FakeOpenAI(latency=0.1) as server:
        args = common(server, redis_url)
        a = brief("run", str(folder), *args, "-o", str(tmp_path / "a.md"))
        b = brief("run", str(folder), *args, "-o", str(tmp_path / "b.md"))
        finish(a, b)
        paid = brief_subjects(server)
        assert sum(paid.values()) == N and set(paid.values()) == {1}
        calls = Counter("/".join((r["headers"].get("X-Brief-Key") or "").split("/")[:2]) for r in server.requests)
        others = {k: n for k, n in calls.items() if not k.startswith("brief/")}
        assert others and set(others.values()) == {1}, (
            "the second run waits for the first one's summary and analysis calls too"
        )
        assert (tmp_path / "a.md").read_text(encoding="utf-8").count("council") == (tmp_path / "b.md").read_text(
            encoding="utf-8"
        ).count("council")
