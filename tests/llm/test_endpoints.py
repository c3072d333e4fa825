"""Any OpenAI-compatible server on 127.0.0.1 works, in every structured-output mode.

FakeOpenAI (tests/fake_openai.py) is a real HTTP server that answers from the recordings,
shaped for the request: tool calls when the request has `tools`, JSON in `content` otherwise.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def replayed_briefing(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The briefing of the seeds from the bundled recordings (no endpoint), as JSON."""
    out = tmp_path_factory.mktemp("replay") / "briefing.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("OPENAI_API_KEY", raising=False)
        mp.delenv("OPENAI_BASE_URL", raising=False)
        mp.delenv("BRIEF_PROVIDER", raising=False)
        mp.setenv("BRIEF_CACHE_DIR", str(out.parent / "cache"))
        result = CliRunner().invoke(app, [str(SEEDS), "-q", "-o", str(out.parent / "b.md"), "--json", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _brief(fake, tmp_path: Path, *extra: str):
    out = tmp_path / "briefing.json"
    args = [
        str(SEEDS),
        "--base-url",
        fake.base_url,
        "--api-key",
        "sk-test",
        "--no-cache",
        "-o",
        str(tmp_path / "b.md"),
        "--json",
        str(out),
        *extra,
    ]
    result = CliRunner().invoke(app, args)
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return result, data


@pytest.mark.parametrize("mode", ["tools", "json", "md_json", "json_schema"])
def test_every_mode_works_against_a_local_server_and_gives_the_replayed_timeline(
    mode: str, fake_openai, tmp_path: Path, replayed_briefing: dict
):
    result, data = _brief(fake_openai, tmp_path, "--mode", mode)
    assert result.exit_code == 0, result.output
    assert "recorded responses" not in result.stderr
    assert data["meta"]["endpoint"] == fake_openai.base_url
    assert data["meta"]["mode"] == mode
    assert data["meta"]["llm_requests"] == fake_openai.count >= 6
    assert data["timeline"] == replayed_briefing["timeline"]
    assert data["sources"] == replayed_briefing["sources"]
    assert data["actors"] == replayed_briefing["actors"]
    assert [p["sources"] for p in data["summary"]] == [p["sources"] for p in replayed_briefing["summary"]]
    assert data["meta"]["items_verified"] == 67


@pytest.mark.parametrize(
    ("mode", "has_tools", "response_format"),
    [
        ("tools", True, None),
        ("json", False, "json_object"),
        ("md_json", False, None),
        ("json_schema", False, "json_schema"),
    ],
)
def test_what_each_mode_puts_on_the_wire(
    mode: str, has_tools: bool, response_format: str | None, fake_openai, tmp_path: Path
):
    result, _ = _brief(fake_openai, tmp_path, "--mode", mode)
    assert result.exit_code == 0, result.output
    assert fake_openai.requests
    for request in fake_openai.requests:
        body, headers = request["body"], {k.lower(): v for k, v in request["headers"].items()}
        assert request["path"] == "/v1/chat/completions"
        assert headers["authorization"] == "Bearer sk-test"
        assert f"/{mode}/p" in headers["x-brief-key"]
        assert body["model"] == "gpt-4o-mini"
        assert ("tools" in body) is has_tools
        if has_tools:
            assert body["tool_choice"]["function"]["name"] == body["tools"][0]["function"]["name"]
        assert (body.get("response_format") or {}).get("type") == response_format
        if not has_tools:
            # the schema travels in the prompt or in response_format
            assert "evidence" in json.dumps(body, ensure_ascii=False) or "paragraphs" in json.dumps(
                body, ensure_ascii=False
            )


def test_the_key_can_come_from_the_environment_and_never_reaches_output(
    fake_openai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    secret = "sk-test-env-0123456789abcdef"
    monkeypatch.setenv(
        "BRIEF_API_KEY", secret
    )  # the key for the configured endpoint (OPENAI_API_KEY only goes to OpenAI)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    out, js = tmp_path / "b.md", tmp_path / "b.json"
    result = CliRunner().invoke(app, [str(SEEDS), "-vv", "-o", str(out), "--json", str(js)])
    assert result.exit_code == 0, result.output
    assert all(r["headers"].get("Authorization") == f"Bearer {secret}" for r in fake_openai.requests)
    for text in (result.stdout, result.stderr, out.read_text(encoding="utf-8"), js.read_text(encoding="utf-8")):
        assert secret not in text
    for path in Path(tmp_path).rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes()


def test_a_second_live_run_makes_no_request(fake_openai, tmp_path: Path):
    args = [
        str(SEEDS),
        "--base-url",
        fake_openai.base_url,
        "--api-key",
        "sk-test",
        "--cache-dir",
        str(tmp_path / "cache"),
        "-q",
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    sent = fake_openai.count
    assert sent >= 6
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0
    assert fake_openai.count == sent
    assert f"0 LLM requests, {sent} cached" in second.stdout


def test_text_from_articles_cannot_inject_html_links_or_images(fake_openai, tmp_path: Path):
    # The fake server's brief of an unknown article quotes its first sentence as evidence, so this
    # sentence reaches the rendered timeline exactly as the article wrote it.
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "inject.txt").write_text(
        " date 2025-11-03 Breaking: <script>alert('x')</script> see [the report](javascript:alert(1)) and "
        "![pixel](http://evil.example/p.png) or <img src=x onerror=alert(1)> now | col | **bold** today.\nSecond line.\n",
        encoding="utf-8",
    )
    out = tmp_path / "b.md"
    result = CliRunner().invoke(
        app, [str(folder), "--base-url", fake_openai.base_url, "--api-key", "sk-test", "--no-cache", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    brief = out.read_text(encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [str(folder), "--base-url", fake_openai.base_url, "--api-key", "sk-test", "--detail", "full", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    markdown = out.read_text(encoding="utf-8")
    assert "alert" in markdown, "the quote is shown (escaped), not dropped"
    markdown += brief  # the brief shows the headline and the lead: the same rules hold
    assert "<script" not in markdown and "<img" not in markdown
    assert not re.search(r"(?<!\\)\]\(", markdown), "no Markdown link or image can open"
    assert not re.search(r"(?<!\\)!\[", markdown)
    outside_code = re.sub(r"`[^`]*`", "", markdown)  # a URL is shown in a code span, never clickable
    assert "javascript:" not in outside_code and "http://evil" not in outside_code
    assert not re.search(r"(?<!\\)\*\*bold", markdown)
