"""`brief cache info|clear`."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import BriefError
from ._common import EXIT_USAGE, CacheDirOpt, ConfigOpt, app, fail, settings_from

cache_app = typer.Typer(help="Inspect or clear the on-disk cache of briefs.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOpt = None, config: ConfigOpt = None) -> None:
    """Show where the cache is, how many entries it holds and its size."""
    from ..cache.disk import BriefCache

    try:
        settings = settings_from(cache_dir=cache_dir, config=config)
        cache = BriefCache(settings.cache_dir)
        stats = cache.stats()
        cache.close()
    except BriefError as exc:
        raise fail(exc) from None
    typer.echo(f"Cache: {stats.directory}\nEntries: {stats.entries}\nSize: {stats.size_bytes / 1024:.1f} KiB")


@cache_app.command("clear")
def cache_clear(
    cache_dir: CacheDirOpt = None,
    config: ConfigOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached brief (the next run pays for them again)."""
    from ..cache.disk import BriefCache

    try:
        settings = settings_from(cache_dir=cache_dir, config=config)
    except BriefError as exc:
        raise fail(exc) from None
    if not yes and not typer.confirm(f"Delete all cached briefs in {settings.cache_dir}?"):
        raise typer.Exit(EXIT_USAGE)
    cache = BriefCache(settings.cache_dir)
    removed = cache.clear()
    cache.close()
    typer.echo(f"Removed {removed} entries from {settings.cache_dir}.")
