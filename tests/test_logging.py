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
    logging.getLogger("summarizer.test").warning("server said: bad key %s for redis://u:%s@127.0.0.1:9/0", KEY, REDIS_PASSWORD)
    raise BriefError("stopped here")


@pytest.mark.parametrize(("command", "target"), [
    (["digest", str(SEEDS), "--out", "{tmp}/d"], "summarizer.digest.build.build_digests"),
    ([str(SEEDS)], "summarizer.pipeline.build_briefing"),
])
def test_every_command_logs_through_the_redacting_handler(command, target, tmp_path, monkeypatch):
    monkeypatch.setattr(target, _leaky)
    handlers = list(logging.getLogger().handlers)
    env = {"OPENAI_API_KEY": KEY, "BRIEF_CACHE_URL": f"redis://u:{REDIS_PASSWORD}@127.0.0.1:9/0"}
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = CliRunner().invoke(app, [*args, "--verbose"], env=env)
    assert result.exit_code == 1 and "stopped here" in result.stderr
    assert "WARNING summarizer.test: server said: bad key [redacted] for redis://u:[redacted]@127.0.0.1:9/0" in result.stderr
    assert KEY not in result.output and REDIS_PASSWORD not in result.output
    quiet = CliRunner().invoke(app, args, env=env)
    assert "server said" not in quiet.stderr, "without --verbose only critical lines are logged"
    assert logging.getLogger().handlers == handlers, "the handler is removed when the command ends"
