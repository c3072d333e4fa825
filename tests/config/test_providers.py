"""Provider presets: base URL, structured-output mode and key variable, and what goes on the wire.

Each preset is resolved on its own (Settings) and then pointed at the fake server with
--base-url, where the request it sends shows the mode: `tools` for tools mode,
`response_format` json_object / json_schema for json / json_schema.
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from summarizer.errors import ConfigError
from summarizer.config.providers import PROVIDERS, azure_v1_url, preset_base_url
from summarizer.models import ArticleBrief
from tests.conftest import SEEDS
import httpx
from summarizer.llm.check import check_endpoint
from tests.conftest import SEED_FILES

OPENAI_KEY = "sk-openai-0000000000000000OPENAI"
KEYS = {
    "OPENAI_API_KEY": OPENAI_KEY,
    "AZURE_OPENAI_API_KEY": "azure-key-1111111111111111",
    "OPENROUTER_API_KEY": "sk-or-v1-2222222222222222",
}
AZURE_ENV = {"AZURE_OPENAI_ENDPOINT": "https://contoso.openai.azure.com/"}


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_preset_alone_sets_base_url_mode_and_key_variable(provider):
    preset = PROVIDERS[provider]
    s = resolve_settings({"provider": provider}, env={**KEYS, **AZURE_ENV, "VLLM_API_KEY": "vllm-key-4444444444444444"})
    assert (s.provider, s.base_url, s.mode, s.key_env) == (
        provider,
        preset_base_url(preset, AZURE_ENV),
        preset.mode,
        preset.key_env,
    )
    assert s.sources["base_url"] == s.sources["mode"] == f"provider:{provider}"
    assert s.replay_dir is None and not s.replay_is_default  # a preset is a configured endpoint
    assert (s.api_key is not None) == (preset.key_env is not None), (
        "the key comes from the preset's own variable, if it has one"
    )


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_local_presets_point_at_this_machine_and_need_no_key_hosted_ones_use_https_and_do(provider):
    from urllib.parse import urlsplit

    preset = PROVIDERS[provider]
    url = urlsplit(preset_base_url(preset, AZURE_ENV) or "")
    if preset.key_required:
        assert url.scheme == "https" and preset.key_env
    else:
        assert url.hostname == "127.0.0.1" and preset.start_hint, "a local server, with a hint how to start it"


@pytest.mark.parametrize("provider", ["azure", "ollama", "vllm", "llamacpp", "lmstudio", "openrouter"])
def test_the_openai_key_is_never_sent_to_another_provider(provider):
    s = resolve_settings({"provider": provider}, env={"OPENAI_API_KEY": OPENAI_KEY, **AZURE_ENV}, lenient=True)
    assert s.api_key is None or s.api_key.get_secret_value() != OPENAI_KEY


@pytest.mark.parametrize(
    ("provider", "env_var"),
    [("openai", "OPENAI_API_KEY"), ("azure", "AZURE_OPENAI_API_KEY"), ("openrouter", "OPENROUTER_API_KEY")],
)
def test_a_hosted_provider_without_its_key_is_an_error_naming_the_variable(provider, env_var):
    with pytest.raises(
        ConfigError, match=f"provider {provider} needs an API key: set {env_var} \\(or pass --api-key\\)"
    ):
        resolve_settings({"provider": provider}, env=AZURE_ENV)
    lenient = resolve_settings({"provider": provider}, env=AZURE_ENV, lenient=True)
    assert lenient.problems == (f"provider {provider} needs an API key: set {env_var} (or pass --api-key)",)


def test_azure_without_an_endpoint_names_azure_openai_endpoint():
    with pytest.raises(ConfigError, match=re.escape("set AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com")):
        resolve_settings({"provider": "azure", "api_key": "k"}, env={})


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://contoso.openai.azure.com", "https://contoso.openai.azure.com/openai/v1"),
        ("https://contoso.openai.azure.com/", "https://contoso.openai.azure.com/openai/v1"),
        ("https://contoso.openai.azure.com/openai", "https://contoso.openai.azure.com/openai/v1"),
        ("https://contoso.openai.azure.com/openai/v1/", "https://contoso.openai.azure.com/openai/v1"),
    ],
)
def test_azure_endpoint_becomes_the_v1_api_url(endpoint, expected):
    assert azure_v1_url(endpoint) == expected


def test_local_presets_need_no_key_but_accept_one_by_flag():
    assert resolve_settings({"provider": "ollama"}, env={}).api_key is None
    s = resolve_settings({"provider": "ollama", "api_key": "local-secret"}, env={})
    assert s.api_key.get_secret_value() == "local-secret" and s.sources["api_key"] == "flag"


@pytest.mark.parametrize(
    ("flags", "env", "file", "expected"),
    [
        # an explicit flag wins over the preset
        ({"provider": "ollama", "base_url": "http://gpu:11434/v1"}, {}, "", ("http://gpu:11434/v1", "json_schema")),
        ({"provider": "llamacpp", "mode": "tools"}, {}, "", ("http://127.0.0.1:8080/v1", "tools")),
        # --provider beats a base URL or mode from the environment or the file
        (
            {"provider": "lmstudio"},
            {"OPENAI_BASE_URL": "http://elsewhere/v1", "BRIEF_MODE": "md_json"},
            "",
            ("http://127.0.0.1:1234/v1", "json_schema"),
        ),
        (
            {"provider": "vllm"},
            {},
            'base_url = "http://file/v1"\nmode = "tools"\n',
            ("http://127.0.0.1:8000/v1", "json_schema"),
        ),
        # provider and base URL in the same file: the explicit base URL wins
        ({}, {}, 'provider = "vllm"\nbase_url = "http://cluster:8000/v1"\n', ("http://cluster:8000/v1", "json_schema")),
        # env beats a preset chosen in the file
        ({}, {"BRIEF_MODE": "json"}, 'provider = "openrouter"\n', ("https://openrouter.ai/api/v1", "json")),
        ({}, {"BRIEF_PROVIDER": "ollama"}, "", ("http://127.0.0.1:11434/v1", "json_schema")),
    ],
)
def test_precedence_between_presets_and_explicit_values(tmp_path, flags, env, file, expected):
    config = tmp_path / "brief.toml"
    config.write_text(file, encoding="utf-8")
    s = resolve_settings(flags, env={**KEYS, **env}, config_file=config)
    assert (s.base_url, s.mode) == expected


def test_provider_names_are_case_insensitive_and_unknown_ones_list_the_choices():
    assert resolve_settings({"provider": "Ollama"}, env={}).provider == "ollama"
    with pytest.raises(
        ConfigError,
        match=r"unknown provider 'olama' \(from env:BRIEF_PROVIDER\); pass --provider \(or set BRIEF_PROVIDER, or `provider` in brief.toml\) with one of: openai \| azure \| ollama",
    ):
        resolve_settings({}, env={"BRIEF_PROVIDER": "olama"})


# --------------------------------------------------------------------------- on the wire

# provider, request shape, Authorization header expected. The fake server is not OpenAI's or
# OpenRouter's host, so their own variables are not sent there: BRIEF_API_KEY names the key for it.
ENDPOINT_KEY = "sk-endpoint-3333333333333333"
WIRE = [
    ("openai", "tools", f"Bearer {ENDPOINT_KEY}"),
    ("azure", "tools", f"Bearer {KEYS['AZURE_OPENAI_API_KEY']}"),
    ("ollama", "json_schema", "Bearer not-needed"),
    ("vllm", "json_schema", "Bearer not-needed"),
    ("llamacpp", "json_object+schema", "Bearer not-needed"),
    ("lmstudio", "json_schema", "Bearer not-needed"),
    ("openrouter", "tools", f"Bearer {ENDPOINT_KEY}"),
]


def _shape(body: dict) -> str:
    if "tools" in body:
        assert body["tool_choice"]["type"] == "function" and "response_format" not in body
        return "tools"
    response_format = body["response_format"]
    if response_format["type"] == "json_schema":
        assert response_format["json_schema"]["schema"]["type"] == "object", "the answer's schema is sent"
    if response_format["type"] == "json_object" and "schema" in response_format:
        assert response_format["schema"]["type"] == "object"
        return "json_object+schema"
    return response_format["type"]


@pytest.mark.parametrize(("provider", "shape", "authorization"), WIRE)
def test_each_preset_sends_its_mode_and_its_key_to_the_server(fake_openai, monkeypatch, provider, shape, authorization):
    for name, value in {**KEYS, **AZURE_ENV}.items():
        monkeypatch.setenv(name, value)
    if provider in ("openai", "openrouter"):
        monkeypatch.setenv("BRIEF_API_KEY", ENDPOINT_KEY)
    result = CliRunner().invoke(
        app,
        ["check", "--provider", provider, "--base-url", fake_openai.base_url, "--model", "fake-model", "--no-quality"],
    )
    assert result.exit_code == 0, result.output
    assert fake_openai.count == 1
    request = fake_openai.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert _shape(request["body"]) == shape
    assert request["headers"]["Authorization"] == authorization


def test_azure_preset_talks_to_the_v1_api_under_the_resource_endpoint(fake_openai, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", fake_openai.base_url.removesuffix("/v1"))
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEYS["AZURE_OPENAI_API_KEY"])
    result = CliRunner().invoke(app, ["check", "--provider", "azure", "--model", "my-deployment"])
    assert result.exit_code == 0, result.output
    request = fake_openai.requests[0]
    assert request["path"] == "/openai/v1/chat/completions"
    assert request["body"]["model"] == "my-deployment"
    assert "api-version" not in request["path"]
    assert request["headers"]["Authorization"] == f"Bearer {KEYS['AZURE_OPENAI_API_KEY']}"


def test_brief_run_with_a_provider_uses_its_mode_for_every_request(fake_openai, seeds_copy):
    result = CliRunner().invoke(
        app, ["run", str(seeds_copy), "--provider", "llamacpp", "--base-url", fake_openai.base_url, "--no-cache", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert fake_openai.count >= len(list(SEEDS.glob("*.txt")))
    assert {_shape(r["body"]) for r in fake_openai.requests} == {"json_object+schema"}
    briefs = [r["body"] for r in fake_openai.requests if r["headers"]["X-Brief-Key"].startswith("brief/")]
    assert briefs and all(b["response_format"]["schema"] == ArticleBrief.model_json_schema() for b in briefs), (
        "llama.cpp decodes only JSON fitting the brief's schema"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--provider", "openrouter"],
            "Error: provider openrouter needs an API key: set OPENROUTER_API_KEY (or pass --api-key)",
        ),
        (
            ["--provider", "olama"],
            "Error: unknown provider 'olama' (from flag); pass --provider (or set BRIEF_PROVIDER, or `provider` in brief.toml) with one of: openai | azure | ollama | vllm | llamacpp | lmstudio | openrouter",
        ),
    ],
)
def test_brief_run_refuses_an_unusable_provider_before_reading_anything(args, message):
    result = CliRunner().invoke(app, ["run", str(SEEDS), *args])
    assert result.exit_code == 1
    assert result.output.strip() == message


# --------------------------------------------------------------------------- key scope: a provider's key goes only to its host
# A provider's key goes only to that provider's host (issue 11, item 1).
#
# OPENAI_API_KEY is sent to api.openai.com and nowhere else; OPENROUTER_API_KEY to openrouter.ai.
# Any other --base-url / OPENAI_BASE_URL gets a key only when the user gives one for it:
# --api-key, or BRIEF_API_KEY. `brief config show` and `brief check` say when a key is held back.


SCOPED_OPENAI_KEY = "sk-proj-openai-secret-0000000000001234"
SCOPED_OTHER_KEY = "sk-endpoint-explicit-00000000005678"
SCOPED_SEED = str(SEEDS / SEED_FILES[3])


def _authorizations(server) -> set[str]:
    return {r["headers"].get("Authorization", "") for r in server.requests}


def test_openai_key_is_not_sent_to_a_base_url_flag(fake_openai, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", SCOPED_OPENAI_KEY)
    result = CliRunner().invoke(app, [SCOPED_SEED, "--base-url", fake_openai.base_url, "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    assert fake_openai.count >= 1
    assert _authorizations(fake_openai) == {"Bearer not-needed"}
    assert SCOPED_OPENAI_KEY not in str(fake_openai.requests)


def test_openai_key_is_not_sent_to_openai_base_url_from_the_environment(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SCOPED_OPENAI_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    result = CliRunner().invoke(app, [SCOPED_SEED, "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    assert SCOPED_OPENAI_KEY not in str(fake_openai.requests)


def test_openrouter_key_is_not_sent_to_another_host(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENROUTER_API_KEY", SCOPED_OPENAI_KEY)
    result = CliRunner().invoke(
        app, ["check", "--provider", "openrouter", "--base-url", fake_openai.base_url, "--model", "fake-model"]
    )
    assert SCOPED_OPENAI_KEY not in str(fake_openai.requests)
    assert "OPENROUTER_API_KEY is set but only ever sent to openrouter.ai" in result.output


def test_a_key_given_for_the_url_is_sent_there(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SCOPED_OPENAI_KEY)
    by_flag = CliRunner().invoke(
        app, [SCOPED_SEED, "--base-url", fake_openai.base_url, "--api-key", SCOPED_OTHER_KEY, "--no-cache", "-q"]
    )
    assert by_flag.exit_code == 0, by_flag.output
    assert _authorizations(fake_openai) == {f"Bearer {SCOPED_OTHER_KEY}"}
    fake_openai.requests.clear()
    monkeypatch.setenv("BRIEF_API_KEY", SCOPED_OTHER_KEY)
    by_env = CliRunner().invoke(app, [SCOPED_SEED, "--base-url", fake_openai.base_url, "--no-cache", "-q"])
    assert by_env.exit_code == 0, by_env.output
    assert _authorizations(fake_openai) == {f"Bearer {SCOPED_OTHER_KEY}"}


def test_openai_key_still_goes_to_openai():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"error": {"message": "no"}})

    settings = resolve_settings({}, env={"OPENAI_API_KEY": SCOPED_OPENAI_KEY})
    check_endpoint(settings, transport=httpx.MockTransport(handler))
    assert seen and seen[0].url.host == "api.openai.com"
    assert seen[0].headers["Authorization"] == f"Bearer {SCOPED_OPENAI_KEY}"


def test_config_show_and_check_say_the_key_is_held_back(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SCOPED_OPENAI_KEY)
    shown = CliRunner().invoke(app, ["config", "show", "--base-url", fake_openai.base_url])
    row = next(line for line in shown.output.splitlines() if line.strip().startswith("api_key"))
    assert "OPENAI_API_KEY is set but only ever sent to api.openai.com" in row and "BRIEF_API_KEY" in row
    checked = CliRunner().invoke(app, ["check", "--base-url", fake_openai.base_url, "--model", "fake-model"])
    endpoint = next(line for line in checked.output.splitlines() if "endpoint" in line and "[" in line)
    assert "only ever sent to api.openai.com" in endpoint and "--api-key" in endpoint
    assert SCOPED_OPENAI_KEY[-4:] not in shown.output + checked.output
