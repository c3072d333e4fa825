"""Sharded runs and workers sharing one cache pay once per article (one process, disk cache; see test_scale_redis for Redis)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import ConfigError
from summarizer.models import Digest
from summarizer.ingest.articles import load_articles
from summarizer.stages.shard import Shard, parse_shard

N = 24


def write_articles(folder: Path, n: int = N, *, start: int = 0) -> Path:
    """n distinct English articles over three days (the fake server answers each with a grounded brief)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        day = 10 + i % 3
        (folder / f"a{i:04d}.txt").write_text(
            f" date 2025-10-{day} Council {i} approves the budget\n"
            f"The council of district number {i} approved its budget for next year on Monday evening. "
            f"The vote in district {i} was close, and the opposition promised to appeal the decision in court.\n",
            encoding="utf-8",
        )
    return folder


def brief_subjects(server) -> Counter:  # type: ignore[no-untyped-def]
    """How often each article was paid for, by the subject of the X-Brief-Key header."""
    keys = [r["headers"].get("X-Brief-Key") or r["headers"].get("x-brief-key") or "" for r in server.requests]
    return Counter(k.split("/")[1] for k in keys if k.startswith("brief/"))


def live(server) -> list[str]:  # type: ignore[no-untyped-def]
    return ["--base-url", server.base_url, "--api-key", "sk-test-not-a-real-key"]


def test_parse_shard_accepts_k_of_n_and_names_the_fix_otherwise():
    assert parse_shard("2/4") == Shard(2, 4) and str(parse_shard(" 1 / 1 ")) == "1/1"
    for bad in ("0/4", "5/4", "2", "a/b", "1/0", ""):
        with pytest.raises(ConfigError, match=r"--shard"):
            parse_shard(bad)


def test_shards_partition_the_articles_by_content_not_by_file_name(tmp_path: Path):
    articles = load_articles([write_articles(tmp_path / "a")]).articles
    shards = [Shard(k, 4) for k in range(1, 5)]
    owners = [[s for s in shards if s.contains(a)] for a in articles]
    assert all(len(o) == 1 for o in owners), "every article is in exactly one shard"
    assert all(sum(s.contains(a) for a in articles) > 0 for s in shards), "24 articles leave no shard empty"
    renamed = tmp_path / "b"
    renamed.mkdir()
    for i, path in enumerate(sorted((tmp_path / "a").glob("*.txt"))):
        (renamed / f"z{99 - i}.txt").write_bytes(path.read_bytes())
    again = {a.id: [s for s in shards if s.contains(a)] for a in load_articles([renamed]).articles}
    assert again == {a.id: o for a, o in zip(articles, owners)}


def test_four_shards_pay_once_per_article_and_the_final_run_only_merges(tmp_path: Path, fake_openai):
    folder = write_articles(tmp_path / "news")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    runner = CliRunner()
    for k in range(1, 5):
        result = runner.invoke(app, ["run", str(folder), "--shard", f"{k}/4", *cache, *live(fake_openai)])
        assert result.exit_code == 0, result.output
        assert result.stdout == "", "a shard writes no briefing"
        assert f"Shard {k}/4:" in result.output and f"of {N} in all shards" in result.output
    assert (
        brief_subjects(fake_openai) == Counter(dict.fromkeys(brief_subjects(fake_openai), 1))
        and sum(brief_subjects(fake_openai).values()) == N
    )
    paid = fake_openai.count
    assert paid == N, "shards make no summary or analysis call"
    final = runner.invoke(app, ["run", str(folder), *cache, *live(fake_openai), "--json", str(tmp_path / "b.json")])
    assert final.exit_code == 0, final.output
    assert sum(brief_subjects(fake_openai).values()) == N, "the final run pays for no article"
    assert f"{N} of {N} articles briefed" in final.output
    rerun = runner.invoke(app, ["run", str(folder), "--shard", "3/4", *cache, *live(fake_openai)])
    assert rerun.exit_code == 0 and "0 LLM requests" in rerun.output


def test_digest_shards_then_the_final_digest_pays_one_comparison_per_multi_source_story(tmp_path: Path, fake_openai):
    """README, Scaling out: the shards brief every article; the final run briefs none and pays one
    cross-source comparison per story of two or more sources (a story spans shards, so no shard can)."""
    folder = write_articles(tmp_path / "news")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    days = ["--since", "2025-10-10", "--until", "2025-10-11"]  # two of the three days
    runner = CliRunner()
    for k in (1, 2):
        result = runner.invoke(
            app,
            [
                "digest",
                str(folder),
                "--shard",
                f"{k}/2",
                *days,
                *cache,
                *live(fake_openai),
                "--out",
                str(tmp_path / "d"),
            ],
        )
        assert result.exit_code == 0, result.output
    assert not (tmp_path / "d").exists(), "a digest shard writes no digest"
    assert sum(brief_subjects(fake_openai).values()) == 16 == fake_openai.count, (
        "only the articles of the two days, once each"
    )
    final = runner.invoke(app, ["digest", str(folder), *days, *cache, *live(fake_openai), "--out", str(tmp_path / "d")])
    assert final.exit_code == 0, final.output
    assert sum(brief_subjects(fake_openai).values()) == 16, (
        "the digests are merged from the cache: no article is briefed again"
    )
    kinds = [
        (r["headers"].get("X-Brief-Key") or r["headers"].get("x-brief-key") or "").split("/")[0]
        for r in fake_openai.requests[16:]
    ]
    multi = [
        s
        for day in ("2025-10-10", "2025-10-11")
        for s in Digest.model_validate_json((tmp_path / "d" / f"{day}.json").read_text()).stories
        if len(s.sources) >= 2
    ]
    assert kinds == ["analysis"] * len(multi) and multi, "the final run pays only each multi-source story's comparison"
    again = runner.invoke(app, ["digest", str(folder), *days, *cache, *live(fake_openai), "--out", str(tmp_path / "d")])
    assert again.exit_code == 0 and fake_openai.count == 16 + len(kinds), "rerun: zero requests"
    assert (tmp_path / "d" / "2025-10-10.md").is_file() and (tmp_path / "d" / "2025-10-11.md").is_file()


def test_a_shard_refuses_outputs_and_no_cache(tmp_path: Path, fake_openai):
    folder = write_articles(tmp_path / "news", 2)
    runner = CliRunner()
    out = runner.invoke(app, ["run", str(folder), "--shard", "1/2", "-o", str(tmp_path / "b.md"), *live(fake_openai)])
    assert out.exit_code == 1 and "--shard writes no briefing" in out.output
    off = runner.invoke(app, ["run", str(folder), "--shard", "1/2", "--no-cache", *live(fake_openai)])
    assert off.exit_code == 1 and "drop --no-cache" in off.output
    assert fake_openai.count == 0
