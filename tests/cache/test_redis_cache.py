"""The Redis cache backend, against a real redis-server: same entries, same rules, shared by every worker."""

from __future__ import annotations

import re

import time
from pathlib import Path

import pytest
import redis
from pydantic import SecretStr
from typer.testing import CliRunner

from summarizer.cache import BriefCache, cache_key, open_cache, open_cache_at
from summarizer.cache.redis import ENTRY, PREFIX, RedisCache, masked_url
from summarizer.cli import app
from summarizer.config.settings import Settings, resolve_settings
from summarizer.errors import CacheError, ConfigError
from summarizer.models import ArticleBrief, CachedBrief
from summarizer.pipeline import build_briefing

ROOT = Path(__file__).resolve().parents[2]
SEEDS, FIXTURES = ROOT / "seeds", ROOT / "fixtures"
SEED_BRIEFS = 5
BASE = {
    "namespace": "live",
    "model": "gpt-4o-mini",
    "prompt_hash": "1a2403cd9b36",
    "schema_hash": "6c70258100c4",
    "subject": "1a84d6854ee061ff",
}


def _brief(headline: str = "Aliyev skips the CIS summit") -> ArticleBrief:
    return ArticleBrief(
        source_language="lv", headline=headline, summary="Aliyev did not go.", actors=[], stances=[], events=[]
    )


def _settings(url: str, **changes) -> Settings:
    return Settings(replay_dir=FIXTURES, cache_url=SecretStr(url), **changes)


def _raw(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def test_a_run_over_redis_stores_every_answer_there_and_a_rerun_pays_nothing(redis_url: str, tmp_path: Path):
    first = build_briefing([SEEDS], _settings(redis_url, cache_dir=tmp_path / "unused"))
    assert first.briefing.meta.replayed >= SEED_BRIEFS
    keys = [k.decode() for k in _raw(redis_url).keys("*")]
    assert sum(k.startswith(ENTRY + "brief|") for k in keys) == SEED_BRIEFS
    assert not (tmp_path / "unused").exists(), "with --cache-url the folder is not used"
    again = build_briefing([SEEDS], _settings(redis_url))
    assert again.briefing.meta.replayed == 0
    assert again.briefing.meta.cache_hits == first.briefing.meta.replayed
    assert again.briefing.timeline == first.briefing.timeline


def test_every_key_is_under_the_versioned_prefix_and_clear_deletes_only_those(redis_url: str):
    raw = _raw(redis_url)
    raw.set("someone-elses-key", "keep me")
    build_briefing([SEEDS], _settings(redis_url))
    ours = [k.decode() for k in raw.keys("*") if k != b"someone-elses-key"]
    assert ours and all(k.startswith(PREFIX) for k in ours)
    assert PREFIX == "brief:v1:"
    cache = open_cache(_settings(redis_url))
    removed = cache.clear()
    cache.close()
    entries = [k for k in ours if k.startswith(ENTRY)]
    assert (removed.entries + removed.detections) == len(entries) and removed.detections == sum(
        k.startswith(ENTRY + "lang|") for k in entries
    )
    assert raw.keys("*") == [b"someone-elses-key"]


@pytest.mark.parametrize("garbage", [b"\x00\xff not json", b"{{{", b'{"source_language": "lv"}', b""])
def test_an_entry_that_fails_validation_is_a_miss_and_the_next_answer_replaces_it(redis_url: str, garbage: bytes):
    key = cache_key("brief", **BASE)
    _raw(redis_url).set(ENTRY + key, garbage)
    cache = RedisCache(redis_url)
    assert cache.get(key, ArticleBrief) is None
    cache.set(key, _brief())
    assert cache.get(key, ArticleBrief) == _brief()
    assert (
        _raw(redis_url).get(ENTRY + key) == _brief().model_dump_json(exclude_unset=True).encode()
    )  # the same JSON text as on disk
    cache.close()


def test_a_corrupt_brief_in_redis_is_paid_for_again_alone(redis_url: str):
    settings = _settings(redis_url)
    build_briefing([SEEDS], settings)
    raw = _raw(redis_url)
    victim = next(k for k in raw.keys(ENTRY + "brief|*"))
    raw.set(victim, b'{"brief": "not a brief"}')
    again = build_briefing([SEEDS], settings)
    assert again.briefing.meta.replayed == 1
    assert CachedBrief.model_validate_json(raw.get(victim)).brief.headline


def test_the_ttl_makes_entries_expire(redis_url: str):
    cache = RedisCache(redis_url, ttl=1.5)
    key = cache_key("brief", **BASE)
    cache.set(key, _brief())
    assert 0 < _raw(redis_url).pttl(ENTRY + key) <= 1500
    assert cache.get(key, ArticleBrief) == _brief()
    time.sleep(1.6)
    assert cache.get(key, ArticleBrief) is None
    cache.close()


def test_ttl_and_url_resolve_from_flag_env_and_file(tmp_path: Path, redis_url: str):
    toml = tmp_path / "brief.toml"
    toml.write_text(f'cache_url = "{redis_url}"\ncache_ttl = "7d"\n', encoding="utf-8")
    s = resolve_settings({}, env={}, config_file=toml)
    assert s.cache_url.get_secret_value() == redis_url and s.cache_ttl == 7 * 86400
    s = resolve_settings({"cache_ttl": "30m"}, env={"BRIEF_CACHE_URL": "redis://other:6379/1"}, config_file=toml)
    assert s.cache_url.get_secret_value() == "redis://other:6379/1" and s.cache_ttl == 1800
    assert s.sources["cache_url"] == "env:BRIEF_CACHE_URL"
    s = resolve_settings({"cache_dir": tmp_path / "c"}, env={"BRIEF_CACHE_URL": redis_url})
    assert s.cache_url is None, "an explicit --cache-dir wins over a Redis URL from a lower level"
    with pytest.raises(ConfigError, match=r"30m, 12h or 7d.*--cache-ttl"):
        resolve_settings({"cache_ttl": "a week"}, env={})
    with pytest.raises(ConfigError, match=r"not a Redis URL.*redis://host:6379/0"):
        resolve_settings({"cache_url": "http://127.0.0.1:6379"}, env={})


# --------------------------------------------------------------------------- the password is a secret


def test_the_password_is_masked_in_config_show_and_never_printed(redis_url: str):
    url = "redis://brief:S3cret-Passw0rd@127.0.0.1:6399/2"
    assert masked_url(url) == "redis://brief:****@127.0.0.1:6399/2"
    assert (
        masked_url("redis://127.0.0.1:6379/0?password=S3cret-Passw0rd")
        == "redis://127.0.0.1:6379/0?password=%2A%2A%2A%2A"
    )
    shown = CliRunner().invoke(app, ["config", "show"], env={"BRIEF_CACHE_URL": url})
    assert shown.exit_code == 0, shown.output
    assert "S3cret-Passw0rd" not in shown.output
    assert "redis://brief:****@127.0.0.1:6399/2" in shown.output and "env:BRIEF_CACHE_URL" in shown.output
    assert "S3cret-Passw0rd" not in repr(resolve_settings({}, env={"BRIEF_CACHE_URL": url}))


def test_a_refused_password_or_unreachable_server_names_the_fix_without_the_password(redis_url: str):
    port = redis_url.rsplit(":", 1)[1].split("/")[0]
    for url in (f"redis://ghost:Wr0ng-Passw0rd@127.0.0.1:{port}/0", "redis://:Wr0ng-Passw0rd@127.0.0.1:9/0"):
        result = CliRunner().invoke(app, [str(SEEDS), "--cache-url", url])
        assert result.exit_code == 1
        assert "Wr0ng-Passw0rd" not in result.output
        assert "--cache-url" in result.output and "--no-cache" in result.output
    with pytest.raises(CacheError, match=r"redis://:\*\*\*\*@127\.0\.0\.1:9/0"):
        RedisCache("redis://:Wr0ng-Passw0rd@127.0.0.1:9/0")


def test_a_password_in_the_config_file_is_refused_like_a_key(tmp_path: Path):
    toml = tmp_path / "brief.toml"
    toml.write_text('cache_url = "redis://:hunter2hunter2@cache:6379/0"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"BRIEF_CACHE_URL") as caught:
        resolve_settings({}, env={}, config_file=toml)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("flags", "env"),
    [
        ({}, {"BRIEF_CACHE_DIR": "/tmp/brief-cache"}),
        ({"cache_dir": Path("/tmp/brief-cache")}, {}),
        ({}, {"BRIEF_CACHE_URL": "redis://cache:6379/0"}),
        ({"cache_url": "redis://cache:6379/0"}, {}),
    ],
)
def test_a_password_in_the_config_file_is_refused_whatever_else_is_set(tmp_path: Path, flags, env):
    toml = tmp_path / "brief.toml"
    toml.write_text('cache_url = "redis://:hunter2hunter2@cache:6379/0"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(toml))}: cache_url holds a password") as caught:
        resolve_settings(flags, env=env, config_file=toml)
    assert "hunter2" not in str(caught.value)
    shown = CliRunner().invoke(app, ["config", "show", "--config", str(toml)], env=env)
    assert shown.exit_code == 1 and "cache_url holds a password" in shown.stderr and "hunter2" not in shown.output


# --------------------------------------------------------------------------- brief cache


def test_cache_info_and_clear_speak_redis(redis_url: str):
    build_briefing([SEEDS], _settings(redis_url))
    keys = [k.decode() for k in _raw(redis_url).scan_iter(ENTRY + "*")]
    detections = sum(k.startswith(ENTRY + "lang|") for k in keys)
    entries = len(keys) - detections
    runner = CliRunner()
    info = runner.invoke(app, ["cache", "info", "--cache-url", redis_url])
    assert info.exit_code == 0, info.output
    assert f"Cache: {redis_url}" in info.output and "Redis 7" in info.output
    assert f"Entries: {entries} (plus {detections} remembered language detection(s), not counted)" in info.output
    cleared = runner.invoke(app, ["cache", "clear", "--yes"], env={"BRIEF_CACHE_URL": redis_url})
    assert cleared.exit_code == 0, cleared.output
    assert (
        f"Removed {entries} entries (plus {detections} remembered language detection(s)) from {redis_url}"
        in cleared.output
    )
    assert build_briefing([SEEDS], _settings(redis_url)).briefing.meta.replayed >= SEED_BRIEFS


def test_cache_copy_moves_entries_from_disk_to_redis_and_back(redis_url: str, tmp_path: Path):
    disk = tmp_path / "laptop"
    paid = build_briefing([SEEDS], Settings(replay_dir=FIXTURES, cache_dir=disk)).briefing.meta.replayed
    runner = CliRunner()
    up = runner.invoke(app, ["cache", "copy", "--from", str(disk), "--to", redis_url])
    assert up.exit_code == 0, up.output
    keys = [k for k, _ in BriefCache(disk).items()]
    detections = sum(k.startswith("lang|") for k in keys)
    assert f"Copied {len(keys) - detections} entries (plus {detections} remembered language detection(s))" in up.output
    assert build_briefing([SEEDS], _settings(redis_url)).briefing.meta.replayed == 0, (
        "the team's runs pay nothing for copied entries"
    )
    down = runner.invoke(app, ["cache", "copy", "--from", redis_url, "--to", str(tmp_path / "offline")])
    assert down.exit_code == 0, down.output
    offline = Settings(replay_dir=FIXTURES, cache_dir=tmp_path / "offline")
    assert build_briefing([SEEDS], offline).briefing.meta.replayed == 0
    assert paid > 0
    missing = runner.invoke(app, ["cache", "copy", "--from", str(tmp_path / "nowhere"), "--to", redis_url])
    assert missing.exit_code == 1 and "no such cache folder" in missing.output


# --------------------------------------------------------------------------- leases


def test_a_lease_is_exclusive_renewable_released_only_by_its_holder_and_expires(redis_url: str):
    a, b = RedisCache(redis_url, lease_seconds=0.6), RedisCache(redis_url, lease_seconds=0.6)
    key = cache_key("brief", **BASE)
    held = a.lease(key)
    assert held is not None and b.lease(key) is None
    time.sleep(0.4)
    assert held.renew()
    time.sleep(0.4)
    assert b.lease(key) is None, "renewed: still held after more than its first lifetime"
    held.release()
    taken = b.lease(key)
    assert taken is not None
    held.release()  # a stale holder cannot free someone else's lease
    assert a.lease(key) is None
    time.sleep(0.7)  # b "dies": never renews
    assert a.lease(key) is not None, "a dead worker's lease expires"
    a.close(), b.close()


def test_disk_leases_are_exclusive_across_cache_handles_and_end_on_release(tmp_path: Path):
    a, b = BriefCache(tmp_path), BriefCache(tmp_path)
    key = cache_key("brief", **BASE)
    held = a.lease(key)
    assert held is not None and b.lease(key) is None
    held.release()
    again = b.lease(key)
    assert again is not None
    again.release()
    assert not list((tmp_path / "leases").glob("*.lock")), "lock files are removed on release"
    a.close(), b.close()


def test_open_cache_at_picks_the_backend_by_location(redis_url: str, tmp_path: Path):
    assert isinstance(open_cache_at(redis_url), RedisCache)
    assert isinstance(open_cache_at(tmp_path), BriefCache)


def test_in_ci_a_missing_redis_server_fails_the_redis_tests_instead_of_skipping_them(monkeypatch: pytest.MonkeyPatch):
    import tests.redis_server as rs

    monkeypatch.setattr(rs.shutil, "which", lambda name: None)
    monkeypatch.setattr(rs.os.path, "exists", lambda path: False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y redis-server"):
        with rs.redis_server():
            pass
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        with rs.redis_server():
            pass


def test_a_cached_answer_keeps_the_fields_the_model_left_out_unset_in_redis_too(redis_url: str):
    from summarizer.models import ClaimSide

    fresh = ClaimSide.model_validate({"source": 1, "claim": "Talks resumed.", "quote": "talks resumed in Geneva"})
    cache = RedisCache(redis_url)
    try:
        cache.set("side-unset", fresh)
        back = cache.get("side-unset", ClaimSide)
    finally:
        cache.close()
    assert back is not None and back.model_fields_set == {"source", "claim", "quote"}
