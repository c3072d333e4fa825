"""`brief config show` lists every setting the config file may hold, with its source."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app


def test_limits_and_retry_settings_from_the_file_are_shown_with_their_source(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brief.toml").write_text("rpm = 500\nmax_cost = 1.5\nmax_article_chars = 10000\nbackoff_max = 12\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.startswith("  ")}
    source = f"file:{tmp_path / 'brief.toml'}"
    assert rows["rpm"] == ["500", source]
    assert rows["max_cost"] == ["1.5", source]
    assert rows["max_article_chars"] == ["10000", source]
    assert rows["backoff_max"] == ["12", source]
    assert rows["tpm"] == ["(none)", "default"]
