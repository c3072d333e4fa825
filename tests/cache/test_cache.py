"""The cache: keyed by everything that changes an answer; bad entries are misses; reruns are free."""

from __future__ import annotations

from pathlib import Path

import diskcache
import pytest
from typer.testing import CliRunner

from summarizer.cache.disk import BriefCache, cache_key
from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from summarizer.errors import CacheError
from summarizer.pipeline import build_briefing
from summarizer.llm.prompts import load_prompt, schema_hash
from summarizer.models import ArticleBrief, ExecutiveSummary
from summarizer.models import CachedBrief
from summarizer.stages.summarize import brief_key

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

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


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("part", "other"),
    [
        ("namespace", "replay"),
        ("model", "gpt-4o"),
        ("prompt_hash", "000000000000"),
        ("schema_hash", "ffffffffffff"),
        ("subject", "dbcce7b43ab26e22"),
    ],
)
def test_the_key_changes_with_each_of_its_parts(part: str, other: str):
    assert cache_key("brief", **{**BASE, part: other}) != cache_key("brief", **BASE)


def test_the_key_is_deterministic_and_separates_kinds():
    assert cache_key("brief", **BASE) == cache_key("brief", **dict(BASE))
    assert cache_key("brief", **BASE) != cache_key("summary", **BASE)


def test_a_briefs_key_is_made_of_model_prompt_hash_schema_hash_and_article_hash(tmp_path: Path):
    settings = resolve_settings({"cache_dir": tmp_path}, env={})
    from summarizer.ingest.articles import load_articles

    article = load_articles([SEEDS / "000_1a84d6854ee061ff.txt"]).articles[0]
    ckey, rkey = brief_key(article, settings)
    assert ckey == cache_key(
        "brief",
        namespace=settings.namespace,
        model="gpt-4o-mini",
        prompt_hash=load_prompt("brief").hash,
        schema_hash=schema_hash(ArticleBrief),
        subject=article.id,
    )
    assert settings.namespace.startswith("replay-"), "replayed answers are cached per set of recordings"
    assert (rkey.prompt_hash, rkey.schema_hash, rkey.subject) == (
        load_prompt("brief").hash,
        schema_hash(ArticleBrief),
        article.id,
    )
    live = resolve_settings({"cache_dir": tmp_path, "base_url": "http://127.0.0.1:9/v1"}, env={})
    assert brief_key(article, live)[0] != ckey, "recorded answers must be cached apart from paid ones"
    assert brief_key(article, live.with_(model="qwen2.5:7b"))[0] != brief_key(article, live)[0]


# --------------------------------------------------------------------------- storage


def test_a_value_round_trips_and_survives_reopening(tmp_path: Path):
    key = cache_key("brief", **BASE)
    cache = BriefCache(tmp_path / "c")
    cache.set(key, _brief())
    assert cache.get(key, ArticleBrief) == _brief()
    cache.close()
    reopened = BriefCache(tmp_path / "c")
    assert reopened.get(key, ArticleBrief) == _brief()
    assert reopened.get(cache_key("brief", **{**BASE, "model": "other"}), ArticleBrief) is None
    reopened.close()


def test_values_are_stored_as_json_text(tmp_path: Path):
    key = cache_key("brief", **BASE)
    cache = BriefCache(tmp_path)
    cache.set(key, _brief())
    cache.close()
    with diskcache.Cache(str(tmp_path)) as raw:
        assert raw.get(key) == _brief().model_dump_json(exclude_unset=True)  # fields the model left out stay out


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b"\x00\xff\xfe not a brief", id="bytes"),
        pytest.param("{{{ not json", id="broken-json"),
        pytest.param(12345, id="an-int"),
        pytest.param({"headline": "a dict, not text"}, id="a-pickled-dict"),
        pytest.param("", id="empty-string"),
    ],
)
def test_a_corrupt_entry_is_a_miss_not_a_crash(tmp_path: Path, garbage: object):
    key = cache_key("brief", **BASE)
    with diskcache.Cache(str(tmp_path)) as raw:
        raw.set(key, garbage)
    cache = BriefCache(tmp_path)
    assert cache.get(key, ArticleBrief) is None
    cache.set(key, _brief())  # and the next good answer replaces it
    assert cache.get(key, ArticleBrief) == _brief()
    cache.close()


@pytest.mark.parametrize(
    "stale",
    [
        pytest.param('{"paragraphs": [{"text": "x", "sources": [1]}]}', id="another-model"),
        pytest.param('{"source_language": "lv", "headline": "h"}', id="missing-fields"),
        pytest.param(_brief().model_dump_json().replace('"summary"', '"abstract"'), id="renamed-field"),
        pytest.param(
            '{"source_language": "latvian!", "headline": "h", "summary": "s", "actors": [], "stances": [], "events": []}',
            id="invalid-value",
        ),
    ],
)
def test_a_stale_entry_valid_json_of_the_wrong_shape_is_a_miss(tmp_path: Path, stale: str):
    key = cache_key("brief", **BASE)
    with diskcache.Cache(str(tmp_path)) as raw:
        raw.set(key, stale)
    cache = BriefCache(tmp_path)
    assert cache.get(key, ArticleBrief) is None
    cache.close()


def test_a_value_whose_file_vanished_is_a_miss(tmp_path: Path):
    # diskcache keeps large values in side files; a half-deleted cache must not crash a run.
    key = cache_key("brief", **BASE)
    big = _brief(headline="x" * 100_000)
    cache = BriefCache(tmp_path)
    cache.set(key, big)
    files = list((tmp_path).rglob("*.val"))
    assert files, "expected diskcache to store this value in a side file"
    for f in files:
        f.unlink()
    assert cache.get(key, ArticleBrief) is None
    cache.close()


def test_an_unusable_cache_folder_is_a_cache_error_naming_the_fix(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CacheError, match=r"--cache-dir .*--no-cache"):
        BriefCache(blocker / "cache")


def test_no_directory_means_caching_is_off():
    cache = BriefCache(None)
    cache.set("k", _brief())
    assert cache.get("k", ArticleBrief) is None
    with pytest.raises(CacheError, match="--no-cache"):
        cache.stats()


# --------------------------------------------------------------------------- the pipeline uses it


def _run(tmp_path: Path, **flags):
    return build_briefing([SEEDS], resolve_settings({"cache_dir": tmp_path / "cache", **flags}, env={}))


SEED_BRIEFS = 5


def test_a_second_identical_run_makes_zero_requests(tmp_path: Path):
    first = _run(tmp_path)
    requests = first.briefing.meta.replayed
    assert requests >= SEED_BRIEFS + 1, "one answer per seed article plus the executive summary"
    assert first.briefing.meta.cache_hits == 0
    second = _run(tmp_path)
    assert (second.briefing.meta.llm_requests, second.briefing.meta.replayed, second.briefing.meta.cache_hits) == (
        0,
        0,
        requests,
    )
    assert (second.stats.requests, second.stats.replayed) == (0, 0)
    assert all(r.from_cache for r in second.results)
    assert second.briefing.model_dump(exclude={"meta"}) == first.briefing.model_dump(exclude={"meta"})


def test_no_cache_neither_reads_nor_writes(tmp_path: Path):
    first = _run(tmp_path)
    run = _run(tmp_path, use_cache=False)
    assert run.briefing.meta.replayed == first.briefing.meta.replayed
    assert run.briefing.meta.cache_hits == 0
    other = tmp_path / "never"
    build_briefing([SEEDS], resolve_settings({"cache_dir": other, "use_cache": False}, env={}))
    assert not other.exists()


def test_a_corrupt_brief_in_the_cache_is_asked_for_again_and_replaced(tmp_path: Path):
    first = _run(tmp_path)
    settings = resolve_settings({"cache_dir": tmp_path / "cache"}, env={})
    victim = first.results[0].article
    with diskcache.Cache(str(tmp_path / "cache")) as raw:
        raw.set(brief_key(victim, settings)[0], "garbage")
    second = _run(tmp_path)
    assert (second.briefing.meta.replayed, second.briefing.meta.cache_hits) == (1, first.briefing.meta.replayed - 1)
    assert second.briefing.model_dump(exclude={"meta"}) == first.briefing.model_dump(exclude={"meta"})
    third = _run(tmp_path)
    assert third.briefing.meta.replayed == 0


def test_a_brief_from_the_cache_is_checked_against_its_article_again(tmp_path: Path, fake_openai):
    # Every answer quotes a sentence that is in no article: the briefs are kept (cached) with their
    # items unverified. Served from the cache, those items must stay unverified and out of the briefing.
    fake_openai.default = "bad_quote"
    live = {"base_url": fake_openai.base_url, "api_key": "sk-test-0123456789", "max_reasks": 0}
    first = _run(tmp_path, **live)
    assert (first.briefing.meta.items_verified, first.briefing.meta.items_unverified) == (
        0,
        first.briefing.meta.items_unverified,
    )
    assert first.briefing.meta.items_unverified >= SEED_BRIEFS
    second = _run(tmp_path, **live)
    assert second.briefing.meta.llm_requests == 0 and all(r.from_cache for r in second.results)
    assert (second.briefing.meta.items_verified, second.briefing.meta.items_unverified) == (
        0,
        first.briefing.meta.items_unverified,
    )
    assert second.briefing.timeline == [] and second.briefing.stances == []
    assert [n for n in second.briefing.notes if n.kind == "unverified"] == [
        n for n in first.briefing.notes if n.kind == "unverified"
    ]


def test_what_the_cache_holds_per_brief(tmp_path: Path):
    run = _run(tmp_path)
    settings = resolve_settings({"cache_dir": tmp_path / "cache"}, env={})
    cache = BriefCache(tmp_path / "cache")
    entry = cache.get(brief_key(run.results[0].article, settings)[0], CachedBrief)
    cache.close()
    assert entry is not None
    assert entry.brief.model_dump() == run.results[0].brief.model_dump()
    assert (entry.model, entry.prompt_hash, entry.schema_hash) == (
        "gpt-4o-mini",
        load_prompt("brief").hash,
        schema_hash(ArticleBrief),
    )
    assert entry.grounded is True


def test_recorded_answers_are_not_served_to_a_live_run(tmp_path: Path, fake_openai):
    replayed = _run(tmp_path)
    live = _run(tmp_path, base_url=fake_openai.base_url, api_key="sk-test-never-cached-0123456789")
    assert live.briefing.meta.cache_hits == 0
    assert live.briefing.meta.llm_requests == fake_openai.count == replayed.briefing.meta.replayed
    again = _run(tmp_path, base_url=fake_openai.base_url, api_key="sk-test-never-cached-0123456789")
    assert again.briefing.meta.llm_requests == 0 and fake_openai.count == live.briefing.meta.llm_requests
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert b"sk-test-never-cached" not in path.read_bytes(), f"API key written to {path}"


def test_the_summary_is_cached_under_its_own_schema(tmp_path: Path):
    # Guard against the summary and a brief sharing a key: different kind and schema.
    assert schema_hash(ExecutiveSummary) != schema_hash(ArticleBrief)
    _run(tmp_path)
    with diskcache.Cache(str(tmp_path / "cache")) as raw:
        kinds = sorted(k.split("|")[0] for k in raw.iterkeys() if "|" in k and not k.startswith("lang|"))
    assert kinds.count("brief") == SEED_BRIEFS
    assert kinds.count("summary") == 1


# --------------------------------------------------------------------------- brief cache info / clear


def test_cache_info_and_clear(tmp_path: Path):
    requests = _run(tmp_path).briefing.meta.replayed
    detections = (
        2 * SEED_BRIEFS
    )  # each article's language, and the detector's verdicts on the English fields of its brief
    runner = CliRunner()
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(tmp_path / "cache")])
    assert info.exit_code == 0, info.output
    assert f"Cache: {tmp_path / 'cache'}" in info.output
    assert f"Entries: {requests} (plus {detections} remembered language detection(s), not counted)\n" in info.output, (
        "language detections are not counted as answers"
    )
    copied = runner.invoke(app, ["cache", "copy", "--from", str(tmp_path / "cache"), "--to", str(tmp_path / "copy")])
    assert f"Copied {requests} entries (plus {detections} remembered language detection(s)) from" in copied.output, (
        "copy counts what info counts"
    )
    cleared = runner.invoke(app, ["cache", "clear", "--yes", "--cache-dir", str(tmp_path / "cache")])
    assert cleared.exit_code == 0
    assert f"Removed {requests} entries (plus {detections} remembered language detection(s)) from" in cleared.output, (
        "clear counts what info counts"
    )
    assert _run(tmp_path).briefing.meta.replayed == requests


def test_cache_clear_asks_first_and_keeps_entries_on_no(tmp_path: Path):
    _run(tmp_path)
    result = CliRunner().invoke(app, ["cache", "clear", "--cache-dir", str(tmp_path / "cache")], input="n\n")
    assert result.exit_code == 1
    assert "Delete all cached briefs" in result.output
    assert _run(tmp_path).briefing.meta.replayed == 0


def test_a_cached_answer_still_tells_which_fields_the_model_left_out(tmp_path: Path):
    """A divergence side the model left undated takes the date of what it quotes; a rerun from the
    cache must date it the same way, so the cache keeps fields the model did not give unset."""
    from summarizer.models import ClaimSide

    fresh = ClaimSide.model_validate(
        {"source": 2, "claim": "The ferry strike ended.", "quote": "the strike ended on Monday"}
    )
    cache = BriefCache(tmp_path / "cache")
    try:
        cache.set("side", fresh)
        back = cache.get("side", ClaimSide)
    finally:
        cache.close()
    assert back == fresh
    assert back.model_fields_set == fresh.model_fields_set == {"source", "claim", "quote"}


def test_a_briefing_answered_wholly_from_the_cache_says_so_instead_of_naming_a_dead_endpoint(tmp_path: Path):
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        args = [
            str(SEEDS),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--base-url",
            server.base_url,
            "--api-key",
            "sk-test-0123456789",
        ]
        assert CliRunner().invoke(app, [*args, "-o", str(tmp_path / "live.md")]).exit_code == 0
    # the server is gone now; every answer is in the cache
    again = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "cached.md")])
    assert again.exit_code == 0, again.stderr
    header = (tmp_path / "cached.md").read_text(encoding="utf-8").splitlines()[2]
    assert f"via the cache (every answer from an earlier run; nothing sent to `{server.base_url}`)" in header
    assert f"via `{server.base_url}`" in (tmp_path / "live.md").read_text(encoding="utf-8").splitlines()[2]
