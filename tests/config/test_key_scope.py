"""A provider's key goes only to that provider's host (issue 11, item 1).

OPENAI_API_KEY is sent to api.openai.com and nowhere else; OPENROUTER_API_KEY to openrouter.ai.
Any other --base-url / OPENAI_BASE_URL gets a key only when the user gives one for it:
--api-key, or BRIEF_API_KEY. `brief config show` and `brief check` say when a key is held back.
"""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from summarizer.llm.check import check_endpoint
from tests.conftest import SEEDS, SEED_FILES

OPENAI_KEY = "sk-proj-openai-secret-0000000000001234"
OTHER_KEY = "sk-endpoint-explicit-00000000005678"
ONE_SEED = str(SEEDS / SEED_FILES[3])


def _authorizations(server) -> set[str]:
    return {r["headers"].get("Authorization", "") for r in server.requests}


def test_openai_key_is_not_sent_to_a_base_url_flag(fake_openai, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    result = CliRunner().invoke(app, [ONE_SEED, "--base-url", fake_openai.base_url, "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    assert fake_openai.count >= 1
    assert _authorizations(fake_openai) == {"Bearer not-needed"}
    assert OPENAI_KEY not in str(fake_openai.requests)


def test_openai_key_is_not_sent_to_openai_base_url_from_the_environment(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    result = CliRunner().invoke(app, [ONE_SEED, "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    assert OPENAI_KEY not in str(fake_openai.requests)


def test_openrouter_key_is_not_sent_to_another_host(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENROUTER_API_KEY", OPENAI_KEY)
    result = CliRunner().invoke(app, ["check", "--provider", "openrouter", "--base-url", fake_openai.base_url, "--model", "fake-model"])
    assert OPENAI_KEY not in str(fake_openai.requests)
    assert "OPENROUTER_API_KEY is set but only ever sent to openrouter.ai" in result.output


def test_a_key_given_for_the_url_is_sent_there(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    by_flag = CliRunner().invoke(app, [ONE_SEED, "--base-url", fake_openai.base_url, "--api-key", OTHER_KEY, "--no-cache", "-q"])
    assert by_flag.exit_code == 0, by_flag.output
    assert _authorizations(fake_openai) == {f"Bearer {OTHER_KEY}"}
    fake_openai.requests.clear()
    monkeypatch.setenv("BRIEF_API_KEY", OTHER_KEY)
    by_env = CliRunner().invoke(app, [ONE_SEED, "--base-url", fake_openai.base_url, "--no-cache", "-q"])
    assert by_env.exit_code == 0, by_env.output
    assert _authorizations(fake_openai) == {f"Bearer {OTHER_KEY}"}


def test_openai_key_still_goes_to_openai():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"error": {"message": "no"}})

    settings = resolve_settings({}, env={"OPENAI_API_KEY": OPENAI_KEY})
    check_endpoint(settings, transport=httpx.MockTransport(handler))
    assert seen and seen[0].url.host == "api.openai.com"
    assert seen[0].headers["Authorization"] == f"Bearer {OPENAI_KEY}"


def test_config_show_and_check_say_the_key_is_held_back(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    shown = CliRunner().invoke(app, ["config", "show", "--base-url", fake_openai.base_url])
    row = next(line for line in shown.output.splitlines() if line.strip().startswith("api_key"))
    assert "OPENAI_API_KEY is set but only ever sent to api.openai.com" in row and "BRIEF_API_KEY" in row
    checked = CliRunner().invoke(app, ["check", "--base-url", fake_openai.base_url, "--model", "fake-model"])
    endpoint = next(line for line in checked.output.splitlines() if "endpoint" in line and "[" in line)
    assert "only ever sent to api.openai.com" in endpoint and "--api-key" in endpoint
    assert OPENAI_KEY[-4:] not in shown.output + checked.output
