"""`brief check`: is the configured endpoint usable? One tiny structured call, one screen."""

from __future__ import annotations

import typer

from ..errors import BriefError
from .logs import configure as configure_logging
from ._common import EXIT_USAGE, app, fail, settings_from
from .options import ENDPOINT, SettingFlags, settings_options

_MARK = {"ok": "[ok]  ", "fail": "[FAIL]", "skip": "[skip]"}


@app.command("check")
@settings_options(*ENDPOINT, "timeout", "max_output_tokens", "context_window", defaults={"timeout": 30.0},
                  timeout={"help": "Seconds to wait for each answer.", "show_default": True})
def check(flags: SettingFlags) -> None:
    """Make one tiny structured call to the endpoint and report what works (reachable, auth, model, structured output, context window) and how to fix what does not."""
    from ..llm.check import check_endpoint

    try:
        settings = settings_from(**flags, lenient=True)
    except BriefError as exc:
        raise fail(exc) from None
    configure_logging(secrets=settings.secrets)
    report = check_endpoint(settings)
    s = report.settings
    typer.echo(f"brief check: model {s.model}, mode {s.mode} ({s.sources.get('mode', 'default')}), provider {s.provider or '(none)'}")
    for step in report.steps:
        typer.echo(f"{_MARK[step.status]} {step.name:<18} {step.detail}")
        for fix in step.fix.splitlines():
            typer.echo(f"       {'':<18} fix: {fix}")
    if not report.ok:
        raise typer.Exit(EXIT_USAGE)
    typer.echo("All good: `brief PATH` will use this endpoint.")
