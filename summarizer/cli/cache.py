"""`brief cache info|clear|copy`: the disk cache or a shared Redis cache."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import BriefError, ConfigError
from ._common import EXIT_USAGE, app, fail, settings_from
from .options import SettingFlags, settings_options

cache_app = typer.Typer(
    help="Inspect, clear or copy the cache of answers (a folder, or Redis with --cache-url).", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")


def _open(flags: SettingFlags):
    from ..cache import open_cache

    settings = settings_from(**flags)
    return settings, open_cache(settings)


@cache_app.command("info")
@settings_options("cache_dir", "cache_url")
def cache_info(flags: SettingFlags) -> None:
    """Show where the cache is, how many entries it holds and its size."""
    try:
        settings = settings_from(**flags)
        if settings.cache_url is None and not settings.cache_dir.exists():  # looking does not create it
            typer.echo(f"Cache: {settings.cache_dir} (not created yet: the first run creates it)\nEntries: 0")
            return
        _, cache = _open(flags)
        try:
            stats = cache.stats()
        finally:
            cache.close()
    except BriefError as exc:
        raise fail(exc) from None
    more = f" (plus {stats.detections} remembered language detection(s), not counted)" if stats.detections else ""
    typer.echo(f"Cache: {stats.location}\nEntries: {stats.entries}{more}")
    if stats.size_bytes is not None:
        typer.echo(f"Size: {stats.size_bytes / 1024:.1f} KiB")
    if stats.detail:
        typer.echo(stats.detail)


@cache_app.command("clear")
@settings_options("cache_dir", "cache_url")
def cache_clear(
    flags: SettingFlags,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached answer (the next run pays for them again). In Redis, only brief's keys (brief:v1:*) are deleted."""
    try:
        settings, cache = _open(flags)
    except BriefError as exc:
        raise fail(exc) from None
    try:
        if not yes and not typer.confirm(f"Delete all cached briefs in {settings.cache_location}?"):
            raise typer.Exit(EXIT_USAGE)
        removed = cache.clear()
    except BriefError as exc:
        raise fail(exc) from None
    finally:
        cache.close()
    typer.echo(f"Removed {removed} from {settings.cache_location}.")


@cache_app.command("copy")
@settings_options("cache_ttl", config=False)
def cache_copy(
    source: Annotated[
        str, typer.Option("--from", help="Copy entries from this cache: a folder or a Redis URL.", show_default=False)
    ],
    target: Annotated[
        str,
        typer.Option(
            "--to",
            help="Into this cache: a folder or a Redis URL (entries already there are overwritten with the same content).",
            show_default=False,
        ),
    ],
    flags: SettingFlags,  # --cache-ttl: how long the copies live in the target
) -> None:
    """Copy every cached answer between caches, e.g. a laptop's folder into the team's Redis, or Redis into a folder for offline use.

    Entries are copied as they are (same keys, same JSON); the target's runs then pay nothing for them.
    A password in a Redis URL is better given through an env var: --to "$BRIEF_CACHE_URL".
    """
    from ..cache import open_cache_at
    from ..cache.base import Counts
    from ..cache.redis import masked_url
    from ..config.settings import parse_duration

    try:
        cache_ttl = flags["cache_ttl"]
        ttl = parse_duration(cache_ttl, "--cache-ttl", "--cache-ttl 7d") if cache_ttl is not None else None
        if source.strip() == target.strip():
            raise ConfigError("--from and --to name the same cache; give two different caches")
        from ..cache.redis import is_redis_url
        from pathlib import Path

        if not is_redis_url(source) and not Path(source).expanduser().is_dir():
            raise ConfigError(f"--from {source}: no such cache folder; give an existing folder or a Redis URL")
        src = open_cache_at(source)
        try:
            dst = open_cache_at(target, ttl=ttl)
            try:
                copied = Counts()
                for key, raw in src.items():
                    dst.put_raw(key, raw)
                    copied = copied.add(key)
            finally:
                dst.close()
        finally:
            src.close()
    except BriefError as exc:
        raise fail(exc) from None
    typer.echo(f"Copied {copied} from {masked_url(source)} to {masked_url(target)}.")
