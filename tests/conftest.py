"""Shared fixtures. Every test runs offline, with no real keys, caches or config files."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))


_ENV_PREFIXES = ("OPENAI_", "BRIEF_", "AZURE_OPENAI_", "OPENROUTER_", "VLLM_")
UPDATE_ENV = "BRIEF_UPDATE_RECORDINGS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-recordings",
        action="store_true",
        help="Before the tests, rewrite the recorded answers (fixtures/*.json, fixtures/batch/) from the authored answers "
        f"for the current prompts and schemas (also {UPDATE_ENV}=1); commit what changed.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Update mode: re-record first, so the tests bound to the recordings check the new ones."""
    if config.getoption("--update-recordings") or os.environ.get(UPDATE_ENV) == "1":
        update_recordings()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers for the fast subset (`-m "not slow and not browser and not redis"`): `slow` from tests/slow_tests.txt,
    `browser` for the Chromium tests, `redis` for every test that uses the Redis server."""
    slow = {
        line.strip()
        for line in (ROOT / "tests" / "slow_tests.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for item in items:
        name = getattr(item, "originalname", item.name)
        if f"{item.path.name}::{name}" in slow:
            item.add_marker(pytest.mark.slow)
        if item.path.name == "test_html_browser.py":
            item.add_marker(pytest.mark.browser)
        if {"redis_url", "redis_server_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.redis)


def update_recordings(fixtures: Path = FIXTURES, inputs: Path | None = None, *, quiet: bool = False) -> None:
    """Rebuild the seed recordings (fixtures/authored/build.py) and the Batch API exchange (fixtures/batch/build.py)."""
    import json
    import runpy

    def comparable(data: bytes) -> object:
        try:
            parsed = json.loads(data)
        except ValueError:
            return data
        return {k: v for k, v in parsed.items() if k != "recorded_at"} if isinstance(parsed, dict) else parsed

    before = {p: p.read_bytes() for p in [*fixtures.glob("*.json"), *fixtures.glob("batch/*.json*")]}
    authored = runpy.run_path(str(FIXTURES / "authored" / "build.py"), run_name="brief_authored_build")
    authored["build"](fixtures, inputs or FIXTURES / "authored", quiet=quiet)
    if fixtures == FIXTURES:
        authored["build_batch"]()
    for path, old in before.items():  # an unchanged answer keeps its file as it was (no timestamp-only diffs)
        if path.exists() and path.read_bytes() != old and comparable(path.read_bytes()) == comparable(old):
            path.write_bytes(old)


def _isolate(mp: pytest.MonkeyPatch, home: Path) -> None:
    """No key, endpoint, provider or config file from this machine; home, cache, config and cwd in `home`."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            mp.delenv(name)
    mp.setenv("HOME", str(home))  # platformdirs outside Linux ignores XDG_* and looks under HOME
    mp.setenv("BRIEF_CACHE_DIR", str(home / "cache"))
    mp.setenv("XDG_CONFIG_HOME", str(home / "config"))
    mp.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    mp.chdir(home)  # else a ./brief.toml in the checkout would be read as the config file


@pytest.fixture(scope="session", autouse=True)
def offline() -> Iterator[None]:
    """No connection outside loopback for the whole session (tests/netguard.py)."""
    from tests import netguard

    netguard.install()
    yield
    netguard.uninstall()


@pytest.fixture(autouse=True)
def no_network_attempts() -> Iterator[None]:
    """Fail a test that tried to reach the network, even if the code under test swallowed the refusal."""
    from tests import netguard

    netguard.attempts.clear()
    yield
    tried, netguard.attempts[:] = list(netguard.attempts), []
    assert not tried, f"the test tried to connect outside loopback: {tried}"


@pytest.fixture(scope="session", autouse=True)
def isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same isolation for module-scoped fixtures, which pytest sets up before `isolated_env`."""
    home = tmp_path_factory.mktemp("session-home")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, home)
        yield home


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No real API key, endpoint or user config; the cache lives in a fresh temp folder."""
    home = tmp_path_factory.mktemp("home")
    _isolate(monkeypatch, home)
    logging.getLogger("instructor").setLevel(logging.CRITICAL + 1)
    return home


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seed articles, safe to modify."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def fake_openai():
    """A fake OpenAI-compatible server on 127.0.0.1 answering from the recordings."""
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    """One real redis-server for the whole session (tests/redis_server.py)."""
    from tests.redis_server import redis_server

    with redis_server() as url:
        yield url


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """The session's Redis, emptied for this test."""
    import redis

    client = redis.Redis.from_url(redis_server_url)
    client.flushall()
    client.close()
    return redis_server_url
