"""One log handler for every command: on stderr, quiet unless --verbose, secrets never shown."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import BriefError
from tests.conftest import SEEDS

KEY = "sk-proj-logging-0123456789abcdef"
REDIS_PASSWORD = "Red1s-Passw0rd-xyz"


def _leaky(*args, **kwargs):
    """Stands in for the library: logs the secrets it was given (as a server echoing them might), then fails."""
    logging.getLogger("summarizer.test").warning(
        "server said: bad key %s for redis://u:%s@127.0.0.1:9/0", KEY, REDIS_PASSWORD
    )
    raise BriefError("stopped here")


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["digest", str(SEEDS), "--out", "{tmp}/d"], "summarizer.digest.build.build_digests"),
        ([str(SEEDS)], "summarizer.pipeline.build_briefing"),
    ],
)
def test_every_command_logs_through_the_redacting_handler(command, target, tmp_path, monkeypatch):
    monkeypatch.setattr(target, _leaky)
    handlers = list(logging.getLogger().handlers)
    env = {"OPENAI_API_KEY": KEY, "BRIEF_CACHE_URL": f"redis://u:{REDIS_PASSWORD}@127.0.0.1:9/0"}
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = CliRunner().invoke(app, [*args, "--verbose"], env=env)
    assert result.exit_code == 1 and "stopped here" in result.stderr
    assert (
        "WARNING summarizer.test: server said: bad key [redacted] for redis://u:[redacted]@127.0.0.1:9/0"
        in result.stderr
    )
    assert KEY not in result.output and REDIS_PASSWORD not in result.output
    quiet = CliRunner().invoke(app, args, env=env)
    assert "WARNING summarizer.test: server said: bad key [redacted]" in quiet.stderr, (
        "without --verbose brief's own warnings still show"
    )
    assert KEY not in quiet.output and REDIS_PASSWORD not in quiet.output
    assert "server said" not in CliRunner().invoke(app, [*args, "--quiet"], env=env).stderr, "--quiet: critical only"
    assert logging.getLogger().handlers == handlers, "the handler is removed when the command ends"


def test_a_resent_request_is_a_warning_on_stderr_without_verbose_and_silent_with_quiet(fake_openai, tmp_path):
    article = tmp_path / "news" / "one.txt"
    article.parent.mkdir()
    article.write_text((SEEDS / "003_1a35d96a14c93922.txt").read_text(encoding="utf-8"), encoding="utf-8")
    args = [
        str(article.parent),
        "--no-cache",
        "--base-url",
        fake_openai.base_url,
        "--api-key",
        KEY,
        "-o",
        str(tmp_path / "b.md"),
    ]
    fake_openai.script("500")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    resend = [line for line in result.stderr.splitlines() if "retrying in" in line]
    assert len(resend) == 1 and "HTTP 500" in resend[0] and "(attempt 1 of " in resend[0], result.stderr
    fake_openai.script("500")
    quiet = CliRunner().invoke(app, [*args, "--quiet"])
    assert (quiet.exit_code, quiet.stderr) == (0, "")
