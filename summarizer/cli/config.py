"""`brief config path|show`: which config file is used and where each setting comes from."""

from __future__ import annotations

import typer

from ..errors import BriefError
from ._common import (
    ApiKeyOpt,
    BaseUrlOpt,
    CacheDirOpt,
    CacheTtlOpt,
    CacheUrlOpt,
    ConcurrencyOpt,
    ConfigOpt,
    ModelOpt,
    ModeOpt,
    ProviderOpt,
    app,
    fail,
    settings_from,
)

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
        state = "in use" if in_use is not None and path == in_use else ("found, not used" if path.is_file() else "not found")
        typer.echo(f"{path}  ({state})")
    if in_use is None:
        typer.echo("No config file in use: settings come from flags, env vars and defaults.")


@config_app.command("show")
def config_show(
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    cache_dir: CacheDirOpt = None,
    cache_url: CacheUrlOpt = None,
    cache_ttl: CacheTtlOpt = None,
    concurrency: ConcurrencyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print the resolved settings (key masked) and where each came from: flag, env, file, provider or default."""
    from ..config.settings import mask_secret
    from ..config.providers import PROVIDERS

    try:
        s = settings_from(
            provider=provider, model=model, base_url=base_url, api_key=api_key, mode=mode, cache_dir=cache_dir, cache_url=cache_url, cache_ttl=cache_ttl,
            concurrency=concurrency, config=config, lenient=True,
        )
    except BriefError as exc:
        raise fail(exc) from None
    preset = PROVIDERS.get(s.provider or "")
    if s.api_key is not None:
        key = mask_secret(s.api_key)
    elif preset is not None and not preset.key_required:
        key = "(none; not needed)"
    elif preset is None and s.base_url:
        key = "(none)"
    else:
        key = f"(none; set {s.key_env})"
    prices = "; ".join(f"{m}: in {p['input_per_mtok']:g}, out {p['output_per_mtok']:g} USD/Mtok" for m, p in s.prices.items()) or "(none)"
    rows = [
        ("provider", s.provider or "(none)", s.sources.get("provider", "default")),
        ("model", s.model, s.sources.get("model", "default")),
        ("base_url", s.base_url or "(none)", s.sources.get("base_url", "default")),
        ("api_key", key, s.sources.get("api_key", "default")),
        ("mode", s.mode, s.sources.get("mode", "default")),
        ("cache_dir", str(s.cache_dir) + (" (not used: cache_url is set)" if s.cache_url is not None else ""), s.sources.get("cache_dir", "default")),
        ("cache_url", s.cache_location if s.cache_url is not None else "(none)", s.sources.get("cache_url", "default")),
        ("cache_ttl", "(never expires)" if s.cache_ttl is None else f"{s.cache_ttl:g}s", s.sources.get("cache_ttl", "default")),
        ("cache_lease", f"{s.cache_lease:g}s", s.sources.get("cache_lease", "default")),
        ("concurrency", str(s.concurrency), s.sources.get("concurrency", "default")),
        ("timeout", f"{s.timeout:g}s", s.sources.get("timeout", "default")),
        ("max_attempts", str(s.max_attempts), s.sources.get("max_attempts", "default")),
        ("max_reasks", str(s.max_reasks), s.sources.get("max_reasks", "default")),
    ]
    for name in ("max_elapsed", "backoff_initial", "backoff_max", "retry_after_max", "max_article_chars", "rpm", "tpm", "max_cost", "max_tokens"):
        value = getattr(s, name, None)
        rows.append((name, "(none)" if value is None else f"{value:g}", s.sources.get(name, "default")))
    rows.append(("prices", prices, s.sources.get("prices", "default")))
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
