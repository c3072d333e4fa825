"""Config keys and endpoint URLs as the README documents them (issue 11, items 8 and 9)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from summarizer.errors import ConfigError
from tests.conftest import SEEDS, SEED_FILES

ONE_SEED = str(SEEDS / SEED_FILES[3])


def test_documented_max_tokens_key_is_accepted_in_the_config_file(tmp_path):
    config = tmp_path / "brief.toml"
    config.write_text("max_tokens = 200000\nmax_cost = 0.5\n", encoding="utf-8")
    s = resolve_settings({}, env={}, config_file=config)
    assert s.max_tokens == 200000 and s.sources["max_tokens"] == f"file:{config}"
    shown = CliRunner().invoke(app, ["config", "show", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert any(line.split()[:2] == ["max_tokens", "200000"] for line in shown.output.splitlines())


def test_a_real_secret_in_the_config_file_is_still_refused(tmp_path):
    config = tmp_path / "brief.toml"
    config.write_text('api_key = "sk-x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="keys do not belong in the config file; remove api_key"):
        resolve_settings({}, env={}, config_file=config)


def test_a_base_url_without_scheme_is_refused_at_once_with_the_fix(fake_openai):
    result = CliRunner().invoke(app, [ONE_SEED, "--base-url", "localhost:8999/v1", "--no-cache"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: base URL 'localhost:8999/v1' (from flag) is not an http:// or https:// URL: pass it with its scheme, "
        "e.g. --base-url http://localhost:8999/v1 (or fix OPENAI_BASE_URL / `base_url` in brief.toml)"
    ]
    assert result.stdout == ""


def test_brief_check_marks_a_base_url_without_scheme_failed(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "127.0.0.1:8999/v1")
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    first = next(line for line in result.output.splitlines() if line.startswith("[FAIL]"))
    assert first.split()[1] == "endpoint" and "127.0.0.1:8999/v1" in first
    assert "e.g. --base-url http://127.0.0.1:8999/v1" in result.output
    assert "[ok]" not in result.output
