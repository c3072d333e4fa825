"""What brief does per answer, counted (never timed): each piece of work is done once, and the
shortcuts change no answer, key or lock semantics (issue 15, part 6)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from pydantic import BaseModel

from summarizer.cache import BriefCache, cache_key
from summarizer.config.settings import resolve_settings
from summarizer.ingest.articles import load_articles
from summarizer.stages import summarize as summarize_stage
from summarizer.stages.summarize import brief_key, summarize_articles

from tests.conftest import FIXTURES, SEEDS


def _replay_settings():
    return resolve_settings({"replay_dir": FIXTURES, "use_cache": False}, env={})


def _articles():
    found = load_articles([SEEDS])
    return list(getattr(found, "articles", found))


# --------------------------------------------------------------------------- instructor's model check


def test_instructor_walks_each_response_model_for_async_validators_once_not_on_every_request(
    monkeypatch: pytest.MonkeyPatch,
):
    from instructor.v2.validation import async_validators

    from summarizer.llm import modes as client_module

    client_module.check_async_validators_once()
    check = async_validators.reject_async_validators
    assert getattr(check, "brief_once", False), "instructor's check is replaced where instructor looks it up"
    walks: Counter[object] = Counter()
    original = check.__wrapped__

    def counting(model: object) -> None:
        walks[model] += 1
        original(model)

    monkeypatch.setattr(check, "__wrapped__", counting)
    monkeypatch.setattr(client_module, "_CHECKED", set())
    articles = _articles()
    results = summarize_articles(articles, _replay_settings())
    assert all(r.ok for r in results) and len(results) == len(articles) >= 5
    assert walks and set(walks.values()) == {1}, f"each model walked once for {len(articles)} requests: {walks}"


def test_a_response_model_with_an_instructor_async_validator_is_still_refused_on_every_request():
    from instructor.v2.validation import async_validators
    from instructor.v2.validation.async_validators import async_field_validator

    from summarizer.llm import modes as client_module

    client_module.check_async_validators_once()

    class Checked(BaseModel):
        name: str

        @async_field_validator("name")
        async def _name(self, value: str) -> str:  # pragma: no cover - never run: the model is refused
            return value

    for _ in range(2):  # a failing model is never remembered as checked
        with pytest.raises(ValueError, match="async validators are not supported"):
            async_validators.reject_async_validators(Checked)


# --------------------------------------------------------------------------- keys and the prompt, once per article


def test_a_run_loads_the_brief_prompt_once_and_asks_with_the_same_keys(monkeypatch: pytest.MonkeyPatch):
    loads: list[str] = []
    real = summarize_stage.load_prompt

    def counting(name: str, *args: object, **kwargs: object):
        loads.append(name)
        return real(name, *args, **kwargs)

    articles, settings = _articles(), _replay_settings()
    expected = [brief_key(a, settings) for a in articles]  # the keys as every other caller computes them
    monkeypatch.setattr(summarize_stage, "load_prompt", counting)
    results = summarize_articles(articles, settings)
    assert loads == ["brief"], f"{len(articles)} articles, the prompt loaded {len(loads)} time(s)"
    assert all(r.ok for r in results), (
        "answers replayed: the requests carry the same prompt and schema hashes as recorded"
    )
    assert [brief_key(a, settings) for a in articles] == expected


def test_each_fresh_answer_is_grounded_once_and_its_result_carries_that_same_verdict(monkeypatch: pytest.MonkeyPatch):
    from summarizer.stages.quality import verify_brief

    calls: list[int] = []

    def counting(brief, text):  # type: ignore[no-untyped-def]
        calls.append(1)
        return verify_brief(brief, text)

    monkeypatch.setattr(summarize_stage, "verify_brief", counting)
    articles = _articles()
    results = summarize_articles(articles, _replay_settings())
    assert len(calls) == len(results) == len(articles), "the re-ask check's grounding is the result's grounding"
    for result in results:
        assert result.ok and result.grounding == verify_brief(result.brief, result.article.text)


# --------------------------------------------------------------------------- the disk cache's lease


KEY = cache_key("brief", namespace="live", model="m", prompt_hash="p", schema_hash="s", subject="a1")


@pytest.mark.skipif(sys.platform == "win32", reason="flock leases are POSIX")
def test_a_disk_lease_held_by_another_process_is_refused_until_that_process_dies(tmp_path: Path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom summarizer.cache import BriefCache\n"
            f"lease = BriefCache(Path({str(tmp_path)!r})).lease({KEY!r})\nprint('held' if lease else 'busy', flush=True)\ntime.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        cache = BriefCache(tmp_path)
        assert cache.lease(KEY) is None, "another process holds it"
    finally:
        holder.kill()
        holder.wait()
    lease = cache.lease(KEY)
    assert lease is not None, "the OS dropped the dead process's lock"
    lease.release()
    cache.close()


@pytest.mark.skipif(sys.platform == "win32", reason="flock leases are POSIX")
def test_a_lock_file_removed_by_its_releasing_holder_while_we_locked_it_is_not_taken_for_the_lease(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The holder unlinks the lock file on release; a worker that opened the old file just before
    must not hold a lock nobody else can see: it locks the file that is there now, so two
    workers can never both hold the key."""
    from summarizer.cache import disk

    a, b = BriefCache(tmp_path), BriefCache(tmp_path)
    real_flock, raced = disk.fcntl.flock, []

    def flock_after_a_release(fd: int, operation: int) -> None:
        if (
            not raced
        ):  # between our open and our lock: the holder releases (unlinks) and a third worker locks a new file
            raced.append(True)
            for path in (tmp_path / "leases").glob("*.lock"):
                path.unlink()
            real_flock(fd, operation)
            third = b.lease(KEY)
            assert third is not None
            raced.append(third)
            return
        real_flock(fd, operation)

    monkeypatch.setattr(disk.fcntl, "flock", flock_after_a_release)
    assert a.lease(KEY) is None, "the third worker holds the file that is there now"
    monkeypatch.setattr(disk.fcntl, "flock", real_flock)
    raced[1].release()
    again = a.lease(KEY)
    assert again is not None
    again.release()
    assert not list((tmp_path / "leases").glob("*.lock"))
    a.close(), b.close()


# --------------------------------------------------------------------------- the Redis cache's claim


def test_a_redis_claim_is_one_round_trip_with_the_same_outcomes_as_get_lease_get(redis_url: str):
    from summarizer.cache.base import try_claim
    from summarizer.cache.redis import RedisCache
    from summarizer.models import ClaimSide

    a, b = RedisCache(redis_url), RedisCache(redis_url)
    try:
        entry = ClaimSide.model_validate({"source": 1, "claim": "Talks resumed.", "quote": "talks resumed in Geneva"})
        try_claim(a, "warm-up", ClaimSide)
        a.set("warm-up", entry)  # redis-py loads each script into the server once, at its first use
        sent: list[str] = []
        send = a._r.execute_command
        a._r.execute_command = lambda *args, **kwargs: sent.append(str(args[0])) or send(*args, **kwargs)
        mine = try_claim(a, "k1", ClaimSide)
        a._r.execute_command = send
        assert mine.lease is not None and mine.value is None, "no entry, nobody holding it: the lease"
        assert sent == ["EVALSHA"], f"one round trip: {sent}"
        assert try_claim(b, "k1", ClaimSide).busy, "held by the first worker"
        sent.clear()
        a._r.execute_command = lambda *args, **kwargs: sent.append(str(args[0])) or send(*args, **kwargs)
        a.set("k1", entry)  # the entry, and the end of the writer's lease on it
        mine.lease.release()  # already ended: nothing more is sent
        a._r.execute_command = send
        assert sent == ["EVALSHA"], f"one round trip writes the entry and ends the lease: {sent}"
        assert a._r.get("brief:v1:l:k1") is None
        found = try_claim(b, "k1", ClaimSide)
        assert found.value == entry and found.lease is None and found.value.model_fields_set == entry.model_fields_set
        a.put_raw("k2", '{"not": "a claim side"}')  # an entry that no longer validates is a miss
        stale = try_claim(b, "k2", ClaimSide)
        assert stale.value is None and stale.lease is not None
        assert try_claim(a, "k2", ClaimSide).busy
        stale.lease.release()
    finally:
        a.close(), b.close()


def test_writing_an_entry_never_ends_a_lease_another_worker_took_after_ours_expired(redis_url: str):
    from summarizer.cache.base import try_claim
    from summarizer.cache.redis import RedisCache
    from summarizer.models import ClaimSide

    a, b = RedisCache(redis_url, lease_seconds=0.2), RedisCache(redis_url)
    try:
        mine = try_claim(a, "k", ClaimSide)
        assert mine.lease is not None
        a._r.delete("brief:v1:l:k")  # our lease expired meanwhile ...
        theirs = try_claim(b, "k", ClaimSide)
        assert theirs.lease is not None  # ... and another worker took the key
        a.set(
            "k", ClaimSide.model_validate({"source": 1, "claim": "Talks resumed.", "quote": "talks resumed in Geneva"})
        )
        assert a._r.get("brief:v1:l:k") is not None, "their lease stands"
        theirs.lease.release()
        assert a._r.get("brief:v1:l:k") is None
        mine.lease.release()  # harmless
    finally:
        a.close(), b.close()
