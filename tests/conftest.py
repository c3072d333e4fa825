"""Shared fixtures. Every test runs offline, with no real keys, caches or config files."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No real API key, endpoint or user config; the cache lives in a fresh temp folder."""
    home = tmp_path_factory.mktemp("home")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BRIEF_MODEL", "BRIEF_MODE", "BRIEF_CONCURRENCY", "BRIEF_CACHE_DIR",
                 "BRIEF_PROVIDER", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OPENROUTER_API_KEY", "VLLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
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
