"""`brief check`: is the configured endpoint usable? One tiny structured call, one screen."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import BriefError
from .logs import configure as configure_logging
from ._common import (
    EXIT_USAGE,
    ApiKeyOpt,
    BaseUrlOpt,
    ConfigOpt,
    ContextWindowOpt,
    ModelOpt,
    ModeOpt,
    ProviderOpt,
    app,
    fail,
    settings_from,
)

_MARK = {"ok": "[ok]  ", "fail": "[FAIL]", "skip": "[skip]"}


@app.command("check")
def check(
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    context_window: ContextWindowOpt = None,
    config: ConfigOpt = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each answer.")] = 30.0,
) -> None:
    """Make one tiny structured call to the endpoint and report what works (reachable, auth, model, structured output, context window) and how to fix what does not."""
    from ..llm.check import check_endpoint

    try:
        settings = settings_from(provider=provider, model=model, base_url=base_url, api_key=api_key, mode=mode, context_window=context_window, config=config, lenient=True)
    except BriefError as exc:
        raise fail(exc) from None
    configure_logging(secrets=settings.secrets)
    report = check_endpoint(settings.with_(timeout=timeout))
    s = report.settings
    typer.echo(f"brief check: model {s.model}, mode {s.mode} ({s.sources.get('mode', 'default')}), provider {s.provider or '(none)'}")
    for step in report.steps:
        typer.echo(f"{_MARK[step.status]} {step.name:<18} {step.detail}")
        for fix in step.fix.splitlines():
            typer.echo(f"       {'':<18} fix: {fix}")
    if not report.ok:
        raise typer.Exit(EXIT_USAGE)
    typer.echo("All good: `brief PATH` will use this endpoint.")
