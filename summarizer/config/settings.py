"""Settings and their resolution, in one place: flag > environment > config file > default.

A provider preset (`--provider ollama`, `BRIEF_PROVIDER`, `provider = "ollama"`) supplies the
base URL and mode at the level where it was given: `--provider` overrides a base URL from an
env var or the config file, while a `--base-url`/`--mode` given at the same level or higher
wins over the preset. The key comes from `--api-key` or the provider's own env var
(OPENAI_API_KEY, AZURE_OPENAI_API_KEY, OPENROUTER_API_KEY), never from the config file, and a
key meant for one provider is never sent to another.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from ..errors import ConfigError
from .providers import OPENAI_URL, get_provider, preset_base_url

__all__ = [
    "MODES",
    "DEFAULT_MODEL",
    "ENV_VARS",
    "FILE_KEYS",
    "PRICE_KEYS",
    "Settings",
    "resolve_settings",
    "config_paths",
    "find_config_file",
    "bundled_fixtures_dir",
    "default_cache_dir",
    "mask_secret",
]

MODES = ("tools", "json", "md_json", "json_schema")
DEFAULT_MODEL = "gpt-4o-mini"

# setting name -> environment variable (the API key's variable depends on the provider)
ENV_VARS = {
    "provider": "BRIEF_PROVIDER",
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "BRIEF_MODEL",
    "cache_dir": "BRIEF_CACHE_DIR",
    "mode": "BRIEF_MODE",
    "concurrency": "BRIEF_CONCURRENCY",
    "cache_url": "BRIEF_CACHE_URL",
    "cache_ttl": "BRIEF_CACHE_TTL",
    "cache_lease": "BRIEF_CACHE_LEASE",
}
FILE_KEYS = {"model", "provider", "base_url", "mode", "cache_dir", "cache_url", "cache_ttl", "cache_lease", "concurrency", "timeout", "max_attempts", "max_reasks", "prices",
             "max_elapsed", "backoff_initial", "backoff_max", "retry_after_max", "max_article_chars",
             "rpm", "tpm", "max_cost", "max_tokens"}
PRICE_KEYS = ("input_per_mtok", "output_per_mtok")  # USD per million tokens
_SECRET_WORDS = ("key", "token", "secret", "password")
_LEVELS = {"flag": 3, "env": 2, "file": 1, "default": 0}


def default_cache_dir() -> Path:
    """The per-user cache folder (e.g. ~/.cache/brief on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("brief", appauthor=False))


def config_paths() -> list[Path]:
    """Config files looked at, first found wins: ./brief.toml, then the user config dir."""
    from platformdirs import user_config_dir

    return [Path.cwd() / "brief.toml", Path(user_config_dir("brief", appauthor=False)) / "brief.toml"]


def find_config_file(path: Path | None = None) -> Path | None:
    """The config file in use: `path` if given (it must exist), else the first of `config_paths()`."""
    if path is not None:
        if not Path(path).is_file():
            raise ConfigError(f"{path}: config file not found; check --config")
        return Path(path)
    return next((p for p in config_paths() if p.is_file()), None)


def bundled_fixtures_dir() -> Path:
    """The recorded responses shipped with brief (the wheel's copy, else the checkout's)."""
    packaged = Path(__file__).parents[1] / "fixtures"
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "fixtures"


def mask_secret(value: str | SecretStr | None) -> str:
    """'sk-proj-abcd…7890' -> 'sk-…7890'; short values become '********'; None -> '(none)'."""
    if value is None:
        return "(none)"
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    return f"{raw[:3]}…{raw[-4:]}" if len(raw) >= 16 else "********"


def recordings_fingerprint(directory: Path) -> str:
    """A hash of every recording in `directory`: editing or re-recording one changes it."""
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.json")):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()[:12]


def _without_userinfo(url: str) -> str:
    """Drop `user:password@` from a URL so it can be shown and logged."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know about the endpoint, the cache and the limits."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: SecretStr | None = None
    mode: str = "tools"
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    concurrency: int = 8
    replay_dir: Path | None = None
    record_dir: Path | None = None
    timeout: float = 60.0
    max_attempts: int = 5  # transport attempts per request (429/5xx/timeouts)
    max_elapsed: float = 300.0  # seconds, per request, across transport retries
    max_reasks: int = 2  # validation re-asks per request
    backoff_initial: float = 1.0  # seconds before the first transport retry; doubles each time, plus jitter
    backoff_max: float = 30.0  # cap on one backoff wait
    retry_after_max: float = 120.0  # cap on a server's Retry-After
    max_article_chars: int = 20_000  # longer articles are trimmed (at a paragraph or sentence end) before sending
    cache_url: SecretStr | None = None  # a shared Redis cache (redis://host:6379/0) instead of cache_dir; may hold a password
    cache_ttl: float | None = None  # seconds a cache entry lives (None: until `brief cache clear`)
    cache_lease: float = 30.0  # seconds a worker's claim on an article lasts unless renewed (it is, while the request is in flight)
    rpm: int | None = None  # client-side limit: requests per minute (None: no limit)
    tpm: int | None = None  # client-side limit: estimated tokens per minute
    max_cost: float | None = None  # budget in USD: no new request once it would be exceeded
    max_tokens: int | None = None  # budget in tokens (prompt + completion)
    batch: bool = False  # brief articles through the OpenAI Batch API
    batch_poll: float = 30.0  # seconds between batch status checks
    replay_is_default: bool = False  # True when no endpoint was configured and bundled recordings are used
    sources: dict[str, str] = field(default_factory=dict)  # setting -> "flag" | "env:VAR" | "file:<path>" | "provider:<name>" | "default"
    provider: str | None = None  # preset name, None when no --provider/BRIEF_PROVIDER/provider key was given
    key_env: str | None = "OPENAI_API_KEY"  # the env var the key is read from; None: only --api-key
    prices: dict[str, dict[str, float]] = field(default_factory=dict)  # model -> {input_per_mtok, output_per_mtok}
    config_file: Path | None = None  # the config file the settings were read from
    problems: tuple[str, ...] = ()  # what is missing for a live run (only with resolve_settings(lenient=True))

    @property
    def endpoint(self) -> str:
        """A label for the endpoint that never contains the key."""
        if self.replay_dir is not None:
            if self.replay_is_default:
                return "replay:bundled fixtures/"
            return f"replay:{self.replay_dir}"
        return _without_userinfo(self.base_url) if self.base_url else OPENAI_URL

    @property
    def cache_location(self) -> str:
        """Where the cache is, safe to show: the Redis URL with its password masked, the folder, or '(off)'."""
        if not self.use_cache:
            return "(off: --no-cache)"
        if self.cache_url is not None:
            from ..cache.redis import masked_url

            return masked_url(self.cache_url.get_secret_value())
        return str(self.cache_dir)

    @property
    def secrets(self) -> list[str]:
        """Every secret a log line must never show: the API key and the cache URL's password."""
        found = [self.api_key.get_secret_value()] if self.api_key else []
        if self.cache_url is not None:
            from ..cache.redis import url_password

            password = url_password(self.cache_url.get_secret_value())
            found += [password] if password else []
        return [s for s in found if len(s) >= 6]

    @cached_property
    def namespace(self) -> str:
        """Cache namespace: recorded answers never mix with paid ones, and new recordings invalidate old ones."""
        return f"replay-{recordings_fingerprint(self.replay_dir)}" if self.replay_dir is not None else "live"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _read_config_file(path: Path | None) -> tuple[dict[str, Any], Path | None]:
    found = find_config_file(path)
    if found is None:
        return {}, None
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{found}: not valid TOML ({exc}); fix the file or move it away") from exc
    table = data.get("brief", data)
    secrets = sorted(k for k in table if any(word in k.lower() for word in _SECRET_WORDS))
    if secrets:
        raise ConfigError(
            f"{found}: keys do not belong in the config file; remove {', '.join(secrets)} and set the provider's env var "
            "instead (OPENAI_API_KEY, AZURE_OPENAI_API_KEY, OPENROUTER_API_KEY) or pass --api-key"
        )
    unknown = sorted(set(table) - FILE_KEYS)
    if unknown:
        raise ConfigError(f"{found}: unknown setting(s) {unknown}; allowed: {sorted(FILE_KEYS)}")
    return table, found


def _parse_prices(raw: Any, origin: str) -> dict[str, dict[str, float]]:
    example = '[prices."gpt-4o-mini"] input_per_mtok = 0.15, output_per_mtok = 0.60'
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: prices must be a table per model, e.g. {example}")
    prices: dict[str, dict[str, float]] = {}
    for model, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) != set(PRICE_KEYS):
            got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
            raise ConfigError(f"{origin}: prices for {model!r} need exactly {' and '.join(PRICE_KEYS)} (USD per million tokens), got {got}; e.g. {example}")
        for name, value in entry.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{origin}: prices.{model}.{name} must be a number >= 0 (USD per million tokens), got {value!r}")
        prices[model] = {name: float(entry[name]) for name in PRICE_KEYS}
    return prices


def _pick(name: str, flags: Mapping[str, Any], env: Mapping[str, str], file_values: Mapping[str, Any], file_label: str) -> tuple[Any, str] | None:
    """(value, source) from the highest level that sets `name`, or None."""
    if name in flags:
        return flags[name], "flag"
    var = ENV_VARS.get(name)
    if var and name != "api_key" and env.get(var):
        return env[var], f"env:{var}"
    if name in file_values:
        return file_values[name], f"file:{file_label}"
    return None


_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any, what: str, example: str) -> float:
    """Seconds from a number or '90s', '30m', '12h', '7d'; ConfigError naming `example` otherwise."""
    import re

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(value).lower())
        if match is None:
            raise ConfigError(f"{what} must be a duration like 3600, 90s, 30m, 12h or 7d, got {value!r}; e.g. {example}")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise ConfigError(f"{what} must be more than 0, got {value!r}; e.g. {example}, or leave it out")
    return seconds


def _resolve_cache_url(values: dict[str, Any], sources: dict[str, str]) -> None:
    """A Redis URL for the cache; its password is a secret (SecretStr), refused in the config file like a key."""
    if "cache_url" not in values:
        return
    from ..cache.redis import is_redis_url, masked_url, url_password

    url, origin = str(values["cache_url"]).strip(), sources["cache_url"]
    if not url or _level(sources.get("cache_dir", "default")) > _level(origin):  # e.g. --cache-dir over BRIEF_CACHE_URL
        values.pop("cache_url", None)
        sources["cache_url"] = "default"
        return
    if not url:
        del values["cache_url"]
        sources["cache_url"] = "default"
        return
    if not is_redis_url(url):
        raise ConfigError(f"cache_url {masked_url(url)!r} (from {origin}) is not a Redis URL; write it as redis://host:6379/0 "
                          "(rediss:// for TLS), or use --cache-dir for a folder")
    if origin.startswith("file:") and url_password(url):
        raise ConfigError(f"{origin[5:]}: cache_url holds a password, and secrets do not belong in the config file; put the URL in "
                          "BRIEF_CACHE_URL (e.g. in an env file only you can read) and keep cache_url without the password, or remove it")
    values["cache_url"] = SecretStr(url)


def _level(source: str) -> int:
    return _LEVELS[source.split(":", 1)[0]]


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    *,
    lenient: bool = False,
) -> Settings:
    """Build Settings from CLI flags (None = not given), environment and config file.

    A missing key or Azure endpoint raises ConfigError naming the fix; with `lenient=True` it is
    listed in `Settings.problems` instead (for `brief config show` and `brief check`).
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    env = os.environ if env is None else env
    file_values, file_path = _read_config_file(config_file)
    file_label = str(file_path)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []

    for name in ("model", "cache_dir", "cache_url", "cache_ttl", "cache_lease", "concurrency", "timeout", "max_attempts", "max_reasks",
                 "max_elapsed", "backoff_initial", "backoff_max", "retry_after_max", "max_article_chars",
                 "rpm", "tpm", "max_cost", "max_tokens"):
        picked = _pick(name, flags, env, file_values, file_label)
        if picked is None:
            sources[name] = "default"
        else:
            values[name], sources[name] = picked

    provider, provider_level = None, 0
    picked = _pick("provider", flags, env, file_values, file_label)
    if picked is not None and str(picked[0]).strip():
        provider = get_provider(str(picked[0]), origin=picked[1])
        values["provider"], sources["provider"] = provider.name, picked[1]
        provider_level = _level(picked[1])
    else:
        sources["provider"] = "default"

    # base URL and mode: an explicit value at the provider's level or above wins over the preset
    for name in ("base_url", "mode"):
        explicit = _pick(name, flags, env, file_values, file_label)
        preset = None
        if provider is not None:
            preset = preset_base_url(provider, env) if name == "base_url" else provider.mode
        if explicit is not None and (preset is None or _level(explicit[1]) >= provider_level):
            values[name], sources[name] = explicit
        elif preset is not None:
            values[name], sources[name] = preset, f"provider:{provider.name}"  # type: ignore[union-attr]
        else:
            sources[name] = "default"

    key_env = provider.key_env if provider is not None else ENV_VARS["api_key"]
    if "api_key" in flags:
        values["api_key"], sources["api_key"] = flags["api_key"], "flag"
    elif key_env and env.get(key_env):
        values["api_key"], sources["api_key"] = env[key_env], f"env:{key_env}"
    else:
        sources["api_key"] = "default"

    for name in ("use_cache", "replay_dir", "record_dir", "batch"):
        if name in flags:
            values[name] = flags[name]

    mode = str(values.get("mode", "tools")).lower()
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r} (from {sources['mode']}); use --mode with one of: {', '.join(MODES)}")
    values["mode"] = mode
    if "api_key" in values:
        values["api_key"] = SecretStr(str(values["api_key"]))
    if "cache_dir" in values:
        values["cache_dir"] = Path(values["cache_dir"]).expanduser()
    _resolve_cache_url(values, sources)
    if "cache_ttl" in values:
        values["cache_ttl"] = parse_duration(values["cache_ttl"], f"cache_ttl (from {sources['cache_ttl']})", "--cache-ttl 7d")
    if "cache_lease" in values:
        values["cache_lease"] = parse_duration(values["cache_lease"], f"cache_lease (from {sources['cache_lease']})", "cache_lease = 30")
    for name, cast in (("concurrency", int), ("timeout", float), ("max_attempts", int), ("max_reasks", int), ("max_elapsed", float),
                       ("backoff_initial", float), ("backoff_max", float), ("retry_after_max", float), ("max_article_chars", int),
                       ("rpm", int), ("tpm", int), ("max_cost", float), ("max_tokens", int)):
        if name in values:
            try:
                values[name] = cast(values[name])
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{name} must be a number, got {values[name]!r} (from {sources[name]})") from exc
    if values.get("concurrency", 1) < 1:
        raise ConfigError("concurrency must be at least 1; pass --concurrency 1 or more")
    for name, flag in (("rpm", "--rpm"), ("tpm", "--tpm"), ("max_cost", "--max-cost"), ("max_tokens", "--max-tokens")):
        if name in values and values[name] <= 0:
            raise ConfigError(f"{name} must be more than 0, got {values[name]!r} (from {sources[name]}); pass {flag} with a positive number or leave it out")
    if values.get("max_article_chars", 1000) < 1000:
        raise ConfigError(f"max_article_chars must be at least 1000 (from {sources['max_article_chars']}); pass --max-article-chars 1000 or more")
    if "prices" in file_values:
        values["prices"], sources["prices"] = _parse_prices(file_values["prices"], file_label), f"file:{file_label}"
    else:
        sources["prices"] = "default"

    if values.get("replay_dir") is not None:
        values["replay_dir"] = Path(values["replay_dir"])
        if not values["replay_dir"].is_dir():
            raise ConfigError(f"--replay {values['replay_dir']}: no such folder of recordings")
    elif provider is not None:
        if "base_url" not in values:
            problems.append(
                f"provider {provider.name} needs your resource's endpoint: set {provider.base_url_env}=https://<resource>.openai.azure.com "
                f"(or pass --base-url https://<resource>.openai.azure.com/openai/v1)"
            )
        if provider.key_required and "api_key" not in values:
            problems.append(f"provider {provider.name} needs an API key: set {provider.key_env} (or pass --api-key)")
    elif "api_key" not in values and "base_url" not in values:
        values["replay_dir"] = bundled_fixtures_dir()
        values["replay_is_default"] = True
    if values.get("replay_dir") is not None and values.get("record_dir") is not None:
        raise ConfigError("--record needs a live endpoint: set OPENAI_API_KEY, pass --provider or --base-url, and drop --replay")
    if problems and not lenient:
        raise ConfigError("; ".join(problems))
    return Settings(**values, sources=sources, key_env=key_env, config_file=file_path, problems=tuple(problems))
