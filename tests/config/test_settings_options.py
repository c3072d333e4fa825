"""Each setting is declared once (summarizer/config/model.py): the commands' options come from it.

A setting with a flag is an option of every command it applies to, with the same names, type
and help (its description, env var and default); `digest` spends its --max-cost/--max-tokens
across all its days, as `run` does across its articles.
"""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.model import Settings, knobs, option_help
from summarizer.llm.cost import estimate_tokens
from summarizer.models import ArticleBrief

from tests.conftest import SEEDS

FLAGGED = [name for name, knob in knobs().items() if knob.flag]
SHOWN = [name for name in FLAGGED if knobs()[name].show is not False]
ENDPOINT = ["provider", "model", "base_url", "api_key", "mode"]

# command -> the settings it takes (in the model's order)
TAKES = {
    ("run",): FLAGGED,
    ("digest",): [name for name in FLAGGED if name != "batch"],  # a digest is wanted now, not within 24 h
    ("config", "show"): SHOWN,
    ("check",): [*ENDPOINT, "timeout", "max_output_tokens", "context_window"],
    ("cache", "info"): ["cache_dir", "cache_url"],
    ("cache", "clear"): ["cache_dir", "cache_url"],
}


def _command(path: tuple[str, ...]):
    command = get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def _setting_options(path: tuple[str, ...]) -> dict[str, object]:
    """Option name (the Settings field) -> click option, for the options that are settings."""
    return {p.name: p for p in _command(path).params if p.name in Settings.model_fields}


@pytest.mark.parametrize("path", sorted(TAKES), ids=" ".join)
def test_each_command_takes_its_settings_in_the_models_order(path):
    assert list(_setting_options(path)) == TAKES[path]
    assert "config" in {p.name for p in _command(path).params}  # --config picks the file the others may come from


@pytest.mark.parametrize("path", sorted(TAKES), ids=" ".join)
def test_every_settings_option_is_spelled_and_explained_by_its_field(path):
    for name, option in _setting_options(path).items():
        knob = knobs()[name]
        assert sorted(option.opts) == sorted(f for f in (knob.flag, knob.short) if f)  # type: ignore[attr-defined]
        if path == ("check",) and name == "timeout":
            assert option.help == "Seconds to wait for each answer." and option.default == 30.0  # type: ignore[attr-defined]
        else:
            assert option.help == option_help(name)  # type: ignore[attr-defined]


def test_help_says_the_env_var_and_the_default():
    assert option_help("concurrency") == "Requests in flight at once. Env: BRIEF_CONCURRENCY. Default: 8."
    assert option_help("rpm").endswith("to stay under the account's quota.")  # no default to state
    assert option_help("use_cache") == "Neither read nor write the cache."  # a switch states none either


def test_config_show_takes_a_limit_and_reports_it_from_the_flag(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["config", "show", "--rpm", "30", "--max-cost", "0.5"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert rows["rpm"] == ["30", "flag"] and rows["max_cost"] == ["0.5", "flag"]


@pytest.mark.parametrize(("flag", "value"), [("--rpm", "0"), ("--max-cost", "-1"), ("--max-article-chars", "10")])
def test_digest_checks_its_limits_like_run(flag, value, tmp_path):
    result = CliRunner().invoke(app, ["digest", str(SEEDS), "--out", str(tmp_path / "out"), flag, value])
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith(f"(from flag); fix {flag}")
    assert not (tmp_path / "out").exists()


def test_a_digests_token_budget_is_spent_across_its_days(fake_openai, tmp_path):
    """Two one-article days under a budget that fits either day alone: the second day's article is not done."""
    base = ["--base-url", fake_openai.base_url, "--api-key", "sk-test", "--concurrency", "1", "--no-cache"]
    days = ["--since", "2025-10-10", "--until", "2025-10-17"]
    alone = CliRunner().invoke(app, ["digest", str(SEEDS), "--out", str(tmp_path / "unlimited"), *days, *base])
    assert alone.exit_code == 0, alone.output
    per_request = [estimate_tokens(r["body"]["messages"], ArticleBrief)["total_tokens"] for r in fake_openai.requests]
    assert len(per_request) == 2  # one brief per day, nothing else asked
    budget = max(per_request)  # either day alone fits; both do not (the first day's usage stays spent)

    result = CliRunner().invoke(
        app, ["digest", str(SEEDS), "--out", str(tmp_path / "limited"), *days, *base, "--max-tokens", str(budget)]
    )
    assert result.exit_code == 2, result.output
    assert "2025-10-17: failed: " in result.stderr and "past its budget (--max-tokens " in result.stderr
    assert "2025-10-10: failed" not in result.stderr
