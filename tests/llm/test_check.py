"""`brief check`: success, and each failure it diagnoses with its fix, against the fake server."""

from __future__ import annotations

import re
import socket

import pytest
from typer.testing import CliRunner

from summarizer.llm.check import STEPS, check_endpoint
from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from tests.fake_openai import FakeOpenAI

KEY = "sk-check-abcdefghijklmnop1234"


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _steps(output: str) -> dict[str, str]:
    """step name -> ok | FAIL | skip, from the report lines."""
    found = {}
    for line in output.splitlines():
        match = re.match(
            r"^\[(ok|FAIL|skip)\]\s+(endpoint|reachable|auth|model|structured output|context window)\s", line
        )
        if match:
            found[match.group(2)] = match.group(1)
    return found


def _fixes(output: str) -> list[str]:
    return [line.split("fix: ", 1)[1] for line in output.splitlines() if "fix: " in line]


def test_a_working_endpoint_passes_every_step_with_one_request(fake_openai, isolated_env):
    result = CliRunner().invoke(
        app, ["check", "--base-url", fake_openai.base_url, "--model", "fake-model", "--api-key", KEY, "--no-quality"]
    )
    assert result.exit_code == 0, result.output
    assert _steps(result.output) == dict.fromkeys(STEPS, "ok")
    assert result.output.rstrip().endswith("All good: `brief PATH` will use this endpoint.")
    assert fake_openai.count == 1
    body = fake_openai.requests[0]["body"]
    assert body["model"] == "fake-model" and body["tools"][0]["function"]["name"] == "Pong"
    assert KEY not in result.output and "sk-…1234" in result.output
    # the check neither reads nor writes the brief cache
    cache = isolated_env / "cache"
    assert not cache.exists() or not any(cache.rglob("*"))


def test_the_library_call_reports_the_same_steps(fake_openai):
    settings = resolve_settings(
        {"base_url": fake_openai.base_url, "model": "fake-model", "mode": "json_schema"}, env={}
    )
    report = check_endpoint(settings)
    assert report.ok and [s.name for s in report.steps] == list(STEPS)
    assert report.models == ["fake-model"]
    assert fake_openai.requests[0]["body"]["response_format"]["type"] == "json_schema"


# fault scripted on the fake, extra CLI args, step that fails, a fix that must be printed
FAULTS = [
    (
        "401",
        [],
        "auth",
        "set BRIEF_API_KEY to a valid key (or pass --api-key)",
    ),  # OPENAI_API_KEY would not be sent to this host
    (
        "404",
        ["--model", "no-such-model"],
        "model",
        "pass --model (env BRIEF_MODEL) with a model the endpoint serves: fake-model",
    ),
    ("broken_json", ["--mode", "json"], "structured output", "try --mode tools, then --mode md_json"),
    ("length", ["--mode", "tools"], "structured output", "try --mode json, then --mode md_json"),
    ("500", ["--mode", "json_schema"], "structured output", "try --mode json, then --mode tools"),
    ("429", [], "auth", "wait and retry, or check the account's quota and billing"),
]


@pytest.mark.parametrize(("fault", "args", "failed", "fix"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_failure_names_its_step_and_its_fix(fake_openai, fault, args, failed, fix):
    fake_openai.default = fault
    result = CliRunner().invoke(app, ["check", "--base-url", fake_openai.base_url, "--model", "fake-model", *args])
    assert result.exit_code == 1, result.output
    steps = _steps(result.output)
    assert steps[failed] == "FAIL"
    before, after = STEPS[: STEPS.index(failed)], STEPS[STEPS.index(failed) + 1 :]
    assert all(steps[s] == "ok" for s in before)
    assert all(steps[s] == "skip" for s in after)
    assert any(fix in line for line in _fixes(result.output)), result.output
    assert fake_openai.count == 1  # one tiny call, never retried


def test_unknown_model_lists_what_the_server_serves():
    with FakeOpenAI(models=("qwen2.5:7b", "llama3.1:8b")) as server:
        result = CliRunner().invoke(
            app, ["check", "--provider", "ollama", "--base-url", server.base_url, "--model", "qwen2.5"]
        )
    assert _steps(result.output)["model"] == "FAIL"
    assert "pass --model (env BRIEF_MODEL) with a model the endpoint serves: qwen2.5:7b, llama3.1:8b" in _fixes(
        result.output
    )


def test_a_refused_key_is_caught_on_the_model_listing_before_any_paid_call(monkeypatch):
    monkeypatch.setenv("BRIEF_API_KEY", "sk-or-v1-wrong-wrong-wrong")  # OPENROUTER_API_KEY only goes to openrouter.ai
    with FakeOpenAI(api_key="sk-or-v1-right") as server:
        result = CliRunner().invoke(app, ["check", "--provider", "openrouter", "--base-url", server.base_url])
        assert server.count == 0
    assert _steps(result.output)["auth"] == "FAIL"
    assert _fixes(result.output) == ["set BRIEF_API_KEY to a valid key (or pass --api-key)"]
    assert "sk-or-v1-wrong-wrong-wrong" not in result.output


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        ([], "check the network and --base-url (env OPENAI_BASE_URL), or pick a server with --provider"),
        (["--provider", "ollama"], "start it with `ollama serve`, or point --base-url (env OPENAI_BASE_URL) at it"),
    ],
)
def test_an_unreachable_server_says_how_to_reach_it(args, fix):
    result = CliRunner().invoke(app, ["check", "--base-url", _closed_port_url(), *args])
    assert result.exit_code == 1
    steps = _steps(result.output)
    assert (steps["endpoint"], steps["reachable"], steps["structured output"]) == ("ok", "FAIL", "skip")
    assert any(fix in line for line in _fixes(result.output)), result.output


def test_no_answer_within_the_timeout(fake_openai):
    fake_openai.script("hang:3")
    result = CliRunner().invoke(
        app, ["check", "--base-url", fake_openai.base_url, "--model", "fake-model", "--timeout", "0.5"]
    )
    assert result.exit_code == 1
    assert _steps(result.output)["structured output"] == "FAIL"
    assert "no answer within 0.5s" in result.output
    assert _fixes(result.output) == ["raise --timeout, or use a smaller or less busy model"]


@pytest.mark.parametrize(
    ("args", "env", "fixes"),
    [
        (
            [],
            {},
            [
                "set OPENAI_API_KEY, or pass --provider (ollama, vllm, llamacpp, lmstudio, openrouter, azure) or --base-url"
            ],
        ),
        (["--provider", "openrouter"], {}, ["set OPENROUTER_API_KEY (or pass --api-key)"]),
        (
            ["--provider", "azure"],
            {"AZURE_OPENAI_API_KEY": KEY},
            [
                "set AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com (or pass --base-url https://<resource>.openai.azure.com/openai/v1)",
            ],
        ),
        (
            ["--provider", "azure"],
            {},
            [
                "set AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com (or pass --base-url https://<resource>.openai.azure.com/openai/v1)",
                "set AZURE_OPENAI_API_KEY (or pass --api-key)",
            ],
        ),
    ],
)
def test_missing_configuration_is_reported_before_any_request(monkeypatch, args, env, fixes):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["check", *args])
    assert result.exit_code == 1
    assert _steps(result.output) == {"endpoint": "FAIL", **dict.fromkeys(STEPS[1:], "skip")}
    assert _fixes(result.output) == fixes


def test_a_broken_config_file_is_one_error_line(tmp_path):
    config = tmp_path / "brief.toml"
    config.write_text('api_key = "sk-x"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--config", str(config)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {config}: keys do not belong in the config file")


def test_a_wrong_base_url_is_suspected_when_models_is_not_found_either():
    import httpx

    def not_found(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"message": "Not Found"}})

    settings = resolve_settings({"base_url": "http://127.0.0.1:9/api", "model": "m"}, env={})
    report = check_endpoint(settings, transport=httpx.MockTransport(not_found))
    assert [(s.name, s.status) for s in report.steps] == [
        ("endpoint", "ok"),
        ("reachable", "ok"),
        ("auth", "ok"),
        ("model", "fail"),
        ("structured output", "skip"),
        ("context window", "skip"),
    ]
    assert report.step("model").fix.splitlines() == [
        "pass --model (env BRIEF_MODEL) with a model the endpoint serves (Azure: the deployment name)",
        "check --base-url (env OPENAI_BASE_URL): /models was not found there either; it usually ends in /v1",
    ]


def test_a_server_that_loads_less_than_brief_assumes_fails_the_window_step_with_the_setting_to_pass(tmp_path):
    empty = tmp_path / "brief.toml"
    empty.write_text("", encoding="utf-8")
    with FakeOpenAI(models=("qwen2.5-7b",), max_model_len=8192) as server:
        args = ["check", "--base-url", server.base_url, "--model", "qwen2.5-7b", "--config", str(empty)]
        result = CliRunner().invoke(app, args, env={})
        assert result.exit_code == 1, result.output
        assert _steps(result.output) == {**dict.fromkeys(STEPS[:-1], "ok"), "context window": "FAIL"}
        assert (
            "calls sized to 32,768 tokens (brief's default for a model it does not know), but the server loads 8,192 tokens for qwen2.5-7b"
            in result.output
        )
        assert _fixes(result.output) == [
            "pass --context-window 8192 (or context_window = 8192 in brief.toml, or BRIEF_CONTEXT_WINDOW)"
        ]
        fixed = CliRunner().invoke(app, args, env={"BRIEF_CONTEXT_WINDOW": "8192"})
        flag = CliRunner().invoke(app, [*args, "--context-window", "8000"], env={})
    assert fixed.exit_code == 0, fixed.output
    assert "calls sized to 8,192 tokens (set); the server loads 8,192" in fixed.output
    assert flag.exit_code == 0 and "calls sized to 8,000 tokens (set); the server loads 8,192" in flag.output


def test_a_server_that_does_not_report_its_window_passes_with_advice(fake_openai):
    report = check_endpoint(resolve_settings({"base_url": fake_openai.base_url, "model": "fake-model"}, env={}))
    step = report.step("context window")
    assert (
        step.status == "ok"
        and "the server does not report how much it loads: if less, set --context-window to it" in step.detail
    )
