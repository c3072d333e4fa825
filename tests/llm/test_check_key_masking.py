"""`brief check` shows the key only as `config show` masks it, even when the server echoes it back
(issue 11, item 16)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

from tests.conftest import SEEDS
from tests.fake_openai import FakeOpenAI

KEY = "sk-check-abcdefghijklmnop1234"


def _fragments(text: str) -> list[str]:
    """Runs of 6+ characters of the key that appear in `text` (config show's mask shows 3 and 4)."""
    return sorted({KEY[i : i + 6] for i in range(len(KEY) - 5) if KEY[i : i + 6] in text})


def _config_show_mask(base_url: str) -> str:
    shown = CliRunner().invoke(app, ["config", "show", "--base-url", base_url, "--api-key", KEY])
    return re.search(r"^\s*api_key\s+(\S+)", shown.output, flags=re.M).group(1)


@pytest.mark.parametrize("echo", ["401-echo", "401-echo:masked"])
def test_check_masks_a_key_the_server_echoes_as_config_show_does(echo: str):
    with FakeOpenAI(default=echo) as server:
        mask = _config_show_mask(server.base_url)
        result = CliRunner().invoke(app, ["check", "--base-url", server.base_url, "--api-key", KEY])
    assert result.exit_code == 1
    auth = next(line for line in result.output.splitlines() if " auth " in line)
    assert auth.startswith("[FAIL]") and f"Incorrect API key provided: {mask}" in auth
    assert _fragments(result.output) == [], "no more of the key than config show's mask"
    assert "***" not in result.output


def test_a_run_hides_a_half_masked_echo_of_the_key_too(tmp_path):
    with FakeOpenAI(default="401-echo:masked") as server:
        result = CliRunner().invoke(
            app,
            [str(SEEDS), "--base-url", server.base_url, "--api-key", KEY, "--no-cache", "-o", str(tmp_path / "b.md")],
        )
    assert result.exit_code == 1
    assert "Incorrect API key provided: [redacted]" in result.output
    assert _fragments(result.output) == [] and "***" not in result.output
