"""The context window: how much the model reads per request, which sizes the summary and comparison calls."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import Settings, resolve_settings
from summarizer.errors import ConfigError
from summarizer.llm.context import DEFAULT_CONTEXT_WINDOW, context_window, input_room, text_tokens


@pytest.mark.parametrize(
    ("model", "window"),
    [
        ("gpt-4o-mini", 128_000),
        ("gpt-4o-mini-2024-07-18", 128_000),  # a dated snapshot takes its family's window
        ("openai/gpt-4.1-mini", 1_047_576),  # behind a router
        ("gpt-3.5-turbo", 16_385),
        ("o4-mini", 200_000),
        ("qwen2.5:7b", DEFAULT_CONTEXT_WINDOW),  # unknown: what local servers commonly load
    ],
)
def test_the_window_of_a_model_brief_knows_by_name_else_the_default(model: str, window: int):
    assert context_window(Settings(model=model)) == window


def test_the_setting_wins_over_the_known_window():
    assert context_window(Settings(model="gpt-4o-mini", context_window=32_768)) == 32_768


def test_the_input_room_leaves_the_output_limit_and_a_tenth_for_the_estimate():
    settings = Settings(model="local", context_window=16_384, max_output_tokens=2_048)
    assert input_room(settings) == 16_384 - 2_048 - 1_638


def test_tokens_are_estimated_from_utf8_bytes_so_cyrillic_counts_more_than_latin():
    assert text_tokens("a" * 400) == 100
    assert text_tokens("я" * 400) == 200  # two bytes a letter: an overestimate, never an underestimate


def test_a_window_too_small_for_the_output_limit_is_refused_naming_both_settings():
    with pytest.raises(ConfigError) as info:
        resolve_settings({"context_window": 4_096}, env={})
    message = str(info.value)
    assert "context_window 4096 leaves no room for input after the output-token limit of 4096" in message
    assert "lower --max-output-tokens" in message and "--context-window" in message
    assert context_window(resolve_settings({"context_window": 4_096, "max_output_tokens": 1_024}, env={})) == 4_096


def test_config_show_says_where_the_window_comes_from(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    shown = runner.invoke(app, ["config", "show", "--model", "qwen2.5:7b"], env={"BRIEF_CONTEXT_WINDOW": "32768"})
    assert shown.exit_code == 0, shown.output
    assert "32,768 tokens (set)" in shown.output and "env:BRIEF_CONTEXT_WINDOW" in shown.output
    shown = runner.invoke(app, ["config", "show", "--model", "qwen2.5:7b"], env={})
    assert "32,768 tokens (brief's default for a model it does not know)" in shown.output
    shown = runner.invoke(app, ["config", "show"], env={})
    assert "128,000 tokens (known for gpt-4o-mini)" in shown.output


def test_run_refuses_a_window_that_leaves_no_room_before_reading_anything(tmp_path):
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--context-window", "3000"], env={})
    assert result.exit_code == 1
    assert "context_window 3000 leaves no room" in result.output and "fix --context-window" in result.output


def test_an_article_longer_than_the_window_leaves_room_for_is_cut_to_fit_with_a_note_naming_the_window(tmp_path):
    from summarizer.models import ArticleBrief
    from summarizer.llm.context import prompt_tokens
    from tests.fake_openai import FakeOpenAI
    from tests.llm.test_faults import cli_args
    from tests.e2e.test_hostile_input import PARAGRAPH, _fenced

    folder = tmp_path / "news"
    folder.mkdir()
    text = PARAGRAPH * 10  # about 20,000 Cyrillic characters: about 10,000 tokens by the estimate
    (folder / "long.txt").write_text(f" date 2025-10-13 Длинная статья.\n{text}", encoding="utf-8")
    js = tmp_path / "b.json"
    window = ["--context-window", "8192", "--max-output-tokens", "1024"]
    with FakeOpenAI() as server:
        result = CliRunner().invoke(app, [str(folder), "-q", "--json", str(js), *window, *cli_args(server, tmp_path)])
        assert result.exit_code == 0, result.output
        [request] = [r for r in server.requests if r["headers"]["X-Brief-Key"].startswith("brief/")]
    sent = _fenced(request)
    assert 1_000 < len(sent) < len(text) / 2 and f"Длинная статья.\n{text}".startswith(sent), (
        "the start of the article, cut to fit"
    )
    room = input_room(Settings(context_window=8_192, max_output_tokens=1_024))
    assert prompt_tokens(request["body"]["messages"], ArticleBrief) <= room, (
        "the request fits the window, less the output limit"
    )
    [note] = [
        n["message"]
        for n in __import__("json").loads(js.read_text(encoding="utf-8"))["notes"]
        if n["message"].startswith("too long")
    ]
    assert "(what the model's 8,192-token context window leaves after the prompt and --max-output-tokens)" in note
    assert note.endswith("Raise --context-window if the server loads a longer context, or lower --max-output-tokens")


def test_a_window_with_no_room_for_an_article_is_refused_before_any_request(tmp_path):
    from tests.fake_openai import FakeOpenAI
    from tests.llm.test_faults import cli_args
    from tests.conftest import SEEDS

    with FakeOpenAI() as server:
        # 6,000 - 4,096 output - 600 held back leaves about 1,300 tokens: less than the prompt and schema alone
        result = CliRunner().invoke(app, [str(SEEDS), "-q", "--context-window", "6000", *cli_args(server, tmp_path)])
        assert server.requests == []
    assert result.exit_code == 1
    assert (
        "the model's context window (6,000 tokens, set) leaves room for about 0 tokens of article after the prompt"
        in result.output
    )
    assert "raise --context-window to what the server loads, or lower --max-output-tokens" in result.output


@pytest.mark.parametrize(("fault", "named"), [("context:8192", "8,192"), ("context-llamacpp:4096", "4,096")])
def test_a_server_refusing_a_request_too_long_for_its_context_fails_that_article_naming_the_window_to_pass(
    tmp_path, fault: str, named: str
):
    import json

    from tests.conftest import SEEDS
    from tests.fake_openai import FakeOpenAI
    from tests.llm.test_faults import cli_args

    window = named.replace(",", "")
    js = tmp_path / "b.json"
    with FakeOpenAI() as server:
        server.script(fault)  # the first request is refused as too long; the rest are answered
        result = CliRunner().invoke(
            app, [str(SEEDS), "-q", "--json", str(js), "--concurrency", "1", *cli_args(server, tmp_path)]
        )
        refused = [r for r in server.requests if r["fault"] == fault]
    assert result.exit_code == 2, result.output  # the briefing is written; one article failed
    assert len(refused) == 1, "a request the server refuses as too long is not resent"
    [failed] = [n["message"] for n in json.loads(js.read_text(encoding="utf-8"))["notes"] if n["kind"] == "failed"]
    assert f"the request is longer than gpt-4o-mini's context window ({named} tokens, says the server)" in failed
    assert (
        f"Pass --context-window {window} (what the server loads), or lower --max-output-tokens or --max-article-chars"
        in failed
    )
