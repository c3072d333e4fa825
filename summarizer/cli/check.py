"""`brief check`: is the configured endpoint usable? One tiny structured call, one screen."""

from __future__ import annotations

from typing import Annotated

import typer

from ..config.settings import Settings
from ..errors import BriefError
from .logs import configure as configure_logging
from ._common import EXIT_PARTIAL, EXIT_USAGE, app, fail, settings_from
from .options import ENDPOINT, SettingFlags, settings_options

_MARK = {"ok": "[ok]  ", "fail": "[FAIL]", "skip": "[skip]"}


@app.command("check")
@settings_options(
    *ENDPOINT,
    "timeout",
    "max_output_tokens",
    "context_window",
    defaults={"timeout": 30.0},
    timeout={"help": "Seconds to wait for each answer.", "show_default": True},
)
def check(
    flags: SettingFlags,
    quality: Annotated[
        bool,
        typer.Option(
            "--quality/--no-quality",
            help="Then brief one short invented article as a run would and judge the answer: usable, weak or unusable (it waits as long as a run would: local presets 900 s).",
        ),
    ] = True,
) -> None:
    """Make one tiny structured call to the endpoint and report what works (reachable, auth, model, structured output, context window) and how to fix what does not; then test the model's quality on one short invented article."""
    from ..llm.check import check_endpoint

    try:
        settings = settings_from(**flags, lenient=True)
    except BriefError as exc:
        raise fail(exc) from None
    configure_logging(secrets=settings.secrets)
    report = check_endpoint(settings)
    s = report.settings
    typer.echo(
        f"brief check: model {s.model}, mode {s.mode} ({s.sources.get('mode', 'default')}), provider {s.provider or '(none)'}"
    )
    for step in report.steps:
        typer.echo(f"{_MARK[step.status]} {step.name:<18} {step.detail}")
        for fix in step.fix.splitlines():
            typer.echo(f"       {'':<18} fix: {fix}")
    if not report.ok:
        raise typer.Exit(EXIT_USAGE)
    if quality:
        _quality(settings, flags)
    typer.echo("All good: `brief PATH` will use this endpoint.")


def _quality(settings: Settings, flags: SettingFlags) -> None:
    """The quality step: one line with the verdict, what went wrong and the fix; exit 2 (weak) or 1 (unusable)."""
    from ..stages.trial import trial_model

    run_timeout = settings_from(
        **{**flags, "timeout": None}, lenient=True
    ).timeout  # as long as a run would wait (local presets: 900 s)
    typer.echo(
        f"       {'quality':<18} briefing one short invented article (Russian) as a run would; a CPU model may take minutes ..."
    )
    trial = trial_model(settings.with_(timeout=max(settings.timeout, run_timeout)))
    mark = {"usable": "[ok]  ", "weak": "[WEAK]", "unusable": "[FAIL]"}[trial.verdict]
    typer.echo(f"{mark} {'quality':<18} {trial.verdict}: {trial.summary}")
    for finding in trial.findings:
        typer.echo(f"       {'':<18} - {finding}")
    if trial.fix:
        typer.echo(f"       {'':<18} fix: {trial.fix}")
    if trial.verdict == "unusable":
        raise typer.Exit(EXIT_USAGE)
    if trial.verdict == "weak":
        typer.echo("Works, but the model's answers are weak: a run would mark articles degraded and say so (exit 2).")
        raise typer.Exit(EXIT_PARTIAL)
