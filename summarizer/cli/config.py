"""`brief config path|show`: which config file is used and where each setting comes from."""

from __future__ import annotations

import typer

from ..config.model import knobs
from ..errors import BriefError
from ._common import app, fail, settings_from
from .options import ALL, ConfigOpt, SettingFlags, settings_options

config_app = typer.Typer(help="Show the config files searched and the resolved settings.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("path")
def config_path(config: ConfigOpt = None) -> None:
    """List the config files brief looks for, in order, and say which one is in use."""
    from ..config.settings import config_paths, find_config_file

    try:
        in_use = find_config_file(config)
    except BriefError as exc:
        raise fail(exc) from None
    candidates = [config] if config is not None else config_paths()
    for path in candidates:
        state = (
            "in use"
            if in_use is not None and path == in_use
            else ("found, not used" if path.is_file() else "not found")
        )
        typer.echo(f"{path}  ({state})")
    if in_use is None:
        typer.echo("No config file in use: settings come from flags, env vars and defaults.")


@config_app.command("show")
@settings_options(*(name for name in ALL if knobs()[name].show is not False))
def config_show(flags: SettingFlags) -> None:
    """Print the resolved settings (key masked) and where each came from: flag, env, file, provider or default."""
    from ..config.settings import settings_rows

    try:
        s = settings_from(**flags, lenient=True)
    except BriefError as exc:
        raise fail(exc) from None
    rows = settings_rows(s)
    typer.echo(f"Config file: {s.config_file or '(none)'}")
    names, width = max(len(name) for name, _, _ in rows) + 1, max(len(value) for _, value, _ in rows)
    for name, value, source in rows:
        typer.echo(f"  {name:<{names}}{value:<{width}}  {source}")
    if s.replay_is_default:
        typer.echo(f"Endpoint: none configured; runs use the recorded responses in {s.replay_dir}.")
    else:
        typer.echo(f"Endpoint: {s.endpoint}")
    for problem in s.problems:
        typer.echo(f"Problem: {problem}")
