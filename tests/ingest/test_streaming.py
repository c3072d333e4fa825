"""A run starts sending while its files are still being read (issue 15, part 0).

The summarize stage takes the articles as they are read: the first request leaves before the last
file is read, and everything reading reports (order, rejections, duplicates, languages) is the
same as when every file is read first.
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from summarizer.config.settings import Settings
from summarizer.errors import AuthError
from summarizer.pipeline import brief_shard, build_briefing
from summarizer.ingest import articles as articles_module
from summarizer.ingest.articles import ArticleReader, detect_language, load_articles
from summarizer.ingest.languages import Languages
from summarizer.stages.shard import Shard
from tests.conftest import ROOT, SEEDS
from tests.fake_openai import FakeOpenAI

RUSSIAN = (
    "Президенты Азербайджана и России не проводили двустороннюю встречу на полях саммита. "
    "Об этом сообщил спикер Кремля Дмитрий Песков. По его словам, встреча может состояться позже."
)


def settings(server: FakeOpenAI, tmp_path: Path, **changes) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        base_url=server.base_url, api_key=SecretStr("sk-test-not-a-real-key"), cache_dir=tmp_path / "cache", **changes
    )


def council(i: int, day: int = 10) -> str:
    return (
        f" date 2025-10-{day} Council {i} approves the budget\n"
        f"The council of district number {i} approved its budget for next year on Monday evening. "
        f"The vote in district {i} was close, and the opposition promised to appeal the decision in court.\n"
    )


def write_councils(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(council(i), encoding="utf-8")
    return folder


def messy_folder(folder: Path) -> Path:
    """Good files mixed with every kind of rejection, duplicates (one with another date) and odd encodings."""
    write_councils(folder, 12)
    (folder / "a003_copy.txt").write_text(council(3), encoding="utf-8")  # the same text: an alias
    (folder / "a005_crlf.txt").write_bytes(
        council(5, day=11).replace("\n", "\r\n").encode("utf-8")
    )  # same text, other date: alias + note
    (folder / "b_bom.txt").write_bytes(b"\xef\xbb\xbf" + council(40).encode("utf-8"))
    (folder / "b_ru.txt").write_bytes(f" date 2025-09-03 Песков о встрече\n{RUSSIAN}\n".encode("cp1251"))
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "c_binary.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "c_bad_date.txt").write_text(" date 2025-13-45 Impossible\nText.\n", encoding="utf-8")
    (folder / "c_header_only.txt").write_text(" date 2025-10-10\n", encoding="utf-8")
    long_text = " ".join(f"Sentence {i} of a very long report on the council budget." for i in range(400))
    (folder / "d_long.txt").write_text(f" date 2025-10-10 Long\n{long_text}\n", encoding="utf-8")
    (folder / "e_long_copy.txt").write_text(
        f" date 2025-10-12 Long\n{long_text}\n", encoding="utf-8"
    )  # read after d_long is sent
    return folder


class Watching(FakeOpenAI):
    """A FakeOpenAI that signals its first request."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.first_request = threading.Event()

    def answer_for(self, body, key):  # type: ignore[no-untyped-def]
        self.first_request.set()
        return super().answer_for(body, key)


def test_the_first_request_reaches_the_server_before_the_last_file_is_read(tmp_path, monkeypatch):
    folder = write_councils(tmp_path / "news", 40)
    last = sorted(folder.iterdir())[-1].name
    seen: dict[str, bool] = {}
    real_read = articles_module.read_article

    def read_article(path, display, **kwargs):  # type: ignore[no-untyped-def]
        if display == last:  # the run waits here (at most 30 s) for the server to have a request
            seen["request before the last file"] = server.first_request.wait(30)
        return real_read(path, display, **kwargs)

    monkeypatch.setattr(articles_module, "read_article", read_article)
    with Watching(recordings=None) as server:
        run = build_briefing([folder], settings(server, tmp_path, concurrency=4))
    assert seen == {"request before the last file": True}
    assert [r.article.path for r in run.results] == sorted(p.name for p in folder.iterdir())
    assert all(r.ok for r in run.results)


def test_streamed_results_keep_input_order_rejections_and_duplicates_as_a_full_read(tmp_path):
    folder = messy_folder(tmp_path / "news")
    expected = load_articles([folder])
    loaded = []
    with FakeOpenAI(recordings=None) as server:
        run = build_briefing(
            [folder], settings(server, tmp_path, concurrency=3, max_article_chars=5000), on_loaded=loaded.append
        )

    assert [r.article.path for r in run.results] == [a.path for a in expected.articles]
    assert run.rejected == expected.rejected and len(run.rejected) == 4
    by_path = {a.path: a for a in expected.articles}
    for result in run.results:
        want = by_path[result.article.path]
        assert (result.article.id, result.article.language, result.article.aliases) == (
            want.id,
            want.language,
            want.aliases,
        )
        assert result.article.notes[: len(want.notes)] == want.notes, "notes found after the article was sent are kept"
    assert by_path["a003.txt"].aliases == ["a003_copy.txt"]
    assert by_path["a005.txt"].aliases == ["a005_crlf.txt"] and any(
        n.startswith("duplicate a005_crlf.txt has date 2025-10-11") for n in by_path["a005.txt"].notes
    )
    long = next(r for r in run.results if r.article.path == "d_long.txt")
    assert long.article.aliases == ["e_long_copy.txt"]
    assert any(n.startswith("duplicate e_long_copy.txt has date 2025-10-12") for n in long.article.notes)
    assert any(n.startswith("too long: only the first") for n in long.article.notes)
    assert next(r for r in run.results if r.article.path == "b_ru.txt").article.language == "ru"
    assert len(loaded) == 1 and [a.path for a in loaded[0].articles] == [a.path for a in expected.articles]
    assert loaded[0].rejected == expected.rejected
    assert sum(map(_is_brief, server.requests)) == len(expected.articles), (
        "one request per article, none for duplicates or rejections"
    )


def _is_brief(request) -> bool:  # type: ignore[no-untyped-def]
    return (request["headers"].get("X-Brief-Key") or request["headers"].get("x-brief-key") or "").startswith("brief/")


def test_duplicates_and_aliases_in_the_briefing_are_the_same_streamed_or_not(tmp_path):
    folder = messy_folder(tmp_path / "news")
    with FakeOpenAI(recordings=None) as server:
        streamed = build_briefing([folder], settings(server, tmp_path, max_article_chars=5000))
        batched = build_briefing(
            [], settings(server, tmp_path, max_article_chars=5000), articles=load_articles([folder])
        )
    assert streamed.briefing.sources == batched.briefing.sources
    assert streamed.briefing.notes == batched.briefing.notes


def test_a_shard_run_streams_and_briefs_only_its_shard(tmp_path):
    folder = write_councils(tmp_path / "news", 24)
    shard = Shard(2, 3)
    everything = load_articles([folder]).articles
    mine = [a for a in everything if shard.contains(a)]
    loaded = []
    with FakeOpenAI(recordings=None) as server:
        run = brief_shard([folder], settings(server, tmp_path), shard, on_loaded=loaded.append)
    sent = sorted(
        (r["headers"].get("X-Brief-Key") or r["headers"].get("x-brief-key")).split("/")[1] for r in server.requests
    )
    assert sent == sorted(a.id for a in mine) and mine
    assert [r.article.path for r in run.results] == [a.path for a in mine]
    assert run.total == len(everything)
    assert [a.path for a in loaded[0].articles] == [a.path for a in mine]


def test_an_auth_error_while_files_are_still_read_ends_the_run(tmp_path):
    folder = write_councils(tmp_path / "news", 30)
    with FakeOpenAI(recordings=None).script("401") as server, pytest.raises(AuthError):
        build_briefing([folder], settings(server, tmp_path, concurrency=1))


# --------------------------------------------------------------------------- languages off the critical path


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform: languages are detected in-process")
def test_the_forked_detector_gives_the_languages_the_process_would(tmp_path):
    folder = messy_folder(tmp_path / "news")
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    reader = ArticleReader([folder])
    articles = [a for p, d in reader.files if (a := reader.read(p, d, language_of=lambda i, t: "und"))]

    async def detect() -> tuple[list[str], bool]:
        languages = await Languages.start(reader.files, fork=True)
        try:
            return [await languages.of(a) for a in articles], languages.forked
        finally:
            languages.close()

    found, forked = asyncio.run(detect())
    assert forked
    assert gc.get_freeze_count() == 0, "objects held back from the collector while the child shared them are back"
    assert found == [detect_language(a.text) for a in articles]
    assert {"lv", "uk", "ru", "en"} <= set(found)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_detector_that_dies_leaves_the_rest_to_this_process(tmp_path):
    import signal

    folder = SEEDS
    reader = ArticleReader([folder])
    articles = [a for p, d in reader.files if (a := reader.read(p, d, language_of=lambda i, t: "und"))]

    async def detect() -> list[str]:
        languages = await Languages.start(reader.files, fork=True)
        os.kill(languages._pid, signal.SIGKILL)  # type: ignore[arg-type]
        try:
            return [await languages.of(a) for a in articles]
        finally:
            languages.close()

    assert asyncio.run(detect()) == [detect_language(a.text) for a in articles]


def test_the_pipeline_module_leaves_the_later_stages_unloaded():
    """What runs after the articles is imported while their answers come in, not before the first request."""
    later = [
        "summarizer.stages.analysis",
        "summarizer.stages.merge",
        "summarizer.stages.synthesis",
        "summarizer.stories.briefings",
        "summarizer.stories.clustering",
        "summarizer.models.briefing",
        "summarizer.models.digest",
        "summarizer.render.markdown",
        "openai",
        "instructor",
        "py3langid",
    ]
    code = f"import sys, summarizer.cli, summarizer.pipeline; print([m for m in {later!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_a_whole_process_run_sends_the_languages_an_in_process_run_sends(tmp_path):
    """`brief run` in its own (single-threaded) process detects in a forked worker where it can: the same prompts go out."""
    folder = tmp_path / "news"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "ru.txt").write_bytes(f" date 2025-09-03 Песков о встрече\n{RUSSIAN}\n".encode("cp1251"))
    env = {**os.environ, "BRIEF_CACHE_DIR": str(tmp_path / "cache-process")}
    with FakeOpenAI(recordings=None) as server:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "summarizer",
                "run",
                str(folder),
                "--base-url",
                server.base_url,
                "--api-key",
                "sk-test-not-a-real-key",
                "-o",
                str(tmp_path / "out.md"),
                "--quiet",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        there = _brief_prompts(server.requests)
        server.requests.clear()
        build_briefing([folder], settings(server, tmp_path))
        here = _brief_prompts(server.requests)
    assert there == here and len(here) == 6
    assert {line for prompt in here for line in prompt.splitlines() if line.startswith("Language detected:")} >= {
        "Language detected: lv",
        "Language detected: uk",
        "Language detected: ru",
    }


def _brief_prompts(requests) -> list[str]:  # type: ignore[no-untyped-def]
    """The user message of every brief request, in a stable order."""
    return sorted(m["content"] for r in requests if _is_brief(r) for m in r["body"]["messages"] if m["role"] == "user")


@pytest.mark.parametrize("arguments", [["{folder}"], ["no/such/folder"], ["{folder}", "--shard", "1/2"]])
def test_brief_run_pauses_the_collector_only_until_its_files_are_read(tmp_path, arguments):
    """Start-up objects live for the whole run, so `brief run` pauses the cyclic collector while it starts; never for longer."""
    from typer.testing import CliRunner

    from summarizer.cli import app

    folder = write_councils(tmp_path / "news", 6)
    states = []
    with FakeOpenAI(recordings=None) as server:
        real = articles_module.read_article

        def read_article(*args, **kwargs):  # type: ignore[no-untyped-def]
            states.append(gc.isenabled())
            return real(*args, **kwargs)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(articles_module, "read_article", read_article)
            result = CliRunner().invoke(
                app,
                [
                    "run",
                    *[a.replace("{folder}", str(folder)) for a in arguments],
                    "--base-url",
                    server.base_url,
                    "--api-key",
                    "sk-test-not-a-real-key",
                    "--cache-dir",
                    str(tmp_path / "cache"),
                ],
            )
    assert result.exit_code in (0, 1), result.output
    assert gc.isenabled()
    if result.exit_code == 0:
        assert states and not any(states), "paused while the files were read"


def test_a_run_whose_briefs_are_cached_loads_no_sdk_even_when_it_must_detect_languages(tmp_path):
    """Languages not in the cache start the SDK's import early, but not when the article's brief is cached."""
    folder = write_councils(tmp_path / "news", 5)
    with FakeOpenAI(recordings=None) as server:
        s = settings(server, tmp_path)
        build_briefing(
            [], s, articles=load_articles([folder])
        )  # fills the cache with every answer, but no language entries
        sent = len(server.requests)
        code = (
            "import sys; from pydantic import SecretStr; from summarizer.config.settings import Settings; from summarizer.pipeline import build_briefing; "
            f"run = build_briefing([{str(folder)!r}], Settings(base_url={server.base_url!r}, api_key=SecretStr('sk-test-not-a-real-key'), "
            f"cache_dir={str(tmp_path / 'cache')!r})); print(run.stats.requests, run.stats.cache_hits, 'openai' in sys.modules)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert out.returncode == 0, out.stderr
        assert len(server.requests) == sent
    requests, hits, sdk = out.stdout.split()
    assert (requests, sdk) == ("0", "False") and int(hits) >= 5
